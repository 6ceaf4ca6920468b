//! Every TUI screen drawn at one terminal size, through ratatui's `TestBackend` and the event
//! loop's own [`render`] (the screen, or "terminal too small") and by the screen itself: the learn session walked
//! through every stage of a bundled module, the exam, review, the module list, the progress
//! bar, the stepper and both simulation charts. Used by the size proptest in
//! tests/fuzz_equivalents.rs; a panic anywhere is the failure.

use std::num::NonZeroUsize;
use std::sync::mpsc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::breaker::BreakerConfig;
use crate::engine::script::Script;
use crate::engine::storm::Strategy;
use crate::engine::storm::contention::{self, ContentionConfig};
use crate::progress::{Attempt, Record, Timestamp, Verdict};
use crate::session::exam::Exam;
use crate::session::lab::{Input, Lab, LabSetup};
use crate::session::learn::{Learn, Stage};
use crate::session::record::Recorder;
use crate::session::review::Review;
use crate::ui::tui::event::{App, Event, render};
use crate::ui::tui::screens::backoff_chart::BackoffChart;
use crate::ui::tui::screens::exam::ExamScreen;
use crate::ui::tui::screens::learn::LearnScreen;
use crate::ui::tui::screens::modules::{ModuleEntry, ModulesScreen};
use crate::ui::tui::screens::progress::{Progress, Report};
use crate::ui::tui::screens::review::ReviewScreen;
use crate::ui::tui::screens::stepper::Stepper;
use crate::ui::tui::screens::storm_chart::{LoadTimeline, StormChart, StormPoint};
use crate::ui::tui::theme::{ColorMode, Theme};

use super::bundled_library;

/// Most steps through one session: more than any bundled module's stages.
const MAX_STEPS: usize = 120;

fn clock() -> Timestamp {
    Timestamp(1_700_000_000)
}

fn theme() -> Theme {
    Theme::new(ColorMode::NoColor)
}

/// Tells `app` the size (as the loop does before the first frame) and draws it.
fn draw<A: App>(app: &mut A, width: u16, height: u16) {
    send(app, Event::Resize { width, height });
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(terminal) => terminal,
        Err(never) => match never {},
    };
    if let Err(never) = terminal.draw(|frame| render(app, frame)) {
        match never {}
    }
    // Below its minimum the loop shows "terminal too small", but the screen must not panic
    // there either (a layout may be asked for before the size is checked).
    if let Err(never) = terminal.draw(|frame| app.render(frame)) {
        match never {}
    }
}

fn send<A: App>(app: &mut A, event: Event) {
    if let Some(msg) = app.message(&event)
        && let Some(effect) = app.update(msg)
    {
        let _ = app.perform(effect);
    }
}

fn key<A: App>(app: &mut A, code: KeyCode, modifiers: KeyModifiers) {
    send(app, Event::Key(KeyEvent::new(code, modifiers)));
}

/// Draws every screen, in each state the walk reaches, at `width` x `height`.
pub fn screens_at_size(width: u16, height: u16) {
    learn(width, height);
    exam(width, height);
    review(width, height);
    modules(width, height);
    progress(width, height);
    stepper(width, height);
    charts(width, height);
}

/// The circuit-breaker module from its overview to the end: each stage drawn, then left
/// (the lab with `n`, an answer with "2" and Enter, anything else with Enter).
fn learn(width: u16, height: u16) {
    let Some(module) = bundled_library().get("circuit-breaker").cloned() else {
        return;
    };
    let session = Learn::new(module, 0, 1);
    let mut screen = LearnScreen::new(session, Recorder::in_memory(), clock, theme(), Vec::new());
    let mut last = None;
    for _ in 0..MAX_STEPS {
        draw(&mut screen, width, height);
        let stage = screen.session().stage();
        if matches!(stage, Stage::Done) && last == Some(stage) {
            break;
        }
        last = Some(stage);
        if matches!(stage, Stage::Lab { .. }) {
            key(&mut screen, KeyCode::Char('n'), KeyModifiers::NONE);
        } else if screen.session().awaits_answer() {
            key(&mut screen, KeyCode::Char('2'), KeyModifiers::NONE);
            draw(&mut screen, width, height);
            key(&mut screen, KeyCode::Enter, KeyModifiers::NONE);
            draw(&mut screen, width, height);
            key(&mut screen, KeyCode::Char('n'), KeyModifiers::CONTROL);
        } else {
            key(&mut screen, KeyCode::Enter, KeyModifiers::NONE);
        }
    }
}

