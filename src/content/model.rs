//! The content format as Rust types: `modules/<id>/module.yaml` ([`Module`]) and
//! `exercises/<id>.yaml` ([`Bank`]). Field names are the YAML names; doc comments become
//! the JSON Schema's descriptions, so they are written for authors.
//!
//! Invariant: these types only describe; whether references resolve and engine-backed keys
//! agree with the engine is decided by `validate`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::values::{ParamValue, Quantity, Timespan, Tolerance};

/// A learning module: metadata, outcomes, focus blocks, an optional integration challenge
/// and the mastery exam. File: `modules/<id>/module.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Stable id: lowercase letters, digits and '-'. Must equal the folder name. Progress is
    /// keyed by it, so never change it once published.
    pub id: String,
    /// The title shown in `patterns list` and the module overview.
    pub title: String,
    /// One or two sentences: what the learner will be able to do afterwards.
    pub summary: String,
    /// How much the module assumes: beginner, intermediate or advanced.
    pub difficulty: Difficulty,
    /// Content version. Bump it when an exercise changes meaning.
    pub version: u32,
    /// Ids of modules to take first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<String>,
    /// Ids of modules that go well with this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// What the learner can do after the module, each a sentence starting with a verb.
    pub outcomes: Vec<String>,
    /// The focus blocks, in teaching order.
    pub blocks: Vec<Block>,
    /// A closing design exercise that combines the blocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<Integration>,
    /// The mastery exam.
    pub exam: Exam,
    /// Where the module's case study, common mistakes and implementation checklist are, for
    /// `patterns check --checklist`. Each is 'file.md#Heading': a Markdown file in the
    /// module's folder and a heading in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Sections>,
}

/// Sections an author marks for the module checklist, each 'file.md#Heading'.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sections {
    /// A real-world case study, e.g. 'checkout.md#What happened'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_study: Option<String>,
    /// The common mistakes, e.g. 'tuning.md#Common mistakes'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_mistakes: Option<String>,
    /// A checklist for implementing the pattern, e.g. 'tuning.md#Implementation checklist'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementation_checklist: Option<String>,
}

impl Sections {
    /// The marked sections as (YAML key, pointer), in checklist order.
    pub fn entries(&self) -> Vec<(&'static str, &str)> {
        [
            ("case_study", &self.case_study),
            ("common_mistakes", &self.common_mistakes),
            ("implementation_checklist", &self.implementation_checklist),
        ]
        .into_iter()
        .filter_map(|(key, pointer)| pointer.as_deref().map(|p| (key, p)))
        .collect()
    }
}

/// A section pointer split into its file and heading: 'a.md#Common mistakes' →
/// ('a.md', 'Common mistakes'). `None` when it has no '#' or either part is empty.
pub fn split_pointer(pointer: &str) -> Option<(&str, &str)> {
    let (file, heading) = pointer.split_once('#')?;
    let (file, heading) = (file.trim(), heading.trim());
    (!file.is_empty() && !heading.is_empty()).then_some((file, heading))
}

/// How much a module assumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Beginner,
    Intermediate,
    Advanced,
}

impl Difficulty {
    /// The YAML / JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Beginner => "beginner",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }
}

/// One focus block: priming → concept → bridge → lab → practice → consolidation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Stable id, unique in the module (lowercase, digits, '-').
    pub id: String,
    /// The block's title.
    pub title: String,
    /// Expected time in minutes (1 to 120).
    pub minutes: u32,
    /// A question asked before teaching; its answer is revealed after the concept.
    pub priming: Priming,
    /// The Markdown file (in the module's folder) that teaches the concept.
    pub concept: String,
    /// An analogy that connects the concept to something familiar.
    pub bridge: String,
    /// A live lab on the engine, with predictions to make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<Lab>,
    /// Ids of exercises (from this module's bank) to practise with.
    pub practice: Vec<String>,
    /// Reflection prompts; answers go to the learner's journal.
    pub consolidation: Vec<String>,
}

/// A question asked before the concept, and the answer revealed after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Priming {
    /// The question, asked before any teaching.
    pub question: String,
    /// The answer, revealed after the concept.
    pub answer: String,
}

