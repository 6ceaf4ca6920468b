//! The learner's program as a child process: spawned through the shell in its folder, in
//! its own process group, with piped stdin/stdout/stderr and a small environment. One
//! thread reads stdout into bounded lines, one keeps the tail of stderr; replies wait at
//! most the per-reply timeout, and a stop flag (Ctrl-C) is polled while waiting. Dropping
//! a [`Child`] kills the whole group and reaps the child, so no process outlives a check.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::implement::protocol::MAX_LINE_BYTES;
use crate::implement::{Learner, Misbehaviour};

/// Lines of stderr kept for the report.
const STDERR_LINES: usize = 20;
/// Characters kept of one stderr line.
const STDERR_LINE_CHARS: usize = 300;
/// How often a wait for a reply looks at the stop flag.
const POLL: Duration = Duration::from_millis(25);

/// Environment variables passed through to the program; everything else is dropped.
const KEPT_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "TEMP",
    "TMP",
    "SYSTEMROOT",
    "PATHEXT",
    "USERPROFILE",
    "APPDATA",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "CARGO_HOME",
];

/// What the stdout reader saw.
enum Line {
    Text(String),
    TooLong,
    Closed,
}

/// A running learner program.
pub struct Child {
    process: std::process::Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Line>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    timeout: Duration,
    stop: Arc<AtomicBool>,
    closed: bool,
    /// Set once the child has been killed and reaped: its group id may then be reused.
    finished: bool,
}

impl Child {
    /// Starts `command` through the shell in `dir`.
    pub fn spawn(
        command: &str,
        dir: &Path,
        timeout: Duration,
        stop: Arc<AtomicBool>,
    ) -> Result<Self, String> {
        let mut shell = shell(command);
        shell
            .current_dir(dir)
            .env_clear()
            .envs(
                KEPT_ENV
                    .iter()
                    .filter_map(|k| std::env::var_os(k).map(|v| (k, v))),
            )
            .env("PYTHONUNBUFFERED", "1")
            .env("PATTERNS_PROTOCOL", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own group: Ctrl-C reaches `patterns`, which stops the whole group itself.
            shell.process_group(0);
        }
        let mut process = shell
            .spawn()
            .map_err(|e| format!("Failed to start '{command}' in '{}': {e}", dir.display()))?;
        let stdin = process.stdin.take();
        let (Some(stdout), Some(stderr_pipe)) = (process.stdout.take(), process.stderr.take())
        else {
            let _ = process.kill();
            let _ = process.wait();
            return Err(format!("Failed to connect to '{command}': no pipes"));
        };
        let (sender, lines) = mpsc::sync_channel(64);
        thread::spawn(move || {
            read_lines(stdout, MAX_LINE_BYTES, |line| match line {
                Some(text) => sender.send(Line::Text(text)).is_ok(),
                None => {
                    let _ = sender.send(Line::TooLong);
                    false
                }
            });
            let _ = sender.send(Line::Closed);
        });
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr);
        thread::spawn(move || {
            // Long lines are cut, not refused: stderr is the program's own log.
            read_lines(stderr_pipe, usize::MAX, |line| {
                let text: String = line
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control() || *c == '\t')
                    .take(STDERR_LINE_CHARS)
                    .collect();
                if let Ok(mut tail) = tail.lock() {
                    if tail.len() == STDERR_LINES {
                        tail.pop_front();
                    }
                    tail.push_back(text);
                }
                true
            });
        });
        Ok(Self {
            process,
            stdin,
            lines,
            stderr,
            timeout,
            stop,
            closed: false,
            finished: false,
        })
    }

    /// The last lines the program wrote to stderr.
    pub fn stderr_tail(&self) -> Vec<String> {
        self.stderr
            .lock()
            .map(|tail| tail.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// How the program ended, waiting a moment for it to finish exiting.
    fn exit_status(&mut self) -> Option<String> {
        for _ in 0..40 {
            if let Ok(Some(status)) = self.process.try_wait() {
                return Some(describe(status));
            }
            thread::sleep(Duration::from_millis(10));
        }
        None
    }

    fn exited(&mut self) -> Misbehaviour {
        self.closed = true;
        Misbehaviour::Exited {
            status: self.exit_status(),
        }
    }

    /// Closes stdin, gives the program a moment to end, then stops its whole group and
    /// reaps it. Called by `Drop`; safe to call twice.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        drop(self.stdin.take());
        if self.process.try_wait().ok().flatten().is_none() {
            for _ in 0..20 {
                thread::sleep(Duration::from_millis(10));
                if self.process.try_wait().ok().flatten().is_some() {
                    break;
                }
            }
        }
        kill_group(&mut self.process);
        let _ = self.process.wait();
        // Let the readers see their pipes close and end (stderr's tail is complete).
        thread::sleep(Duration::from_millis(5));
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.finish();
    }
}

