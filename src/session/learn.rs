//! The learning flow of one module: overview → per focus block: priming question (answered
//! before the concept, its answer revealed after) → concept → bridge → lab → practice graded
//! on the spot → consolidation into the journal → next block; then the integration
//! challenge and the offer of the exam.
//!
//! Invariants: every graded practice answer and every reflection becomes a [`Save`] the
//! moment it is given; entering a block saves it as the resume point; lab predictions are
//! graded against the engine's run of the lab script, never against authored text. A
//! resumed session ([`Learn::resume`]) leaves its overview for the first practice item of
//! the block not yet answered, unless the learner restarts the block.

use std::collections::HashSet;

use crate::content::LoadedModule;
use crate::content::model::{Block, Lab, StateName};
use crate::content::scenario;
use crate::engine::script::Run;
use crate::grade::{Verdict, parse};

use super::question::{Effect, Input, Question, too_long};
use super::record::Save;

/// Where the learner is in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Outcomes, blocks and time.
    Overview,
    /// The priming question of block `block` (index from 0), before the concept.
    Priming { block: usize },
    /// The concept's Markdown.
    Concept { block: usize },
    /// The priming question's answer, beside the learner's guess.
    Reveal { block: usize },
    /// The analogy.
    Bridge { block: usize },
    /// The lab's introduction (the TUI opens the stepper here).
    Lab { block: usize },
    /// A lab prediction (plain walk-through of the lab's script).
    LabPredict { block: usize, index: usize },
    /// A practice exercise.
    Practice { block: usize, index: usize },
    /// A consolidation prompt; the answer goes to the journal.
    Consolidation { block: usize, index: usize },
    /// The block is finished.
    BlockDone { block: usize },
    /// The integration challenge's brief.
    Integration,
    /// An integration design prompt (journaled).
    IntegrationPrompt { index: usize },
    /// An integration exercise (graded).
    IntegrationExercise { index: usize },
    /// The module is done: take the exam.
    ExamOffer,
    /// The session is over.
    Done,
}

/// A graded lab prediction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabAnswer {
    /// The script step (from 1).
    pub step: usize,
    pub predicted: StateName,
    pub actual: StateName,
    /// The engine's transitions during the step, with reasons, or that it stayed.
    pub reason: String,
}

impl LabAnswer {
    pub fn is_correct(&self) -> bool {
        self.predicted == self.actual
    }
}

/// The lab played by the engine's script runner, for the plain walk-through.
#[derive(Debug, Clone, PartialEq)]
pub struct LabWalk {
    pub run: Run,
    /// The answer to the current prediction, once given.
    pub answer: Option<LabAnswer>,
    pub correct: u32,
    pub answered: u32,
}

/// Where a resumed session continues inside its block, past priming, concept, bridge and
/// lab (which the learner went through before leaving).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Practice item `index` (from 0): the block's first item not answered yet.
    Practice { index: usize },
    /// Every practice item was answered: the block's consolidation prompts.
    Consolidation,
}

/// The learning session.
#[derive(Debug, Clone)]
pub struct Learn {
    module: LoadedModule,
    stage: Stage,
    /// The block the overview leads to.
    start: usize,
    /// Where in block `start` the overview leads to; `None` is the block's priming.
    resume: Option<Resume>,
    seed: u64,
    priming_answer: Option<String>,
    question: Option<Question>,
    lab: Option<LabWalk>,
    /// A lab that cannot run (content `check` rejects it): shown instead of the walk.
    lab_error: Option<String>,
    /// Practice verdicts this session, by exercise id, in order.
    results: Vec<(String, Verdict)>,
}

/// The journal's block id for the integration challenge's prompts.
pub const INTEGRATION_BLOCK: &str = "integration";

