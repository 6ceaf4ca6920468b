//! The exam screen over an [`Exam`] session: a progress bar, one question at a time without
//! feedback, then the results: score, pass/fail, the breakdown by focus block and a table of
//! every item with the learner's answer and the right one.
//!
//! `update` feeds keys to the session, `perform` saves the result when the session asks,
//! `render` only reads.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Cell, Gauge, Paragraph, Row, Table, Widget, Wrap};

use super::chrome::{footer, status_line, title_bar};
use crate::grade::Verdict;
use crate::progress::Timestamp;
use crate::session::exam::{Exam, verdict_of};
use crate::session::question::{Effect, Input};
use crate::session::record::Recorder;
use crate::ui::sanitize::strip_controls;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::Theme;
use crate::ui::tui::widgets::question::{AnswerEntry, EntryAction, QuestionView};

/// What the screen reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExamMsg {
    Key(KeyEvent),
    /// Text pasted into the terminal: inserted into the answer as text, never as keys.
    Paste(String),
}

/// What the screen asks `perform` to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ExamEffect {
    Apply(Vec<Effect>),
    Leave,
}

/// The exam screen.
pub struct ExamScreen {
    session: Exam,
    recorder: Recorder,
    clock: fn() -> Timestamp,
    theme: Theme,
    entry: AnswerEntry,
    status: Option<String>,
    /// First item row shown in the results table.
    scroll: usize,
}

impl ExamScreen {
    pub fn new(session: Exam, recorder: Recorder, clock: fn() -> Timestamp, theme: Theme) -> Self {
        Self {
            session,
            recorder,
            clock,
            theme,
            entry: AnswerEntry::default(),
            status: None,
            scroll: 0,
        }
    }

