//! Retry-backoff cases: a [`BackoffConfig`] in whole milliseconds and a list of `delay`
//! requests, each with its attempt number and the uniform draw `u`, so a jittered delay has
//! one right answer: [`BackoffConfig::delay_ms_for_draw`]. `previous_ms` (decorrelated
//! jitter's state) is the engine's previous delay in the case, starting at `base_ms`, so the
//! program need keep no state between requests. Random cases favour the attempts where the
//! ceiling meets the cap and the draws at the ends of [0, 1).

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::{Exchange, Expect, Plan, Scenario, StepPlan};
use crate::content::load::Library;
use crate::content::scenario::backoff_config;
use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::rng::Rng;

/// The largest draw below 1: 1 − 2^-53.
pub const U_MAX: f64 = 1.0 - 1.0 / 9_007_199_254_740_992.0;

/// One `delay` request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    pub attempt: u32,
    pub u: f64,
}

/// A retry-backoff case.
#[derive(Debug, Clone, PartialEq)]
pub struct BackoffCase {
    pub name: Option<String>,
    pub config: BackoffConfig,
    pub draws: Vec<Draw>,
}

/// The jitter called `name`.
pub fn jitter(name: &str) -> Option<Jitter> {
    Jitter::ALL.into_iter().find(|j| j.name() == name)
}

fn ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The `config` request.
pub fn config_request(config: &BackoffConfig) -> Value {
    json!({
        "op": "config",
        "base_ms": ms(config.base),
        "cap_ms": ms(config.cap),
        "multiplier": config.multiplier,
        "jitter": config.jitter.name(),
    })
}

impl Scenario for BackoffCase {
    type Step = Draw;

    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    fn steps(&self) -> &[Draw] {
        &self.draws
    }

    fn with_steps(&self, draws: Vec<Draw>) -> Self {
        Self {
            name: self.name.clone(),
            config: self.config.clone(),
            draws,
        }
    }

    fn simpler(step: &Draw) -> Vec<Draw> {
        let mut out = Vec::new();
        for u in [0.0, 0.5] {
            if step.u != u {
                out.push(Draw { u, ..*step });
            }
        }
        if step.attempt > 1 {
            out.push(Draw {
                attempt: step.attempt - 1,
                ..*step
            });
        }
        out
    }

    fn merge(_: &Draw, _: &Draw) -> Option<Draw> {
        None
    }

    fn plan(&self) -> Plan {
        let mut previous = ms(self.config.base);
        let steps = self
            .draws
            .iter()
            .map(|draw| {
                let ceiling = self.config.ceiling(draw.attempt);
                let delay = self
                    .config
                    .delay_ms_for_draw(draw.attempt, previous, draw.u);
                let request = json!({"op": "delay", "attempt": draw.attempt, "previous_ms": previous, "u": draw.u});
                let reason = reason(&self.config, draw, previous, ceiling, delay);
                previous = delay;
                StepPlan {
                    label: label(draw),
                    at_ms: 0,
                    exchanges: vec![Exchange {
                        request,
                        expect: Expect::DelayMs(delay),
                    }],
                    reason,
                }
            })
            .collect();
        Plan {
            config: config_request(&self.config),
            steps,
        }
    }

    fn script(&self) -> String {
        let mut out = String::new();
        for draw in &self.draws {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&label(draw));
        }
        out
    }

    fn describe_config(&self) -> String {
        format!(
            "base {}ms · multiplier {} · cap {}ms · jitter {}",
            ms(self.config.base),
            self.config.multiplier,
            ms(self.config.cap),
            self.config.jitter.name()
        )
    }
}

/// `#3,u=0.5`: attempt 3 with the draw 0.5 (no space: one token of a script).
pub fn label(draw: &Draw) -> String {
    format!("#{},u={}", draw.attempt, draw.u)
}

fn reason(
    config: &BackoffConfig,
    draw: &Draw,
    previous: u64,
    ceiling: Duration,
    delay: u64,
) -> String {
    let base = ms(config.base);
    let cap = ms(config.cap);
    let mut out = format!(
        "ceiling min(cap {cap}, {base} · {}^{}) = {}ms; ",
        config.multiplier,
        draw.attempt.saturating_sub(1),
        ceiling.as_secs_f64() * 1000.0
    );
    let _ = match config.jitter {
        Jitter::None => write!(out, "no jitter: floor(ceiling) = {delay}"),
        Jitter::Full => write!(out, "full: floor(ceiling · u) = {delay}"),
        Jitter::Equal => write!(out, "equal: floor(ceiling/2 + ceiling/2 · u) = {delay}"),
        Jitter::Proportional => {
            write!(
                out,
                "proportional: floor(ceiling · (0.5 + 0.5 · u)) = {delay}"
            )
        }
        Jitter::Decorrelated => write!(
            out,
            "decorrelated: min(cap, floor({base} + (3 · previous {previous} − {base}) · u)) = {delay}"
        ),
    };
    out
}

