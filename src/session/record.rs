//! What sessions ask to keep ([`Save`]) and the [`Recorder`] that writes it to the progress
//! store, one `Store::update` per event so nothing is lost if the learner leaves abruptly.
//!
//! Invariant: a save that fails keeps the event in memory and retries it with the next one;
//! the session goes on, the learner is told once per failure, and what is still unsaved at
//! the end is rescued ([`Recorder::rescue`]): never dropped. Timestamps are passed in.

use std::path::Path;

use crate::grade::Verdict as GradeVerdict;
use crate::progress::{
    Attempt, ExamItem, ExamResult, JournalEntry, Rating, Record, Store, Timestamp, Verdict,
};

mod rescue;
use rescue::{listing, write_fallback};

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
    /// Why the last save failed, in full and its bare cause (`None` after a success): the
    /// learner is told once.
    failure: Option<(String, String)>,
}

impl Recorder {
    /// A recorder writing to `store`.
    pub fn new(store: Store) -> Self {
        Self {
            store: Some(store),
            pending: Vec::new(),
            failure: None,
        }
    }

    /// A recorder that keeps everything in memory (tests, benches).
    pub fn in_memory() -> Self {
        Self {
            store: None,
            pending: Vec::new(),
            failure: None,
        }
    }

    /// Records `save` with any events earlier failed saves left in memory. `Err` is a
    /// message for the learner, given when saving starts failing or fails for another
    /// reason: a save failing again as before keeps quiet (one message per failure, not
    /// one per answer), and a save that works again writes every held event.
    pub fn record(&mut self, save: Save, now: Timestamp) -> Result<(), String> {
        self.pending.push(save);
        let Some(store) = &self.store else {
            return Ok(());
        };
        let pending = &self.pending;
        match store.update(now, |record| apply_all(pending, record, now)) {
            Ok(_) => {
                self.pending.clear();
                self.failure = None;
                Ok(())
            }
            Err(error) => {
                let reason = error.to_string();
                if self
                    .failure
                    .as_ref()
                    .is_some_and(|(told, _)| *told == reason)
                {
                    return Ok(());
                }
                self.failure = Some((reason.clone(), error.cause()));
                Err(format!(
                    "{reason}. The session goes on: your answers are kept in memory and saving \
                     is retried with each one; anything still unsaved when you leave is kept \
                     aside or shown then."
                ))
            }
        }
    }

    /// Events held in memory because saving failed (for an in-memory recorder: all).
    pub fn unsaved(&self) -> &[Save] {
        &self.pending
    }

    /// While saves fail, a one-line notice for a front end that shows the failure message
    /// only briefly (the TUI's status line): why, and how much is held. `None` otherwise.
    pub fn held_notice(&self) -> Option<String> {
        let (_, cause) = self.failure.as_ref()?;
        Some(format!(
            "Progress not saved ({cause}): {} event(s) kept in memory, retried with each answer",
            self.pending.len()
        ))
    }

    /// Whether events are written to disk.
    pub fn is_persistent(&self) -> bool {
        self.store.is_some()
    }

    /// At the end of a session, keeps what failed saves held in memory: one last save to
    /// the store, else a complete progress file (the record on disk, if it reads, plus the
    /// held events) in a new private folder under `fallback_root` (e.g. the system temp
    /// folder), else the events themselves in the returned text so the learner can copy
    /// them. `None` when nothing is unsaved (or it saved now); otherwise the message to show.
    pub fn rescue(&self, fallback_root: &Path, now: Timestamp) -> Option<String> {
        let store = self.store.as_ref()?;
        if self.pending.is_empty() {
            return None;
        }
        let pending = &self.pending;
        let error = match store.update(now, |record| apply_all(pending, record, now)) {
            Ok(_) => return None,
            Err(error) => error,
        };
        let held = pending.len();
        let head = format!("{held} event(s) of this session could not be saved: {error}.");
        // Without the earlier record the copy must not replace the file: it would lose it.
        let (mut record, earlier) = match store.load(now) {
            Ok(loaded) => (loaded.record, true),
            Err(_) => (Record::new(), false),
        };
        apply_all(pending, &mut record, now);
        match write_fallback(fallback_root, &record, now) {
            Ok(fallback) => {
                let shows = format!(
                    "'PATTERNS_HOME={} patterns progress' shows it",
                    fallback.path().parent().unwrap_or(fallback_root).display()
                );
                Some(if earlier {
                    format!(
                        "{head} They are kept, with your earlier record, in '{}': a complete \
                         progress file. To keep them, copy it to '{}' once that folder is \
                         writable; until then {shows}.",
                        fallback.path().display(),
                        store.path().display(),
                    )
                } else {
                    format!(
                        "{head} They are kept in '{}', a progress file of this session alone \
                         (the earlier one could not be read: do not copy this one over it); \
                         {shows}.",
                        fallback.path().display(),
                    )
                })
            }
            Err(fallback_error) => Some(format!(
                "{head} They could not be kept aside either: {fallback_error}. So that nothing is \
                 lost, here is what they held; copy what you want to keep:\n{}",
                listing(pending)
            )),
        }
    }
}