/// A circuit-breaker lab: the learner steps the engine through a script and predicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// What the lab shows and what to watch for.
    pub intro: String,
    /// The breaker under test.
    pub breaker: BreakerSpec,
    /// The steps, in `patterns sim breaker --script` syntax, e.g. '4F 1S 5F +31s 2S 1F'.
    pub script: String,
    /// Questions asked before a step runs; the engine supplies the answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub predictions: Vec<Prediction>,
}

/// Before step `step` runs, ask the learner for the state after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prediction {
    /// The script step (1 = the first token) whose resulting state the learner predicts.
    pub step: u32,
    /// The question, e.g. 'The fifth failure arrives. What state now?'.
    pub prompt: String,
}

/// The closing design exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// The challenge's title.
    pub title: String,
    /// Expected time in minutes.
    pub minutes: u32,
    /// The Markdown file (in the module's folder) that sets the scene.
    pub brief: String,
    /// Design questions; answers go to the journal.
    pub prompts: Vec<String>,
    /// Ids of gradeable exercises that close the challenge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exercises: Vec<String>,
}

/// The mastery exam: items drawn from pools plus parametric variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exam {
    /// Percentage of points needed to pass (1 to 100).
    pub pass_mark: u32,
    /// Groups of exercise ids; `draw` items are picked from each.
    pub pools: Vec<Pool>,
    /// Parametric exercises; each contributes `count` freshly drawn variants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generators: Vec<Generator>,
}

/// A group of interchangeable exam items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// A name for the results breakdown, e.g. 'mechanics'.
    pub name: String,
    /// Exercise ids to draw from.
    pub items: Vec<String>,
    /// How many to draw (at most the number of items).
    pub draw: u32,
}

/// A parametric exercise used as an exam item generator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// Id of an exercise that declares `params`.
    pub exercise: String,
    /// How many variants to draw (each with its own seed).
    pub count: u32,
}

/// The exercise bank of one module. File: `exercises/<module id>.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bank {
    /// The id of the module these exercises belong to.
    pub module: String,
    /// Practice and exam items.
    pub exercises: Vec<Exercise>,
}

