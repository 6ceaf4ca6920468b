//! Benchmarks (ui): Markdown rendering and Pager frames against the TUI budgets (DESIGN.md §7).
//!
//! Budgets: the first frame of a screen under 50 ms (render the document + draw one frame),
//! a redraw after a key under 16 ms (update + draw).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::ui::tui::Theme;
use patterns::ui::tui::widgets::markdown::render_markdown;
use patterns::ui::tui::widgets::pager::{Pager, PagerMsg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SAMPLE: &str = include_str!("../tests/fixtures/ui/concept.md");

/// About 300 lines of Markdown: the rich sample repeated with numbered headings.
fn document() -> String {
    let mut doc = String::new();
    let mut part = 0;
    while doc.lines().count() < 300 {
        part += 1;
        doc.push_str(&format!("\n# Part {part}\n\n"));
        doc.push_str(SAMPLE);
    }
    doc
}

fn bench_ui(c: &mut Criterion) {
    let doc = document();
    let theme = Theme::default();

    c.bench_function("markdown_300_lines_80_cols", |b| {
        b.iter(|| render_markdown(black_box(&doc), 80, &theme));
    });

    c.bench_function("pager_first_frame_80x24", |b| {
        b.iter(|| {
            let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
            let mut pager = Pager::new("Circuit breaker", doc.as_str(), theme);
            pager.update(PagerMsg::Resize {
                width: 80,
                height: 24,
            });
            terminal
                .draw(|frame| frame.render_widget(&pager, frame.area()))
                .expect("draw");
            black_box(terminal.backend().buffer().area);
        });
    });

    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let mut pager = Pager::new("Circuit breaker", doc.as_str(), theme);
    pager.update(PagerMsg::Resize {
        width: 80,
        height: 24,
    });
    c.bench_function("pager_key_redraw_80x24", |b| {
        b.iter(|| {
            pager.update(black_box(PagerMsg::LineDown));
            if pager.scroll() + usize::from(pager.viewport_height()) >= pager.line_count() {
                pager.update(PagerMsg::Top);
            }
            terminal
                .draw(|frame| frame.render_widget(&pager, frame.area()))
                .expect("draw");
        });
    });

    c.bench_function("pager_resize_rewrap_80_to_100", |b| {
        let mut wide = true;
        b.iter(|| {
            wide = !wide;
            let width = if wide { 100 } else { 80 };
            pager.update(PagerMsg::Resize { width, height: 24 });
        });
    });
}

criterion_group!(benches, bench_ui);
criterion_main!(benches);