/// Applies `saves` in order.
fn apply_all(saves: &[Save], record: &mut Record, now: Timestamp) {
    for save in saves {
        save.apply(record, now);
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

    fn journal() -> Save {
        Save::Journal {
            module: "m".into(),
            block: "b".into(),
            prompt: "Why?".into(),
            text: "because I say so".into(),
        }
    }

    /// A recorder whose data folder is blocked by a file (every save fails until the
    /// blocker goes), the blocker, and the temp folder holding both.
    fn blocked() -> (Recorder, std::path::PathBuf, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "x").expect("write");
        (Recorder::new(Store::in_dir(&blocked)), blocked, dir)
    }

    #[test]
    fn a_failed_save_keeps_the_event_tells_once_and_retries() {
        let (mut recorder, blocked, _dir) = blocked();
        let error = recorder.record(attempt(), Timestamp(1)).expect_err("fails");
        let path = blocked.join("progress.json").display().to_string();
        assert!(error.contains(&path), "names the file: {error}");
        assert!(error.contains("kept in memory"), "{error}");
        assert_eq!(recorder.unsaved().len(), 1);
        // The same failure again: held, not told again.
        assert_eq!(recorder.record(journal(), Timestamp(2)), Ok(()));
        assert_eq!(recorder.unsaved().len(), 2);
        let notice = recorder.held_notice().expect("a notice");
        assert!(notice.starts_with("Progress not saved ("), "{notice}");
        assert!(notice.ends_with("): 2 event(s) kept in memory, retried with each answer"));
        assert!(!blocked.join("progress.json").exists());
    }

    #[test]
    fn when_saving_works_again_every_held_event_lands_and_a_new_failure_is_told() {
        let (mut recorder, blocked, _dir) = blocked();
        assert!(recorder.record(attempt(), Timestamp(1)).is_err());
        assert_eq!(recorder.record(journal(), Timestamp(2)), Ok(()));
        std::fs::remove_file(&blocked).expect("unblock");
        assert_eq!(recorder.record(attempt(), Timestamp(3)), Ok(()));
        assert!(recorder.unsaved().is_empty());
        assert_eq!(recorder.held_notice(), None);
        let store = Store::in_dir(&blocked);
        let record = store.load(Timestamp(4)).expect("loads").record;
        let module = record.module("m").expect("recorded");
        assert_eq!(module.attempts["e"].len(), 2);
        assert_eq!(module.journal[0].text, "because I say so");
        assert_eq!(recorder.rescue(&blocked, Timestamp(4)), None);

        // Failing again later is a new failure: told again.
        std::fs::remove_file(store.path()).expect("remove");
        std::fs::remove_dir(&blocked).expect("remove");
        std::fs::write(&blocked, "x").expect("block again");
        assert!(recorder.record(attempt(), Timestamp(5)).is_err());
    }

    #[test]
    fn rescue_saves_at_the_end_if_it_can() {
        let (mut recorder, blocked, _dir) = blocked();
        assert!(recorder.record(journal(), Timestamp(1)).is_err());
        std::fs::remove_file(&blocked).expect("unblock");
        assert_eq!(recorder.rescue(&blocked, Timestamp(2)), None);
        let record = Store::in_dir(&blocked)
            .load(Timestamp(3))
            .expect("loads")
            .record;
        assert_eq!(record.module("m").expect("saved").journal.len(), 1);
    }

    #[test]
    fn rescue_keeps_held_events_in_a_private_complete_progress_file() {
        let (mut recorder, _blocked, dir) = blocked();
        assert!(recorder.record(journal(), Timestamp(1)).is_err());
        let root = dir.path().join("tmp");
        std::fs::create_dir(&root).expect("mkdir");
        let message = recorder.rescue(&root, Timestamp(7)).expect("a message");
        let kept = root.join(format!("patterns-unsaved-7-{}", std::process::id()));
        assert!(
            message.contains(&kept.join("progress.json").display().to_string()),
            "{message}"
        );
        assert!(message.starts_with("1 event(s) of this session could not be saved"));
        let record = Store::in_dir(&kept)
            .load(Timestamp(8))
            .expect("loads")
            .record;
        assert_eq!(
            record.module("m").expect("kept").journal[0].text,
            "because I say so"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&kept).expect("dir").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    #[test]
    fn rescue_shows_the_events_when_nothing_can_be_written() {
        let (mut recorder, blocked, _dir) = blocked();
        assert!(recorder.record(attempt(), Timestamp(1)).is_err());
        assert_eq!(recorder.record(journal(), Timestamp(2)), Ok(()));
        // The fallback root is the blocking file too.
        let message = recorder.rescue(&blocked, Timestamp(3)).expect("a message");
        assert!(
            message.contains("could not be kept aside either"),
            "{message}"
        );
        assert!(message.contains("answer to 'e' (wrong): b"), "{message}");
        assert!(
            message.contains("prompt: Why?\n    you wrote: because I say so"),
            "{message}"
        );
    }

    #[test]
    fn nothing_to_rescue_without_a_store_or_held_events() {
        let mut memory = Recorder::in_memory();
        assert_eq!(memory.record(attempt(), Timestamp(1)), Ok(()));
        assert_eq!(memory.rescue(Path::new("/nonexistent"), Timestamp(1)), None);
        let dir = tempfile::tempdir().expect("tempdir");
        let mut saved = Recorder::new(Store::in_dir(dir.path()));
        assert_eq!(saved.record(attempt(), Timestamp(1)), Ok(()));
        assert_eq!(saved.rescue(dir.path(), Timestamp(1)), None);
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
