//! The `numeric` kind. A plain numeric's key is its authored answer; with `compute`, the
//! key comes from the engine, by replaying events on a fresh retry budget or by running
//! one outage storm, and the authored answer is what `check` compares it with.
//!
//! Invariant: no budget or storm rule is restated here; every key is an engine call, so the
//! authored answer, `check` and the grader all see the same number.

use std::time::Duration;

use crate::engine::budget::{AdaptiveThrottle, RetryBudget, RetryBudgetConfig};
use crate::engine::duration::parse_duration;
use crate::engine::storm::outage;

use super::super::model::{
    BackoffSpec, BudgetQuestion, Compute, Numeric, Quantity, Timespan, Tolerance,
};

use super::kind::{EngineBacked, ExpectScope, LoadCheck};
use super::measure::Measured;
use super::specs::{
    BACKOFF_SETTINGS, ItemError, OUTAGE_SETTINGS, ParamValues, apply, names, outage_config,
    substitute,
};
use super::system::{SYSTEM_SETTINGS, set_system, system_answer};

impl EngineBacked for Numeric {
    type Key = Quantity;
    // Computations may run outage simulations: only `patterns check` pays for them,
    // loading for `list` or `learn` does not.
    const LOAD: LoadCheck = LoadCheck::Nothing;
    // The authored answer is the key with every parameter at its first value.
    const EXPECT: ExpectScope = ExpectScope::FirstVariant;

    fn settings(&self) -> Vec<&'static str> {
        match &self.compute {
            Some(Compute {
                outage: Some(_), ..
            }) => names(BACKOFF_SETTINGS)
                .chain(names(OUTAGE_SETTINGS))
                .collect(),
            Some(Compute {
                system: Some(_), ..
            }) => SYSTEM_SETTINGS.to_vec(),
            Some(_) | None => Vec::new(),
        }
    }

    fn templates(&self) -> Vec<(&'static str, &str)> {
        let mut texts = Vec::new();
        let Some(compute) = &self.compute else {
            return texts;
        };
        let budget = compute
            .budget
            .as_deref()
            .or_else(|| compute.outage.as_ref().and_then(|o| o.budget.as_deref()));
        if let Some(budget) = budget {
            texts.push(("compute", budget));
        }
        if let Some(events) = &compute.events {
            texts.push(("compute", events.as_str()));
        }
        texts
    }

    fn instantiate(&mut self, values: &ParamValues) -> Result<(), ItemError> {
        let Some(compute) = &mut self.compute else {
            return Ok(());
        };
        compute.budget = compute.budget.as_ref().map(|b| substitute(b, values));
        compute.events = compute.events.as_ref().map(|e| substitute(e, values));
        if let Some(outage) = &mut compute.outage {
            outage.budget = outage.budget.as_ref().map(|b| substitute(b, values));
            apply(OUTAGE_SETTINGS, outage, values)?;
            let backoff = compute.backoff.get_or_insert_with(BackoffSpec::default);
            apply(BACKOFF_SETTINGS, backoff, values)?;
        }
        if let Some(system) = &mut compute.system {
            set_system(system, values)?;
        }
        Ok(())
    }

    fn key(&self) -> Result<Quantity, ItemError> {
        match &self.compute {
            Some(compute) => computed(compute),
            None => Ok(self.answer),
        }
    }

    fn check_expect(&self, key: &Quantity) -> Result<(), ItemError> {
        let (answer, key) = (self.answer, *key);
        if key.is_duration() != answer.is_duration() {
            let sort = |q: Quantity| {
                if q.is_duration() {
                    "a duration"
                } else {
                    "a number"
                }
            };
            return Err(ItemError::new(
                "answer",
                format!(
                    "the answer '{answer}' is {} but the engine computes {}",
                    sort(answer),
                    sort(key)
                ),
            ));
        }
        if !agrees(self, key) {
            return Err(ItemError::disagreement(answer, key));
        }
        Ok(())
    }
}

/// The most budget events (counted with their multiplicity) a computation may replay.
const MAX_EVENTS: u64 = 1_000_000;

