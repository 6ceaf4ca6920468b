//! The progress file on disk: `progress.json` in the data directory, JSON with `"version"`
//! first.
//!
//! Invariants: a save is atomic (temp file in the same folder, fsync, rename, fsync of the
//! folder on Unix), so a crash leaves the old file or the new one, never half of one. A file
//! that cannot be parsed is copied aside (never over an earlier copy) before anything else
//! is written; a file from a newer version is refused and left as it is. Saving borrows the
//! record, so when it fails the caller still holds everything the learner did. Temp files a
//! killed save left behind are swept by the next save and never read.
//!
//! Concurrency: every write holds an exclusive advisory lock (on the file's folder on Unix),
//! and [`Store::update`] holds it from read to rename, so sessions running at once
//! never lose each other's events. A symlinked `progress.json` stays a link: the link is
//! resolved and the target is replaced atomically in its own folder.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::data_dir::data_dir;
use super::migrate::V1;
use super::record::{ModuleRecord, Record, Timestamp};

/// The file's name inside the data directory.
pub const FILE_NAME: &str = "progress.json";

/// The version this build writes, and the newest it reads.
pub const VERSION: u32 = 2;

/// Where the record lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    path: PathBuf,
}

/// A record read from disk, and what happened on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub record: Record,
    /// Set when the file was unreadable and was moved aside; `record` is then empty.
    pub quarantined: Option<Quarantined>,
    /// Set when the file was in an older version (it is rewritten in the current one on
    /// the next save).
    pub migrated_from: Option<u32>,
}

/// The outcome of [`Store::update`].
#[derive(Debug, Clone, PartialEq)]
pub struct Updated<T> {
    /// What the change returned.
    pub value: T,
    /// The record as saved.
    pub record: Record,
    /// Set when the file on disk was unreadable and was moved aside before the change.
    pub quarantined: Option<Quarantined>,
}

/// An unreadable progress file that was moved aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub original: PathBuf,
    pub moved_to: PathBuf,
    /// Why it could not be read, e.g. the JSON parser's message with line and column.
    pub reason: String,
}

impl fmt::Display for Quarantined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the progress file '{}' could not be read ({}); it was moved to '{}' and a new \
             record was started. Nothing was deleted: repair that file and move it back to \
             restore your progress.",
            self.original.display(),
            self.reason,
            self.moved_to.display()
        )
    }
}

/// Why the record could not be found, read or written. Every message names the path.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot find a folder for your progress: {reason}; set PATTERNS_HOME to one")]
    NoDataDir { reason: String },
    #[error("failed to read the progress file '{}': {error}", path.display())]
    Read { path: PathBuf, error: io::Error },
    #[error(
        "the progress file '{}' is version {found}, but this patterns reads up to version \
         {supported}; upgrade patterns to use it (the file was left untouched)",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    #[error(
        "the progress file '{}' could not be read ({reason}) and could not be moved aside: \
         cannot {step} '{}': {error}; move or repair it yourself",
        path.display(),
        target.display()
    )]
    Quarantine {
        path: PathBuf,
        reason: String,
        step: &'static str,
        target: PathBuf,
        error: io::Error,
    },
    #[error("failed to save progress to '{}': cannot {step} '{}': {error}", path.display(), at.display())]
    Write {
        path: PathBuf,
        step: &'static str,
        at: PathBuf,
        error: io::Error,
    },
}

impl StoreError {
    /// Why, without the paths: e.g. `Permission denied (os error 13)`, for a one-line
    /// notice beside the full message.
    pub fn cause(&self) -> String {
        match self {
            Self::NoDataDir { reason } => reason.clone(),
            Self::Read { error, .. }
            | Self::Quarantine { error, .. }
            | Self::Write { error, .. } => error.to_string(),
            Self::TooNew { found, .. } => {
                format!("the file is version {found}, newer than this patterns reads")
            }
        }
    }
}

