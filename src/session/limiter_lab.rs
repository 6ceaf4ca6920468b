//! The limiter stepper's state machine: one limiter, a virtual clock, the steps made so far
//! and what undo restores. `handle(input) -> effect`; the screen only draws it. Every step is
//! [`Step::play`], the same code `sim limiter --script` runs, so the two never disagree.

use crate::engine::limiter::{
    Action, Limiter, LimiterConfig, LimiterState, MAX_WINDOW_MS, Script, Step, Token,
};

/// Requests one `b` key sends at once.
pub const BURST_SIZE: u32 = 10;

/// What a key asks of the stepper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimiterInput {
    /// One request now.
    Request,
    /// [`BURST_SIZE`] requests now.
    Burst,
    /// The clock advances by the time step.
    AdvanceTime,
    /// The script's next token.
    NextScripted,
    Undo,
    ToggleHelp,
    Back,
}

/// What the stepper asks of its host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimiterEffect {
    Close,
}

/// Where a step came from: a key, or the script's next token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Key,
    Script,
}

/// The stepper's state.
#[derive(Debug, Clone)]
pub struct LimiterLab {
    config: LimiterConfig,
    limiter: Limiter,
    clock_ms: u64,
    steps: Vec<Step>,
    /// Each step's action, beside `steps` (for the arrival times a timeline draws).
    actions: Vec<Action>,
    /// The limiter and clock before each step, and whether the step was the script's.
    undo: Vec<(Limiter, u64, Source)>,
    script: Option<Script>,
    /// Script tokens played so far.
    cursor: usize,
    time_step_ms: u64,
    help: bool,
    notice: Option<String>,
}

impl LimiterLab {
    /// A fresh stepper for `config` (already validated by whoever built it).
    pub fn new(config: LimiterConfig) -> Result<Self, crate::engine::limiter::ConfigError> {
        Ok(Self {
            config,
            limiter: Limiter::new(config)?,
            clock_ms: 0,
            steps: Vec::new(),
            actions: Vec::new(),
            undo: Vec::new(),
            script: None,
            cursor: 0,
            time_step_ms: time_step_ms(config),
            help: false,
            notice: None,
        })
    }

    /// The same, with a script that `space` plays one token at a time.
    pub fn with_script(mut self, script: Script) -> Self {
        self.script = Some(script);
        self
    }

    pub fn config(&self) -> LimiterConfig {
        self.config
    }

