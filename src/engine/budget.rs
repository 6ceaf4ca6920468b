//! Retry budgets: rules that refuse a retry when retrying has become part of the problem.
//!
//! Two families: gRPC's retry-throttling token bucket, and the seed's ratio budget (retries
//! below a percentage of requests), cumulative as in the seed or over a sliding time window;
//! beside them the SRE book's client-side adaptive throttle ([`AdaptiveThrottle`]).
//! Arithmetic is exact (integers in thousandths), so admission at a boundary never depends on
//! float rounding: exactly half the tokens refuses; exactly the percentage refuses.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::duration::{format_duration, parse_duration};

mod adaptive;
pub use adaptive::{AdaptiveThrottle, BadMultiplier};

/// Why a budget's values or spec make no sense. Messages name the value and the accepted
/// forms.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BudgetError {
    #[error(
        "'{0}' is not a retry budget; write 'tokens:MAX:RATIO' (e.g. 'tokens:10:0.1'), \
         'ratio:PCT' (e.g. 'ratio:10') or 'ratio:PCT:WINDOW' (e.g. 'ratio:10:1m')"
    )]
    Spec(String),
    #[error("max_tokens '{0}' must be a whole number from 1 to 1000")]
    MaxTokens(String),
    #[error("token_ratio '{0}' must be a number from 0.001 to 1000")]
    TokenRatio(String),
    #[error("budget_percent '{0}' must be a number from 0 to 1000")]
    Percent(String),
    #[error("window '{0}' must be a duration of at least 1ms, e.g. '10s' or '1m'")]
    Window(String),
}

/// Thousandths: the unit of exact token and percentage arithmetic.
const MILLI: u64 = 1_000;

fn to_milli(value: f64) -> u64 {
    // Callers have range-checked `value`, so the product is small and non-negative.
    (value * MILLI as f64).round() as u64
}

/// gRPC retry throttling (gRFC A6): a bucket of `max_tokens` that starts full. Every failed
/// call takes one token (not below 0), every success gives back `token_ratio` (not above the
/// maximum), and a retry is allowed only while tokens > max_tokens / 2.
///
/// As in gRPC, `token_ratio` counts to three decimals; tokens are kept in thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBucket {
    max_milli: u64,
    ratio_milli: u64,
    tokens_milli: u64,
}

impl TokenBucket {
    /// `max_tokens` in 1..=1000 and `token_ratio` in 0.001..=1000, as gRPC accepts.
    pub fn new(max_tokens: u32, token_ratio: f64) -> Result<Self, BudgetError> {
        if !(1..=1000).contains(&max_tokens) {
            return Err(BudgetError::MaxTokens(max_tokens.to_string()));
        }
        if !(0.001..=1000.0).contains(&token_ratio) {
            return Err(BudgetError::TokenRatio(token_ratio.to_string()));
        }
        let max_milli = u64::from(max_tokens) * MILLI;
        Ok(Self {
            max_milli,
            ratio_milli: to_milli(token_ratio),
            tokens_milli: max_milli,
        })
    }

    /// Whether a retry may be sent now: tokens strictly above half the maximum.
    pub fn allow_retry(&self) -> bool {
        self.tokens_milli * 2 > self.max_milli
    }

    /// A call failed (one that would be retried): one token fewer, never below zero.
    pub fn record_failure(&mut self) {
        self.tokens_milli = self.tokens_milli.saturating_sub(MILLI);
    }

    /// A call succeeded: `token_ratio` tokens back, never above the maximum.
    pub fn record_success(&mut self) {
        self.tokens_milli = (self.tokens_milli + self.ratio_milli).min(self.max_milli);
    }

    /// The tokens in the bucket now.
    pub fn tokens(&self) -> f64 {
        self.tokens_milli as f64 / MILLI as f64
    }
}

