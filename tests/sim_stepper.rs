//! `patterns sim breaker`'s interactive stepper through the binary: the usage errors without
//! a terminal, and one run in a real pseudo-terminal (tests/support/pty.rs) that steps the
//! breaker with keys, quits and finds the terminal restored. (Resizes: tests/pty.rs.)

#[cfg(unix)]
#[path = "support/pty.rs"]
mod pty;

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
#[cfg(unix)]
#[test]
fn the_stepper_runs_on_a_real_terminal_and_restores_it() {
    let binary = assert_cmd::cargo::cargo_bin!("patterns");
    let script = format!("{} sim breaker", binary.display());
    let Some(mut pty) = pty::Pty::spawn(&script, &[]) else {
        return;
    };
    pty.wait_frame("the stepper", |s| s.text().contains("HALF_OPEN"));
    pty.send(b"fffff");
    pty.wait_frame("five failures", |s| s.text().contains("step 5"));
    pty.send(b"q");
    let (status, log) = pty.finish();
    let output = pty::output_of(&log);
    let screen = String::from_utf8_lossy(&output);
    assert!(
        matches!(status, ptyprocess::WaitStatus::Exited(_, 0)),
        "{status:?}: {screen}"
    );
    let left = pty::rfind(&output, pty::LEAVE_ALTERNATE).expect("left the alternate screen");
    let summary = screen
        .rfind("seed: OPEN at 0s after 5 steps")
        .expect("summary");
    assert!(
        left < summary,
        "the summary prints on the restored terminal"
    );
}
