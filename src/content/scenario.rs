//! The bridge from content to the engine: author-friendly specs ([`BreakerSpec`],
//! [`BackoffSpec`]) become engine configs, parametric exercises become concrete ones, and
//! engine-backed items are run to get their keys. Graders and `check` both use this, so a
//! key is computed in exactly one way.
//!
//! Invariant: no rule of the engine is restated here; every key comes from an engine call.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::breaker::{BreakerConfig, HalfOpenTransition, State};
use crate::engine::budget::{RetryBudget, RetryBudgetConfig};
use crate::engine::duration::format_duration;
use crate::engine::preset::{BreakerOverrides, Preset};
use crate::engine::rng::Rng;
use crate::engine::script::{self, Script};
use crate::engine::storm::Strategy;
use crate::engine::storm::outage::{self, OutageConfig, OutageRun};
use crate::engine::window::WindowConfig;

use super::model::{
    BackoffSpec, BreakerSpec, BudgetQuestion, Compute, Exercise, JitterName, Kind, Metric, Numeric,
    OutageSpec, Param, ParamValue, PresetName, Quantity, StateName, Timespan, Tune, WindowSpec,
};
use super::validate::{Depth, ParamValues};

/// Why an engine-backed item is wrong, with the field at fault (for the diagnostic's
/// position) and a hint.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemError {
    field: &'static str,
    message: String,
    hint: Option<String>,
}

