//! Crash safety of the progress file (DESIGN.md §5, §8; issue 7 part 3), through the binary.
//! `learn --plain` is killed with SIGKILL at seeded random moments while it saves after every
//! answer; after each kill the file must be a complete write (the old one or a newer one),
//! load, and hold the old record plus a prefix of the run's events. Then faults: a read-only
//! data folder and a full disk, where the session must go on and nothing written be lost.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use patterns::content::LoadedModule;
use patterns::engine::rng::Rng;
use patterns::progress::{Record, Store, Timestamp};
use patterns::session::learn::{Learn, Stage};
use patterns::session::record::Save;

#[path = "support/answers.rs"]
mod answers;
#[path = "support/screens.rs"]
mod screens;

/// Kills per run of the test, and the seed of their delays.
const KILLS: usize = 250;
const SEED: u64 = 0x5eed_c4a5;

fn module() -> LoadedModule {
    answers::module("circuit-breaker")
}

/// The lines a learner answering everything rightly types from block 1, and the events the
/// session saves meanwhile (the binary saves the same, one `Store::update` each).
/// Parametric practice draws from a clock seed in the binary, so it is answered 'skip'.
fn walk(module: LoadedModule) -> (Vec<String>, Vec<Save>) {
    let (lines, saves, _) = walk_typed(module);
    (lines, saves)
}

/// [`walk`], with the number of lines typed when each event was saved.
fn walk_typed(module: LoadedModule) -> (Vec<String>, Vec<Save>, Vec<usize>) {
    let walk = answers::learn_walk(module, 0);
    (walk.lines, walk.saves, walk.typed)
}

/// Runs a command of `patterns` with `input` on its standard input (NO_COLOR set) and
/// returns what it printed.
trait RunWithInput {
    fn run_with_input(&mut self, input: &str) -> std::process::Output;
}

impl RunWithInput for Command {
    fn run_with_input(&mut self, input: &str) -> std::process::Output {
        self.env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(input.as_bytes())?;
                child.wait_with_output()
            })
            .expect("run patterns")
    }
}

