//! `patterns new <id>`: a module and an exercise bank that pass `patterns check`, with
//! comments that teach the format, plus `schema.json` at the content root when missing.
//!
//! Convention: the schema lives at the content root as `schema.json`; module files point
//! at it with `$schema=../../schema.json`, banks with `$schema=../schema.json`.
//! Invariant: nothing existing is ever overwritten (files are created with `create_new`).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::schema::schema_text;
use super::source::display_path;
use super::validate::is_valid_id;

/// Why the scaffold could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "'{0}' is not a valid module id; use lowercase letters, digits and '-', e.g. 'rate-limiter'"
    )]
    Id(String),
    #[error("'{0}' already exists; patterns new never overwrites (choose another id or remove it)")]
    Exists(String),
    #[error("Failed to write '{path}': {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Writes the scaffold for module `id` under `root`; returns the paths written (relative to
/// `root`).
pub fn scaffold(root: &Path, id: &str) -> Result<Vec<String>, ScaffoldError> {
    if !is_valid_id(id) {
        return Err(ScaffoldError::Id(id.to_owned()));
    }
    let title = title_of(id);
    let files: Vec<(PathBuf, String)> = vec![
        (
            PathBuf::from(format!("modules/{id}/module.yaml")),
            MODULE
                .replace("{id}", id)
                .replace("{title}", &title)
                .replace("{related}", related_of(id)),
        ),
        (
            PathBuf::from(format!("modules/{id}/basics.md")),
            CONCEPT.replace("{title}", &title),
        ),
        (
            PathBuf::from(format!("exercises/{id}.yaml")),
            BANK.replace("{id}", id),
        ),
    ];
    for (path, _) in &files {
        if root.join(path).exists() {
            return Err(ScaffoldError::Exists(display_path(path)));
        }
    }
    let mut written = Vec::new();
    for (path, text) in &files {
        write_new(&root.join(path), text)?;
        written.push(display_path(path));
    }
    let schema = root.join("schema.json");
    if !schema.exists() {
        write_new(&schema, &schema_text())?;
        written.push("schema.json".to_owned());
    }
    Ok(written)
}

fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let io = |source| ScaffoldError::Io {
        path: display_path(path),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(display_path(path)),
            _ => io(e),
        })?;
    file.write_all(text.as_bytes()).map_err(io)
}

/// A bundled module the scaffold names in `related` (never the module itself).
fn related_of(id: &str) -> &'static str {
    if id == "circuit-breaker" {
        "retry-backoff"
    } else {
        "circuit-breaker"
    }
}