impl ItemError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
            hint: None,
        }
    }

    /// A computed numeric whose authored `answer` is not the engine's key.
    pub fn disagreement(answer: Quantity, key: Quantity) -> Self {
        let shown = match key {
            Quantity::Number(x) => {
                let text = format!("{x:.4}");
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
            duration => duration.to_string(),
        };
        Self::new(
            "answer",
            format!("answer '{answer}' disagrees with the engine, which computes {shown}"),
        )
        .with_hint(
            "the learner is graded against the engine; fix 'answer' (for a parametric item: \
             the key with every parameter at its first value), or the computation",
        )
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The YAML key the problem is under (inside the exercise's kind or the lab).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ItemError {}

/// The engine's preset for a content preset name.
pub fn preset(name: PresetName) -> Preset {
    match name {
        PresetName::Seed => Preset::Seed,
        PresetName::Pybreaker => Preset::Pybreaker,
        PresetName::Gobreaker => Preset::Gobreaker,
        PresetName::Resilience4j => Preset::Resilience4j,
        PresetName::Polly => Preset::Polly,
    }
}

/// The engine config for `spec`: the preset's defaults with the spec's values on top.
pub fn breaker_config(spec: &BreakerSpec) -> Result<BreakerConfig, ItemError> {
    let overrides = BreakerOverrides {
        failure_threshold: spec.failure_threshold,
        recovery_timeout: spec.recovery_timeout.map(Timespan::get),
        success_threshold: spec.success_threshold,
        half_open_max_calls: spec.half_open_max_calls,
        half_open_transition: spec
            .automatic_transition
            .then_some(HalfOpenTransition::Automatic),
        window: spec.window.map(|w| match w {
            WindowSpec::Count(calls) => WindowConfig::Count { calls },
            WindowSpec::Time(span) => WindowConfig::Time { span: span.get() },
        }),
        failure_rate: spec.failure_rate,
        min_calls: spec.min_calls,
        slow_call: spec.slow_call.map(Timespan::get),
        slow_rate: spec.slow_rate,
    };
    let base = preset(spec.preset.unwrap_or(PresetName::Seed)).config();
    let config = overrides
        .apply(base)
        .map_err(|e| ItemError::new("breaker", e.to_string()))?;
    config.validate().map_err(|e| {
        ItemError::new("breaker", format!("breaker: {e}"))
            .with_hint("fix the breaker's settings; `patterns sim breaker` accepts the same values")
    })?;
    Ok(config)
}

/// The content name of an engine state.
pub fn state_name(state: State) -> StateName {
    match state {
        State::Closed => StateName::Closed,
        State::Open => StateName::Open,
        State::HalfOpen => StateName::HalfOpen,
    }
}

/// Parses a script, as an item error on `field`.
fn parse_script(text: &str) -> Result<Script, ItemError> {
    Script::parse(text).map_err(|e| {
        ItemError::new("script", e.to_string())
            .with_hint("try it with `patterns sim breaker --script '...'`")
    })
}

/// Runs `script` against the breaker `spec`: the full engine run.
pub fn breaker_run(spec: &BreakerSpec, script: &str) -> Result<script::Run, ItemError> {
    let config = breaker_config(spec)?;
    let script = parse_script(script)?;
    script::run(&script, config).map_err(|e| ItemError::new("breaker", e.to_string()))
}

/// The state after each step of `script`: a state trace's key.
pub fn breaker_trace(spec: &BreakerSpec, script: &str) -> Result<Vec<StateName>, ItemError> {
    Ok(breaker_run(spec, script)?
        .states()
        .into_iter()
        .map(state_name)
        .collect())
}

/// The engine config for a backoff spec (defaults: base 1s, multiplier 2, cap 60s, none).
pub fn backoff_config(spec: &BackoffSpec) -> Result<BackoffConfig, ItemError> {
    let defaults = BackoffConfig::default();
    let config = BackoffConfig {
        base: spec.base.map_or(defaults.base, Timespan::get),
        multiplier: spec.multiplier.unwrap_or(defaults.multiplier),
        cap: spec.cap.map_or(defaults.cap, Timespan::get),
        jitter: jitter(spec.jitter.unwrap_or(JitterName::None)),
        first_exponent: 0,
    };
    config
        .validate()
        .map_err(|e| ItemError::new("backoff", format!("backoff: {e}")))?;
    Ok(config)
}

/// The engine's jitter for a content jitter name.
pub fn jitter(name: JitterName) -> Jitter {
    match name {
        JitterName::None => Jitter::None,
        JitterName::Full => Jitter::Full,
        JitterName::Equal => Jitter::Equal,
        JitterName::Decorrelated => Jitter::Decorrelated,
        JitterName::Proportional => Jitter::Proportional,
    }
}

/// The most attempts a backoff_schedule may ask about.
pub const MAX_ATTEMPTS: u32 = 30;

/// The ceiling of attempts 1..=attempts: a backoff_schedule's key.
pub fn backoff_ceilings(spec: &BackoffSpec, attempts: u32) -> Result<Vec<Duration>, ItemError> {
    if !(1..=MAX_ATTEMPTS).contains(&attempts) {
        return Err(
            ItemError::new("attempts", format!("attempts {attempts} is out of range"))
                .with_hint(format!("ask about 1 to {MAX_ATTEMPTS} attempts")),
        );
    }
    let config = backoff_config(spec)?;
    Ok((1..=attempts).map(|n| config.ceiling(n)).collect())
}

/// The YAML names a parameter may set in an exercise of this kind.
pub fn settable(kind: Kind) -> Vec<&'static str> {
    const BREAKER: [&str; 7] = [
        "failure_threshold",
        "recovery_timeout",
        "success_threshold",
        "half_open_max_calls",
        "failure_rate",
        "min_calls",
        "slow_rate",
    ];
    const BACKOFF: [&str; 4] = ["base", "multiplier", "cap", "jitter"];
    match kind {
        Kind::Numeric(Numeric {
            compute: Some(Compute {
                outage: Some(_), ..
            }),
            ..
        }) => {
            let mut names = BACKOFF.to_vec();
            names.extend(OUTAGE_SETTINGS);
            names
        }
        Kind::StateTrace(_) => BREAKER.to_vec(),
        Kind::BackoffSchedule(_) => {
            let mut names = BACKOFF.to_vec();
            names.push("attempts");
            names
        }
        Kind::Tune(tune) if tune.outage.is_some() => {
            let mut names = BACKOFF.to_vec();
            names.push("max_attempts");
            names
        }
        Kind::Tune(_) => BREAKER.to_vec(),
        _ => Vec::new(),
    }
}

/// The outage settings a computed numeric's parameters may set.
const OUTAGE_SETTINGS: [&str; 6] = [
    "outage",
    "capacity",
    "clients",
    "rate",
    "duration",
    "max_attempts",
];

/// The script of a kind that has one.
pub fn script_of(kind: Kind<'_>) -> Option<&str> {
    match kind {
        Kind::StateTrace(trace) => Some(&trace.script),
        Kind::Tune(tune) => tune.script.as_deref(),
        _ => None,
    }
}

/// The texts of a kind that may hold `{param}` placeholders besides the prompt, each with
/// its YAML key: a script, or a computed numeric's budget and events.
pub fn templates(kind: Kind<'_>) -> Vec<(&'static str, &str)> {
    let mut texts = Vec::new();
    if let Some(script) = script_of(kind) {
        texts.push(("script", script));
    }
    if let Kind::Numeric(Numeric {
        compute: Some(compute),
        ..
    }) = kind
    {
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
    }
    texts
}

/// The `{name}` placeholders in `text`.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            names.push(name);
        }
        rest = &after[end..];
    }
    names
}