impl Learn {
    /// A session on `module` at its overview, leading to block `start` (from 0; clamped).
    /// `seed` picks the values of parametric practice items.
    pub fn new(module: LoadedModule, start: usize, seed: u64) -> Self {
        let last = module.module.blocks.len().saturating_sub(1);
        Self {
            module,
            stage: Stage::Overview,
            start: start.min(last),
            resume: None,
            seed,
            priming_answer: None,
            question: None,
            lab: None,
            lab_error: None,
            results: Vec::new(),
        }
    }

    /// A session on `module` at its overview, leading back into block `block` (from 0) where
    /// the learner left it: the first practice item whose id is not in `answered`, or the
    /// consolidation prompts when every one is. An attempted item counts as answered, right
    /// or wrong (a miss is already enrolled in review). When no practice item of the block
    /// is in `answered` (nothing done yet, the block was out of range, or the ids are stale
    /// because the module changed), this is [`Learn::new`]: the block from its priming.
    pub fn resume(
        module: LoadedModule,
        block: usize,
        answered: &HashSet<String>,
        seed: u64,
    ) -> Self {
        let resume = module.module.blocks.get(block).and_then(|b| {
            if !b.practice.iter().any(|id| answered.contains(id)) {
                return None;
            }
            Some(
                match b.practice.iter().position(|id| !answered.contains(id)) {
                    Some(index) => Resume::Practice { index },
                    None => Resume::Consolidation,
                },
            )
        });
        let mut learn = Self::new(module, block, seed);
        learn.resume = resume;
        learn
    }

    /// Where inside the start block the overview leads to; `None`: its beginning.
    pub fn resume_point(&self) -> Option<Resume> {
        self.resume
    }

    /// At the overview, drops the resume point: the start block begins at its priming.
    /// Elsewhere it does nothing. Returns whether there was a resume point to drop.
    pub fn restart_block(&mut self) -> bool {
        self.stage == Stage::Overview && self.resume.take().is_some()
    }

    /// What the overview tells a resuming learner, e.g. `Continue at block 2 'Mechanics',
    /// practice 5 of 6.`; `None` when the session starts at a block's beginning.
    pub fn continue_message(&self) -> Option<String> {
        let resume = self.resume?;
        let block = self.module.module.blocks.get(self.start)?;
        let place = match resume {
            Resume::Practice { index } => {
                format!("practice {} of {}", index + 1, block.practice.len())
            }
            Resume::Consolidation => "consolidation (every practice item answered)".to_owned(),
        };
        Some(format!(
            "Continue at block {} '{}', {place}.",
            self.start + 1,
            block.title
        ))
    }

