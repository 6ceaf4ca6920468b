//! Sessions running at once (issue 11 item 1), through the binary: 20 `learn --plain`
//! processes started together on three modules (several on the same one), each saving
//! after every answer, must leave every one of their events in the progress file.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use patterns::progress::{Store, Timestamp};
use patterns::session::record::Save;

#[path = "support/answers.rs"]
mod answers;

const PROCESSES: usize = 20;
const MODULES: [&str; 3] = ["circuit-breaker", "retry-backoff", "retry-storms"];

/// The lines of block 1 answered rightly (then end of input), and how many attempts and
/// journal entries they save.
fn first_block(module: &str) -> (String, usize) {
    let walk = answers::learn_walk(answers::module(module), 0);
    let end = walk
        .saves
        .iter()
        .position(|s| matches!(s, Save::BlockCompleted { .. }))
        .expect("block 1 ends");
    let typed = walk.typed[end];
    let kept = walk.saves[..=end]
        .iter()
        .filter(|s| matches!(s, Save::Attempt { .. } | Save::Journal { .. }))
        .count();
    (walk.lines[..typed].join("\n") + "\n", kept)
}

#[test]
#[allow(clippy::disallowed_methods)] // the test's own duration, reported
fn twenty_sessions_at_once_keep_every_event() {
    let home = tempfile::tempdir().expect("tempdir");
    let inputs: Vec<(String, usize)> = MODULES.iter().map(|m| first_block(m)).collect();
    let started = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|i| {
            let module = MODULES[i % MODULES.len()];
            let mut child = Command::new(env!("CARGO_BIN_EXE_patterns"))
                .env("PATTERNS_HOME", home.path())
                .env("NO_COLOR", "1")
                .args(["learn", module, "--block", "1", "--plain"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn patterns");
            let input = inputs[i % MODULES.len()].0.clone();
            let mut stdin = child.stdin.take().expect("stdin");
            let writer = std::thread::spawn(move || {
                let _ = stdin.write_all(input.as_bytes());
            });
            (child, writer)
        })
        .collect();
    for (child, writer) in children {
        let output = child.wait_with_output().expect("wait");
        writer.join().expect("writer");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let elapsed = started.elapsed();
    let record = Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("loads")
        .record;
    let mut kept = 0;
    let mut expected = 0;
    for (i, module) in MODULES.iter().enumerate() {
        let runs = (0..PROCESSES).filter(|p| p % MODULES.len() == i).count();
        expected += runs * inputs[i].1;
        if let Some(m) = record.module(module) {
            kept += m.attempts.values().map(Vec::len).sum::<usize>() + m.journal.len();
        }
    }
    eprintln!("{PROCESSES} sessions at once: {kept} of {expected} events kept in {elapsed:?}");
    assert_eq!(kept, expected, "events kept of those saved");
}

/// A `progress.json` that is a symlink (a dotfiles-synced file) stays a link after a
/// session: the target is written, atomically in its own folder.
#[cfg(unix)]
#[test]
fn a_symlinked_progress_file_stays_a_link() {
    let root = tempfile::tempdir().expect("tempdir");
    let home = root.path().join("home");
    let synced = root.path().join("dotfiles");
    std::fs::create_dir(&home).expect("mkdir");
    std::fs::create_dir(&synced).expect("mkdir");
    let link = home.join("progress.json");
    std::os::unix::fs::symlink("../dotfiles/progress.json", &link).expect("symlink");
    let (input, kept) = first_block("circuit-breaker");
    let output = Command::new(env!("CARGO_BIN_EXE_patterns"))
        .env("PATTERNS_HOME", &home)
        .env("NO_COLOR", "1")
        .args(["learn", "circuit-breaker", "--block", "1", "--plain"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run patterns");
    assert!(output.status.success());
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let record = Store::in_dir(&synced)
        .load(Timestamp(0))
        .expect("loads")
        .record;
    let module = record.module("circuit-breaker").expect("written through");
    let events = module.attempts.values().map(Vec::len).sum::<usize>() + module.journal.len();
    assert_eq!(events, kept);
}