/// The seed's ratio budget, as written there: counts every request and every retry since
/// it was made, and allows a retry when no request has been counted yet or when
/// retries / requests · 100 < `budget_percent`.
///
/// Cumulative counting is its weakness: after a long healthy period the ratio is tiny, so
/// an outage may spend a huge backlog of retries at once (a million requests at 10 % bank a
/// hundred thousand retries) exactly when the dependency can least take them; and after a
/// long incident the ratio stays high and refuses retries well after it is over. The
/// budget answers "how have we retried since start-up", not "how are we retrying now" —
/// see [`WindowedRatioBudget`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatioBudget {
    percent_milli: u64,
    requests: u64,
    retries: u64,
}

impl RatioBudget {
    /// `budget_percent` in 0..=1000 (retries may be allowed to outnumber requests).
    pub fn new(budget_percent: f64) -> Result<Self, BudgetError> {
        Ok(Self {
            percent_milli: percent_milli(budget_percent)?,
            requests: 0,
            retries: 0,
        })
    }

    /// Whether a retry may be sent now.
    pub fn allow_retry(&self) -> bool {
        admits(self.percent_milli, self.requests, self.retries)
    }

    /// An original request was made.
    pub fn record_request(&mut self) {
        self.requests = self.requests.saturating_add(1);
    }

    /// A retry was made.
    pub fn record_retry(&mut self) {
        self.retries = self.retries.saturating_add(1);
    }
}

fn percent_milli(budget_percent: f64) -> Result<u64, BudgetError> {
    if !(0.0..=1000.0).contains(&budget_percent) {
        return Err(BudgetError::Percent(budget_percent.to_string()));
    }
    Ok(to_milli(budget_percent))
}

/// retries / requests · 100 < percent, in exact integers: retries · 100 000 < percent‰ ·
/// requests.
fn admits(percent_milli: u64, requests: u64, retries: u64) -> bool {
    requests == 0
        || u128::from(retries) * 100 * u128::from(MILLI)
            < u128::from(percent_milli) * u128::from(requests)
}

/// The ratio budget judged over the last `window` only: requests and retries made in
/// (now − window, now]. It follows what the client is doing now, so a healthy past neither
/// banks a burst of retries nor does an old incident keep refusing them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowedRatioBudget {
    percent_milli: u64,
    window: Duration,
    /// (when, is_retry), oldest first.
    events: VecDeque<(Duration, bool)>,
    requests: u64,
    retries: u64,
}

impl WindowedRatioBudget {
    pub fn new(budget_percent: f64, window: Duration) -> Result<Self, BudgetError> {
        // Shorter windows would print as '0s' right after '0s' was refused.
        if window < crate::engine::window::MIN_TIME_WINDOW {
            return Err(BudgetError::Window(format_duration(window)));
        }
        Ok(Self {
            percent_milli: percent_milli(budget_percent)?,
            window,
            events: VecDeque::new(),
            requests: 0,
            retries: 0,
        })
    }

    /// Whether a retry may be sent at `now`. `now` must not go backwards between calls.
    pub fn allow_retry(&mut self, now: Duration) -> bool {
        self.evict(now);
        admits(self.percent_milli, self.requests, self.retries)
    }

    /// An original request was made at `now`.
    pub fn record_request(&mut self, now: Duration) {
        self.evict(now);
        self.events.push_back((now, false));
        self.requests += 1;
    }

    /// A retry was made at `now`.
    pub fn record_retry(&mut self, now: Duration) {
        self.evict(now);
        self.events.push_back((now, true));
        self.retries += 1;
    }

    fn evict(&mut self, now: Duration) {
        let Some(start) = now.checked_sub(self.window) else {
            return;
        };
        while let Some(&(when, is_retry)) = self.events.front() {
            if when > start {
                break;
            }
            self.events.pop_front();
            if is_retry {
                self.retries -= 1;
            } else {
                self.requests -= 1;
            }
        }
    }
}

