//! Where circuit-breaker cases come from: the course (labs and `state_trace` items of the
//! chosen preset) and a seed (the preset's settings varied, steps aimed at the boundaries:
//! waits at the timeout − 1 ms / exactly / + 1 ms, failure bursts one short of, at and past
//! the threshold, half-open runs around the success threshold and the cap).

use std::time::Duration;

use super::{BreakerCase, Step, ms};
use crate::content::load::Library;
use crate::content::model::{BreakerSpec, PresetName};
use crate::content::scenario::{breaker_config, preset as engine_preset};
use crate::engine::breaker::{BreakerConfig, CallResult, HalfOpenTransition};
use crate::engine::preset::Preset;
use crate::engine::rng::Rng;
use crate::engine::script::{Action, Script};
use crate::engine::window::WindowConfig;

/// The course's cases for `preset`: every lab and `state_trace` item whose breaker uses it,
/// named by where it comes from. Items with parameters, automatic transitions or
/// sub-millisecond times are left out (the protocol has no messages for them).
pub fn course_cases(library: &Library, preset: Preset) -> Vec<BreakerCase> {
    let mut cases = Vec::new();
    for module in library.modules() {
        for block in &module.module.blocks {
            if let Some(lab) = &block.lab {
                let name = format!("{} lab '{}'", module.id(), block.id);
                cases.extend(course_case(name, &lab.breaker, &lab.script, preset));
            }
        }
        for exercise in &module.bank.exercises {
            if let Some(trace) = &exercise.state_trace {
                let name = format!("{} exercise '{}'", module.id(), exercise.id);
                cases.extend(course_case(name, &trace.breaker, &trace.script, preset));
            }
        }
    }
    cases
}

fn course_case(name: String, spec: &BreakerSpec, text: &str, want: Preset) -> Option<BreakerCase> {
    if engine_preset(spec.preset.unwrap_or(PresetName::Seed)) != want || spec.automatic_transition {
        return None;
    }
    let config = breaker_config(spec).ok()?;
    if config.half_open_transition != HalfOpenTransition::Lazy {
        return None;
    }
    let script = Script::parse(text).ok()?;
    let mut steps = Vec::new();
    for token in script.tokens() {
        match token.action {
            Action::Calls {
                count,
                result,
                duration,
            } => {
                let duration_ms = whole_ms(duration)?;
                steps.extend((0..count).map(|_| Step::Call {
                    result,
                    duration_ms,
                }));
            }
            Action::Advance(by) => steps.push(Step::Wait(whole_ms(by)?)),
        }
        if steps.len() > 2_000 {
            return None;
        }
    }
    Some(BreakerCase {
        name: Some(name),
        config,
        steps,
    })
}

fn whole_ms(duration: Duration) -> Option<u64> {
    duration
        .subsec_nanos()
        .is_multiple_of(1_000_000)
        .then(|| ms(duration))
}

/// `count` random cases for `preset` from `seed`: the preset's own settings first, then
/// varied thresholds and timeouts with the same comparisons.
pub fn random_cases(preset: Preset, seed: u64, count: usize) -> Vec<BreakerCase> {
    let mut rng = Rng::seeded(seed);
    (0..count)
        .map(|index| {
            let config = if index == 0 {
                preset.config()
            } else {
                vary(preset, &mut rng)
            };
            let steps = random_steps(&config, &mut rng);
            BreakerCase {
                name: None,
                config,
                steps,
            }
        })
        .collect()
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    let index = (rng.next_u64() % items.len() as u64) as usize;
    items[index]
}

fn below(rng: &mut Rng, n: u64) -> u64 {
    rng.next_u64() % n.max(1)
}

/// The preset's config with other numbers, the same comparisons and judgement.
fn vary(preset: Preset, rng: &mut Rng) -> BreakerConfig {
    let mut config = preset.config();
    config.recovery_timeout =
        Duration::from_millis(pick(rng, &[1_000, 5_000, 10_000, 30_000, 60_000]));
    if config.failure_threshold.is_some() {
        config.failure_threshold = Some(pick(rng, &[1, 2, 3, 4, 5, 6]));
    }
    match preset {
        Preset::Seed | Preset::Pybreaker => {
            config.success_threshold = pick(rng, &[1, 2, 3]);
            if below(rng, 3) == 0 {
                config.half_open_max_calls = Some(config.success_threshold + pick(rng, &[0, 1, 2]));
            }
        }
        Preset::Gobreaker => {
            let max_requests = pick(rng, &[1, 2, 3]);
            config.success_threshold = max_requests;
            config.half_open_max_calls = Some(max_requests);
        }
        Preset::Resilience4j => {
            config.half_open_max_calls = Some(pick(rng, &[2, 3, 4]));
            if let Some(rate) = &mut config.rate {
                let size = pick(rng, &[4, 5, 10]);
                rate.window = WindowConfig::Count { calls: size };
                rate.min_calls = pick(rng, &[size, size / 2 + 1]);
                rate.failure_rate = pick(rng, &[25.0, 50.0, 100.0]);
            }
        }
        Preset::Polly => {
            if let Some(rate) = &mut config.rate {
                rate.window = WindowConfig::Time {
                    span: Duration::from_millis(pick(rng, &[5_000, 10_000, 30_000])),
                };
                rate.min_calls = pick(rng, &[2, 3, 5]);
                rate.failure_rate = pick(rng, &[10.0, 50.0]);
            }
        }
    }
    config
}

