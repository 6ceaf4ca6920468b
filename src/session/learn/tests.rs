use std::collections::HashSet;

use super::*;

fn module() -> LoadedModule {
    crate::content::load::bundled_module("circuit-breaker")
}

/// Answers every stage rightly (computed by the library) and collects the effects.
fn walk(learn: &mut Learn) -> Vec<Effect> {
    let mut effects = Vec::new();
    for _ in 0..1000 {
        if learn.stage() == Stage::Done {
            return effects;
        }
        let input = if !learn.awaits_answer() {
            Input::Continue
        } else {
            match learn.stage() {
                Stage::LabPredict { .. } => {
                    let walk = learn.lab_walk().expect("walk");
                    let Stage::LabPredict { index, .. } = learn.stage() else {
                        unreachable!()
                    };
                    let step = learn.lab().expect("lab").predictions[index].step as usize;
                    Input::Answer(walk.run.steps[step - 1].state.to_string())
                }
                Stage::Practice { .. } | Stage::IntegrationExercise { .. } => Input::Answer(
                    learn
                        .question()
                        .and_then(|q| q.item.right_answer())
                        .unwrap_or_else(|| "my reflection".into()),
                ),
                _ => Input::Answer("my thoughts".into()),
            }
        };
        effects.extend(learn.handle(input));
    }
    panic!("the flow did not end");
}

#[test]
fn the_whole_flow_in_order() {
    let mut learn = Learn::new(module(), 0, 1);
    assert_eq!(learn.stage(), Stage::Overview);
    let effects = learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Priming { block: 0 });
    assert!(matches!(
        effects.as_slice(),
        [Effect::Save(Save::CurrentBlock { block, .. })] if block == "cascade"
    ));
    assert!(learn.awaits_answer());
    learn.handle(Input::Answer("about a minute".into()));
    assert_eq!(learn.stage(), Stage::Concept { block: 0 });
    assert!(learn.concept().contains('#'), "the concept's Markdown");
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Reveal { block: 0 });
    assert_eq!(learn.priming_answer(), Some("about a minute"));
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Bridge { block: 0 });
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Lab { block: 0 });
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::LabPredict { block: 0, index: 0 });
}

#[test]
fn right_answers_walk_to_the_exam_offer_saving_everything() {
    let mut learn = Learn::new(module(), 0, 1);
    let effects = walk(&mut learn);
    let attempts: Vec<&Save> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save(save @ Save::Attempt { .. }) => Some(save),
            _ => None,
        })
        .collect();
    // Expectations from the module itself, so they follow the curriculum as it grows.
    let m = module();
    let graded = |id: &String| {
        let exercise = m.exercise(id).expect("practice ids resolve");
        crate::grade::Item::new(exercise, 0)
            .expect("bundled exercises make items")
            .is_graded()
    };
    let practice: Vec<&String> = m.module.blocks.iter().flat_map(|b| &b.practice).collect();
    let integration: Vec<String> = m
        .module
        .integration
        .as_ref()
        .map(|i| i.exercises.clone())
        .unwrap_or_default();
    let expected_attempts = practice.iter().filter(|id| graded(id)).count()
        + integration.iter().filter(|id| graded(id)).count();
    assert!(
        !integration.is_empty(),
        "the module has an integration challenge"
    );
    assert_eq!(
        attempts.len(),
        expected_attempts,
        "every graded practice item of every block and of the integration challenge"
    );
    assert!(learn.results().iter().all(|(_, v)| *v == Verdict::Correct));
    let journal = effects
        .iter()
        .filter(|e| matches!(e, Effect::Save(Save::Journal { .. })))
        .count();
    let expected_journal = m
        .module
        .blocks
        .iter()
        .map(|b| b.consolidation.len())
        .sum::<usize>()
        + m.module.integration.as_ref().map_or(0, |i| i.prompts.len())
        + practice.iter().filter(|id| !graded(id)).count()
        + integration.iter().filter(|id| !graded(id)).count();
    assert_eq!(
        journal, expected_journal,
        "consolidation and integration prompts and practice reflections"
    );
    let completed: Vec<Option<String>> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save(Save::BlockCompleted { next, .. }) => Some(next.clone()),
            _ => None,
        })
        .collect();
    // Each block names the next one; the last names none.
    let mut expected_next: Vec<Option<String>> = m
        .module
        .blocks
        .iter()
        .skip(1)
        .map(|b| Some(b.id.clone()))
        .collect();
    expected_next.push(None);
    assert_eq!(completed, expected_next);
    assert_eq!(effects.last(), Some(&Effect::Finished));
}

#[test]
fn lab_predictions_are_graded_against_the_engine() {
    let mut learn = Learn::new(module(), 1, 1);
    while learn.stage() != (Stage::LabPredict { block: 1, index: 0 }) {
        let input = if learn.awaits_answer() {
            Input::Answer("guess".into())
        } else {
            Input::Continue
        };
        learn.handle(input);
    }
    // Step 2 of '4F 1S 5F +31s 2S 1F' is CLOSED.
    let effects = learn.handle(Input::Answer("banana".into()));
    assert!(matches!(effects.as_slice(), [Effect::Invalid(_)]));
    learn.handle(Input::Answer("open".into()));
    let answer = learn
        .lab_walk()
        .and_then(|w| w.answer.clone())
        .expect("graded");
    assert_eq!((answer.step, answer.actual), (2, StateName::Closed));
    assert!(!answer.is_correct());
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::LabPredict { block: 1, index: 1 });
    learn.handle(Input::Answer("open".into()));
    let answer = learn
        .lab_walk()
        .and_then(|w| w.answer.clone())
        .expect("graded");
    assert!(answer.is_correct());
    assert!(answer.reason.contains("CLOSED → OPEN"), "{}", answer.reason);
    // The TUI's stepper can end the lab at any point.
    learn.finish_lab();
    assert_eq!(learn.stage(), Stage::Practice { block: 1, index: 0 });
}

