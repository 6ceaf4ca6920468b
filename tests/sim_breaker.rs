//! `patterns sim breaker` through the binary: exit codes, the seed exam, bad input, and
//! snapshots of what a person reads (the table) and what tools read (the JSON).

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use serde_json::Value;

const EXAM: [&str; 8] = [
    "--failure-threshold",
    "5",
    "--recovery-timeout",
    "30s",
    "--success-threshold",
    "3",
    "--script",
    "4F 1S 5F +31s 2S 1F",
];

/// Runs `patterns sim breaker ARGS`, expecting success; returns stdout.
fn sim(args: &[&str]) -> String {
    let output = cargo_bin_cmd!("patterns")
        .args(["sim", "breaker"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).expect("stdout is UTF-8")
}

fn sim_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&sim(&all)).expect("--json prints JSON")
}

fn states(json: &Value) -> Vec<&str> {
    json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|step| step["state"].as_str().expect("state"))
        .collect()
}

#[test]
fn seed_exam_states_in_json() {
    let json = sim_json(&EXAM);
    assert_eq!(
        states(&json),
        ["CLOSED", "CLOSED", "OPEN", "OPEN", "HALF_OPEN", "OPEN"]
    );
    assert_eq!(json["steps"][0]["failure_count"], 4);
    assert_eq!(json["steps"][3]["at_ms"], 31_000);
    assert_eq!(json["stats"]["calls"], 13);
    assert_eq!(json["config"]["recovery_timeout"], "30s");
}

#[test]
fn seed_exam_json_snapshot() {
    // The text exactly as printed: key order and layout are part of what tools read.
    let mut args = EXAM.to_vec();
    args.push("--json");
    insta::assert_snapshot!("seed_exam_json", sim(&args));
}

#[test]
fn seed_exam_table_snapshot() {
    insta::assert_snapshot!("seed_exam_table", sim(&EXAM));
}

/// One script, three libraries: the seed, pybreaker and gobreaker disagree.
const COMPARISON: &str = "5F +1m 1F +61s 1S 1S";

#[test]
fn presets_disagree_on_one_script() {
    let run = |preset| states(&sim_json(&["--preset", preset, "--script", COMPARISON])).join(" ");
    assert_eq!(run("seed"), "OPEN OPEN OPEN OPEN HALF_OPEN CLOSED");
    assert_eq!(run("pybreaker"), "OPEN OPEN OPEN OPEN CLOSED CLOSED");
    assert_eq!(run("gobreaker"), "CLOSED CLOSED OPEN OPEN CLOSED CLOSED");
}

#[test]
fn preset_comparison_table_snapshot() {
    let tables: Vec<String> = ["seed", "pybreaker", "gobreaker"]
        .into_iter()
        .map(|preset| sim(&["--preset", preset, "--script", COMPARISON]))
        .collect();
    insta::assert_snapshot!("preset_comparison_tables", tables.join("\n"));
}

#[test]
fn preset_comparison_json_snapshot() {
    let json = sim_json(&["--preset", "gobreaker", "--script", COMPARISON]);
    insta::assert_json_snapshot!("preset_comparison_gobreaker_json", json);
}

#[test]
fn rate_presets_table_snapshot() {
    let r4j = sim(&[
        "--preset",
        "resilience4j",
        "--window",
        "count:10",
        "--script",
        "5S 5F +61s 4F 6S 2S@61s",
    ]);
    let polly = sim(&["--preset", "polly", "--script", "90S 10F +5s 1S"]);
    insta::assert_snapshot!("rate_presets_tables", format!("{r4j}\n{polly}"));
}

#[test]
fn automatic_transition_is_shown_when_the_timeout_elapses() {
    let mut args = EXAM.to_vec();
    args.push("--automatic-transition");
    let json = sim_json(&args);
    assert_eq!(json["steps"][3]["state"], "HALF_OPEN");
    assert_eq!(json["steps"][3]["transitions"][0]["at_ms"], 30_000);
}

fn usage_error(args: &[&str], expected: &[&str]) {
    let mut assert = cargo_bin_cmd!("patterns")
        .args(["sim", "breaker"])
        .args(args)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
    for text in expected {
        assert = assert.stderr(predicate::str::contains(*text));
    }
}

#[test]
fn a_bad_token_is_a_usage_error_naming_it() {
    usage_error(
        &["--script", "4F 1S 5X +31s"],
        &["token 3 '5X'", "'NF@DUR'", "'+DUR'"],
    );
    usage_error(&["--script", "4F +31"], &["token 2 '+31'", "has no unit"]);
    usage_error(&["--script", "0F"], &["token 1 '0F'", "at least 1"]);
}

#[test]
fn bad_flag_values_are_usage_errors_naming_flag_and_value() {
    usage_error(
        &["--recovery-timeout", "30", "--script", "F"],
        &["'--recovery-timeout'", "'30'", "'500ms'"],
    );
    usage_error(
        &["--preset", "hystrix", "--script", "F"],
        &["'--preset'", "'hystrix'", "resilience4j"],
    );
    usage_error(
        &["--window", "count:0", "--script", "F"],
        &["'--window'", "'count:0'", "'time:DUR'"],
    );
    usage_error(
        &[
            "--window",
            "count:10",
            "--failure-rate",
            "150",
            "--script",
            "F",
        ],
        &["'--failure-rate'", "'150'", "at most 100"],
    );
    usage_error(
        &["--failure-rate", "50", "--script", "F"],
        &["'--failure-rate' needs a window", "'--window count:N'"],
    );
    usage_error(
        &["--failure-threshold", "0", "--script", "F"],
        &["'--failure-threshold'", "'0'"],
    );
    usage_error(
        &[
            "--half-open-max-calls",
            "1",
            "--success-threshold",
            "3",
            "--script",
            "F",
        ],
        &["half_open_max_calls 1 is below success_threshold 3"],
    );
    usage_error(
        &[
            "--preset",
            "resilience4j",
            "--success-threshold",
            "3",
            "--script",
            "F",
        ],
        &["'--success-threshold' has no effect with the resilience4j preset"],
    );
}

#[test]
fn without_a_script_it_says_to_pass_one() {
    usage_error(&[], &["pass '--script'", "'4F 1S 5F +31s 2S 1F'"]);
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    // `patterns sim breaker ... | head -0`: the reader is gone before we write.
    let script = "1S ".repeat(2000);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("patterns"))
        .args(["sim", "breaker", "--script", &script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status:?}");
}

#[test]
fn gobreaker_flags_mean_what_gobreakers_settings_mean() {
    // MaxRequests 3: three trial calls admitted, a fourth rejected, three successes close.
    let json = sim_json(&[
        "--preset",
        "gobreaker",
        "--half-open-max-calls",
        "3",
        "--script",
        "6F +61s 2S 1S",
    ]);
    assert_eq!(states(&json), ["OPEN", "OPEN", "HALF_OPEN", "CLOSED"]);
    assert_eq!(json["config"]["success_threshold"], 3);
    // Timeout 0 is gobreaker's 60 s; ConsecutiveFailures > 0 trips on the first failure.
    let json = sim_json(&[
        "--preset",
        "gobreaker",
        "--recovery-timeout",
        "0s",
        "--failure-threshold",
        "0",
        "--script",
        "F +60s F +1ms S",
    ]);
    assert_eq!(states(&json), ["OPEN", "OPEN", "OPEN", "OPEN", "CLOSED"]);
}