fn calls(steps: &mut Vec<Step>, result: CallResult, n: u32) {
    steps.extend((0..n).map(|_| Step::Call {
        result,
        duration_ms: 0,
    }));
}

/// A few phrases, each aimed at one rule's boundary.
fn random_steps(config: &BreakerConfig, rng: &mut Rng) -> Vec<Step> {
    let threshold = config
        .failure_threshold
        .or_else(|| config.rate.as_ref().map(|r| r.effective_min_calls()))
        .unwrap_or(5);
    let success = config
        .half_open_max_calls
        .unwrap_or(config.success_threshold)
        .max(config.success_threshold);
    let timeout = ms(config.recovery_timeout);
    let span = config.rate.as_ref().and_then(|r| match r.window {
        WindowConfig::Time { span } => Some(ms(span)),
        WindowConfig::Count { .. } => None,
    });
    let mut steps = Vec::new();
    let phrases = 2 + below(rng, 6);
    for _ in 0..phrases {
        match below(rng, 8) {
            // Failures one short of, at, or past the threshold.
            0 | 1 => {
                let n = threshold + pick(rng, &[0, 0, 1]);
                calls(
                    &mut steps,
                    CallResult::Failure,
                    n.saturating_sub(pick(rng, &[0, 1])),
                );
            }
            // A wait at the timeout's edge.
            2 | 3 => {
                let edge = timeout.saturating_add_signed(pick(rng, &[-1, 0, 1]));
                steps.push(Step::Wait(edge.max(1)));
            }
            // Successes around the success threshold or the half-open cap.
            4 => {
                let n = success + pick(rng, &[0, 1]);
                calls(
                    &mut steps,
                    CallResult::Success,
                    n.saturating_sub(pick(rng, &[0, 1])).max(1),
                );
            }
            // A mixed burst around the rate threshold (all presets: it also resets counts).
            5 => {
                let n = threshold + pick(rng, &[0, 1]);
                for _ in 0..n {
                    let failed = below(rng, 2) == 0;
                    let result = if failed {
                        CallResult::Failure
                    } else {
                        CallResult::Success
                    };
                    calls(&mut steps, result, 1);
                }
            }
            // A wait inside, or at the edge of, a time window; or a short one.
            6 => {
                let wait = match span {
                    Some(span) => span.saturating_add_signed(pick(rng, &[-1, 0, 1])),
                    None => 1 + below(rng, timeout.max(1)),
                };
                steps.push(Step::Wait(wait.max(1)));
            }
            // One call of either result.
            _ => {
                let result = if below(rng, 2) == 0 {
                    CallResult::Failure
                } else {
                    CallResult::Success
                };
                calls(&mut steps, result, 1);
            }
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::breaker::Comparison;

    #[test]
    fn course_cases_of_the_seed_come_from_labs_and_traces() {
        let library = Library::load(&[]).library;
        let cases = course_cases(&library, Preset::Seed);
        assert!(cases.len() >= 4, "{}", cases.len());
        assert!(cases.iter().any(|c| c.name.as_deref()
            == Some("circuit-breaker exercise 'cb-seed-exam-trace'")));
        let gobreaker = course_cases(&library, Preset::Gobreaker);
        assert!(
            gobreaker
                .iter()
                .all(|c| c.config.failure_comparison == Comparison::Exceeds)
        );
    }

    #[test]
    fn random_cases_replay_from_their_seed_and_keep_valid_configs() {
        for preset in Preset::ALL {
            let cases = random_cases(preset, 7, 50);
            assert_eq!(cases, random_cases(preset, 7, 50));
            assert_eq!(cases[0].config, preset.config());
            for case in &cases {
                assert!(
                    case.config.validate().is_ok(),
                    "{preset:?} {:?}",
                    case.config
                );
                assert!(!case.steps.is_empty());
            }
        }
    }
}