/// The key of a computed numeric: the engine's answer to `compute`.
pub fn computed(compute: &Compute) -> Result<Quantity, ItemError> {
    let err = |message: String| ItemError::new("compute", message);
    match compute {
        Compute {
            budget: Some(budget),
            ask: Some(ask),
            outage: None,
            backoff: None,
            metric: None,
            system: None,
            events,
        } => budget_answer(budget, events.as_deref().unwrap_or(""), *ask),
        Compute {
            outage: Some(outage),
            metric: Some(metric),
            budget: None,
            events: None,
            ask: None,
            system: None,
            backoff,
        } => {
            let (config, seed) = outage_config(outage, &backoff.clone().unwrap_or_default(), None)?;
            let run = outage::simulate(&config, seed).map_err(|e| err(format!("outage: {e}")))?;
            let name = metric.name();
            match Measured::Outage(run).value(*metric) {
                Some(ms) if metric.is_duration() => Ok(Quantity::Duration(Timespan(
                    Duration::from_secs_f64(ms / 1000.0),
                ))),
                Some(value) => Ok(Quantity::Number(value)),
                None => Err(
                    err(format!("'{name}' never happened in this outage")).with_hint(
                        "the backlog never drained; lengthen 'duration' or ask another metric",
                    ),
                ),
            }
        }
        Compute {
            system: Some(spec),
            metric: Some(metric),
            budget: None,
            events: None,
            ask: None,
            outage: None,
            backoff: None,
        } => system_answer(spec, *metric),
        _ => Err(err(
            "give either 'budget' + 'ask' (+ 'events'), 'outage' + 'metric' (+ 'backoff') or 'system' + 'metric'".into(),
        )
        .with_hint("e.g. {budget: 'tokens:10:0.1', events: '4F', ask: tokens}")),
    }
}

/// Replays `events` on a fresh `budget` and answers `ask`.
fn budget_answer(budget: &str, events: &str, ask: BudgetQuestion) -> Result<Quantity, ItemError> {
    let err = |message: String| ItemError::new("compute", message);
    if let Some(k) = budget.strip_prefix("adaptive:") {
        return throttle_answer(k, events, ask);
    }

    let config = RetryBudgetConfig::parse(budget).map_err(|e| err(format!("budget: {e}")))?;
    let mut state = config.build().map_err(|e| err(format!("budget: {e}")))?;
    let mut now = Duration::ZERO;
    let mut admitted = 0u64;
    let mut total = 0u64;
    for token in events.split_whitespace() {
        if let Some(span) = token.strip_prefix('+') {
            now += parse_duration(span).map_err(|e| {
                err(format!("event '{token}': {e}")).with_hint("time passes as '+DUR', e.g. '+10s'")
            })?;
            continue;
        }
        let bad = || {
            err(format!("event '{token}' is not an event")).with_hint(
                "write 'NR' (requests), 'NF' (failed calls), 'NS' (successes), 'NT' (retries) or '+DUR'",
            )
        };
        // The letter is the last character, which may be any UTF-8 character in bad input.
        let Some((split, _)) = token.char_indices().last() else {
            return Err(bad());
        };
        let (count, letter) = token.split_at(split);
        let count: u64 = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| bad())?
        };
        total = total.saturating_add(count);
        if total > MAX_EVENTS {
            return Err(
                err(format!("more than {MAX_EVENTS} events")).with_hint("use smaller counts")
            );
        }
        for _ in 0..count {
            match letter {
                "R" | "r" => state.on_request(now),
                "F" | "f" => state.on_failure(),
                "S" | "s" => state.on_success(),
                "T" | "t" => admitted += u64::from(state.try_retry(now)),
                _ => return Err(bad()),
            }
        }
    }
    let value = match ask {
        BudgetQuestion::Tokens => match &state {
            RetryBudget::Tokens(bucket) => bucket.tokens(),
            _ => {
                return Err(err(format!("'{budget}' has no tokens"))
                    .with_hint("ask 'tokens' of a 'tokens:MAX:RATIO' budget"));
            }
        },
        BudgetQuestion::RetriesAdmitted => admitted as f64,
        BudgetQuestion::RejectionPercent => {
            return Err(err(format!("'{budget}' rejects no request locally"))
                .with_hint("ask 'rejection_percent' of an 'adaptive:K' throttle"));
        }
        BudgetQuestion::RetriesUntilRefused => {
            let mut retries = 0u64;
            while state.try_retry(now) {
                state.on_failure();
                retries += 1;
                if retries > MAX_EVENTS {
                    return Err(
                        err(format!("'{budget}' never refuses a retry here")).with_hint(
                            "a ratio budget that has counted no request admits every retry",
                        ),
                    );
                }
            }
            retries as f64
        }
        BudgetQuestion::SuccessesUntilAdmitted => {
            let mut successes = 0u64;
            // Probe a copy: an admitted retry is counted as sent.
            while !state.clone().try_retry(now) {
                state.on_success();
                successes += 1;
                if successes > MAX_EVENTS {
                    return Err(
                        err(format!("successes never re-admit retries in '{budget}'"))
                            .with_hint("only a token bucket is refilled by successes"),
                    );
                }
            }
            successes as f64
        }
    };
    Ok(Quantity::Number(value))
}