/// The exercise kinds, listed once: each line is the variant of [`Kind`] / [`KindMut`], the
/// spec type it holds, and its YAML key on [`Exercise`]. This list generates the kind fields
/// of [`Exercise`], [`Kind`], [`KindMut`], [`KIND_KEYS`] and [`Exercise::kinds`]; every
/// layer then matches [`Kind`] exhaustively (no `_` arm), so a new line here is a compile
/// error wherever a kind must say what it does. The registration of a new kind is listed in
/// `content/scenario.rs`'s module doc.
macro_rules! exercise_kinds {
    (
        $(#[$smeta:meta])*
        pub struct Exercise { $($before:tt)* }
        kinds { $( $(#[$kmeta:meta])* $variant:ident($spec:ty) = $key:ident, )* }
        after { $($after:tt)* }
    ) => {
        $(#[$smeta])*
        pub struct Exercise {
            $($before)*
            $(
                $(#[$kmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $key: Option<$spec>,
            )*
            $($after)*
        }

        /// The kind of an exercise, borrowed from it: what a grader matches on.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Kind<'a> {
            $($variant(&'a $spec),)*
        }

        /// The kind of an exercise, borrowed mutably (to instantiate it).
        #[derive(Debug, PartialEq)]
        pub enum KindMut<'a> {
            $($variant(&'a mut $spec),)*
        }

        impl Kind<'_> {
            /// The YAML key of this kind.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Kind::$variant(_) => stringify!($key),)*
                }
            }
        }

        /// The YAML keys that name an exercise kind.
        pub const KIND_KEYS: &[&str] = &[$(stringify!($key)),*];

        impl Exercise {
            /// Every kind key present (a valid exercise has exactly one).
            pub fn kinds(&self) -> Vec<Kind<'_>> {
                let mut kinds = Vec::with_capacity(1);
                $(
                    if let Some(spec) = &self.$key {
                        kinds.push(Kind::$variant(spec));
                    }
                )*
                kinds
            }

            /// The kind, mutably: `None` unless exactly one kind key is present.
            pub fn kind_mut(&mut self) -> Option<KindMut<'_>> {
                let mut kinds = Vec::with_capacity(1);
                $(
                    if let Some(spec) = &mut self.$key {
                        kinds.push(KindMut::$variant(spec));
                    }
                )*
                match kinds.len() {
                    1 => kinds.pop(),
                    _ => None,
                }
            }
        }
    };
}

exercise_kinds! {
    /// One exercise. Exactly one of the kind keys (`choice`, `numeric`, `text`, `state_trace`,
    /// `backoff_schedule`, `limiter_trace`, `tune`, `reflection`) is present and holds what that kind needs.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Exercise {
        /// Stable id, unique in the bank (lowercase, digits, '-'). Progress is keyed by it.
        pub id: String,
        /// The focus block this exercise belongs to (for the exam's breakdown by block).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub block: Option<String>,
        /// The question. May use `{name}` placeholders for the values of `params`.
        pub prompt: String,
        /// Makes the exercise parametric: each name draws a value from its range, by seed.
        /// A name that is also a setting of the scenario (e.g. `failure_threshold`,
        /// `recovery_timeout`, `base`, `cap`, `attempts`) sets it; `{name}` in the prompt and
        /// the script is replaced by the value.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub params: BTreeMap<String, Param>,
    }
    kinds {
        /// Pick one (or several) options.
        Choice(Choice) = choice,
        /// A number or a duration, within a tolerance.
        Numeric(Numeric) = numeric,
        /// A short text matched against accepted answers.
        Text(Text) = text,
        /// Predict the breaker state after each step of a script; the key comes from the engine.
        StateTrace(StateTrace) = state_trace,
        /// Give the backoff ceiling for each attempt; the key comes from the engine.
        BackoffSchedule(BackoffSchedule) = backoff_schedule,
        /// Predict how many requests of each script step a rate limiter admits; the key
        /// comes from the engine.
        LimiterTrace(LimiterTrace) = limiter_trace,
        /// Choose parameters; graded by simulating them against goals.
        Tune(Tune) = tune,
        /// A free answer for the journal; not graded.
        Reflection(Reflection) = reflection,
    }
    after {
        /// Hints in tiers, from a nudge to nearly the answer. Required on gradeable items.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub hints: Vec<String>,
        /// Shown after grading: why the answer is what it is. Required on gradeable items.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub explanation: Option<String>,
    }
}

impl Kind<'_> {
    /// Whether answers are graded (everything but reflection).
    pub fn is_graded(&self) -> bool {
        !matches!(self, Kind::Reflection(_))
    }
}

impl Exercise {
    /// The exercise's kind. Exercises in a loaded [`Library`](super::Library) always have
    /// exactly one; `None` only for an unchecked value with zero or several.
    pub fn kind(&self) -> Option<Kind<'_>> {
        match self.kinds().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Whether the exercise draws values from `params`.
    pub fn is_parametric(&self) -> bool {
        !self.params.is_empty()
    }
}

/// Pick one option, or several when `multiple` is true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The options, shown as a), b), c) ...
    pub options: Vec<String>,
    /// The letters of the correct options, e.g. [b] or [a, c].
    pub answer: Vec<String>,
    /// Several options are correct and the learner must pick all of them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
}

/// A number or a duration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Numeric {
    /// The exact answer: a number (12.5) or a duration ('45s', '1m30s').
    pub answer: Quantity,
    /// Accepted error: an absolute amount in the answer's unit (2, '500ms') or a
    /// percentage ('5%'). None: exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Tolerance>,
    /// The unit shown beside a plain number, e.g. 'requests/s'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Compute the key with the engine. `answer` is then the key you expect for the exercise
    /// as written (for a parametric one: with every parameter at its first value, its `min`
    /// or the first of `one_of`), which `patterns check` verifies against the engine; the
    /// learner is graded against the engine's value for the values drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<Compute>,
}

