//! `patterns sim limiter` through the binary: tables, JSON and CSV (snapshots), every
//! algorithm and preset, and bad flags and scripts (exit 2, with a caret under the token).

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

#[path = "support/sim.rs"]
mod sim;

fn stdout(args: &[&str]) -> String {
    sim::stdout("limiter", args)
}

fn json(args: &[&str]) -> serde_json::Value {
    sim::json("limiter", args)
}

/// stderr of a run that must exit 2.
fn usage_error(args: &[&str]) -> String {
    let output = cargo_bin_cmd!("patterns")
        .args(["sim", "limiter"])
        .args(args)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8(output.stderr).expect("stderr is UTF-8")
}

#[test]
fn token_bucket_table() {
    insta::assert_snapshot!(stdout(&[
        "--algorithm",
        "token-bucket",
        "--rate",
        "10/s",
        "--burst",
        "5",
        "--script",
        "10 +250ms 3 5/1s"
    ]));
}

#[test]
fn every_algorithm_on_one_script() {
    let script = "+900ms 5 +100ms 5 +500ms 5";
    let mut out = String::new();
    for algorithm in [
        "fixed-window",
        "sliding-log",
        "sliding-window",
        "token-bucket",
        "gcra",
        "leaky-queue",
    ] {
        let flags: &[&str] = match algorithm {
            "fixed-window" | "sliding-log" | "sliding-window" => {
                &["--limit", "5", "--window", "1s"]
            }
            "leaky-queue" => &["--rate", "5/s", "--queue", "4"],
            _ => &["--rate", "5/s", "--burst", "5"],
        };
        let mut args = vec!["--algorithm", algorithm, "--script", script];
        args.extend(flags);
        out.push_str(&stdout(&args));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn every_preset_on_one_script() {
    let mut out = String::new();
    for preset in [
        "nginx",
        "nginx-nodelay",
        "envoy",
        "envoy-timer",
        "guava",
        "resilience4j",
        "redis-incr",
        "redis-get-incr",
    ] {
        let flags: &[&str] = match preset {
            "nginx" | "nginx-nodelay" => &["--rate", "2/s", "--burst", "3"],
            "envoy" | "envoy-timer" => &["--rate", "2/s", "--burst", "3"],
            "guava" => &["--rate", "2/s"],
            "resilience4j" => &["--limit", "2", "--window", "1s", "--timeout", "1s"],
            _ => &["--limit", "3", "--window", "1s"],
        };
        let mut args = vec!["--preset", preset, "--script", "6 +700ms 3 +600ms 3"];
        args.extend(flags);
        out.push_str(&stdout(&args));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn json_has_the_design_shape() {
    let out = json(&[
        "--algorithm",
        "leaky-queue",
        "--rate",
        "1/s",
        "--queue",
        "5",
        "--script",
        "7 +2500ms",
    ]);
    assert_eq!(
        out["config"],
        serde_json::json!({"algorithm": "leaky-queue", "rate": 1, "queue": 5})
    );
    let first = &out["steps"][0];
    assert_eq!(first["token"], "7");
    assert_eq!(first["at_ms"], 0);
    assert_eq!(first["admitted"], 6);
    assert_eq!(first["rejected"], 1);
    assert_eq!(first["decisions"], "AAAAAAR");
    assert_eq!(
        first["delays_ms"],
        serde_json::json!([0, 1000, 2000, 3000, 4000, 5000])
    );
    assert_eq!(out["steps"][1]["state"]["queue_len"], 3);
    insta::assert_json_snapshot!(out);
}

#[test]
fn json_has_no_delays_for_limiters_that_do_not_queue() {
    let out = json(&["--algorithm", "gcra", "--script", "3"]);
    assert!(out["steps"][0].get("delays_ms").is_none());
    assert_eq!(out["steps"][0]["state"]["tat_ms"], 600);
}

#[test]
fn csv_has_one_row_per_step() {
    insta::assert_snapshot!(stdout(&[
        "--preset",
        "resilience4j",
        "--limit",
        "2",
        "--window",
        "1s",
        "--timeout",
        "5s",
        "--script",
        "+200ms 5 +1s 1",
        "--csv"
    ]));
}

#[test]
fn the_fixed_window_flaw_admits_twice_the_limit_across_a_boundary() {
    let script = "+999ms 100 +1ms 100";
    let fixed = json(&[
        "--algorithm",
        "fixed-window",
        "--limit",
        "100",
        "--script",
        script,
    ]);
    let log = json(&[
        "--algorithm",
        "sliding-log",
        "--limit",
        "100",
        "--script",
        script,
    ]);
    let admitted = |out: &serde_json::Value| -> u64 {
        out["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|step| step["admitted"].as_u64().expect("admitted"))
            .sum()
    };
    assert_eq!(admitted(&fixed), 200);
    assert_eq!(admitted(&log), 100);
}

#[test]
fn a_bad_token_gets_a_caret_under_it() {
    insta::assert_snapshot!(usage_error(&["--script", "10 +1s 5/0.5ms 3"]));
}

#[test]
fn bad_flags_are_usage_errors() {
    let cases: [(&[&str], &str); 8] = [
        (
            &["--algorithm", "bucket", "--script", "1"],
            "unknown algorithm 'bucket'",
        ),
        (
            &["--preset", "haproxy", "--script", "1"],
            "unknown preset 'haproxy'",
        ),
        (
            &[
                "--algorithm",
                "fixed-window",
                "--burst",
                "3",
                "--script",
                "1",
            ],
            "--burst does not apply to fixed-window",
        ),
        (
            &["--rate", "3/7ms", "--script", "1"],
            "not a whole number of requests per second",
        ),
        (&["--rate", "fast", "--script", "1"], "'fast' is not a rate"),
        (
            &["--burst", "0", "--script", "1"],
            "burst is 0; it must be at least 1",
        ),
        (
            &[
                "--algorithm",
                "sliding-log",
                "--window",
                "soon",
                "--script",
                "1",
            ],
            "invalid value for '--window'",
        ),
        (&["--script", ""], "the script is empty"),
    ];
    for (args, expected) in cases {
        let stderr = usage_error(args);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn without_a_terminal_or_script_it_says_how_to_pass_one() {
    cargo_bin_cmd!("patterns")
        .args(["sim", "limiter"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass '--script'"));
}