/// 'rate-limiter' → 'Rate limiter'.
fn title_of(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const MODULE: &str = r#"# yaml-language-server: $schema=../../schema.json
#
# A patterns module. Check it with `patterns check .`; `patterns schema` describes every
# field. Ids (of the module, its blocks and its exercises) are stable: the learner's
# progress is keyed by them, so do not change them once published.

# Lowercase letters, digits and '-'; equal to this folder's name.
id: {id}
title: "{title}"
summary: >-
  One or two sentences: what the learner will be able to do after this module.
# beginner | intermediate | advanced
difficulty: beginner
# Bump it when an exercise changes meaning.
version: 1
# Ids of modules to take first, and of modules that go well with this one.
prerequisites: []
related: [{related}]
# What the learner can do afterwards; start each with a verb.
outcomes:
  - Predict a circuit breaker's state after a sequence of calls.

# Focus blocks, in teaching order: priming -> concept -> bridge -> lab -> practice ->
# consolidation. Total minutes = the blocks' minutes (+ the integration challenge's).
blocks:
  - id: basics
    title: The basics
    minutes: 20
    # Asked before the concept; the answer is revealed after it.
    priming:
      question: What should a caller do when its dependency has failed five times in a row?
      answer: Stop calling it for a while and fail fast, then try again carefully.
    # A Markdown file in this folder (no '..', no absolute paths).
    concept: basics.md
    # An analogy that connects the concept to something familiar.
    bridge: >-
      A shop stops ordering from a supplier after five failed deliveries in a row, and
      places a single trial order a month later.
    # Optional: a lab the learner steps through on the real engine. Script tokens:
    # NF / NS (N failing / succeeding calls), NF@DUR (calls taking DUR), +DUR (wait).
    lab:
      intro: Three failures open this breaker; watch what the first call after the timeout does.
      breaker: {preset: seed, failure_threshold: 3, recovery_timeout: 10s}
      script: 3F +11s 1S 1S
      predictions:
        - step: 1
          prompt: Three failures in a row. What state is the breaker in?
        - step: 3
          prompt: Eleven seconds later a call succeeds. What state now?
    # Exercise ids from exercises/{id}.yaml.
    practice: [basics-trip, basics-trace]
    # Reflection prompts; answers go to the learner's journal.
    consolidation:
      - Which dependency of a system you know would you protect first, and why?

# Optional: a closing design exercise.
# integration:
#   title: Protect a checkout
#   minutes: 20
#   brief: checkout.md
#   prompts: [Which calls get a breaker, and with which settings?]

# Where `patterns check --checklist` finds the module's case study, common mistakes and
# implementation checklist: 'file.md#Heading' (a file of this folder, one of its headings).
sections:
  case_study: basics.md#Case study
  common_mistakes: basics.md#Common mistakes
  implementation_checklist: basics.md#Implementation checklist

exam:
  # Percent of points needed to pass.
  pass_mark: 80
  # Draw `draw` items from each pool.
  pools:
    - name: basics
      items: [basics-trip, basics-trace]
      draw: 2
  # Parametric exercises; each adds `count` freshly drawn variants.
  generators:
    - exercise: basics-trace-variant
      count: 1
"#;

const CONCEPT: &str = r#"# {title}

Write the concept here, in Markdown: headings, lists, `code`, tables and
quotes are rendered. Keep lines under 80 columns so the text reads well in a
terminal. `patterns check --checklist .` lists what each block still needs: a
hook (the priming question), this explanation, a code example that compiles,
a diagram, an analogy, an engine-backed exercise and reflection prompts.

A circuit breaker counts consecutive failures while CLOSED. When the count
reaches `failure_threshold` it opens, and calls fail fast without running.
The first call more than `recovery_timeout` after the opening is a trial:
successes close the breaker again, a failure reopens it.

```mermaid
stateDiagram-v2
    [*] --> Closed
    Closed --> Open: failure_threshold failures in a row
    Open --> HalfOpen: first call after recovery_timeout
    HalfOpen --> Closed: success_threshold successes
    HalfOpen --> Open: any failure
```

## In code

Rust and Python examples are compiled by the checklist (`rustc`,
`python3 -m py_compile`) when those are installed.

```rust
pub struct Counter {
    failures: u32,
    threshold: u32,
}

impl Counter {
    /// Records one outcome; true when the breaker should open.
    pub fn record(&mut self, success: bool) -> bool {
        self.failures = if success { 0 } else { self.failures + 1 };
        self.failures >= self.threshold
    }
}
```

## Case study

Describe a real incident this pattern would have changed: what failed, what
the callers did, and what the breaker would have done instead.

## Common mistakes

- Counting failures in total instead of in a row.
- Letting every caller through at once when the timeout elapses.

## Implementation checklist

- [ ] One breaker per dependency, not one per process.
- [ ] Log every transition with its reason.
"#;

const BANK: &str = r#"# yaml-language-server: $schema=../schema.json
#
# The exercise bank of module '{id}'. Each exercise has an id, a prompt, exactly one kind
# (choice, numeric, text, state_trace, backoff_schedule, limiter_trace, tune, reflection),
# and - unless it is a reflection - hints in tiers and an explanation shown after grading.
module: {id}
exercises:
  - id: basics-trip
    block: basics
    prompt: A seed breaker has failure_threshold 5. When does it open?
    choice:
      options:
        - After 5 failures in total.
        - On the 5th failure in a row.
        - On the 6th failure in a row.
      # Letters of the correct options; add `multiple: true` for several.
      answer: [b]
    hints:
      - The count is of consecutive failures.
      - The threshold is compared with >=.
    explanation: >-
      A success resets the count, so only failures in a row count, and the breaker opens
      on the call that brings the count to the threshold.

  # Engine-backed: the key is computed by the engine. `expect` is optional; if given,
  # `patterns check` fails when the engine disagrees.
  - id: basics-trace
    block: basics
    prompt: "failure_threshold 3, recovery_timeout 10s: give the state after each step of '3F +11s 2S'."
    state_trace:
      breaker: {preset: seed, failure_threshold: 3, recovery_timeout: 10s}
      script: 3F +11s 2S
      expect: [OPEN, OPEN, CLOSED]
    hints:
      - Waiting alone does not move an open breaker.
      - The seed preset closes after success_threshold 2 successes.
    explanation: >-
      Three failures open it; the wait changes nothing until a call arrives; the first
      call after 10 s is a trial, and two successes close the breaker.

  # Parametric: each name draws a value by seed. Names that are settings of the scenario
  # set them; {name} in the prompt and script is replaced by the value.
  - id: basics-trace-variant
    block: basics
    params:
      failure_threshold: {min: 2, max: 5}
      failures: {min: 1, max: 6}
      wait: {one_of: [9s, 10s, 11s]}
    prompt: "failure_threshold {failure_threshold}, recovery_timeout 10s: give the state after each step of '{failures}F +{wait} 1S'."
    state_trace:
      breaker: {preset: seed, recovery_timeout: 10s}
      script: "{failures}F +{wait} 1S"
    hints:
      - Do the failures reach failure_threshold? An OPEN breaker rejects calls without running them.
      - Only a call made more than recovery_timeout after the opening runs, as the trial.
    explanation: >-
      Fewer failures than failure_threshold leave the breaker CLOSED. Otherwise it opens,
      rejects the call made at or before 10 s, and runs the first call after 10 s as the
      trial (HALF_OPEN; success_threshold 2 needs one more success to close).

  # Other kinds, for reference:
  # - id: x
  #   prompt: How long is the wait before retry 3?
  #   numeric: {answer: 4s, tolerance: 10%}        # a number or a duration
  # - id: w
  #   prompt: How many tokens are left after 4 failures?
  #   numeric: {answer: 6, compute: {budget: 'tokens:10:0.1', events: 4F, ask: tokens}}
  # - id: v
  #   prompt: In the cascade scenario, when is checkout's worker pool first full?
  #   numeric:                                      # params may set rate, duration, seed
  #     answer: 10.274s
  #     tolerance: 100ms
  #     compute: {system: {scenario: cascade, service: checkout}, metric: pool_first_full}
  # - id: y
  #   prompt: Name the state that rejects calls.
  #   text: {accepted: [OPEN]}
  # - id: z
  #   prompt: Give the ceiling of each of the first 4 attempts.
  #   backoff_schedule: {backoff: {base: 1s, multiplier: 2, cap: 60s, jitter: full}, attempts: 4}
  # - id: l
  #   prompt: How many requests of each step does the token bucket admit?
  #   limiter_trace:                                # params may set rate, burst, limit, window_ms...
  #     limiter: {algorithm: token-bucket, rate: 10, burst: 5}
  #     script: 8 +500ms 8                          # as `patterns sim limiter --script`
  #     expect: [5, 0, 5]                           # one admitted count per step
  # - id: t
  #   prompt: Choose a failure_threshold that opens within 10 failed calls.
  #   tune:
  #     breaker: {preset: seed}
  #     script: 20S 30F
  #     parameters: {failure_threshold: {min: 1, max: 30}}
  #     goals: [{metric: failed, at_most: 10}]
  #     example: {failure_threshold: 5}
  # - id: s
  #   prompt: Choose the server's workers so that its p99 stays within 55 ms.
  #   tune:                                         # parameters: rate, workers, queue
  #     system: {scenario: mmc, service: server}
  #     parameters: {workers: {min: 1, max: 10}}
  #     goals: [{metric: p99, service: server, at_most: 55ms}]
  #     example: {workers: 6}
  # - id: r
  #   prompt: Where would a breaker have helped in your last incident?
  #   reflection: {guidance: Name the dependency and the resource it exhausted.}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_ids() {
        assert_eq!(title_of("rate-limiter"), "Rate limiter");
    }

    #[test]
    fn related_never_names_the_module_itself() {
        assert_eq!(related_of("rate-limiter"), "circuit-breaker");
        assert_eq!(related_of("circuit-breaker"), "retry-backoff");
    }
}
