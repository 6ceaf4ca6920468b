//! Hostile modules through the binary (issue 7, DESIGN.md §8): content that tries to drive
//! the terminal, to read files outside its folder, or to exhaust memory, time or the stack.
//! Each case is refused with a message that says where, what and how to fix (snapshotted), or
//! neutralised; no output (stdout, stderr, a TUI buffer) ever carries a raw control character.
//!
//! Choices: an escape sequence is removed with its payload at load (an OSC title "pwned"
//! never shows, the text around it, e.g. "Title-ok", does); rendering strips again (defence in
//! depth, tested by injecting raw escapes into a loaded module). Raw control bytes in YAML are
//! refused (YAML forbids them); in Markdown they are stripped. Module folders that are
//! symlinks inside a content root are refused; a folder the user names is followed.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin_cmd;
use patterns::content::{Library, LoadedModule};
use patterns::progress::{Attempt, Record, Store, Timestamp, Verdict};
use patterns::session::exam::Exam;
use patterns::session::learn::{Learn, Stage};
use patterns::session::record::Recorder;
use patterns::ui::tui::event::{App, Event};
use patterns::ui::tui::screens::exam::ExamScreen;
use patterns::ui::tui::screens::learn::LearnScreen;
use patterns::ui::tui::screens::modules::{ModuleEntry, ModulesScreen};
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

#[path = "support/screens.rs"]
mod screens;
use screens::{key, send};

// ---------------------------------------------------------------------------------------
// Helpers