    pub fn clock_ms(&self) -> u64 {
        self.clock_ms
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Every request so far from the newest back, as (arrival ms, admitted), stopping before
    /// `since_ms`.
    pub fn arrivals_since(&self, since_ms: u64) -> Vec<(u64, bool)> {
        let mut out = Vec::new();
        for (step, action) in self.steps.iter().zip(&self.actions).rev() {
            let Action::Requests { count, over_ms } = *action else {
                continue;
            };
            let end = step.at_ms.saturating_add(over_ms);
            if end < since_ms {
                break;
            }
            for (index, letter) in step.decisions.bytes().enumerate().rev() {
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                let at = step
                    .at_ms
                    .saturating_add(Action::offset_ms(count, over_ms, index));
                if at < since_ms {
                    break;
                }
                out.push((at, letter == b'A'));
            }
        }
        out
    }

    /// The algorithm's variables now.
    pub fn state(&self) -> LimiterState {
        self.limiter.state(self.clock_ms)
    }

    pub fn time_step_ms(&self) -> u64 {
        self.time_step_ms
    }

    pub fn help_visible(&self) -> bool {
        self.help
    }

    /// A one-time message for the status line (end of the script, clock at its limit).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The script's next token, if there is a script and it is not finished.
    pub fn next_token(&self) -> Option<&Token> {
        self.script.as_ref()?.tokens().get(self.cursor)
    }

    /// The state machine.
    pub fn handle(&mut self, input: LimiterInput) -> Option<LimiterEffect> {
        self.notice = None;
        match input {
            LimiterInput::Request => self.key(Action::Requests {
                count: 1,
                over_ms: 0,
            }),
            LimiterInput::Burst => self.key(Action::Requests {
                count: BURST_SIZE,
                over_ms: 0,
            }),
            LimiterInput::AdvanceTime => self.key(Action::Advance(self.time_step_ms)),
            LimiterInput::NextScripted => match self.next_token() {
                Some(token) => {
                    let (text, action) = (token.text.clone(), token.action);
                    self.play(&text, action, Source::Script);
                }
                None => {
                    self.notice = Some(match self.script {
                        Some(_) => "the script is finished; u undoes, q leaves".to_owned(),
                        None => "no script: r, b and t step by hand".to_owned(),
                    });
                }
            },
            LimiterInput::Undo => match self.undo.pop() {
                Some((limiter, clock_ms, source)) => {
                    self.limiter = limiter;
                    self.clock_ms = clock_ms;
                    if source == Source::Script {
                        self.cursor -= 1;
                    }
                    self.steps.pop();
                    self.actions.pop();
                }
                None => self.notice = Some("nothing to undo".to_owned()),
            },
            LimiterInput::ToggleHelp => self.help = !self.help,
            LimiterInput::Back => return Some(LimiterEffect::Close),
        }
        None
    }

    fn key(&mut self, action: Action) {
        self.play(&action.to_string(), action, Source::Key);
    }

    fn play(&mut self, text: &str, action: Action, source: Source) {
        if self.clock_ms.saturating_add(action.duration_ms()) > MAX_WINDOW_MS {
            self.notice = Some("the clock is at its limit of 1000 hours; u undoes".to_owned());
            return;
        }
        self.undo
            .push((self.limiter.clone(), self.clock_ms, source));
        if source == Source::Script {
            self.cursor += 1;
        }
        let (step, end) = Step::play(&mut self.limiter, self.clock_ms, text, action);
        self.clock_ms = end;
        self.steps.push(step);
        self.actions.push(action);
    }
}

/// One emission interval for rate limiters (rounded up to a whole ms), a tenth of the window
/// for window limiters: a few presses of `t` show the algorithm recover.
fn time_step_ms(config: LimiterConfig) -> u64 {
    let interval = |rate: u32| 1000u64.div_ceil(u64::from(rate.max(1)));
    match config {
        LimiterConfig::FixedWindow { window_ms, .. }
        | LimiterConfig::SlidingLog { window_ms, .. }
        | LimiterConfig::SlidingWindow { window_ms, .. }
        | LimiterConfig::RedisIncr { window_ms, .. } => (window_ms / 10).max(1),
        LimiterConfig::TokenBucket { rate, .. }
        | LimiterConfig::Gcra { rate, .. }
        | LimiterConfig::LeakyQueue { rate, .. }
        | LimiterConfig::NginxLimitReq { rate, .. }
        | LimiterConfig::Guava { rate } => interval(rate),
        LimiterConfig::EnvoyTimer {
            fill_interval_ms, ..
        } => fill_interval_ms,
        LimiterConfig::Resilience4j {
            limit_refresh_period_ns,
            ..
        } => (limit_refresh_period_ns / 1_000_000).max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> LimiterLab {
        LimiterLab::new(LimiterConfig::TokenBucket { rate: 10, burst: 5 }).expect("valid")
    }

    #[test]
    fn keys_step_the_limiter_and_undo_restores_it() {
        let mut lab = lab();
        lab.handle(LimiterInput::Burst);
        assert_eq!(lab.steps()[0].decisions, "AAAAARRRRR");
        lab.handle(LimiterInput::AdvanceTime);
        assert_eq!(lab.clock_ms(), 100);
        lab.handle(LimiterInput::Request);
        assert_eq!(lab.steps()[2].decisions, "A");
        lab.handle(LimiterInput::Undo);
        lab.handle(LimiterInput::Undo);
        assert_eq!(lab.clock_ms(), 0);
        assert_eq!(
            lab.state(),
            LimiterState::Tokens {
                tokens_milli: 0,
                capacity_milli: 5000
            }
        );
        lab.handle(LimiterInput::Undo);
        lab.handle(LimiterInput::Undo);
        assert_eq!(lab.notice(), Some("nothing to undo"));
        assert_eq!(lab.handle(LimiterInput::Back), Some(LimiterEffect::Close));
    }

    #[test]
    fn the_script_plays_token_by_token_as_run_does() {
        let script = Script::parse("7 +250ms 3").expect("parses");
        let config = LimiterConfig::TokenBucket { rate: 10, burst: 5 };
        let mut lab = LimiterLab::new(config)
            .expect("valid")
            .with_script(script.clone());
        for _ in 0..4 {
            lab.handle(LimiterInput::NextScripted);
        }
        assert_eq!(
            lab.notice(),
            Some("the script is finished; u undoes, q leaves")
        );
        let expected = crate::engine::limiter::run(config, &script).expect("valid");
        assert_eq!(lab.steps(), expected.as_slice());
        lab.handle(LimiterInput::Undo);
        assert_eq!(lab.next_token().map(|t| t.text.as_str()), Some("3"));
    }
}
