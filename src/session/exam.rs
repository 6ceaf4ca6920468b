//! The mastery exam: items drawn from the module's pools and generators with one seed, asked
//! one at a time without feedback, then scored against the pass mark with a breakdown by
//! focus block.
//!
//! Invariants: the same module and seed draw the same items with the same parametric values
//! and keys; the result is saved once, when the last item is answered; a partly correct
//! answer scores no point (the pass mark counts right answers).

use crate::content::LoadedModule;
use crate::engine::rng::Rng;
use crate::grade::{Item, ItemProblem, Verdict};

use super::learn::INTEGRATION_BLOCK;
use super::question::{Effect, Input, Question};
use super::record::Save;

/// One exam item: the question and where it counts in the breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamQuestion {
    pub question: Question,
    /// The pool it was drawn from (or `generator`).
    pub pool: String,
    /// The focus block id it belongs to (the pool name when the exercise names none).
    pub block: String,
    /// The learner skipped it.
    pub skipped: bool,
}

/// The score per focus block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockScore {
    pub block: String,
    /// The block's title when the module has a block with that id.
    pub title: String,
    pub correct: u32,
    pub total: u32,
}

/// The exam's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamScore {
    pub score: u32,
    pub out_of: u32,
    /// Whole percent, rounded down.
    pub percent: u32,
    pub pass_mark: u32,
    pub passed: bool,
    pub by_block: Vec<BlockScore>,
}

/// The exam session.
#[derive(Debug, Clone, PartialEq)]
pub struct Exam {
    module: String,
    title: String,
    pass_mark: u32,
    seed: u64,
    blocks: Vec<(String, String)>,
    items: Vec<ExamQuestion>,
    current: usize,
    finished: bool,
}

impl Exam {
    /// Draws the exam of `module` with `seed`.
    pub fn new(module: &LoadedModule, seed: u64) -> Result<Self, ItemProblem> {
        let mut rng = Rng::seeded(seed);
        let mut items = Vec::new();
        for pool in &module.module.exam.pools {
            let mut ids: Vec<&String> = pool.items.iter().collect();
            // A partial Fisher-Yates shuffle: the first `draw` ids are the draw.
            let draw = (pool.draw as usize).min(ids.len());
            for i in 0..draw {
                let span = (ids.len() - i) as u64;
                let j = i + (rng.next_u64() % span) as usize;
                ids.swap(i, j);
            }
            for id in &ids[..draw] {
                let Some(exercise) = module.exercise(id) else {
                    return Err(ItemProblem::NoKind((*id).clone()));
                };
                let item = Item::new(exercise, rng.next_u64())?;
                // A reflection scores nothing and proves nothing: never an exam item.
                if !item.is_graded() {
                    continue;
                }
                let block = block_of(module, &item, &pool.name);
                items.push(ExamQuestion {
                    question: Question::new(item),
                    pool: pool.name.clone(),
                    block,
                    skipped: false,
                });
            }
        }
        for generator in &module.module.exam.generators {
            let Some(exercise) = module.exercise(&generator.exercise) else {
                return Err(ItemProblem::NoKind(generator.exercise.clone()));
            };
            for _ in 0..generator.count {
                let item = Item::new(exercise, rng.next_u64())?;
                if !item.is_graded() {
                    continue;
                }
                let block = block_of(module, &item, "generated");
                items.push(ExamQuestion {
                    question: Question::new(item),
                    pool: "generator".into(),
                    block,
                    skipped: false,
                });
            }
        }
        Ok(Self {
            module: module.id().to_owned(),
            title: module.module.title.clone(),
            pass_mark: module.module.exam.pass_mark,
            seed,
            blocks: module
                .module
                .blocks
                .iter()
                .map(|b| (b.id.clone(), b.title.clone()))
                .chain(
                    module
                        .module
                        .integration
                        .iter()
                        .map(|i| (INTEGRATION_BLOCK.to_owned(), i.title.clone())),
                )
                .collect(),
            items,
            current: 0,
            finished: false,
        })
    }

    /// The module's id.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The module's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The seed that drew the items (`--seed` reproduces them).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every item, in the order asked.
    pub fn items(&self) -> &[ExamQuestion] {
        &self.items
    }

    /// The item being asked; `None` once finished.
    pub fn current(&self) -> Option<&ExamQuestion> {
        if self.finished {
            return None;
        }
        self.items.get(self.current)
    }

