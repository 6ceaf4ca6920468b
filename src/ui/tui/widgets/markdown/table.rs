//! Lays out a Markdown table in a given width: columns fitted, cells cut with '…'.
//!
//! Columns get their natural width when the table fits. Otherwise the narrow columns keep
//! theirs and the wide ones share what is left equally (water-filling), so a short "State"
//! column is never cut to make room for a long "Meaning" one.

use pulldown_cmark::Alignment;

use super::wrap::{Runs, push_run, runs_width, truncate};
use crate::ui::tui::theme::Theme;

/// Between two columns.
const SEPARATOR: &str = " │ ";
const SEPARATOR_WIDTH: usize = 3;

/// A table's cells, already flattened to one line of styled runs each.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub(crate) alignments: Vec<Alignment>,
    pub(crate) header: Vec<Runs>,
    pub(crate) rows: Vec<Vec<Runs>>,
}

impl Table {
    /// Lines of the laid-out table, none wider than `width` cells.
    pub(crate) fn render(&self, width: usize, theme: &Theme) -> Vec<Runs> {
        let columns = std::iter::once(&self.header)
            .chain(&self.rows)
            .map(Vec::len)
            .max()
            .unwrap_or(0)
            .max(self.alignments.len());
        if columns == 0 {
            return Vec::new();
        }
        let mut natural = vec![0; columns];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (column, cell) in row.iter().enumerate() {
                natural[column] = natural[column].max(runs_width(cell));
            }
        }
        let budget = width.saturating_sub(SEPARATOR_WIDTH * (columns - 1));
        let widths = fit_columns(&natural, budget);

        let mut lines = Vec::with_capacity(self.rows.len() + 2);
        if !self.header.is_empty() {
            lines.push(self.row_line(&self.header, &widths, width, theme));
            lines.push(header_rule(&widths, width, theme));
        }
        for row in &self.rows {
            lines.push(self.row_line(row, &widths, width, theme));
        }
        lines
    }

    fn row_line(&self, row: &[Runs], widths: &[usize], width: usize, theme: &Theme) -> Runs {
        let mut line = Runs::new();
        for (column, &column_width) in widths.iter().enumerate() {
            if column > 0 {
                push_run(&mut line, SEPARATOR, theme.table_border);
            }
            let cell = row.get(column).cloned().unwrap_or_default();
            let cell = truncate(cell, column_width);
            let slack = column_width.saturating_sub(runs_width(&cell));
            let (before, after) = match self.alignments.get(column) {
                Some(Alignment::Right) => (slack, 0),
                Some(Alignment::Center) => (slack / 2, slack - slack / 2),
                _ => (0, slack),
            };
            push_run(&mut line, &" ".repeat(before), theme.text);
            for (text, style) in cell {
                push_run(&mut line, &text, style);
            }
            // The last column's padding is trailing space: leave it out.
            if column + 1 < widths.len() {
                push_run(&mut line, &" ".repeat(after), theme.text);
            }
        }
        truncate(line, width)
    }
}

fn header_rule(widths: &[usize], width: usize, theme: &Theme) -> Runs {
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    truncate(vec![(rule.join("─┼─"), theme.table_border)], width)
}

/// Column widths summing to at most `budget` (when every column can have one cell).
fn fit_columns(natural: &[usize], budget: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= budget {
        return natural.to_vec();
    }
    let mut order: Vec<usize> = (0..natural.len()).collect();
    order.sort_by_key(|&column| natural[column]);
    let mut widths = vec![0; natural.len()];
    let mut remaining = budget;
    for (done, &column) in order.iter().enumerate() {
        let share = remaining / (natural.len() - done);
        // At least one cell per non-empty column: a '…' says something was there.
        let width = natural[column]
            .min(share)
            .max(usize::from(natural[column] > 0));
        widths[column] = width;
        remaining = remaining.saturating_sub(width);
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    fn cell(text: &str) -> Runs {
        vec![(text.to_owned(), Style::new())]
    }

    fn text(lines: &[Runs]) -> Vec<String> {
        lines
            .iter()
            .map(|runs| runs.iter().map(|(t, _)| t.as_str()).collect())
            .collect()
    }

    fn sample() -> Table {
        Table {
            alignments: vec![Alignment::Left, Alignment::Right, Alignment::None],
            header: vec![cell("State"), cell("Calls"), cell("Meaning")],
            rows: vec![
                vec![
                    cell("CLOSED"),
                    cell("5"),
                    cell("calls flow; failures are counted"),
                ],
                vec![cell("OPEN"), cell("0"), cell("calls are rejected at once")],
            ],
        }
    }

    #[test]
    fn a_table_that_fits_keeps_natural_widths_and_alignment() {
        let lines = sample().render(80, &Theme::default());
        assert_eq!(
            text(&lines),
            [
                "State  │ Calls │ Meaning",
                "───────┼───────┼─────────────────────────────────",
                "CLOSED │     5 │ calls flow; failures are counted",
                "OPEN   │     0 │ calls are rejected at once",
            ]
        );
    }

    #[test]
    fn a_narrow_table_cuts_the_wide_column_first() {
        let lines = sample().render(30, &Theme::default());
        assert_eq!(
            text(&lines),
            [
                "State  │ Calls │ Meaning",
                "───────┼───────┼──────────────",
                "CLOSED │     5 │ calls flow; …",
                "OPEN   │     0 │ calls are re…",
            ]
        );
        for line in &lines {
            assert!(runs_width(line) <= 30);
        }
    }

    #[test]
    fn a_very_narrow_table_never_exceeds_its_width() {
        for width in 0..30 {
            for line in sample().render(width, &Theme::default()) {
                assert!(runs_width(&line) <= width, "width {width}: {line:?}");
            }
        }
    }

    #[test]
    fn column_fitting_shares_what_the_narrow_columns_leave() {
        assert_eq!(fit_columns(&[5, 40, 40], 45), [5, 20, 20]);
        assert_eq!(fit_columns(&[5, 10], 20), [5, 10]);
        assert_eq!(fit_columns(&[3, 3, 3], 2), [1, 1, 1]);
    }

    #[test]
    fn rows_shorter_than_the_header_are_padded() {
        let table = Table {
            alignments: vec![Alignment::None, Alignment::None],
            header: vec![cell("a"), cell("b")],
            rows: vec![vec![cell("only")]],
        };
        assert_eq!(text(&table.render(20, &Theme::default()))[2], "only │ ");
    }
}
