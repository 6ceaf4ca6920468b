//! Terminal lifecycle: enter raw mode and the alternate screen, and always leave them.
//!
//! A panic hook (installed once) restores the terminal before a panic message prints;
//! [`TerminalGuard`] restores it on every other way out (normal return, `?`, unwinding).
//! Restoring happens once per session: leaving the alternate screen a second time, after the
//! panic message, would put the cursor back where the session started (xterm restores the
//! cursor saved on entering), and the shell would print over the message. Ctrl-C arrives as
//! a key in raw mode and the event loop turns it into a quit.

use std::io::{self, Write as _};
use std::ops::{Deref, DerefMut};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::{DefaultTerminal, Terminal};

/// Whether the terminal is (maybe partly) in raw mode on the alternate screen, not yet
/// restored. Set on entering; the first restore clears it and later ones do nothing.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The signal (SIGTERM, SIGHUP) that ended a session, 0 for none: `main` exits 128 + it after
/// the command saved and printed what it does on Ctrl-C.
static TERMINATED_BY: AtomicI32 = AtomicI32::new(0);

/// The signal that ended a session, if one did.
pub fn terminated_by() -> Option<i32> {
    match TERMINATED_BY.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// Records that `signal` ended the session.
pub(crate) fn set_terminated_by(signal: i32) {
    TERMINATED_BY.store(signal, Ordering::SeqCst);
}

/// Ctrl-Z or SIGTSTP: gives the terminal back (raw mode off, main screen, cursor shown), stops
/// the process (SIGSTOP, which no handler can catch, so no loop), and when continued (`fg`)
/// takes the terminal again. The caller redraws the whole screen.
#[cfg(unix)]
pub fn suspend() -> io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    reenter()
}

/// Raw mode, the alternate screen and bracketed paste again, after a stop. Harmless when
/// already on (entering the alternate screen again clears it; the caller redraws).
pub fn reenter() -> io::Result<()> {
    ACTIVE.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)
}

/// Environment switch for the pseudo-terminal tests (tests/pty.rs), to prove the terminal is
/// restored on panic: `1` panics right after the first frame, `f12` when F12 is pressed (so
/// a test can panic mid-exercise, after typing). Test-only: not a user feature, undocumented
/// on purpose.
pub const TEST_PANIC_ENV: &str = "PATTERNS_TEST_PANIC";

/// When the event loop panics on purpose, as [`TEST_PANIC_ENV`] asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TestPanic {
    /// Never: every real session.
    #[default]
    Never,
    /// Right after the first frame is drawn.
    AfterFirstFrame,
    /// When F12 is pressed, before the screen sees the key.
    OnF12,
}

/// The terminal in raw mode on the alternate screen; restored when dropped.
pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Enters raw mode, the alternate screen and bracketed paste on stdout and installs the restoring panic
    /// hook. If any step fails the terminal is restored before the error is returned.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        let entered = enable_raw_mode()
            // Bracketed paste: a paste arrives as one `Event::Paste`, not as keys (each of its
            // line breaks an Enter that would answer and move the session on).
            .and_then(|()| execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste))
            .and_then(|()| Terminal::new(CrosstermBackend::new(io::stdout())));
        match entered {
            Ok(terminal) => Ok(Self { terminal }),
            Err(err) => {
                // Raw mode may already be on: undo whatever part succeeded.
                restore();
                Err(err)
            }
        }
    }
}

impl Deref for TerminalGuard {
    type Target = DefaultTerminal;

    fn deref(&self) -> &Self::Target {
        &self.terminal
    }
}

impl DerefMut for TerminalGuard {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // After a panic the hook has restored already, and this does nothing.
        restore();
    }
}

/// Restores the terminal unless it already is: raw mode off, the main screen, the cursor
/// shown. Errors cannot be reported anywhere better than stderr.
fn restore() {
    if let Err(err) = restore_once(&mut io::stdout()) {
        let _ = writeln!(io::stderr(), "Failed to restore the terminal: {err}");
    }
}