/// The exam: each question drawn, answered "a" (or anything it takes), then the results.
fn exam(width: u16, height: u16) {
    let Some(module) = bundled_library().get("circuit-breaker") else {
        return;
    };
    let Ok(exam) = Exam::new(module, 7) else {
        return;
    };
    let mut screen = ExamScreen::new(exam, Recorder::in_memory(), clock, theme());
    for _ in 0..MAX_STEPS {
        draw(&mut screen, width, height);
        if screen.session().is_finished() {
            break;
        }
        key(&mut screen, KeyCode::Char('a'), KeyModifiers::NONE);
        key(&mut screen, KeyCode::Enter, KeyModifiers::NONE);
    }
    draw(&mut screen, width, height);
}

/// One due item: the question, its feedback, the end.
fn review(width: u16, height: u16) {
    let mut record = Record::new();
    record.record_attempt(
        "circuit-breaker",
        "cb-slow-versus-down",
        Attempt {
            at: Timestamp(1_000_000),
            verdict: Verdict::Wrong,
            hints_used: 0,
            answer: "a".into(),
            difficulty: None,
        },
    );
    let session = Review::new(&record.due(clock()), bundled_library(), 1);
    let mut screen = ReviewScreen::new(session, Recorder::in_memory(), clock, theme());
    for _ in 0..4 {
        draw(&mut screen, width, height);
        key(&mut screen, KeyCode::Char('b'), KeyModifiers::NONE);
        key(&mut screen, KeyCode::Enter, KeyModifiers::NONE);
    }
}

fn modules(width: u16, height: u16) {
    let entries = bundled_library()
        .modules()
        .iter()
        .map(|m| ModuleEntry {
            id: m.module.id.clone(),
            title: m.module.title.clone(),
            difficulty: "intermediate".into(),
            minutes: 55,
            progress: "1/2 blocks, exam 87% passed".into(),
        })
        .collect();
    let mut screen = ModulesScreen::new(entries, theme());
    draw(&mut screen, width, height);
    key(&mut screen, KeyCode::Down, KeyModifiers::NONE);
    draw(&mut screen, width, height);
}

fn progress(width: u16, height: u16) {
    let (reports, received) = mpsc::channel();
    let mut screen = Progress::new(
        "sim storm · contention · 5 configurations",
        5,
        received,
        theme(),
    );
    draw(&mut screen, width, height);
    let _ = reports.send(Report::<()>::Step);
    send(&mut screen, Event::Tick);
    draw(&mut screen, width, height);
}

/// The lab after a script's steps: OPEN with transitions to show.
fn stepper(width: u16, height: u16) {
    let config = BreakerConfig {
        failure_threshold: Some(5),
        ..BreakerConfig::default()
    };
    let Ok(script) = Script::parse("4F 1S 5F +31s 2S 1F") else {
        return;
    };
    let Ok(mut lab) = Lab::new(LabSetup::new("seed", config).script(script)) else {
        return;
    };
    for _ in 0..8 {
        lab.handle(Input::NextScripted);
    }
    let mut screen = Stepper::new(lab, "patterns sim breaker · seed preset", theme());
    draw(&mut screen, width, height);
}

/// `sim backoff` with samples, `sim storm`'s bars and its load view.
fn charts(width: u16, height: u16) {
    let config = BackoffConfig {
        jitter: Jitter::Full,
        ..BackoffConfig::default()
    };
    let mut backoff = BackoffChart::new(&config, 8, 7, Some(50), theme());
    draw(&mut backoff, width, height);

    let configs: Vec<ContentionConfig> = Strategy::COMPARISON
        .iter()
        .map(|&s| ContentionConfig::published(20, s))
        .collect();
    let points = contention::simulate_many(&configs, 1, 1, NonZeroUsize::MIN)
        .iter()
        .map(StormPoint::from)
        .collect();
    let resolution = std::time::Duration::from_millis(1);
    let load = configs
        .iter()
        .map(|c| {
            (
                c.strategy,
                contention::simulate_with_load(c, 1, resolution).1,
            )
        })
        .collect();
    let mut storm = StormChart::new("sim storm · contention", "completion", points, theme())
        .with_load(LoadTimeline::new(resolution, load));
    draw(&mut storm, width, height);
    key(&mut storm, KeyCode::Char('l'), KeyModifiers::NONE);
    draw(&mut storm, width, height);
}