/// What one run of the binary printed.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `patterns ARGS` in `dir` with `stdin`, a private data folder and no colour; asserts
/// nothing raw reached either stream.
fn run_in(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let output: Output = cargo_bin_cmd!("patterns")
        .current_dir(dir)
        .env("PATTERNS_HOME", dir.join(".home"))
        .env("NO_COLOR", "1")
        .env_remove("PATTERNS_MODULES")
        .args(args)
        .write_stdin(stdin.to_owned())
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs");
    let what = args.join(" ");
    assert_clean(&format!("stdout of '{what}'"), &output.stdout);
    assert_clean(&format!("stderr of '{what}'"), &output.stderr);
    Run {
        // A signal (a stack overflow aborts) has no code: -1 fails every assertion below.
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// Fails if `bytes` hold a control character other than `\n` and `\t` (C0, DEL, C1 in any
/// encoding), a bidi override or isolate, or the payload of an escape sequence ("pwned").
fn assert_clean(what: &str, bytes: &[u8]) {
    if let Some(i) = bytes
        .iter()
        .position(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
    {
        panic!(
            "{what}: control byte {:#04x} at {i}:\n{}",
            bytes[i],
            String::from_utf8_lossy(bytes)
        );
    }
    let text = String::from_utf8_lossy(bytes);
    assert_clean_text(what, &text);
}

fn assert_clean_text(what: &str, text: &str) {
    let bad = text.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert!(bad.is_none(), "{what}: {bad:?} in:\n{text}");
    assert!(
        !text.contains("pwned"),
        "{what}: an escape's payload shows:\n{text}"
    );
}

/// The output as a snapshot shows it, with the temporary folder's path redacted.
fn shown(run: &Run, root: &Path) -> String {
    let text = format!(
        "exit code: {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    );
    text.replace(&root.display().to_string(), "[ROOT]")
}

fn fixture(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/valid")
        .join(path);
    std::fs::read_to_string(full).expect("fixture")
}

/// A content root holding the valid fixture module `m` (every exercise kind, a lab, an
/// integration challenge and an exam).
fn valid_root() -> TempDir {
    let root = tempfile::tempdir().expect("tempdir");
    for file in [
        "modules/m/module.yaml",
        "modules/m/basics.md",
        "modules/m/checkout.md",
        "exercises/m.yaml",
    ] {
        write(root.path(), file, fixture(file).as_bytes());
    }
    root
}

fn write(root: &Path, file: &str, bytes: &[u8]) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// Replaces `from` (which must be there) with `to` in `file` under `root`.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no '{from}'");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// `check .` and `learn m` on a broken root: both refuse with exit 1 / 2, name `file`, print
/// nothing of `secret`; returns both outputs for a snapshot.
fn refused(root: &Path, file: &str, secret: Option<&str>) -> String {
    let check = run_in(root, &["check", "."], "");
    assert_eq!(check.code, 1, "check:\n{}", shown(&check, root));
    assert!(
        check.stdout.contains(file),
        "check names '{file}':\n{}",
        check.stdout
    );
    let learn = run_in(
        root,
        &["learn", "m", "--plain", "--modules-dir", "."],
        "x\n",
    );
    assert_eq!(learn.code, 2, "learn:\n{}", shown(&learn, root));
    assert!(
        learn.stderr.contains(file) && learn.stderr.contains("skipped"),
        "learn names '{file}':\n{}",
        learn.stderr
    );
    if let Some(secret) = secret {
        for run in [&check, &learn] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "the outside file shows:\n{}",
                shown(run, root)
            );
        }
    }
    format!(
        "$ patterns check .\n{}\n\n$ patterns learn m --plain --modules-dir .\n{}",
        shown(&check, root),
        shown(&learn, root)
    )
}

// ---------------------------------------------------------------------------------------
// Terminal escapes in every text field

/// OSC 52 (clipboard), clear screen + home, a cursor move, two title changes (BEL and ST
/// terminated), a C1 CSI, a C1 OSC and bidi controls, written as YAML escapes in all three
/// spellings (`\e`, `\x1b`, `\u001b`).
const YAML_PAYLOAD: &str = r"\e]52;c;cHduZWQ=\a\x1b[2J\u001b[H\e[10;10H\e]0;pwned\a\e]2;pwned\e\\\u009b31m\u009d0;pwned\u009c\u202e\u2066";

/// The same, as raw characters (for Markdown, which is not YAML).
const RAW_PAYLOAD: &str = "\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\u{1b}[H\u{1b}[10;10H\u{1b}]0;pwned\u{7}\u{1b}]2;pwned\u{1b}\\\u{9b}31m\u{9d}0;pwned\u{9c}\u{202e}\u{2066}";

/// Module `m` with `{E}` where the payload goes: in every text field, each followed by a
/// visible marker that must survive.
const MODULE: &str = r#"# yaml-language-server: $schema=../../schema.json
id: m
title: "Title{E}-ok"
summary: "Summary{E}-ok"
difficulty: beginner
version: 1
outcomes:
  - "Outcome{E}-ok"
blocks:
  - id: basics
    title: "Block{E}-ok"
    minutes: 20
    priming:
      question: "Priming{E}-ok"
      answer: "Primed{E}-ok"
    concept: basics.md
    bridge: "Bridge{E}-ok"
    lab:
      intro: "Lab{E}-ok"
      breaker: {preset: seed, failure_threshold: 3}
      script: 3F 1S
      predictions:
        - step: 1
          prompt: "Predict{E}-ok"
    practice: [pick, trace, wait, state-name, schedule, tune-threshold, journal, many, tune-outage]
    consolidation:
      - "Consolidate{E}-ok"
integration:
  title: "Integration{E}-ok"
  minutes: 15
  brief: checkout.md
  prompts: ["Prompt{E}-ok"]
  exercises: [tune-threshold]
exam:
  pass_mark: 80
  pools:
    - name: "Pool{E}-ok"
      items: [pick, trace, wait, state-name]
      draw: 4
  generators:
    - exercise: variant
      count: 1
"#;

const BANK: &str = r#"# yaml-language-server: $schema=../schema.json
module: m
exercises:
  - id: pick
    prompt: "Choice{E}-ok"
    choice:
      options: ["First{E}-ok", "Second{E}-ok"]
      answer: [b]
    hints: ["ChoiceHint{E}-ok"]
    explanation: "ChoiceWhy{E}-ok"
  - id: trace
    prompt: "Trace{E}-ok"
    state_trace:
      breaker: {preset: seed, failure_threshold: 3}
      script: 3F 1S
      expect: [OPEN, OPEN]
    hints: ["TraceHint{E}-ok"]
    explanation: "TraceWhy{E}-ok"
  - id: wait
    prompt: "Numeric{E}-ok"
    numeric:
      answer: 27
      unit: "calls{E}"
    hints: ["NumericHint{E}-ok"]
    explanation: "NumericWhy{E}-ok"
  - id: state-name
    prompt: "Text{E}-ok"
    text:
      accepted: ["OPEN{E}"]
    hints: ["TextHint{E}-ok"]
    explanation: "TextWhy{E}-ok"
  - id: variant
    params:
      failure_threshold: {min: 2, max: 4}
    prompt: "Param{E}-ok {failure_threshold}"
    state_trace:
      breaker: {preset: seed}
      script: "2F +1s 1F"
    hints: ["ParamHint{E}-ok"]
    explanation: "ParamWhy{E}-ok"
  - id: schedule
    prompt: "Schedule{E}-ok"
    backoff_schedule:
      backoff: {base: 1s, multiplier: 2, cap: 5s, jitter: full}
      attempts: 4
      expect: [1s, 2s, 4s, 5s]
    hints: ["ScheduleHint{E}-ok"]
    explanation: "ScheduleWhy{E}-ok"
  - id: tune-threshold
    prompt: "Tune{E}-ok"
    tune:
      breaker: {preset: seed}
      script: 20S 30F
      parameters:
        failure_threshold: {min: 1, max: 30}
      goals:
        - {metric: failed, at_most: 10}
      example: {failure_threshold: 5}
    hints: ["TuneHint{E}-ok"]
    explanation: "TuneWhy{E}-ok"
  - id: journal
    prompt: "Reflect{E}-ok"
    reflection:
      guidance: "Guide{E}-ok"
  - id: many
    prompt: "Many{E}-ok"
    choice:
      options: ["A{E}-ok", "B{E}-ok", "C{E}-ok", "D{E}-ok"]
      answer: [a, b, c]
      multiple: true
    hints: ["ManyHint{E}-ok"]
    explanation: "ManyWhy{E}-ok"
  - id: tune-outage
    prompt: "Outage{E}-ok"
    tune:
      outage: {clients: 100, outage: 30s, capacity: 150}
      backoff: {base: 1s, cap: 60s}
      parameters:
        jitter: {one_of: [none, full, equal]}
        max_attempts: {min: 1, max: 8}
      goals:
        - {metric: amplification, at_most: 2.1}
      example: {jitter: full, max_attempts: 5}
    hints: ["OutageHint{E}-ok"]
    explanation: "OutageWhy{E}-ok"
"#;

/// A content root with module `m` carrying the payload in every text field and both
/// Markdown files.
fn escapes_root() -> TempDir {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path();
    write(
        dir,
        "modules/m/module.yaml",
        MODULE.replace("{E}", YAML_PAYLOAD).as_bytes(),
    );
    write(
        dir,
        "exercises/m.yaml",
        BANK.replace("{E}", YAML_PAYLOAD).as_bytes(),
    );
    let concept = format!(
        "# Heading{RAW_PAYLOAD}-ok\n\nConcept{RAW_PAYLOAD}-ok, **bold{RAW_PAYLOAD}-ok**, `code{RAW_PAYLOAD}-ok`.\n\n```\nblock{RAW_PAYLOAD}-ok\n```\n\n- item{RAW_PAYLOAD}-ok\n\n[link{RAW_PAYLOAD}-ok](http://e.example/{RAW_PAYLOAD})\n"
    );
    write(dir, "modules/m/basics.md", concept.as_bytes());
    write(
        dir,
        "modules/m/checkout.md",
        format!("# Brief{RAW_PAYLOAD}-ok\n\nBriefText{RAW_PAYLOAD}-ok\n").as_bytes(),
    );
    root
}

/// Every marker of the module's own fields (the exercises' are checked where shown).
const MODULE_MARKERS: &[&str] = &[
    "Title-ok",
    "Summary-ok",
    "Outcome-ok",
    "Block-ok",
    "Priming-ok",
    "Primed-ok",
    "Bridge-ok",
    "Lab-ok",
    "Predict-ok",
    "Consolidate-ok",
    "Integration-ok",
    "Prompt-ok",
    "Heading-ok",
    "Concept-ok",
    "bold-ok",
    "code-ok",
    "block-ok",
    "item-ok",
    "link-ok",
    "Brief-ok",
    "BriefText-ok",
];

fn assert_shows(what: &str, text: &str, markers: &[&str]) {
    let missing: Vec<&&str> = markers.iter().filter(|m| !text.contains(**m)).collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}:\n{text}");
}

#[test]
fn escapes_in_every_field_pass_check_stripped() {
    let root = escapes_root();
    let check = run_in(root.path(), &["check", "."], "");
    assert_eq!(check.code, 0, "{}", shown(&check, root.path()));
    assert_eq!(
        check.stdout,
        "check ok: 1 module, 1 exercise bank: 0 errors, 0 warnings\n"
    );
}

#[test]
fn escapes_never_reach_list_or_its_json() {
    let root = escapes_root();
    let list = run_in(root.path(), &["list", "--modules-dir", "."], "");
    assert_eq!(list.code, 0, "{}", shown(&list, root.path()));
    assert!(list.stdout.contains("\nm  "), "{}", list.stdout);
    assert_shows("list", &list.stdout, &["Title-ok"]);

    let json = run_in(root.path(), &["list", "--json", "--modules-dir", "."], "");
    assert_eq!(json.code, 0, "{}", shown(&json, root.path()));
    // Nothing to JSON-escape is left: the title arrives stripped, not as "\u001b".
    assert!(!json.stdout.contains("\\u00"), "{}", json.stdout);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let module = value["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .find(|m| m["id"] == "m")
        .expect("module m listed");
    assert_eq!(module["title"], "Title-ok");
}

/// Plain `learn`: priming guess, a prediction, then per exercise a hint and a wrong answer
/// (so the hint and the explanation show), the reflection, consolidation and integration.
const LEARN_INPUT: &str = "my guess\nCLOSED\n\
    hint\na\n\
    hint\nCLOSED, CLOSED\n\
    hint\n1\n\
    hint\nzzz\n\
    hint\n2s, 2s, 2s, 2s\n\
    hint\nfailure_threshold=30\n\
    my reflection\n\
    hint\nd\n\
    hint\njitter=none max_attempts=8\n\
    skip\nskip\nskip\n\
    consolidated\nmy plan\n\
    hint\nfailure_threshold=30\nskip\nskip\nskip\n";

#[test]
fn escapes_never_reach_plain_learn() {
    let root = escapes_root();
    let learn = run_in(
        root.path(),
        &["learn", "m", "--plain", "--modules-dir", "."],
        LEARN_INPUT,
    );
    assert_eq!(learn.code, 0, "{}", shown(&learn, root.path()));
    assert_shows("learn", &learn.stdout, MODULE_MARKERS);
    assert_shows(
        "learn",
        &learn.stdout,
        &[
            "Choice-ok",
            "First-ok",
            "Second-ok",
            "ChoiceHint-ok",
            "ChoiceWhy-ok",
            "Trace-ok",
            "TraceHint-ok",
            "TraceWhy-ok",
            "Numeric-ok",
            "(calls)",
            "NumericHint-ok",
            "NumericWhy-ok",
            "Text-ok",
            "TextHint-ok",
            "TextWhy-ok",
            "Schedule-ok",
            "ScheduleHint-ok",
            "ScheduleWhy-ok",
            "Tune-ok",
            "TuneHint-ok",
            "TuneWhy-ok",
            "Reflect-ok",
            "Guide-ok",
            "Many-ok",
            "D-ok",
            "ManyHint-ok",
            "ManyWhy-ok",
            "Outage-ok",
            "OutageHint-ok",
            "OutageWhy-ok",
        ],
    );
}

#[test]
fn escapes_never_reach_plain_exam() {
    let root = escapes_root();
    let exam = run_in(
        root.path(),
        &["exam", "m", "--plain", "--seed", "3", "--modules-dir", "."],
        &"skip\n".repeat(5),
    );
    assert_eq!(exam.code, 1, "{}", shown(&exam, root.path()));
    assert_shows(
        "exam",
        &exam.stdout,
        &["Title-ok", "Choice-ok", "ChoiceWhy-ok"],
    );
    assert_shows(
        "exam",
        &exam.stdout,
        &["Param-ok", "ParamWhy-ok", "TextWhy-ok"],
    );
}

#[test]
fn escapes_never_reach_plain_review() {
    let root = escapes_root();
    let mut record = Record::new();
    for exercise in ["pick", "wait", "state-name"] {
        record.record_attempt(
            "m",
            exercise,
            Attempt {
                at: Timestamp(1_000_000),
                verdict: Verdict::Wrong,
                hints_used: 0,
                answer: "x".into(),
                difficulty: None,
            },
        );
    }
    Store::in_dir(root.path().join(".home"))
        .save(&record)
        .expect("saved");
    let review = run_in(
        root.path(),
        &["review", "--plain", "--modules-dir", "."],
        "hint\na\nhint\n1\nhint\nzzz\n",
    );
    assert_eq!(review.code, 0, "{}", shown(&review, root.path()));
    assert_shows(
        "review",
        &review.stdout,
        &[
            "Choice-ok",
            "ChoiceHint-ok",
            "ChoiceWhy-ok",
            "Numeric-ok",
            "NumericHint-ok",
            "Text-ok",
            "TextWhy-ok",
        ],
    );
}

#[test]
fn raw_control_bytes_in_yaml_are_refused_with_their_position() {
    let cases: &[(&str, &str)] = &[
        ("esc_in_quotes", "title: \"A \u{1b}]0;pwned\u{7} title\""),
        ("esc_in_plain_text", "title: A \u{1b}[2J title"),
        ("c1_csi", "title: A \u{9b}31m title"),
        ("bel_in_comment", "title: A title # \u{7}"),
    ];
    let mut shown_all = String::new();
    for (name, line) in cases {
        let root = valid_root();
        edit(
            root.path(),
            "modules/m/module.yaml",
            "title: A small module",
            line,
        );
        let check = run_in(root.path(), &["check", "."], "");
        assert_eq!(check.code, 1, "{name}: {}", shown(&check, root.path()));
        assert!(
            check.stdout.contains("modules/m/module.yaml:3:")
                && check.stdout.contains("control character U+00"),
            "{name}: {}",
            check.stdout
        );
        shown_all.push_str(&format!("== {name}\n{}\n", shown(&check, root.path())));
    }
    insta::assert_snapshot!("raw_control_bytes_in_yaml", shown_all);
}

#[test]
fn an_escape_in_an_id_is_refused() {
    let root = valid_root();
    edit(
        root.path(),
        "exercises/m.yaml",
        "- id: pick",
        r#"- id: "pick\e[2Jx""#,
    );
    let check = run_in(root.path(), &["check", "."], "");
    assert_eq!(check.code, 1);
    insta::assert_snapshot!(shown(&check, root.path()));
}

// ---------------------------------------------------------------------------------------
// The TUI, through ratatui's TestBackend

fn theme() -> Theme {
    Theme::new(ColorMode::NoColor)
}

fn clock() -> Timestamp {
    Timestamp(1_700_000_000)
}

/// Every cell of the screen, rows joined by newlines.
fn screen_text<A: App>(app: &A) -> String {
    screens::screen_text(app, 100, 40)
}

/// Walks the learn screen from the overview to the end (hint and a skip on each exercise),
/// checking every screen on the way; returns all screens' text.
fn walk_learn_screens(module: LoadedModule) -> String {
    let mut screen = LearnScreen::new(
        Learn::new(module, 0, 1),
        Recorder::in_memory(),
        clock,
        theme(),
        Vec::new(),
    );
    send(
        &mut screen,
        Event::Resize {
            width: 100,
            height: 40,
        },
    );
    let mut all = String::new();
    for step in 0..200 {
        let text = screen_text(&screen);
        assert_clean_text(&format!("learn screen {step}"), &text);
        all.push_str(&text);
        let stage = screen.session().stage();
        match stage {
            Stage::Done => return all,
            Stage::Lab { .. } => key(&mut screen, KeyCode::Char('n')),
            Stage::Practice { .. } | Stage::IntegrationExercise { .. } => {
                // A hint, then move on (Ctrl-N skips an open question).
                key(&mut screen, KeyCode::Tab);
                let text = screen_text(&screen);
                assert_clean_text(&format!("learn screen {step} with a hint"), &text);
                all.push_str(&text);
                send(
                    &mut screen,
                    Event::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
                );
            }
            _ if screen.session().awaits_answer() => send(
                &mut screen,
                Event::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            ),
            _ => key(&mut screen, KeyCode::Enter),
        }
    }
    panic!("the learn screens did not reach the end");
}

fn loaded(root: &Path) -> LoadedModule {
    let loaded = Library::load(&[root.to_path_buf()]);
    assert!(
        loaded.diagnostics.is_empty(),
        "diagnostics: {:?}",
        loaded.diagnostics
    );
    loaded.library.get("m").cloned().expect("module m loads")
}

#[test]
fn escapes_never_reach_the_tui_screens() {
    let root = escapes_root();
    let module = loaded(root.path());
    let list = ModulesScreen::new(
        vec![ModuleEntry {
            id: module.id().to_owned(),
            title: module.module.title.clone(),
            difficulty: "beginner".into(),
            minutes: module.minutes(),
            progress: "-".into(),
        }],
        theme(),
    );
    let text = screen_text(&list);
    assert_clean_text("module list", &text);
    assert_shows("module list", &text, &["Title-ok"]);

    let all = walk_learn_screens(module.clone());
    assert_shows(
        "learn screens",
        &all,
        &[
            "Title-ok",
            "Summary-ok",
            "Priming-ok",
            "Heading-ok",
            "Concept-ok",
            "Lab-ok",
            "Choice-ok",
            "First-ok",
            "ChoiceHint-ok",
        ],
    );

    let exam = ExamScreen::new(
        Exam::new(&module, 3).expect("draws"),
        Recorder::in_memory(),
        clock,
        theme(),
    );
    assert_clean_text("exam screen", &screen_text(&exam));
}

/// Defence in depth: raw escapes put into a loaded module (as if the loader had missed
/// them) are stripped again when drawn.
#[test]
fn raw_escapes_that_skip_the_loader_are_stripped_when_drawn() {
    let root = valid_root();
    let mut module = loaded(root.path());
    let dirty = |text: &mut String| text.push_str(&format!("{RAW_PAYLOAD}-raw"));
    dirty(&mut module.module.title);
    dirty(&mut module.module.summary);
    module.module.outcomes.iter_mut().for_each(dirty);
    for block in &mut module.module.blocks {
        dirty(&mut block.title);
        dirty(&mut block.priming.question);
        dirty(&mut block.priming.answer);
        dirty(&mut block.bridge);
        if let Some(lab) = &mut block.lab {
            dirty(&mut lab.intro);
            lab.predictions
                .iter_mut()
                .for_each(|p| dirty(&mut p.prompt));
        }
        block.consolidation.iter_mut().for_each(dirty);
    }
    module.docs.values_mut().for_each(dirty);
    for exercise in &mut module.bank.exercises {
        dirty(&mut exercise.prompt);
        exercise.hints.iter_mut().for_each(dirty);
        if let Some(explanation) = &mut exercise.explanation {
            dirty(explanation);
        }
        if let Some(choice) = &mut exercise.choice {
            choice.options.iter_mut().for_each(dirty);
        }
    }
    let all = walk_learn_screens(module.clone());
    assert_shows("learn screens", &all, &["module-raw", "checker.-raw"]);
    let exam = ExamScreen::new(
        Exam::new(&module, 3).expect("draws"),
        Recorder::in_memory(),
        clock,
        theme(),
    );
    assert_clean_text("exam screen", &screen_text(&exam));
}

// ---------------------------------------------------------------------------------------
// Paths outside the module's folder

const SECRET: &str = "TOP-SECRET-LINE";

/// A root beside an outside folder holding `secret.md` (and `module.yaml`, `m.yaml`) with
/// [`SECRET`] in them.
fn root_with_outside() -> (TempDir, PathBuf) {
    let root = valid_root();
    let outside = root.path().join("outside");
    write(
        root.path(),
        "outside/secret.md",
        format!("# {SECRET}\n").as_bytes(),
    );
    // Not YAML: a loader that read it would quote this line in its syntax error.
    write(
        root.path(),
        "outside/module.yaml",
        format!("{SECRET}: [\n").as_bytes(),
    );
    write(
        root.path(),
        "outside/m.yaml",
        format!("{SECRET}: [\n").as_bytes(),
    );
    (root, outside)
}

#[test]
fn markdown_paths_outside_the_folder_are_refused() {
    let cases: &[(&str, &str)] = &[
        ("parent_dir", "../../outside/secret.md"),
        ("etc_passwd", "../../etc/passwd"),
        ("absolute", "/etc/passwd"),
        ("windows_parent", r"..\\..\\outside\\secret.md"),
    ];
    for (name, path) in cases {
        let (root, _) = root_with_outside();
        edit(
            root.path(),
            "modules/m/module.yaml",
            "concept: basics.md",
            &format!("concept: \"{path}\""),
        );
        let text = refused(root.path(), "modules/m/module.yaml", Some(SECRET));
        assert!(
            text.contains("(the concept of block 'basics')"),
            "{name}: names the field:\n{text}"
        );
        assert!(!text.contains("root:x:0"), "{name}: /etc/passwd shows");
        insta::assert_snapshot!(format!("paths__{name}"), text);
    }
}

#[cfg(unix)]
#[test]
fn a_markdown_symlink_to_the_outside_is_refused() {
    let (root, outside) = root_with_outside();
    let link = root.path().join("modules/m/basics.md");
    std::fs::remove_file(&link).expect("rm");
    std::os::unix::fs::symlink(outside.join("secret.md"), &link).expect("symlink");
    let text = refused(root.path(), "modules/m/module.yaml", Some(SECRET));
    insta::assert_snapshot!("paths__markdown_symlink", text);
}

#[cfg(unix)]
#[test]
fn module_and_bank_symlinks_to_the_outside_are_refused() {
    let (root, outside) = root_with_outside();
    let module = root.path().join("modules/m/module.yaml");
    std::fs::remove_file(&module).expect("rm");
    std::os::unix::fs::symlink(outside.join("module.yaml"), &module).expect("symlink");
    let bank = root.path().join("exercises/m.yaml");
    std::fs::remove_file(&bank).expect("rm");
    std::os::unix::fs::symlink(outside.join("m.yaml"), &bank).expect("symlink");
    let check = run_in(root.path(), &["check", "."], "");
    assert_eq!(check.code, 1);
    assert!(!check.stdout.contains(SECRET), "{}", check.stdout);
    insta::assert_snapshot!(
        "paths__module_and_bank_symlinks",
        shown(&check, root.path())
    );
}

/// A symlinked module folder inside a content root is refused (what a root holds must be
/// inside it); the same folder named directly with `--modules-dir` is followed.
#[cfg(unix)]
#[test]
fn a_symlinked_module_folder_is_refused_in_a_root_and_followed_when_named() {
    let real = valid_root();
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(root.path().join("modules")).expect("mkdir");
    std::os::unix::fs::symlink(real.path().join("modules/m"), root.path().join("modules/m"))
        .expect("symlink");
    write(
        root.path(),
        "exercises/m.yaml",
        fixture("exercises/m.yaml").as_bytes(),
    );
    let check = run_in(root.path(), &["check", "."], "");
    assert_eq!(check.code, 1, "{}", shown(&check, root.path()));
    let learn = run_in(
        root.path(),
        &["learn", "m", "--plain", "--modules-dir", "."],
        "",
    );
    assert_eq!(learn.code, 2, "{}", shown(&learn, root.path()));
    insta::assert_snapshot!(
        "paths__symlinked_module_folder",
        format!(
            "{}\n\n{}",
            shown(&check, root.path()),
            shown(&learn, root.path())
        )
    );
    let named = run_in(root.path(), &["check", "modules/m"], "");
    assert_eq!(named.code, 0, "{}", shown(&named, root.path()));
}

// ---------------------------------------------------------------------------------------
// Size, nesting, alias bombs

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

/// Makes `file` a sparse 100 MB file (valid text start, zeros after).
fn hundred_mb(root: &Path, file: &str) {
    let path = root.join(file);
    std::fs::write(&path, "# a start\n").expect("write");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(HUNDRED_MB))
        .expect("grow");
}

/// `check .` on `root`, timed.
#[expect(
    clippy::disallowed_methods,
    reason = "a test measures the binary's wall time"
)]
fn timed_check(root: &Path) -> (Run, Duration) {
    let start = Instant::now();
    let run = run_in(root, &["check", "."], "");
    (run, start.elapsed())
}

