//! An exercise on screen: the prompt, the answer entry for its kind (a choice list with a
//! selection, a state per step for a state trace, a text line with a cursor otherwise, the
//! parameter ranges for tune), the hints revealed and, once graded, the verdict.
//!
//! [`AnswerEntry`] is the entry's state and turns keys into [`EntryAction`]s; the
//! [`QuestionView`] widget only reads it.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::text_input::TextInput;
use crate::content::model::StateName;
use crate::grade::{EntryMode, Item, Verdict, letter, range_text};
use crate::session::question::Question;
use crate::ui::sanitize::strip_controls;
use crate::ui::tui::theme::Theme;

/// What a key asks of the screen showing the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryAction {
    /// Grade this answer.
    Submit(String),
    Hint,
    Skip,
    Back,
}

/// The answer being entered, whatever the kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerEntry {
    pub input: TextInput,
    /// The highlighted option of a choice.
    pub selected: usize,
    /// Options ticked in a multiple choice.
    pub marked: Vec<usize>,
    /// The states entered so far for a state trace.
    pub states: Vec<StateName>,
    /// A tune item's parameter form: one field per parameter (in name order).
    pub fields: Vec<TextInput>,
    /// The form field being edited.
    pub field: usize,
}

impl AnswerEntry {
    /// Back to empty (a new question).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Handles a key for `item`; `None` when it only changed the entry (or was ignored).
    pub fn handle(&mut self, key: &KeyEvent, item: &Item) -> Option<EntryAction> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Tab => return Some(EntryAction::Hint),
            KeyCode::Char('n') if ctrl => return Some(EntryAction::Skip),
            KeyCode::Esc => return Some(EntryAction::Back),
            _ => {}
        }
        match item.entry() {
            EntryMode::Options => self.choice_key(key, item, item.options().len()),
            EntryMode::States { steps } => self.trace_key(key, steps),
            EntryMode::Form { fields } => self.form_key(key, &fields),
            EntryMode::Line => {
                if key.code == KeyCode::Enter {
                    return Some(EntryAction::Submit(self.input.text().to_owned()));
                }
                self.input.handle(key, !item.is_graded());
                None
            }
        }
    }

    /// Inserts a paste into the field being edited, as text (never as keys): the answer
    /// line (one line unless the item is ungraded free text) or the tune form's field.
    /// Choices and state traces take keys only, and say so.
    pub fn paste(&mut self, text: &str, item: &Item) {
        if !item.options().is_empty() || item.kind_name() == "state_trace" {
            self.input.notice_paste_refused();
            return;
        }
        if let Some(tune) = &item.exercise().tune {
            if self.fields.len() != tune.parameters.len() {
                self.fields = vec![TextInput::default(); tune.parameters.len()];
                self.field = 0;
            }
            if let Some(field) = self.fields.get_mut(self.field) {
                field.paste(text, false);
            }
            return;
        }
        self.input.paste(text, !item.is_graded());
    }

    /// Why the last key or paste could not all be taken, once (see [`TextInput::paste`]).
    pub fn take_notice(&mut self) -> Option<String> {
        let mut notice = self.input.take_notice();
        for field in &mut self.fields {
            notice = notice.or(field.take_notice());
        }
        notice
    }

    fn choice_key(&mut self, key: &KeyEvent, item: &Item, options: usize) -> Option<EntryAction> {
        let multiple = item.exercise().choice.as_ref().is_some_and(|c| c.multiple);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(options - 1);
            }
            KeyCode::Char('q') => return Some(EntryAction::Back),
            KeyCode::Char(' ') if multiple => self.toggle(self.selected),
            KeyCode::Char(c) if c.is_ascii_lowercase() => {
                let index = usize::from(c as u8 - b'a');
                if index < options {
                    self.selected = index;
                    if multiple {
                        self.toggle(index);
                    }
                }
            }
            KeyCode::Enter => {
                let picked = if multiple && !self.marked.is_empty() {
                    self.marked.clone()
                } else {
                    vec![self.selected]
                };
                let letters: Vec<String> = picked.iter().map(|&i| letter(i).to_string()).collect();
                return Some(EntryAction::Submit(letters.join(",")));
            }
            _ => {}
        }
        None
    }

    fn form_key(&mut self, key: &KeyEvent, names: &[String]) -> Option<EntryAction> {
        if self.fields.len() != names.len() {
            self.fields = vec![TextInput::default(); names.len()];
            self.field = 0;
        }
        match key.code {
            KeyCode::Up => self.field = self.field.saturating_sub(1),
            KeyCode::Down => self.field = (self.field + 1).min(names.len().saturating_sub(1)),
            KeyCode::Enter => {
                let pairs: Vec<String> = names
                    .iter()
                    .zip(&self.fields)
                    .filter(|(_, f)| !f.text().trim().is_empty())
                    .map(|(name, f)| format!("{name}={}", f.text().trim()))
                    .collect();
                return Some(EntryAction::Submit(pairs.join(" ")));
            }
            _ => {
                if let Some(field) = self.fields.get_mut(self.field) {
                    field.handle(key, false);
                }
            }
        }
        None
    }

    fn toggle(&mut self, index: usize) {
        match self.marked.iter().position(|&i| i == index) {
            Some(at) => {
                self.marked.remove(at);
            }
            None => {
                self.marked.push(index);
                self.marked.sort_unstable();
            }
        }
    }

    fn trace_key(&mut self, key: &KeyEvent, steps: usize) -> Option<EntryAction> {
        let state = match key.code {
            KeyCode::Char('c' | 'C') => Some(StateName::Closed),
            KeyCode::Char('o' | 'O') => Some(StateName::Open),
            KeyCode::Char('h' | 'H') => Some(StateName::HalfOpen),
            KeyCode::Backspace => {
                self.states.pop();
                None
            }
            KeyCode::Char('q') => return Some(EntryAction::Back),
            KeyCode::Enter => {
                let text: Vec<&str> = self.states.iter().map(|s| s.as_str()).collect();
                return Some(EntryAction::Submit(text.join(", ")));
            }
            _ => None,
        };
        if let Some(state) = state
            && self.states.len() < steps
        {
            self.states.push(state);
        }
        None
    }

    /// The footer hints for `item`'s entry.
    pub fn hints(item: &Item) -> &'static [(&'static str, &'static str)] {
        match item.entry() {
            EntryMode::Options => &[
                ("↑↓/a-d", "select"),
                ("enter", "answer"),
                ("tab", "hint"),
                ("^n", "skip"),
                ("q", "back"),
            ],
            EntryMode::Form { .. } => &[
                ("↑↓", "field"),
                ("enter", "simulate"),
                ("tab", "hint"),
                ("^n", "skip"),
                ("esc", "back"),
            ],
            EntryMode::States { .. } => &[
                ("c/o/h", "state"),
                ("⌫", "undo"),
                ("enter", "answer"),
                ("tab", "hint"),
                ("^n", "skip"),
                ("q", "back"),
            ],
            EntryMode::Line => &[
                ("enter", "answer"),
                ("tab", "hint"),
                ("^n", "skip"),
                ("esc", "back"),
            ],
        }
    }
}