/// `patterns learn circuit-breaker --block 1 --plain` in `home`, answers not yet written.
fn learn_command(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_patterns"));
    command
        .env("PATTERNS_HOME", home)
        .env("NO_COLOR", "1")
        .args(["learn", "circuit-breaker", "--block", "1", "--plain"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// What a record holds of the learner's doing, without timestamps (the binary reads the
/// clock) and review cards (scheduled from those timestamps).
#[derive(Debug, PartialEq)]
struct View {
    current_block: Option<String>,
    blocks_completed: Vec<String>,
    attempts: BTreeMap<String, Vec<(String, u32, String)>>,
    journal: Vec<(String, String, String)>,
}

fn view(record: &Record) -> View {
    let Some(module) = record.module("circuit-breaker") else {
        return View {
            current_block: None,
            blocks_completed: Vec::new(),
            attempts: BTreeMap::new(),
            journal: Vec::new(),
        };
    };
    View {
        current_block: module.current_block.clone(),
        blocks_completed: module
            .blocks_completed
            .iter()
            .map(|b| b.block.clone())
            .collect(),
        attempts: module
            .attempts
            .iter()
            .map(|(id, list)| {
                let list = list
                    .iter()
                    .map(|a| (format!("{:?}", a.verdict), a.hints_used, a.answer.clone()))
                    .collect();
                (id.clone(), list)
            })
            .collect(),
        journal: module
            .journal
            .iter()
            .map(|j| (j.block.clone(), j.prompt.clone(), j.text.clone()))
            .collect(),
    }
}

/// Which counts `k` of events make `old` plus the first `k` of `saves` look like `found`:
/// the fewest and the most (consecutive, as only a no-op event such as entering the block
/// already current leaves the view as it was). `None` if no prefix does.
fn events_saved(old: &Record, saves: &[Save], found: &View) -> Option<(usize, usize)> {
    let mut record = old.clone();
    let mut first = None;
    for k in 0..=saves.len() {
        if k > 0 {
            saves[k - 1].apply(&mut record, Timestamp(0));
        }
        match (view(&record) == *found, first) {
            (true, None) => first = Some(k),
            (false, Some(least)) => return Some((least, k - 1)),
            _ => {}
        }
    }
    first.map(|least| (least, saves.len()))
}

/// The views the file may show after a run that started from `old`: `old` plus the first
/// `k` events, for every `k`.
fn possible_views(old: &Record, saves: &[Save]) -> Vec<View> {
    let mut record = old.clone();
    let mut views = vec![view(&record)];
    for save in saves {
        save.apply(&mut record, Timestamp(0));
        views.push(view(&record));
    }
    views
}

/// Temp files the store left in `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .expect("read the data folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect()
}

/// Whether the process whose id names the temp file `path` runs (ids are reused).
fn owner_runs(path: &Path) -> bool {
    let pid = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(".progress.json."))
        .and_then(|n| n.strip_suffix(".tmp"))
        .expect("a temp file of the store");
    Path::new("/proc").join(pid).exists()
}

/// Asserts the file in `home` is a complete write of the real store: it loads (no
/// quarantine, current version) and is byte-identical to what `Store::save` writes for the
/// record it holds. Returns that record.
fn assert_complete(home: &Path, bytes: &[u8], scratch: &Path) -> Record {
    let loaded = Store::in_dir(home)
        .load(Timestamp(1))
        .expect("the progress file loads");
    assert_eq!(loaded.quarantined, None, "the file was quarantined");
    assert_eq!(
        loaded.migrated_from, None,
        "the file is the current version"
    );
    let again = Store::in_dir(scratch);
    again.save(&loaded.record).expect("save a copy");
    let canonical = fs::read(again.path()).expect("read the copy");
    assert!(
        canonical == bytes,
        "the file is not a complete write: {} bytes, a complete one is {}",
        bytes.len(),
        canonical.len()
    );
    loaded.record
}

/// Runs `learn` in `home` with `input` to the end and returns how long it took.
#[allow(clippy::disallowed_methods)] // wall time of a real process: what the kills aim at
fn run_to_end(home: &Path, input: &str) -> Duration {
    let started = Instant::now();
    let mut child = learn_command(home).spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write answers");
    drop(stdin);
    assert!(child.wait().expect("wait").success());
    started.elapsed()
}

/// A folder for the test's own copies: in memory where there is one (no fsync cost).
fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("tempdir")
}

