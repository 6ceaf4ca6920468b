//! `--csv` and `--svg FILE` of `sim backoff` and `sim storm` through the binary: CSV
//! snapshots with fixed seeds; SVG files checked to be well-formed XML (by a minimal checker
//! below: no XML crate is in the tree) with one series per strategy.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn stdout(args: &[&str]) -> String {
    let output = cargo_bin_cmd!("patterns")
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

#[test]
fn backoff_schedule_csv() {
    insta::assert_snapshot!(stdout(&[
        "sim", "backoff", "--jitter", "full", "--seed", "7", "--csv"
    ]));
}

#[test]
fn backoff_samples_csv() {
    insta::assert_snapshot!(stdout(&[
        "sim",
        "backoff",
        "--jitter",
        "equal",
        "--samples",
        "200",
        "--seed",
        "3",
        "--attempts",
        "5",
        "--csv"
    ]));
}

#[test]
fn storm_sweep_csv_has_a_row_per_strategy_and_client_count() {
    let text = stdout(&[
        "sim",
        "storm",
        "--jitter",
        "all",
        "--sweep",
        "10..30/10",
        "--runs",
        "2",
        "--csv",
    ]);
    assert_eq!(text.lines().count(), 1 + 5 * 3, "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn storm_outage_csv() {
    insta::assert_snapshot!(stdout(&[
        "sim",
        "storm",
        "--scenario",
        "outage",
        "--jitter",
        "all",
        "--clients",
        "50",
        "--csv"
    ]));
}

#[test]
fn storm_load_csv() {
    // Exponential alone: its bursts are the rows with calls between runs of zeros.
    insta::assert_snapshot!(stdout(&[
        "sim",
        "storm",
        "--jitter",
        "none",
        "--clients",
        "10",
        "--load",
        "--csv"
    ]));
}

#[test]
fn storm_load_csv_has_the_same_buckets_for_every_strategy() {
    let text = stdout(&[
        "sim",
        "storm",
        "--jitter",
        "all",
        "--clients",
        "30",
        "--load",
        "--csv",
    ]);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("strategy,bucket_start_ms,bucket_end_ms,calls")
    );
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    let of = |strategy: &str| -> Vec<Vec<&str>> {
        rows.iter().filter(|r| r[0] == strategy).cloned().collect()
    };
    let first = of("no-backoff");
    assert!(first.len() >= 100, "{text}");
    assert_eq!(rows.len(), 5 * first.len(), "{text}");
    for strategy in STRATEGIES {
        let these = of(strategy);
        let bounds = |r: &Vec<&str>| (r[1].to_owned(), r[2].to_owned());
        assert_eq!(
            these.iter().map(bounds).collect::<Vec<_>>(),
            first.iter().map(bounds).collect::<Vec<_>>(),
            "{strategy}"
        );
        // Contiguous buckets from zero, of one width at most 50 ms.
        let ms = |cell: &str| cell.parse::<f64>().expect("milliseconds");
        assert_eq!(these[0][1], "0");
        for pair in these.windows(2) {
            assert_eq!(pair[0][2], pair[1][1], "{strategy}");
        }
        let width = ms(these[0][2]) - ms(these[0][1]);
        assert!(width > 0.0 && width <= 50.0, "{width}");
        let calls: u64 = these
            .iter()
            .map(|r| r[3].parse::<u64>().expect("calls"))
            .sum();
        assert!(
            calls >= 30,
            "every client writes at least once: {strategy} {calls}"
        );
    }
}

#[test]
fn csv_and_json_conflict() {
    cargo_bin_cmd!("patterns")
        .args(["sim", "storm", "--csv", "--json"])
        .assert()
        .code(2);
}

/// Well-formedness: balanced, properly nested tags, quoted attributes, only the five
/// predefined entities (or numeric ones), nothing after the root. Returns the tag names
/// with their attributes, in document order, for the assertions.
fn parse_xml(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut rest = text
        .strip_prefix("<?xml")
        .and_then(|r| r.split_once("?>"))
        .map(|(_, r)| r)
        .expect("an XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut elements = Vec::new();
    let mut closed_root = false;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start]);
        assert!(
            !closed_root || rest[..start].trim().is_empty(),
            "text after the root"
        );
        let end = rest[start..].find('>').expect("an unterminated tag") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            closed_root = stack.is_empty();
            continue;
        }
        assert!(!closed_root, "a second root element <{tag}>");
        let (body, empty) = match tag.strip_suffix('/') {
            Some(body) => (body, true),
            None => (tag, false),
        };
        let (name, mut attrs_text) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_:".contains(c)),
            "bad tag name '{name}'"
        );
        let mut attrs = Vec::new();
        loop {
            attrs_text = attrs_text.trim_start();
            if attrs_text.is_empty() {
                break;
            }
            let (key, after) = attrs_text.split_once("=\"").expect("attribute=\"value\"");
            let (value, after) = after.split_once('"').expect("a closing quote");
            assert!(!value.contains('<'), "'<' in an attribute");
            check_text(value);
            assert!(
                !attrs.iter().any(|(k, _)| k == key),
                "duplicate attribute {key}"
            );
            attrs.push((key.trim().to_owned(), value.to_owned()));
            attrs_text = after;
        }
        elements.push((name.to_owned(), attrs));
        if !empty {
            stack.push(name.to_owned());
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    assert!(closed_root, "no root element");
    elements
}

