//! The TUI in a real pseudo-terminal (tests/support/pty.rs): `learn` and the stepper redraw
//! whole at each new window size and keep answering keys; Ctrl-C, or a panic (the test-only
//! PATTERNS_TEST_PANIC switch) after the first frame or mid-exercise, leaves the terminal as
//! it was (raw mode off by `stty -a` in the same terminal, cursor shown, alternate screen
//! left, the closing message readable on the main screen) with the answers given so far
//! saved; `sim storm`'s progress bar redraws at least 10 times a second and Ctrl-C stops it.
//!
//! The tests take turns (one lock): the redraw rate is measured on a 2-core machine. Unix
//! only; skipped, with a note on stderr, where no pseudo-terminal can be opened.

#![cfg(unix)]

#[path = "support/pty.rs"]
mod pty;

use std::sync::Mutex;
use std::time::Duration;

use patterns::content::Library;
use patterns::progress::{Record, Store, Timestamp, Verdict};
use pty::{Entry, Pty, Screen};

/// One pseudo-terminal test at a time.
static TURN: Mutex<()> = Mutex::new(());

/// What runs after the program in the same terminal: its exit code, then `stty -a`.
const AFTER: &str = "echo \"exit=$?\"; echo stty:; stty -a; echo end-of-session";

/// The module the learn tests use (block 1 'cascade': priming, concept, bridge, lab, then
/// the practice items cb-pool-exhaustion and cb-retry-amplification).
const MODULE: &str = "circuit-breaker";

fn patterns() -> String {
    assert_cmd::cargo::cargo_bin!("patterns")
        .display()
        .to_string()
}

/// A learn session in an 80x24 terminal with its own data folder.
fn learn(home: &tempfile::TempDir, panic_switch: Option<&str>) -> Option<Pty> {
    let script = format!("{} learn {MODULE}; {AFTER}", patterns());
    let mut envs = vec![("PATTERNS_HOME", home.path().as_os_str())];
    if let Some(value) = panic_switch {
        envs.push(("PATTERNS_TEST_PANIC", std::ffi::OsStr::new(value)));
    }
    Pty::spawn(&script, &envs)
}

/// The title bar shows `stage` at the right edge of a `width`-column screen.
fn title_shows(screen: &Screen, stage: &str) -> bool {
    let title = screen.row(0);
    title.ends_with(stage) && title.chars().count() + 1 == screen.size().0
}

/// From the overview to the second practice item of block 1: the priming guess, the
/// concept, the reveal, the bridge, the lab skipped, the first item answered right (2s).
fn to_second_practice_item(pty: &mut Pty) {
    pty.wait_frame("the overview", |s| title_shows(s, "overview"));
    pty.send(b"\r");
    pty.wait_frame("the priming question", |s| title_shows(s, "priming"));
    pty.send(b"2s\r");
    pty.wait_frame("the concept", |s| s.row(0).contains("Block 1 ·"));
    pty.send(b"\r");
    pty.wait_frame("the priming answer", |s| title_shows(s, "priming answer"));
    pty.send(b"\r");
    pty.wait_frame("the bridge", |s| title_shows(s, "bridge"));
    pty.send(b"\r");
    pty.wait_frame("the lab", |s| title_shows(s, "lab"));
    pty.send(b"n");
    pty.wait_frame("the first practice item", |s| {
        title_shows(s, "practice") && s.text().contains("200 worker threads")
    });
    pty.send(b"2s\r");
    pty.wait_frame("the verdict", |s| s.text().contains("Correct"));
    pty.send(b"\r");
    pty.wait_frame("the second practice item", |s| {
        s.text().contains("three services") && s.text().contains("Answer with a number")
    });
}

/// The words of the second item's prompt, in order, whatever the wrapping.
const PROMPT: &str = "A request passes through three services, A → B → C → D. A, B and C each \
                      make up to 3 attempts per call (the call and 2 retries) when the next \
                      service fails. D is down. How many calls does one user request cause at D?";

