//! `patterns implement`: check a learner's own implementation of a pattern, written in any
//! language, against the engine (DESIGN §1.6).
//!
//! The program speaks JSON lines; every request gets exactly one reply line. A case is a
//! config plus steps; [`Scenario::plan`] turns it into requests and the engine's expected
//! replies before anything is sent, so the engine never depends on the learner's answers.
//! [`check`] runs the cases through a [`Learner`] (a process in the command layer, a plain
//! struct in tests), stops at the first disagreement and shrinks it ([`shrink`]).

pub mod backoff;
pub mod breaker;
pub mod limiter;
pub mod protocol;
pub mod report;
pub mod shrink;
pub mod starter;

use std::fmt;

use serde_json::Value;

pub use protocol::{Answer, Expect, Misbehaviour, PROTOCOL_VERSION};

/// A pattern a learner can implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    CircuitBreaker,
    RetryBackoff,
    RateLimiter,
}

impl Pattern {
    /// Every pattern, in the order help texts list them.
    pub const ALL: [Self; 3] = [Self::CircuitBreaker, Self::RetryBackoff, Self::RateLimiter];

    /// The name on the command line and in `hello`.
    pub fn name(self) -> &'static str {
        match self {
            Self::CircuitBreaker => "circuit-breaker",
            Self::RetryBackoff => "retry-backoff",
            Self::RateLimiter => "rate-limiter",
        }
    }

    /// The pattern called `name`, if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The `--preset` values the pattern accepts; the first is the default.
    pub fn presets(self) -> &'static [&'static str] {
        match self {
            Self::CircuitBreaker => &["seed", "pybreaker", "gobreaker", "resilience4j", "polly"],
            Self::RetryBackoff => &["full", "none", "equal", "decorrelated", "proportional"],
            Self::RateLimiter => &[
                "token-bucket",
                "fixed-window",
                "sliding-log",
                "sliding-window",
                "gcra",
                "leaky-queue",
            ],
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One request and the reply the engine expects to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub request: Value,
    pub expect: Expect,
}

/// One step of a case as planned: what it is, when, what is asked and why the engine
/// answers as it does.
#[derive(Debug, Clone, PartialEq)]
pub struct StepPlan {
    /// The step as a script token: `F`, `S`, `+60001ms`, `#3,u=0.5`.
    pub label: String,
    /// The clock when the step ends (0 for patterns without a clock).
    pub at_ms: u64,
    pub exchanges: Vec<Exchange>,
    /// The engine's reason for its answers, for people.
    pub reason: String,
}

/// A whole case as planned: the `config` request, then the steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub config: Value,
    pub steps: Vec<StepPlan>,
}

/// A case of one pattern: a config and steps the shrinker may remove or simplify.
pub trait Scenario: Clone {
    type Step: Clone + PartialEq;

    /// The name of a case taken from the course (`exercise cb-seed-exam-trace`).
    fn name(&self) -> Option<&str>;
    fn steps(&self) -> &[Self::Step];
    /// The same case (config and name) with other steps.
    fn with_steps(&self, steps: Vec<Self::Step>) -> Self;
    /// Simpler versions of one step, simplest first (a shorter wait, a rounder draw).
    fn simpler(step: &Self::Step) -> Vec<Self::Step>;
    /// Two neighbouring steps as one (`+1s +2s` is `+3s`), when they can be.
    fn merge(first: &Self::Step, second: &Self::Step) -> Option<Self::Step>;
    /// The requests and the engine's expected replies.
    fn plan(&self) -> Plan;
    /// The steps as a script people read, runs of equal calls grouped (`5F +60001ms 1S`).
    fn script(&self) -> String;
    /// The config in one line for people.
    fn describe_config(&self) -> String;
}

/// The learner's program as the checker sees it: one request line out, one reply line
/// back. Implementations own timeouts and interruption.
pub trait Learner {
    fn exchange(&mut self, request: &str) -> Result<String, Misbehaviour>;
}

/// What the learner answered in one step of a case, as far as the case got.
pub type StepAnswers = Vec<Answer>;

/// Where a case stopped agreeing.
#[derive(Debug, Clone, PartialEq)]
pub struct Parting {
    /// Index of the step (0-based) and of the exchange inside it.
    pub step: usize,
    pub exchange: usize,
    /// The learner's answers for every step up to and including `step`.
    pub answers: Vec<StepAnswers>,
}

/// A program that did not keep to the protocol, and the last exchange before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub what: Misbehaviour,
    /// The request in flight (or the last one sent) and the last reply line received.
    pub request: Option<String>,
    pub reply: Option<String>,
}

/// How one case went.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseResult {
    Agree,
    Disagree(Parting),
    Fault(Fault),
}