/// A retry budget as plain data, for content files and the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RetryBudgetConfig {
    /// gRPC retry throttling: `tokens:MAX:RATIO`.
    Tokens { max_tokens: u32, token_ratio: f64 },
    /// The seed's cumulative ratio budget: `ratio:PCT`.
    Ratio { budget_percent: f64 },
    /// The ratio budget over a sliding window: `ratio:PCT:WINDOW`.
    WindowedRatio {
        budget_percent: f64,
        #[serde(with = "crate::engine::duration::serde_text")]
        #[schemars(with = "String")]
        window: Duration,
    },
}

impl RetryBudgetConfig {
    /// Parses `tokens:MAX:RATIO`, `ratio:PCT` or `ratio:PCT:WINDOW` and checks the values.
    pub fn parse(spec: &str) -> Result<Self, BudgetError> {
        let bad = || BudgetError::Spec(spec.to_owned());
        let parts: Vec<&str> = spec.trim().split(':').map(str::trim).collect();
        let config = match parts.as_slice() {
            ["tokens", max, ratio] => Self::Tokens {
                max_tokens: max
                    .parse()
                    .map_err(|_| BudgetError::MaxTokens((*max).to_owned()))?,
                token_ratio: number(ratio)
                    .ok_or_else(|| BudgetError::TokenRatio((*ratio).into()))?,
            },
            ["ratio", pct] => Self::Ratio {
                budget_percent: number(pct).ok_or_else(|| BudgetError::Percent((*pct).into()))?,
            },
            ["ratio", pct, window] => Self::WindowedRatio {
                budget_percent: number(pct).ok_or_else(|| BudgetError::Percent((*pct).into()))?,
                window: parse_duration(window)
                    .ok()
                    .filter(|w| *w >= crate::engine::window::MIN_TIME_WINDOW)
                    .ok_or_else(|| BudgetError::Window((*window).to_owned()))?,
            },
            _ => return Err(bad()),
        };
        config.build()?;
        Ok(config)
    }

    /// A fresh budget with these values.
    pub fn build(&self) -> Result<RetryBudget, BudgetError> {
        Ok(match *self {
            Self::Tokens {
                max_tokens,
                token_ratio,
            } => RetryBudget::Tokens(TokenBucket::new(max_tokens, token_ratio)?),
            Self::Ratio { budget_percent } => RetryBudget::Ratio(RatioBudget::new(budget_percent)?),
            Self::WindowedRatio {
                budget_percent,
                window,
            } => RetryBudget::WindowedRatio(WindowedRatioBudget::new(budget_percent, window)?),
        })
    }
}

fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|value| value.is_finite())
}

impl FromStr for RetryBudgetConfig {
    type Err = BudgetError;

    fn from_str(spec: &str) -> Result<Self, BudgetError> {
        Self::parse(spec)
    }
}

impl fmt::Display for RetryBudgetConfig {
    /// The spec form, which [`RetryBudgetConfig::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tokens {
                max_tokens,
                token_ratio,
            } => write!(f, "tokens:{max_tokens}:{token_ratio}"),
            Self::Ratio { budget_percent } => write!(f, "ratio:{budget_percent}"),
            Self::WindowedRatio {
                budget_percent,
                window,
            } => write!(f, "ratio:{budget_percent}:{}", format_duration(*window)),
        }
    }
}

/// One client's retry budget, whichever kind. The storm simulator reports every call to it
/// and asks [`RetryBudget::try_retry`] before each retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryBudget {
    Tokens(TokenBucket),
    Ratio(RatioBudget),
    WindowedRatio(WindowedRatioBudget),
}

impl RetryBudget {
    /// An original request is being sent at `now`.
    pub fn on_request(&mut self, now: Duration) {
        match self {
            Self::Tokens(_) => {}
            Self::Ratio(budget) => budget.record_request(),
            Self::WindowedRatio(budget) => budget.record_request(now),
        }
    }

    /// A call (original or retry) succeeded.
    pub fn on_success(&mut self) {
        if let Self::Tokens(bucket) = self {
            bucket.record_success();
        }
    }