/// The practice screen laid out whole at the screen's size: the title bar spans the width,
/// the footer is on the last row, the prompt is all there (re-wrapped, not cut) and
/// `answer` is in the entry line.
fn practice_laid_out(screen: &Screen, answer: &str) -> bool {
    let height = screen.size().1;
    let text = screen.text();
    let words: Vec<&str> = text.split_whitespace().collect();
    let prompt: Vec<&str> = PROMPT.split_whitespace().collect();
    title_shows(screen, "block 1/5 · practice")
        && screen.row(height - 1).starts_with(" enter answer")
        && words.windows(prompt.len()).any(|w| w == prompt.as_slice())
        && text
            .lines()
            .any(|line| line.trim() == format!("> {answer}"))
}

/// The record in the session's data folder.
fn record(home: &tempfile::TempDir) -> Record {
    Store::in_dir(home.path())
        .load(Timestamp(0))
        .expect("the progress file loads")
        .record
}

/// What the learner did before leaving is saved: block 1 is current, the first item's
/// answer is recorded as correct, and the unsubmitted partial answer is not an attempt.
fn assert_answers_saved(home: &tempfile::TempDir) {
    let record = record(home);
    let module = record.module(MODULE).expect("the module was recorded");
    let first_block = Library::load(&[])
        .library
        .get(MODULE)
        .and_then(|m| m.module.blocks.first().map(|b| b.id.clone()))
        .expect("the bundled module has blocks");
    assert_eq!(module.current_block.as_deref(), Some(first_block.as_str()));
    let attempts = &module.attempts["cb-pool-exhaustion"];
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0].answer, "2s");
    assert_eq!(attempts[0].verdict, Verdict::Correct);
    assert!(
        !module.attempts.contains_key("cb-retry-amplification"),
        "a partial answer is not an attempt: {:?}",
        module.attempts
    );
}

/// The terminal after the session is as it was before: `stty -a` (run in the same
/// terminal after `patterns` ended) shows canonical mode, echo and signals on; the cursor
/// was shown after it was last hidden and the alternate screen left after it was last
/// entered; the screen model agrees (main screen, cursor visible).
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
    pty::assert_escapes_restore(output);
    assert!(!screen.on_alternate(), "left the alternate screen");
    assert!(screen.cursor_visible(), "the cursor is visible");
    assert!(screen.unknown.is_empty(), "{:?}", screen.unknown);
}

/// The main screen after the session holds nothing of the TUI's frames.
fn assert_no_frame_left(main: &str) {
    for frame_text in ["enter answer", "block 1/5", "three services", "┌"] {
        assert!(
            !main.contains(frame_text),
            "{frame_text:?} of a frame was left on the main screen:\n{main}"
        );
    }
}

/// `exit=N` as the shell printed it after `patterns`.
fn exit_code(output: &[u8]) -> i32 {
    let text = String::from_utf8_lossy(output);
    let code = text
        .split("exit=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the shell printed patterns' exit code");
    code.parse().expect("a number")
}

