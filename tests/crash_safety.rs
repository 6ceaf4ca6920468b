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

use patterns::content::{Library, LoadedModule};
use patterns::engine::rng::Rng;
use patterns::progress::{Record, Store, Timestamp};
use patterns::session::learn::{Learn, Stage};
use patterns::session::question::{Effect, Input};
use patterns::session::record::Save;

/// Kills per run of the test, and the seed of their delays.
const KILLS: usize = 300;
const SEED: u64 = 0x5eed_c4a5;

fn module() -> LoadedModule {
    Library::load(&[])
        .library
        .get("circuit-breaker")
        .cloned()
        .expect("bundled module")
}

/// The lines a learner answering everything rightly types from block 1, and the events the
/// session saves meanwhile (the binary saves the same, one `Store::update` each).
/// Parametric practice draws from a clock seed in the binary, so it is answered 'skip'.
fn walk(module: LoadedModule) -> (Vec<String>, Vec<Save>) {
    let mut learn = Learn::new(module, 0, 1);
    let mut lines = Vec::new();
    let mut saves = Vec::new();
    let mut keep = |effects: Vec<Effect>| {
        saves.extend(effects.into_iter().filter_map(|e| match e {
            Effect::Save(save) => Some(save),
            _ => None,
        }));
    };
    for _ in 0..1000 {
        if learn.stage() == Stage::Done {
            return (lines, saves);
        }
        if !learn.awaits_answer() {
            keep(learn.handle(Input::Continue));
            continue;
        }
        let line = match learn.stage() {
            Stage::LabPredict { index, .. } => {
                let step = learn.lab().expect("lab").predictions[index].step as usize;
                let walk = learn.lab_walk().expect("walk");
                walk.run.steps[step - 1].state.to_string()
            }
            Stage::Practice { .. } | Stage::IntegrationExercise { .. } => {
                let question = learn.question().expect("question");
                if question.item.values().is_empty() {
                    question
                        .item
                        .right_answer()
                        .unwrap_or_else(|| "my reflection".to_owned())
                } else {
                    "skip".to_owned()
                }
            }
            _ => "my own words".to_owned(),
        };
        let input = if line == "skip" {
            Input::Skip
        } else {
            Input::Answer(line.clone())
        };
        keep(learn.handle(input));
        lines.push(line);
    }
    panic!("the flow did not end");
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
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
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
    let mut by_events = vec![0usize; saves.len() + 1];
    let started = Instant::now();
    for kill in 0..KILLS {
        let old_record = old.as_ref().map_or_else(Record::new, |(_, r)| r.clone());
        let views = possible_views(&old_record, &saves);
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
            continue;
        };
        let record = assert_complete(home.path(), &bytes, scratch.path());
        let now = view(&record);
        let Some(k) = views.iter().rposition(|v| *v == now) else {
            panic!(
                "kill {kill}: the file is neither the old record nor it plus a prefix of the \
                 run's events: {now:?}"
            );
        };
        // The first event (the current block) may change nothing: `k` is the most the
        // file can hold, `least` the fewest events it proves saved.
        let least = views.iter().position(|v| *v == now).unwrap_or(k);
        if k == 0 {
            if let Some((old_bytes, _)) = &old {
                assert!(
                    *old_bytes == bytes,
                    "kill {kill}: nothing saved, yet the file changed"
                );
            }
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
        by_events[k] += 1;
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
         events the run saved: {:?}; final file {} bytes",
        &by_events[..=last],
        bytes.len()
    );
    assert!(mid_save > 0, "no kill landed mid-save");
    assert!(by_events[0] > 0 && last >= 2, "{by_events:?}");
}