/// An engine computation that gives a numeric key: a retry budget fed a sequence of events
/// (`budget`, `events`, `ask`), or an outage storm (`outage`, `backoff`, `metric`).
/// `budget` and `events` may use `{param}` placeholders; in an outage, parameters named
/// after a setting (`outage`, `capacity`, `clients`, `rate`, `duration`, `max_attempts`,
/// `base`, `multiplier`, `cap`, `jitter`) set it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compute {
    /// A retry budget as in `sim storm --budget`: 'tokens:MAX:RATIO', 'ratio:PCT' or
    /// 'ratio:PCT:WINDOW'. It starts fresh (a token bucket starts full). Or 'adaptive:K',
    /// the SRE book's client-side adaptive throttle (events 'NR NS', ask
    /// 'rejection_percent').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<String>,
    /// What happens to the budget, in order, separated by spaces: 'NR' N original requests,
    /// 'NF' N failed calls, 'NS' N successful calls, 'NT' N retries asked for (each one the
    /// budget admits is counted as sent), '+DUR' time passes. E.g. '1R 1F 3T'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<String>,
    /// What the answer is, after the events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<BudgetQuestion>,
    /// An outage storm scenario, as in a `tune`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage: Option<OutageSpec>,
    /// The clients' backoff in the outage (default: base 1s, multiplier 2, cap 60s, no
    /// jitter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<BackoffSpec>,
    /// A service-chain scenario (`patterns sim system`), run once; `metric` then names
    /// what of it is the answer (`pool_first_full`, `p50`, `p99`, `wasted_work`,
    /// `calls_completed`, `calls_rejected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemCompute>,
    /// The outcome that is the answer: of the outage, or of the system's service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
}

/// A built-in service-chain scenario for a computed numeric, with what to change and which
/// service to measure. Parameters named `rate`, `duration` or `seed` set those.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemCompute {
    /// A built-in scenario, as `patterns sim system --scenario` names it: cascade,
    /// cascade-breaker, cascade-bulkhead, bulkhead, bulkhead-none, deadline,
    /// deadline-stacked, limiter, mmc.
    pub scenario: String,
    /// The service measured (default: the first, which the requests reach).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// For `calls_rejected`: count one reason only (queue_full, limiter, bulkhead,
    /// breaker_open, timeout, deadline); default every reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Requests per second at the edge, replacing the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// How long requests arrive, replacing the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Timespan>,
    /// The arrivals' seed, replacing the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// What a budget computation answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetQuestion {
    /// The tokens in the bucket (a token bucket only).
    Tokens,
    /// How many of the 'T' retries the budget admitted.
    RetriesAdmitted,
    /// How many more retries it admits back to back, each of them failing, before the
    /// first refusal (0: it refuses now).
    RetriesUntilRefused,
    /// How many successful calls it needs before it admits a retry (0: it admits now).
    SuccessesUntilAdmitted,
    /// The probability, in percent, that an 'adaptive:K' throttle rejects the next request
    /// locally, after 'NR' requests of which 'NS' were accepted.
    RejectionPercent,
}

/// A short text answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Answers counted as correct (compared after trimming and, unless `case_sensitive`,
    /// ignoring case).
    pub accepted: Vec<String>,
    /// Compare case-sensitively.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_sensitive: bool,
}

/// Predict the state after each step; the engine computes the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateTrace {
    /// The breaker the script runs against.
    pub breaker: BreakerSpec,
    /// Steps in `patterns sim breaker --script` syntax; may use `{param}` placeholders.
    pub script: String,
    /// The states you expect after each step; `patterns check` fails if the engine disagrees.
    /// The learner is graded against the engine, never against this list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Vec<StateName>>,
}

/// Predict how many requests of each step a rate limiter admits; the engine computes the
/// key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimiterTrace {
    /// The limiter, as `patterns sim limiter` takes it, e.g. `{algorithm: token-bucket,
    /// rate: 10, burst: 5}`. Parameters named after one of its numbers (`limit`,
    /// `window_ms`, `rate`, `burst`, `queue`, ...) set it.
    pub limiter: crate::engine::limiter::LimiterConfig,
    /// Steps in `patterns sim limiter --script` syntax (`N`, `N/DUR`, `+DUR`), e.g.
    /// `'10 +1s 5/500ms'`; may use `{param}` placeholders.
    pub script: String,
    /// The admitted count you expect for each step (`+DUR` steps admit 0);
    /// `patterns check` fails if the engine disagrees. The learner is graded against the
    /// engine, never against this list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Vec<u32>>,
}

/// A breaker state as learners write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StateName {
    Closed,
    Open,
    HalfOpen,
}

impl StateName {
    /// CLOSED, OPEN or HALF_OPEN.
    pub fn as_str(self) -> &'static str {
        match self {
            StateName::Closed => "CLOSED",
            StateName::Open => "OPEN",
            StateName::HalfOpen => "HALF_OPEN",
        }
    }
}

