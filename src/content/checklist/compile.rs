//! Compiles a module's Rust and Python examples: `rustc --edition 2024 --crate-type lib`
//! (metadata only) and `python3 -m py_compile`, each on a temporary file, each bounded by
//! [`TIME_LIMIT_MS`]. A missing compiler is a note, not a failure.
//!
//! Invariant: nothing is written outside a fresh temporary folder, which is removed; a
//! compiler that outlives its limit is killed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// How long one compilation may take.
pub const TIME_LIMIT_MS: u64 = 20_000;
const POLL_MS: u64 = 20;

/// A language the checklist compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Rust,
    Python,
}

impl Language {
    /// The language of a fence's first info word, when we compile it.
    pub fn of(language: &str) -> Option<Self> {
        match language {
            "rust" | "rs" => Some(Language::Rust),
            "python" | "py" | "python3" => Some(Language::Python),
            _ => None,
        }
    }

    fn tool(self) -> &'static str {
        match self {
            Language::Rust => "rustc",
            Language::Python => "python3",
        }
    }
}

/// The result of compiling one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiled {
    /// It compiled; the tool that said so.
    Ok(&'static str),
    /// It did not; the compiler's first error and the example's line it names (1-based,
    /// inside the block) when it names one.
    Failed {
        tool: &'static str,
        message: String,
        line: Option<usize>,
    },
    /// Not compiled, and why (no compiler, timed out, could not write the file).
    Skipped(String),
}

/// Which compilers exist on this machine, probed once.
#[derive(Debug, Clone, Copy)]
pub struct Tools {
    rustc: bool,
    python: bool,
}

impl Tools {
    /// Probes `rustc --version` and `python3 --version`. `PATTERNS_CHECKLIST_COMPILE=off`
    /// turns both off (every example is then "not compiled").
    pub fn probe() -> Self {
        if std::env::var_os("PATTERNS_CHECKLIST_COMPILE").is_some_and(|v| v == "off") {
            return Self::none();
        }
        let runs = |tool: &str| {
            Command::new(tool)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        Self {
            rustc: runs("rustc"),
            python: runs("python3"),
        }
    }

    /// No compiler at all.
    pub fn none() -> Self {
        Self {
            rustc: false,
            python: false,
        }
    }

    fn has(self, language: Language) -> bool {
        match language {
            Language::Rust => self.rustc,
            Language::Python => self.python,
        }
    }

    /// Compiles `code` as `language`.
    pub fn compile(self, language: Language, code: &str) -> Compiled {
        if !self.has(language) {
            return Compiled::Skipped(format!("'{}' not found", language.tool()));
        }
        let dir = match TempDir::new() {
            Ok(dir) => dir,
            Err(e) => return Compiled::Skipped(format!("no temporary folder: {e}")),
        };
        let (file, mut command) = match language {
            Language::Rust => {
                let file = dir.0.join("example.rs");
                let mut command = Command::new("rustc");
                command
                    .args([
                        "--edition",
                        "2024",
                        "--crate-type",
                        "lib",
                        "--emit=metadata",
                    ])
                    .args(["--cap-lints", "allow", "--crate-name", "example", "-o"])
                    .arg(dir.0.join("example.rmeta"))
                    .arg(&file);
                (file, command)
            }
            Language::Python => {
                let file = dir.0.join("example.py");
                let mut command = Command::new("python3");
                // -B: no __pycache__; py_compile still writes the .pyc it is asked for.
                command
                    .args(["-B", "-c"])
                    .arg("import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)")
                    .arg(&file)
                    .arg(dir.0.join("example.pyc"));
                (file, command)
            }
        };
        if let Err(e) = std::fs::write(&file, code) {
            return Compiled::Skipped(format!("could not write the example: {e}"));
        }
        run(language, &mut command, &file)
    }
}

fn run(language: Language, command: &mut Command, file: &Path) -> Compiled {
    let tool = language.tool();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return Compiled::Skipped(format!("could not run '{tool}': {e}")),
    };
    // Read stderr on a thread so a chatty compiler cannot block on a full pipe.
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            use std::io::Read;
            let _ = (&mut stderr).take(64 * 1024).read_to_string(&mut text);
        }
        text
    });
    let mut waited = 0;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if waited < TIME_LIMIT_MS => {
                std::thread::sleep(std::time::Duration::from_millis(POLL_MS));
                waited += POLL_MS;
            }
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let stderr = reader.join().unwrap_or_default();
    match status {
        None => Compiled::Skipped(format!(
            "'{tool}' took more than {} s",
            TIME_LIMIT_MS / 1000
        )),
        Some(status) if status.success() => Compiled::Ok(tool),
        Some(_) => {
            let (message, line) = first_error(language, &stderr, file);
            Compiled::Failed {
                tool,
                message,
                line,
            }
        }
    }
}

/// The compiler's first error line and the example line it points at.
fn first_error(language: Language, stderr: &str, file: &Path) -> (String, Option<usize>) {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let message = match language {
        Language::Rust => stderr.lines().find(|l| l.starts_with("error")),
        // py_compile raises with the SyntaxError last.
        Language::Python => stderr.lines().rev().find(|l| l.contains("Error")),
    }
    .unwrap_or("failed")
    .trim()
    .chars()
    .take(200)
    .collect::<String>();
    let line = stderr.lines().find_map(|l| {
        let at = l.find(&name)?;
        let after = &l[at + name.len()..];
        let digits: String = after
            .trim_start_matches([':', '"', ','])
            .trim_start_matches(" line ")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    });
    (message, line)
}

/// A fresh folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("patterns-checklist-{}-{n}", std::process::id()));
        std::fs::create_dir(&path)?;
        Ok(Self(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_that_compiles_and_rust_that_does_not() {
        let tools = Tools::probe();
        if !tools.rustc {
            return;
        }
        assert_eq!(
            tools.compile(Language::Rust, "pub fn f() -> u32 { 1 }\n"),
            Compiled::Ok("rustc")
        );
        let Compiled::Failed { message, line, .. } =
            tools.compile(Language::Rust, "pub fn f() -> u32 {\n    x\n}\n")
        else {
            panic!("compiled");
        };
        assert!(message.contains("E0425"), "{message}");
        assert_eq!(line, Some(2));
    }

    #[test]
    fn python_syntax_errors_are_found() {
        let tools = Tools::probe();
        if !tools.python {
            return;
        }
        assert_eq!(
            tools.compile(Language::Python, "def f():\n    return 1\n"),
            Compiled::Ok("python3")
        );
        let Compiled::Failed { line, .. } =
            tools.compile(Language::Python, "def f():\n    return (\n")
        else {
            panic!("compiled");
        };
        assert!(line.is_some());
    }

    #[test]
    fn without_tools_nothing_runs() {
        assert!(matches!(
            Tools::none().compile(Language::Rust, "garbage"),
            Compiled::Skipped(note) if note.contains("rustc")
        ));
    }
}
