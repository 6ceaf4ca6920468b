//! Rate-limiter cases: a [`LimiterConfig`] of one of the six algorithms of DESIGN §3.4 and
//! single requests and waits, planned on the engine's [`Limiter`]. The `config` request is
//! the engine's own JSON form (`{"algorithm": "token-bucket", "rate": 10, "burst": 5}`);
//! `request {now_ms}` is answered `{"allow": bool}`. Random cases favour waits at the
//! window's length − 1 ms / exactly / + 1 ms and around the emission interval 1/rate, and
//! bursts one short of, at and past the limit or burst.

use serde_json::{Value, json};

use super::{Exchange, Expect, Plan, Scenario, StepPlan};
use crate::engine::limiter::{Algorithm, Decision, Limiter, LimiterConfig, LimiterState};
use crate::engine::rng::Rng;

/// One step: a request now, or the clock moving on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Request,
    Wait(u64),
}

/// A rate-limiter case.
#[derive(Debug, Clone, PartialEq)]
pub struct LimiterCase {
    pub config: LimiterConfig,
    pub steps: Vec<Step>,
}

/// The algorithm called `name`.
pub fn algorithm(name: &str) -> Option<Algorithm> {
    name.parse().ok()
}

/// The `config` request: the engine's JSON form of `config` with `op` added.
pub fn config_request(config: &LimiterConfig) -> Value {
    let mut value = serde_json::to_value(config).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut value {
        fields.insert("op".to_owned(), Value::from("config"));
    }
    value
}

impl Scenario for LimiterCase {
    type Step = Step;

    fn name(&self) -> Option<&str> {
        None
    }

    fn steps(&self) -> &[Step] {
        &self.steps
    }

    fn with_steps(&self, steps: Vec<Step>) -> Self {
        Self {
            config: self.config,
            steps,
        }
    }

    fn simpler(step: &Step) -> Vec<Step> {
        match *step {
            Step::Request => Vec::new(),
            // ms − ms/2, …, ms − 1: repeated passes close in on the boundary.
            Step::Wait(ms) => std::iter::successors(Some(ms / 2), |d| (d / 2 > 0).then_some(d / 2))
                .filter(|&d| d > 0 && d < ms)
                .map(|d| Step::Wait(ms - d))
                .collect(),
        }
    }

    fn merge(first: &Step, second: &Step) -> Option<Step> {
        match (first, second) {
            (Step::Wait(a), Step::Wait(b)) => Some(Step::Wait(a.saturating_add(*b))),
            _ => None,
        }
    }

    fn plan(&self) -> Plan {
        let config = config_request(&self.config);
        let Ok(mut limiter) = Limiter::new(self.config) else {
            return Plan {
                config,
                steps: Vec::new(),
            };
        };
        let mut now = 0u64;
        let steps = self
            .steps
            .iter()
            .map(|step| match *step {
                Step::Request => {
                    let decision = limiter.decide(now);
                    let allow = decision.is_admitted();
                    StepPlan {
                        label: "1".to_owned(),
                        at_ms: now,
                        exchanges: vec![Exchange {
                            request: json!({"op": "request", "now_ms": now}),
                            expect: Expect::Allow(allow),
                        }],
                        reason: reason(decision, limiter.state(now)),
                    }
                }
                Step::Wait(ms) => {
                    now = now.saturating_add(ms);
                    StepPlan {
                        label: format!("+{ms}ms"),
                        at_ms: now,
                        exchanges: Vec::new(),
                        reason: "the clock advances; nothing is asked".to_owned(),
                    }
                }
            })
            .collect();
        Plan { config, steps }
    }

    fn script(&self) -> String {
        script(&self.steps)
    }

    fn describe_config(&self) -> String {
        let fields: Vec<String> = config_request(&self.config)
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| *k != "op")
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect()
            })
            .unwrap_or_default();
        fields.join(" · ").replace('"', "")
    }
}

/// Steps as a `sim limiter --script`: runs of requests grouped as their count (`3 +100ms 1`).
pub fn script(steps: &[Step]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut run = 0u32;
    for step in steps {
        match step {
            Step::Request => run += 1,
            Step::Wait(ms) => {
                if run > 0 {
                    words.push(run.to_string());
                    run = 0;
                }
                words.push(format!("+{ms}ms"));
            }
        }
    }
    if run > 0 {
        words.push(run.to_string());
    }
    words.join(" ")
}

fn reason(decision: Decision, state: LimiterState) -> String {
    let verdict = match decision {
        Decision::Admitted { .. } => "admitted",
        Decision::Rejected => "rejected",
    };
    let fields: Vec<String> = state
        .fields()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    format!("{verdict}; after it: {}", fields.join(", "))
}