    /// A call (original or retry) failed.
    pub fn on_failure(&mut self) {
        if let Self::Tokens(bucket) = self {
            bucket.record_failure();
        }
    }

    /// Whether a retry may be sent at `now`; when it may, it is counted as sent.
    pub fn try_retry(&mut self, now: Duration) -> bool {
        match self {
            Self::Tokens(bucket) => bucket.allow_retry(),
            Self::Ratio(budget) => {
                let allowed = budget.allow_retry();
                if allowed {
                    budget.record_retry();
                }
                allowed
            }
            Self::WindowedRatio(budget) => {
                let allowed = budget.allow_retry(now);
                if allowed {
                    budget.record_retry(now);
                }
                allowed
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bucket_refuses_at_exactly_half() {
        let mut bucket = TokenBucket::new(10, 0.1).unwrap();
        assert!(bucket.allow_retry());
        for _ in 0..4 {
            bucket.record_failure();
        }
        assert_eq!(bucket.tokens(), 6.0);
        assert!(bucket.allow_retry());
        bucket.record_failure();
        assert_eq!(bucket.tokens(), 5.0);
        assert!(!bucket.allow_retry(), "exactly max/2 must refuse");
        bucket.record_success();
        assert_eq!(bucket.tokens(), 5.1);
        assert!(bucket.allow_retry());
    }

    #[test]
    fn token_bucket_floors_at_zero_and_caps_at_max() {
        let mut bucket = TokenBucket::new(3, 0.5).unwrap();
        for _ in 0..10 {
            bucket.record_failure();
        }
        assert_eq!(bucket.tokens(), 0.0);
        bucket.record_success();
        assert_eq!(bucket.tokens(), 0.5);
        for _ in 0..10 {
            bucket.record_success();
        }
        assert_eq!(bucket.tokens(), 3.0);
    }

    #[test]
    fn token_ratio_is_exact_in_thousandths() {
        // 0.1 is not exact in binary; ten successes must still give back exactly one token.
        let mut bucket = TokenBucket::new(2, 0.1).unwrap();
        bucket.record_failure();
        bucket.record_failure();
        for _ in 0..10 {
            bucket.record_success();
        }
        assert_eq!(bucket.tokens(), 1.0);
        assert!(!bucket.allow_retry());
    }

    #[test]
    fn ratio_budget_refuses_at_exactly_the_percentage() {
        let mut budget = RatioBudget::new(10.0).unwrap();
        assert!(budget.allow_retry(), "no requests yet: allowed");
        for _ in 0..10 {
            budget.record_request();
        }
        assert!(budget.allow_retry());
        budget.record_retry();
        assert!(!budget.allow_retry(), "1/10 = 10 % is not below 10 %");
        budget.record_request();
        assert!(budget.allow_retry(), "1/11 < 10 %");
    }

    #[test]
    fn ratio_budget_with_awkward_percentages_is_exact() {
        // 3 retries over 10 requests is 30 %: refused at 30, allowed at 30.001.
        let mut at = RatioBudget::new(30.0).unwrap();
        let mut above = RatioBudget::new(30.001).unwrap();
        for budget in [&mut at, &mut above] {
            for _ in 0..10 {
                budget.record_request();
            }
            for _ in 0..3 {
                budget.record_retry();
            }
        }
        assert!(!at.allow_retry());
        assert!(above.allow_retry());
        let zero = RatioBudget::new(0.0).unwrap();
        assert!(zero.allow_retry(), "the seed allows while requests == 0");
    }

    #[test]
    fn windowed_ratio_forgets_what_left_the_window() {
        let s = Duration::from_secs;
        let mut budget = WindowedRatioBudget::new(50.0, s(10)).unwrap();
        budget.record_request(s(0));
        budget.record_request(s(1));
        assert!(budget.allow_retry(s(1)));
        budget.record_retry(s(1));
        assert!(!budget.allow_retry(s(1)), "1/2 = 50 % refuses");
        // At 10 s the request made at 0 s leaves the window (it is (0 s, 10 s]).
        assert!(!budget.allow_retry(s(10)), "1 retry / 1 request");
        // At 11 s everything left: no requests counted, so allowed.
        assert!(budget.allow_retry(s(11)));
    }

    #[test]
    fn cumulative_ratio_banks_retries_the_window_does_not() {
        let s = Duration::from_secs;
        let mut cumulative = RatioBudget::new(10.0).unwrap();
        let mut windowed = WindowedRatioBudget::new(10.0, s(10)).unwrap();
        for t in 0..1000 {
            cumulative.record_request();
            windowed.record_request(s(t));
        }
        // An outage at 1000 s: requests keep coming once a second, every one fails.
        let (mut burst_cumulative, mut burst_windowed) = (0, 0);
        for t in 1000..1010 {
            cumulative.record_request();
            windowed.record_request(s(t));
            while cumulative.allow_retry() && burst_cumulative < 10_000 {
                cumulative.record_retry();
                burst_cumulative += 1;
            }
            while windowed.allow_retry(s(t)) {
                windowed.record_retry(s(t));
                burst_windowed += 1;
            }
        }
        assert_eq!(burst_cumulative, 101);
        assert_eq!(burst_windowed, 1);
    }

    #[test]
    fn specs_parse_and_print_back() {
        for spec in ["tokens:10:0.1", "ratio:10", "ratio:12.5:1m"] {
            let config = RetryBudgetConfig::parse(spec).unwrap();
            assert_eq!(config.to_string(), spec);
        }
        assert_eq!(
            "tokens:100:1.5".parse::<RetryBudgetConfig>().unwrap(),
            RetryBudgetConfig::Tokens {
                max_tokens: 100,
                token_ratio: 1.5
            }
        );
    }

    #[test]
    fn bad_specs_name_the_value() {
        let message = |spec: &str| RetryBudgetConfig::parse(spec).unwrap_err().to_string();
        assert!(message("bucket:1").starts_with("'bucket:1' is not a retry budget; write"));
        assert!(message("tokens:10").contains("'tokens:10'"));
        assert_eq!(
            message("tokens:0:0.1"),
            "max_tokens '0' must be a whole number from 1 to 1000"
        );
        assert!(message("tokens:ten:0.1").contains("'ten'"));
        assert!(message("tokens:10:0").contains("token_ratio '0'"));
        assert!(message("ratio:-5").contains("budget_percent '-5'"));
        assert!(message("ratio:NaN").contains("'NaN'"));
        assert!(message("ratio:10:soon").contains("window 'soon'"));
        assert!(message("ratio:10:0s").contains("window '0s'"));
    }

    #[test]
    fn the_enum_counts_requests_and_retries() {
        let now = Duration::ZERO;
        let mut ratio = RetryBudgetConfig::parse("ratio:50")
            .unwrap()
            .build()
            .unwrap();
        ratio.on_request(now);
        ratio.on_failure();
        assert!(ratio.try_retry(now));
        assert!(!ratio.try_retry(now), "1 retry / 1 request is 100 %");

        let mut tokens = RetryBudgetConfig::parse("tokens:2:1")
            .unwrap()
            .build()
            .unwrap();
        tokens.on_request(now);
        tokens.on_failure();
        assert!(!tokens.try_retry(now), "1 token of 2 is not above half");
        tokens.on_success();
        assert!(tokens.try_retry(now));
    }

    #[test]
    fn config_serializes_with_a_kind_tag() {
        let config = RetryBudgetConfig::parse("ratio:10:30s").unwrap();
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"windowed-ratio","budget_percent":10.0,"window":"30s"}"#
        );
        assert_eq!(
            serde_json::from_str::<RetryBudgetConfig>(&json).unwrap(),
            config
        );
    }
}
