//! Time estimates from the content itself, compared with the minutes an author declared.
//!
//! Rates ([`Rates`]): prose is read at 200 words a minute, code and diagrams at 60 words a
//! minute; a priming question takes a minute of thought; a lab takes half a minute per
//! script step and a minute per prediction; a consolidation or integration prompt three
//! minutes of writing; an exercise the minutes of its kind ([`kind_minutes`]). A declared
//! time more than 50 % away from the estimate (either way) is flagged.

use serde::Serialize;

use super::BlockReport;
use super::markdown::{Scan, count_words, scan};
use crate::content::model::{Block, Exercise, Kind};
use crate::content::source::LoadedModule;

/// The rates, as printed in the report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rates {
    pub prose_words_per_minute: f64,
    pub code_words_per_minute: f64,
    pub priming_minutes: f64,
    pub lab_step_minutes: f64,
    pub lab_prediction_minutes: f64,
    pub prompt_minutes: f64,
    pub choice_minutes: f64,
    pub text_minutes: f64,
    pub numeric_minutes: f64,
    pub state_trace_minutes: f64,
    pub backoff_schedule_minutes: f64,
    pub tune_minutes: f64,
    pub reflection_minutes: f64,
    /// A declared time this far from the estimate (as a share of the estimate) is flagged.
    pub tolerance: f64,
}

impl Default for Rates {
    fn default() -> Self {
        RATES
    }
}

const RATES: Rates = Rates {
    prose_words_per_minute: 200.0,
    code_words_per_minute: 60.0,
    priming_minutes: 1.0,
    lab_step_minutes: 0.5,
    lab_prediction_minutes: 1.0,
    prompt_minutes: 3.0,
    choice_minutes: 1.5,
    text_minutes: 1.5,
    numeric_minutes: 3.0,
    state_trace_minutes: 4.0,
    backoff_schedule_minutes: 3.0,
    tune_minutes: 5.0,
    reflection_minutes: 4.0,
    tolerance: 0.5,
};

/// Minutes one exercise of this kind takes.
pub fn kind_minutes(exercise: &Exercise) -> f64 {
    match exercise.kind() {
        Some(Kind::Choice(_)) => RATES.choice_minutes,
        Some(Kind::Text(_)) => RATES.text_minutes,
        Some(Kind::Numeric(_)) => RATES.numeric_minutes,
        // Predicting admitted counts per step is the same work as predicting states.
        Some(Kind::StateTrace(_) | Kind::LimiterTrace(_)) => RATES.state_trace_minutes,
        Some(Kind::BackoffSchedule(_)) => RATES.backoff_schedule_minutes,
        Some(Kind::Tune(_)) => RATES.tune_minutes,
        Some(Kind::Reflection(_)) => RATES.reflection_minutes,
        None => 0.0,
    }
}

/// A declared time against its estimate, with the parts of the estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub declared_minutes: u32,
    pub estimated_minutes: f64,
    pub reading_minutes: f64,
    pub lab_minutes: f64,
    pub exercise_minutes: f64,
    pub reflection_minutes: f64,
    /// More than 50 % away from the estimate.
    pub flagged: bool,
}

impl Estimate {
    fn new(declared: u32, reading: f64, lab: f64, exercises: f64, reflection: f64) -> Self {
        let estimated = round1(reading + lab + exercises + reflection);
        Self {
            declared_minutes: declared,
            estimated_minutes: estimated,
            reading_minutes: round1(reading),
            lab_minutes: round1(lab),
            exercise_minutes: round1(exercises),
            reflection_minutes: round1(reflection),
            flagged: is_off(f64::from(declared), estimated),
        }
    }
}