/// `count` random cases of `algorithm` from `seed`.
pub fn random_cases(algorithm: Algorithm, seed: u64, count: usize) -> Vec<LimiterCase> {
    let mut rng = Rng::seeded(seed);
    (0..count)
        .map(|_| {
            let config = random_config(algorithm, &mut rng);
            let steps = random_steps(&config, &mut rng);
            LimiterCase { config, steps }
        })
        .collect()
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[(rng.next_u64() % items.len() as u64) as usize]
}

fn random_config(algorithm: Algorithm, rng: &mut Rng) -> LimiterConfig {
    let limit = pick(rng, &[1, 2, 3, 5, 10]);
    let window_ms = pick(rng, &[100, 1_000, 60_000]);
    let rate = pick(rng, &[1, 2, 3, 7, 10, 30]);
    let burst = pick(rng, &[1, 2, 3, 5]);
    match algorithm {
        Algorithm::FixedWindow => LimiterConfig::FixedWindow { limit, window_ms },
        Algorithm::SlidingLog => LimiterConfig::SlidingLog { limit, window_ms },
        Algorithm::SlidingWindow => LimiterConfig::SlidingWindow { limit, window_ms },
        Algorithm::TokenBucket => LimiterConfig::TokenBucket { rate, burst },
        Algorithm::Gcra => LimiterConfig::Gcra { rate, burst },
        Algorithm::LeakyQueue => LimiterConfig::LeakyQueue {
            rate,
            queue: pick(rng, &[0, 1, 2, 4]),
        },
    }
}

/// The lengths that matter to `config`: its window, or its emission interval (rounded both
/// ways, since 1/rate is rarely whole milliseconds), and its count.
fn scales(config: &LimiterConfig) -> (Vec<u64>, u32) {
    match *config {
        LimiterConfig::FixedWindow { limit, window_ms }
        | LimiterConfig::SlidingLog { limit, window_ms }
        | LimiterConfig::SlidingWindow { limit, window_ms } => {
            (vec![window_ms, window_ms / 2], limit)
        }
        LimiterConfig::TokenBucket { rate, burst } | LimiterConfig::Gcra { rate, burst } => {
            let rate = u64::from(rate);
            (vec![1000 / rate, 1000u64.div_ceil(rate)], burst)
        }
        LimiterConfig::LeakyQueue { rate, queue } => {
            let rate = u64::from(rate);
            (vec![1000 / rate, 1000u64.div_ceil(rate)], queue + 1)
        }
        _ => (vec![1000], 1),
    }
}

fn random_steps(config: &LimiterConfig, rng: &mut Rng) -> Vec<Step> {
    let (lengths, count) = scales(config);
    let mut steps = Vec::new();
    let phrases = 2 + rng.next_u64() % 6;
    for _ in 0..phrases {
        match rng.next_u64() % 4 {
            // A burst one short of, at, or past the count.
            0 | 1 => {
                let n = (count + pick(rng, &[0, 1])).saturating_sub(pick(rng, &[0, 1]));
                steps.extend((0..n.max(1)).map(|_| Step::Request));
            }
            // A wait at a length's edge, or a multiple of it.
            2 => {
                let length = pick(rng, &lengths).max(1);
                let times = pick(rng, &[1, 1, 2, 3]);
                let wait = (length * times).saturating_add_signed(pick(rng, &[-1, 0, 1]));
                steps.push(Step::Wait(wait.max(1)));
            }
            // A short wait.
            _ => steps.push(Step::Wait(1 + rng.next_u64() % 50)),
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_bucket_case_plans_the_engine_decisions() {
        let case = LimiterCase {
            config: LimiterConfig::TokenBucket { rate: 3, burst: 1 },
            steps: vec![
                Step::Request,
                Step::Request,
                Step::Wait(333),
                Step::Request,
                Step::Wait(1),
                Step::Request,
            ],
        };
        let plan = case.plan();
        let answers: Vec<Expect> = plan
            .steps
            .iter()
            .flat_map(|s| s.exchanges.iter().map(|e| e.expect.clone()))
            .collect();
        // 0.999 tokens at 333 ms; 1.002 at 334 ms.
        assert_eq!(
            answers,
            [
                Expect::Allow(true),
                Expect::Allow(false),
                Expect::Allow(false),
                Expect::Allow(true)
            ]
        );
        assert_eq!(plan.config["algorithm"], "token-bucket");
        assert_eq!(plan.config["op"], "config");
        assert_eq!(case.script(), "2 +333ms 1 +1ms 1");
    }

    #[test]
    fn random_cases_replay_and_stay_valid() {
        for algorithm in Algorithm::ALL {
            let cases = random_cases(algorithm, 4, 30);
            assert_eq!(cases, random_cases(algorithm, 4, 30));
            for case in &cases {
                assert!(case.config.validate().is_ok());
                assert!(case.steps.contains(&Step::Request) || case.steps.len() <= 8);
            }
        }
    }
}
