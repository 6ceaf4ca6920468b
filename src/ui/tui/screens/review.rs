//! The review screen over a [`Review`] session: each due exercise with its answer entry,
//! graded on the spot with the verdict shown, then the next; a summary at the end.
//!
//! `update` feeds keys to the session, `perform` saves each answer (which moves its FSRS
//! card), `render` only reads.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Margin};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::chrome::{footer, status_line, title_bar};
use crate::grade::Verdict;
use crate::progress::Timestamp;
use crate::session::question::{Effect, Input};
use crate::session::record::Recorder;
use crate::session::review::Review;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::Theme;
use crate::ui::tui::widgets::question::{AnswerEntry, EntryAction, QuestionView};

/// What the screen asks `perform` to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewEffect {
    Apply(Vec<Effect>),
    Leave,
}

/// The review screen.
pub struct ReviewScreen {
    session: Review,
    recorder: Recorder,
    clock: fn() -> Timestamp,
    theme: Theme,
    entry: AnswerEntry,
    status: Option<String>,
}

impl ReviewScreen {
    pub fn new(
        session: Review,
        recorder: Recorder,
        clock: fn() -> Timestamp,
        theme: Theme,
    ) -> Self {
        Self {
            session,
            recorder,
            clock,
            theme,
            entry: AnswerEntry::default(),
            status: None,
        }
    }

    pub fn session(&self) -> &Review {
        &self.session
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    fn send(&mut self, input: Input) -> Option<ReviewEffect> {
        self.status = None;
        let before = self.session.progress().0;
        let effects = self.session.handle(input);
        if self.session.progress().0 != before {
            self.entry.reset();
        }
        Some(ReviewEffect::Apply(effects))
    }
}

/// What the review screen reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewMsg {
    Key(KeyEvent),
    /// Text pasted into the terminal: inserted into the answer as text, never as keys.
    Paste(String),
}

impl App for ReviewScreen {
    type Msg = ReviewMsg;
    type Effect = ReviewEffect;
    type Output = ();

    fn message(&self, event: &Event) -> Option<ReviewMsg> {
        match event {
            Event::Key(key) => Some(ReviewMsg::Key(*key)),
            Event::Paste(text) => Some(ReviewMsg::Paste(text.clone())),
            Event::Resize { .. } | Event::Tick => None,
        }
    }

    fn update(&mut self, msg: ReviewMsg) -> Option<ReviewEffect> {
        let Some(current) = self.session.current() else {
            return Some(ReviewEffect::Leave);
        };
        let key = match msg {
            ReviewMsg::Key(key) => key,
            ReviewMsg::Paste(text) => {
                if self.session.awaits_answer() {
                    let item = current.question.item.clone();
                    self.entry.paste(&text, &item);
                    self.status = self.entry.take_notice();
                }
                return None;
            }
        };
        if !self.session.awaits_answer() {
            return match key.code {
                KeyCode::Enter | KeyCode::Char(' ' | 'n') => self.send(Input::Continue),
                KeyCode::Char('q') | KeyCode::Esc => Some(ReviewEffect::Leave),
                _ => None,
            };
        }
        let item = current.question.item.clone();
        let action = self.entry.handle(&key, &item);
        if let Some(notice) = self.entry.take_notice() {
            self.status = Some(notice);
        }
        match action? {
            EntryAction::Submit(text) => self.send(Input::Answer(text)),
            EntryAction::Hint => self.send(Input::Hint),
            EntryAction::Skip => self.send(Input::Skip),
            EntryAction::Back => Some(ReviewEffect::Leave),
        }
    }

    fn render(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        let buf = frame.buffer_mut();
        let [title, body, status, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (index, total) = self.session.progress();
        let right = match self.session.current() {
            Some(q) => format!("{} of {total} · {}", index + 1, q.module),
            None => "done".to_owned(),
        };
        title_bar(buf, title, &self.theme, "Review", &right);
        let inner = body.inner(Margin::new(1, 1));
        match self.session.current() {
            Some(current) => {
                let view = QuestionView {
                    question: &current.question,
                    entry: &self.entry,
                    theme: &self.theme,
                    feedback: true,
                };
                Widget::render(&view, inner, buf);
                let hints = if self.session.awaits_answer() {
                    AnswerEntry::hints(&current.question.item).to_vec()
                } else {
                    vec![("enter", "next"), ("q", "back")]
                };
                footer(buf, foot, &self.theme, &hints);
            }
            None => {
                let verdicts = self.session.verdicts();
                let right = verdicts.iter().filter(|v| **v == Verdict::Correct).count();
                let text = if total == 0 {
                    "Nothing is due for review.".to_owned()
                } else {
                    format!(
                        "Review done: {right} of {} right. Missed items come back sooner.",
                        verdicts.len()
                    )
                };
                Paragraph::new(Line::styled(
                    text,
                    Style::new().add_modifier(Modifier::BOLD),
                ))
                .wrap(Wrap { trim: false })
                .render(inner, buf);
                footer(buf, foot, &self.theme, &[("q", "done")]);
            }
        }
        let held = self.recorder.held_notice();
        status_line(buf, status, self.status.as_deref(), held.as_deref());
    }

    fn perform(&mut self, effect: ReviewEffect) -> Flow<()> {
        let effects = match effect {
            ReviewEffect::Leave => return Flow::Exit(()),
            ReviewEffect::Apply(effects) => effects,
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
                // The question shows its own parse errors and hints.
                Effect::Invalid(_) | Effect::Hint(..) => {}
                Effect::NoHint(message) => self.status = Some(message),
                // The summary stays until the learner leaves.
                Effect::Finished => {}
                Effect::Quit => return Flow::Exit(()),
            }
        }
        Flow::Continue
    }
}
