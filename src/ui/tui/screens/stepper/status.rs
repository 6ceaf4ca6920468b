//! The stepper's status lines: the script with its next token lit, the prediction prompt or
//! the last verdict with the score, and the notice of the last key that ran no step.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::session::lab::{Lab, Notice, Prediction};
use crate::ui::tui::theme::Theme;
use crate::ui::tui::widgets::lab_style;

/// Tokens shown before the next one; older ones collapse into `…`.
const PLAYED_SHOWN: usize = 4;

pub fn render(lab: &Lab, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![script_line(lab, theme)];
    lines.extend(prediction_line(lab, theme));
    lines.extend(pending_line(lab, theme));
    if let Some(notice) = lab.notice() {
        lines.push(Line::styled(notice_text(notice), theme.emphasis));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn script_line(lab: &Lab, theme: &Theme) -> Line<'static> {
    let Some(script) = lab.script() else {
        return Line::styled(
            "no script: step the breaker with s / f / S / F and move the clock with t",
            theme.dim,
        );
    };
    let tokens = script.tokens();
    let position = lab.script_position();
    let mut spans = vec![Span::styled("script ", theme.dim)];
    let first = position.saturating_sub(PLAYED_SHOWN);
    if first > 0 {
        spans.push(Span::styled("… ", theme.dim));
    }
    for (index, token) in tokens.iter().enumerate().skip(first) {
        let style = match index.cmp(&position) {
            std::cmp::Ordering::Less => theme.dim,
            std::cmp::Ordering::Equal => theme.strong.add_modifier(Modifier::REVERSED),
            std::cmp::Ordering::Greater => theme.text,
        };
        spans.push(Span::styled(token.text.clone(), style));
        spans.push(Span::raw(" "));
    }
    let progress = if position >= tokens.len() {
        format!(" finished ({} steps)", tokens.len())
    } else {
        format!(" {position}/{} played · space plays the next", tokens.len())
    };
    spans.push(Span::styled(progress, theme.dim));
    Line::from(spans)
}

fn pending_line(lab: &Lab, theme: &Theme) -> Option<Line<'static>> {
    let pending = lab.pending()?;
    Some(Line::from(vec![
        Span::styled("predict: ", lab_style::marked(theme)),
        Span::styled(
            format!("after '{}' the breaker will be… ", pending.token.text),
            theme.text,
        ),
        Span::styled("c", theme.strong),
        Span::styled(" CLOSED · ", theme.text),
        Span::styled("o", theme.strong),
        Span::styled(" OPEN · ", theme.text),
        Span::styled("h", theme.strong),
        Span::styled(" HALF_OPEN · ", theme.text),
        Span::styled("esc", theme.strong),
        Span::styled(" cancel", theme.text),
    ]))
}

fn prediction_line(lab: &Lab, theme: &Theme) -> Option<Line<'static>> {
    if lab.prediction() == Prediction::Off {
        return None;
    }
    let score = lab.score();
    let score = format!(" · score {}/{}", score.correct, score.answered);
    let Some(grade) = lab.last_grade() else {
        if lab.pending().is_some() {
            return None;
        }
        return Some(Line::styled(
            format!("prediction mode: press a step key, then predict the state{score}"),
            theme.dim,
        ));
    };
    let verdict = if grade.is_correct() {
        format!("✓ right: after '{}' it is {}", grade.token, grade.actual)
    } else {
        format!(
            "✗ wrong: after '{}' you said {}, the engine says {}",
            grade.token, grade.predicted, grade.actual
        )
    };
    Some(Line::from(vec![
        Span::styled(verdict, lab_style::verdict(theme, grade.is_correct())),
        Span::styled(format!(" ({}){score}", grade.explanation()), theme.text),
    ]))
}

fn notice_text(notice: &Notice) -> String {
    match notice {
        Notice::NoScript => "there is no script: use s / f / S / F / t".to_owned(),
        Notice::ScriptFinished => "the script is finished: u undoes, q goes back".to_owned(),
        Notice::NothingToUndo => "nothing to undo".to_owned(),
        Notice::Undone(token) => format!("undid '{token}'"),
        Notice::NoPendingStep => "press a step key first, then predict its outcome".to_owned(),
    }
}
