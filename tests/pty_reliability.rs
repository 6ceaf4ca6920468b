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

/// A learn session in an 80x24 terminal with its own data folder.
fn learn(home: &tempfile::TempDir) -> Option<Pty> {
    let script = format!("{} learn circuit-breaker; {AFTER}", patterns());
    Pty::spawn(&script, &[("PATTERNS_HOME", home.path().as_os_str())])
}

/// The title bar ends with `stage`.
fn title_shows(screen: &Screen, stage: &str) -> bool {
    screen.row(0).ends_with(stage)
}

fn to_priming(pty: &mut Pty) {
    pty.wait_frame("the overview", |s| title_shows(s, "overview"));
    pty.send(b"\r");
    pty.wait_frame("the priming question", |s| title_shows(s, "priming"));
}

/// Issue 11 item 4: 3 KiB of keys at once (a held key, a paste into a terminal without
/// bracketed paste) and the Enter after them are all taken at once: the Enter lands on the
/// priming question it was typed for, and the next screen comes without another key.
/// crossterm's default (mio) source handed over one 1 KiB chunk per new input.
#[test]
fn a_burst_of_keys_is_taken_whole_and_its_enter_lands_where_it_was_typed() {
    let _turn = turn();
    let home = tempfile::tempdir().expect("tempdir");
    let Some(mut pty) = learn(&home) else {
        return;
    };
    to_priming(&mut pty);
    let mut burst = vec![b'x'; 3 * 1024];
    burst.push(b'\r');
    pty.send(&burst);
    pty.wait_frame("the concept, after the burst's Enter", |s| {
        s.row(0).contains("Block 1 ·")
    });
    pty.send(b"\x03");
    let (_, log) = pty.finish();
    let output = pty::output_of(&log);
    assert_eq!(exit_code(&output), 0);
    assert_terminal_restored(&output, &Screen::replay(&log));
}

/// Issue 11 item 2: the session turns bracketed paste on (and off on the way out), and a
/// multi-line paste is text in the field: its line breaks do not answer the question.
#[test]
fn a_multi_line_paste_is_text_in_the_field_not_enter_keys() {
    let _turn = turn();
    let home = tempfile::tempdir().expect("tempdir");
    let Some(mut pty) = learn(&home) else {
        return;
    };
    to_priming(&mut pty);
    pty.send(b"\x1b[200~first line\rsecond line\r\x1b[201~");
    let pasted = pty.wait_frame("the pasted lines in the field", |s| {
        s.text().contains("first line") && s.text().contains("second line")
    });
    assert!(title_shows(&pasted, "priming"), "{}", pasted.text());
    // Enter, typed, answers.
    pty.send(b"\r");
    pty.wait_frame("the concept", |s| s.row(0).contains("Block 1 ·"));
    pty.send(b"\x03");
    let (_, log) = pty.finish();
    let output = pty::output_of(&log);
    assert!(
        pty::find(&output, b"\x1b[?2004h").is_some(),
        "bracketed paste on"
    );
    let on = pty::rfind(&output, b"\x1b[?2004h").expect("on");
    let off = pty::rfind(&output, b"\x1b[?2004l").expect("bracketed paste off at the end");
    assert!(off > on, "turned off last");
    assert_eq!(exit_code(&output), 0);
    assert_terminal_restored(&output, &Screen::replay(&log));
}

/// Issue 11 item 7: with `TERM=dumb` or no `TERM`, a terminal gets plain output (no escape
/// sequences, no alternate screen) and one line on stderr saying why and how to get the TUI.
#[test]
fn dumb_or_unset_term_falls_back_to_plain_mode_and_says_why_once() {
    let _turn = turn();
    for (term, why) in [
        ("env TERM=dumb", "TERM is 'dumb'"),
        ("env -u TERM", "TERM is not set"),
    ] {
        let script = format!("{term} {} sim storm --clients 20; {AFTER}", patterns());
        let Some(pty) = Pty::spawn(&script, &[]) else {
            return;
        };
        let (_, log) = pty.finish();
        let output = pty::output_of(&log);
        let text = String::from_utf8_lossy(&output);
        assert_eq!(exit_code(&output), 0, "{text}");
        assert!(
            pty::find(&output, pty::ENTER_ALTERNATE).is_none(),
            "{text:?}"
        );
        assert!(!text.contains("\x1b["), "no escape sequences: {text:?}");
        assert_eq!(text.matches(why).count(), 1, "said once: {text}");
        assert!(text.contains("plain mode"), "{text}");
        assert!(text.contains("strategy"), "the table is printed: {text}");
    }
}