    /// (index of the item being asked from 0, number of items).
    pub fn progress(&self) -> (usize, usize) {
        (self.current.min(self.items.len()), self.items.len())
    }

    /// Whether every item has been answered.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The state machine.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        if self.finished {
            return vec![Effect::Finished];
        }
        let Some(current) = self.items.get_mut(self.current) else {
            return self.finish();
        };
        match input {
            Input::Answer(text) => match current.question.answer(&text) {
                Err(error) => vec![Effect::Invalid(error.0)],
                Ok(_) => self.advance(),
            },
            Input::Unreadable(text) => {
                current.question.give_up(&text);
                self.advance()
            }
            Input::Skip => {
                current.skipped = true;
                self.advance()
            }
            Input::Hint => vec![Effect::NoHint(
                "hints are not available in the exam; practise with 'patterns learn'".into(),
            )],
            Input::Continue => Vec::new(),
            Input::Quit => vec![Effect::Quit],
        }
    }

    fn advance(&mut self) -> Vec<Effect> {
        self.current += 1;
        if self.current >= self.items.len() {
            return self.finish();
        }
        Vec::new()
    }

    fn finish(&mut self) -> Vec<Effect> {
        self.finished = true;
        let Some(score) = self.score() else {
            return vec![Effect::Finished];
        };
        let items = self
            .items
            .iter()
            .map(|q| {
                (
                    q.question.item.id().to_owned(),
                    verdict_of(q),
                    q.question.answer.clone().unwrap_or_default(),
                )
            })
            .collect();
        vec![
            Effect::Save(Save::Exam {
                module: self.module.clone(),
                seed: self.seed,
                score: score.score,
                out_of: score.out_of,
                passed: score.passed,
                items,
            }),
            Effect::Finished,
        ]
    }

    /// The score, once finished.
    pub fn score(&self) -> Option<ExamScore> {
        if !self.finished {
            return None;
        }
        let out_of = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        let score = u32::try_from(
            self.items
                .iter()
                .filter(|q| verdict_of(q) == Verdict::Correct)
                .count(),
        )
        .unwrap_or(u32::MAX);
        let percent = if out_of == 0 {
            0
        } else {
            u32::try_from(u64::from(score) * 100 / u64::from(out_of)).unwrap_or(100)
        };
        let passed = u64::from(score) * 100 >= u64::from(self.pass_mark) * u64::from(out_of);
        let mut by_block: Vec<BlockScore> = Vec::new();
        for q in &self.items {
            let index = match by_block.iter().position(|b| b.block == q.block) {
                Some(index) => index,
                None => {
                    let title = self
                        .blocks
                        .iter()
                        .find(|(id, _)| *id == q.block)
                        .map_or_else(|| q.block.clone(), |(_, title)| title.clone());
                    by_block.push(BlockScore {
                        block: q.block.clone(),
                        title,
                        correct: 0,
                        total: 0,
                    });
                    by_block.len() - 1
                }
            };
            by_block[index].total += 1;
            if verdict_of(q) == Verdict::Correct {
                by_block[index].correct += 1;
            }
        }
        // Blocks in teaching order, then anything else.
        by_block.sort_by_key(|b| {
            self.blocks
                .iter()
                .position(|(id, _)| *id == b.block)
                .unwrap_or(usize::MAX)
        });
        Some(ExamScore {
            score,
            out_of,
            percent,
            pass_mark: self.pass_mark,
            passed,
            by_block,
        })
    }
}

/// Where `item` counts in the breakdown: its own block, else the integration challenge when
/// the challenge lists it (its exercises name no block), else `fallback` (the pool's name).
fn block_of(module: &LoadedModule, item: &Item, fallback: &str) -> String {
    if let Some(block) = item.block() {
        return block.to_owned();
    }
    let in_integration = module
        .module
        .integration
        .as_ref()
        .is_some_and(|i| i.exercises.iter().any(|id| id == item.id()));
    if in_integration {
        INTEGRATION_BLOCK.to_owned()
    } else {
        fallback.to_owned()
    }
}