/// Peak resident memory of `patterns check .` in `root`, in KiB, through GNU time; `None`
/// (with a note) where it is not installed.
fn peak_rss_kib(root: &Path) -> Option<u64> {
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(assert_cmd::cargo::cargo_bin!("patterns"))
        .args(["check", "."])
        .current_dir(root)
        .env("PATTERNS_HOME", root.join(".home"))
        .output();
    let kib = output.ok().and_then(|o| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()
            .and_then(|line| line.trim().parse().ok())
    });
    if kib.is_none() {
        eprintln!("peak memory not measured: GNU time (/usr/bin/time -f) is not available");
    }
    kib
}

#[test]
fn hundred_megabyte_files_are_refused_by_size_before_reading() {
    let mut all = String::new();
    for file in [
        "modules/m/module.yaml",
        "modules/m/basics.md",
        "exercises/m.yaml",
    ] {
        let root = valid_root();
        hundred_mb(root.path(), file);
        let (check, took) = timed_check(root.path());
        assert_eq!(check.code, 1, "{file}: {}", shown(&check, root.path()));
        // The exact size comes from the file's metadata: the read is capped at the limit.
        assert!(
            check
                .stdout
                .contains("100.0 MiB (104857600 bytes), over the 1 MiB limit"),
            "{file}: {}",
            check.stdout
        );
        assert!(took < Duration::from_secs(3), "{file}: took {took:?}");
        if let Some(kib) = peak_rss_kib(root.path()) {
            // The process itself (a debug build) takes about 20 MB; reading the file would
            // add 100.
            assert!(kib < 64 * 1024, "{file}: peak RSS {kib} KiB");
        }
        all.push_str(&format!("== {file}\n{}\n", shown(&check, root.path())));
        // `root` is deleted here, with its 100 MB file.
    }
    insta::assert_snapshot!("size__hundred_megabytes", all);
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let cases = [
        ("flow_sequences", format!("blocks: {}", "[".repeat(100_000))),
        (
            "flow_mappings",
            format!("blocks: {}", "{a: ".repeat(100_000)),
        ),
        (
            "block_mappings",
            (0..1_000)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i + 1)))
                .collect::<String>(),
        ),
    ];
    let mut all = String::new();
    for (name, nested) in cases {
        let root = valid_root();
        let text =
            format!("# yaml-language-server: $schema=../../schema.json\nid: m\nextra:\n{nested}\n");
        write(root.path(), "modules/m/module.yaml", text.as_bytes());
        let check = run_in(root.path(), &["check", "."], "");
        assert_eq!(check.code, 1, "{name}: {}", shown(&check, root.path()));
        assert!(
            check.stdout.contains("nests more than 48 levels deep"),
            "{name}: {}",
            check.stdout
        );
        let learn = run_in(
            root.path(),
            &["learn", "m", "--plain", "--modules-dir", "."],
            "",
        );
        assert_eq!(learn.code, 2, "{name}: {}", shown(&learn, root.path()));
        all.push_str(&format!("== {name}\n{}\n", shown(&check, root.path())));
    }
    insta::assert_snapshot!("nesting__deep", all);
}

