//! The learning screens through ratatui's TestBackend at 80x24: the module list, the
//! overview, the priming question, the concept, the lab (intro and the embedded stepper),
//! each exercise widget, consolidation, the exam with its progress bar and the results.
//! Screens are driven through their `App` methods, exactly as the event loop does.

use std::collections::HashSet;

use patterns::content::{Library, LoadedModule};
use patterns::progress::Timestamp;
use patterns::session::exam::Exam;
use patterns::session::learn::{Learn, Stage};
use patterns::session::record::Recorder;
use patterns::ui::tui::event::{App, Event};
use patterns::ui::tui::screens::exam::ExamScreen;
use patterns::ui::tui::screens::learn::LearnScreen;
use patterns::ui::tui::screens::modules::{ModuleEntry, ModulesScreen};
use patterns::ui::tui::theme::{ColorMode, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[path = "support/screens.rs"]
mod screens;
use screens::{key, send};

fn module() -> LoadedModule {
    Library::load(&[])
        .library
        .get("circuit-breaker")
        .cloned()
        .expect("bundled module")
}

fn clock() -> Timestamp {
    Timestamp(1_700_000_000)
}

fn theme() -> Theme {
    Theme::new(ColorMode::NoColor)
}

fn screen_text<A: App>(app: &A) -> String {
    screens::screen_text(app, 80, 24)
}

fn typed(app: &mut impl App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn learn_screen(block: usize) -> LearnScreen {
    screen_on(Learn::new(module(), block, 1))
}

/// The learn screen over `session` at 80x24, block 'cascade' done.
fn screen_on(session: Learn) -> LearnScreen {
    let mut screen = LearnScreen::new(
        session,
        Recorder::in_memory(),
        clock,
        theme(),
        vec!["cascade".into()],
    );
    send(
        &mut screen,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    screen
}

/// Continues (Enter) until the session reaches `stage`, answering text stages with "guess".
fn advance_to(screen: &mut LearnScreen, wanted: impl Fn(Stage) -> bool) {
    for _ in 0..100 {
        let stage = screen.session().stage();
        if wanted(stage) {
            return;
        }
        if matches!(stage, Stage::Lab { .. }) {
            key(screen, KeyCode::Char('n'));
        } else if screen.session().awaits_answer() {
            send(
                screen,
                Event::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            );
        } else {
            key(screen, KeyCode::Enter);
        }
    }
    panic!("stage not reached");
}

#[test]
fn module_list() {
    let screen = ModulesScreen::new(
        vec![ModuleEntry {
            id: "circuit-breaker".into(),
            title: "Circuit Breaker: stop cascading failures".into(),
            difficulty: "intermediate".into(),
            minutes: 55,
            progress: "1/2 blocks".into(),
        }],
        theme(),
    );
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn overview() {
    let screen = learn_screen(1);
    insta::assert_snapshot!(screen_text(&screen));
}

/// A learner back in block 2 after answering its first three practice items: the overview
/// says where they continue and offers `r`; Enter lands on practice 4, `r` on the priming.
#[test]
fn overview_resuming_in_a_block() {
    let practice = module().module.blocks[1].practice.clone();
    assert!(practice.len() >= 4, "block 2 has a fourth practice item");
    let answered: HashSet<String> = practice[..3].iter().cloned().collect();
    let resumed = || screen_on(Learn::resume(module(), 1, &answered, 1));
    let mut screen = resumed();
    let text = screen_text(&screen);
    // The message wraps with the block's long title.
    assert!(
        text.contains("Continue at block 2 'Mechanics")
            && text.contains(&format!("4 of {}.", practice.len()))
            && text.contains("r restarts block 2"),
        "{text}"
    );
    insta::assert_snapshot!(text);
    key(&mut screen, KeyCode::Enter);
    assert_eq!(
        screen.session().stage(),
        Stage::Practice { block: 1, index: 3 }
    );

    let mut screen = resumed();
    key(&mut screen, KeyCode::Char('r'));
    let text = screen_text(&screen);
    assert!(
        text.contains("Enter starts at block 2.")
            && text.contains("Block 2 will start from its beginning."),
        "{text}"
    );
    key(&mut screen, KeyCode::Enter);
    assert_eq!(screen.session().stage(), Stage::Priming { block: 1 });
}

/// A fresh learner's overview of bundled module `id` (nothing done, starting at block 1).
fn fresh_overview(id: &str) -> String {
    let module = Library::load(&[])
        .library
        .get(id)
        .cloned()
        .expect("bundled module");
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
            width: 80,
            height: 24,
        },
    );
    assert_eq!(screen.session().stage(), Stage::Overview);
    let text = screen_text(&screen);
    // The plan is always on screen, however long the summary and outcomes are.
    assert!(
        text.contains("Enter starts at block 1."),
        "{id}: the start line shows:\n{text}"
    );
    text
}

#[test]
fn overview_circuit_breaker() {
    insta::assert_snapshot!(fresh_overview("circuit-breaker"));
}

#[test]
fn overview_retry_backoff() {
    insta::assert_snapshot!(fresh_overview("retry-backoff"));
}

/// `o` trades the summary for the outcomes: at 80x24 the circuit-breaker module's summary
/// leaves room for none of its nine outcomes; without it, every outcome the screen can
/// hold is listed, and `o` again brings the summary back.
#[test]
fn overview_lists_the_outcomes_on_o() {
    let module = Library::load(&[])
        .library
        .get("circuit-breaker")
        .cloned()
        .expect("bundled module");
    let outcomes = module.module.outcomes.clone();
    let mut screen = LearnScreen::new(
        Learn::new(module, 0, 1),
        Recorder::in_memory(),
        clock,
        theme(),
        Vec::new(),
    );
    let before = screen_text(&screen);
    assert!(before.contains("more (o lists them)"), "{before}");
    assert!(before.contains("o outcomes"), "{before}");
    key(&mut screen, KeyCode::Char('o'));
    let text = screen_text(&screen);
    let shown = outcomes
        .iter()
        .filter(|o| text.contains(&format!("• {}", o.split_whitespace().next().unwrap_or(""))))
        .count();
    assert!(shown >= 3, "{shown} outcomes shown:\n{text}");
    assert!(!text.contains("Why one failing dependency"), "{text}");
    assert!(text.contains("Enter starts at block 1."), "{text}");
    insta::assert_snapshot!(text);
    key(&mut screen, KeyCode::Char('o'));
    assert_eq!(screen_text(&screen), before);
    assert_eq!(screen.session().stage(), Stage::Overview);
}

#[test]
fn overview_retry_storms() {
    insta::assert_snapshot!(fresh_overview("retry-storms"));
}

#[test]
fn priming_with_a_typed_guess() {
    let mut screen = learn_screen(0);
    key(&mut screen, KeyCode::Enter);
    typed(&mut screen, "about 2 s");
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn concept_in_the_pager() {
    let mut screen = learn_screen(0);
    key(&mut screen, KeyCode::Enter);
    typed(&mut screen, "x");
    key(&mut screen, KeyCode::Enter);
    assert_eq!(screen.session().stage(), Stage::Concept { block: 0 });
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn lab_intro_and_the_embedded_stepper() {
    let mut screen = learn_screen(1);
    advance_to(&mut screen, |s| matches!(s, Stage::Lab { .. }));
    insta::assert_snapshot!("lab_intro", screen_text(&screen));
    key(&mut screen, KeyCode::Enter);
    key(&mut screen, KeyCode::Char(' '));
    insta::assert_snapshot!("lab_stepper_predicting", screen_text(&screen));
    key(&mut screen, KeyCode::Char('c'));
    key(&mut screen, KeyCode::Char('q'));
    assert_eq!(
        screen.session().stage(),
        Stage::Practice { block: 1, index: 0 }
    );
}

#[test]
fn state_trace_widget_and_feedback() {
    let mut screen = learn_screen(1);
    advance_to(&mut screen, |s| matches!(s, Stage::Practice { .. }));
    typed(&mut screen, "ccoo");
    insta::assert_snapshot!("state_trace_entry", screen_text(&screen));
    typed(&mut screen, "ho");
    key(&mut screen, KeyCode::Enter);
    insta::assert_snapshot!("state_trace_feedback", screen_text(&screen));
}

#[test]
fn choice_widget() {
    let mut screen = learn_screen(1);
    advance_to(&mut screen, |s| {
        matches!(s, Stage::Practice { index: 1, .. })
    });
    key(&mut screen, KeyCode::Down);
    key(&mut screen, KeyCode::Tab);
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn numeric_input_line_with_a_parse_error() {
    let mut screen = learn_screen(1);
    advance_to(&mut screen, |s| {
        matches!(s, Stage::Practice { index: 3, .. })
    });
    typed(&mut screen, "47");
    key(&mut screen, KeyCode::Enter);
    typed(&mut screen, "s");
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn text_input_widget() {
    let mut screen = learn_screen(1);
    advance_to(&mut screen, |s| {
        matches!(s, Stage::Practice { index: 4, .. })
    });
    typed(&mut screen, "open");
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn consolidation_box() {
    let mut screen = learn_screen(1);
    advance_to(&mut screen, |s| matches!(s, Stage::Consolidation { .. }));
    typed(&mut screen, "Slow failures keep the breaker open longer.");
    send(
        &mut screen,
        Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL)),
    );
    typed(&mut screen, "Second line.");
    insta::assert_snapshot!(screen_text(&screen));
}

fn exam_screen() -> ExamScreen {
    // Seed 2: the first item is a state trace (cb-success-resets).
    let exam = Exam::new(&module(), 2).expect("draws");
    ExamScreen::new(exam, Recorder::in_memory(), clock, theme())
}

#[test]
fn exam_question_with_progress() {
    let mut screen = exam_screen();
    let answer = screen
        .session()
        .current()
        .and_then(|q| q.question.item.right_answer())
        .expect("answer");
    // The first item is a state trace: type its states as c/o/h keys.
    for state in answer.split(", ") {
        let c = match state {
            "CLOSED" => 'c',
            "OPEN" => 'o',
            _ => 'h',
        };
        key(&mut screen, KeyCode::Char(c));
    }
    key(&mut screen, KeyCode::Enter);
    key(&mut screen, KeyCode::Enter);
    assert_eq!(screen.session().progress().0, 2);
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn exam_results() {
    let mut screen = exam_screen();
    // Skip every item: all wrong, the result recorded once.
    let items = screen.session().items().len();
    for _ in 0..items {
        send(
            &mut screen,
            Event::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
        );
    }
    assert!(screen.session().is_finished());
    assert_eq!(
        screen.recorder().unsaved().len(),
        1,
        "the result is recorded once"
    );
    insta::assert_snapshot!(screen_text(&screen));
}

#[test]
fn tune_parameter_form_and_simulated_verdict() {
    use patterns::grade::Item;
    use patterns::session::question::Question;
    use patterns::ui::tui::widgets::question::{AnswerEntry, EntryAction, QuestionView};

    let loaded = Library::load(&[std::path::PathBuf::from("tests/fixtures/valid")]);
    let module = loaded
        .library
        .modules()
        .iter()
        .find(|m| m.exercise("tune-threshold").is_some())
        .expect("the valid fixture has a tune item");
    let exercise = module.exercise("tune-threshold").expect("tune item");
    let mut question = Question::new(Item::new(exercise, 1).expect("item"));
    let mut entry = AnswerEntry::default();
    let mut submitted = None;
    for c in ['1', '2', '\n'] {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        if let Some(EntryAction::Submit(text)) =
            entry.handle(&KeyEvent::new(code, KeyModifiers::NONE), &question.item)
        {
            submitted = Some(text);
        }
    }
    let theme = theme();
    let draw = |question: &Question, entry: &AnswerEntry| {
        let view = QuestionView {
            question,
            entry,
            theme: &theme,
            feedback: true,
        };
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
        terminal
            .draw(|frame| frame.render_widget(&view, frame.area()))
            .expect("draw");
        let buffer = terminal.backend().buffer().clone();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    insta::assert_snapshot!("tune_form", draw(&question, &entry));
    let answer = submitted.expect("enter submits the form");
    assert_eq!(answer, "failure_threshold=12");
    question.answer(&answer).expect("parses");
    insta::assert_snapshot!("tune_verdict", draw(&question, &entry));
}

#[test]
fn review_with_feedback() {
    use patterns::progress::{Attempt, Record, Verdict};
    use patterns::session::review::Review;
    use patterns::ui::tui::screens::review::ReviewScreen;

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
    let library = Library::load(&[]).library;
    let session = Review::new(&record.due(clock()), &library, 1);
    let mut screen = ReviewScreen::new(session, Recorder::in_memory(), clock, theme());
    key(&mut screen, KeyCode::Char('b'));
    key(&mut screen, KeyCode::Enter);
    assert_eq!(
        screen.recorder().unsaved().len(),
        1,
        "the answer is recorded"
    );
    insta::assert_snapshot!(screen_text(&screen));
    key(&mut screen, KeyCode::Enter);
    assert!(screen.session().is_finished());
}