/// The SRE book's adaptive throttle with multiplier `k` after `events` ('NR' requests
/// attempted, 'NS' of them accepted): the percentage of requests it now rejects locally.
fn throttle_answer(k: &str, events: &str, ask: BudgetQuestion) -> Result<Quantity, ItemError> {
    let err = |message: String| ItemError::new("compute", message);
    let hint = "an adaptive throttle is 'adaptive:K', e.g. 'adaptive:2', with events 'NR NS'";
    let k: f64 = k
        .parse()
        .map_err(|_| err(format!("K '{k}' is not a number")).with_hint(hint))?;
    let throttle = AdaptiveThrottle::new(k).map_err(|e| err(e.to_string()).with_hint(hint))?;
    if ask != BudgetQuestion::RejectionPercent {
        return Err(err(
            "an adaptive throttle answers only 'rejection_percent'".into()
        ));
    }
    let (mut requests, mut accepts) = (0u64, 0u64);
    for token in events.split_whitespace() {
        let bad = || {
            err(format!(
                "event '{token}' is not an event of an adaptive throttle"
            ))
            .with_hint("write 'NR' (requests attempted) and 'NS' (of them accepted)")
        };
        let Some((split, _)) = token.char_indices().last() else {
            return Err(bad());
        };
        let (count, letter) = token.split_at(split);
        let count: u64 = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| bad())?
        };
        match letter {
            "R" | "r" => requests = requests.saturating_add(count),
            "S" | "s" => accepts = accepts.saturating_add(count),
            _ => return Err(bad()),
        }
    }
    if accepts > requests {
        return Err(err(format!(
            "{accepts} accepted of {requests} requests: more accepted than attempted"
        )));
    }
    Ok(Quantity::Number(
        throttle.rejection_probability(requests, accepts) * 100.0,
    ))
}

