//! How the learning flow moves on: the stage after each stage, and what entering a stage
//! sets up (the block's resume point, the lab's engine run, the next practice question).

use crate::content::scenario;
use crate::grade::Item;
use crate::session::question::{Effect, Question};
use crate::session::record::Save;

use super::{LabWalk, Learn, Resume, Stage};

impl Learn {
    /// The stage after the current one.
    pub(super) fn next(&mut self) -> Vec<Effect> {
        let blocks = &self.module.module.blocks;
        match self.stage {
            Stage::Overview => {
                let mut effects = self.enter_block(self.start);
                match self.resume.take() {
                    Some(Resume::Practice { index }) => {
                        effects.extend(self.practice(self.start, index));
                    }
                    Some(Resume::Consolidation) => {
                        effects.extend(self.consolidation(self.start, 0));
                    }
                    None => {}
                }
                effects
            }
            Stage::Priming { block } => self.enter(Stage::Concept { block }),
            Stage::Concept { block } => self.enter(Stage::Reveal { block }),
            Stage::Reveal { block } => self.enter(Stage::Bridge { block }),
            Stage::Bridge { block } => match blocks.get(block).and_then(|b| b.lab.as_ref()) {
                Some(_) => self.enter(Stage::Lab { block }),
                None => self.after_lab(block),
            },
            Stage::Lab { block } => {
                let predictions = self.lab().map_or(0, |lab| lab.predictions.len());
                if predictions > 0 && self.lab.is_some() {
                    self.enter(Stage::LabPredict { block, index: 0 })
                } else {
                    self.after_lab(block)
                }
            }
            Stage::LabPredict { block, index } => {
                let predictions = self.lab().map_or(0, |lab| lab.predictions.len());
                if index + 1 < predictions {
                    if let Some(walk) = &mut self.lab {
                        walk.answer = None;
                    }
                    self.enter(Stage::LabPredict {
                        block,
                        index: index + 1,
                    })
                } else {
                    self.after_lab(block)
                }
            }
            Stage::Practice { block, index } => self.practice(block, index + 1),
            Stage::Consolidation { block, index } => self.consolidation(block, index + 1),
            Stage::BlockDone { block } => {
                if block + 1 < blocks.len() {
                    self.enter_block(block + 1)
                } else if self.module.module.integration.is_some() {
                    self.enter(Stage::Integration)
                } else {
                    self.enter(Stage::ExamOffer)
                }
            }
            Stage::Integration => self.integration_prompt(0),
            Stage::IntegrationPrompt { index } => self.integration_prompt(index + 1),
            Stage::IntegrationExercise { index } => self.integration_exercise(index + 1),
            Stage::ExamOffer => {
                self.stage = Stage::Done;
                vec![Effect::Finished]
            }
            Stage::Done => vec![Effect::Finished],
        }
    }

    pub(super) fn enter(&mut self, stage: Stage) -> Vec<Effect> {
        self.stage = stage;
        if let Stage::Lab { block } = stage {
            self.lab = None;
            self.lab_error = None;
            if let Some(lab) = self
                .module
                .module
                .blocks
                .get(block)
                .and_then(|b| b.lab.as_ref())
            {
                match scenario::breaker_run(&lab.breaker, &lab.script) {
                    Ok(run) => {
                        self.lab = Some(LabWalk {
                            run,
                            answer: None,
                            correct: 0,
                            answered: 0,
                        });
                    }
                    Err(error) => self.lab_error = Some(error.to_string()),
                }
            }
        }
        Vec::new()
    }

    pub(super) fn enter_block(&mut self, block: usize) -> Vec<Effect> {
        self.priming_answer = None;
        self.question = None;
        let Some(id) = self.module.module.blocks.get(block).map(|b| b.id.clone()) else {
            return self.enter(Stage::ExamOffer);
        };
        self.stage = Stage::Priming { block };
        vec![Effect::Save(Save::CurrentBlock {
            module: self.module.id().to_owned(),
            block: id,
        })]
    }

    pub(super) fn after_lab(&mut self, block: usize) -> Vec<Effect> {
        self.lab = None;
        self.practice(block, 0)
    }

    pub(super) fn item_seed(&self, salt: usize) -> u64 {
        self.seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(salt as u64)
    }

    /// Makes the question for exercise `id`; `None` when it is missing or cannot run.
    pub(super) fn make_question(&self, id: &str, salt: usize) -> Option<Question> {
        let exercise = self.module.exercise(id)?;
        Item::new(exercise, self.item_seed(salt))
            .ok()
            .map(Question::new)
    }

    pub(super) fn practice(&mut self, block: usize, index: usize) -> Vec<Effect> {
        let ids = self
            .module
            .module
            .blocks
            .get(block)
            .map(|b| b.practice.clone())
            .unwrap_or_default();
        for (i, id) in ids.iter().enumerate().skip(index) {
            if let Some(question) = self.make_question(id, block * 1000 + i) {
                self.question = Some(question);
                self.stage = Stage::Practice { block, index: i };
                return Vec::new();
            }
        }
        self.question = None;
        self.consolidation(block, 0)
    }

    pub(super) fn consolidation(&mut self, block: usize, index: usize) -> Vec<Effect> {
        let count = self
            .module
            .module
            .blocks
            .get(block)
            .map_or(0, |b| b.consolidation.len());
        if index < count {
            self.stage = Stage::Consolidation { block, index };
            return Vec::new();
        }
        self.stage = Stage::BlockDone { block };
        let blocks = &self.module.module.blocks;
        let (Some(done), next) = (
            blocks.get(block).map(|b| b.id.clone()),
            blocks.get(block + 1).map(|b| b.id.clone()),
        ) else {
            return Vec::new();
        };
        vec![Effect::Save(Save::BlockCompleted {
            module: self.module.id().to_owned(),
            block: done,
            next,
        })]
    }

    pub(super) fn integration_prompt(&mut self, index: usize) -> Vec<Effect> {
        let count = self
            .module
            .module
            .integration
            .as_ref()
            .map_or(0, |i| i.prompts.len());
        if index < count {
            self.stage = Stage::IntegrationPrompt { index };
            return Vec::new();
        }
        self.integration_exercise(0)
    }

    pub(super) fn integration_exercise(&mut self, index: usize) -> Vec<Effect> {
        let ids = self
            .module
            .module
            .integration
            .as_ref()
            .map(|i| i.exercises.clone())
            .unwrap_or_default();
        for (i, id) in ids.iter().enumerate().skip(index) {
            if let Some(question) = self.make_question(id, 1_000_000 + i) {
                self.question = Some(question);
                self.stage = Stage::IntegrationExercise { index: i };
                return Vec::new();
            }
        }
        self.question = None;
        self.enter(Stage::ExamOffer)
    }
}