/// Markdown nesting costs the renderer per line as much as it is deep: past 16 levels of
/// lists and quotes the file is refused at load. Deep emphasis is the parser's business and
/// renders.
#[test]
fn deeply_nested_markdown_is_refused_and_deep_emphasis_renders() {
    let mut all = String::new();
    for (name, nested) in [
        ("quotes", "> ".repeat(50_000)),
        ("lists", "- ".repeat(50_000)),
        (
            "indented_lists",
            (0..100)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
        ),
    ] {
        let root = valid_root();
        write(
            root.path(),
            "modules/m/basics.md",
            format!("# Deep\n\n{nested}deep\n").as_bytes(),
        );
        let text = refused(root.path(), "modules/m/module.yaml", None);
        assert!(
            text.contains("nest more than 16 levels deep"),
            "{name}: {text}"
        );
        all.push_str(&format!("== {name}\n{text}\n"));
    }
    insta::assert_snapshot!("nesting__markdown", all);

    let root = valid_root();
    let emphasis = format!(
        "# Deep\n\n{}emphasis{}\n",
        "*".repeat(20_000),
        "*".repeat(20_000)
    );
    write(root.path(), "modules/m/basics.md", emphasis.as_bytes());
    let learn = run_in(
        root.path(),
        &["learn", "m", "--plain", "--modules-dir", "."],
        "guess\n",
    );
    assert_eq!(learn.code, 0, "{}", shown(&learn, root.path()));
    assert!(learn.stdout.contains("emphasis"), "{}", learn.stdout);
}

