//! The title bar, the status line and the footer of key hints every learning screen draws,
//! so they look and truncate alike at 80 columns. Each clips its area to the buffer first: on
//! a terminal of a few rows a layout can place the footer below the last row.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::ui::sanitize::strip_controls;
use crate::ui::tui::theme::Theme;

/// A one-line title bar: `left` from the left edge, `right` against the right edge.
pub fn title_bar(buf: &mut Buffer, area: Rect, theme: &Theme, left: &str, right: &str) {
    let Some(area) = clip(buf, area) else {
        return;
    };
    buf.set_style(area, theme.title);
    let right = format!("{} ", strip_controls(right));
    let right_width = u16::try_from(right.chars().count()).unwrap_or(u16::MAX);
    let left = format!(" {}", strip_controls(left).replace('\n', " "));
    let room = area.width.saturating_sub(right_width + 1);
    buf.set_stringn(area.x, area.y, &left, usize::from(room), theme.title);
    if right_width < area.width {
        buf.set_string(area.right() - right_width, area.y, &right, theme.title);
    }
}

/// The status line: the screen's one-time `status` message, else the recorder's notice of
/// saves still failing (`held`), so a failing save stays in view after it was told.
pub fn status_line(buf: &mut Buffer, area: Rect, status: Option<&str>, held: Option<&str>) {
    let Some(area) = clip(buf, area) else {
        return;
    };
    if let Some(message) = status.or(held) {
        buf.set_stringn(
            area.x + 1,
            area.y,
            strip_controls(message),
            usize::from(area.width.saturating_sub(2)),
            Style::new().add_modifier(Modifier::BOLD),
        );
    }
}

/// A one-line footer of `key description` pairs; the last pairs go when space runs out.
pub fn footer(buf: &mut Buffer, area: Rect, theme: &Theme, hints: &[(&str, &str)]) {
    let Some(area) = clip(buf, area) else {
        return;
    };
    buf.set_style(area, theme.footer);
    let mut x = area.x + 1;
    for (key, what) in hints {
        let width =
            u16::try_from(key.chars().count() + what.chars().count() + 3).unwrap_or(u16::MAX);
        if x + width > area.right() {
            break;
        }
        buf.set_string(x, area.y, key, theme.footer_key);
        let key_width = u16::try_from(key.chars().count()).unwrap_or(0);
        buf.set_string(x + key_width + 1, area.y, what, theme.footer);
        x += width;
    }
}

/// The part of `area` inside the buffer; `None` when nothing of it is.
pub fn clip(buf: &Buffer, area: Rect) -> Option<Rect> {
    let area = area.intersection(buf.area);
    (!area.is_empty()).then_some(area)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::tui::theme::ColorMode;

    #[test]
    fn bars_below_or_beside_the_buffer_draw_nothing_and_do_not_panic() {
        let theme = Theme::new(ColorMode::NoColor);
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 4));
        let below = Rect::new(0, 4, 20, 1);
        footer(&mut buf, below, &theme, &[("q", "quit")]);
        status_line(&mut buf, below, Some("saved"), None);
        title_bar(&mut buf, below, &theme, "left", "right");
        assert_eq!(buf, Buffer::empty(Rect::new(0, 0, 20, 4)));
        // Half outside: drawn up to the edge.
        footer(&mut buf, Rect::new(18, 3, 5, 1), &theme, &[("q", "quit")]);
        assert_eq!(buf[(19, 3)].symbol(), " ");
    }
}
