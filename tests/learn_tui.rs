//! `patterns learn` on a real pseudo-terminal (tests/support/pty.rs): the TUI opens, the
//! learner answers the priming question, reads the concept, quits with `q`, and the
//! terminal is restored before the closing message prints. (Resizes, Ctrl-C and a panic
//! mid-exercise: tests/pty.rs.)

#![cfg(unix)]

#[path = "support/pty.rs"]
mod pty;

use patterns::content::Library;
use patterns::progress::{Store, Timestamp};

#[test]
fn learn_answers_quits_and_restores_the_terminal() {
    let home = tempfile::tempdir().expect("tempdir");
    let binary = assert_cmd::cargo::cargo_bin!("patterns");
    let script = format!("{} learn circuit-breaker", binary.display());
    let envs = [("PATTERNS_HOME", home.path().as_os_str())];
    let Some(mut pty) = pty::Pty::spawn(&script, &envs) else {
        return;
    };
    pty.wait_frame("the overview", |s| s.row(0).ends_with("overview"));
    pty.send(b"\r"); // overview → priming question
    pty.wait_frame("the priming question", |s| s.row(0).ends_with("priming"));
    pty.send(b"2s\r"); // the guess → the concept
    pty.wait_frame("the concept", |s| s.text().contains("space/b"));
    pty.send(b"q"); // back
    let (status, log) = pty.finish();
    let output = pty::output_of(&log);
    let screen = String::from_utf8_lossy(&output);
    assert!(
        matches!(status, ptyprocess::WaitStatus::Exited(_, 0)),
        "{status:?}: {screen}"
    );
    // Frames after the first are drawn as diffs, so only whole first-frame text is searched.
    // The overview's line, from the module itself (it changes as the curriculum grows).
    let module = Library::load(&[])
        .library
        .get("circuit-breaker")
        .cloned()
        .expect("bundled module");
    let first = module.module.blocks.first().expect("a block");
    let minutes = format!("About {} minutes.", module.minutes());
    assert!(
        screen.contains(&minutes),
        "the overview was drawn: {minutes}"
    );
    assert!(screen.contains("Priming"), "the priming page was drawn");
    assert!(screen.contains("space/b"), "the concept pager was drawn");
    let left = screen
        .rfind("\u{1b}[?1049l")
        .expect("left the alternate screen");
    let message = screen
        .rfind(&format!("Saved. You stopped in block 1 '{}'", first.title))
        .expect("closing message");
    assert!(
        left < message,
        "the message prints on the restored terminal"
    );
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("progress")
        .record;
    assert_eq!(
        record
            .module("circuit-breaker")
            .and_then(|m| m.current_block.as_deref()),
        Some(first.id.as_str())
    );
}