// The shell layer measures the per-reply timeout with the real clock (clippy.toml bans it
// elsewhere).
#[allow(clippy::disallowed_methods)]
fn now() -> Instant {
    Instant::now()
}

impl Learner for Child {
    fn exchange(&mut self, request: &str) -> Result<String, Misbehaviour> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(Misbehaviour::Interrupted);
        }
        if self.closed {
            return Err(Misbehaviour::Exited {
                status: self.exit_status(),
            });
        }
        match self.lines.try_recv() {
            Ok(Line::Text(line)) => return Err(Misbehaviour::Unsolicited { line }),
            Ok(Line::TooLong) => return Err(Misbehaviour::Flood),
            Ok(Line::Closed) | Err(TryRecvError::Disconnected) => return Err(self.exited()),
            Err(TryRecvError::Empty) => {}
        }
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.exited());
        };
        let written = stdin
            .write_all(request.as_bytes())
            .and_then(|()| stdin.write_all(b"\n"))
            .and_then(|()| stdin.flush());
        if written.is_err() {
            return Err(self.exited());
        }
        let deadline = now() + self.timeout;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Err(Misbehaviour::Interrupted);
            }
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return Err(Misbehaviour::Timeout {
                    after: self.timeout,
                });
            }
            match self.lines.recv_timeout(left.min(POLL)) {
                Ok(Line::Text(line)) => return Ok(line),
                Ok(Line::TooLong) => return Err(Misbehaviour::Flood),
                Ok(Line::Closed) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.exited());
                }
                Err(RecvTimeoutError::Timeout) => {
                    // Its stdout may stay open in something it started: ask the process.
                    if let Ok(Some(status)) = self.process.try_wait() {
                        if let Ok(Line::Text(line)) = self.lines.try_recv() {
                            return Ok(line);
                        }
                        self.closed = true;
                        return Err(Misbehaviour::Exited {
                            status: Some(describe(status)),
                        });
                    }
                }
            }
        }
    }
}

/// `sh -c CMD` (or `cmd /C CMD` on Windows).
fn shell(command: &str) -> Command {
    if cfg!(windows) {
        let mut shell = Command::new("cmd");
        shell.args(["/C", command]);
        shell
    } else {
        let mut shell = Command::new("sh");
        shell.args(["-c", command]);
        shell
    }
}

/// `exit code 1`, `killed by signal 9`.
fn describe(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}

/// Kills the child's process group (its shell, the program, anything they started), then
/// the child itself.
fn kill_group(process: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // No unsafe here (the crate forbids it): kill(1) signals the group for us.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", process.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = process.kill();
}

/// Reads `reader` as lines (without their `\n` / `\r\n`), calling `each` with every line, or
/// with `None` once for a line longer than `max` bytes; stops when `each` returns false or
/// the pipe closes. Invalid UTF-8 is replaced, never fatal.
fn read_lines(mut reader: impl Read, max: usize, mut each: impl FnMut(Option<String>) -> bool) {
    let mut buffer = [0u8; 8192];
    let mut line: Vec<u8> = Vec::new();
    let mut too_long = false;
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        for &byte in &buffer[..read] {
            if byte == b'\n' {
                if too_long {
                    too_long = false;
                    line.clear();
                    continue;
                }
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                let text = String::from_utf8_lossy(&line).into_owned();
                line.clear();
                if !each(Some(text)) {
                    return;
                }
            } else if !too_long {
                line.push(byte);
                if line.len() > max {
                    too_long = true;
                    line.clear();
                    if max != usize::MAX && !each(None) {
                        return;
                    }
                }
            }
        }
    }
    if !line.is_empty() && !too_long {
        each(Some(String::from_utf8_lossy(&line).into_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Option<String>> {
        let mut out = Vec::new();
        read_lines(input, max, |line| {
            out.push(line);
            true
        });
        out
    }

    #[test]
    fn lines_are_split_and_long_ones_refused() {
        assert_eq!(
            lines(b"{\"ok\": true}\r\nsecond\nlast", 100),
            [
                Some("{\"ok\": true}".to_owned()),
                Some("second".to_owned()),
                Some("last".to_owned())
            ]
        );
        assert_eq!(lines(b"0123456789\nok\n", 5), [None, Some("ok".to_owned())]);
    }
}