/// The file as written: the version first, then the record.
#[derive(Serialize)]
struct OnDiskRef<'a> {
    version: u32,
    #[serde(flatten)]
    record: &'a Record,
}

/// Why the bytes of a file are not a record.
enum Undecodable {
    TooNew(u64),
    Corrupt(String),
}

impl Store {
    /// The store in data directory `dir` (the file is `dir/progress.json`).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            path: dir.into().join(FILE_NAME),
        }
    }

    /// The store in the data directory the environment names (see [`data_dir`]).
    pub fn from_env() -> Result<Self, StoreError> {
        data_dir(|name| std::env::var_os(name)).map(Self::in_dir)
    }

    /// The progress file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Reads the record. No file yet: an empty record. An unparseable file is moved aside
    /// to `progress.json.corrupt-<now>` (see [`Loaded::quarantined`]); an older version is
    /// migrated; a newer one is an error and stays untouched.
    pub fn load(&self, now: Timestamp) -> Result<Loaded, StoreError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    record: Record::new(),
                    quarantined: None,
                    migrated_from: None,
                });
            }
            Err(error) => {
                return Err(StoreError::Read {
                    path: self.path.clone(),
                    error,
                });
            }
        };
        match decode(&bytes) {
            Ok((record, version)) => Ok(Loaded {
                record,
                quarantined: None,
                migrated_from: (version < VERSION).then_some(version),
            }),
            Err(Undecodable::TooNew(found)) => Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                supported: VERSION,
            }),
            Err(Undecodable::Corrupt(reason)) => {
                let quarantined = self.quarantine(&bytes, reason, now)?;
                Ok(Loaded {
                    record: Record::new(),
                    quarantined: Some(quarantined),
                    migrated_from: None,
                })
            }
        }
    }

    /// Writes the record atomically, creating the data directory if needed, under the
    /// store's lock.
    pub fn save(&self, record: &Record) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        self.save_locked(record)
    }

    /// The file the record is written to: the progress file, or where a symlink at its
    /// place points (followed to the end, relative links from the link's folder).
    fn target(&self) -> PathBuf {
        let mut path = self.path.clone();
        // A loop of links ends here; the rename then fails with the system's message.
        for _ in 0..MAX_LINKS {
            let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            if !is_link {
                break;
            }
            let Ok(to) = fs::read_link(&path) else {
                break;
            };
            path = match path.parent() {
                Some(parent) if to.is_relative() => parent.join(to),
                _ => to,
            };
        }
        path
    }

    /// Takes the exclusive advisory lock every writer of this store takes, blocking until
    /// it is free; released when the guard drops or the process dies (the kernel frees
    /// it). On Unix the lock is on the folder of the file written itself, so nothing is
    /// added to it and a read-only folder needs no write; elsewhere on a `.progress.json.lock`
    /// file beside it. A folder that cannot be created or opened is not locked: the write
    /// that follows fails with its own message. A file system without locks (some network
    /// mounts) is written unlocked rather than not at all.
    fn lock(&self) -> Result<Option<File>, StoreError> {
        let target = self.target();
        let dir = target.parent().unwrap_or(Path::new("."));
        if fs::create_dir_all(dir).is_err() {
            return Ok(None);
        }
        let path = if cfg!(unix) {
            dir.to_owned()
        } else {
            dir.join(LOCK_NAME)
        };
        let opened = if cfg!(unix) {
            File::open(&path)
        } else {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
        };
        let Ok(file) = opened else {
            return Ok(None);
        };
        match file.lock() {
            Ok(()) => Ok(Some(file)),
            Err(error) if error.kind() == io::ErrorKind::Unsupported => Ok(None),
            Err(error) => Err(self.write_error("lock", &path, error)),
        }
    }

    /// [`Store::save`] for a caller holding the lock.
    fn save_locked(&self, record: &Record) -> Result<(), StoreError> {
        let mut json = serde_json::to_vec_pretty(&OnDiskRef {
            version: VERSION,
            record,
        })
        .map_err(|error| self.write_error("encode the record for", &self.path, error.into()))?;
        json.push(b'\n');
        let target = self.target();
        let dir = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)
            .map_err(|error| self.write_error("create the folder", dir, error))?;
        let temp = dir.join(temp_name(std::process::id()));
        if let Err(error) = write_synced(
            &temp,
            &json,
            OpenOptions::new().write(true).create(true).truncate(true),
        ) {
            let _ = fs::remove_file(&temp);
            return Err(self.write_error("write the temporary file", &temp, error));
        }
        if let Err(error) = fs::rename(&temp, &target) {
            let _ = fs::remove_file(&temp);
            return Err(self.write_error("replace", &target, error));
        }
        sync_dir(dir);
        sweep_stale_temps(dir, &target);
        Ok(())
    }

    /// Reads the record, applies `change`, saves, and returns what `change` returned with
    /// the record as saved, holding the store's lock from the read to the rename. For a
    /// long session (`learn`, `review`) call this per event rather than saving a record
    /// held since start: another `patterns` running meanwhile then loses nothing. When the
    /// save fails the error is returned; the caller still has the event it wanted recorded.
    pub fn update<T>(
        &self,
        now: Timestamp,
        change: impl FnOnce(&mut Record) -> T,
    ) -> Result<Updated<T>, StoreError> {
        let _lock = self.lock()?;
        let Loaded {
            mut record,
            quarantined,
            ..
        } = self.load(now)?;
        let value = change(&mut record);
        self.save_locked(&record)?;
        Ok(Updated {
            value,
            record,
            quarantined,
        })
    }

    /// Keeps a copy of a module's record before `progress reset` drops it, as
    /// `progress.json.reset-<module>-<now>` beside the file; returns its path.
    pub fn keep_removed(
        &self,
        module: &str,
        removed: &ModuleRecord,
        now: Timestamp,
    ) -> Result<PathBuf, StoreError> {
        let mut json = serde_json::to_vec_pretty(removed)
            .map_err(|error| self.write_error("encode the copy of", &self.path, error.into()))?;
        json.push(b'\n');
        let safe: String = module
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = format!("{FILE_NAME}.reset-{safe}-{}", now.0);
        write_new(self.dir(), &base, &json).map_err(|(at, error)| {
            self.write_error("write a copy of the removed record to", &at, error)
        })
    }

    fn quarantine(
        &self,
        bytes: &[u8],
        reason: String,
        now: Timestamp,
    ) -> Result<Quarantined, StoreError> {
        let base = format!("{FILE_NAME}.corrupt-{}", now.0);
        let moved_to = write_new(self.dir(), &base, bytes).map_err(|(target, error)| {
            StoreError::Quarantine {
                path: self.path.clone(),
                reason: reason.clone(),
                step: "write a copy to",
                target,
                error,
            }
        })?;
        // The copy is safe on disk; only now may the original go (the file a symlink
        // points to, not the link: the next save writes through it again).
        if let Err(error) = fs::remove_file(self.target()) {
            return Err(StoreError::Quarantine {
                path: self.path.clone(),
                reason,
                step: "remove it after copying it to",
                target: moved_to,
                error,
            });
        }
        sync_dir(self.target().parent().unwrap_or(Path::new(".")));
        Ok(Quarantined {
            original: self.path.clone(),
            moved_to,
            reason,
        })
    }

    fn write_error(&self, step: &'static str, at: &Path, error: io::Error) -> StoreError {
        StoreError::Write {
            path: self.path.clone(),
            step,
            at: at.to_owned(),
            error,
        }
    }
}

