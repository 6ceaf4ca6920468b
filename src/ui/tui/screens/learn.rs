//! The learning screen over a [`Learn`] session: the module overview, each block's priming
//! question, concept (in the pager), bridge, the lab (the stepper screen, in prediction
//! mode), practice exercises graded on the spot, consolidation into the journal. A resumed
//! session's overview says where it continues; `r` there starts the block over instead.
//!
//! `update` turns keys into session inputs and returns the session's effects; `perform`
//! saves them (one store update per event) and decides when to leave; `render` only reads.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Text;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::chrome::{footer, status_line, title_bar};
use super::stepper::Stepper;
use crate::content::model::StateName;
use crate::content::scenario;
use crate::engine::script::Script;
use crate::progress::Timestamp;
use crate::session::lab::{Lab, LabEffect, LabSetup, Prediction};
use crate::session::learn::{Learn, Stage};
use crate::session::question::{Effect, Input};
use crate::session::record::Recorder;
use crate::ui::plain::flow::describe_breaker;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::Theme;
use crate::ui::tui::widgets::pager::{Hint, Pager, PagerMsg};
use crate::ui::tui::widgets::question::{AnswerEntry, EntryAction, QuestionView};
use crate::ui::tui::widgets::text_input::TextInput;

/// What the screen reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnMsg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): inserted as text, never as keys.
    Paste(String),
    Resize(u16, u16),
}

/// What the screen asks `perform` to do.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnEffect {
    /// Carry out the session's effects (saves, messages, the end).
    Apply(Vec<Effect>),
    /// Leave the screen (`q`); everything answered is already saved.
    Leave,
}

/// How the screen ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnOutcome {
    /// The module's flow reached its end.
    Finished,
    /// The learner went back.
    Back,
}

mod body;

const PAGER_HINTS: &[Hint] = &[
    ("enter", "continue"),
    ("q", "back"),
    ("j/k", "scroll"),
    ("space/b", "page"),
];

/// The learning screen.
pub struct LearnScreen {
    session: Learn,
    recorder: Recorder,
    clock: fn() -> Timestamp,
    theme: Theme,
    done: Vec<String>,
    pager: Pager,
    stepper: Option<Stepper>,
    entry: AnswerEntry,
    text: TextInput,
    status: Option<String>,
    /// The stage the entry and pager were prepared for.
    prepared: Option<Stage>,
    /// The overview shows every outcome in place of the summary (`o` toggles).
    outcomes_only: bool,
}

impl LearnScreen {
    /// A screen over `session`; `done` are the block ids already completed; `clock` stamps
    /// saved events.
    pub fn new(
        session: Learn,
        recorder: Recorder,
        clock: fn() -> Timestamp,
        theme: Theme,
        done: Vec<String>,
    ) -> Self {
        let pager = Pager::new("", "", theme).with_hints(PAGER_HINTS);
        Self {
            session,
            recorder,
            clock,
            theme,
            done,
            pager,
            stepper: None,
            entry: AnswerEntry::default(),
            text: TextInput::default(),
            status: None,
            prepared: None,
            outcomes_only: false,
        }
    }