/// The course's cases: every `backoff_schedule` item's policy with `jitter`, one draw per
/// attempt (0, then ½, then the largest draw below 1, in turn).
pub fn course_cases(library: &Library, jitter: Jitter) -> Vec<BackoffCase> {
    let mut cases = Vec::new();
    for module in library.modules() {
        for exercise in &module.bank.exercises {
            let Some(schedule) = &exercise.backoff_schedule else {
                continue;
            };
            let Ok(mut config) = backoff_config(&schedule.backoff) else {
                continue;
            };
            if !whole_ms(config.base) || !whole_ms(config.cap) || schedule.attempts > 64 {
                continue;
            }
            config.jitter = jitter;
            let draws = (1..=schedule.attempts)
                .map(|attempt| Draw {
                    attempt,
                    u: [0.0, 0.5, U_MAX][attempt as usize % 3],
                })
                .collect();
            cases.push(BackoffCase {
                name: Some(format!("{} exercise '{}'", module.id(), exercise.id)),
                config,
                draws,
            });
        }
    }
    cases
}

fn whole_ms(duration: Duration) -> bool {
    duration.subsec_nanos().is_multiple_of(1_000_000) && !duration.is_zero()
}

/// `count` random cases with `jitter` from `seed`.
pub fn random_cases(jitter: Jitter, seed: u64, count: usize) -> Vec<BackoffCase> {
    let mut rng = Rng::seeded(seed);
    (0..count)
        .map(|index| {
            let config = if index == 0 {
                BackoffConfig {
                    jitter,
                    ..BackoffConfig::default()
                }
            } else {
                random_config(jitter, &mut rng)
            };
            let draws = random_draws(&config, &mut rng);
            BackoffCase {
                name: None,
                config,
                draws,
            }
        })
        .collect()
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[(rng.next_u64() % items.len() as u64) as usize]
}

fn random_config(jitter: Jitter, rng: &mut Rng) -> BackoffConfig {
    let base = pick(rng, &[1, 10, 100, 250, 1_000]);
    let cap = base * pick(rng, &[1, 4, 10, 100, 1_000]);
    BackoffConfig {
        base: Duration::from_millis(base),
        multiplier: pick(rng, &[1.5, 2.0, 3.0]),
        cap: Duration::from_millis(cap),
        jitter,
        first_exponent: 0,
    }
}

/// Attempts in order from 1, past the one where the ceiling reaches the cap.
fn random_draws(config: &BackoffConfig, rng: &mut Rng) -> Vec<Draw> {
    let capped = (1..=40)
        .find(|&n| config.ceiling(n) >= config.cap)
        .unwrap_or(40);
    let last = (capped + 1 + (rng.next_u64() % 3) as u32).min(40);
    (1..=last)
        .map(|attempt| {
            let u = match rng.next_u64() % 5 {
                0 => 0.0,
                1 => U_MAX,
                2 => 0.5,
                _ => rng.next_f64(),
            };
            Draw { attempt, u }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_delays_follow_the_draws() {
        let case = BackoffCase {
            name: None,
            config: BackoffConfig {
                base: Duration::from_millis(100),
                multiplier: 2.0,
                cap: Duration::from_millis(1_000),
                jitter: Jitter::Full,
                first_exponent: 0,
            },
            draws: vec![
                Draw { attempt: 1, u: 0.5 },
                Draw {
                    attempt: 4,
                    u: U_MAX,
                },
                Draw {
                    attempt: 5,
                    u: 0.25,
                },
            ],
        };
        let expected: Vec<Expect> = case
            .plan()
            .steps
            .iter()
            .map(|s| s.exchanges[0].expect.clone())
            .collect();
        // 100·0.5; floor(800·(1 − 2^-53)) = 799; min(1000, 1600)·0.25.
        assert_eq!(
            expected,
            [
                Expect::DelayMs(50),
                Expect::DelayMs(799),
                Expect::DelayMs(250)
            ]
        );
    }

    #[test]
    fn decorrelated_sends_the_previous_delay() {
        let case = BackoffCase {
            name: None,
            config: BackoffConfig {
                base: Duration::from_millis(10),
                multiplier: 2.0,
                cap: Duration::from_millis(100),
                jitter: Jitter::Decorrelated,
                first_exponent: 0,
            },
            draws: vec![
                Draw { attempt: 1, u: 0.5 },
                Draw {
                    attempt: 2,
                    u: U_MAX,
                },
            ],
        };
        let plan = case.plan();
        // 10 + (30 − 10)·0.5 = 20; then min(100, floor(10 + 50·u)) = 59.
        assert_eq!(plan.steps[0].exchanges[0].request["previous_ms"], 10);
        assert_eq!(plan.steps[1].exchanges[0].request["previous_ms"], 20);
        assert_eq!(plan.steps[1].exchanges[0].expect, Expect::DelayMs(59));
    }

    #[test]
    fn random_cases_reach_the_cap() {
        let cases = random_cases(Jitter::Equal, 3, 40);
        assert_eq!(cases, random_cases(Jitter::Equal, 3, 40));
        for case in &cases {
            let last = case.draws.last().map(|d| d.attempt).unwrap_or(0);
            assert!(case.config.ceiling(last) >= case.config.cap, "{case:?}");
        }
    }

    #[test]
    fn course_cases_come_from_backoff_schedules() {
        let library = Library::load(&[]).library;
        let cases = course_cases(&library, Jitter::Full);
        assert!(!cases.is_empty());
        assert!(cases.iter().all(|c| c.config.jitter == Jitter::Full));
    }
}