/// Kills `learn` a few hundred times at seeded random moments, each run starting from what
/// the last kill left. Delays are calibrated on this machine: a tenth fall anywhere before
/// the first save ends, the rest over the first few saves (a save reads, writes a temp
/// file, fsyncs and renames; a kill between open and rename leaves its temp file, which is
/// how kills mid-save are counted).
#[cfg(unix)]
#[test]
#[allow(clippy::disallowed_methods)] // the test's own duration, reported
fn sigkill_while_saving_leaves_the_old_or_a_new_complete_file() {
    let (lines, saves) = walk(module());
    let input = lines.join("\n") + "\n";
    let home = tempfile::tempdir().expect("tempdir");
    let scratch = scratch_dir();

    // Calibration: start-up plus one save (the current block, then end of input), and
    // the whole module uninterrupted, which must save every event.
    let calibration = tempfile::tempdir().expect("tempdir");
    let first_save = run_to_end(calibration.path(), "");
    let fresh = tempfile::tempdir().expect("tempdir");
    let whole = run_to_end(fresh.path(), &input);
    let per_save = whole.saturating_sub(first_save) / (saves.len() as u32 - 1);
    let bytes = fs::read(Store::in_dir(fresh.path()).path()).expect("saved");
    let record = assert_complete(fresh.path(), &bytes, scratch.path());
    assert_eq!(
        view(&record),
        *possible_views(&Record::new(), &saves)
            .last()
            .expect("views"),
        "an uninterrupted run saves every event"
    );

    let mut rng = Rng::seeded(SEED);
    // Where the first save ends: calibrated, then steered by what the kills find, since
    // the machine's load changes while the test runs.
    let mut aim = first_save;
    let mut old: Option<(Vec<u8>, Record)> = None;
    let mut mid_save = 0;
    let mut unchanged = 0;
    let mut by_events = vec![0usize; saves.len() + 1];
    let started = Instant::now();
    for kill in 0..KILLS {
        let old_record = old.as_ref().map_or_else(Record::new, |(_, r)| r.clone());
        let delay = if rng.next_f64() < 0.1 {
            aim.mul_f64(rng.next_f64())
        } else {
            (aim + per_save.mul_f64(rng.uniform(0.0, 4.0))).saturating_sub(per_save)
        };
        let mut child = learn_command(home.path()).spawn().expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        // The answers fit in the pipe; the process may be gone already (broken pipe).
        let _ = stdin.write_all(input.as_bytes());
        drop(stdin);
        std::thread::sleep(delay);
        // SIGKILL on Unix; an error means it had ended by itself.
        let _ = child.kill();
        child.wait().expect("wait");

        let names: Vec<String> = fs::read_dir(home.path())
            .expect("read the data folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n.contains(".corrupt-")),
            "kill {kill}: a file was quarantined: {names:?}"
        );
        let temps = temp_files(home.path());
        let own_temp = format!(".progress.json.{}.tmp", child.id());
        if names.contains(&own_temp) {
            mid_save += 1;
        }
        let Ok(bytes) = fs::read(Store::in_dir(home.path()).path()) else {
            assert!(old.is_none(), "kill {kill}: the progress file vanished");
            by_events[0] += 1;
            unchanged += 1;
            continue;
        };
        let record = assert_complete(home.path(), &bytes, scratch.path());
        let now = view(&record);
        let Some((least, k)) = events_saved(&old_record, &saves, &now) else {
            panic!(
                "kill {kill}: the file is neither the old record nor it plus a prefix of the \
                 run's events: {now:?}"
            );
        };
        // The first event (the current block) may change nothing: `k` is the most the
        // file can hold, `least` the fewest events it proves saved.
        if k == 0
            && let Some((old_bytes, _)) = &old
        {
            assert!(
                *old_bytes == bytes,
                "kill {kill}: nothing saved, yet the file changed"
            );
        }
        if least > 0 {
            // A save finished, and each sweeps the temp files of killed runs: at most the
            // run's own remains (and those of ids another process took since).
            let stray: Vec<_> = temps.iter().filter(|t| !owner_runs(t)).collect();
            assert!(
                stray.len() <= 1,
                "kill {kill}: stray temp files pile up: {stray:?}"
            );
        }
        if least == 0 && k <= 1 {
            aim += per_save / 4;
        } else if least >= 3 {
            aim = aim.saturating_sub(per_save / 4);
        }
        if old
            .as_ref()
            .is_some_and(|(old_bytes, _)| *old_bytes == bytes)
        {
            unchanged += 1;
        }
        by_events[least] += 1;
        old = Some((bytes, record));
    }
    let killing = started.elapsed();

    // After all that a run finishes, saves every event on top and leaves no temp file.
    let old_record = old.as_ref().map_or_else(Record::new, |(_, r)| r.clone());
    run_to_end(home.path(), &input);
    let bytes = fs::read(Store::in_dir(home.path()).path()).expect("saved");
    let record = assert_complete(home.path(), &bytes, scratch.path());
    assert_eq!(
        view(&record),
        *possible_views(&old_record, &saves).last().expect("views")
    );
    assert_eq!(temp_files(home.path()), Vec::<PathBuf>::new());

    let last = by_events.iter().rposition(|n| *n > 0).unwrap_or(0);
    eprintln!(
        "{KILLS} kills in {killing:.1?} (start-up and first save {first_save:.0?} calibrated, \
         {aim:.0?} at the end, then {per_save:.1?} a save); {mid_save} killed mid-save (left a temp file); kills by \
         events the file proves the run saved: {:?} ({unchanged} left the file as it was); final file {} bytes",
        &by_events[..=last],
        bytes.len()
    );
    assert!(mid_save > 0, "no kill landed mid-save");
    assert!(unchanged > 0 && last >= 2, "{by_events:?}");
}

/// Block 1 answered rightly, the first answers of block 2, then 'quit': what a learner
/// types while saving fails, and the events the session saves meanwhile.
fn first_block_then_quit() -> (String, Vec<Save>) {
    let (lines, saves, typed) = walk_typed(module());
    let finished = saves
        .iter()
        .position(|s| matches!(s, Save::BlockCompleted { .. }))
        .expect("block 1 ends");
    // Into block 2 up to its first graded answer.
    let next_answer = (finished + 2..saves.len())
        .find(|&i| matches!(saves[i], Save::Attempt { .. }))
        .expect("block 2 asks");
    let typed_lines = typed[next_answer];
    let mut input = lines[..typed_lines].join("\n");
    input.push_str("\nquit\n");
    (input, saves[..=next_answer].to_vec())
}