#[test]
fn learn_survives_resizes_and_ctrl_c_mid_exercise_restores_the_terminal() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().expect("tempdir");
    let Some(mut pty) = learn(&home, None) else {
        return;
    };
    to_second_practice_item(&mut pty);
    pty.send(b"2");
    let before = pty.wait_frame("the partial answer at 80x24", |s| practice_laid_out(s, "2"));
    // Wider, then narrower: each time the whole screen is laid out again at the new size.
    pty.resize(120, 40);
    let wide = pty.wait_frame("the layout at 120x40", |s| {
        s.size() == (120, 40) && practice_laid_out(s, "2")
    });
    assert!(
        wide.text().lines().any(|line| line.chars().count() > 80),
        "the prompt uses the width:\n{}",
        wide.text()
    );
    pty.resize(60, 20);
    pty.wait_frame("the layout at 60x20", |s| {
        s.size() == (60, 20) && practice_laid_out(s, "2")
    });
    // Keys still work after the resizes.
    pty.send(b"7");
    pty.wait_frame("the key typed at 60x20", |s| practice_laid_out(s, "27"));
    pty.resize(80, 24);
    let back = pty.wait_frame("the layout at 80x24 again", |s| {
        s.size() == (80, 24) && practice_laid_out(s, "27")
    });
    assert_eq!(
        back.text(),
        before.text().replace("> 2", "> 27"),
        "back at 80x24 the screen is the one drawn there first, with the new key"
    );

    pty.send(b"\x03");
    let (status, log) = pty.finish();
    let output = pty::output_of(&log);
    let screen = Screen::replay(&log);
    assert!(
        matches!(status, ptyprocess::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
    assert_eq!(exit_code(&output), 0, "learn exits 0 however it ends");
    assert_terminal_restored(&output, &screen);
    let main = screen.text();
    let message = main
        .find("Saved. You stopped in block 1 'The cascade problem'")
        .unwrap_or_else(|| panic!("the closing message is on the main screen:\n{main}"));
    assert!(message < main.find("exit=0").expect("exit code"), "{main}");
    assert_no_frame_left(&main);
    assert_answers_saved(&home);
}

/// Issue 11 item 2: a paste into a one-line answer takes its first line, says so, and does
/// not submit (before, each line break was an Enter: the answer went in, the next prompt got
/// the rest). Enter, typed, then grades the pasted answer.
#[test]
fn a_multi_line_paste_into_a_one_line_answer_keeps_the_first_line_and_says_so() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().expect("tempdir");
    let Some(mut pty) = learn(&home, None) else {
        return;
    };
    to_second_practice_item(&mut pty);
    pty.send(b"\x1b[200~27\r\nand a second line\r\n\x1b[201~");
    let pasted = pty.wait_frame("the first line in the field", |s| {
        practice_laid_out(s, "27")
    });
    assert!(
        pasted
            .text()
            .contains("only the first line of the paste was kept"),
        "{}",
        pasted.text()
    );
    assert!(!pasted.text().contains("second line"), "{}", pasted.text());
    pty.send(b"\r");
    pty.wait_frame("the verdict on the pasted answer", |s| {
        s.text().contains("Correct")
    });
    pty.send(b"\x03");
    let (_, log) = pty.finish();
    let output = pty::output_of(&log);
    assert_terminal_restored(&output, &Screen::replay(&log));
}

#[test]
fn a_panic_mid_exercise_restores_the_terminal_before_the_message() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().expect("tempdir");
    let Some(mut pty) = learn(&home, Some("f12")) else {
        return;
    };
    to_second_practice_item(&mut pty);
    pty.send(b"2");
    pty.wait_frame("the partial answer", |s| practice_laid_out(s, "2"));
    pty.send(b"\x1b[24~"); // F12

    let (_, log) = pty.finish();
    let output = pty::output_of(&log);
    let screen = Screen::replay(&log);
    assert_eq!(exit_code(&output), 101, "a panic exits 101");
    assert_terminal_restored(&output, &screen);
    // The message is printed after the terminal was restored...
    let left = pty::find(&output, pty::LEAVE_ALTERNATE).expect("left the alternate screen");
    let panicked = pty::find(&output, b"deliberate panic on F12").expect("the panic message");
    assert!(left < panicked, "restored before the panic message");
    // Once: leaving the alternate screen again would restore the cursor saved on entering
    // (xterm, DECRC) and the shell would print over the message.
    let last_left = pty::rfind(&output, pty::LEAVE_ALTERNATE).expect("left");
    assert!(last_left < panicked, "no second restore after the message");
    // ...and stays readable: on the main screen, whole, above what the shell printed next.
    let main = screen.text();
    let message = main
        .find("PATTERNS_TEST_PANIC=f12: deliberate panic on F12")
        .unwrap_or_else(|| panic!("the panic message is readable:\n{main}"));
    assert!(
        message < main.find("exit=101").expect("exit code"),
        "{main}"
    );
    assert_no_frame_left(&main);
    assert_answers_saved(&home);
}

