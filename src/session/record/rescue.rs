//! What a session keeps when saves failed and it ends: a private complete progress file in
//! a fallback folder, or, when nothing can be written anywhere, the learner's words as text
//! to copy. Never overwrites: each fallback folder is new.

use std::fmt::Write as _;
use std::path::Path;

use super::Save;
use crate::grade::Verdict as GradeVerdict;
use crate::progress::{Record, Store, Timestamp};

/// Saves `record` in a new folder `patterns-unsaved-<now>-<pid>` under `root`, created
/// private (it holds the journal) and never reused, so nothing there is overwritten.
pub(super) fn write_fallback(
    root: &Path,
    record: &Record,
    now: Timestamp,
) -> Result<Store, String> {
    let dir = root.join(format!("patterns-unsaved-{}-{}", now.0, std::process::id()));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&dir)
        .map_err(|error| format!("cannot create '{}': {error}", dir.display()))?;
    let store = Store::in_dir(&dir);
    match store.save(record) {
        Ok(()) => Ok(store),
        Err(error) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(error.to_string())
        }
    }
}

/// A verdict in words, for [`listing`].
fn verdict_word(v: GradeVerdict) -> &'static str {
    match v {
        GradeVerdict::Correct => "correct",
        GradeVerdict::Partial => "partly correct",
        GradeVerdict::Wrong => "wrong",
    }
}

/// The learner's own words and results among `saves`, one entry per event, for a learner
/// to copy when nothing could be written anywhere.
pub(super) fn listing(saves: &[Save]) -> String {
    let mut text = String::new();
    for save in saves {
        let _ = match save {
            Save::CurrentBlock { module, block } => {
                writeln!(text, "  - {module}: reached block '{block}'")
            }
            Save::BlockCompleted { module, block, .. } => {
                writeln!(text, "  - {module}: finished block '{block}'")
            }
            Save::Attempt {
                module,
                exercise,
                verdict: v,
                answer,
                ..
            }
            | Save::Review {
                module,
                exercise,
                verdict: v,
                answer,
                ..
            } => writeln!(
                text,
                "  - {module}: answer to '{exercise}' ({}): {answer}",
                verdict_word(*v)
            ),
            Save::Journal {
                module,
                block,
                prompt,
                text: written,
            } => writeln!(
                text,
                "  - {module}: reflection in block '{block}'\n    prompt: {prompt}\n    you wrote: {written}"
            ),
            Save::Exam {
                module,
                seed,
                score,
                out_of,
                passed,
                items,
            } => {
                let _ = writeln!(
                    text,
                    "  - {module}: exam with seed {seed}: {score} of {out_of}, {}",
                    if *passed { "passed" } else { "not passed" }
                );
                items.iter().try_for_each(|(exercise, v, answer)| {
                    writeln!(
                        text,
                        "    answer to '{exercise}' ({}): {answer}",
                        verdict_word(*v)
                    )
                })
            }
        };
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_keeps_every_exam_answer() {
        let exam = Save::Exam {
            module: "m".into(),
            seed: 42,
            score: 1,
            out_of: 2,
            passed: false,
            items: vec![
                ("q1".into(), GradeVerdict::Correct, "OPEN".into()),
                ("q2".into(), GradeVerdict::Partial, "3s, 6s".into()),
            ],
        };
        assert_eq!(
            listing(&[exam]),
            "  - m: exam with seed 42: 1 of 2, not passed\n    answer to 'q1' (correct): OPEN\n    \
             answer to 'q2' (partly correct): 3s, 6s\n"
        );
    }
}