/// Replaces `{name}` placeholders with the values.
pub fn substitute(text: &str, values: &ParamValues) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// The values a parameter can take: every value for short ranges, else the range's ends and
/// the values in between by step. Errors describe an unusable range.
pub fn param_values(param: &Param) -> Result<Vec<ParamValue>, String> {
    if !param.one_of.is_empty() {
        if param.min.is_some() || param.max.is_some() {
            return Err("give either 'one_of' or 'min'/'max', not both".into());
        }
        let sort = param.one_of[0].sort();
        if param.one_of.iter().any(|v| v.sort() != sort) {
            return Err("mixes numbers, durations and names in 'one_of'".into());
        }
        return Ok(param.one_of.clone());
    }
    let (Some(min), Some(max)) = (&param.min, &param.max) else {
        return Err("needs 'min' and 'max' (or 'one_of')".into());
    };
    match (min, max) {
        (ParamValue::Number(lo), ParamValue::Number(hi)) => {
            let step = match &param.step {
                None => 1.0,
                Some(ParamValue::Number(step)) => *step,
                Some(other) => {
                    return Err(format!(
                        "step is {} but the range holds numbers",
                        other.sort()
                    ));
                }
            };
            range(*lo, *hi, step, ParamValue::Number)
        }
        (ParamValue::Duration(lo), ParamValue::Duration(hi)) => {
            let step = match &param.step {
                None => 1000.0,
                Some(ParamValue::Duration(step)) => step.get().as_secs_f64() * 1000.0,
                Some(other) => {
                    return Err(format!(
                        "step is {} but the range holds durations",
                        other.sort()
                    ));
                }
            };
            let ms = |d: &Timespan| d.get().as_secs_f64() * 1000.0;
            range(ms(lo), ms(hi), step, |x| {
                ParamValue::Duration(Timespan(Duration::from_secs_f64(x / 1000.0)))
            })
        }
        (ParamValue::Name(_), _) | (_, ParamValue::Name(_)) => {
            Err("a range needs numbers or durations; list names under 'one_of'".into())
        }
        (lo, hi) => Err(format!("min is {} but max is {}", lo.sort(), hi.sort())),
    }
}

fn range(
    lo: f64,
    hi: f64,
    step: f64,
    make: impl Fn(f64) -> ParamValue,
) -> Result<Vec<ParamValue>, String> {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return Err(format!(
            "min must not be above max ({} > {})",
            make(lo),
            make(hi)
        ));
    }
    if !(step.is_finite() && step > 0.0) {
        return Err("step must be above 0".into());
    }
    let count = ((hi - lo) / step).floor() + 1.0;
    if count > 10_000.0 {
        return Err("the range holds more than 10000 values; use a larger step".into());
    }
    Ok((0..count as u32)
        .map(|i| make(lo + f64::from(i) * step))
        .collect())
}

/// Draws one value per parameter with the engine's seeded RNG: the same seed gives the same
/// variant everywhere.
pub fn draw(exercise: &Exercise, seed: u64) -> Result<ParamValues, String> {
    let mut rng = Rng::seeded(seed);
    let mut values = BTreeMap::new();
    for (name, param) in &exercise.params {
        let choices = param_values(param).map_err(|e| format!("parameter '{name}': {e}"))?;
        let index = (rng.next_u64() % choices.len() as u64) as usize;
        values.insert(name.clone(), choices[index].clone());
    }
    Ok(values)
}

/// The concrete exercise for `values`: placeholders replaced in the prompt and the script,
/// settings named by parameters set. Errors name a value that does not fit its setting.
pub fn instantiate(exercise: &Exercise, values: &ParamValues) -> Result<Exercise, ItemError> {
    let mut out = exercise.clone();
    out.prompt = substitute(&exercise.prompt, values);
    if let Some(trace) = &mut out.state_trace {
        trace.script = substitute(&trace.script, values);
        for (name, value) in values {
            set_breaker(&mut trace.breaker, name, value)?;
        }
    }
    if let Some(schedule) = &mut out.backoff_schedule {
        for (name, value) in values {
            if name == "attempts" {
                schedule.attempts = whole(name, value)?;
            } else {
                set_backoff(&mut schedule.backoff, name, value)?;
            }
        }
    }
    if let Some(tune) = &mut out.tune {
        tune.script = tune.script.as_ref().map(|s| substitute(s, values));
    }
    if let Some(numeric) = &mut out.numeric
        && let Some(compute) = &mut numeric.compute
    {
        compute.budget = compute.budget.as_ref().map(|b| substitute(b, values));
        compute.events = compute.events.as_ref().map(|e| substitute(e, values));
        if let Some(outage) = &mut compute.outage {
            outage.budget = outage.budget.as_ref().map(|b| substitute(b, values));
            for (name, value) in values {
                set_outage(outage, name, value)?;
            }
            let backoff = compute.backoff.get_or_insert_with(BackoffSpec::default);
            for (name, value) in values {
                set_backoff(backoff, name, value)?;
            }
        }
        numeric.answer = computed(compute)?;
    }
    out.params.clear();
    Ok(out)
}