/// Lines of `text` joined, so a message wrapped by the plain front end can be searched.
fn flat(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the session shows of itself going on: graded answers, and block 2 reached.
fn assert_session_went_on(stdout: &str, saves: &[Save]) {
    let graded = saves
        .iter()
        .filter(|s| matches!(s, Save::Attempt { .. }))
        .count();
    assert_eq!(stdout.matches("✓ Correct").count(), graded, "{stdout}");
    assert!(stdout.contains("Block 2 of 5"), "{stdout}");
}

/// `learn` with every write to a file failing, as on a full disk: `ulimit -f 0` makes any
/// write that extends a file fail with EFBIG (SIGXFSZ ignored). Nothing can be kept aside
/// either, so the unsaved answers and reflections are printed on stderr.
#[cfg(unix)]
#[test]
fn a_full_disk_is_told_once_the_session_goes_on_and_the_learners_words_are_shown() {
    let (input, saves) = first_block_then_quit();
    let home = tempfile::tempdir().expect("tempdir");
    let tmp = tempfile::tempdir().expect("tempdir");
    let output = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_patterns"))
        .args(["learn", "circuit-breaker", "--block", "1", "--plain"])
        .env("PATTERNS_HOME", home.path())
        .env("TMPDIR", tmp.path())
        .run_with_input(&input);
    // Something written was not saved to the progress file: exit 1 (issue 11 item 10).
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = flat(&output.stdout);
    let stderr = flat(&output.stderr);
    let file = Store::in_dir(home.path()).path().display().to_string();
    let told = format!("failed to save progress to '{file}': cannot write the temporary file");
    assert_eq!(stdout.matches(&told).count(), 1, "told once: {stdout}");
    assert!(stdout.contains("File too large"), "{stdout}");
    assert!(stdout.contains("The session goes on"), "{stdout}");
    assert_session_went_on(&stdout, &saves);

    // Every event is accounted for, and what the learner wrote is there to copy.
    let head = format!(
        "warning: {} event(s) of this session could not be saved: failed to save progress to \
         '{file}'",
        saves.len()
    );
    assert!(stderr.contains(&head), "{stderr}");
    assert!(
        stderr.contains("could not be kept aside either"),
        "{stderr}"
    );
    assert!(
        stdout.contains("not all of your answers could be saved"),
        "{stdout}"
    );
    for save in &saves {
        match save {
            Save::Journal { text, .. } => {
                assert!(stderr.contains(&format!("you wrote: {text}")), "{stderr}")
            }
            Save::Attempt {
                exercise, answer, ..
            } => assert!(
                stderr.contains(&format!("answer to '{exercise}' (correct): {answer}")),
                "{stderr}"
            ),
            _ => {}
        }
    }
    // Nothing half-written is left behind.
    assert_eq!(fs::read_dir(home.path()).expect("read").count(), 0);
    assert_eq!(fs::read_dir(tmp.path()).expect("read").count(), 0);
    eprintln!("stdout told: {told} …\nstderr: {stderr}");
}

/// Whether this process runs as root (then permissions are not enforced on it).
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// `learn` in a data folder it may read but not write (its earlier file loads, no save
/// lands): told once, the session goes on, and the unsaved events are kept with the earlier
/// record in a complete progress file under TMPDIR, whose path is shown. As root (CI, this
/// machine) the binary runs as `nobody` through util-linux `setpriv`.
#[cfg(unix)]
#[test]
fn a_read_only_data_folder_is_told_once_and_the_session_is_kept_aside() {
    use std::os::unix::fs::{PermissionsExt, chown};
    let root = running_as_root();
    let nobody = 65534;
    if root
        && !Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    {
        eprintln!("skipped: running as root and util-linux 'setpriv' is not available");
        return;
    }
    let base = tempfile::tempdir().expect("tempdir");
    let home = base.path().join("home");
    let tmp = base.path().join("tmp");
    fs::create_dir(&home).expect("mkdir");
    fs::create_dir(&tmp).expect("mkdir");
    // An earlier session's record.
    let (_, saves) = walk(module());
    let mut earlier = Record::new();
    saves[1].apply(&mut earlier, Timestamp(1_700_000_000));
    let store = Store::in_dir(&home);
    store.save(&earlier).expect("save the earlier record");
    let before = fs::read(store.path()).expect("read");
    if root {
        for path in [&home, &tmp, &store.path().to_owned()] {
            chown(path, Some(nobody), Some(nobody)).expect("chown");
        }
    }
    fs::set_permissions(base.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::set_permissions(&home, fs::Permissions::from_mode(0o555)).expect("chmod");

    let (input, saves) = first_block_then_quit();
    let mut command = if root {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_patterns"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_patterns"))
    };
    let output = command
        .args(["learn", "circuit-breaker", "--block", "1", "--plain"])
        .env("PATTERNS_HOME", &home)
        .env("TMPDIR", &tmp)
        .run_with_input(&input);
    fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).expect("chmod back");
    // Something written was not saved to the progress file: exit 1 (issue 11 item 10).
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = flat(&output.stdout);
    let stderr = flat(&output.stderr);
    let file = store.path().display().to_string();
    let told = format!("failed to save progress to '{file}': cannot write the temporary file");
    assert_eq!(stdout.matches(&told).count(), 1, "told once: {stdout}");
    assert!(stdout.contains("Permission denied"), "{stdout}");
    assert_session_went_on(&stdout, &saves);
    assert!(
        stdout.contains("not all of your answers could be saved"),
        "{stdout}"
    );
    assert_eq!(
        fs::read(store.path()).expect("read"),
        before,
        "the file is untouched"
    );

    // The events are kept aside with the earlier record, in a file that loads.
    let kept: Vec<PathBuf> = fs::read_dir(&tmp)
        .expect("read")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let kept_file = Store::in_dir(&kept[0]);
    let head = format!(
        "warning: {} event(s) of this session could not be saved: failed to save progress to \
         '{file}'",
        saves.len()
    );
    assert!(stderr.contains(&head), "{stderr}");
    let where_kept = format!(
        "They are kept, with your earlier record, in '{}': a complete progress file. To keep \
         them, copy it to '{file}' once that folder is writable",
        kept_file.path().display()
    );
    assert!(stderr.contains(&where_kept), "{stderr}");
    let record = Store::in_dir(&kept[0])
        .load(Timestamp(1))
        .expect("the kept file loads")
        .record;
    assert_eq!(
        view(&record),
        *possible_views(&earlier, &saves).last().expect("views")
    );
    eprintln!("stdout told: {told} …\nstderr: {stderr}");
}

