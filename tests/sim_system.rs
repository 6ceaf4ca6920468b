//! `patterns sim system` through the binary: the table, `--json` (§1.5's shape), `--csv` and
//! `--svg` of a small fixture (snapshots, fixed seed), the built-in cascade's story in JSON,
//! flag overrides, and bad files and flags (located messages, exit 2).

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

#[path = "support/sim.rs"]
mod sim;

const SMALL: &str = "tests/fixtures/system/small.yaml";

fn stdout(args: &[&str]) -> String {
    sim::stdout("system", args)
}

fn json(args: &[&str]) -> serde_json::Value {
    sim::json("system", args)
}

#[test]
fn small_table() {
    insta::assert_snapshot!(stdout(&["--scenario", SMALL]));
}

#[test]
fn small_json_has_the_documented_shape() {
    let out = json(&["--scenario", SMALL]);
    let series = &out["series"][1];
    assert_eq!(series["service"], "back");
    assert_eq!(series["bucket_ms"], 1000.0);
    for key in ["busy", "queued", "completed", "p50_ms", "p99_ms"] {
        assert!(series[key].is_array(), "{key}");
    }
    assert!(series["rejected"]["timeout"].is_array());
    let back = &out["totals"][1];
    assert_eq!(
        back["failed"],
        20 * 2,
        "a second of failures, each call tried twice"
    );
    insta::assert_json_snapshot!(out);
}

#[test]
fn small_csv() {
    insta::assert_snapshot!(stdout(&["--scenario", SMALL, "--csv"]));
}

#[test]
fn svg_has_one_series_per_service_and_is_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.svg");
    let path_text = path.to_str().unwrap();
    stdout(&["--scenario", "cascade", "--svg", path_text]);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{}",
        &svg[..40]
    );
    for name in ["web", "checkout", "payment"] {
        assert!(svg.contains(&format!("data-series=\"{name}\"")), "{name}");
    }
    assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
    assert!(svg.trim_end().ends_with("</svg>"));
}

#[test]
fn the_cascade_fills_checkout_then_web() {
    let out = json(&["--scenario", "cascade"]);
    let first_full = |i: usize| out["totals"][i]["first_full_ms"].as_f64().unwrap();
    assert_eq!(out["totals"][1]["service"], "checkout");
    assert!(10_000.0 <= first_full(1) && first_full(1) < first_full(0));
    for cure in ["cascade-breaker", "cascade-bulkhead"] {
        let out = json(&["--scenario", cure]);
        assert!(out["totals"][0]["first_full_ms"].is_null(), "{cure}");
        assert!(out["totals"][1]["first_full_ms"].is_null(), "{cure}");
    }
}

#[test]
fn flags_override_rate_duration_and_seed() {
    let out = json(&[
        "--scenario",
        "mmc",
        "--rate",
        "100",
        "--duration",
        "10s",
        "--seed",
        "9",
    ]);
    assert_eq!(out["seed"], 9);
    let total = out["requests"]["total"].as_u64().unwrap();
    assert!((850..1150).contains(&total), "{total}");
    assert_eq!(
        out,
        json(&[
            "--scenario",
            "mmc",
            "--rate",
            "100",
            "--duration",
            "10s",
            "--seed",
            "9"
        ])
    );
}

#[test]
fn a_bad_file_gets_a_located_message_and_exit_2() {
    cargo_bin_cmd!("patterns")
        .args([
            "sim",
            "system",
            "--scenario",
            "tests/fixtures/system/bad-to.yaml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "tests/fixtures/system/bad-to.yaml:6:13: error: no service named 'bakc'",
        ))
        .stderr(predicate::str::contains("6 |       - to: bakc"))
        .stderr(predicate::str::contains("hint: did you mean 'back'?"));
}

#[test]
fn bad_names_and_flags_exit_2_naming_the_value() {
    let cases: [(&[&str], &str); 5] = [
        (&["--scenario", "cascdae"], "did you mean 'cascade'"),
        (&["--scenario", "missing/file.yaml"], "cannot read it"),
        (&["--duration", "soon"], "--duration 'soon'"),
        (&["--rate", "0"], "arrival rate '0'"),
        (&["--bucket", "10m"], "bucket"),
    ];
    for (args, message) in cases {
        cargo_bin_cmd!("patterns")
            .args(["sim", "system"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}