/// Parses a progress file of any known version into the current record.
fn decode(bytes: &[u8]) -> Result<(Record, u32), Undecodable> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|error| Undecodable::Corrupt(format!("not valid JSON: {error}")))?;
    let Some(version) = value.get("version").and_then(serde_json::Value::as_u64) else {
        return Err(Undecodable::Corrupt(
            "no 'version' number at the top".to_owned(),
        ));
    };
    let shape = |error: serde_json::Error| {
        Undecodable::Corrupt(format!("not a version {version} progress file: {error}"))
    };
    match version {
        1 => {
            let v1: V1 = serde_json::from_value(value).map_err(shape)?;
            Ok((v1.migrate(), 1))
        }
        2 => {
            let record: Record = serde_json::from_value(value).map_err(shape)?;
            Ok((record, 2))
        }
        found if found > u64::from(VERSION) => Err(Undecodable::TooNew(found)),
        found => Err(Undecodable::Corrupt(format!("unknown version {found}"))),
    }
}

/// The lock file every writer locks beside the file written, where a folder cannot be
/// locked (not Unix).
const LOCK_NAME: &str = ".progress.json.lock";

/// Symlinks followed at most when resolving the progress file (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The temp file a save by process `pid` writes before renaming it over the real file.
fn temp_name(pid: u32) -> String {
    format!(".{FILE_NAME}.{pid}.tmp")
}

