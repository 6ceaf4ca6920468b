//! What sessions ask to keep ([`Save`]) and the [`Recorder`] that writes it to the progress
//! store, one `Store::update` per event so nothing is lost if the learner leaves abruptly.
//!
//! Invariant: a save that fails keeps the event in memory and retries it with the next one;
//! the session goes on and the front end shows the error. Timestamps are passed in.

use crate::grade::Verdict as GradeVerdict;
use crate::progress::{
    Attempt, ExamItem, ExamResult, JournalEntry, Rating, Record, Store, Timestamp, Verdict,
};

/// The progress layer's verdict for a grader's verdict.
pub fn verdict(v: GradeVerdict) -> Verdict {
    match v {
        GradeVerdict::Correct => Verdict::Correct,
        GradeVerdict::Partial => Verdict::Partial,
        GradeVerdict::Wrong => Verdict::Wrong,
    }
}

/// One event for the learner's record.
#[derive(Debug, Clone, PartialEq)]
pub enum Save {
    /// The learner entered `block`: `learn` resumes here.
    CurrentBlock { module: String, block: String },
    /// `block` is finished; `next` is where `learn` resumes (`None` after the last).
    BlockCompleted {
        module: String,
        block: String,
        next: Option<String>,
    },
    /// A graded practice answer.
    Attempt {
        module: String,
        exercise: String,
        verdict: GradeVerdict,
        hints_used: u32,
        answer: String,
    },
    /// A consolidation or integration reflection.
    Journal {
        module: String,
        block: String,
        prompt: String,
        text: String,
    },
    /// A finished exam.
    Exam {
        module: String,
        seed: u64,
        score: u32,
        out_of: u32,
        passed: bool,
        items: Vec<(String, GradeVerdict, String)>,
    },
    /// A review answer: kept as an attempt, and its rating moves the FSRS card.
    Review {
        module: String,
        exercise: String,
        verdict: GradeVerdict,
        hints_used: u32,
        answer: String,
    },
}

impl Save {
    /// Applies the event to `record` at `now`.
    pub fn apply(&self, record: &mut Record, now: Timestamp) {
        match self {
            Save::CurrentBlock { module, block } => record.set_current_block(module, block),
            Save::BlockCompleted {
                module,
                block,
                next,
            } => record.complete_block(module, block, next.as_deref(), now),
            Save::Attempt {
                module,
                exercise,
                verdict: v,
                hints_used,
                answer,
            } => record.record_attempt(
                module,
                exercise,
                Attempt {
                    at: now,
                    verdict: verdict(*v),
                    hints_used: *hints_used,
                    answer: answer.clone(),
                    difficulty: None,
                },
            ),
            Save::Journal {
                module,
                block,
                prompt,
                text,
            } => record.add_journal_entry(
                module,
                JournalEntry {
                    at: now,
                    block: block.clone(),
                    prompt: prompt.clone(),
                    text: text.clone(),
                },
            ),
            Save::Exam {
                module,
                seed,
                score,
                out_of,
                passed,
                items,
            } => record.record_exam(
                module,
                ExamResult {
                    at: now,
                    seed: *seed,
                    score: *score,
                    out_of: *out_of,
                    passed: *passed,
                    items: items
                        .iter()
                        .map(|(exercise, v, answer)| ExamItem {
                            exercise: exercise.clone(),
                            verdict: verdict(*v),
                            answer: answer.clone(),
                        })
                        .collect(),
                },
            ),
            Save::Review {
                module,
                exercise,
                verdict: v,
                hints_used,
                answer,
            } => {
                let v = verdict(*v);
                record.record_attempt(
                    module,
                    exercise,
                    Attempt {
                        at: now,
                        verdict: v,
                        hints_used: *hints_used,
                        answer: answer.clone(),
                        difficulty: None,
                    },
                );
                record.review(module, exercise, Rating::from_answer(v, None), now);
            }
        }
    }
}

/// Writes [`Save`] events to the store as they happen.
#[derive(Debug)]
pub struct Recorder {
    store: Option<Store>,
    /// Events not yet on disk (a save failed); retried with the next event.
    pending: Vec<Save>,
}

impl Recorder {
    /// A recorder writing to `store`.
    pub fn new(store: Store) -> Self {
        Self {
            store: Some(store),
            pending: Vec::new(),
        }
    }

    /// A recorder that keeps everything in memory (tests, benches).
    pub fn in_memory() -> Self {
        Self {
            store: None,
            pending: Vec::new(),
        }
    }

    /// Records `save` (and any earlier events a failed save left in memory). `Err` is the
    /// message to show; the events stay in memory.
    pub fn record(&mut self, save: Save, now: Timestamp) -> Result<(), String> {
        self.pending.push(save);
        let Some(store) = &self.store else {
            return Ok(());
        };
        let pending = &self.pending;
        match store.update(now, |record| {
            for save in pending {
                save.apply(record, now);
            }
        }) {
            Ok(_) => {
                self.pending.clear();
                Ok(())
            }
            Err(error) => Err(format!(
                "{error}. Your answers are kept in memory and saved with the next one."
            )),
        }
    }

    /// Events held in memory because saving failed (for an in-memory recorder: all).
    pub fn unsaved(&self) -> &[Save] {
        &self.pending
    }

    /// Whether events are written to disk.
    pub fn is_persistent(&self) -> bool {
        self.store.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt() -> Save {
        Save::Attempt {
            module: "m".into(),
            exercise: "e".into(),
            verdict: GradeVerdict::Wrong,
            hints_used: 1,
            answer: "b".into(),
        }
    }

    #[test]
    fn each_event_is_saved_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::in_dir(dir.path());
        let mut recorder = Recorder::new(Store::in_dir(dir.path()));
        recorder.record(attempt(), Timestamp(100)).expect("saved");
        let record = store.load(Timestamp(100)).expect("loads").record;
        let module = record.module("m").expect("recorded");
        assert_eq!(module.attempts["e"][0].hints_used, 1);
        assert!(
            module.reviews.contains_key("e"),
            "a miss is enrolled in review"
        );
    }

    #[test]
    fn a_failed_save_keeps_the_event_and_retries() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A file where the data folder should be: every save fails.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "x").expect("write");
        let mut recorder = Recorder::new(Store::in_dir(&blocked));
        let error = recorder.record(attempt(), Timestamp(1)).expect_err("fails");
        assert!(error.contains("kept in memory"));
        assert_eq!(recorder.unsaved().len(), 1);
        assert!(recorder.record(attempt(), Timestamp(2)).is_err());
        assert_eq!(recorder.unsaved().len(), 2);
    }

    #[test]
    fn a_review_moves_the_card() {
        let mut record = Record::new();
        Save::Review {
            module: "m".into(),
            exercise: "e".into(),
            verdict: GradeVerdict::Correct,
            hints_used: 0,
            answer: "x".into(),
        }
        .apply(&mut record, Timestamp(1_000_000));
        let card = &record.module("m").expect("module").reviews["e"];
        assert!(card.due > Timestamp(1_000_000));
    }
}