fn check_text(text: &str) {
    assert!(
        !text.contains('>') || !text.contains('<'),
        "stray markup in {text:?}"
    );
    let mut parts = text.split('&');
    parts.next();
    for part in parts {
        let entity = part.split_once(';').expect("an unterminated entity").0;
        assert!(
            ["amp", "lt", "gt", "quot", "apos"].contains(&entity) || entity.starts_with('#'),
            "unknown entity &{entity};"
        );
    }
}

fn svg(args: &[&str], file: &Path) -> Vec<(String, Vec<(String, String)>)> {
    let mut all = args.to_vec();
    let path = file.to_str().expect("a UTF-8 temp path");
    all.extend(["--svg", path]);
    stdout(&all);
    let text = std::fs::read_to_string(file).expect("--svg wrote the file");
    let elements = parse_xml(&text);
    assert_eq!(elements.first().map(|e| e.0.as_str()), Some("svg"));
    elements
}

fn series(elements: &[(String, Vec<(String, String)>)]) -> Vec<String> {
    elements
        .iter()
        .filter(|(name, attrs)| {
            name == "g" && attrs.iter().any(|(k, v)| k == "class" && v == "series")
        })
        .filter_map(|(_, attrs)| {
            attrs
                .iter()
                .find(|(k, _)| k == "data-series")
                .map(|(_, v)| v.clone())
        })
        .collect()
}

const STRATEGIES: [&str; 5] = ["no-backoff", "exponential", "equal", "full", "decorrelated"];

#[test]
fn storm_comparison_svg_has_one_series_per_strategy() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("storm.svg");
    let elements = svg(
        &["sim", "storm", "--jitter", "all", "--clients", "20"],
        &file,
    );
    assert_eq!(series(&elements), STRATEGIES);
    // Two bars per strategy: calls and completion.
    assert_eq!(
        elements.iter().filter(|e| e.0 == "rect").count(),
        1 + 10 + 5
    );
}

#[test]
fn storm_sweep_svg_has_one_line_per_strategy() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("sweep.svg");
    let elements = svg(
        &[
            "sim",
            "storm",
            "--jitter",
            "all",
            "--sweep",
            "10..40/10",
            "--csv",
        ],
        &file,
    );
    assert_eq!(series(&elements), STRATEGIES);
    assert_eq!(elements.iter().filter(|e| e.0 == "polyline").count(), 5);
}

#[test]
fn outage_svg_has_one_series_per_strategy() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("outage.svg");
    let elements = svg(
        &[
            "sim",
            "storm",
            "--scenario",
            "outage",
            "--jitter",
            "all",
            "--clients",
            "20",
        ],
        &file,
    );
    assert_eq!(series(&elements), STRATEGIES);
}

#[test]
fn storm_load_svg_has_one_line_per_strategy() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("load.svg");
    let elements = svg(
        &[
            "sim",
            "storm",
            "--jitter",
            "all",
            "--clients",
            "50",
            "--load",
            "--csv",
        ],
        &file,
    );
    assert_eq!(series(&elements), STRATEGIES);
    let lines: Vec<&Vec<(String, String)>> = elements
        .iter()
        .filter(|e| e.0 == "polyline")
        .map(|e| &e.1)
        .collect();
    assert_eq!(lines.len(), 5);
    for attrs in lines {
        let points = attrs
            .iter()
            .find(|(k, _)| k == "points")
            .map(|(_, v)| v.split(' ').count());
        assert!(points >= Some(100), "a point per bucket: {points:?}");
    }
    let text = std::fs::read_to_string(&file).expect("the file");
    assert!(text.contains("write calls per "), "{text}");
}

#[test]
fn backoff_svg_has_the_ceiling_the_draws_and_the_band() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("backoff.svg");
    let elements = svg(
        &[
            "sim",
            "backoff",
            "--jitter",
            "full",
            "--samples",
            "50",
            "--attempts",
            "6",
        ],
        &file,
    );
    assert_eq!(
        series(&elements),
        ["min-max of 50", "ceiling", "full (seed 1)"]
    );
    assert_eq!(elements.iter().filter(|e| e.0 == "circle").count(), 6);
    assert_eq!(elements.iter().filter(|e| e.0 == "polygon").count(), 1);
}

#[test]
fn svg_to_an_unwritable_path_names_it() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("missing").join("chart.svg");
    cargo_bin_cmd!("patterns")
        .args(["sim", "backoff", "--svg"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("'{}'", file.display())));
}

#[test]
fn the_checker_rejects_broken_xml() {
    for bad in [
        "<?xml version=\"1.0\"?><a><b></a></b>",
        "<?xml version=\"1.0\"?><a x=1></a>",
        "<?xml version=\"1.0\"?><a>&nbsp;</a>",
        "<?xml version=\"1.0\"?><a></a><b/>",
        "<?xml version=\"1.0\"?><a>",
    ] {
        let result = std::panic::catch_unwind(|| parse_xml(bad));
        assert!(result.is_err(), "accepted {bad}");
    }
}
