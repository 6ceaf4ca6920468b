//! The Pager screen through ratatui's TestBackend: snapshots of what a learner sees, and the
//! event loop driving it with scripted keys.

use patterns::ui::tui::event::{Exit, LoopOptions, event_loop};
use patterns::ui::tui::theme::{ColorMode, Theme};
use patterns::ui::tui::widgets::pager::{Pager, PagerMsg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    Event as TerminalEvent, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers,
};
use ratatui::style::Modifier;

const SAMPLE: &str = include_str!("fixtures/ui/concept.md");

fn pager(width: u16, height: u16) -> Pager {
    let mut pager = Pager::new(
        "Circuit breaker · 2. Concept",
        SAMPLE,
        Theme::new(ColorMode::NoColor),
    );
    pager.update(PagerMsg::Resize { width, height });
    pager
}

fn draw(pager: &Pager, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| frame.render_widget(pager, frame.area()))
        .expect("draw");
    terminal
}

#[test]
fn pager_80x24_top() {
    let pager = pager(80, 24);
    insta::assert_snapshot!(draw(&pager, 80, 24).backend());
}

#[test]
fn pager_80x24_after_scrolling() {
    let mut pager = pager(80, 24);
    pager.update(PagerMsg::PageDown);
    pager.update(PagerMsg::LineDown);
    pager.update(PagerMsg::LineDown);
    assert_eq!(pager.scroll(), 23);
    insta::assert_snapshot!(draw(&pager, 80, 24).backend());
}

#[test]
fn pager_80x24_bottom() {
    let mut pager = pager(80, 24);
    pager.update(PagerMsg::Bottom);
    insta::assert_snapshot!(draw(&pager, 80, 24).backend());
}

#[test]
fn pager_40x20_top() {
    let pager = pager(40, 20);
    insta::assert_snapshot!(draw(&pager, 40, 20).backend());
}

#[test]
fn pager_40x20_after_scrolling() {
    let mut pager = pager(40, 20);
    for _ in 0..2 {
        pager.update(PagerMsg::PageDown);
    }
    assert_eq!(pager.scroll(), 34);
    insta::assert_snapshot!(draw(&pager, 40, 20).backend());
}

#[test]
fn the_title_bar_and_footer_use_the_theme() {
    let theme = Theme::new(ColorMode::NoColor);
    let terminal = draw(&pager(80, 24), 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(buffer[(0, 0)].modifier.contains(Modifier::REVERSED));
    assert_eq!(
        buffer[(79, 23)].style().add_modifier,
        theme.footer.add_modifier
    );
    // The heading on the first text row is bold.
    assert!(buffer[(1, 1)].modifier.contains(Modifier::BOLD));
}

#[test]
fn a_pager_drawn_without_a_resize_still_wraps_to_its_area() {
    let laid_out = draw(&pager(40, 20), 40, 20);
    let never_resized = Pager::new(
        "Circuit breaker · 2. Concept",
        SAMPLE,
        Theme::new(ColorMode::NoColor),
    );
    assert_eq!(
        draw(&never_resized, 40, 20).backend().buffer(),
        laid_out.backend().buffer()
    );
}

fn key(code: KeyCode) -> std::io::Result<TerminalEvent> {
    Ok(TerminalEvent::Key(KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }))
}

#[tokio::test]
async fn the_event_loop_drives_the_pager_and_q_leaves() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let mut pager = Pager::new("t", SAMPLE, Theme::new(ColorMode::NoColor));
    let events = futures_util::stream::iter(vec![
        key(KeyCode::Char('j')),
        key(KeyCode::Char('j')),
        key(KeyCode::PageDown),
        key(KeyCode::Char('k')),
        key(KeyCode::Char('q')),
        key(KeyCode::Char('G')),
    ]);
    let exit = event_loop(&mut terminal, events, &mut pager, LoopOptions::default())
        .await
        .expect("loop");
    assert_eq!(exit, Exit::Done(()));
    // 2 lines + a page (22 rows of text, one kept) - 1 line; the `G` after `q` never ran.
    assert_eq!(pager.scroll(), 22);
}

#[tokio::test]
async fn a_resize_rewraps_the_text_to_the_new_width() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let mut pager = Pager::new("t", SAMPLE, Theme::new(ColorMode::NoColor));
    let events = futures_util::stream::iter(vec![Ok(TerminalEvent::Resize(40, 20))]);
    let exit = event_loop(&mut terminal, events, &mut pager, LoopOptions::default())
        .await
        .expect("loop");
    assert_eq!(exit, Exit::Interrupted);
    assert_eq!(pager.viewport_height(), 18);
    assert_eq!(pager.line_count(), self::pager(40, 20).line_count());
}

#[test]
fn tiny_terminals_do_not_break_the_pager() {
    for (width, height) in [(1, 1), (2, 2), (5, 3), (10, 4), (3, 40), (200, 2)] {
        let mut pager = pager(width, height);
        for msg in [
            PagerMsg::PageDown,
            PagerMsg::Bottom,
            PagerMsg::LineUp,
            PagerMsg::PageUp,
        ] {
            pager.update(msg);
            draw(&pager, width, height);
        }
        assert!(pager.scroll() <= pager.line_count());
    }
}