/// A question, its entry and (once graded, when asked to) the verdict.
pub struct QuestionView<'a> {
    pub question: &'a Question,
    pub entry: &'a AnswerEntry,
    pub theme: &'a Theme,
    /// Show the verdict, the key and the explanation once graded (not in the exam).
    pub feedback: bool,
}

fn clean(text: &str) -> String {
    strip_controls(text).into_owned()
}

impl QuestionView<'_> {
    /// The whole view as text (wrapped by the paragraph that draws it).
    pub fn to_text(&self) -> Text<'static> {
        let item = &self.question.item;
        let theme = self.theme;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut lines: Vec<Line<'static>> = vec![Line::from(clean(item.prompt())), Line::from("")];
        let entry = item.entry();
        if entry == EntryMode::Options {
            for (i, option) in item.options().iter().enumerate() {
                let cursor = if i == self.entry.selected { "›" } else { " " };
                let tick = if self.entry.marked.contains(&i) {
                    "[x] "
                } else {
                    ""
                };
                let style = if i == self.entry.selected {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("{cursor} ")),
                    Span::styled(format!("{tick}{}) {}", letter(i), clean(option)), style),
                ]));
            }
        } else if let EntryMode::States { steps } = entry {
            let script = item
                .exercise()
                .state_trace
                .as_ref()
                .map(|t| t.script.as_str());
            let tokens: Vec<&str> = script.unwrap_or_default().split_whitespace().collect();
            for i in 0..steps {
                let state = self.entry.states.get(i).map_or("·", |s| s.as_str());
                let marker = if i == self.entry.states.len() {
                    "›"
                } else {
                    " "
                };
                lines.push(Line::from(format!(
                    "{marker} step {}: {:<10} {state}",
                    i + 1,
                    tokens.get(i).copied().unwrap_or("")
                )));
            }
        } else if let (EntryMode::Form { .. }, Some(tune)) = (&entry, &item.exercise().tune) {
            lines.push(Line::styled(
                "Choose the settings; the scenario is simulated with them:",
                theme.dim,
            ));
            for (i, (name, param)) in tune.parameters.iter().enumerate() {
                let selected = i == self.entry.field;
                let field = self.entry.fields.get(i).cloned().unwrap_or_default();
                let mut spans = vec![Span::raw(format!(
                    "{} {name:<20} {:<14} ",
                    if selected { "›" } else { " " },
                    range_text(param)
                ))];
                if selected {
                    spans.extend(
                        field
                            .to_text(Style::new())
                            .lines
                            .into_iter()
                            .flat_map(|l| l.spans),
                    );
                } else {
                    spans.push(Span::raw(field.text().to_owned()));
                }
                lines.push(Line::from(spans));
            }
        } else {
            lines.push(Line::styled(
                format!("Answer with {}:", item.answer_form()),
                theme.dim,
            ));
            let mut input = self.entry.input.to_text(Style::new()).lines;
            if let Some(first) = input.first_mut() {
                first.spans.insert(0, Span::styled("> ", bold));
            }
            lines.extend(input);
        }
        let shown = self.question.hints.shown(item);
        if !shown.is_empty() {
            lines.push(Line::from(""));
            for (i, hint) in shown.iter().enumerate() {
                lines.push(Line::styled(
                    format!("Hint {}: {}", i + 1, clean(hint)),
                    theme.dim,
                ));
            }
        }
        if let Some(error) = &self.question.error {
            lines.push(Line::from(""));
            lines.push(Line::styled(format!("? {}", clean(error)), bold));
        }
        if let (true, Some(graded)) = (self.feedback, &self.question.graded) {
            lines.push(Line::from(""));
            let mark = match graded.verdict {
                Verdict::Correct => "✓ Correct",
                Verdict::Partial => "~ Partly correct",
                Verdict::Wrong => "✗ Wrong",
            };
            lines.push(Line::styled(
                format!("{mark}: {}", clean(&graded.message)),
                bold,
            ));
            if graded.verdict != Verdict::Correct && !graded.key.is_empty() {
                lines.push(Line::from(format!("Answer: {}", clean(&graded.key))));
            }
            if !graded.explanation.is_empty() {
                lines.push(Line::from(format!("Why: {}", clean(&graded.explanation))));
            }
        }
        Text::from(lines)
    }
}

impl Widget for &QuestionView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Paragraph::new(self.to_text())
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}
