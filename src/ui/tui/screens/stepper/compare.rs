//! Compare mode: one bordered column per breaker, all fed the same steps. A column whose
//! state differs from the first column's has its border, badge and differing timeline states
//! highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::{Stepper, indent, status, transition_log};
use crate::engine::duration::format_duration;
use crate::ui::tui::widgets::breaker_gauges::BreakerGauges;
use crate::ui::tui::widgets::lab_style;
use crate::ui::tui::widgets::timeline::{LEGEND, Timeline};

pub fn render(stepper: &Stepper, area: Rect, buf: &mut Buffer) {
    let lab = &stepper.lab;
    let theme = &stepper.theme;
    let gauges = lab
        .lanes()
        .iter()
        .map(|lane| BreakerGauges::height(&lane.counters()))
        .max()
        .unwrap_or(0);
    let [title, columns, legend, status_area, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(2 + 2 + gauges + 2 + 2),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(area);
    stepper.render_title(title, buf);
    let count = u32::try_from(lab.lanes().len()).unwrap_or(u32::MAX);
    let areas = Layout::horizontal((0..count).map(|_| Constraint::Ratio(1, count))).split(columns);
    let reference = lab.lane().timeline();
    for (index, (lane, &column)) in lab.lanes().iter().zip(areas.iter()).enumerate() {
        let differs = lab.differs(index);
        let border = if differs {
            lab_style::differs(theme)
        } else {
            theme.dim
        };
        let block = Block::bordered()
            .border_style(border)
            .title(Span::styled(format!(" {} ", lane.name()), theme.strong));
        let inner = block.inner(column);
        block.render(column, buf);
        let counters = lane.counters();
        let [badge, meters, reason, timeline] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(gauges),
            Constraint::Fill(1),
            Constraint::Length(2),
        ])
        .areas(inner);
        let state = lane.state();
        let mut spans = vec![Span::styled(
            format!(" {state} "),
            lab_style::lit(theme, state),
        )];
        if differs {
            spans.push(Span::styled(
                format!(" ≠ {}", lab.lane().name()),
                lab_style::differs(theme),
            ));
        }
        let clock = Line::styled(format!(" clock {}", format_duration(lane.now())), theme.dim);
        for (line, y) in [Line::from(spans), clock]
            .iter()
            .zip(badge.top()..badge.bottom())
        {
            buf.set_line(badge.x, y, line, badge.width);
        }
        BreakerGauges::new(&counters, theme).render(indent(meters), buf);
        transition_log(lane, theme, indent(reason), buf);
        let mut line = Timeline::new(lane.timeline(), theme).without_labels();
        if index > 0 {
            line = line.compared_with(reference);
        }
        line.render(indent(timeline), buf);
    }
    if !legend.is_empty() {
        let room = usize::from(legend.width.saturating_sub(1));
        buf.set_stringn(legend.x + 1, legend.y, LEGEND, room, theme.dim);
    }
    status::render(lab, theme, indent(status_area), buf);
    stepper.render_footer(footer, buf);
}