/// The TUI shows a failing save's message once in its status line, then keeps a one-line
/// notice there (why, how much is held) while saves keep failing: the learner cannot miss it.
#[test]
fn the_tui_keeps_a_failing_save_in_view() {
    use patterns::session::record::Recorder;
    use patterns::ui::tui::screens::learn::LearnScreen;
    use patterns::ui::tui::theme::{ColorMode, Theme};
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    use screens::{key, key_with, screen_text};

    let dir = tempfile::tempdir().expect("tempdir");
    let blocked = dir.path().join("blocked");
    fs::write(&blocked, "a file where the data folder should be").expect("write");
    let session = Learn::new(module(), 0, 1);
    let recorder = Recorder::new(Store::in_dir(&blocked));
    let clock = || Timestamp(1_700_000_000);
    let theme = Theme::new(ColorMode::NoColor);
    let mut screen = LearnScreen::new(session, recorder, clock, theme, Vec::new());
    // The overview, then block 1: its first save fails and is told.
    key(&mut screen, KeyCode::Enter);
    let shown = screen_text(&screen, 80, 24);
    assert!(
        shown.contains("Progress not saved (") && shown.contains("1 event(s) kept in memory"),
        "{shown}"
    );
    for _ in 0..100 {
        let stage = screen.session().stage();
        if matches!(stage, Stage::Practice { .. }) && screen.recorder().unsaved().len() > 1 {
            break;
        }
        match stage {
            Stage::Lab { .. } => key(&mut screen, KeyCode::Char('n')),
            _ if screen.session().awaits_answer() => {
                key_with(&mut screen, KeyCode::Char('n'), KeyModifiers::CONTROL);
            }
            _ => key(&mut screen, KeyCode::Enter),
        }
    }
    let shown = screen_text(&screen, 80, 24);
    let held = screen.recorder().unsaved().len();
    assert!(held > 1, "saves kept failing: {held}");
    assert!(
        shown.contains("Progress not saved (")
            && shown.contains(&format!("{held} event(s) kept in memory")),
        "{shown}"
    );
}