/// A temp file whose process is gone is only ever this old relative to a fresh save before
/// it is swept where liveness cannot be told (no `/proc`).
const STALE_TEMP_AGE: Duration = Duration::from_secs(3600);

/// Removes temp files that saves killed between write and rename left in `dir` (a crash
/// must not leave litter that grows with every crash). Only files of processes that no
/// longer run are touched, so a concurrent save is never disturbed: on Linux a process
/// runs while `/proc/<pid>` exists; elsewhere a temp file older than [`STALE_TEMP_AGE`]
/// next to the file just written (its mtime is the clock, so none is read) is taken as
/// abandoned. Best effort: the real file is complete whatever happens here.
fn sweep_stale_temps(dir: &Path, written: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let own = std::process::id();
    let proc_fs = Path::new("/proc/self").exists();
    let written_at = fs::metadata(written).and_then(|m| m.modified()).ok();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&format!(".{FILE_NAME}.")))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == own {
            continue;
        }
        let gone = if proc_fs {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            let modified = entry.metadata().and_then(|m| m.modified()).ok();
            match (written_at, modified) {
                (Some(now), Some(then)) => now
                    .duration_since(then)
                    .is_ok_and(|age| age > STALE_TEMP_AGE),
                _ => false,
            }
        };
        if gone {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to a new file `dir/base` (or `base-2`, `base-3`, … if taken, so an
/// earlier file is never overwritten) and syncs it. On failure, the path tried and why.
fn write_new(dir: &Path, base: &str, bytes: &[u8]) -> Result<PathBuf, (PathBuf, io::Error)> {
    let mut target = dir.join(base);
    for n in 2..=1000 {
        match write_synced(
            &target,
            bytes,
            OpenOptions::new().write(true).create_new(true),
        ) {
            Ok(()) => return Ok(target),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                target = dir.join(format!("{base}-{n}"));
            }
            Err(error) => {
                let _ = fs::remove_file(&target);
                return Err((target, error));
            }
        }
    }
    let error = io::Error::new(io::ErrorKind::AlreadyExists, "1000 earlier copies exist");
    Err((target, error))
}

/// Writes and syncs a file readable by its owner only on Unix: the journal is personal.
fn write_synced(path: &Path, bytes: &[u8], options: &mut OpenOptions) -> io::Result<()> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename or removal in `dir` durable. Best effort: some file systems refuse to
/// sync a directory, and the file itself is already complete on disk.
fn sync_dir(dir: &Path) {
    if cfg!(unix)
        && let Ok(dir) = File::open(dir)
    {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::record::{Attempt, Verdict};
    use crate::progress::schedule::Rating;
    use std::ffi::OsString;

    fn sample() -> Record {
        let mut record = Record::new();
        record.record_attempt(
            "cb",
            "q1",
            Attempt {
                at: Timestamp(1_700_000_000),
                verdict: Verdict::Wrong,
                hints_used: 1,
                answer: "HALF_OPEN".into(),
                difficulty: None,
            },
        );
        record
    }

    #[test]
    fn save_then_load_round_trips_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::in_dir(dir.path().join("nested"));
        store.save(&sample()).unwrap();
        let loaded = store.load(Timestamp(1)).unwrap();
        assert_eq!(loaded.record, sample());
        assert_eq!(loaded.quarantined, None);
        let names: Vec<_> = fs::read_dir(dir.path().join("nested"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|name| cfg!(unix) || name != LOCK_NAME)
            .collect();
        assert_eq!(names, [OsString::from(FILE_NAME)]);
        let text = fs::read_to_string(store.path()).unwrap();
        assert!(text.starts_with("{\n  \"version\": 2,"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::in_dir(dir.path());
        store.save(&sample()).unwrap();
        let mode = fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn updates_from_two_sessions_both_land() {
        let dir = tempfile::tempdir().unwrap();
        let learn = Store::in_dir(dir.path());
        let review = Store::in_dir(dir.path());
        learn
            .update(Timestamp(1), |r| r.set_current_block("cb", "intro"))
            .unwrap();
        let updated = review
            .update(Timestamp(2), |r| {
                r.review("cb", "q1", Rating::Again, Timestamp(2))
            })
            .unwrap();
        assert_eq!(updated.value, Timestamp(2 + 86_400));
        let record = learn.load(Timestamp(3)).unwrap().record;
        let module = record.module("cb").unwrap();
        assert_eq!(module.current_block.as_deref(), Some("intro"));
        assert!(module.reviews.contains_key("q1"));
        assert_eq!(record, updated.record);
    }

    #[test]
    fn concurrent_updates_from_many_threads_all_land() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = Store::in_dir(dir.path());
                std::thread::spawn(move || {
                    for i in 0..10 {
                        store
                            .update(Timestamp(1), |r| {
                                r.record_attempt(
                                    "cb",
                                    &format!("q{t}"),
                                    Attempt {
                                        at: Timestamp(i),
                                        verdict: Verdict::Correct,
                                        hints_used: 0,
                                        answer: i.to_string(),
                                        difficulty: None,
                                    },
                                )
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let record = Store::in_dir(dir.path()).load(Timestamp(2)).unwrap().record;
        let attempts: usize = record
            .module("cb")
            .unwrap()
            .attempts
            .values()
            .map(Vec::len)
            .sum();
        assert_eq!(attempts, 80);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_stays_a_link_and_its_target_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let synced = dir.path().join("dotfiles");
        fs::create_dir(&synced).unwrap();
        let home = dir.path().join("home");
        fs::create_dir(&home).unwrap();
        let store = Store::in_dir(&home);
        std::os::unix::fs::symlink("../dotfiles/progress.json", store.path()).unwrap();
        // A dangling link is followed too: the first save creates the target.
        store.save(&sample()).unwrap();
        store
            .update(Timestamp(2), |r| r.set_current_block("cb", "intro"))
            .unwrap();
        let meta = fs::symlink_metadata(store.path()).unwrap();
        assert!(meta.file_type().is_symlink(), "still a link");
        let target = synced.join(FILE_NAME);
        let record = Store::in_dir(&synced).load(Timestamp(3)).unwrap().record;
        assert_eq!(
            record.module("cb").unwrap().current_block.as_deref(),
            Some("intro")
        );
        assert!(target.is_file());
        // An unreadable target is moved aside; the link is kept for the next save.
        fs::write(&target, "{").unwrap();
        let loaded = store.load(Timestamp(4)).unwrap();
        assert!(loaded.quarantined.is_some());
        assert!(fs::symlink_metadata(store.path()).is_ok());
        store.save(&sample()).unwrap();
        assert!(
            fs::symlink_metadata(store.path())
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            Store::in_dir(&synced).load(Timestamp(5)).unwrap().record,
            sample()
        );
    }

    #[test]
    fn a_missing_file_is_an_empty_record() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = Store::in_dir(dir.path()).load(Timestamp(1)).unwrap();
        assert_eq!(loaded.record, Record::new());
    }

    #[test]
    fn corrupt_files_are_copied_aside_without_clobbering_earlier_copies() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::in_dir(dir.path());
        for (garbage, expected) in [
            (&b"{\"version\": 2, \"modu"[..], "progress.json.corrupt-9"),
            (&b"\xff\xfe garbage"[..], "progress.json.corrupt-9-2"),
            (&b"{\"modules\": {}}"[..], "progress.json.corrupt-9-3"),
            (
                &b"{\"version\": 2, \"modules\": []}"[..],
                "progress.json.corrupt-9-4",
            ),
        ] {
            fs::write(store.path(), garbage).unwrap();
            let loaded = store.load(Timestamp(9)).unwrap();
            let quarantined = loaded.quarantined.unwrap();
            assert_eq!(quarantined.moved_to, dir.path().join(expected));
            assert_eq!(fs::read(&quarantined.moved_to).unwrap(), garbage);
            assert!(!store.path().exists());
            assert_eq!(loaded.record, Record::new());
        }
    }

    #[test]
    fn a_newer_version_is_refused_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::in_dir(dir.path());
        let text = "{\"version\": 3, \"modules\": {\"cb\": {\"shiny\": true}}}";
        fs::write(store.path(), text).unwrap();
        let error = store.load(Timestamp(9)).unwrap_err();
        assert!(
            matches!(error, StoreError::TooNew { found: 3, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("upgrade patterns"), "{error}");
        assert_eq!(fs::read_to_string(store.path()).unwrap(), text);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_save_names_the_path_and_why() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("a-file");
        fs::write(&blocker, "not a folder").unwrap();
        let store = Store::in_dir(blocker.join("patterns"));
        let record = sample();
        let error = store.save(&record).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(
                error,
                StoreError::Write {
                    step: "create the folder",
                    ..
                }
            ),
            "{message}"
        );
        assert!(
            message.contains(&blocker.join("patterns").display().to_string()),
            "{message}"
        );
        // The caller still holds the learner's work.
        assert_eq!(record, sample());
        assert!(
            !error.cause().contains("patterns"),
            "no path: {}",
            error.cause()
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_save_sweeps_temp_files_of_dead_processes_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::in_dir(dir.path());
        // No process has this id (above any pid_max); pid 1 always runs.
        let dead = dir.path().join(temp_name(4_000_000_000));
        let live = dir.path().join(temp_name(1));
        let other = dir.path().join(".progress.json.notes.tmp");
        for path in [&dead, &live, &other] {
            fs::write(path, "{\"version\": 2, \"modu").unwrap();
        }
        store.save(&sample()).unwrap();
        assert!(!dead.exists(), "the killed save's temp file is swept");
        assert!(live.exists() && other.exists(), "others are left alone");
        assert_eq!(store.load(Timestamp(1)).unwrap().record, sample());
    }

    #[test]
    fn kept_copies_of_removed_modules_never_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::in_dir(dir.path());
        let module = sample().remove_module("cb").unwrap();
        let first = store.keep_removed("../cb", &module, Timestamp(5)).unwrap();
        let second = store.keep_removed("../cb", &module, Timestamp(5)).unwrap();
        assert_eq!(first, dir.path().join("progress.json.reset-___cb-5"));
        assert_eq!(second, dir.path().join("progress.json.reset-___cb-5-2"));
        let back: ModuleRecord = serde_json::from_slice(&fs::read(second).unwrap()).unwrap();
        assert_eq!(back, module);
    }
}
