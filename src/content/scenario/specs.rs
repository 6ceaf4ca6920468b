//! The leaf of `scenario`: author-friendly specs ([`BreakerSpec`], [`BackoffSpec`],
//! [`OutageSpec`]) become engine configs, and the settings a parameter may set are listed
//! once per spec as a table of setters. Every other scenario file builds on this one.
//!
//! Invariant: no rule of the engine is restated here; a config is the preset's or the
//! engine's defaults with the spec's values on top, validated by the engine.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::engine::backoff::{BackoffConfig, Jitter};
use crate::engine::breaker::{BreakerConfig, HalfOpenTransition, State};
use crate::engine::budget::RetryBudgetConfig;
use crate::engine::preset::{BreakerOverrides, Preset};
use crate::engine::script::{self, Script};
use crate::engine::storm::Strategy;
use crate::engine::storm::outage::OutageConfig;
use crate::engine::window::WindowConfig;

use super::super::model::{
    BackoffSpec, BreakerSpec, JitterName, OutageSpec, Param, ParamValue, PresetName, Quantity,
    StateName, Timespan, WindowSpec,
};

/// Values drawn for parameters, by name.
pub type ParamValues = BTreeMap<String, ParamValue>;

/// Why an engine-backed item is wrong, with the field at fault (for the diagnostic's
/// position) and a hint.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemError {
    field: &'static str,
    message: String,
    hint: Option<String>,
}

impl ItemError {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> Self {
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

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
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

/// One setting a parameter may set on a spec `S`: its YAML name and how to set it.
pub struct Setting<S> {
    pub name: &'static str,
    pub set: fn(&mut S, &str, &ParamValue) -> Result<(), ItemError>,
}

/// The names in a settings table, in order.
pub fn names<S>(table: &[Setting<S>]) -> impl Iterator<Item = &'static str> + '_ {
    table.iter().map(|s| s.name)
}

/// Sets every value whose name is in `table` (other names are left alone).
pub fn apply<S>(table: &[Setting<S>], spec: &mut S, values: &ParamValues) -> Result<(), ItemError> {
    for (name, value) in values {
        if let Some(setting) = table.iter().find(|s| s.name == name) {
            (setting.set)(spec, name, value)?;
        }
    }
    Ok(())
}

/// Sets `name` if `table` has it; `Ok(false)` when it does not.
pub fn set_one<S>(
    table: &[Setting<S>],
    spec: &mut S,
    name: &str,
    value: &ParamValue,
) -> Result<bool, ItemError> {
    match table.iter().find(|s| s.name == name) {
        Some(setting) => (setting.set)(spec, name, value).map(|()| true),
        None => Ok(false),
    }
}

/// What a parameter may set on a breaker.
pub const BREAKER_SETTINGS: &[Setting<BreakerSpec>] = &[
    Setting {
        name: "failure_threshold",
        set: |s, n, v| {
            s.failure_threshold = Some(whole(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "recovery_timeout",
        set: |s, n, v| {
            s.recovery_timeout = Some(span(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "success_threshold",
        set: |s, n, v| {
            s.success_threshold = Some(whole(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "half_open_max_calls",
        set: |s, n, v| {
            s.half_open_max_calls = Some(whole(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "failure_rate",
        set: |s, n, v| {
            s.failure_rate = Some(number(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "min_calls",
        set: |s, n, v| {
            s.min_calls = Some(whole(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "slow_rate",
        set: |s, n, v| {
            s.slow_rate = Some(number(n, v)?);
            Ok(())
        },
    },
];

/// What a parameter may set on a backoff policy.
pub const BACKOFF_SETTINGS: &[Setting<BackoffSpec>] = &[
    Setting {
        name: "base",
        set: |s, n, v| {
            s.base = Some(span(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "multiplier",
        set: |s, n, v| {
            s.multiplier = Some(number(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "cap",
        set: |s, n, v| {
            s.cap = Some(span(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "jitter",
        set: |s, _, v| {
            s.jitter = Some(jitter_name(v)?);
            Ok(())
        },
    },
];

/// What a parameter may set on an outage scenario.
pub const OUTAGE_SETTINGS: &[Setting<OutageSpec>] = &[
    Setting {
        name: "outage",
        set: |s, n, v| {
            s.outage = span(n, v)?;
            Ok(())
        },
    },
    Setting {
        name: "capacity",
        set: |s, n, v| {
            s.capacity = Some(whole(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "clients",
        set: |s, n, v| {
            s.clients = Some(whole(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "rate",
        set: |s, n, v| {
            s.rate = Some(number(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "duration",
        set: |s, n, v| {
            s.duration = Some(span(n, v)?);
            Ok(())
        },
    },
    Setting {
        name: "max_attempts",
        set: |s, n, v| {
            s.max_attempts = Some(whole(n, v)?);
            Ok(())
        },
    },
];

/// Sets the breaker setting `name` (ignores names that are not breaker settings).
pub fn set_breaker(
    spec: &mut BreakerSpec,
    name: &str,
    value: &ParamValue,
) -> Result<(), ItemError> {
    set_one(BREAKER_SETTINGS, spec, name, value).map(drop)
}

/// Sets the backoff setting `name` (ignores names that are not backoff settings).
pub fn set_backoff(
    spec: &mut BackoffSpec,
    name: &str,
    value: &ParamValue,
) -> Result<(), ItemError> {
    set_one(BACKOFF_SETTINGS, spec, name, value).map(drop)
}

fn jitter_name(value: &ParamValue) -> Result<JitterName, ItemError> {
    let ParamValue::Name(text) = value else {
        return Err(ItemError::new(
            "params",
            format!("parameter 'jitter' is '{value}' but must be a jitter name"),
        ));
    };
    Ok(match text.as_str() {
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
    })
}

pub(crate) fn whole(name: &str, value: &ParamValue) -> Result<u32, ItemError> {
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

pub(crate) fn number(name: &str, value: &ParamValue) -> Result<f64, ItemError> {
    match value {
        ParamValue::Number(x) => Ok(*x),
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a number"),
        )),
    }
}

pub(crate) fn span(name: &str, value: &ParamValue) -> Result<Timespan, ItemError> {
    match value {
        ParamValue::Duration(d) => Ok(*d),
        other => Err(ItemError::new(
            "params",
            format!("parameter '{name}' is '{other}' but must be a duration, e.g. '30s'"),
        )),
    }
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
        out = super::wording::fill(&out, name, value);
    }
    out
}

/// The placeholder an explanation uses for a numeric's key (computed by the engine when the
/// numeric has `compute`), filled when the item is drawn and keyed.
pub const ANSWER_PLACEHOLDER: &str = "answer";

/// `text` with `{answer}` replaced by a numeric key, shown with at most four decimals
/// ("84.1584", not the float's every digit), so an explanation quotes the item's own key.
pub fn fill_answer(text: &str, key: Quantity) -> String {
    let shown = match key {
        Quantity::Number(x) => {
            let text = format!("{x:.4}");
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
        duration => duration.to_string(),
    };
    text.replace(&format!("{{{ANSWER_PLACEHOLDER}}}"), &shown)
}

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
    let config = preset(spec.preset.unwrap_or(PresetName::Seed))
        .configure(&overrides)
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

/// Runs `script` against the breaker `spec`: the full engine run.
pub fn breaker_run(spec: &BreakerSpec, script: &str) -> Result<script::Run, ItemError> {
    let config = breaker_config(spec)?;
    let script = Script::parse(script).map_err(|e| {
        ItemError::new("script", e.to_string())
            .with_hint("try it with `patterns sim breaker --script '...'`")
    })?;
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
