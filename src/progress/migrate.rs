//! Older shapes of the progress file and how each becomes the current one.
//!
//! Version 1 (the first release) kept, per module: the current block id, the ids of the
//! finished blocks (no times), a flat list of attempts `{exercise, correct, answer, at}` (no
//! partial credit, hints or self-rating) and exam totals without per-item verdicts. It had
//! no journal and no review schedule. Migration keeps every fact and invents none: unknown
//! times stay `None`, a `correct: false` becomes `wrong`, and the attempts are replayed in
//! order so missed exercises are enrolled in review exactly as version 2 would have done.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::record::{
    Attempt, BlockCompletion, ExamResult, ModuleRecord, Record, Timestamp, Verdict,
};

/// The whole version-1 file.
#[derive(Debug, Deserialize)]
pub(crate) struct V1 {
    #[serde(default)]
    modules: BTreeMap<String, V1Module>,
}

#[derive(Debug, Deserialize)]
struct V1Module {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    completed: Vec<String>,
    #[serde(default)]
    attempts: Vec<V1Attempt>,
    #[serde(default)]
    exams: Vec<V1Exam>,
}

#[derive(Debug, Deserialize)]
struct V1Attempt {
    exercise: String,
    correct: bool,
    #[serde(default)]
    answer: String,
    at: u64,
}

#[derive(Debug, Deserialize)]
struct V1Exam {
    seed: u64,
    score: u32,
    total: u32,
    passed: bool,
    at: u64,
}

impl V1 {
    /// The same record in the current shape.
    pub(crate) fn migrate(self) -> Record {
        let mut record = Record::new();
        for (id, old) in self.modules {
            // Created even when empty: a module the learner opened stays listed.
            *record.module_mut(&id) = ModuleRecord {
                current_block: old.current,
                blocks_completed: old
                    .completed
                    .into_iter()
                    .map(|block| BlockCompletion { block, at: None })
                    .collect(),
                ..ModuleRecord::default()
            };
            let mut attempts = old.attempts;
            // Stable sort: same-second attempts keep their file order.
            attempts.sort_by_key(|attempt| attempt.at);
            for old in attempts {
                let verdict = if old.correct {
                    Verdict::Correct
                } else {
                    Verdict::Wrong
                };
                let attempt = Attempt {
                    at: Timestamp(old.at),
                    verdict,
                    hints_used: 0,
                    answer: old.answer,
                    difficulty: None,
                };
                record.record_attempt(&id, &old.exercise, attempt);
            }
            for exam in old.exams {
                record.record_exam(
                    &id,
                    ExamResult {
                        at: Timestamp(exam.at),
                        seed: exam.seed,
                        score: exam.score,
                        out_of: exam.total,
                        passed: exam.passed,
                        items: Vec::new(),
                    },
                );
            }
        }
        record
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_keeps_every_fact_and_enrolls_the_misses() {
        let v1: V1 = serde_json::from_str(
            r#"{"version": 1, "modules": {"cb": {
                "current": "half-open",
                "completed": ["intro", "states"],
                "attempts": [
                    {"exercise": "q2", "correct": true, "answer": "OPEN", "at": 200},
                    {"exercise": "q1", "correct": false, "answer": "CLOSED", "at": 100}
                ],
                "exams": [{"seed": 7, "score": 10, "total": 16, "passed": false, "at": 300}]
            }}}"#,
        )
        .unwrap();
        let record = v1.migrate();
        let module = record.module("cb").unwrap();
        assert_eq!(module.current_block.as_deref(), Some("half-open"));
        assert_eq!(module.blocks_completed[1].block, "states");
        assert_eq!(module.blocks_completed[1].at, None);
        assert_eq!(module.attempts["q1"][0].verdict, Verdict::Wrong);
        assert_eq!(module.attempts["q1"][0].answer, "CLOSED");
        assert_eq!(module.attempts["q2"][0].verdict, Verdict::Correct);
        assert_eq!(module.reviews.keys().collect::<Vec<_>>(), ["q1"]);
        assert_eq!(module.exams[0].out_of, 16);
        assert!(module.journal.is_empty());
    }
}