#[test]
fn alias_bombs_and_heavy_merge_keys_are_refused_by_the_budget() {
    let laughs = (1..=9)
        .map(|i| {
            let prev = format!("*l{}", i - 1);
            format!("l{i}: &l{i} [{}]\n", vec![prev; 9].join(", "))
        })
        .collect::<String>();
    let merges = (0..3_000)
        .map(|i| format!("k{i}: {{<<: *base, z: {i}}}\n"))
        .collect::<String>();
    let cases = [
        ("billion_laughs", format!("l0: &l0 [lol]\n{laughs}")),
        (
            "merge_keys",
            format!("base: &base {{x: 1, y: 2}}\n{merges}"),
        ),
    ];
    let mut all = String::new();
    for (name, body) in cases {
        let root = valid_root();
        let text = format!("# yaml-language-server: $schema=../schema.json\nmodule: m\n{body}");
        write(root.path(), "exercises/m.yaml", text.as_bytes());
        let (check, took) = timed_check(root.path());
        assert_eq!(check.code, 1, "{name}: {}", shown(&check, root.path()));
        assert!(
            check.stdout.contains("an alias bomb?"),
            "{name}: {}",
            check.stdout
        );
        assert!(took < Duration::from_secs(5), "{name}: took {took:?}");
        all.push_str(&format!("== {name}\n{}\n", shown(&check, root.path())));
    }
    insta::assert_snapshot!("aliases__bombs", all);
}

