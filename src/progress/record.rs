//! The learner's record in memory: per module, the blocks completed, the resume point, every
//! exercise attempt, the journal, exam results and review cards.
//!
//! Everything is keyed by the content's stable string ids (module, block, exercise), never by
//! position, so edited content keeps the history. Nothing here reads a clock: every
//! timestamp is passed in. The journal and attempts are append-only: nothing the learner
//! wrote is dropped by any method except [`Record::remove_module`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::schedule::{Card, Rating};

/// A moment, in whole seconds since the Unix epoch (UTC). The shell reads the clock and
/// passes it in; the record and the scheduler never do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// Seconds since the Unix epoch.
    pub fn secs(self) -> u64 {
        self.0
    }
}

/// The learner's whole record: one entry per module they have touched, by module id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    pub modules: BTreeMap<String, ModuleRecord>,
    /// Checks of the learner's own implementations that passed (`patterns implement`),
    /// oldest first. Absent from files written before it existed: read as empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub implementations: Vec<ImplementationPass>,
}

/// A passed `patterns implement` check: every case agreed with the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImplementationPass {
    /// `circuit-breaker`, `retry-backoff`.
    pub pattern: String,
    /// The semantics implemented: a breaker preset or a jitter.
    pub preset: String,
    /// How many cases agreed, and the seed of the random ones.
    pub cases: u64,
    pub seed: u64,
    pub at: Timestamp,
}

/// What the learner has done in one module.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModuleRecord {
    /// The block to resume at (`learn` without `--block`); `None` before the first block.
    pub current_block: Option<String>,
    /// Blocks finished, in the order they were first finished; a block appears once.
    pub blocks_completed: Vec<BlockCompletion>,
    /// Every graded attempt, by exercise id, oldest first.
    pub attempts: BTreeMap<String, Vec<Attempt>>,
    /// Consolidation reflections, oldest first. Never edited or dropped.
    pub journal: Vec<JournalEntry>,
    /// Mastery exams taken, oldest first.
    pub exams: Vec<ExamResult>,
    /// FSRS review state of the exercises enrolled in review, by exercise id.
    pub reviews: BTreeMap<String, Card>,
}

/// A focus block the learner finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockCompletion {
    pub block: String,
    /// When it was finished; `None` for blocks migrated from version 1, which kept no times.
    pub at: Option<Timestamp>,
}

/// How an answer was graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Correct,
    Partial,
    Wrong,
}

/// How hard the learner said an exercise felt, when they were asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

/// One graded answer to a practice or review exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: Timestamp,
    pub verdict: Verdict,
    /// Hint tiers revealed before answering.
    pub hints_used: u32,
    /// The learner's answer, verbatim.
    pub answer: String,
    /// The learner's own rating, if they gave one.
    pub difficulty: Option<Difficulty>,
}

/// A consolidation reflection, saved verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub at: Timestamp,
    pub block: String,
    pub prompt: String,
    pub text: String,
}

/// A finished mastery exam.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamResult {
    pub at: Timestamp,
    /// The seed that drew the items (`patterns exam --seed` reproduces them).
    pub seed: u64,
    /// Points scored, out of `out_of`.
    pub score: u32,
    pub out_of: u32,
    /// Whether the score met the module's pass mark when the exam was taken.
    pub passed: bool,
    /// Each item as asked; empty for exams migrated from version 1.
    pub items: Vec<ExamItem>,
}

/// One exam item's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamItem {
    pub exercise: String,
    pub verdict: Verdict,
    pub answer: String,
}

impl ExamResult {
    /// True when `self` scored a larger share than `other` (ties keep `other`). Compared by
    /// cross-multiplication, so no float rounding decides a tie.
    pub fn beats(&self, other: &ExamResult) -> bool {
        u64::from(self.score) * u64::from(other.out_of.max(1))
            > u64::from(other.score) * u64::from(self.out_of.max(1))
    }

    /// The score as a whole percentage, rounded down.
    pub fn percent(&self) -> u32 {
        let percent = u64::from(self.score) * 100 / u64::from(self.out_of.max(1));
        u32::try_from(percent).unwrap_or(u32::MAX)
    }
}

impl Record {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// The module's record, if the learner has one.
    pub fn module(&self, module: &str) -> Option<&ModuleRecord> {
        self.modules.get(module)
    }

    /// The module's record, created empty on first use.
    pub fn module_mut(&mut self, module: &str) -> &mut ModuleRecord {
        self.modules.entry(module.to_owned()).or_default()
    }

    /// Records a passed implementation check.
    pub fn record_implementation(&mut self, pass: ImplementationPass) {
        self.implementations.push(pass);
    }

    /// Each (pattern, preset) passed, with its latest pass, sorted.
    pub fn implementations_passed(&self) -> Vec<&ImplementationPass> {
        let mut latest: BTreeMap<(&str, &str), &ImplementationPass> = BTreeMap::new();
        for pass in &self.implementations {
            latest.insert((&pass.pattern, &pass.preset), pass);
        }
        latest.into_values().collect()
    }

    /// Module ids with a record, sorted.
    pub fn module_ids(&self) -> impl Iterator<Item = &str> {
        self.modules.keys().map(String::as_str)
    }

    /// Sets the block `learn` resumes at.
    pub fn set_current_block(&mut self, module: &str, block: &str) {
        self.module_mut(module).current_block = Some(block.to_owned());
    }

