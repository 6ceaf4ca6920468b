//! `patterns sim storm` through the binary: both scenarios as tables and JSON (snapshots,
//! fixed seeds), sweeps, and bad flag values (exit 2, naming the value).

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

#[path = "support/sim.rs"]
mod sim;

fn stdout(args: &[&str]) -> String {
    sim::stdout("storm", args)
}

fn json(args: &[&str]) -> serde_json::Value {
    sim::json("storm", args)
}

#[test]
fn contention_comparison_table() {
    insta::assert_snapshot!(stdout(&[
        "--jitter",
        "all",
        "--clients",
        "20",
        "--runs",
        "3"
    ]));
}

#[test]
fn contention_json() {
    let out = json(&["--clients", "10", "--seed", "5"]);
    assert_eq!(out["scenario"], "contention");
    let result = &out["results"][0];
    assert_eq!(result["strategy"], "full");
    assert_eq!(result["clients"], 10);
    assert!(result["calls"].as_f64().unwrap() >= 10.0);
    insta::assert_json_snapshot!(out);
}

#[test]
fn contention_shape_matches_the_published_chart() {
    let out = json(&["--jitter", "all", "--clients", "100", "--runs", "10"]);
    let calls = |strategy: &str| {
        out["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["strategy"] == strategy)
            .unwrap()["calls"]
            .as_f64()
            .unwrap()
    };
    assert!(calls("no-backoff") > calls("exponential"));
    for jittered in ["equal", "full", "decorrelated"] {
        assert!(calls(jittered) < calls("exponential"), "{jittered}");
    }
    assert!(calls("full") < calls("equal"));
    assert!(calls("full") < calls("decorrelated"));
}

#[test]
fn one_client_writes_once() {
    let out = json(&["--clients", "1", "--jitter", "all"]);
    for result in out["results"].as_array().unwrap() {
        assert_eq!(result["calls"], 1.0, "{result}");
    }
}

#[test]
fn sweep_gives_one_row_per_client_count() {
    let out = json(&["--sweep", "10..30/10", "--runs", "2"]);
    let clients: Vec<u64> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["clients"].as_u64().unwrap())
        .collect();
    assert_eq!(clients, [10, 20, 30]);
    insta::assert_snapshot!(stdout(&["--sweep", "10..30/10", "--runs", "2"]));
}

#[test]
fn no_backoff_flag_selects_the_no_backoff_strategy() {
    let out = json(&["--no-backoff", "--clients", "5"]);
    assert_eq!(out["results"][0]["strategy"], "no-backoff");
}

#[test]
fn outage_comparison_table() {
    insta::assert_snapshot!(stdout(&[
        "--scenario",
        "outage",
        "--jitter",
        "all",
        "--clients",
        "20",
        "--duration",
        "1m",
        "--outage",
        "10s",
        "--capacity",
        "30",
    ]));
}

#[test]
fn outage_json_with_a_budget() {
    let base = [
        "--scenario",
        "outage",
        "--clients",
        "50",
        "--runs",
        "2",
        "--max-attempts",
        "4",
    ];
    let without = json(&base);
    let mut with_budget = base.to_vec();
    with_budget.extend(["--budget", "ratio:10"]);
    let with = json(&with_budget);
    let amplification = |v: &serde_json::Value| v["results"][0]["amplification"].as_f64().unwrap();
    assert!(amplification(&with) < amplification(&without));
    insta::assert_json_snapshot!(with);
}

#[test]
fn outage_without_trouble_has_no_amplification() {
    let out = json(&[
        "--scenario",
        "outage",
        "--outage",
        "0s",
        "--capacity",
        "1000000",
        "--jitter",
        "all",
    ]);
    for result in out["results"].as_array().unwrap() {
        assert_eq!(result["amplification"], 1.0, "{result}");
        assert_eq!(result["success_ratio"], 1.0, "{result}");
        assert_eq!(result["given_up"], 0.0, "{result}");
    }
}

#[test]
fn outage_behind_a_breaker() {
    let args = [
        "--scenario",
        "outage",
        "--jitter",
        "all",
        "--clients",
        "20",
        "--duration",
        "1m",
        "--outage",
        "10s",
        "--capacity",
        "30",
        "--breaker",
        "seed",
    ];
    insta::assert_snapshot!(stdout(&args));
    let out = json(&args);
    for result in out["results"].as_array().unwrap() {
        assert!(result["rejected"].as_f64().unwrap() > 0.0, "{result}");
    }
}