/// A data folder that cannot exist (its parent is a regular file): unreadable from the
/// start, yet the session runs, says so once, and its events are kept in a complete
/// progress file under TMPDIR whose path is shown. No privileges needed.
#[test]
fn a_data_folder_under_a_file_keeps_the_session_aside() {
    let base = tempfile::tempdir().expect("tempdir");
    let blocker = base.path().join("a-file");
    fs::write(&blocker, "not a folder").expect("write");
    let tmp = base.path().join("tmp");
    fs::create_dir(&tmp).expect("mkdir");
    let home = blocker.join("patterns");
    let (input, saves) = first_block_then_quit();
    let output = Command::new(env!("CARGO_BIN_EXE_patterns"))
        .args(["learn", "circuit-breaker", "--block", "1", "--plain"])
        .env("PATTERNS_HOME", &home)
        .env("TMPDIR", &tmp)
        .run_with_input(&input);
    // Something written was not saved to the progress file: exit 1 (issue 11 item 10).
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = flat(&output.stdout);
    let stderr = flat(&output.stderr);
    let file = Store::in_dir(&home).path().display().to_string();
    let told = format!("failed to read the progress file '{file}'");
    assert!(
        stderr.starts_with(&format!("warning: {told}")),
        "told at the start: {stderr}"
    );
    assert_eq!(stdout.matches(&told).count(), 1, "told once: {stdout}");
    assert_session_went_on(&stdout, &saves);
    let kept: Vec<PathBuf> = fs::read_dir(&tmp)
        .expect("read")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let kept_file = Store::in_dir(&kept[0]);
    assert!(
        stderr.contains(&format!(
            "They are kept in '{}', a progress file of this session alone (the earlier one \
             could not be read: do not copy this one over it)",
            kept_file.path().display()
        )),
        "{stderr}"
    );
    let record = kept_file.load(Timestamp(1)).expect("loads").record;
    assert_eq!(
        view(&record),
        *possible_views(&Record::new(), &saves)
            .last()
            .expect("views")
    );
}

/// `review` on a full disk: the answer is graded, the stop does not claim it was saved,
/// and the answer is printed on exit.
#[cfg(unix)]
#[test]
fn a_review_on_a_full_disk_does_not_claim_its_answers_are_saved() {
    use patterns::progress::{Attempt, Verdict};
    let home = tempfile::tempdir().expect("tempdir");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut record = Record::new();
    for exercise in ["cb-pool-exhaustion", "cb-retry-amplification"] {
        let attempt = Attempt {
            at: Timestamp(1_700_000_000),
            verdict: Verdict::Wrong,
            hints_used: 0,
            answer: "no idea".into(),
            difficulty: None,
        };
        record.record_attempt("circuit-breaker", exercise, attempt);
    }
    let store = Store::in_dir(home.path());
    store.save(&record).expect("save");
    let before = fs::read(store.path()).expect("read");
    let output = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_patterns"))
        .args(["review", "--plain"])
        .env("PATTERNS_HOME", home.path())
        .env("TMPDIR", tmp.path())
        .run_with_input("2s\nquit\n");
    // Something written was not saved to the progress file: exit 1 (issue 11 item 10).
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = flat(&output.stdout);
    let stderr = flat(&output.stderr);
    assert!(stdout.contains("✓ Correct"), "{stdout}");
    assert!(
        stdout.contains(
            "Stopped at review 2 of 2; not all answers given could be saved (see the warning below)."
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("answer to 'cb-pool-exhaustion' (correct): 2s"),
        "{stderr}"
    );
    assert_eq!(fs::read(store.path()).expect("read"), before);
}