/// The pid of `patterns`, the child of the pty's shell (the shell waits for it).
fn patterns_pid(pty: &Pty) -> String {
    let shell = pty.pid();
    let deadline = pty::now() + pty::TIMEOUT;
    loop {
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .unwrap_or_default();
        if let Some(child) = children.split_whitespace().next() {
            return child.to_owned();
        }
        assert!(pty::now() < deadline, "patterns did not start");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Sends `signal` to the process `pid` this test started.
fn kill(signal: &str, pid: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, pid])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} {pid}");
}

/// The process state letter of `pid` (`T` stopped).
fn state(pid: &str) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(") ")
        .next()
        .and_then(|rest| rest.chars().next())
        .unwrap_or('?')
}

/// Issue 11 item 6: SIGTERM and SIGHUP during a session restore the terminal, save what
/// the learner did (here the priming answer, which started block 1) and exit 143 / 129.
/// Before, the process died in raw mode on the alternate screen.
#[test]
fn sigterm_and_sighup_restore_the_terminal_save_and_exit_128_plus_the_signal() {
    let _turn = turn();
    for (signal, code) in [("-TERM", 143), ("-HUP", 129)] {
        let home = tempfile::tempdir().expect("tempdir");
        let Some(mut pty) = learn(&home) else {
            return;
        };
        to_priming(&mut pty);
        pty.send(b"2s\r");
        pty.wait_frame("the concept", |s| s.row(0).contains("Block 1 ·"));
        kill(signal, &patterns_pid(&pty));
        let (_, log) = pty.finish();
        let output = pty::output_of(&log);
        assert_eq!(exit_code(&output), code, "{signal}");
        assert_terminal_restored(&output, &Screen::replay(&log));
        let record = patterns::progress::Store::in_dir(home.path())
            .load(patterns::progress::Timestamp(0))
            .expect("the progress file loads")
            .record;
        let module = record.module("circuit-breaker").expect("saved on {signal}");
        assert!(module.current_block.is_some(), "{signal}: {module:?}");
    }
}

/// Issue 11 item 6: Ctrl-Z (a key in raw mode) and SIGTSTP give the terminal back and stop
/// the process; SIGCONT (`fg`) takes the terminal again and redraws the whole screen, and
/// keys work as before. Before, Ctrl-Z was swallowed and `fg` resumed in cooked mode.
#[test]
fn ctrl_z_and_sigtstp_suspend_and_sigcont_resumes_redrawn() {
    let _turn = turn();
    let home = tempfile::tempdir().expect("tempdir");
    let Some(mut pty) = learn(&home) else {
        return;
    };
    to_priming(&mut pty);
    let pid = patterns_pid(&pty);
    for (how, stop) in [("Ctrl-Z", None), ("SIGTSTP", Some("-TSTP"))] {
        let frames_before = pty::find_all(&pty.output(), pty::ENTER_ALTERNATE);
        match stop {
            None => pty.send(b"\x1a"),
            Some(signal) => kill(signal, &pid),
        }
        let deadline = pty::now() + pty::TIMEOUT;
        while state(&pid) != 'T' || pty.screen().on_alternate() {
            assert!(
                pty::now() < deadline,
                "{how}: the process stopped ({}) on the main screen",
                state(&pid)
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(pty.screen().cursor_visible(), "{how}: cursor shown");
        kill("-CONT", &pid);
        let deadline = pty::now() + pty::TIMEOUT;
        while pty::find_all(&pty.output(), pty::ENTER_ALTERNATE) == frames_before {
            assert!(pty::now() < deadline, "{how}: the alternate screen again");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let resumed = pty.wait_frame("the priming question redrawn", |s| {
            s.on_alternate() && title_shows(s, "priming") && s.text().contains("Priming question")
        });
        assert!(
            resumed.row(resumed.size().1 - 1).contains("enter"),
            "{}",
            resumed.text()
        );
    }
    // Raw mode is back: keys arrive one by one, Enter answers.
    pty.send(b"2s\r");
    pty.wait_frame("the concept", |s| s.row(0).contains("Block 1 ·"));
    pty.send(b"\x03");
    let (_, log) = pty.finish();
    let output = pty::output_of(&log);
    assert_eq!(exit_code(&output), 0);
    assert_terminal_restored(&output, &Screen::replay(&log));
}
