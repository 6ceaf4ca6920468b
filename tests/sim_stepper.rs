//! `patterns sim breaker`'s interactive stepper through the binary: the usage errors without
//! a terminal, and one run in a real pseudo-terminal (util-linux `script`) that steps the
//! breaker with keys, quits and finds the terminal restored.

use std::io::Write;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

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
fn without_a_terminal_the_stepper_flags_are_usage_errors() {
    usage_error(
        &["--script", "4F", "--step"],
        &[
            "'--step' and '--compare'",
            "needs a terminal",
            "--script '4F 1S",
        ],
    );
    usage_error(
        &["--compare", "seed,gobreaker"],
        &["needs a terminal", "'--script' alone"],
    );
    usage_error(&[], &["without '--script'", "needs a terminal", "'+DUR'"]);
}

#[test]
fn bad_stepper_flags_are_usage_errors_naming_the_value() {
    usage_error(
        &["--compare", "seed,hystrix"],
        &[
            "'--compare'",
            "'hystrix'",
            "'--compare seed,gobreaker,resilience4j'",
        ],
    );
    usage_error(&["--step"], &["--script"]);
    usage_error(&["--compare", "seed", "--preset", "polly"], &["--preset"]);
    usage_error(&["--script", "4F", "--step", "--json"], &["--json"]);
}

#[test]
fn a_script_without_step_still_prints_its_table() {
    cargo_bin_cmd!("patterns")
        .args(["sim", "breaker", "--script", "5F"])
        .assert()
        .success()
        .stdout(predicate::str::contains("final state OPEN"));
}

/// Five failures and `q` typed into the stepper on a pseudo-terminal.
#[test]
fn the_stepper_runs_on_a_real_terminal_and_restores_it() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux 'script' is not installed");
        return;
    }
    let binary = assert_cmd::cargo::cargo_bin!("patterns");
    let command = format!("stty cols 80 rows 24; {} sim breaker", binary.display());
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut keys = child.stdin.take().expect("stdin");
    // Give the stepper time to take over the terminal before typing.
    sleep(Duration::from_millis(1500));
    keys.write_all(b"fffff").expect("keys");
    keys.flush().expect("flush");
    sleep(Duration::from_millis(500));
    keys.write_all(b"q").expect("q");
    keys.flush().expect("flush");
    let output = child.wait_with_output().expect("script ends");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("HALF_OPEN"), "the diagram was drawn");
    let left = screen
        .rfind("\u{1b}[?1049l")
        .expect("left the alternate screen");
    let summary = screen
        .rfind("seed: OPEN at 0s after 5 steps")
        .expect("summary");
    assert!(
        left < summary,
        "the summary prints on the restored terminal"
    );
}