fn restore_once(out: &mut impl io::Write) -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    // Raw mode first, as ratatui does: it has more side effects than the screen.
    disable_raw_mode()?;
    execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show)
}

/// Restores the terminal before the previous hook prints the panic message. Installed once
/// per process however many sessions enter (hooks stacked per session would each restore).
fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Whether the full-screen interface can run: stdin and stdout are terminals, and `TERM`
/// names one that understands escape sequences. When only `TERM` stands in the way (unset,
/// or `dumb`, as in Emacs' shell or some CI runners), says why on stderr, once per process,
/// so the learner knows why they got plain mode and how to get the TUI.
pub fn usable() -> bool {
    use std::io::IsTerminal as _;
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return false;
    }
    match term_problem(std::env::var_os("TERM").as_deref()) {
        None => true,
        Some(why) => {
            static TOLD: Once = Once::new();
            TOLD.call_once(|| {
                let _ = writeln!(
                    io::stderr(),
                    "{why}: the full-screen interface needs a terminal that understands escape \
                     sequences, so this runs in plain mode. Set TERM (e.g. TERM=xterm-256color) \
                     for the full screen."
                );
            });
            false
        }
    }
}

/// Why a `TERM` value cannot run the TUI; `None` when it can.
fn term_problem(term: Option<&std::ffi::OsStr>) -> Option<String> {
    match term.map(|t| t.to_string_lossy()) {
        None => Some("TERM is not set".to_owned()),
        Some(t) if t.trim().is_empty() => Some("TERM is empty".to_owned()),
        Some(t) if t == "dumb" => Some("TERM is 'dumb'".to_owned()),
        Some(_) => None,
    }
}

/// What [`TEST_PANIC_ENV`] asks for; any other value than `1` or `f12` is ignored.
pub fn test_panic_requested() -> TestPanic {
    test_panic_from(std::env::var_os(TEST_PANIC_ENV).as_deref())
}

fn test_panic_from(value: Option<&std::ffi::OsStr>) -> TestPanic {
    match value.and_then(|v| v.to_str()) {
        Some("1") => TestPanic::AfterFirstFrame,
        Some("f12") => TestPanic::OnF12,
        _ => TestPanic::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn the_terminal_is_restored_once_however_many_ways_out_try() {
        // The only test that touches ACTIVE; no unit test enters a real terminal.
        ACTIVE.store(true, Ordering::SeqCst);
        let mut first = Vec::new();
        restore_once(&mut first).expect("restore");
        assert_eq!(first, b"\x1b[?2004l\x1b[?1049l\x1b[?25h");
        let mut second = Vec::new();
        restore_once(&mut second).expect("restore");
        assert!(second.is_empty(), "a second restore writes nothing");
    }

    #[test]
    fn dumb_unset_or_empty_term_cannot_run_the_tui() {
        assert_eq!(term_problem(None).as_deref(), Some("TERM is not set"));
        assert_eq!(
            term_problem(Some(OsStr::new("dumb"))).as_deref(),
            Some("TERM is 'dumb'")
        );
        assert_eq!(
            term_problem(Some(OsStr::new(" "))).as_deref(),
            Some("TERM is empty")
        );
        for fine in [
            "xterm-256color",
            "screen",
            "tmux-256color",
            "linux",
            "vt100",
        ] {
            assert_eq!(term_problem(Some(OsStr::new(fine))), None, "{fine}");
        }
    }

    #[test]
    fn the_test_switch_reads_its_two_values_and_ignores_the_rest() {
        assert_eq!(test_panic_from(None), TestPanic::Never);
        assert_eq!(
            test_panic_from(Some(OsStr::new("1"))),
            TestPanic::AfterFirstFrame
        );
        assert_eq!(test_panic_from(Some(OsStr::new("f12"))), TestPanic::OnF12);
        for other in ["", "0", "true", "F12", "yes"] {
            assert_eq!(test_panic_from(Some(OsStr::new(other))), TestPanic::Never);
        }
    }
}
