//! Spaced review: the exercises due (`Record::due`) re-asked with fresh parametric values,
//! graded on the spot; each answer's rating moves the exercise's FSRS card.
//!
//! Invariants: an item whose module or exercise no longer exists is left out (and counted),
//! never graded; each answer becomes one [`Save::Review`] the moment it is given.

use crate::content::Library;
use crate::grade::{Item, Verdict};
use crate::progress::ReviewItem;

use super::question::{Effect, Input, Question};
use super::record::Save;

/// One review question and the module it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewQuestion {
    pub module: String,
    pub question: Question,
}

/// The review session.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    items: Vec<ReviewQuestion>,
    current: usize,
    /// Due items whose exercise is gone from the content.
    missing: usize,
    finished: bool,
}

impl Review {
    /// The due items that still exist in `library`; parametric ones draw new values from
    /// `seed` (so a review is not the same variant as the missed one).
    pub fn new(due: &[ReviewItem], library: &Library, seed: u64) -> Self {
        let mut items = Vec::new();
        let mut missing = 0;
        for (i, due) in due.iter().enumerate() {
            let item = library
                .get(&due.module)
                .and_then(|m| m.exercise(&due.exercise))
                .and_then(|e| Item::new(e, seed.wrapping_add(i as u64)).ok())
                .filter(Item::is_graded);
            match item {
                Some(item) => items.push(ReviewQuestion {
                    module: due.module.clone(),
                    question: Question::new(item),
                }),
                None => missing += 1,
            }
        }
        let finished = items.is_empty();
        Self {
            items,
            current: 0,
            missing,
            finished,
        }
    }

    pub fn items(&self) -> &[ReviewQuestion] {
        &self.items
    }

    /// Due items that could not be asked (their exercise is gone).
    pub fn missing(&self) -> usize {
        self.missing
    }

    /// The item being asked (graded or not); `None` once finished.
    pub fn current(&self) -> Option<&ReviewQuestion> {
        if self.finished {
            return None;
        }
        self.items.get(self.current)
    }

    /// (index from 0, number of items).
    pub fn progress(&self) -> (usize, usize) {
        (self.current.min(self.items.len()), self.items.len())
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Whether the current item waits for an answer (else it shows its feedback).
    pub fn awaits_answer(&self) -> bool {
        self.current().is_some_and(|q| !q.question.is_graded())
    }

    /// Verdicts so far.
    pub fn verdicts(&self) -> Vec<Verdict> {
        self.items
            .iter()
            .filter_map(|q| q.question.graded.as_ref().map(|g| g.verdict))
            .collect()
    }

    /// The state machine.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        if input == Input::Quit {
            return vec![Effect::Quit];
        }
        let Some(current) = self.items.get_mut(self.current).filter(|_| !self.finished) else {
            self.finished = true;
            return vec![Effect::Finished];
        };
        let graded = current.question.is_graded();
        match input {
            Input::Answer(text) if !graded => {
                let hints_used = current.question.hints.used();
                match current.question.answer(&text).map(|g| g.verdict) {
                    Err(error) => vec![Effect::Invalid(error.0)],
                    Ok(verdict) => vec![Effect::Save(Save::Review {
                        module: current.module.clone(),
                        exercise: current.question.item.id().to_owned(),
                        verdict,
                        hints_used,
                        answer: text.trim().to_owned(),
                    })],
                }
            }
            Input::Unreadable(text) if !graded => {
                let hints_used = current.question.hints.used();
                let verdict = current.question.give_up(&text).verdict;
                vec![Effect::Save(Save::Review {
                    module: current.module.clone(),
                    exercise: current.question.item.id().to_owned(),
                    verdict,
                    hints_used,
                    answer: current.question.answer.clone().unwrap_or_default(),
                })]
            }
            Input::Hint if !graded => vec![current.question.hint()],
            Input::Hint => vec![Effect::NoHint("this item is answered".into())],
            Input::Skip | Input::Continue | Input::Answer(_) if graded => self.advance(),
            Input::Skip => self.advance(),
            _ => Vec::new(),
        }
    }

    fn advance(&mut self) -> Vec<Effect> {
        self.current += 1;
        if self.current >= self.items.len() {
            self.finished = true;
            return vec![Effect::Finished];
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{Record, Timestamp};
    use crate::session::record::Save;

    #[test]
    fn due_items_are_asked_and_rated() {
        let library = Library::load(&[]).library;
        let mut record = Record::new();
        let day = 86_400;
        Save::Attempt {
            module: "circuit-breaker".into(),
            exercise: "cb-trace-variant".into(),
            verdict: Verdict::Wrong,
            hints_used: 0,
            answer: "x".into(),
        }
        .apply(&mut record, Timestamp(10 * day));
        Save::Attempt {
            module: "gone".into(),
            exercise: "nothing".into(),
            verdict: Verdict::Wrong,
            hints_used: 0,
            answer: "x".into(),
        }
        .apply(&mut record, Timestamp(10 * day));
        let now = Timestamp(12 * day);
        let due = record.due(now);
        assert_eq!(due.len(), 2);
        let mut review = Review::new(&due, &library, 99);
        assert_eq!((review.items().len(), review.missing()), (1, 1));
        let answer = review
            .current()
            .and_then(|q| q.question.item.right_answer());
        let effects = review.handle(Input::Answer(answer.expect("answer")));
        let [Effect::Save(save)] = effects.as_slice() else {
            panic!("one save: {effects:?}");
        };
        save.apply(&mut record, now);
        assert!(
            record
                .due(now)
                .iter()
                .all(|d| d.module != "circuit-breaker")
        );
        assert_eq!(review.handle(Input::Continue), vec![Effect::Finished]);
        assert!(review.is_finished());
    }
}
