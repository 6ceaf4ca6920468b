//! Where the learner's data lives: `PATTERNS_HOME`, else the platform's per-user data folder.
//!
//! Computed from environment variables alone (no dependency): the rules are few and
//! documented by each platform. The reader of variables is passed in, so tests need not
//! touch the process environment.

use std::ffi::OsString;
use std::path::PathBuf;

use super::store::StoreError;

/// The data directory: `PATTERNS_HOME` if set, else the platform's per-user data folder
/// (`$XDG_DATA_HOME/patterns` or `~/.local/share/patterns` on Linux and other Unixes,
/// `~/Library/Application Support/patterns` on macOS, `%APPDATA%\patterns` on Windows).
/// `var` reads an environment variable, so tests can pass their own.
pub fn data_dir(var: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, StoreError> {
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    if let Some(home) = set("PATTERNS_HOME") {
        return Ok(PathBuf::from(home));
    }
    let missing = |what: &str| StoreError::NoDataDir {
        reason: format!("{what} is not set"),
    };
    if cfg!(windows) {
        let appdata = set("APPDATA").ok_or_else(|| missing("APPDATA"))?;
        return Ok(PathBuf::from(appdata).join("patterns"));
    }
    if cfg!(target_os = "macos") {
        let home = set("HOME").ok_or_else(|| missing("HOME"))?;
        return Ok(PathBuf::from(home).join("Library/Application Support/patterns"));
    }
    // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
    if let Some(xdg) = set("XDG_DATA_HOME").map(PathBuf::from)
        && xdg.is_absolute()
    {
        return Ok(xdg.join("patterns"));
    }
    let home = set("HOME").ok_or_else(|| missing("HOME"))?;
    Ok(PathBuf::from(home).join(".local/share/patterns"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    #[test]
    fn patterns_home_wins_and_empty_values_are_unset() {
        let dir = data_dir(env(&[("PATTERNS_HOME", "/p"), ("HOME", "/h")])).unwrap();
        assert_eq!(dir, PathBuf::from("/p"));
        let fallback = data_dir(env(&[
            ("PATTERNS_HOME", ""),
            ("HOME", "/h"),
            ("APPDATA", "/a"),
        ]));
        assert!(fallback.unwrap().ends_with("patterns"));
        let none = data_dir(env(&[])).unwrap_err();
        assert!(none.to_string().contains("PATTERNS_HOME"), "{none}");
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn linux_uses_xdg_data_home_when_absolute() {
        let xdg = data_dir(env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")])).unwrap();
        assert_eq!(xdg, PathBuf::from("/x/patterns"));
        let relative = data_dir(env(&[("XDG_DATA_HOME", "x"), ("HOME", "/h")])).unwrap();
        assert_eq!(relative, PathBuf::from("/h/.local/share/patterns"));
    }
}