// ---------------------------------------------------------------------------------------
// Invalid UTF-8, duplicate keys and ids

#[test]
fn invalid_utf8_is_reported_with_file_line_and_byte() {
    let mut all = String::new();
    for (file, after) in [
        ("modules/m/module.yaml", "title: A small"),
        ("exercises/m.yaml", "prompt: When does"),
        ("modules/m/basics.md", "#"),
    ] {
        let root = valid_root();
        let path = root.path().join(file);
        let mut bytes = std::fs::read(&path).expect("read");
        let at = bytes
            .windows(after.len())
            .position(|w| w == after.as_bytes())
            .expect("anchor")
            + after.len();
        bytes.splice(at..at, [b' ', 0xff, 0xfe, b'x']);
        std::fs::write(&path, bytes).expect("write");
        let check = run_in(root.path(), &["check", "."], "");
        assert_eq!(check.code, 1, "{file}: {}", shown(&check, root.path()));
        assert!(
            check.stdout.contains("not valid UTF-8 at byte"),
            "{file}: {}",
            check.stdout
        );
        all.push_str(&format!("== {file}\n{}\n", shown(&check, root.path())));
    }
    insta::assert_snapshot!("utf8__invalid", all);
}

#[test]
fn duplicate_keys_and_ids_name_both_places() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "top_level_key",
            "modules/m/module.yaml",
            "version: 1\n",
            "version: 1\nsummary: again\n",
        ),
        (
            "nested_key",
            "modules/m/module.yaml",
            "      question: What opens a breaker?\n",
            "      question: What opens a breaker?\n      question: Again?\n",
        ),
        (
            "flow_key",
            "exercises/m.yaml",
            "failure_threshold: 3}",
            "failure_threshold: 3, preset: seed}",
        ),
        (
            "exercise_id",
            "exercises/m.yaml",
            "  - id: trace\n",
            "  - id: pick\n",
        ),
        (
            "block_id",
            "modules/m/module.yaml",
            "integration:\n",
            "  - id: basics\n    title: Again\n    minutes: 5\n    priming: {question: q, answer: a}\n    concept: basics.md\n    bridge: b\n    practice: [pick]\n    consolidation: [c]\nintegration:\n",
        ),
    ];
    let mut all = String::new();
    for (name, file, from, to) in cases {
        let root = valid_root();
        edit(root.path(), file, from, to);
        let check = run_in(root.path(), &["check", "."], "");
        assert_eq!(check.code, 1, "{name}: {}", shown(&check, root.path()));
        assert!(
            check.stdout.contains("first appears at line"),
            "{name} names the first place: {}",
            check.stdout
        );
        all.push_str(&format!("== {name}\n{}\n", shown(&check, root.path())));
    }
    insta::assert_snapshot!("duplicates", all);
}

