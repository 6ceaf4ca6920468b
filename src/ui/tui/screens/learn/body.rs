//! The learning screen's pages that are plain text: overview, priming, reveal, bridge,
//! lab intro, reflections, block done, the end; and the text field they share.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};

use super::LearnScreen;
use crate::grade::Verdict;
use crate::session::learn::Stage;
use crate::ui::plain::console::wrap;
use crate::ui::plain::flow::describe_breaker;
use crate::ui::sanitize::strip_controls;

impl LearnScreen {
    pub(super) fn body(&self) -> Text<'static> {
        let module = &self.session.module().module;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let dim = self.theme.dim;
        let clean = |text: &str| strip_controls(text).into_owned();
        let mut lines: Vec<Line<'static>> = Vec::new();
        let block = self.session.block().map(|(_, b)| b);
        match self.session.stage() {
            // Drawn by `overview_head` and `overview_plan`, which fit it to the screen.
            Stage::Overview => {}
            Stage::Priming { .. } => {
                lines.push(Line::styled(
                    "Priming question: make a guess before you read",
                    bold,
                ));
                if let Some(b) = block {
                    lines.push(Line::from(clean(&b.priming.question)));
                }
                lines.push(Line::from(""));
                lines.extend(self.text_field());
            }
            Stage::Reveal { .. } => {
                lines.push(Line::styled("The priming question, answered", bold));
                if let Some(guess) = self.session.priming_answer() {
                    lines.push(Line::styled(format!("You said: {}", clean(guess)), dim));
                }
                if let Some(b) = block {
                    lines.push(Line::from(clean(&b.priming.answer)));
                }
            }
            Stage::Bridge { .. } => {
                lines.push(Line::styled("Bridge: an analogy", bold));
                if let Some(b) = block {
                    lines.push(Line::from(clean(&b.bridge)));
                }
            }
            Stage::Lab { .. } | Stage::LabPredict { .. } => {
                if let Some(lab) = self.session.lab() {
                    lines.push(Line::styled("Lab", bold));
                    lines.push(Line::from(clean(&lab.intro)));
                    lines.push(Line::from(""));
                    lines.push(Line::from(format!(
                        "Breaker: {}",
                        describe_breaker(&lab.breaker)
                    )));
                    lines.push(Line::from(format!("Script: {}", clean(&lab.script))));
                    lines.push(Line::styled(
                        "Enter opens the lab: predict each state (c/o/h), step with space, undo with u, q returns here.",
                        dim,
                    ));
                }
            }
            Stage::Consolidation { .. } | Stage::IntegrationPrompt { .. } => {
                lines.push(Line::styled("Reflection (saved to your journal)", bold));
                lines.push(Line::from(clean(
                    self.session.reflection_prompt().unwrap_or_default(),
                )));
                lines.push(Line::from(""));
                lines.extend(self.text_field());
            }
            Stage::BlockDone { block } => {
                let title = module.blocks.get(block).map_or("", |b| b.title.as_str());
                lines.push(Line::styled(
                    format!("Block {} done: {}", block + 1, clean(title)),
                    bold,
                ));
                let right = self
                    .session
                    .results()
                    .iter()
                    .filter(|(_, v)| *v == Verdict::Correct)
                    .count();
                lines.push(Line::from(format!(
                    "Practice this session: {right} of {} right.",
                    self.session.results().len()
                )));
            }
            Stage::ExamOffer | Stage::Done => {
                lines.push(Line::styled(
                    format!("You reached the end of '{}'.", clean(&module.title)),
                    bold,
                ));
                lines.push(Line::from(format!(
                    "When you are ready: patterns exam {}",
                    self.session.module().id()
                )));
            }
            _ => {}
        }
        Text::from(lines)
    }

    /// The overview's head for an area `width` × `height`: title, summary and the outcomes
    /// that fit whole; the rest are counted on a last line rather than cut mid-sentence.
    /// With `outcomes_only` (the `o` key) the summary makes room for the outcomes.
    pub(super) fn overview_head(
        &self,
        width: u16,
        height: u16,
        outcomes_only: bool,
    ) -> Text<'static> {
        let module = &self.session.module().module;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let clean = |text: &str| strip_controls(text).into_owned();
        let width = usize::from(width.max(1));
        let rows = |text: &str| wrap(text, width, "").lines().count().max(1);
        let mut lines = vec![Line::styled(clean(&module.title), bold)];
        let mut used = 2;
        if !outcomes_only {
            lines.push(Line::from(clean(&module.summary)));
            lines.push(Line::from(""));
            used += 1 + rows(&clean(&module.summary));
        }
        lines.push(Line::styled("You will be able to:", bold));
        let height = usize::from(height);
        for (i, outcome) in module.outcomes.iter().enumerate() {
            let text = format!("• {}", clean(outcome));
            let left = module.outcomes.len() - i;
            // Keep a row for the "more" line unless this is the last outcome.
            let reserve = usize::from(left > 1);
            if used + rows(&text) + reserve > height {
                let more = if outcomes_only {
                    format!("… and {left} more")
                } else {
                    format!("… and {left} more (o lists them)")
                };
                lines.push(Line::styled(more, self.theme.dim));
                break;
            }
            used += rows(&text);
            lines.push(Line::from(text));
        }
        Text::from(lines)
    }

    /// The overview's plan: each block with its minutes (✓ when done), the integration
    /// challenge, and where Enter starts. One line each; never wrapped.
    /// The blocks, then where Enter leads; `width` wraps the resume message (it names the
    /// block's title, which can be long).
    pub(super) fn overview_plan(&self, width: u16) -> Vec<Line<'static>> {
        let module = &self.session.module().module;
        let clean = |text: &str| strip_controls(text).into_owned();
        let mut lines: Vec<Line<'static>> = module
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mark = if self.done.contains(&b.id) {
                    "✓"
                } else {
                    " "
                };
                Line::from(format!(
                    "{mark} {}. {} ({} min)",
                    i + 1,
                    clean(&b.title),
                    b.minutes
                ))
            })
            .collect();
        if let Some(integration) = &module.integration {
            lines.push(Line::from(format!(
                "  {} ({} min)",
                clean(&integration.title),
                integration.minutes
            )));
        }
        let minutes = self.session.module().minutes();
        let start = self.session.start_block() + 1;
        match self.session.continue_message() {
            Some(message) => {
                let wrapped =
                    crate::ui::plain::console::wrap(&clean(&message), usize::from(width), "");
                lines.extend(wrapped.lines().map(|l| Line::from(l.to_owned())));
                lines.push(Line::styled(
                    format!(
                        "About {minutes} minutes. Enter continues there; r restarts block {start}."
                    ),
                    self.theme.dim,
                ));
            }
            None => lines.push(Line::styled(
                format!("About {minutes} minutes. Enter starts at block {start}."),
                self.theme.dim,
            )),
        }
        lines
    }

    pub(super) fn text_field(&self) -> Vec<Line<'static>> {
        let mut lines = self.text.to_text(Style::new()).lines;
        if let Some(first) = lines.first_mut() {
            first.spans.insert(
                0,
                Span::styled("> ", Style::new().add_modifier(Modifier::BOLD)),
            );
        }
        lines
    }
}
