//! Benchmarks (learn): the TUI budgets of DESIGN.md §7 for the learning screen: the first
//! frame of `patterns learn` (load the bundled library, build the session and the screen,
//! lay out and draw at 80x24) under 50 ms, and one key handled and redrawn under 16 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::content::Library;
use patterns::progress::Timestamp;
use patterns::session::learn::Learn;
use patterns::session::record::Recorder;
use patterns::ui::tui::event::{App, Event};
use patterns::ui::tui::screens::learn::LearnScreen;
use patterns::ui::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn clock() -> Timestamp {
    Timestamp(1_700_000_000)
}

fn send(screen: &mut LearnScreen, event: Event) {
    if let Some(msg) = screen.message(&event)
        && let Some(effect) = screen.update(msg)
    {
        let _ = screen.perform(effect);
    }
}

fn screen() -> LearnScreen {
    let library = Library::load(&[]).library;
    let module = library.get("circuit-breaker").expect("bundled").clone();
    let session = Learn::new(module, 0, 1);
    let mut screen = LearnScreen::new(
        session,
        Recorder::in_memory(),
        clock,
        Theme::default(),
        Vec::new(),
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

fn bench_learn(c: &mut Criterion) {
    c.bench_function("learn_first_frame_80x24", |b| {
        b.iter(|| {
            let screen = screen();
            let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
            terminal.draw(|frame| screen.render(frame)).expect("draw");
            black_box(terminal.backend().buffer().area);
        });
    });

    // A key on the concept page (scroll) and on an answer line (typing), each redrawn.
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let mut concept = screen();
    send(
        &mut concept,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    send(
        &mut concept,
        Event::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)),
    );
    send(
        &mut concept,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let mut down = true;
    c.bench_function("learn_key_redraw_concept_80x24", |b| {
        b.iter(|| {
            down = !down;
            let code = if down {
                KeyCode::Char('j')
            } else {
                KeyCode::Char('k')
            };
            send(
                &mut concept,
                Event::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            );
            terminal.draw(|frame| concept.render(frame)).expect("draw");
        });
    });

    let mut priming = screen();
    send(
        &mut priming,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let mut typed = 0u32;
    c.bench_function("learn_key_redraw_typing_80x24", |b| {
        b.iter(|| {
            typed += 1;
            // Keep the line short: type, and clear every 40 characters.
            let key = if typed.is_multiple_of(40) {
                KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)
            } else {
                KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE)
            };
            send(&mut priming, Event::Key(key));
            terminal.draw(|frame| priming.render(frame)).expect("draw");
        });
    });
}

criterion_group!(benches, bench_learn);
criterion_main!(benches);
