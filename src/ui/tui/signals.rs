//! Signals during a full-screen session. In raw mode the terminal sends no signals for
//! Ctrl-C or Ctrl-Z (they arrive as keys), but other processes still do: SIGTERM (a
//! shutdown, `kill`), SIGHUP (the terminal window closed), SIGTSTP (`kill -TSTP`) and SIGCONT
//! (`fg`, `kill -CONT`). While a session runs they are delivered to its event loop instead
//! of acting at once, so the loop can restore the terminal and save first (SIGTERM, SIGHUP),
//! or restore, stop and come back redrawn (SIGTSTP, Ctrl-Z), as helix and gitui do.
//! Outside a session they keep their default action: plain mode is never held up.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use signal_hook::consts::{SIGCONT, SIGHUP, SIGTERM, SIGTSTP};
use signal_hook::iterator::{Handle, Signals};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// What a signal asks of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionSignal {
    /// Leave: restore the terminal, save, exit 128 + the signal (143 SIGTERM, 129 SIGHUP).
    Terminate(i32),
    /// Stop like Ctrl-Z: restore the terminal, stop, and come back on SIGCONT.
    Suspend,
    /// The process was continued: take the terminal again and redraw.
    Continue,
}

impl SessionSignal {
    fn from_raw(signal: i32) -> Option<Self> {
        match signal {
            SIGTERM | SIGHUP => Some(Self::Terminate(signal)),
            SIGTSTP => Some(Self::Suspend),
            SIGCONT => Some(Self::Continue),
            _ => None,
        }
    }
}

/// True while no session takes the signals: then SIGTERM, SIGHUP and SIGTSTP act as if no
/// handler were installed (signal-hook keeps its handler once installed).
fn outside_session() -> &'static Arc<AtomicBool> {
    static OUTSIDE: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    OUTSIDE.get_or_init(|| Arc::new(AtomicBool::new(true)))
}

/// Installs, once per process, the default actions for when no session runs.
fn install_defaults() -> io::Result<()> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            for signal in [SIGTERM, SIGHUP, SIGTSTP] {
                signal_hook::flag::register_conditional_default(
                    signal,
                    Arc::clone(outside_session()),
                )
                .map_err(|e| e.to_string())?;
            }
            Ok(())
        })
        .clone()
        .map_err(io::Error::other)
}

/// The session's signals, read by the event loop; dropping it gives them back their
/// default actions.
pub struct SessionSignals {
    receiver: UnboundedReceiver<i32>,
    handle: Handle,
    thread: Option<JoinHandle<()>>,
}

impl SessionSignals {
    /// Starts taking SIGTERM, SIGHUP, SIGTSTP and SIGCONT for the session.
    pub fn install() -> io::Result<Self> {
        install_defaults()?;
        let mut signals = Signals::new([SIGTERM, SIGHUP, SIGTSTP, SIGCONT])?;
        let handle = signals.handle();
        let (sender, receiver) = unbounded_channel();
        let thread = std::thread::spawn(move || {
            for signal in signals.forever() {
                if sender.send(signal).is_err() {
                    break;
                }
            }
        });
        outside_session().store(false, Ordering::SeqCst);
        Ok(Self {
            receiver,
            handle,
            thread: Some(thread),
        })
    }

    /// The next signal; waits forever if none comes.
    pub async fn next(&mut self) -> SessionSignal {
        loop {
            match self.receiver.recv().await {
                Some(signal) => {
                    if let Some(signal) = SessionSignal::from_raw(signal) {
                        return signal;
                    }
                }
                None => std::future::pending::<()>().await,
            }
        }
    }
}

impl Drop for SessionSignals {
    fn drop(&mut self) {
        outside_session().store(true, Ordering::SeqCst);
        self.handle.close();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_signal_asks_for_its_action() {
        assert_eq!(
            SessionSignal::from_raw(SIGTERM),
            Some(SessionSignal::Terminate(15))
        );
        assert_eq!(
            SessionSignal::from_raw(SIGHUP),
            Some(SessionSignal::Terminate(1))
        );
        assert_eq!(
            SessionSignal::from_raw(SIGTSTP),
            Some(SessionSignal::Suspend)
        );
        assert_eq!(
            SessionSignal::from_raw(SIGCONT),
            Some(SessionSignal::Continue)
        );
        assert_eq!(SessionSignal::from_raw(signal_hook::consts::SIGINT), None);
    }
}
