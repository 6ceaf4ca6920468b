//! Terminal lifecycle: enter raw mode and the alternate screen, and always leave them.
//!
//! `ratatui::try_init` installs the panic hook that restores the terminal before a panic
//! message prints; [`TerminalGuard`] restores it on every other way out (normal return, `?`,
//! unwinding). Ctrl-C arrives as a key in raw mode and the event loop turns it into a quit.

use std::io;
use std::ops::{Deref, DerefMut};

use ratatui::DefaultTerminal;

/// Environment switch for the pseudo-terminal test: panic right after the first frame, to
/// prove the terminal is restored on panic. Not a user feature; undocumented on purpose.
pub const TEST_PANIC_ENV: &str = "PATTERNS_TEST_PANIC";

/// The terminal in raw mode on the alternate screen; restored when dropped.
pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen on stdout and installs the restoring panic
    /// hook. If any step fails the terminal is restored before the error is returned.
    pub fn enter() -> io::Result<Self> {
        match ratatui::try_init() {
            Ok(terminal) => Ok(Self { terminal }),
            Err(err) => {
                // Raw mode may already be on: undo whatever part succeeded.
                ratatui::restore();
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
        // Errors here cannot be reported anywhere better than stderr, which restore does.
        // The Terminal's own drop shows the cursor again afterwards.
        ratatui::restore();
    }
}

/// Whether [`TEST_PANIC_ENV`] asks for a panic after the first frame.
pub fn test_panic_requested() -> bool {
    std::env::var_os(TEST_PANIC_ENV).is_some_and(|value| value == "1")
}