/// The other value of the switch: a panic right after the first frame (here of the stepper)
/// is handled the same way.
#[test]
fn a_panic_after_the_first_frame_restores_the_terminal_too() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let script = format!("{} sim breaker; {AFTER}", patterns());
    let panic_switch = [("PATTERNS_TEST_PANIC", std::ffi::OsStr::new("1"))];
    let Some(pty) = Pty::spawn(&script, &panic_switch) else {
        return;
    };
    let (_, log) = pty.finish();
    let output = pty::output_of(&log);
    let screen = Screen::replay(&log);
    assert_eq!(exit_code(&output), 101, "a panic exits 101");
    assert_terminal_restored(&output, &screen);
    let main = screen.text();
    let message = main
        .find("PATTERNS_TEST_PANIC=1: deliberate panic after the first frame")
        .unwrap_or_else(|| panic!("the panic message is readable:\n{main}"));
    assert!(
        message < main.find("exit=101").expect("exit code"),
        "{main}"
    );
    assert!(!main.contains("CLOSED"), "no frame left:\n{main}");
}

#[test]
fn the_storm_progress_bar_redraws_ten_times_a_second_and_ctrl_c_stops_it() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let script = format!(
        "{} sim storm --scenario contention --sweep 10..190/10 --runs 100 --jitter all; {AFTER}",
        patterns()
    );
    let Some(mut pty) = Pty::spawn(&script, &[]) else {
        return;
    };
    let first = pty.wait_frame("the progress bar", |s| {
        s.text().contains("of 95") && s.text().contains("Ctrl-C stop")
    });
    assert!(
        first
            .row(0)
            .starts_with("sim storm · contention · 95 configurations"),
        "{}",
        first.text()
    );
    assert!(first.text().contains("┌"), "the bar is drawn in a box");
    // Watch it for a second and a half from its first frame: asleep, so that the test does
    // not compete for the two cores it measures on (polling cost 2-5 redraws a second).
    let start = frame_times(&pty.log())[0];
    let watch = Duration::from_millis(1500);
    std::thread::sleep(
        (start + watch + Duration::from_millis(50)).saturating_duration_since(pty::now()),
    );
    let at_end = pty.frame();
    pty.send(b"\x03");

    let (_, log) = pty.finish();
    let watched =
        |times: Vec<std::time::Instant>| times.into_iter().filter(|t| *t <= start + watch).count();
    let redraws = watched(frame_times(&log));
    let changed = watched(changed_frame_times(&log));
    let per_second = redraws as f64 / watch.as_secs_f64();
    // The loop redraws on every tick; a frame writes cells only where the bar or its label
    // moved, which depends on how fast this build simulates (so it is reported, not held).
    eprintln!(
        "progress bar: {redraws} redraws in {watch:?} ({per_second:.1} a second), {changed} \
         of them changed the screen"
    );
    assert!(
        per_second >= 10.0,
        "at least 10 redraws a second: {redraws} in {watch:?}"
    );
    let done = |screen: &Screen| -> usize {
        let text = screen.text();
        let label = text.split(" of 95").next().unwrap_or_default();
        let number = label.rsplit(|c: char| !c.is_ascii_digit()).next();
        number.and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    assert!(
        done(&at_end) > done(&first),
        "the bar moved: {} then {}",
        first.text(),
        at_end.text()
    );

    let output = pty::output_of(&log);
    let screen = Screen::replay(&log);
    assert_eq!(exit_code(&output), 1, "Ctrl-C stops the sweep with exit 1");
    assert_terminal_restored(&output, &screen);
    let main = screen.text();
    assert!(
        main.contains("Stopped by Ctrl-C before the simulation finished; nothing was printed"),
        "{main}"
    );
    assert!(!main.contains("strategy"), "no table was printed:\n{main}");
    assert!(!main.contains("of 95"), "no frame left:\n{main}");
}

