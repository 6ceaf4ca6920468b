//! `patterns learn` on a real pseudo-terminal (util-linux `script`): the TUI opens, the
//! learner answers the priming question, reads the concept, quits with `q`, and the
//! terminal is restored before the closing message prints.

use std::io::Write;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use patterns::content::Library;
use patterns::progress::{Store, Timestamp};

fn keys(stdin: &mut std::process::ChildStdin, bytes: &[u8]) {
    stdin.write_all(bytes).expect("keys");
    stdin.flush().expect("flush");
    sleep(Duration::from_millis(300));
}

#[test]
fn learn_answers_quits_and_restores_the_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux 'script' is not installed");
        return;
    }
    let home = tempfile::tempdir().expect("tempdir");
    let binary = assert_cmd::cargo::cargo_bin!("patterns");
    let command = format!(
        "stty cols 80 rows 24; {} learn circuit-breaker",
        binary.display()
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("PATTERNS_HOME", home.path())
        .env_remove("PATTERNS_MODULES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut stdin = child.stdin.take().expect("stdin");
    // Give the screen time to take over the terminal before typing.
    sleep(Duration::from_millis(1500));
    keys(&mut stdin, b"\r"); // overview → priming question
    keys(&mut stdin, b"2s\r"); // the guess → the concept
    keys(&mut stdin, b"q"); // back
    let output = child.wait_with_output().expect("script ends");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
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