    pub fn module(&self) -> &LoadedModule {
        &self.module
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The block the overview leads to (from 0).
    pub fn start_block(&self) -> usize {
        self.start
    }

    /// The block being worked on, if the stage is inside one.
    pub fn block(&self) -> Option<(usize, &Block)> {
        let index = match self.stage {
            Stage::Priming { block }
            | Stage::Concept { block }
            | Stage::Reveal { block }
            | Stage::Bridge { block }
            | Stage::Lab { block }
            | Stage::LabPredict { block, .. }
            | Stage::Practice { block, .. }
            | Stage::Consolidation { block, .. }
            | Stage::BlockDone { block } => block,
            _ => return None,
        };
        self.module.module.blocks.get(index).map(|b| (index, b))
    }

    /// The learner's answer to the current block's priming question.
    pub fn priming_answer(&self) -> Option<&str> {
        self.priming_answer.as_deref()
    }

    /// The current block's concept Markdown.
    pub fn concept(&self) -> &str {
        self.block()
            .and_then(|(_, b)| self.module.markdown(&b.concept))
            .unwrap_or("")
    }

    /// The current block's lab.
    pub fn lab(&self) -> Option<&Lab> {
        self.block().and_then(|(_, b)| b.lab.as_ref())
    }

    /// The plain walk-through of the current lab.
    pub fn lab_walk(&self) -> Option<&LabWalk> {
        self.lab.as_ref()
    }

    /// Why the current lab cannot run, if it cannot.
    pub fn lab_error(&self) -> Option<&str> {
        self.lab_error.as_deref()
    }

    /// The practice or integration exercise being asked.
    pub fn question(&self) -> Option<&Question> {
        self.question.as_ref()
    }

    /// Practice verdicts of this session, in order.
    pub fn results(&self) -> &[(String, Verdict)] {
        &self.results
    }

    /// The integration Markdown brief.
    pub fn integration_brief(&self) -> &str {
        self.module
            .module
            .integration
            .as_ref()
            .and_then(|i| self.module.markdown(&i.brief))
            .unwrap_or("")
    }

    /// The prompt text of the current consolidation or integration prompt.
    pub fn reflection_prompt(&self) -> Option<&str> {
        match self.stage {
            Stage::Consolidation { index, .. } => self
                .block()
                .and_then(|(_, b)| b.consolidation.get(index))
                .map(String::as_str),
            Stage::IntegrationPrompt { index } => self
                .module
                .module
                .integration
                .as_ref()
                .and_then(|i| i.prompts.get(index))
                .map(String::as_str),
            _ => None,
        }
    }

    /// Whether the stage waits for an answer (else [`Input::Continue`] moves on).
    pub fn awaits_answer(&self) -> bool {
        match self.stage {
            Stage::Priming { .. }
            | Stage::Consolidation { .. }
            | Stage::IntegrationPrompt { .. } => true,
            Stage::LabPredict { .. } => self.lab.as_ref().is_some_and(|l| l.answer.is_none()),
            Stage::Practice { .. } | Stage::IntegrationExercise { .. } => {
                self.question.as_ref().is_some_and(|q| !q.is_graded())
            }
            _ => false,
        }
    }

    /// The state machine.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        if input == Input::Quit {
            return vec![Effect::Quit];
        }
        match (self.stage, input) {
            (Stage::Done, _) => vec![Effect::Finished],
            (Stage::Priming { block }, Input::Answer(text)) => {
                if text.trim().is_empty() {
                    return vec![Effect::Invalid(
                        "write your best guess (any answer is fine: it is revealed after the \
                         concept), or 'skip'"
                            .into(),
                    )];
                }
                self.priming_answer = Some(text.trim().to_owned());
                self.enter(Stage::Concept { block })
            }
            (Stage::LabPredict { .. }, Input::Answer(text)) => self.predict(&text),
            (Stage::Practice { .. } | Stage::IntegrationExercise { .. }, Input::Answer(text)) => {
                self.answer(&text)
            }
            (
                Stage::Practice { .. } | Stage::IntegrationExercise { .. },
                Input::Unreadable(text),
            ) => self.give_up(&text),
            // A prediction or a page that cannot be answered wrong: go on as after 'skip'.
            (_, Input::Unreadable(_)) => self.next(),
            (Stage::Practice { .. } | Stage::IntegrationExercise { .. }, Input::Hint) => {
                match &mut self.question {
                    Some(q) if !q.is_graded() => vec![q.hint()],
                    _ => vec![Effect::NoHint("no question is open".into())],
                }
            }
            (
                Stage::Consolidation { .. } | Stage::IntegrationPrompt { .. },
                Input::Answer(text),
            ) => self.reflect(&text),
            (_, Input::Hint) => vec![Effect::NoHint("hints belong to exercises".into())],
            (_, Input::Answer(_)) if !self.awaits_answer() => self.next(),
            (_, Input::Answer(_)) => Vec::new(),
            (_, Input::Continue) if self.awaits_answer() => Vec::new(),
            (_, Input::Continue | Input::Skip) => self.next(),
            (_, Input::Quit) => vec![Effect::Quit],
        }
    }

    /// The TUI ran the lab in the stepper: go on past the plain walk-through.
    pub fn finish_lab(&mut self) -> Vec<Effect> {
        match self.stage {
            Stage::Lab { block } | Stage::LabPredict { block, .. } => self.after_lab(block),
            _ => Vec::new(),
        }
    }

    fn predict(&mut self, text: &str) -> Vec<Effect> {
        let Stage::LabPredict { index, .. } = self.stage else {
            return Vec::new();
        };
        let predicted = match parse::state(text) {
            Ok(state) => state,
            Err(error) => return vec![Effect::Invalid(error.0)],
        };
        let Some(step) = self
            .lab()
            .and_then(|lab| lab.predictions.get(index))
            .map(|p| p.step as usize)
        else {
            return self.next();
        };
        let Some(walk) = &mut self.lab else {
            return self.next();
        };
        let Some(report) = step.checked_sub(1).and_then(|i| walk.run.steps.get(i)) else {
            return self.next();
        };
        let reason = if report.transitions.is_empty() {
            format!("no transition: the breaker stayed {}", report.state)
        } else {
            report
                .transitions
                .iter()
                .map(|t| format!("{} → {}: {}", t.from, t.to, t.reason))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let answer = LabAnswer {
            step,
            predicted,
            actual: scenario::state_name(report.state),
            reason,
        };
        walk.answered += 1;
        if answer.is_correct() {
            walk.correct += 1;
        }
        walk.answer = Some(answer);
        Vec::new()
    }

    fn answer(&mut self, text: &str) -> Vec<Effect> {
        let Some(question) = &mut self.question else {
            return self.next();
        };
        if question.is_graded() {
            return self.next();
        }
        let hints_used = question.hints.used();
        match question.answer(text).map(|graded| graded.verdict) {
            Err(error) => vec![Effect::Invalid(error.0)],
            Ok(_) if !question.item.is_graded() => {
                let save = Save::Journal {
                    module: self.module.id().to_owned(),
                    block: question
                        .item
                        .block()
                        .unwrap_or(INTEGRATION_BLOCK)
                        .to_owned(),
                    prompt: question.item.prompt().to_owned(),
                    text: text.trim().to_owned(),
                };
                vec![Effect::Save(save)]
            }
            Ok(verdict) => {
                let id = question.item.id().to_owned();
                self.results.push((id.clone(), verdict));
                vec![Effect::Save(Save::Attempt {
                    module: self.module.id().to_owned(),
                    exercise: id,
                    verdict,
                    hints_used,
                    answer: text.trim().to_owned(),
                })]
            }
        }
    }

    /// Counts the open question wrong after unreadable answers ([`Input::Unreadable`]).
    fn give_up(&mut self, text: &str) -> Vec<Effect> {
        let Some(question) = &mut self.question else {
            return self.next();
        };
        if question.is_graded() || !question.item.is_graded() {
            return self.next();
        }
        let hints_used = question.hints.used();
        let verdict = question.give_up(text).verdict;
        let id = question.item.id().to_owned();
        self.results.push((id.clone(), verdict));
        vec![Effect::Save(Save::Attempt {
            module: self.module.id().to_owned(),
            exercise: id,
            verdict,
            hints_used,
            answer: question.answer.clone().unwrap_or_default(),
        })]
    }

    fn reflect(&mut self, text: &str) -> Vec<Effect> {
        if text.trim().is_empty() {
            return vec![Effect::Invalid(
                "write a few words for your journal, or 'skip'".into(),
            )];
        }
        if let Some(message) = too_long(text) {
            return vec![Effect::Invalid(message)];
        }
        let block = match self.block() {
            Some((_, b)) => b.id.clone(),
            None => INTEGRATION_BLOCK.to_owned(),
        };
        let prompt = self.reflection_prompt().unwrap_or_default().to_owned();
        let mut effects = vec![Effect::Save(Save::Journal {
            module: self.module.id().to_owned(),
            block,
            prompt,
            text: text.trim().to_owned(),
        })];
        effects.extend(self.next());
        effects
    }
}

mod flow;

#[cfg(test)]
mod tests;