/// Sets the outage setting `name` (ignores names that are not outage settings).
fn set_outage(spec: &mut OutageSpec, name: &str, value: &ParamValue) -> Result<(), ItemError> {
    match name {
        "outage" => spec.outage = span(name, value)?,
        "duration" => spec.duration = Some(span(name, value)?),
        "capacity" => spec.capacity = Some(whole(name, value)?),
        "clients" => spec.clients = Some(whole(name, value)?),
        "rate" => spec.rate = Some(number(name, value)?),
        "max_attempts" => spec.max_attempts = Some(whole(name, value)?),
        _ => {}
    }
    Ok(())
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
            events,
        } => budget_answer(budget, events.as_deref().unwrap_or(""), *ask),
        Compute {
            outage: Some(outage),
            metric: Some(metric),
            budget: None,
            events: None,
            ask: None,
            backoff,
        } => {
            let (config, seed) = outage_config(outage, &backoff.clone().unwrap_or_default(), None)?;
            let run = outage::simulate(&config, seed).map_err(|e| err(format!("outage: {e}")))?;
            let name = metric_name(*metric);
            match outage_metrics(&run).get(name) {
                Some(&ms) if metric.is_duration() => Ok(Quantity::Duration(Timespan(
                    Duration::from_secs_f64(ms / 1000.0),
                ))),
                Some(&value) => Ok(Quantity::Number(value)),
                None => Err(
                    err(format!("'{name}' never happened in this outage")).with_hint(
                        "the backlog never drained; lengthen 'duration' or ask another metric",
                    ),
                ),
            }
        }
        _ => Err(err(
            "give either 'budget' + 'ask' (+ 'events') or 'outage' + 'metric' (+ 'backoff')".into(),
        )
        .with_hint("e.g. {budget: 'tokens:10:0.1', events: '4F', ask: tokens}")),
    }
}

/// Replays `events` on a fresh `budget` and answers `ask`.
fn budget_answer(budget: &str, events: &str, ask: BudgetQuestion) -> Result<Quantity, ItemError> {
    let err = |message: String| ItemError::new("compute", message);
    let config = RetryBudgetConfig::parse(budget).map_err(|e| err(format!("budget: {e}")))?;
    let mut state = config.build().map_err(|e| err(format!("budget: {e}")))?;
    let mut now = Duration::ZERO;
    let mut admitted = 0u64;
    let mut total = 0u64;
    for token in events.split_whitespace() {
        if let Some(span) = token.strip_prefix('+') {
            now += crate::engine::duration::parse_duration(span).map_err(|e| {
                err(format!("event '{token}': {e}")).with_hint("time passes as '+DUR', e.g. '+10s'")
            })?;
            continue;
        }
        let bad = || {
            err(format!("event '{token}' is not an event")).with_hint(
                "write 'NR' (requests), 'NF' (failed calls), 'NS' (successes), 'NT' (retries) or '+DUR'",
            )
        };
        let split = token.len() - 1;
        let (count, letter) = (&token[..split], &token[split..]);
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

fn whole(name: &str, value: &ParamValue) -> Result<u32, ItemError> {
    match value {
        ParamValue::Number(x) if x.fract() == 0.0 && *x >= 0.0 && *x <= f64::from(u32::MAX) => {
            Ok(*x as u32)
        }
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a whole number"),
        )),
    }
}

fn number(name: &str, value: &ParamValue) -> Result<f64, ItemError> {
    match value {
        ParamValue::Number(x) => Ok(*x),
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a number"),
        )),
    }
}

fn span(name: &str, value: &ParamValue) -> Result<Timespan, ItemError> {
    match value {
        ParamValue::Duration(d) => Ok(*d),
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a duration, e.g. '30s'"),
        )),
    }
}

/// Sets the breaker setting `name` (ignores names that are not breaker settings).
pub fn set_breaker(
    spec: &mut BreakerSpec,
    name: &str,
    value: &ParamValue,
) -> Result<(), ItemError> {
    match name {
        "failure_threshold" => spec.failure_threshold = Some(whole(name, value)?),
        "recovery_timeout" => spec.recovery_timeout = Some(span(name, value)?),
        "success_threshold" => spec.success_threshold = Some(whole(name, value)?),
        "half_open_max_calls" => spec.half_open_max_calls = Some(whole(name, value)?),
        "failure_rate" => spec.failure_rate = Some(number(name, value)?),
        "min_calls" => spec.min_calls = Some(whole(name, value)?),
        "slow_rate" => spec.slow_rate = Some(number(name, value)?),
        _ => {}
    }
    Ok(())
}

