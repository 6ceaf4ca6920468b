//! `patterns sim backoff` through the binary: tables and JSON (snapshots, fixed seeds) and
//! bad flag values (exit 2, naming the value).

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

#[path = "support/sim.rs"]
mod sim;

fn stdout(args: &[&str]) -> String {
    sim::stdout("backoff", args)
}

fn json(args: &[&str]) -> serde_json::Value {
    sim::json("backoff", args)
}

#[test]
fn default_schedule_table() {
    insta::assert_snapshot!(stdout(&[]));
}

#[test]
fn default_schedule_json_doubles_to_the_cap() {
    let out = json(&[]);
    let delays: Vec<u64> = out["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["delay_ms"].as_u64().unwrap())
        .collect();
    assert_eq!(
        delays,
        [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]
    );
    assert_eq!(out["attempts"][0]["attempt"], 1);
    assert_eq!(out["attempts"][6]["ceiling_ms"], 60_000);
    insta::assert_snapshot!(stdout(&["--json"]));
}

#[test]
fn jittered_schedule_table_and_json() {
    let args = [
        "--jitter",
        "full",
        "--seed",
        "7",
        "--base",
        "100ms",
        "--cap",
        "10s",
        "--attempts",
        "6",
    ];
    insta::assert_snapshot!("full_jitter_table", stdout(&args));
    let out = json(&args);
    for attempt in out["attempts"].as_array().unwrap() {
        let us = attempt["delay_us"].as_u64().unwrap();
        let ms = attempt["delay_ms"].as_u64().unwrap();
        assert_eq!(ms, (us + 500) / 1_000, "delay_ms is delay_us rounded");
        assert!(ms <= attempt["ceiling_ms"].as_u64().unwrap());
    }
    insta::assert_json_snapshot!("full_jitter_json", out);
}

#[test]
fn decorrelated_and_proportional_use_their_formulas() {
    let out = json(&[
        "--jitter",
        "decorrelated",
        "--seed",
        "3",
        "--attempts",
        "20",
    ]);
    let mut previous = 1_000_000u64;
    for attempt in out["attempts"].as_array().unwrap() {
        let us = attempt["delay_us"].as_u64().unwrap();
        assert!(
            us >= 1_000_000 && us <= (3 * previous).min(60_000_000),
            "{attempt}"
        );
        previous = us;
    }
    let out = json(&[
        "--jitter",
        "proportional",
        "--seed",
        "3",
        "--attempts",
        "20",
    ]);
    for attempt in out["attempts"].as_array().unwrap() {
        let us = attempt["delay_us"].as_u64().unwrap();
        let ceiling_us = attempt["ceiling_ms"].as_u64().unwrap() * 1_000;
        assert!(us * 2 >= ceiling_us && us <= ceiling_us, "{attempt}");
    }
}

#[test]
fn a_seed_replays_and_another_differs() {
    let args = ["--jitter", "equal", "--seed", "11", "--json"];
    assert_eq!(stdout(&args), stdout(&args));
    assert_ne!(
        stdout(&args),
        stdout(&["--jitter", "equal", "--seed", "12", "--json"])
    );
}

#[test]
fn samples_report_the_spread() {
    let args = ["--jitter", "full", "--samples", "500", "--attempts", "4"];
    insta::assert_snapshot!("samples_table", stdout(&args));
    let out = json(&args);
    let samples = &out["samples"];
    assert_eq!(samples["count"], 500);
    let rows = samples["attempts"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    for row in rows {
        let get = |key: &str| row[key].as_f64().unwrap();
        assert!(get("min_ms") <= get("p50_ms"));
        assert!(get("p50_ms") <= get("p95_ms"));
        assert!(get("p95_ms") <= get("max_ms"));
        assert!(get("max_ms") <= get("ceiling_ms"));
        let half = get("ceiling_ms") / 2.0;
        assert!((get("mean_ms") - half).abs() < half * 0.1, "{row}");
    }
    insta::assert_json_snapshot!("samples_json", samples);
}

#[test]
fn bad_values_exit_2_and_name_the_value() {
    let cases: &[(&[&str], &str)] = &[
        (&["--base", "0s"], "'0s'"),
        (&["--base", "10"], "'10'"),
        (&["--base", "1s", "--cap", "500ms"], "'500ms'"),
        (&["--multiplier", "0.5"], "'0.5'"),
        (&["--multiplier", "NaN"], "'NaN'"),
        (&["--attempts", "0"], "'0'"),
        (&["--attempts", "1001"], "'1001'"),
        (&["--samples", "0"], "'0'"),
        (&["--samples", "100001"], "'100001'"),
        (&["--jitter", "wobbly"], "'wobbly'"),
        (&["--seed", "-1"], "'-1'"),
    ];
    for (args, named) in cases {
        cargo_bin_cmd!("patterns")
            .args(["sim", "backoff"])
            .args(*args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*named));
    }
}
