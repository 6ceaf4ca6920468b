//! The TUI in a real pseudo-terminal, for what goes wrong between the program and the
//! terminal: a progress screen followed by a chart in one session (no second session waiting
//! for a key, no leftovers), pastes, bursts of input, signals and suspend/resume, `TERM=dumb`.
//! Shares tests/support/pty.rs with tests/pty.rs; the tests take turns (one lock).

#![cfg(unix)]

#[path = "support/pty.rs"]
mod pty;

use std::sync::Mutex;

use pty::{Pty, Screen};

/// One pseudo-terminal test at a time.
static TURN: Mutex<()> = Mutex::new(());

/// What runs after the program in the same terminal: its exit code, then `stty -a`.
const AFTER: &str = "echo \"exit=$?\"; echo stty:; stty -a; echo end-of-session";

fn patterns() -> String {
    assert_cmd::cargo::cargo_bin!("patterns")
        .display()
        .to_string()
}

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// `exit=N` as the shell printed it after `patterns`.
fn exit_code(output: &[u8]) -> i32 {
    let text = String::from_utf8_lossy(output);
    text.split("exit=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("the shell printed patterns' exit code:\n{text}"))
}

/// Raw mode is off after the session: `stty -a` in the same terminal shows canonical mode,
/// echo and signals on, and the alternate screen was left with the cursor shown.
fn assert_terminal_restored(output: &[u8], screen: &Screen) {
    let text = String::from_utf8_lossy(output);
    let stty = text
        .split("stty:")
        .nth(1)
        .and_then(|rest| rest.split("end-of-session").next())
        .expect("stty -a ran after patterns");
    assert_eq!(
        pty::stty_flags(stty),
        ["icanon", "echo", "isig", "icrnl", "opost"],
        "raw mode is off: {stty}"
    );
    assert!(!screen.on_alternate(), "left the alternate screen");
    assert!(screen.cursor_visible(), "the cursor is visible");
}

/// Issue 12: `sim storm --jitter all` showed its progress bar at "0 of 5" until a key came
/// (the chart entered a second session, whose event stream waited for crossterm's one input
/// reader), then drew the chart over the bar's leftovers. The chart comes on its own, whole.
#[test]
fn storm_progress_then_chart_in_one_session_without_a_key_or_leftovers() {
    let _turn = turn();
    for scenario in ["contention", "outage"] {
        let script = format!(
            "{} sim storm --scenario {scenario} --jitter all; {AFTER}",
            patterns()
        );
        let Some(mut pty) = Pty::spawn(&script, &[]) else {
            return;
        };
        let chart = pty.wait_frame("the chart, without a key", |s| {
            s.row(0)
                .starts_with(&format!("sim storm · {scenario} · 100 clients"))
        });
        let text = chart.text();
        assert!(
            !text.contains(" of 5"),
            "no leftover of the progress bar:\n{text}"
        );
        assert!(!text.contains("Ctrl-C stop"), "no leftover footer:\n{text}");
        pty.send(b"q");
        let (_, log) = pty.finish();
        let output = pty::output_of(&log);
        assert_eq!(exit_code(&output), 0);
        assert_terminal_restored(&output, &Screen::replay(&log));
    }
}