/// Sets the backoff setting `name` (ignores names that are not backoff settings).
pub fn set_backoff(
    spec: &mut BackoffSpec,
    name: &str,
    value: &ParamValue,
) -> Result<(), ItemError> {
    match name {
        "base" => spec.base = Some(span(name, value)?),
        "cap" => spec.cap = Some(span(name, value)?),
        "multiplier" => spec.multiplier = Some(number(name, value)?),
        "jitter" => {
            let ParamValue::Name(text) = value else {
                return Err(ItemError::new(
                    "params",
                    format!("parameter 'jitter' is '{value}' but must be a jitter name"),
                ));
            };
            let jitter = match text.as_str() {
                "none" => JitterName::None,
                "full" => JitterName::Full,
                "equal" => JitterName::Equal,
                "decorrelated" => JitterName::Decorrelated,
                "proportional" => JitterName::Proportional,
                other => {
                    return Err(ItemError::new(
                        "params",
                        format!(
                            "unknown jitter '{other}'; choose none, full, equal, decorrelated or proportional"
                        ),
                    ));
                }
            };
            spec.jitter = Some(jitter);
        }
        _ => {}
    }
    Ok(())
}

/// Concrete variants to check a parametric exercise with: all parameters at their lowest,
/// all at their highest, and (for up to three parameters) every mix of the two.
/// A plain exercise gives itself.
pub fn extreme_variants(exercise: &Exercise) -> Result<Vec<(ParamValues, Exercise)>, ItemError> {
    if exercise.params.is_empty() {
        return Ok(vec![(BTreeMap::new(), exercise.clone())]);
    }
    let mut ends: Vec<(&String, Vec<ParamValue>)> = Vec::new();
    for (name, param) in &exercise.params {
        let values = param_values(param).map_err(|e| ItemError::new("params", e))?;
        let mut pair = vec![values[0].clone()];
        if let Some(last) = values.last().filter(|last| **last != values[0]) {
            pair.push(last.clone());
        }
        ends.push((name, pair));
    }
    let mut combos: Vec<ParamValues> = vec![BTreeMap::new()];
    if ends.len() <= 3 {
        for (name, pair) in &ends {
            combos = combos
                .into_iter()
                .flat_map(|combo| {
                    pair.iter().map(move |value| {
                        let mut next = combo.clone();
                        next.insert((*name).clone(), value.clone());
                        next
                    })
                })
                .collect();
        }
    } else {
        let pick = |last: bool| -> ParamValues {
            ends.iter()
                .map(|(name, pair)| {
                    let value = if last { pair.last() } else { pair.first() };
                    (
                        (*name).clone(),
                        value.cloned().unwrap_or(ParamValue::Number(0.0)),
                    )
                })
                .collect()
        };
        combos = vec![pick(false), pick(true)];
    }
    combos
        .into_iter()
        .map(|values| instantiate(exercise, &values).map(|ex| (values, ex)))
        .collect()
}