/// When each whole frame was read: ratatui hides the cursor after every frame it draws.
fn frame_times(log: &[Entry]) -> Vec<std::time::Instant> {
    log.iter()
        .flat_map(|entry| match entry {
            Entry::Output(at, bytes) => {
                let count = bytes
                    .windows(pty::HIDE_CURSOR.len())
                    .filter(|w| *w == pty::HIDE_CURSOR)
                    .count();
                vec![*at; count]
            }
            Entry::Resize(..) => Vec::new(),
        })
        .collect()
}

/// When each frame that changed a cell was read: its bytes before the hide-cursor move the
/// cursor (an unchanged frame only resets the colours).
fn changed_frame_times(log: &[Entry]) -> Vec<std::time::Instant> {
    let mut times = Vec::new();
    let mut frame = Vec::new();
    for entry in log {
        let Entry::Output(at, bytes) = entry else {
            continue;
        };
        frame.extend_from_slice(bytes);
        while let Some(end) = pty::find(&frame, pty::HIDE_CURSOR) {
            if moves_cursor(&frame[..end]) {
                times.push(*at);
            }
            frame.drain(..end + pty::HIDE_CURSOR.len());
        }
    }
    times
}

/// Whether `bytes` hold a cursor move (`ESC [ row ; col H`).
fn moves_cursor(bytes: &[u8]) -> bool {
    bytes.windows(2).enumerate().any(|(i, w)| {
        w == b"\x1b[" && {
            let rest = &bytes[i + 2..];
            let params = rest
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b';')
                .count();
            params > 0 && rest.get(params) == Some(&b'H')
        }
    })
}

#[test]
fn the_stepper_changes_layout_with_the_window_and_keeps_stepping() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let script = format!("{} sim breaker; {AFTER}", patterns());
    let Some(mut pty) = Pty::spawn(&script, &[]) else {
        return;
    };
    pty.wait_frame("the stepper", |s| title_shows(s, "clock 0s · step 0"));
    pty.send(b"fffff");
    pty.wait_frame("five failures", |s| {
        title_shows(s, "clock 0s · step 5") && s.text().contains("state │CCCCO")
    });
    // 120x40 has room for the transitions panel beside the diagram; 60x20 shortens the
    // counters' labels. The title bar spans each width.
    pty.resize(120, 40);
    pty.wait_frame("the wide layout", |s| {
        s.size() == (120, 40)
            && title_shows(s, "clock 0s · step 5")
            && s.text().contains("transitions, newest first")
            && s.text().contains("state │CCCCO")
    });
    pty.resize(60, 20);
    pty.wait_frame("the narrow layout", |s| {
        s.size() == (60, 20)
            && title_shows(s, "clock 0s · step 5")
            && s.text().contains("fail   ")
            && !s.text().contains("transitions, newest first")
    });
    // A call while OPEN is rejected: one more step, drawn at the narrow size.
    pty.send(b"f");
    pty.wait_frame("a rejected call at 60x20", |s| {
        title_shows(s, "clock 0s · step 6") && s.text().contains("state │CCCCOO")
    });
    pty.resize(80, 24);
    pty.wait_frame("the standard layout again", |s| {
        s.size() == (80, 24)
            && title_shows(s, "clock 0s · step 6")
            && s.text().contains("failures   ")
    });
    pty.send(b"\x03");

    let (_, log) = pty.finish();
    let output = pty::output_of(&log);
    let screen = Screen::replay(&log);
    assert_eq!(exit_code(&output), 0);
    assert_terminal_restored(&output, &screen);
    let main = screen.text();
    assert!(
        main.starts_with("seed: OPEN at 0s after 6 steps"),
        "the summary prints on the restored terminal:\n{main}"
    );
    assert!(!main.contains("CLOSED"), "no frame left:\n{main}");
}