/// Whether an authored computed answer is what the engine gives, within the item's
/// tolerance (what a learner answering it would need).
pub fn agrees(numeric: &Numeric, key: Quantity) -> bool {
    let key_is_duration = key.is_duration();
    let (given, key) = (numeric.answer.as_f64(), key.as_f64());
    let slack = match numeric.tolerance {
        None => 0.0,
        Some(Tolerance::Absolute(t)) => t.as_f64(),
        Some(Tolerance::Percent(p)) => key.abs() * p / 100.0,
    };
    numeric.answer.is_duration() == key_is_duration
        && (given - key).abs() <= slack + 1e-9 * key.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::super::super::model::{
        BackoffSpec, Exercise, Metric, OutageSpec, Param, ParamValue,
    };
    use super::super::{ParamValues, instantiate};
    use super::*;

    fn budget(spec: &str, events: &str, ask: BudgetQuestion) -> Result<Quantity, ItemError> {
        computed(&Compute {
            budget: Some(spec.into()),
            events: Some(events.into()),
            ask: Some(ask),
            ..Compute::default()
        })
    }

    fn number(q: Result<Quantity, ItemError>) -> f64 {
        match q.expect("computes") {
            Quantity::Number(x) => x,
            other => panic!("not a number: {other}"),
        }
    }

    #[test]
    fn token_bucket_questions_come_from_the_engine() {
        use BudgetQuestion::*;
        // 5 failures leave exactly 5 of 10 tokens: not more than half, so refused.
        assert_eq!(number(budget("tokens:10:0.1", "5F", Tokens)), 5.0);
        assert_eq!(
            number(budget("tokens:10:0.1", "5F 1T", RetriesAdmitted)),
            0.0
        );
        assert_eq!(
            number(budget("tokens:10:0.1", "4F 1T", RetriesAdmitted)),
            1.0
        );
        // From full, after the first failure: retries at 9, 8, 7 and 6 tokens.
        assert_eq!(
            number(budget("tokens:10:0.1", "1F", RetriesUntilRefused)),
            4.0
        );
        // From empty, 50 successes give exactly 5.0: the 51st re-admits.
        assert_eq!(
            number(budget("tokens:10:0.1", "10F", SuccessesUntilAdmitted)),
            51.0
        );
        assert_eq!(
            number(budget("tokens:10:0.1", "", SuccessesUntilAdmitted)),
            0.0
        );
    }

    #[test]
    fn ratio_budgets_count_requests_and_retries() {
        use BudgetQuestion::*;
        // Cumulative: a long healthy past banks retries; 1000 of 10000 is exactly 10 %.
        assert_eq!(
            number(budget("ratio:10", "10000R 10T", RetriesUntilRefused)),
            990.0
        );
        // Windowed: after the window passes, only new requests count.
        assert_eq!(
            number(budget(
                "ratio:10:10s",
                "10000R 10T +11s 1R",
                RetriesUntilRefused
            )),
            1.0
        );
        let never = budget("ratio:10", "", RetriesUntilRefused).expect_err("never refuses");
        assert_eq!(never.field(), "compute");
        let tokens = budget("ratio:10", "1R", Tokens).expect_err("no tokens");
        assert!(tokens.to_string().contains("no tokens"));
        let bad = budget("tokens:10:0.1", "3X", Tokens).expect_err("bad event");
        assert!(bad.to_string().contains("'3X'"));
        let wide = budget("tokens:10:0.1", "3é", Tokens).expect_err("bad event");
        assert!(wide.to_string().contains("'3é'"));
        let slow = budget("ratio:10", "5000000R", Tokens).expect_err("too many");
        assert!(slow.to_string().contains("more than"));
    }

    #[test]
    fn outage_computations_run_the_storm() {
        let compute = Compute {
            outage: Some(OutageSpec {
                clients: Some(10),
                rate: None,
                duration: Some(Timespan(Duration::from_secs(20))),
                outage: Timespan(Duration::from_secs(10)),
                capacity: None,
                max_attempts: Some(3),
                budget: None,
                breaker: None,
                seed: None,
            }),
            backoff: Some(BackoffSpec {
                base: Some(Timespan(Duration::from_millis(1))),
                ..BackoffSpec::default()
            }),
            metric: Some(Metric::CallsDuringOutage),
            ..Compute::default()
        };
        // 10 clients x 10 requests in the outage, each tried 3 times within milliseconds.
        assert_eq!(number(computed(&compute)), 300.0);
        let neither = computed(&Compute::default()).expect_err("nothing to compute");
        assert_eq!(neither.field(), "compute");
    }

    #[test]
    fn the_key_is_computed_for_the_drawn_values() {
        let exercise = Exercise {
            id: "bucket".into(),
            prompt: "after {k} failures?".into(),
            params: [(
                "k".to_owned(),
                Param {
                    min: Some(ParamValue::Number(1.0)),
                    max: Some(ParamValue::Number(9.0)),
                    ..Param::default()
                },
            )]
            .into(),
            numeric: Some(Numeric {
                answer: Quantity::Number(4.0),
                tolerance: None,
                unit: None,
                compute: Some(Compute {
                    budget: Some("tokens:10:0.1".into()),
                    events: Some("{k}F".into()),
                    ask: Some(BudgetQuestion::RetriesUntilRefused),
                    ..Compute::default()
                }),
            }),
            ..Exercise::default()
        };
        let values: ParamValues = [("k".to_owned(), ParamValue::Number(3.0))].into();
        let concrete = instantiate(&exercise, &values).expect("instantiates");
        assert_eq!(concrete.prompt, "after 3 failures?");
        let numeric = concrete.numeric.expect("numeric");
        assert_eq!(numeric.key(), Ok(Quantity::Number(2.0)));
        // The authored answer (4, for k = 1) is not the key for k = 3.
        assert_eq!(
            numeric.check_expect(&Quantity::Number(2.0)),
            Err(ItemError::disagreement(
                Quantity::Number(4.0),
                Quantity::Number(2.0)
            ))
        );
        assert!(agrees(&numeric, Quantity::Number(4.0)));
        assert!(!agrees(&numeric, Quantity::Number(3.0)));
    }
}

#[cfg(test)]
mod throttle_tests {
    use super::*;

    fn throttle(spec: &str, events: &str) -> Result<Quantity, ItemError> {
        computed(&Compute {
            budget: Some(spec.into()),
            events: Some(events.into()),
            ask: Some(BudgetQuestion::RejectionPercent),
            outage: None,
            backoff: None,
            metric: None,
            system: None,
        })
    }

    #[test]
    fn the_adaptive_throttle_answers_its_rejection_percentage() {
        let Ok(Quantity::Number(p)) = throttle("adaptive:2", "100R 25S") else {
            panic!("a number")
        };
        assert!((p - 5000.0 / 101.0).abs() < 1e-9);
        assert_eq!(
            throttle("adaptive:2", "100R 60S"),
            Ok(Quantity::Number(0.0))
        );
        assert!(throttle("adaptive:0.5", "1R").is_err());
        assert!(throttle("adaptive:2", "1R 2S").is_err());
        assert!(throttle("adaptive:2", "3F").is_err());
        assert!(throttle("adaptive:2", "3é").is_err());
        assert!(
            throttle("tokens:10:0.1", "1F").is_err(),
            "only a throttle answers it"
        );
    }
}