/// Give the ceiling (the un-jittered, capped delay) of each retry attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackoffSchedule {
    /// The backoff policy.
    pub backoff: BackoffSpec,
    /// How many attempts to ask about (attempt 1 is the wait before the first retry).
    pub attempts: u32,
    /// The ceilings you expect; `patterns check` fails if the engine disagrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Vec<Timespan>>,
}

/// Learner-chosen parameters, graded by simulation: every choice that meets all goals
/// passes. Runs either a breaker `script`, or an `outage` storm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tune {
    /// The breaker (its fixed settings; tuned parameters override them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker: Option<BreakerSpec>,
    /// Traffic for a breaker scenario, in `sim breaker --script` syntax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// An outage storm scenario (clients retrying against a dependency that is down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage: Option<OutageSpec>,
    /// The clients' backoff in an outage scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<BackoffSpec>,
    /// A built-in service-chain scenario. Its parameters are `rate` (the arrivals') and
    /// `workers` and `queue` (0: none) of its `service` (default: the first); goals are
    /// system metrics, each at its goal's `service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemCompute>,
    /// What the learner chooses: a setting name (e.g. `failure_threshold`) and its range.
    pub parameters: BTreeMap<String, Param>,
    /// Conditions on the simulation's outcome; all must hold.
    pub goals: Vec<Goal>,
    /// A choice known to meet the goals; `patterns check` simulates it to prove the
    /// exercise can be solved.
    pub example: BTreeMap<String, ParamValue>,
}

/// A condition on one measured outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// What is measured.
    pub metric: Metric,
    /// For a system scenario: the service measured (default: the scenario's `service`,
    /// else the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The outcome must be at most this (a number or a duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<Quantity>,
    /// The outcome must be at least this (a number or a duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Quantity>,
}

/// Outcomes a tune scenario measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Breaker script: calls that ran and failed.
    Failed,
    /// Breaker script: calls rejected without running.
    Rejected,
    /// Breaker script: calls that ran and succeeded.
    Succeeded,
    /// Breaker script: time from the first call to the first opening (a duration).
    OpenedAfter,
    /// Outage: calls that reached the dependency while it was down.
    CallsDuringOutage,
    /// Outage: the highest load on the dependency after it recovered (calls per second).
    PeakLoad,
    /// Outage: time from recovery until the backlog is served (a duration).
    DrainTime,
    /// Outage: requests abandoned.
    GivenUp,
    /// Outage: total calls divided by requests.
    Amplification,
    /// Outage: fraction (0 to 1) of requests that eventually succeeded.
    SuccessRate,
    /// Outage: calls that reached the dependency (first attempts and retries).
    Calls,
    /// System: when every worker of the service was first busy (a duration).
    PoolFirstFull,
    /// System: median latency of the service's completed calls, as its caller saw it.
    P50,
    /// System: 99th-percentile latency of the service's completed calls.
    P99,
    /// System: worker time the service spent on calls its caller had abandoned.
    WastedWork,
    /// System: calls to the service that completed.
    CallsCompleted,
    /// System: calls to the service rejected (for `reason`, or for any reason).
    CallsRejected,
}

impl Metric {
    /// The YAML name.
    pub fn name(self) -> &'static str {
        match self {
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
            Metric::PoolFirstFull => "pool_first_full",
            Metric::P50 => "p50",
            Metric::P99 => "p99",
            Metric::WastedWork => "wasted_work",
            Metric::CallsCompleted => "calls_completed",
            Metric::CallsRejected => "calls_rejected",
        }
    }

    /// Whether the metric belongs to an outage scenario.
    pub fn is_outage(self) -> bool {
        !self.is_system()
            && !matches!(
                self,
                Metric::Failed | Metric::Rejected | Metric::Succeeded | Metric::OpenedAfter
            )
    }

    /// Whether the metric belongs to a service-chain (`system`) scenario.
    pub fn is_system(self) -> bool {
        matches!(
            self,
            Metric::PoolFirstFull
                | Metric::P50
                | Metric::P99
                | Metric::WastedWork
                | Metric::CallsCompleted
                | Metric::CallsRejected
        )
    }

    /// Whether the metric is a duration (goals must then be durations).
    pub fn is_duration(self) -> bool {
        matches!(
            self,
            Metric::OpenedAfter
                | Metric::DrainTime
                | Metric::PoolFirstFull
                | Metric::P50
                | Metric::P99
                | Metric::WastedWork
        )
    }
}