#[test]
fn bad_values_exit_2_and_name_the_value() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--sweep", "10-190/10"],
            &["'10-190/10'", "'FROM..TO/STEP'"],
        ),
        (
            &["--sweep", "50..10/10"],
            &["'50..10/10'", "'FROM..TO/STEP'"],
        ),
        (&["--sweep", "10..190/0"], &["'10..190/0'"]),
        (&["--clients", "0"], &["'0'"]),
        (&["--clients", "20000"], &["'20000'"]),
        (&["--runs", "0"], &["'0'"]),
        (&["--base", "0s"], &["'0s'"]),
        (&["--cap", "1ms"], &["'1ms'", "'5ms'"]),
        (&["--multiplier", "0"], &["'0'"]),
        (&["--jitter", "sometimes"], &["'sometimes'"]),
        (
            &["--no-backoff", "--jitter", "all"],
            &["'--no-backoff'", "'--jitter all'"],
        ),
        (
            &["--budget", "ratio:10"],
            &["'--budget'", "'--scenario outage'"],
        ),
        (
            &["--scenario", "outage", "--budget", "bucket"],
            &["'bucket'", "'tokens:MAX:RATIO'"],
        ),
        (
            &["--scenario", "outage", "--budget", "tokens:0:1"],
            &["'0'"],
        ),
        (&["--scenario", "outage", "--outage", "soon"], &["'soon'"]),
        (&["--scenario", "outage", "--duration", "5"], &["'5'"]),
        (&["--scenario", "outage", "--rate", "0"], &["'0'"]),
        (&["--scenario", "outage", "--max-attempts", "0"], &["'0'"]),
        (
            &["--scenario", "outage", "--breaker", "hystrix"],
            &["'hystrix'", "gobreaker"],
        ),
        (
            &["--breaker", "seed"],
            &["'--breaker'", "'--scenario outage'"],
        ),
        (
            &["--scenario", "outage", "--rate", "1000", "--duration", "1h"],
            &["'1000'"],
        ),
    ];
    for (args, named) in cases {
        let mut assert = cargo_bin_cmd!("patterns")
            .args(["sim", "storm"])
            .args(*args)
            .assert()
            .code(2)
            .stdout("");
        for name in *named {
            assert = assert.stderr(predicate::str::contains(*name));
        }
    }
}

#[test]
fn load_reports_one_run_over_time() {
    let out = json(&["--jitter", "all", "--clients", "40", "--load"]);
    assert_eq!(out["scenario"], "contention");
    let bucket = out["bucket_ms"].as_f64().unwrap();
    assert!(bucket > 0.0 && bucket <= 50.0, "{out}");
    assert_eq!(out["from_ms"], 0.0);
    let totals = json(&["--jitter", "all", "--clients", "40"]);
    let load = out["load"].as_array().unwrap();
    assert_eq!(load.len(), 5);
    for (series, result) in load.iter().zip(totals["results"].as_array().unwrap()) {
        assert_eq!(series["strategy"], result["strategy"]);
        let calls = series["calls"].as_array().unwrap();
        let buckets = (out["to_ms"].as_f64().unwrap() / bucket).round() as usize;
        assert_eq!(calls.len(), buckets);
        let shown: f64 = calls.iter().map(|n| n.as_f64().unwrap()).sum();
        // The window shows part of the run: never more calls than it made.
        assert!(shown <= result["calls"].as_f64().unwrap(), "{series}");
    }
    let table = stdout(&["--jitter", "full", "--clients", "40", "--load"]);
    assert!(table.starts_with("load over time: 40 clients, 1 run (seed 1); write calls per "));
    assert!(table.contains(" from  full"), "{table}");
}

#[test]
fn load_takes_one_contention_run() {
    for (args, message) in [
        (&["--load", "--runs", "3"][..], "'--runs 3'"),
        (
            &["--load", "--scenario", "outage"][..],
            "'--load' applies to '--scenario contention' only",
        ),
    ] {
        cargo_bin_cmd!("patterns")
            .args(["sim", "storm"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    cargo_bin_cmd!("patterns")
        .args(["sim", "storm", "--load", "--sweep", "10..20/10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sweep"));
}

/// Issue 11 item 8: the total work is bounded before anything runs (a sweep of 1..10000 with
/// 10000 runs aborted on a 5 GB allocation; 10000 clients × 100 runs × 5 ran over a minute):
/// exit 2 naming the product and the limit, in well under a second.
#[test]
fn runaway_work_is_refused_naming_the_product_and_the_limit() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--sweep",
                "1..10000/1",
                "--runs",
                "10000",
                "--jitter",
                "all",
            ],
            "333383335000 clients² (summed over the sweep's 10000 counts) × 10000 runs × 5 \
             strategies = 16669166750000000",
        ),
        (
            &["--clients", "10000", "--runs", "100", "--jitter", "all"],
            "10000² clients × 100 runs × 5 strategies = 50000000000",
        ),
        (
            &["--scenario", "outage", "--clients", "10000", "--runs", "11"],
            "10000² clients × 11 runs × 1 strategy = 1100000000",
        ),
    ];
    for (args, product) in cases {
        cargo_bin_cmd!("patterns")
            .args(["sim", "storm"])
            .args(*args)
            .timeout(std::time::Duration::from_secs(10))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*product))
            .stderr(predicate::str::contains("at most 500000000 per command"));
    }
}

/// A sweep of more runs than one chunk (20 000 tasks here, chunks of 65 536 / runs
/// configurations) is simulated chunk by chunk and still prints one row per client count.
#[test]
fn a_sweep_run_in_several_chunks_prints_every_row() {
    let out = cargo_bin_cmd!("patterns")
        .args([
            "sim", "storm", "--sweep", "1..20/1", "--runs", "1000", "--csv",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 20, "{text}");
    for (n, row) in (1..=20).zip(&rows) {
        assert!(row.contains(&format!(",{n},1000,")), "{row}");
    }
}