/// File and folder names are content too: they are shown sanitized in paths, and spelled
/// out (`\u{1b}`) where the difference is the point of the message.
#[cfg(unix)]
#[test]
fn escapes_in_file_names_are_shown_spelled_out_or_stripped() {
    let root = valid_root();
    let named = "m\u{1b}]0;retitled\u{7}";
    std::fs::rename(
        root.path().join("modules/m"),
        root.path().join(format!("modules/{named}")),
    )
    .expect("rename");
    std::fs::rename(
        root.path().join("exercises/m.yaml"),
        root.path().join("exercises/x\u{1b}[2J.yaml"),
    )
    .expect("rename");
    let check = run_in(root.path(), &["check", "."], "");
    assert_eq!(check.code, 1, "{}", shown(&check, root.path()));
    assert!(
        check
            .stdout
            .contains(r"folder name 'm\u{1b}]0;retitled\u{7}'"),
        "{}",
        check.stdout
    );
    let list = run_in(root.path(), &["list", "--modules-dir", "."], "");
    assert_eq!(list.code, 0, "{}", shown(&list, root.path()));
    insta::assert_snapshot!(
        "file_names",
        format!(
            "{}\n\n{}",
            shown(&check, root.path()),
            shown(&list, root.path())
        )
    );
}

/// A FIFO would block the first read forever: content files must be regular files, and
/// that is checked before opening.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_content_file_is_refused_without_blocking() {
    let root = valid_root();
    for file in ["modules/m/basics.md", "exercises/m.yaml"] {
        let path = root.path().join(file);
        std::fs::remove_file(&path).expect("rm");
        match std::process::Command::new("mkfifo").arg(&path).status() {
            Ok(status) if status.success() => {}
            _ => {
                eprintln!("skipped: 'mkfifo' is not available");
                return;
            }
        }
    }
    let check = run_in(root.path(), &["check", "."], "");
    assert_eq!(check.code, 1, "{}", shown(&check, root.path()));
    insta::assert_snapshot!("fifo", shown(&check, root.path()));
}