/// Sends `hello` and checks the reply is `{"ok": true}`.
pub fn hello(pattern: Pattern, learner: &mut dyn Learner) -> Result<(), Fault> {
    let request = protocol::encode(&protocol::hello(pattern));
    let reply = learner.exchange(&request).map_err(|what| Fault {
        what,
        request: Some(request.clone()),
        reply: None,
    })?;
    match protocol::parse_reply(&reply, &Expect::Ok) {
        Ok(Answer::Ok) => Ok(()),
        Ok(Answer::Error(message)) => Err(Fault {
            what: Misbehaviour::Refused(message),
            request: Some(request),
            reply: Some(reply),
        }),
        Ok(_) => Err(Fault {
            what: Misbehaviour::Shape {
                wanted: Expect::Ok.shape(),
            },
            request: Some(request),
            reply: Some(reply),
        }),
        Err(what) => Err(Fault {
            what,
            request: Some(request),
            reply: Some(reply),
        }),
    }
}

/// Runs one case: `reset`, `config`, then every step until the first answer that differs.
pub fn run_case<S: Scenario>(case: &S, learner: &mut dyn Learner) -> CaseResult {
    let plan = case.plan();
    let mut last_reply: Option<String> = None;
    let mut send = |request: &Value, expect: &Expect| -> Result<Answer, Fault> {
        let line = protocol::encode(request);
        let reply = learner.exchange(&line).map_err(|what| Fault {
            what,
            request: Some(line.clone()),
            reply: last_reply.clone(),
        })?;
        let answer = protocol::parse_reply(&reply, expect).map_err(|what| Fault {
            what,
            request: Some(line.clone()),
            reply: Some(reply.clone()),
        })?;
        last_reply = Some(reply);
        Ok(answer)
    };
    for request in [protocol::reset(), plan.config.clone()] {
        match send(&request, &Expect::Ok) {
            Ok(Answer::Ok) => {}
            Ok(Answer::Error(message)) => {
                return CaseResult::Fault(Fault {
                    what: Misbehaviour::Refused(message),
                    request: Some(protocol::encode(&request)),
                    reply: None,
                });
            }
            // parse_reply gives an `Ok` expectation no other answer; kept total.
            Ok(_) => {
                return CaseResult::Fault(Fault {
                    what: Misbehaviour::Shape {
                        wanted: Expect::Ok.shape(),
                    },
                    request: Some(protocol::encode(&request)),
                    reply: None,
                });
            }
            Err(fault) => return CaseResult::Fault(fault),
        }
    }
    let mut answers: Vec<StepAnswers> = Vec::with_capacity(plan.steps.len());
    for (step, planned) in plan.steps.iter().enumerate() {
        answers.push(Vec::with_capacity(planned.exchanges.len()));
        for (exchange, Exchange { request, expect }) in planned.exchanges.iter().enumerate() {
            let answer = match send(request, expect) {
                Ok(answer) => answer,
                Err(fault) => return CaseResult::Fault(fault),
            };
            let agrees = expect.agrees(&answer);
            if let Some(last) = answers.last_mut() {
                last.push(answer);
            }
            if !agrees {
                return CaseResult::Disagree(Parting {
                    step,
                    exchange,
                    answers,
                });
            }
        }
    }
    CaseResult::Agree
}

/// How a whole check ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict<S: Scenario> {
    /// Every case agreed.
    AllAgree,
    /// A case disagreed; `minimal` is its shrunk form and `parting` where it parts.
    Disagree {
        case_index: usize,
        original: S,
        minimal: S,
        parting: Parting,
    },
    /// The program broke the protocol (crashed, hung, printed something else).
    Fault {
        case_index: Option<usize>,
        fault: Fault,
    },
    /// The check was interrupted (Ctrl-C); `passed` cases had agreed.
    Stopped,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<S: Scenario> {
    /// Cases that agreed before the check ended.
    pub passed: usize,
    pub total: usize,
    pub verdict: Verdict<S>,
}

/// Runs `hello`, then `cases` in order until one disagrees (then shrinks it) or the program
/// misbehaves.
pub fn check<S: Scenario>(pattern: Pattern, cases: &[S], learner: &mut dyn Learner) -> Checked<S> {
    let total = cases.len();
    let stopped_or = |fault: Fault, case_index: Option<usize>, passed: usize| Checked {
        passed,
        total,
        verdict: match fault.what {
            Misbehaviour::Interrupted => Verdict::Stopped,
            _ => Verdict::Fault { case_index, fault },
        },
    };
    if let Err(fault) = hello(pattern, learner) {
        return stopped_or(fault, None, 0);
    }
    for (index, case) in cases.iter().enumerate() {
        match run_case(case, learner) {
            CaseResult::Agree => {}
            CaseResult::Fault(fault) => return stopped_or(fault, Some(index), index),
            CaseResult::Disagree(parting) => {
                return match shrink::shrink(case, parting, learner) {
                    Ok((minimal, parting)) => Checked {
                        passed: index,
                        total,
                        verdict: Verdict::Disagree {
                            case_index: index,
                            original: case.clone(),
                            minimal,
                            parting,
                        },
                    },
                    Err(fault) => stopped_or(fault, Some(index), index),
                };
            }
        }
    }
    Checked {
        passed: total,
        total,
        verdict: Verdict::AllAgree,
    }
}

#[cfg(test)]
mod tests;