/// Whether `declared` is more than the tolerance away from `estimated`.
pub fn is_off(declared: f64, estimated: f64) -> bool {
    estimated > 0.0 && (declared - estimated).abs() > RATES.tolerance * estimated
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn reading(prose_words: usize, code_words: usize) -> f64 {
    prose_words as f64 / RATES.prose_words_per_minute
        + code_words as f64 / RATES.code_words_per_minute
}

/// A block's estimate from its concept (already scanned), texts, lab, practice and prompts.
pub fn block_estimate(loaded: &LoadedModule, block: &Block, concept: &Scan) -> Estimate {
    let mut prose = concept.prose_words
        + count_words(&block.priming.question)
        + count_words(&block.priming.answer)
        + count_words(&block.bridge);
    let code = concept.fence_words(|_| true);
    let mut lab = 0.0;
    if let Some(l) = &block.lab {
        prose += count_words(&l.intro)
            + l.predictions
                .iter()
                .map(|p| count_words(&p.prompt))
                .sum::<usize>();
        let steps = l.script.split_whitespace().count();
        lab = steps as f64 * RATES.lab_step_minutes
            + l.predictions.len() as f64 * RATES.lab_prediction_minutes;
    }
    let exercises = block
        .practice
        .iter()
        .filter_map(|id| loaded.exercise(id))
        .map(kind_minutes)
        .sum();
    let reflection = block.consolidation.len() as f64 * RATES.prompt_minutes;
    Estimate::new(
        block.minutes,
        RATES.priming_minutes + reading(prose, code),
        lab,
        exercises,
        reflection,
    )
}

/// The module's times: blocks, integration challenge and exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleTime {
    pub blocks_declared_minutes: u32,
    pub blocks_estimated_minutes: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<Estimate>,
    /// The exam's items (pool draws and generated variants) at their kinds' minutes. The
    /// format declares no exam time, so there is nothing to compare it with.
    pub exam_estimated_minutes: f64,
    pub exam_items: u32,
}

impl ModuleTime {
    /// How many of the module's times are flagged.
    pub fn flags(&self) -> usize {
        usize::from(self.integration.as_ref().is_some_and(|i| i.flagged))
    }
}

/// The module's times; block flags are counted from `blocks`.
pub fn module_time(loaded: &LoadedModule, blocks: &[BlockReport]) -> ModuleTime {
    let module = &loaded.module;
    let integration = module.integration.as_ref().map(|i| {
        let brief = scan(loaded.markdown(&i.brief).unwrap_or(""));
        let prose = brief.prose_words + i.prompts.iter().map(|p| count_words(p)).sum::<usize>();
        let exercises = i
            .exercises
            .iter()
            .filter_map(|id| loaded.exercise(id))
            .map(kind_minutes)
            .sum();
        Estimate::new(
            i.minutes,
            reading(prose, brief.fence_words(|_| true)),
            0.0,
            exercises,
            i.prompts.len() as f64 * RATES.prompt_minutes,
        )
    });
    let mut exam = 0.0;
    let mut items = 0;
    for pool in &module.exam.pools {
        let minutes: Vec<f64> = pool
            .items
            .iter()
            .filter_map(|id| loaded.exercise(id))
            .map(kind_minutes)
            .collect();
        if !minutes.is_empty() {
            let mean = minutes.iter().sum::<f64>() / minutes.len() as f64;
            exam += mean * f64::from(pool.draw);
        }
        items += pool.draw;
    }
    for generator in &module.exam.generators {
        if let Some(exercise) = loaded.exercise(&generator.exercise) {
            exam += kind_minutes(exercise) * f64::from(generator.count);
        }
        items += generator.count;
    }
    ModuleTime {
        blocks_declared_minutes: module.blocks.iter().map(|b| b.minutes).sum(),
        blocks_estimated_minutes: round1(blocks.iter().map(|b| b.time.estimated_minutes).sum()),
        integration,
        exam_estimated_minutes: round1(exam),
        exam_items: items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_percent_either_way() {
        assert!(!is_off(15.0, 10.0));
        assert!(is_off(15.1, 10.0));
        assert!(!is_off(5.0, 10.0));
        assert!(is_off(4.9, 10.0));
        assert!(!is_off(3.0, 0.0));
    }
}