/// A skipped or unanswered item is wrong.
pub fn verdict_of(q: &ExamQuestion) -> Verdict {
    q.question
        .graded
        .as_ref()
        .map_or(Verdict::Wrong, |g| g.verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> LoadedModule {
        crate::content::load::bundled_module("circuit-breaker")
    }

    fn right_answer(item: &Item) -> String {
        item.right_answer().expect("graded item")
    }

    #[test]
    fn the_same_seed_draws_the_same_exam() {
        let a = Exam::new(&module(), 7).expect("draws");
        let b = Exam::new(&module(), 7).expect("draws");
        assert_eq!(a, b);
        // `draw` items from each pool and `count` variants from each generator.
        let exam = &module().module.exam;
        let expected = exam.pools.iter().map(|p| p.draw as usize).sum::<usize>()
            + exam
                .generators
                .iter()
                .map(|g| g.count as usize)
                .sum::<usize>();
        assert_eq!(a.items().len(), expected);
        let other = (8..30).any(|seed| Exam::new(&module(), seed).expect("draws") != a);
        assert!(other, "other seeds draw other exams");
    }

    #[test]
    fn right_answers_pass_and_are_saved_once() {
        let mut exam = Exam::new(&module(), 7).expect("draws");
        let mut effects = Vec::new();
        while let Some(q) = exam.current() {
            let answer = right_answer(&q.question.item);
            effects.extend(exam.handle(Input::Answer(answer)));
        }
        let score = exam.score().expect("finished");
        let n = u32::try_from(exam.items().len()).expect("small");
        assert!(n > 0);
        assert_eq!((score.score, score.out_of, score.passed), (n, n, true));
        let saves = effects
            .iter()
            .filter(|e| matches!(e, Effect::Save(Save::Exam { .. })))
            .count();
        assert_eq!(saves, 1);
        assert_eq!(effects.last(), Some(&Effect::Finished));
        // The breakdown lists the module's blocks in teaching order, then the rest.
        let module = module();
        let order: Vec<usize> = score
            .by_block
            .iter()
            .map(|b| {
                module
                    .module
                    .blocks
                    .iter()
                    .position(|m| m.id == b.block)
                    .unwrap_or(usize::MAX)
            })
            .collect();
        assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
        assert_eq!(
            score.by_block.iter().map(|b| b.total).sum::<u32>(),
            score.out_of
        );
    }

    #[test]
    fn integration_items_count_under_the_challenge() {
        let module = module();
        let challenge = module.module.integration.as_ref().expect("integration");
        let exam = Exam::new(&module, 7).expect("draws");
        let integration: Vec<ExamQuestion> = exam
            .items()
            .iter()
            .filter(|q| {
                challenge
                    .exercises
                    .iter()
                    .any(|id| id == q.question.item.id())
            })
            .cloned()
            .collect();
        assert!(!integration.is_empty(), "seed 7 draws integration items");
        assert!(integration.iter().all(|q| q.block == INTEGRATION_BLOCK));
        let mut exam = exam;
        while exam.current().is_some() {
            exam.handle(Input::Skip);
        }
        let score = exam.score().expect("finished");
        let row = score
            .by_block
            .iter()
            .find(|b| b.block == INTEGRATION_BLOCK)
            .expect("an integration row");
        assert_eq!(row.title, challenge.title);
        assert_eq!(row.total as usize, integration.len());
        let at = score
            .by_block
            .iter()
            .position(|b| b.block == INTEGRATION_BLOCK)
            .expect("listed");
        let blocks = &module.module.blocks;
        assert!(
            score.by_block[..at]
                .iter()
                .all(|b| blocks.iter().any(|m| m.id == b.block)),
            "after the module's blocks"
        );
    }

    #[test]
    fn malformed_answers_reprompt_and_skips_count_wrong() {
        let mut exam = Exam::new(&module(), 3).expect("draws");
        let effects = exam.handle(Input::Answer("banana banana".into()));
        assert!(matches!(effects.as_slice(), [Effect::Invalid(_)]));
        assert_eq!(exam.progress().0, 0);
        while exam.current().is_some() {
            exam.handle(Input::Skip);
        }
        let score = exam.score().expect("finished");
        assert_eq!(score.score, 0);
        assert!(!score.passed);
    }

    #[test]
    fn hints_are_refused_in_the_exam() {
        let mut exam = Exam::new(&module(), 3).expect("draws");
        assert!(matches!(
            exam.handle(Input::Hint).as_slice(),
            [Effect::NoHint(_)]
        ));
    }
}
