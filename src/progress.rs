//! The learner's record on disk and the review schedule.
//!
//! Keyed by stable module, block and exercise ids (never content types: this layer sits
//! beside `session` and knows nothing of how a module is written), timestamped by the caller.
//! [`store`] reads and writes the one versioned file; [`record`] is what it holds;
//! [`schedule`] is FSRS review over missed and hard exercises.

pub mod data_dir;
pub mod migrate;
pub mod record;
pub mod schedule;
pub mod store;

use serde::Serialize;

pub use record::{
    Attempt, BlockCompletion, Difficulty, ExamItem, ExamResult, ImplementationPass, JournalEntry,
    ModuleRecord, Record, Timestamp, Verdict,
};
pub use schedule::{Card, CardState, Rating, ReviewItem};
pub use store::{Loaded, Quarantined, Store, StoreError, Updated, VERSION};

/// One module's progress at a glance: what `patterns progress` prints per module and the
/// `progress` field of `patterns list --json`. Zeros and nulls for an untouched module.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ModuleProgress {
    /// Focus blocks finished (the total is the content's to know).
    pub blocks_completed: usize,
    /// The block `learn` resumes at; `null` before the first block and after the last.
    pub current_block: Option<String>,
    /// Distinct exercises answered at least once.
    pub exercises_attempted: usize,
    /// Distinct exercises whose latest answer was correct.
    pub exercises_correct: usize,
    pub journal_entries: usize,
    pub exams_taken: usize,
    /// The best exam by score share; `null` before the first exam.
    pub best_exam: Option<ExamScore>,
    /// Whether any exam was passed.
    pub passed: bool,
    /// Exercises due for review now.
    pub reviews_due: usize,
    /// Exercises enrolled in review (due now or later).
    pub reviews_scheduled: usize,
}

/// An exam's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExamScore {
    pub score: u32,
    pub out_of: u32,
    /// `score / out_of` as a whole percentage, rounded down.
    pub percent: u32,
    pub passed: bool,
    pub seed: u64,
}

/// The progress summary of `module` at `now` (for its reviews due).
pub fn summary_for(record: &Record, module: &str, now: Timestamp) -> ModuleProgress {
    let Some(module) = record.module(module) else {
        return ModuleProgress::default();
    };
    let latest_correct = module
        .attempts
        .values()
        .filter(|attempts| {
            attempts
                .last()
                .is_some_and(|a| a.verdict == Verdict::Correct)
        })
        .count();
    ModuleProgress {
        blocks_completed: module.blocks_completed.len(),
        current_block: module.current_block.clone(),
        exercises_attempted: module.attempts.values().filter(|a| !a.is_empty()).count(),
        exercises_correct: latest_correct,
        journal_entries: module.journal.len(),
        exams_taken: module.exams.len(),
        best_exam: module.best_exam().map(|exam| ExamScore {
            score: exam.score,
            out_of: exam.out_of,
            percent: exam.percent(),
            passed: exam.passed,
            seed: exam.seed,
        }),
        passed: module.exams.iter().any(|exam| exam.passed),
        reviews_due: module
            .reviews
            .values()
            .filter(|card| card.is_due(now))
            .count(),
        reviews_scheduled: module.reviews.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(verdict: Verdict, at: u64) -> Attempt {
        Attempt {
            at: Timestamp(at),
            verdict,
            hints_used: 0,
            answer: String::new(),
            difficulty: None,
        }
    }

    #[test]
    fn an_untouched_module_is_all_zero() {
        assert_eq!(
            summary_for(&Record::new(), "cb", Timestamp(0)),
            ModuleProgress::default()
        );
    }

    #[test]
    fn correct_counts_the_latest_answer_and_misses_fall_due_after_days() {
        let mut record = Record::new();
        record.record_attempt("cb", "a", attempt(Verdict::Wrong, 1000));
        record.record_attempt("cb", "a", attempt(Verdict::Correct, 1001));
        record.record_attempt("cb", "b", attempt(Verdict::Correct, 1002));
        record.record_attempt("cb", "b", attempt(Verdict::Partial, 1003));
        let now = summary_for(&record, "cb", Timestamp(1003));
        assert_eq!((now.exercises_attempted, now.exercises_correct), (2, 1));
        assert_eq!((now.reviews_due, now.reviews_scheduled), (0, 2));
        // Wrong → Again: one day; partial → Hard: two days.
        let tomorrow = summary_for(&record, "cb", Timestamp(1003 + 86_400));
        assert_eq!(tomorrow.reviews_due, 1);
        let later = summary_for(&record, "cb", Timestamp(1003 + 2 * 86_400));
        assert_eq!(later.reviews_due, 2);
        assert!(!later.passed && later.best_exam.is_none());
    }
}