/// A journaled answer; not graded.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    /// What a thoughtful answer touches on, shown after the learner writes theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
}

/// Where a parameter's value comes from: a range (`min`, `max`, optional `step`) or a list
/// (`one_of`). Numbers, durations ('10s') or names ('full').
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// The smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<ParamValue>,
    /// The largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<ParamValue>,
    /// The spacing of values from `min` (default 1, or 1s for durations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<ParamValue>,
    /// Explicit values to choose from, instead of a range.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<ParamValue>,
}

/// A circuit breaker, as authors write it: an optional preset and overrides, e.g.
/// `{preset: seed, failure_threshold: 5, recovery_timeout: 30s}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakerSpec {
    /// Start from a library's defaults: seed (default), pybreaker, gobreaker,
    /// resilience4j, polly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<PresetName>,
    /// Consecutive failures that open the breaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<u32>,
    /// How long the breaker stays open before a trial call, e.g. '30s'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_timeout: Option<Timespan>,
    /// Consecutive half-open successes that close the breaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<u32>,
    /// Calls admitted while half open; the rest are rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_open_max_calls: Option<u32>,
    /// Sliding window for rate-based tripping: `{count: 100}` calls or `{time: 30s}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowSpec>,
    /// Failure rate in percent at or above which the breaker opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_rate: Option<f64>,
    /// Calls the window must hold before its rates are judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_calls: Option<u32>,
    /// A call slower than this (strictly) counts as slow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_call: Option<Timespan>,
    /// Slow-call rate in percent at or above which the breaker opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_rate: Option<f64>,
    /// Leave OPEN by itself when the timeout elapses, instead of on the next call.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub automatic_transition: bool,
}

/// A well-known library's breaker defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresetName {
    Seed,
    Pybreaker,
    Gobreaker,
    Resilience4j,
    Polly,
}

impl PresetName {
    /// The YAML / CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            PresetName::Seed => "seed",
            PresetName::Pybreaker => "pybreaker",
            PresetName::Gobreaker => "gobreaker",
            PresetName::Resilience4j => "resilience4j",
            PresetName::Polly => "polly",
        }
    }
}

/// A sliding window: the last `count` calls, or the calls of the last `time`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowSpec {
    /// The last N calls.
    Count(u32),
    /// The calls of the last DUR.
    Time(Timespan),
}

/// A backoff policy, e.g. `{base: 1s, multiplier: 2, cap: 60s, jitter: full}`.
/// Ceiling of attempt n = min(cap, base · multiplier^(n-1)).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackoffSpec {
    /// The first delay (default 1s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Timespan>,
    /// Growth per attempt (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    /// The largest delay (default 60s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Timespan>,
    /// How delays are randomised below the ceiling (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<JitterName>,
}

/// Jitter strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JitterName {
    None,
    Full,
    Equal,
    Decorrelated,
    Proportional,
}

/// Clients sending requests to a dependency that fails every call for `outage`, then
/// serves `capacity` calls per second; failed calls are retried with the exercise's backoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutageSpec {
    /// Number of clients (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<u32>,
    /// New requests per second per client (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// How long clients keep sending new requests (default '2m').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Timespan>,
    /// How long the dependency is down, e.g. '30s'.
    pub outage: Timespan,
    /// Calls per second served once it is back (absent: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// Calls per request, the first included (default 5; 1 = never retry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// A retry budget per client: 'tokens:MAX:RATIO' (gRPC), 'ratio:PCT' (the seed's,
    /// counted since start) or 'ratio:PCT:WINDOW' (over a sliding window). In a `tune` it
    /// may use `{param}` placeholders for tuned parameters, e.g. 'tokens:{max_tokens}:0.1'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<String>,
    /// A circuit breaker in front of the dependency, one per client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker: Option<BreakerSpec>,
    /// Seed for the simulation's random draws (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// The JSON Schema's root: a file is a module or an exercise bank.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum ContentFile {
    Module(Box<Module>),
    Bank(Bank),
}
