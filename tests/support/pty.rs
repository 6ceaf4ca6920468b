//! A real pseudo-terminal for end-to-end TUI tests (`ptyprocess`), and a small screen model
//! of what a VT100-style terminal would show. Every byte the program writes is kept with the
//! time it was read, and window resizes are kept in the same log, so a test can replay the
//! whole session into a [`Screen`] of the right size at each point. Shared via `#[path]`.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use ptyprocess::{PtyProcess, WaitStatus};

/// How long a wait for expected output lasts before the test fails (a loaded 2-core CI).
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The test clock: the one place these tests read real time.
#[allow(clippy::disallowed_methods)] // read timestamps and timeouts are the point here
pub fn now() -> Instant {
    Instant::now()
}

/// One entry of the session log.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Bytes the program wrote, as one read returned them, and when.
    Output(Instant, Vec<u8>),
    /// The window was resized to columns x rows.
    Resize(u16, u16),
}

/// A command running in a pseudo-terminal.
pub struct Pty {
    process: PtyProcess,
    input: File,
    log: Arc<Mutex<Vec<Entry>>>,
    reader: Option<JoinHandle<()>>,
}

impl Pty {
    /// Runs `sh -c script` in a new 80x24 pseudo-terminal with `envs` added to the
    /// environment. The terminal starts sane (`stty sane`: canonical mode, echo, signals):
    /// ptyprocess turns echo off, and the tests compare against a normal terminal. `None`,
    /// said on stderr, where the system gives no pseudo-terminal: the caller skips.
    pub fn spawn(script: &str, envs: &[(&str, &std::ffi::OsStr)]) -> Option<Self> {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("stty sane; {script}"))
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .env_remove("PATTERNS_MODULES")
            .env_remove("PATTERNS_TEST_PANIC")
            // A backtrace would scroll the panic message off a 24-row screen.
            .env("RUST_BACKTRACE", "0");
        for (key, value) in envs {
            command.env(key, value);
        }
        let mut process = match PtyProcess::spawn(command) {
            Ok(process) => process,
            Err(error) => {
                eprintln!("skipped: no pseudo-terminal here ({error})");
                return None;
            }
        };
        process.set_window_size(80, 24).expect("window size");
        let input = process.get_raw_handle().expect("pty handle");
        let mut output = process.get_raw_handle().expect("pty handle");
        let log = Arc::new(Mutex::new(vec![Entry::Resize(80, 24)]));
        let reader = {
            let log = Arc::clone(&log);
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                // Linux answers EIO once the last process holding the terminal is gone.
                while let Ok(n @ 1..) = output.read(&mut buf) {
                    let entry = Entry::Output(now(), buf[..n].to_vec());
                    log.lock().expect("log").push(entry);
                }
            })
        };
        Some(Self {
            process,
            input,
            log,
            reader: Some(reader),
        })
    }

    /// The pid of the shell running the script.
    pub fn pid(&self) -> i32 {
        self.process.pid().as_raw()
    }

    /// Types `bytes`, as a terminal would send them.
    pub fn send(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).expect("write to the pty");
        self.input.flush().expect("flush the pty");
    }

    /// Resizes the window; the kernel sends SIGWINCH to the foreground process.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // Logged first: whatever the program draws in answer comes after it.
        self.lock().push(Entry::Resize(cols, rows));
        self.process
            .set_window_size(cols, rows)
            .expect("window size");
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Entry>> {
        self.log.lock().expect("log")
    }

    /// A copy of the log so far.
    pub fn log(&self) -> Vec<Entry> {
        self.lock().clone()
    }

    /// Everything the program wrote so far.
    pub fn output(&self) -> Vec<u8> {
        output_of(&self.lock())
    }

    /// The output so far as text (lossy), for searching.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output()).into_owned()
    }

    /// The end of the output, escaped, for failure messages.
    fn tail(&self) -> String {
        let text = format!("{:?}", self.text());
        let start = text.len().saturating_sub(1500);
        let start = (start..text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        format!("...{}", &text[start..])
    }

    /// What the terminal shows now (possibly half a frame: a frame may take several reads).
    pub fn screen(&self) -> Screen {
        Screen::replay(&self.lock())
    }

    /// What the terminal showed after the last whole TUI frame: ratatui hides the cursor
    /// after each frame it flushes, so the output is cut after the last hide-cursor.
    pub fn frame(&self) -> Screen {
        let log = self.lock();
        let end = rfind(&output_of(&log), HIDE_CURSOR).map_or(0, |at| at + HIDE_CURSOR.len());
        Screen::replay(&truncate(&log, end))
    }

    /// Waits until the last whole frame satisfies `ready`; fails the test after [`TIMEOUT`],
    /// showing the screen and what `what` waited for.
    pub fn wait_frame(&self, what: &str, ready: impl Fn(&Screen) -> bool) -> Screen {
        let deadline = now() + TIMEOUT;
        loop {
            let screen = self.frame();
            if ready(&screen) {
                return screen;
            }
            assert!(
                now() < deadline,
                "timed out waiting for {what}; the screen:\n{}\nthe output's end:\n{}",
                screen.text(),
                self.tail()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the command to end and the output to be read to its end: the exit status
    /// of `sh` and the whole log.
    pub fn finish(mut self) -> (WaitStatus, Vec<Entry>) {
        let deadline = now() + TIMEOUT;
        let status = loop {
            match self.process.status().expect("status") {
                WaitStatus::StillAlive => {}
                status => break status,
            }
            assert!(
                now() < deadline,
                "the command did not end; the screen:\n{}",
                self.screen().text()
            );
            thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = self.reader.take() {
            reader.join().expect("reader thread");
        }
        (status, self.log())
    }
}

/// All output bytes of a log, in order.
pub fn output_of(log: &[Entry]) -> Vec<u8> {
    log.iter()
        .filter_map(|entry| match entry {
            Entry::Output(_, bytes) => Some(bytes.as_slice()),
            Entry::Resize(..) => None,
        })
        .flatten()
        .copied()
        .collect()
}

/// The log up to output byte `end` (resizes before it kept).
pub fn truncate(log: &[Entry], end: usize) -> Vec<Entry> {
    let mut kept = Vec::new();
    let mut at = 0;
    for entry in log {
        match entry {
            Entry::Output(time, bytes) => {
                if at >= end {
                    break;
                }
                let take = bytes.len().min(end - at);
                kept.push(Entry::Output(*time, bytes[..take].to_vec()));
                at += take;
            }
            Entry::Resize(..) => kept.push(entry.clone()),
        }
    }
    kept
}

/// Where `needle` first occurs in `haystack`.
pub fn find_all(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where `needle` last occurs in `haystack`.
pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Show cursor, hide cursor, enter and leave the alternate screen.
pub const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
pub const HIDE_CURSOR: &[u8] = b"\x1b[?25l";
pub const ENTER_ALTERNATE: &[u8] = b"\x1b[?1049h";
pub const LEAVE_ALTERNATE: &[u8] = b"\x1b[?1049l";

/// Asserts the escape-code side of a restored terminal: the cursor shown after it was last
/// hidden and the alternate screen left after it was last entered.
pub fn assert_escapes_restore(output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    let entered = rfind(output, ENTER_ALTERNATE).expect("the alternate screen was entered");
    let left = rfind(output, LEAVE_ALTERNATE).expect("the alternate screen was left");
    assert!(left > entered, "left the alternate screen last: {text:?}");
    let hidden = rfind(output, HIDE_CURSOR).expect("the cursor was hidden");
    let shown = rfind(output, SHOW_CURSOR).expect("the cursor was shown");
    assert!(shown > hidden, "the cursor shown last: {text:?}");
}

/// The local-mode flags of `stty -a` output that raw mode turns off, as printed (`-echo`
/// when off). Fails if a flag is missing from the output.
pub fn stty_flags(stty: &str) -> Vec<String> {
    let words: Vec<&str> = stty.split_whitespace().collect();
    ["icanon", "echo", "isig", "icrnl", "opost"]
        .iter()
        .map(|flag| {
            let minus = format!("-{flag}");
            words
                .iter()
                .find(|w| **w == *flag || **w == minus)
                .unwrap_or_else(|| panic!("stty -a prints {flag}: {stty}"))
                .to_string()
        })
        .collect()
}

/// What a terminal shows: the main and the alternate screen, the cursor and its
/// visibility. Understands what ratatui and crossterm write (cursor moves, clears, SGR,
/// the private modes 25, 1049 and 2004) and plain text with CR / LF / BS / TAB; xterm's rules for
/// 1049 (save the cursor on entering, restore it on leaving, even when not on the alternate
/// screen). Other sequences are kept in `unknown` so a test can see them.
#[derive(Debug, Clone)]
pub struct Screen {
    cols: usize,
    rows: usize,
    main: Vec<Vec<char>>,
    alternate: Vec<Vec<char>>,
    on_alternate: bool,
    cursor: (usize, usize),
    saved: (usize, usize),
    cursor_visible: bool,
    /// The cursor is past the last column: the next character wraps first.
    pending_wrap: bool,
    /// Escape sequences this model does not interpret.
    pub unknown: Vec<String>,
}

impl Screen {
    /// An empty screen of `cols` x `rows`.
    pub fn new(cols: u16, rows: u16) -> Self {
        let (cols, rows) = (usize::from(cols), usize::from(rows));
        Self {
            cols,
            rows,
            main: vec![vec![' '; cols]; rows],
            alternate: vec![vec![' '; cols]; rows],
            on_alternate: false,
            cursor: (0, 0),
            saved: (0, 0),
            cursor_visible: true,
            pending_wrap: false,
            unknown: Vec::new(),
        }
    }

    /// The screen after the whole `log`, resizes included.
    pub fn replay(log: &[Entry]) -> Self {
        let mut screen = Screen::new(80, 24);
        let mut pending = Vec::new();
        for entry in log {
            match entry {
                Entry::Output(_, bytes) => pending.extend_from_slice(bytes),
                Entry::Resize(cols, rows) => {
                    screen.feed(&pending);
                    pending.clear();
                    screen.resize(*cols, *rows);
                }
            }
        }
        screen.feed(&pending);
        screen
    }

    /// Columns and rows.
    pub fn size(&self) -> (usize, usize) {
        (self.cols, self.rows)
    }

    /// Whether the alternate screen is showing.
    pub fn on_alternate(&self) -> bool {
        self.on_alternate
    }

    /// Whether the cursor is visible.
    pub fn cursor_visible(&self) -> bool {
        self.cursor_visible
    }

    /// Row `y` of the screen showing, trailing blanks trimmed.
    pub fn row(&self, y: usize) -> String {
        self.grid()[y]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_owned()
    }

    /// The screen showing, one line per row, trailing blanks trimmed.
    pub fn text(&self) -> String {
        (0..self.rows)
            .map(|y| self.row(y))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn grid(&self) -> &Vec<Vec<char>> {
        if self.on_alternate {
            &self.alternate
        } else {
            &self.main
        }
    }

    fn grid_mut(&mut self) -> &mut Vec<Vec<char>> {
        if self.on_alternate {
            &mut self.alternate
        } else {
            &mut self.main
        }
    }

    /// A new window size: rows and columns are cut or padded, the cursor kept inside.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let (cols, rows) = (usize::from(cols), usize::from(rows));
        for grid in [&mut self.main, &mut self.alternate] {
            grid.resize(rows, vec![' '; cols]);
            for row in grid.iter_mut() {
                row.resize(cols, ' ');
            }
        }
        self.cols = cols;
        self.rows = rows;
        self.cursor = (self.cursor.0.min(cols - 1), self.cursor.1.min(rows - 1));
        self.pending_wrap = false;
    }

    /// Interprets `bytes` (UTF-8, lossily).
    pub fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\x1b' => match chars.next() {
                    Some('[') => {
                        let mut params = String::new();
                        let mut last = None;
                        for c in chars.by_ref() {
                            if ('\x40'..='\x7e').contains(&c) {
                                last = Some(c);
                                break;
                            }
                            params.push(c);
                        }
                        if let Some(last) = last {
                            self.csi(&params, last);
                        }
                    }
                    Some(']') => {
                        // OSC: up to BEL or ST; nothing of it is shown.
                        let mut seq = String::from("\x1b]");
                        while let Some(c) = chars.next() {
                            if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                                break;
                            }
                            seq.push(c);
                        }
                        self.unknown.push(seq);
                    }
                    Some('7') => self.saved = self.cursor,
                    Some('8') => self.cursor = self.saved,
                    other => self.unknown.push(format!("ESC {other:?}")),
                },
                '\r' => {
                    self.cursor.0 = 0;
                    self.pending_wrap = false;
                }
                '\n' => self.line_feed(),
                '\x08' => {
                    self.cursor.0 = self.cursor.0.saturating_sub(1);
                    self.pending_wrap = false;
                }
                '\t' => self.cursor.0 = ((self.cursor.0 / 8 + 1) * 8).min(self.cols - 1),
                c if c.is_control() => {}
                c => self.print(c),
            }
        }
    }

    fn line_feed(&mut self) {
        self.pending_wrap = false;
        if self.cursor.1 + 1 < self.rows {
            self.cursor.1 += 1;
        } else {
            let cols = self.cols;
            let grid = self.grid_mut();
            grid.remove(0);
            grid.push(vec![' '; cols]);
        }
    }

    fn print(&mut self, c: char) {
        if self.pending_wrap {
            self.cursor.0 = 0;
            self.line_feed();
        }
        let (x, y) = self.cursor;
        self.grid_mut()[y][x] = c;
        if x + 1 < self.cols {
            self.cursor.0 += 1;
        } else {
            self.pending_wrap = true;
        }
    }

    fn csi(&mut self, params: &str, last: char) {
        let private = params.starts_with('?');
        let numbers: Vec<usize> = params
            .trim_start_matches('?')
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let n = |i: usize, default: usize| match numbers.get(i) {
            Some(0) | None => default,
            Some(&v) => v,
        };
        self.pending_wrap = false;
        let (cols, rows) = (self.cols, self.rows);
        match (private, last) {
            (false, 'H' | 'f') => {
                self.cursor = ((n(1, 1) - 1).min(cols - 1), (n(0, 1) - 1).min(rows - 1));
            }
            (false, 'A') => self.cursor.1 = self.cursor.1.saturating_sub(n(0, 1)),
            (false, 'B') => self.cursor.1 = (self.cursor.1 + n(0, 1)).min(rows - 1),
            (false, 'C') => self.cursor.0 = (self.cursor.0 + n(0, 1)).min(cols - 1),
            (false, 'D') => self.cursor.0 = self.cursor.0.saturating_sub(n(0, 1)),
            (false, 'G') => self.cursor.0 = (n(0, 1) - 1).min(cols - 1),
            (false, 'd') => self.cursor.1 = (n(0, 1) - 1).min(rows - 1),
            (false, 'J') => {
                let (x, y) = self.cursor;
                let grid = self.grid_mut();
                let blank = |row: &mut Vec<char>, from: usize, to: usize| {
                    row[from..to].iter_mut().for_each(|c| *c = ' ');
                };
                match numbers.first().copied().unwrap_or(0) {
                    0 => {
                        blank(&mut grid[y], x, cols);
                        grid[y + 1..].iter_mut().for_each(|r| blank(r, 0, cols));
                    }
                    1 => {
                        grid[..y].iter_mut().for_each(|r| blank(r, 0, cols));
                        blank(&mut grid[y], 0, x + 1);
                    }
                    _ => grid.iter_mut().for_each(|r| blank(r, 0, cols)),
                }
            }
            (false, 'K') => {
                let (x, y) = self.cursor;
                let row = &mut self.grid_mut()[y];
                let (from, to) = match numbers.first().copied().unwrap_or(0) {
                    0 => (x, cols),
                    1 => (0, x + 1),
                    _ => (0, cols),
                };
                row[from..to].iter_mut().for_each(|c| *c = ' ');
            }
            (false, 'm') => {}
            (true, 'h' | 'l') => {
                let set = last == 'h';
                for mode in &numbers {
                    match mode {
                        25 => self.cursor_visible = set,
                        // Bracketed paste: changes what the terminal sends, not the screen.
                        2004 => {}
                        1049 if set => {
                            self.saved = self.cursor;
                            self.on_alternate = true;
                            self.alternate = vec![vec![' '; cols]; rows];
                        }
                        1049 => {
                            self.on_alternate = false;
                            self.cursor = self.saved;
                        }
                        _ => self.unknown.push(format!("CSI {params}{last}")),
                    }
                }
            }
            _ => self.unknown.push(format!("CSI {params}{last}")),
        }
    }
}