    pub fn session(&self) -> &Exam {
        &self.session
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    fn send(&mut self, input: Input) -> Option<ExamEffect> {
        self.status = None;
        let before = self.session.progress().0;
        let effects = self.session.handle(input);
        if self.session.progress().0 != before {
            self.entry.reset();
        }
        Some(ExamEffect::Apply(effects))
    }

    fn draw_question(&self, area: Rect, buf: &mut Buffer) {
        let [gauge, body, status, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (index, total) = self.session.progress();
        let ratio = if total == 0 {
            0.0
        } else {
            index as f64 / total as f64
        };
        Gauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!("Question {} of {total}", index + 1))
            .gauge_style(self.theme.title)
            .render(gauge, buf);
        if let Some(current) = self.session.current() {
            let view = QuestionView {
                question: &current.question,
                entry: &self.entry,
                theme: &self.theme,
                feedback: false,
            };
            Widget::render(&view, body.inner(Margin::new(1, 1)), buf);
            let held = self.recorder.held_notice();
            status_line(buf, status, self.status.as_deref(), held.as_deref());
            footer(
                buf,
                foot,
                &self.theme,
                AnswerEntry::hints(&current.question.item),
            );
        }
    }

    fn draw_results(&self, area: Rect, buf: &mut Buffer) {
        let Some(score) = self.session.score() else {
            return;
        };
        let blocks = u16::try_from(score.by_block.len()).unwrap_or(8).min(8);
        let [summary, table, foot] = Layout::vertical([
            Constraint::Length(blocks + 3),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let verdict = if score.passed { "PASSED" } else { "NOT PASSED" };
        let mut lines = vec![
            Line::styled(
                format!(
                    "Score {}/{} ({}%): {verdict} (pass mark {}%)",
                    score.score, score.out_of, score.percent, score.pass_mark
                ),
                bold,
            ),
            Line::from("By block:"),
        ];
        for block in &score.by_block {
            // The score first: a long block title may be cut at the edge, the score never.
            lines.push(Line::from(format!(
                "  {:>5}  {}",
                format!("{}/{}", block.correct, block.total),
                strip_controls(&block.title)
            )));
        }
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .render(summary.inner(Margin::new(1, 0)), buf);
        let rows = self
            .session
            .items()
            .iter()
            .enumerate()
            .skip(self.scroll)
            .map(|(i, q)| {
                let mark = match verdict_of(q) {
                    Verdict::Correct => "✓",
                    Verdict::Partial => "~",
                    Verdict::Wrong => "✗",
                };
                let answer = if q.skipped {
                    "(skipped)".to_owned()
                } else {
                    q.question.answer.clone().unwrap_or_default()
                };
                Row::new(vec![
                    Cell::from(format!("{}", i + 1)),
                    Cell::from(mark),
                    Cell::from(q.question.item.id().to_owned()),
                    Cell::from(strip_controls(&answer).into_owned()),
                    Cell::from(strip_controls(&q.question.item.key_text()).into_owned()),
                ])
            });
        Table::new(
            rows,
            [
                Constraint::Length(3),
                Constraint::Length(1),
                Constraint::Length(22),
                Constraint::Fill(1),
                Constraint::Fill(1),
            ],
        )
        .header(Row::new(vec!["#", "", "item", "your answer", "right answer"]).style(bold))
        .render(table.inner(Margin::new(1, 0)), buf);
        footer(buf, foot, &self.theme, &[("j/k", "scroll"), ("q", "done")]);
    }
}

impl App for ExamScreen {
    type Msg = ExamMsg;
    type Effect = ExamEffect;
    type Output = ();

    fn message(&self, event: &Event) -> Option<ExamMsg> {
        match event {
            Event::Key(key) => Some(ExamMsg::Key(*key)),
            Event::Paste(text) => Some(ExamMsg::Paste(text.clone())),
            // Rendering lays out from the frame's size; the loop redraws on resize.
            Event::Resize { .. } | Event::Tick => None,
        }
    }

    fn update(&mut self, msg: ExamMsg) -> Option<ExamEffect> {
        let key = match msg {
            ExamMsg::Key(key) => key,
            ExamMsg::Paste(text) => {
                if let Some(current) = self.session.current() {
                    self.entry.paste(&text, &current.question.item);
                    self.status = self.entry.take_notice();
                }
                return None;
            }
        };
        if self.session.is_finished() {
            return match key.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    self.scroll =
                        (self.scroll + 1).min(self.session.items().len().saturating_sub(1));
                    None
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    self.scroll = self.scroll.saturating_sub(1);
                    None
                }
                KeyCode::Char('q') | KeyCode::Esc | KeyCode::Enter => Some(ExamEffect::Leave),
                _ => None,
            };
        }
        let item = self.session.current().map(|q| q.question.item.clone())?;
        let action = self.entry.handle(&key, &item);
        if let Some(notice) = self.entry.take_notice() {
            self.status = Some(notice);
        }
        match action? {
            EntryAction::Submit(text) => self.send(Input::Answer(text)),
            EntryAction::Hint => self.send(Input::Hint),
            EntryAction::Skip => self.send(Input::Skip),
            EntryAction::Back => Some(ExamEffect::Leave),
        }
    }

    fn render(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        let buf = frame.buffer_mut();
        let [title, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        title_bar(
            buf,
            title,
            &self.theme,
            &format!("Exam · {}", self.session.title()),
            &format!("seed {}", self.session.seed()),
        );
        if self.session.is_finished() {
            self.draw_results(body, buf);
        } else {
            self.draw_question(body, buf);
        }
    }

    fn perform(&mut self, effect: ExamEffect) -> Flow<()> {
        let effects = match effect {
            ExamEffect::Leave => return Flow::Exit(()),
            ExamEffect::Apply(effects) => effects,
        };
        for effect in effects {
            match effect {
                Effect::Save(save) => {
                    if let Err(message) = self.recorder.record(save, (self.clock)()) {
                        // One status line: the short notice (why, what is held) fits; the full
                        // message with its paths is printed on exit.
                        self.status = Some(self.recorder.held_notice().unwrap_or(message));
                    }
                }
                // The question shows its own parse error.
                Effect::Invalid(_) => {}
                Effect::NoHint(message) => self.status = Some(message),
                Effect::Hint(_, text) => self.status = Some(text),
                Effect::Quit => return Flow::Exit(()),
                // The results stay on screen until the learner leaves.
                Effect::Finished => {}
            }
        }
        Flow::Continue
    }
}