#[test]
fn hints_skip_and_malformed_answers_in_practice() {
    let mut learn = Learn::new(module(), 1, 1);
    while !matches!(learn.stage(), Stage::Practice { .. }) {
        if learn.awaits_answer() {
            learn.handle(Input::Skip);
        } else {
            learn.handle(Input::Continue);
        }
    }
    let effects = learn.handle(Input::Hint);
    assert!(matches!(effects.as_slice(), [Effect::Hint(1, _)]));
    let effects = learn.handle(Input::Answer("c c".into()));
    assert!(matches!(effects.as_slice(), [Effect::Invalid(m)] if m.contains("give 6 states")));
    let effects = learn.handle(Input::Answer("c c c c c c".into()));
    let [
        Effect::Save(Save::Attempt {
            hints_used,
            verdict,
            ..
        }),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!((*hints_used, *verdict), (1, Verdict::Partial));
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Practice { block: 1, index: 1 });
    learn.handle(Input::Skip);
    assert_eq!(learn.stage(), Stage::Practice { block: 1, index: 2 });
    assert_eq!(learn.handle(Input::Quit), vec![Effect::Quit]);
}

#[test]
fn starting_block_is_clamped_and_entered_after_the_overview() {
    let last = module().module.blocks.len() - 1;
    let mut learn = Learn::new(module(), 99, 1);
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Priming { block: last });
}

/// The practice ids of block `block` of the bundled module.
fn practice_ids(block: usize) -> Vec<String> {
    module().module.blocks[block].practice.clone()
}

#[test]
fn resume_lands_on_the_first_unanswered_practice_item() {
    let ids = practice_ids(1);
    assert!(ids.len() >= 3, "block 2 has practice to resume in");
    // The first two answered (one of them may have been wrong: attempted is answered).
    let answered: HashSet<String> = ids[..2].iter().cloned().collect();
    let mut learn = Learn::resume(module(), 1, &answered, 1);
    assert_eq!(learn.stage(), Stage::Overview);
    assert_eq!(learn.resume_point(), Some(Resume::Practice { index: 2 }));
    let title = &module().module.blocks[1].title;
    assert_eq!(
        learn.continue_message().as_deref(),
        Some(
            format!(
                "Continue at block 2 '{title}', practice 3 of {}.",
                ids.len()
            )
            .as_str()
        )
    );
    let effects = learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Practice { block: 1, index: 2 });
    assert_eq!(learn.question().map(|q| q.item.id()), Some(ids[2].as_str()));
    // Entering still saves the block as the resume point.
    assert!(matches!(
        effects.as_slice(),
        [Effect::Save(Save::CurrentBlock { block, .. })] if *block == module().module.blocks[1].id
    ));
    // From there the block goes on as usual.
    learn.handle(Input::Skip);
    assert_eq!(learn.stage(), Stage::Practice { block: 1, index: 3 });
}

#[test]
fn a_gap_is_the_first_unanswered_item() {
    let ids = practice_ids(1);
    let answered: HashSet<String> = [ids[0].clone(), ids[2].clone()].into();
    let learn = Learn::resume(module(), 1, &answered, 1);
    assert_eq!(learn.resume_point(), Some(Resume::Practice { index: 1 }));
}

#[test]
fn all_answered_resumes_at_consolidation() {
    let answered: HashSet<String> = practice_ids(1).into_iter().collect();
    let mut learn = Learn::resume(module(), 1, &answered, 1);
    assert_eq!(learn.resume_point(), Some(Resume::Consolidation));
    assert!(
        learn
            .continue_message()
            .is_some_and(|m| m.ends_with(", consolidation (every practice item answered).")),
        "{:?}",
        learn.continue_message()
    );
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Consolidation { block: 1, index: 0 });
    assert!(learn.reflection_prompt().is_some());
}

#[test]
fn restart_goes_to_priming() {
    let answered: HashSet<String> = practice_ids(1)[..1].iter().cloned().collect();
    let mut learn = Learn::resume(module(), 1, &answered, 1);
    assert!(learn.restart_block());
    assert_eq!(learn.resume_point(), None);
    assert_eq!(learn.continue_message(), None);
    assert!(!learn.restart_block(), "nothing left to restart");
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Priming { block: 1 });
    // Past the overview, restart does nothing.
    let mut learn = Learn::resume(module(), 1, &answered, 1);
    learn.handle(Input::Continue);
    assert!(!learn.restart_block());
    assert_eq!(learn.stage(), Stage::Practice { block: 1, index: 1 });
}

#[test]
fn stale_or_out_of_range_resume_points_start_the_block() {
    // Ids the module no longer has (it changed since), or another block's ids.
    let stale: HashSet<String> = ["gone-1".to_owned(), practice_ids(0)[0].clone()].into();
    let mut learn = Learn::resume(module(), 1, &stale, 1);
    assert_eq!(learn.resume_point(), None);
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Priming { block: 1 });
    // Nothing answered.
    let learn = Learn::resume(module(), 1, &HashSet::new(), 1);
    assert_eq!(learn.resume_point(), None);
    // A block past the end: clamped like `new`, from its beginning.
    let everything: HashSet<String> = module()
        .module
        .blocks
        .iter()
        .flat_map(|b| b.practice.clone())
        .collect();
    let last = module().module.blocks.len() - 1;
    let mut learn = Learn::resume(module(), 99, &everything, 1);
    assert_eq!(learn.resume_point(), None);
    learn.handle(Input::Continue);
    assert_eq!(learn.stage(), Stage::Priming { block: last });
}