    pub fn session(&self) -> &Learn {
        &self.session
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Resets the entry and loads the pager when the stage changed.
    fn prepare(&mut self) {
        let stage = self.session.stage();
        if self.prepared == Some(stage) {
            return;
        }
        self.prepared = Some(stage);
        self.entry.reset();
        self.text.clear();
        match stage {
            Stage::Concept { .. } => {
                let title = self
                    .session
                    .block()
                    .map(|(i, b)| format!("Block {} · {}", i + 1, b.title))
                    .unwrap_or_default();
                let markdown = self.session.concept().to_owned();
                self.pager.set_markdown(title, markdown);
            }
            Stage::Integration => {
                let title = self
                    .session
                    .module()
                    .module
                    .integration
                    .as_ref()
                    .map(|i| i.title.clone())
                    .unwrap_or_default();
                let markdown = self.session.integration_brief().to_owned();
                self.pager.set_markdown(title, markdown);
            }
            _ => {}
        }
    }

    fn send(&mut self, input: Input) -> Option<LearnEffect> {
        self.status = None;
        let effects = self.session.handle(input);
        self.prepare();
        Some(LearnEffect::Apply(effects))
    }

    fn open_lab(&mut self) -> Option<LearnEffect> {
        let Some(lab) = self.session.lab() else {
            return self.finish_lab();
        };
        let built = scenario::breaker_config(&lab.breaker)
            .map_err(|e| e.to_string())
            .and_then(|config| {
                let script = Script::parse(&lab.script).map_err(|e| e.to_string())?;
                Lab::new(
                    LabSetup::new("lab", config)
                        .script(script)
                        .prediction(Prediction::Ask),
                )
                .map_err(|e| e.to_string())
            });
        match built {
            Ok(lab_state) => {
                let title = format!("Lab · {}", describe_breaker(&lab.breaker));
                self.stepper = Some(Stepper::new(lab_state, title, self.theme));
                None
            }
            Err(error) => {
                self.status = Some(format!("The lab cannot run: {error}"));
                None
            }
        }
    }

    fn finish_lab(&mut self) -> Option<LearnEffect> {
        self.stepper = None;
        let effects = self.session.finish_lab();
        self.prepare();
        Some(LearnEffect::Apply(effects))
    }

    /// A paste goes into the answer being typed, as text; elsewhere it is ignored (a paste
    /// never moves the session on, whatever line breaks it holds).
    fn paste(&mut self, text: &str) {
        if self.stepper.is_some() || !self.session.awaits_answer() {
            return;
        }
        match self.session.stage() {
            Stage::Practice { .. } | Stage::IntegrationExercise { .. } => {
                if let Some(question) = self.session.question() {
                    self.entry.paste(text, &question.item);
                }
                self.status = self.entry.take_notice();
            }
            Stage::LabPredict { .. } => {
                self.status = Some("A paste is not a prediction: press c, o or h.".to_owned());
            }
            _ => {
                self.text.paste(text, true);
                self.status = self.text.take_notice();
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> Option<LearnEffect> {
        if let Some(stepper) = &mut self.stepper {
            let input = stepper.input_for(&key)?;
            return match stepper.update(input) {
                Some(LabEffect::Close) => self.finish_lab(),
                None => None,
            };
        }
        let stage = self.session.stage();
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match stage {
            Stage::Concept { .. } | Stage::Integration => {
                if matches!(key.code, KeyCode::Enter | KeyCode::Char('n')) {
                    return self.send(Input::Continue);
                }
                match PagerMsg::from_key(&key) {
                    Some(PagerMsg::Close) => Some(LearnEffect::Leave),
                    Some(msg) => {
                        self.pager.update(msg);
                        None
                    }
                    None => None,
                }
            }
            Stage::Lab { .. } => match key.code {
                KeyCode::Enter => self.open_lab(),
                KeyCode::Char('n') => self.finish_lab(),
                KeyCode::Char('q') | KeyCode::Esc => Some(LearnEffect::Leave),
                _ => None,
            },
            Stage::LabPredict { .. } if self.session.awaits_answer() => {
                let state = match key.code {
                    KeyCode::Char('c') => StateName::Closed,
                    KeyCode::Char('o') => StateName::Open,
                    KeyCode::Char('h') => StateName::HalfOpen,
                    KeyCode::Char('q') | KeyCode::Esc => return Some(LearnEffect::Leave),
                    _ => return None,
                };
                self.send(Input::Answer(state.as_str().to_owned()))
            }
            Stage::Practice { .. } | Stage::IntegrationExercise { .. }
                if self.session.awaits_answer() =>
            {
                let question = self.session.question()?;
                let action = self.entry.handle(&key, &question.item);
                if let Some(notice) = self.entry.take_notice() {
                    self.status = Some(notice);
                }
                match action? {
                    EntryAction::Submit(text) => self.send(Input::Answer(text)),
                    EntryAction::Hint => self.send(Input::Hint),
                    EntryAction::Skip => self.send(Input::Skip),
                    EntryAction::Back => Some(LearnEffect::Leave),
                }
            }
            _ if self.session.awaits_answer() => match key.code {
                KeyCode::Enter => {
                    let text = self.text.text().to_owned();
                    self.send(Input::Answer(text))
                }
                KeyCode::Esc => Some(LearnEffect::Leave),
                KeyCode::Char('n') if ctrl => self.send(Input::Skip),
                _ => {
                    self.text.handle(&key, true);
                    self.status = self.text.take_notice().or(self.status.take());
                    None
                }
            },
            Stage::Overview if key.code == KeyCode::Char('o') => {
                self.outcomes_only = !self.outcomes_only;
                None
            }
            Stage::Overview if key.code == KeyCode::Char('r') => {
                if self.session.restart_block() {
                    self.status = Some(format!(
                        "Block {} will start from its beginning.",
                        self.session.start_block() + 1
                    ));
                }
                None
            }
            _ => match key.code {
                KeyCode::Enter | KeyCode::Char(' ' | 'n') => self.send(Input::Continue),
                KeyCode::Char('q') | KeyCode::Esc => Some(LearnEffect::Leave),
                _ => None,
            },
        }
    }

    fn footer_hints(&self) -> Vec<(&'static str, &'static str)> {
        match self.session.stage() {
            Stage::Lab { .. } => vec![("enter", "open the lab"), ("n", "skip"), ("q", "back")],
            Stage::LabPredict { .. } if self.session.awaits_answer() => {
                vec![("c/o/h", "predict"), ("q", "back")]
            }
            Stage::Practice { .. } | Stage::IntegrationExercise { .. }
                if self.session.awaits_answer() =>
            {
                self.session
                    .question()
                    .map(|q| AnswerEntry::hints(&q.item).to_vec())
                    .unwrap_or_default()
            }
            _ if self.session.awaits_answer() => vec![
                ("enter", "save"),
                ("^j", "new line"),
                ("^n", "skip"),
                ("esc", "back"),
            ],
            Stage::Overview if self.session.resume_point().is_some() => vec![
                ("enter", "continue"),
                ("r", "restart block"),
                ("o", "outcomes"),
                ("q", "back"),
            ],
            Stage::Overview => vec![("enter", "continue"), ("o", "outcomes"), ("q", "back")],
            _ => vec![("enter", "continue"), ("q", "back")],
        }
    }

    /// The title bar's right side: where the learner is.
    fn position(&self) -> String {
        let blocks = self.session.module().module.blocks.len();
        let place = match self.session.block() {
            Some((i, _)) => format!("block {}/{blocks}", i + 1),
            None => String::new(),
        };
        let stage = match self.session.stage() {
            Stage::Overview => "overview",
            Stage::Priming { .. } => "priming",
            Stage::Concept { .. } => "concept",
            Stage::Reveal { .. } => "priming answer",
            Stage::Bridge { .. } => "bridge",
            Stage::Lab { .. } | Stage::LabPredict { .. } => "lab",
            Stage::Practice { .. } => "practice",
            Stage::Consolidation { .. } => "consolidation",
            Stage::BlockDone { .. } => "block done",
            Stage::Integration
            | Stage::IntegrationPrompt { .. }
            | Stage::IntegrationExercise { .. } => "integration",
            Stage::ExamOffer | Stage::Done => "done",
        };
        if place.is_empty() {
            stage.to_owned()
        } else {
            format!("{place} · {stage}")
        }
    }

    fn draw(&self, area: Rect, buf: &mut Buffer) {
        if let Some(stepper) = &self.stepper {
            Widget::render(stepper, area, buf);
            return;
        }
        if matches!(
            self.session.stage(),
            Stage::Concept { .. } | Stage::Integration
        ) {
            Widget::render(&self.pager, area, buf);
            return;
        }
        let [title, body, status, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        title_bar(
            buf,
            title,
            &self.theme,
            &self.session.module().module.title,
            &self.position(),
        );
        let inner = body.inner(ratatui::layout::Margin::new(1, 1));
        let showing_question = matches!(
            self.session.stage(),
            Stage::Practice { .. } | Stage::IntegrationExercise { .. }
        );
        match self.session.question().filter(|_| showing_question) {
            Some(question) => {
                let view = QuestionView {
                    question,
                    entry: &self.entry,
                    theme: &self.theme,
                    feedback: true,
                };
                Widget::render(&view, inner, buf);
            }
            None if self.session.stage() == Stage::Overview => {
                // The plan stays visible at any height; the summary and outcomes above it
                // are clipped first.
                let plan = self.overview_plan(inner.width);
                let plan_height = u16::try_from(plan.len()).unwrap_or(u16::MAX);
                let [head, _gap, plan_area] = Layout::vertical([
                    Constraint::Min(0),
                    Constraint::Length(1),
                    Constraint::Length(plan_height),
                ])
                .areas(inner);
                Paragraph::new(self.overview_head(head.width, head.height, self.outcomes_only))
                    .wrap(Wrap { trim: false })
                    .render(head, buf);
                Paragraph::new(Text::from(plan)).render(plan_area, buf);
            }
            None => Paragraph::new(self.body())
                .wrap(Wrap { trim: false })
                .render(inner, buf),
        }
        let held = self.recorder.held_notice();
        status_line(buf, status, self.status.as_deref(), held.as_deref());
        footer(buf, foot, &self.theme, &self.footer_hints());
    }
}

impl App for LearnScreen {
    type Msg = LearnMsg;
    type Effect = LearnEffect;
    type Output = LearnOutcome;

    fn message(&self, event: &Event) -> Option<LearnMsg> {
        match event {
            Event::Key(key) => Some(LearnMsg::Key(*key)),
            Event::Paste(text) => Some(LearnMsg::Paste(text.clone())),
            Event::Resize { width, height } => Some(LearnMsg::Resize(*width, *height)),
            Event::Tick => None,
        }
    }

    fn update(&mut self, msg: LearnMsg) -> Option<LearnEffect> {
        self.prepare();
        match msg {
            LearnMsg::Resize(width, height) => {
                self.pager.update(PagerMsg::Resize { width, height });
                None
            }
            LearnMsg::Key(key) => self.key(key),
            LearnMsg::Paste(text) => {
                self.paste(&text);
                None
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>) {
        self.draw(frame.area(), frame.buffer_mut());
    }

    fn perform(&mut self, effect: LearnEffect) -> Flow<LearnOutcome> {
        let effects = match effect {
            LearnEffect::Leave => return Flow::Exit(LearnOutcome::Back),
            LearnEffect::Apply(effects) => effects,
        };
        // An open question shows its own parse error and hints; other stages use the status.
        let question_shown = matches!(
            self.session.stage(),
            Stage::Practice { .. } | Stage::IntegrationExercise { .. }
        );
        for effect in effects {
            match effect {
                Effect::Save(save) => {
                    if let Err(message) = self.recorder.record(save, (self.clock)()) {
                        // One status line: the short notice (why, what is held) fits; the full
                        // message with its paths is printed on exit.
                        self.status = Some(self.recorder.held_notice().unwrap_or(message));
                    }
                }
                Effect::Invalid(_) | Effect::Hint(..) if question_shown => {}
                Effect::Invalid(message) | Effect::NoHint(message) => self.status = Some(message),
                Effect::Hint(tier, text) => self.status = Some(format!("Hint {tier}: {text}")),
                Effect::Finished => return Flow::Exit(LearnOutcome::Finished),
                Effect::Quit => return Flow::Exit(LearnOutcome::Back),
            }
        }
        Flow::Continue
    }
}