/// Checks one concrete engine-backed item: its scenario runs, an authored `expect` agrees
/// with the engine, a tune's example meets its goals (at [`Depth::Full`]).
pub fn check_item(kind: Kind, depth: Depth) -> Result<(), ItemError> {
    match kind {
        Kind::StateTrace(trace) => {
            let states = breaker_trace(&trace.breaker, &trace.script)?;
            if let Some(expect) = &trace.expect
                && depth == Depth::Full
                && *expect != states
            {
                let show = |list: &[StateName]| {
                    list.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(ItemError::new(
                    "expect",
                    format!(
                        "expect disagrees with the engine\n  expected: {}\n  engine:   {}",
                        show(expect),
                        show(&states)
                    ),
                )
                .with_hint(first_difference(
                    expect.len(),
                    states.len(),
                    expect.iter().zip(&states).position(|(a, b)| a != b),
                )));
            }
            Ok(())
        }
        Kind::BackoffSchedule(schedule) => {
            let ceilings = backoff_ceilings(&schedule.backoff, schedule.attempts)?;
            if let Some(expect) = &schedule.expect
                && depth == Depth::Full
            {
                let expected: Vec<Duration> = expect.iter().map(|t| t.get()).collect();
                if expected != ceilings {
                    let show = |list: &[Duration]| {
                        list.iter()
                            .map(|d| format_duration(*d))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    return Err(ItemError::new(
                        "expect",
                        format!(
                            "expect disagrees with the engine\n  expected: {}\n  engine:   {}",
                            show(&expected),
                            show(&ceilings)
                        ),
                    )
                    .with_hint(first_difference(
                        expected.len(),
                        ceilings.len(),
                        expected.iter().zip(&ceilings).position(|(a, b)| a != b),
                    )));
                }
            }
            Ok(())
        }
        Kind::Tune(tune) => check_tune(tune, depth),
        Kind::Numeric(Numeric {
            compute: Some(compute),
            answer,
            ..
        }) => {
            let key = computed(compute)?;
            if depth == Depth::Full && key.is_duration() != answer.is_duration() {
                return Err(ItemError::new(
                    "answer",
                    format!(
                        "the answer '{answer}' is {} but the engine computes {}",
                        if answer.is_duration() {
                            "a duration"
                        } else {
                            "a number"
                        },
                        if key.is_duration() {
                            "a duration"
                        } else {
                            "a number"
                        },
                    ),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether an authored computed answer is what the engine gives, within the item's
/// tolerance (what a learner answering it would need).
pub fn agrees(numeric: &Numeric, key: Quantity) -> bool {
    let key_is_duration = key.is_duration();
    let (given, key) = (numeric.answer.as_f64(), key.as_f64());
    let slack = match numeric.tolerance {
        None => 0.0,
        Some(super::model::Tolerance::Absolute(t)) => t.as_f64(),
        Some(super::model::Tolerance::Percent(p)) => key.abs() * p / 100.0,
    };
    numeric.answer.is_duration() == key_is_duration
        && (given - key).abs() <= slack + 1e-9 * key.abs().max(1.0)
}

fn first_difference(expected: usize, engine: usize, first: Option<usize>) -> String {
    match first {
        Some(i) => format!(
            "they first differ at step {}; the learner is graded against the engine, so fix 'expect' (or the scenario)",
            i + 1
        ),
        None => format!(
            "'expect' has {expected} entries but the engine gives {engine}; give one per step"
        ),
    }
}

/// A tune scenario's outcome for one choice of parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TuneOutcome {
    /// Every metric the scenario measured.
    pub metrics: BTreeMap<&'static str, f64>,
    /// Each goal with the measured value and whether it held.
    pub goals: Vec<GoalResult>,
}

impl TuneOutcome {
    /// Whether every goal held.
    pub fn passed(&self) -> bool {
        self.goals.iter().all(|g| g.met)
    }
}

/// One goal's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalResult {
    pub metric: Metric,
    /// The measured value (durations in milliseconds); `None` if it never happened (e.g.
    /// the breaker never opened).
    pub value: Option<f64>,
    pub met: bool,
    /// e.g. "failed = 12, goal: at most 10".
    pub summary: String,
}

fn check_tune(tune: &Tune, depth: Depth) -> Result<(), ItemError> {
    let outage = tune.outage.is_some();
    if outage == tune.script.is_some() || (!outage && tune.breaker.is_none()) {
        return Err(ItemError::new(
            "parameters",
            "a tune scenario is either 'breaker' + 'script', or 'outage' (+ 'backoff')",
        )
        .with_hint("give exactly one of the two"));
    }
    if tune.parameters.is_empty() {
        return Err(ItemError::new("parameters", "no parameters to tune")
            .with_hint("name at least one setting, e.g. failure_threshold: {min: 1, max: 20}"));
    }
    let settable = settable(Kind::Tune(tune));
    let budget = tune.outage.as_ref().and_then(|o| o.budget.as_deref());
    for (name, param) in &tune.parameters {
        let in_budget = budget.is_some_and(|b| b.contains(&format!("{{{name}}}")));
        if !settable.contains(&name.as_str()) && !in_budget {
            return Err(ItemError::new(
                "parameters",
                format!("'{name}' is not a setting of this scenario"),
            )
            .with_hint(format!(
                "tunable settings: {}, or a `{{name}}` placeholder in the outage's budget",
                settable.join(", ")
            )));
        }
        param_values(param)
            .map_err(|e| ItemError::new("parameters", format!("parameter '{name}': {e}")))?;
        let Some(value) = tune.example.get(name) else {
            return Err(ItemError::new(
                "example",
                format!("the example gives no value for '{name}'"),
            )
            .with_hint("give the example a value for every parameter"));
        };
        if !within(param, value) {
            return Err(ItemError::new(
                "example",
                format!("the example's {name} '{value}' is outside its range"),
            ));
        }
    }
    if let Some(extra) = tune
        .example
        .keys()
        .find(|k| !tune.parameters.contains_key(*k))
    {
        return Err(ItemError::new(
            "example",
            format!("the example sets '{extra}', which is not a parameter"),
        ));
    }
    if tune.goals.is_empty() {
        return Err(ItemError::new("goals", "no goals")
            .with_hint("add at least one goal, e.g. {metric: failed, at_most: 10}"));
    }
    for goal in &tune.goals {
        if goal.metric.is_outage() != outage {
            return Err(ItemError::new(
                "goals",
                format!(
                    "metric '{}' does not belong to this scenario",
                    metric_name(goal.metric)
                ),
            ));
        }
        if goal.at_most.is_none() && goal.at_least.is_none() {
            return Err(ItemError::new(
                "goals",
                format!("the goal on '{}' has no bound", metric_name(goal.metric)),
            )
            .with_hint("add 'at_most' or 'at_least'"));
        }
        for bound in [goal.at_most, goal.at_least].into_iter().flatten() {
            if bound.is_duration() != goal.metric.is_duration() {
                return Err(ItemError::new(
                    "goals",
                    format!(
                        "the bound '{bound}' on '{}' must be {}",
                        metric_name(goal.metric),
                        if goal.metric.is_duration() {
                            "a duration"
                        } else {
                            "a number"
                        }
                    ),
                ));
            }
        }
    }
    if depth == Depth::Full {
        let outcome = simulate_tune(tune, &tune.example)?;
        if !outcome.passed() {
            let failed: Vec<&str> = outcome
                .goals
                .iter()
                .filter(|g| !g.met)
                .map(|g| g.summary.as_str())
                .collect();
            return Err(ItemError::new(
                "example",
                format!("the example does not meet the goals: {}", failed.join("; ")),
            )
            .with_hint("change the example (or the goals) so that at least one answer passes"));
        }
    }
    Ok(())
}

fn within(param: &Param, value: &ParamValue) -> bool {
    if !param.one_of.is_empty() {
        return param.one_of.contains(value);
    }
    match (
        value.quantity(),
        param.min.as_ref().and_then(ParamValue::quantity),
        param.max.as_ref().and_then(ParamValue::quantity),
    ) {
        (Some(v), Some(lo), Some(hi)) => {
            v.is_duration() == lo.is_duration()
                && v.as_f64() >= lo.as_f64()
                && v.as_f64() <= hi.as_f64()
        }
        _ => false,
    }
}

/// The YAML name of a metric.
pub fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Failed => "failed",
        Metric::Rejected => "rejected",
        Metric::Succeeded => "succeeded",
        Metric::OpenedAfter => "opened_after",
        Metric::CallsDuringOutage => "calls_during_outage",
        Metric::PeakLoad => "peak_load",
        Metric::DrainTime => "drain_time",
        Metric::GivenUp => "given_up",
        Metric::Amplification => "amplification",
        Metric::SuccessRate => "success_rate",
        Metric::Calls => "calls",
    }
}

/// Simulates `tune` with the learner's `choice` of parameters and judges every goal.
pub fn simulate_tune(tune: &Tune, choice: &ParamValues) -> Result<TuneOutcome, ItemError> {
    let metrics = match (&tune.breaker, &tune.script) {
        (Some(breaker), Some(script)) => {
            let mut spec = breaker.clone();
            for (name, value) in choice {
                set_breaker(&mut spec, name, value)?;
            }
            breaker_metrics(&breaker_run(&spec, script)?)
        }
        _ => {
            let Some(spec) = &tune.outage else {
                return Err(ItemError::new(
                    "outage",
                    "the scenario has neither a breaker script nor an outage",
                ));
            };
            let mut spec = spec.clone();
            spec.budget = spec.budget.as_ref().map(|b| substitute(b, choice));
            let mut backoff = tune.backoff.clone().unwrap_or_default();
            let mut max_attempts = spec.max_attempts;
            for (name, value) in choice {
                if name == "max_attempts" {
                    max_attempts = Some(whole(name, value)?);
                } else {
                    set_backoff(&mut backoff, name, value)?;
                }
            }
            let (config, seed) = outage_config(&spec, &backoff, max_attempts)?;
            let run = outage::simulate(&config, seed)
                .map_err(|e| ItemError::new("outage", format!("outage: {e}")))?;
            outage_metrics(&run)
        }
    };
    let goals = tune
        .goals
        .iter()
        .map(|goal| {
            let value = metrics.get(metric_name(goal.metric)).copied();
            let bound_ok = |bound: Option<Quantity>, holds: fn(f64, f64) -> bool| {
                bound.is_none_or(|b| value.is_some_and(|v| holds(v, b.as_f64())))
            };
            let met =
                bound_ok(goal.at_most, |v, b| v <= b) && bound_ok(goal.at_least, |v, b| v >= b);
            let shown = match value {
                None => "never".to_owned(),
                Some(v) if goal.metric.is_duration() => {
                    format_duration(Duration::from_secs_f64(v / 1000.0))
                }
                Some(v) => {
                    let text = format!("{v:.3}");
                    text.trim_end_matches('0').trim_end_matches('.').to_owned()
                }
            };
            let mut bounds = Vec::new();
            if let Some(b) = goal.at_most {
                bounds.push(format!("at most {b}"));
            }
            if let Some(b) = goal.at_least {
                bounds.push(format!("at least {b}"));
            }
            GoalResult {
                metric: goal.metric,
                value,
                met,
                summary: format!(
                    "{} = {shown}, goal: {}",
                    metric_name(goal.metric),
                    bounds.join(" and ")
                ),
            }
        })
        .collect();
    Ok(TuneOutcome { metrics, goals })
}

/// The engine config of an outage scenario: `patterns sim storm --scenario outage`'s
/// defaults, the spec's values on top, the backoff's jitter as the strategy.
pub fn outage_config(
    spec: &OutageSpec,
    backoff: &BackoffSpec,
    max_attempts: Option<u32>,
) -> Result<(OutageConfig, u64), ItemError> {
    let backoff = backoff_config(backoff)?;
    let mut config = OutageConfig::standard(Strategy::from_jitter(backoff.jitter));
    config.backoff = backoff;
    config.outage = spec.outage.get();
    if let Some(clients) = spec.clients {
        config.clients = clients;
    }
    if let Some(rate) = spec.rate {
        config.rate = rate;
    }
    if let Some(duration) = spec.duration {
        config.duration = duration.get();
    }
    if spec.capacity.is_some() {
        config.capacity = spec.capacity;
    }
    if let Some(n) = max_attempts.or(spec.max_attempts) {
        config.max_attempts = n;
    }
    if let Some(budget) = &spec.budget {
        config.budget = Some(
            RetryBudgetConfig::parse(budget)
                .map_err(|e| ItemError::new("outage", format!("budget: {e}")))?,
        );
    }
    if let Some(breaker) = &spec.breaker {
        config.breaker = Some(breaker_config(breaker)?);
    }
    config
        .validate()
        .map_err(|e| ItemError::new("outage", format!("outage: {e}")))?;
    Ok((config, spec.seed.unwrap_or(1)))
}

fn outage_metrics(run: &OutageRun) -> BTreeMap<&'static str, f64> {
    let mut metrics = BTreeMap::new();
    metrics.insert("calls", run.calls as f64);
    metrics.insert("calls_during_outage", run.calls_during_outage as f64);
    metrics.insert("peak_load", run.peak_calls_per_s as f64);
    metrics.insert("given_up", run.given_up as f64);
    metrics.insert("amplification", run.amplification());
    metrics.insert("success_rate", run.success_ratio());
    if let Some(drain) = run.time_to_drain {
        metrics.insert("drain_time", drain.as_secs_f64() * 1000.0);
    }
    metrics
}

fn breaker_metrics(run: &script::Run) -> BTreeMap<&'static str, f64> {
    let mut metrics = BTreeMap::new();
    metrics.insert("failed", run.stats.failed as f64);
    metrics.insert("rejected", run.stats.rejected as f64);
    metrics.insert("succeeded", run.stats.succeeded as f64);
    let opened = run
        .steps
        .iter()
        .flat_map(|s| &s.transitions)
        .find(|t| t.to == State::Open)
        .map(|t| t.at.as_secs_f64() * 1000.0);
    if let Some(at) = opened {
        metrics.insert("opened_after", at);
    }
    metrics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_exam() -> BreakerSpec {
        BreakerSpec {
            failure_threshold: Some(5),
            recovery_timeout: Some(Timespan(Duration::from_secs(30))),
            success_threshold: Some(3),
            ..BreakerSpec::default()
        }
    }

    #[test]
    fn the_seed_exam_trace_comes_from_the_engine() {
        let states = breaker_trace(&seed_exam(), "4F 1S 5F +31s 2S 1F").expect("runs");
        use StateName::*;
        assert_eq!(states, vec![Closed, Closed, Open, Open, HalfOpen, Open]);
    }

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let spec = BackoffSpec {
            base: Some(Timespan(Duration::from_secs(1))),
            cap: Some(Timespan(Duration::from_secs(5))),
            ..BackoffSpec::default()
        };
        let ceilings = backoff_ceilings(&spec, 4).expect("valid");
        let secs: Vec<u64> = ceilings.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, vec![1, 2, 4, 5]);
    }

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
    fn instantiate_computes_the_key_for_the_drawn_values() {
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
        assert_eq!(numeric.answer, Quantity::Number(2.0));
        assert!(agrees(&numeric, Quantity::Number(2.0)));
        assert!(!agrees(&numeric, Quantity::Number(3.0)));
    }

    #[test]
    fn placeholders_are_found_and_substituted() {
        assert_eq!(placeholders("{n}F +{wait} {x y} {}"), vec!["n", "wait"]);
        let values: ParamValues = [("n".to_owned(), ParamValue::Number(3.0))].into();
        assert_eq!(substitute("{n}F 1S", &values), "3F 1S");
    }

    #[test]
    fn ranges_enumerate_by_step() {
        let param = Param {
            min: Some(ParamValue::Number(2.0)),
            max: Some(ParamValue::Number(6.0)),
            step: Some(ParamValue::Number(2.0)),
            ..Param::default()
        };
        assert_eq!(
            param_values(&param).expect("valid"),
            vec![
                ParamValue::Number(2.0),
                ParamValue::Number(4.0),
                ParamValue::Number(6.0)
            ]
        );
        let bad = Param {
            min: Some(ParamValue::Number(6.0)),
            max: Some(ParamValue::Number(2.0)),
            ..Param::default()
        };
        assert!(param_values(&bad).is_err());
    }
}