    /// Marks `block` finished at `at` (the first finish is kept) and moves the resume point
    /// to `next` (`None` when the module's last block is done).
    pub fn complete_block(&mut self, module: &str, block: &str, next: Option<&str>, at: Timestamp) {
        let record = self.module_mut(module);
        if !record
            .blocks_completed
            .iter()
            .any(|done| done.block == block)
        {
            record.blocks_completed.push(BlockCompletion {
                block: block.to_owned(),
                at: Some(at),
            });
        }
        record.current_block = next.map(str::to_owned);
    }

    /// Appends a graded attempt. A miss (wrong or partial) or a "hard" self-rating enrolls
    /// the exercise in review, scheduled from this attempt, unless it is enrolled already:
    /// from then on only [`Record::review`] moves its card.
    pub fn record_attempt(&mut self, module: &str, exercise: &str, attempt: Attempt) {
        let rating = Rating::for_miss(attempt.verdict, attempt.difficulty);
        let at = attempt.at;
        let record = self.module_mut(module);
        record
            .attempts
            .entry(exercise.to_owned())
            .or_default()
            .push(attempt);
        if let Some(rating) = rating {
            record.enroll(exercise, rating, at);
        }
    }

    /// Appends a consolidation reflection to the journal.
    pub fn add_journal_entry(&mut self, module: &str, entry: JournalEntry) {
        self.module_mut(module).journal.push(entry);
    }

    /// Appends an exam result and enrolls its missed items in review (see
    /// [`Record::record_attempt`]).
    pub fn record_exam(&mut self, module: &str, result: ExamResult) {
        let record = self.module_mut(module);
        for item in &result.items {
            if let Some(rating) = Rating::for_miss(item.verdict, None) {
                record.enroll(&item.exercise, rating, result.at);
            }
        }
        record.exams.push(result);
    }

    /// Removes a module's whole record and returns it; `None` if there was none.
    pub fn remove_module(&mut self, module: &str) -> Option<ModuleRecord> {
        self.modules.remove(module)
    }
}

impl ModuleRecord {
    /// Starts review of `exercise` with a first FSRS review at `at`, unless it has a card.
    fn enroll(&mut self, exercise: &str, rating: Rating, at: Timestamp) {
        self.reviews
            .entry(exercise.to_owned())
            .or_insert_with(|| Card::new(at).reviewed(rating, at));
    }

    /// The best exam by score share; the earliest wins a tie.
    pub fn best_exam(&self) -> Option<&ExamResult> {
        self.exams.iter().fold(None, |best, exam| match best {
            Some(best) if !exam.beats(best) => Some(best),
            _ => Some(exam),
        })
    }

    /// Total attempts over all exercises.
    pub fn attempt_count(&self) -> usize {
        self.attempts.values().map(Vec::len).sum()
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
            answer: "OPEN".into(),
            difficulty: None,
        }
    }

    #[test]
    fn completing_a_block_keeps_the_first_time_and_moves_the_resume_point() {
        let mut record = Record::new();
        record.complete_block("cb", "intro", Some("states"), Timestamp(10));
        record.complete_block("cb", "intro", Some("states"), Timestamp(20));
        let module = record.module("cb").unwrap();
        assert_eq!(module.blocks_completed.len(), 1);
        assert_eq!(module.blocks_completed[0].at, Some(Timestamp(10)));
        assert_eq!(module.current_block.as_deref(), Some("states"));
        record.complete_block("cb", "states", None, Timestamp(30));
        assert_eq!(record.module("cb").unwrap().current_block, None);
    }

    #[test]
    fn misses_and_hard_ratings_enroll_once_correct_answers_do_not() {
        let mut record = Record::new();
        record.record_attempt("cb", "ok", attempt(Verdict::Correct, 100));
        record.record_attempt("cb", "miss", attempt(Verdict::Wrong, 100));
        record.record_attempt("cb", "half", attempt(Verdict::Partial, 100));
        let mut hard = attempt(Verdict::Correct, 100);
        hard.difficulty = Some(Difficulty::Hard);
        record.record_attempt("cb", "hard", hard);
        let module = record.module("cb").unwrap();
        let enrolled: Vec<&str> = module.reviews.keys().map(String::as_str).collect();
        assert_eq!(enrolled, ["half", "hard", "miss"]);
        assert_eq!(module.attempt_count(), 4);

        // A second miss neither duplicates nor reschedules the card.
        let before = module.reviews["miss"].clone();
        record.record_attempt("cb", "miss", attempt(Verdict::Wrong, 5_000_000));
        assert_eq!(record.module("cb").unwrap().reviews["miss"], before);
        assert_eq!(record.module("cb").unwrap().attempts["miss"].len(), 2);
    }

    #[test]
    fn exam_misses_are_enrolled_and_the_best_exam_is_by_share() {
        let mut record = Record::new();
        let exam = |score, out_of, at| ExamResult {
            at: Timestamp(at),
            seed: 7,
            score,
            out_of,
            passed: score * 4 >= out_of * 3,
            items: vec![ExamItem {
                exercise: "trace".into(),
                verdict: Verdict::Wrong,
                answer: "CLOSED".into(),
            }],
        };
        record.record_exam("cb", exam(12, 16, 1));
        record.record_exam("cb", exam(7, 8, 2));
        record.record_exam("cb", exam(14, 16, 3));
        let module = record.module("cb").unwrap();
        assert!(module.reviews.contains_key("trace"));
        let best = module.best_exam().unwrap();
        assert_eq!((best.score, best.out_of, best.at), (7, 8, Timestamp(2)));
        assert_eq!(best.percent(), 87);
    }

    #[test]
    fn removing_a_module_returns_its_record() {
        let mut record = Record::new();
        record.set_current_block("cb", "intro");
        assert!(record.remove_module("cb").is_some());
        assert!(record.remove_module("cb").is_none());
        assert_eq!(record.module_ids().count(), 0);
    }
}
