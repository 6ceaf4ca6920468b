//! Sliding windows of recent call outcomes for rate-based tripping (Resilience4j, Polly).
//!
//! A count window holds the last N calls in a ring with running totals; a time window holds
//! the calls of the last DUR, i.e. a call made at `t` counts at `now` while `now - t < DUR`.
//! Invariant: the running totals always equal the sum over the calls held. Recording never
//! allocates in a count window; a time window keeps at most ~100,000 entries (see below).

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::engine::duration::{format_duration, parse_duration};

/// The shortest time window: what durations print (milliseconds) can still tell apart.
pub const MIN_TIME_WINDOW: Duration = Duration::from_millis(1);

/// The largest count window: its ring takes one byte per call.
pub const MAX_WINDOW_CALLS: u32 = 1_000_000;

/// Which calls the failure and slow-call rates are computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum WindowConfig {
    /// The last `calls` calls (`count:N`).
    Count { calls: u32 },
    /// The calls made during the last `span` (`time:DUR`).
    Time { span: Duration },
}

impl schemars::JsonSchema for WindowConfig {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "WindowConfig".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A sliding window: 'count:N' (the last N calls) or 'time:DUR' (the calls of the last DUR, e.g. 'time:30s')",
            "pattern": "^(count:[0-9]+|time:.+)$"
        })
    }
}

/// A window spec that is not `count:N` or `time:DUR`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{input}' is not a window: {problem}; write 'count:N' (the last N calls, e.g. 'count:100') or 'time:DUR' (the calls of the last DUR, e.g. 'time:30s')"
)]
pub struct WindowSpecError {
    pub input: String,
    pub problem: String,
}

impl FromStr for WindowConfig {
    type Err = WindowSpecError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = |problem: String| WindowSpecError {
            input: input.to_owned(),
            problem,
        };
        let Some((kind, value)) = input.trim().split_once(':') else {
            return Err(error("no ':'".to_owned()));
        };
        match kind.trim().to_ascii_lowercase().as_str() {
            "count" => {
                let calls: u32 = value
                    .trim()
                    .parse()
                    .map_err(|_| error(format!("'{value}' is not a whole number of calls")))?;
                if calls == 0 {
                    return Err(error("a count window holds at least 1 call".to_owned()));
                }
                if calls > MAX_WINDOW_CALLS {
                    return Err(error(format!(
                        "a count window holds at most {MAX_WINDOW_CALLS} calls"
                    )));
                }
                Ok(Self::Count { calls })
            }
            "time" => {
                let span = parse_duration(value).map_err(|e| error(e.to_string()))?;
                // Shorter spans would print as '0s' right after '0s' was refused.
                if span < MIN_TIME_WINDOW {
                    return Err(error(format!(
                        "a time window must be at least {}",
                        format_duration(MIN_TIME_WINDOW)
                    )));
                }
                Ok(Self::Time { span })
            }
            other => Err(error(format!("unknown kind '{other}'"))),
        }
    }
}

impl TryFrom<String> for WindowConfig {
    type Error = WindowSpecError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<WindowConfig> for String {
    fn from(value: WindowConfig) -> Self {
        value.to_string()
    }
}

impl fmt::Display for WindowConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Count { calls } => write!(f, "count:{calls}"),
            Self::Time { span } => write!(f, "time:{}", format_duration(*span)),
        }
    }
}

/// What a window holds right now. Rates are percentages of `calls`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct WindowTotals {
    pub calls: u32,
    pub failures: u32,
    pub slow: u32,
}

impl WindowTotals {
    /// Failed calls as a percentage of the calls held (0 when empty).
    pub fn failure_rate(&self) -> f64 {
        percent(self.failures, self.calls)
    }

    /// Slow calls as a percentage of the calls held (0 when empty).
    pub fn slow_rate(&self) -> f64 {
        percent(self.slow, self.calls)
    }
}

fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    f64::from(part) * 100.0 / f64::from(whole)
}

/// A sliding window of either kind, built from a [`WindowConfig`].
#[derive(Debug, Clone)]
pub enum SlidingWindow {
    Count(CountWindow),
    Time(TimeWindow),
}

impl SlidingWindow {
    /// An empty window of the configured kind.
    pub fn new(config: WindowConfig) -> Self {
        match config {
            WindowConfig::Count { calls } => Self::Count(CountWindow::new(calls)),
            WindowConfig::Time { span } => Self::Time(TimeWindow::new(span)),
        }
    }

    /// Adds one call completed at `at` (never earlier than a call recorded before).
    pub fn record(&mut self, at: Duration, failed: bool, slow: bool) {
        match self {
            Self::Count(window) => window.record(failed, slow),
            Self::Time(window) => window.record(at, failed, slow),
        }
    }

    /// The calls that count at `now`.
    pub fn totals(&self, now: Duration) -> WindowTotals {
        match self {
            Self::Count(window) => window.totals(),
            Self::Time(window) => window.totals(now),
        }
    }

    /// Forgets every call (the breaker changed state).
    pub fn reset(&mut self) {
        match self {
            Self::Count(window) => window.reset(),
            Self::Time(window) => window.reset(),
        }
    }
}

const FAILED: u8 = 1;
const SLOW: u8 = 2;

fn flags(failed: bool, slow: bool) -> u8 {
    (u8::from(failed) * FAILED) | (u8::from(slow) * SLOW)
}

/// The last `capacity` calls: a ring of outcome bits with running totals.
#[derive(Debug, Clone)]
pub struct CountWindow {
    slots: Box<[u8]>,
    /// Where the next call goes; once full, the oldest call lives there.
    next: usize,
    totals: WindowTotals,
}

impl CountWindow {
    /// A window of `capacity` calls (at least 1).
    pub fn new(capacity: u32) -> Self {
        let capacity = usize::try_from(capacity.max(1)).unwrap_or(usize::MAX);
        Self {
            slots: vec![0; capacity].into_boxed_slice(),
            next: 0,
            totals: WindowTotals::default(),
        }
    }

    /// Adds one completed call, pushing out the oldest once full.
    pub fn record(&mut self, failed: bool, slow: bool) {
        let full = self.totals.calls as usize == self.slots.len();
        if full {
            let oldest = self.slots[self.next];
            self.totals.failures -= u32::from(oldest & FAILED != 0);
            self.totals.slow -= u32::from(oldest & SLOW != 0);
        } else {
            self.totals.calls += 1;
        }
        self.slots[self.next] = flags(failed, slow);
        self.totals.failures += u32::from(failed);
        self.totals.slow += u32::from(slow);
        self.next += 1;
        if self.next == self.slots.len() {
            self.next = 0;
        }
    }

    /// The calls held.
    pub fn totals(&self) -> WindowTotals {
        self.totals
    }

    /// Forgets every call.
    pub fn reset(&mut self) {
        self.next = 0;
        self.totals = WindowTotals::default();
    }
}

/// The most entries a time window keeps (per span): bounds its memory at any call rate.
const TIME_WINDOW_ENTRIES: u32 = 100_000;

/// The calls of the last `span`, oldest first. A call joins the newest entry when it comes
/// less than `granularity` after that entry's first call, and leaves the window with it;
/// `granularity` is 1 ms up to a 100 s span (so calls on whole milliseconds are counted
/// exactly) and span / 100,000 above.
#[derive(Debug, Clone)]
pub struct TimeWindow {
    span: Duration,
    granularity: Duration,
    entries: VecDeque<(Duration, WindowTotals)>,
    totals: WindowTotals,
}

impl TimeWindow {
    /// An empty window over the last `span`.
    pub fn new(span: Duration) -> Self {
        Self {
            span,
            granularity: (span / TIME_WINDOW_ENTRIES).max(Duration::from_millis(1)),
            entries: VecDeque::with_capacity(16),
            totals: WindowTotals::default(),
        }
    }

    fn expired(&self, at: Duration, now: Duration) -> bool {
        now.saturating_sub(at) >= self.span
    }

    /// Adds one call completed at `at` (never earlier than a call recorded before).
    pub fn record(&mut self, at: Duration, failed: bool, slow: bool) {
        self.evict(at);
        let call = WindowTotals {
            calls: 1,
            failures: u32::from(failed),
            slow: u32::from(slow),
        };
        let granularity = self.granularity;
        match self.entries.back_mut() {
            Some((first, entry)) if at.saturating_sub(*first) < granularity => add(entry, call),
            _ => self.entries.push_back((at, call)),
        }
        add(&mut self.totals, call);
    }

    fn evict(&mut self, now: Duration) {
        while let Some(&(at, entry)) = self.entries.front() {
            if !self.expired(at, now) {
                break;
            }
            subtract(&mut self.totals, entry);
            self.entries.pop_front();
        }
    }

    /// The calls that count at `now`, without forgetting anything (so `&self`).
    pub fn totals(&self, now: Duration) -> WindowTotals {
        let mut totals = self.totals;
        for &(at, entry) in &self.entries {
            if !self.expired(at, now) {
                break;
            }
            subtract(&mut totals, entry);
        }
        totals
    }

    /// Forgets every call.
    pub fn reset(&mut self) {
        self.entries.clear();
        self.totals = WindowTotals::default();
    }
}

fn add(totals: &mut WindowTotals, call: WindowTotals) {
    totals.calls = totals.calls.saturating_add(call.calls);
    totals.failures = totals.failures.saturating_add(call.failures);
    totals.slow = totals.slow.saturating_add(call.slow);
}

fn subtract(totals: &mut WindowTotals, call: WindowTotals) {
    totals.calls = totals.calls.saturating_sub(call.calls);
    totals.failures = totals.failures.saturating_sub(call.failures);
    totals.slow = totals.slow.saturating_sub(call.slow);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn count_window_keeps_the_last_n_calls() {
        let mut window = CountWindow::new(3);
        window.record(true, false);
        window.record(true, true);
        assert_eq!(
            window.totals(),
            WindowTotals {
                calls: 2,
                failures: 2,
                slow: 1
            }
        );
        window.record(false, false);
        window.record(false, false); // pushes out the first failure
        assert_eq!(
            window.totals(),
            WindowTotals {
                calls: 3,
                failures: 1,
                slow: 1
            }
        );
        window.record(false, false); // pushes out the slow failure
        assert_eq!(
            window.totals(),
            WindowTotals {
                calls: 3,
                failures: 0,
                slow: 0
            }
        );
        window.reset();
        assert_eq!(window.totals(), WindowTotals::default());
    }

    #[test]
    fn time_window_forgets_calls_older_than_its_span() {
        let mut window = TimeWindow::new(secs(30));
        window.record(secs(0), true, false);
        window.record(secs(0), true, false);
        window.record(secs(10), false, true);
        assert_eq!(window.totals(secs(29)).calls, 3);
        // At 30s the calls made at 0s are exactly 30s old: out of the window.
        let at_30 = window.totals(secs(30));
        assert_eq!((at_30.calls, at_30.failures, at_30.slow), (1, 0, 1));
        assert_eq!(window.totals(secs(40)).calls, 0);
        window.record(secs(35), true, false);
        assert_eq!(window.entries.len(), 2, "0s entries evicted on record");
        assert_eq!(window.totals(secs(35)).failures, 1);
    }

    #[test]
    fn rates_are_percentages() {
        let totals = WindowTotals {
            calls: 10,
            failures: 6,
            slow: 10,
        };
        assert_eq!(totals.failure_rate(), 60.0);
        assert_eq!(totals.slow_rate(), 100.0);
        assert_eq!(WindowTotals::default().failure_rate(), 0.0);
    }

    #[test]
    fn parses_and_prints_window_specs() {
        assert_eq!("count:100".parse(), Ok(WindowConfig::Count { calls: 100 }));
        assert_eq!(
            "time:30s".parse(),
            Ok(WindowConfig::Time { span: secs(30) })
        );
        assert_eq!(
            WindowConfig::Time { span: secs(90) }.to_string(),
            "time:1m30s"
        );
        for bad in [
            "count", "count:0", "count:x", "time:0s", "time:30", "size:3",
        ] {
            let error = bad.parse::<WindowConfig>().unwrap_err().to_string();
            assert!(error.contains(&format!("'{bad}'")), "{error}");
            assert!(error.contains("'count:N'"), "{error}");
        }
    }

    #[test]
    fn time_window_memory_is_bounded_at_any_call_rate() {
        let mut window = TimeWindow::new(secs(30));
        // One call every 100 µs for 60 s: 600,000 calls, 30,000 entries at most.
        for i in 0..600_000u64 {
            window.record(Duration::from_micros(i * 100), false, false);
        }
        assert!(window.entries.len() <= 30_001, "{}", window.entries.len());
        // Exactly: the 299,999 calls after 30s. Calls sharing a millisecond leave together,
        // so up to 9 leave early (sub-millisecond call times are the only inexact case).
        let held = window.totals(secs(60)).calls;
        assert!((299_990..=299_999).contains(&held), "{held}");
        let mut long = TimeWindow::new(Duration::from_secs(3600));
        assert_eq!(long.granularity, Duration::from_millis(36));
        long.record(Duration::ZERO, true, false);
        long.record(Duration::from_millis(35), true, false);
        assert_eq!(long.entries.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn count_window_totals_match_the_last_calls(
            capacity in 1u32..20,
            calls in proptest::collection::vec((proptest::bool::ANY, proptest::bool::ANY), 0..100),
        ) {
            let mut window = CountWindow::new(capacity);
            for &(failed, slow) in &calls {
                window.record(failed, slow);
            }
            let kept = &calls[calls.len().saturating_sub(capacity as usize)..];
            let expected = WindowTotals {
                calls: kept.len() as u32,
                failures: kept.iter().filter(|c| c.0).count() as u32,
                slow: kept.iter().filter(|c| c.1).count() as u32,
            };
            proptest::prop_assert_eq!(window.totals(), expected);
        }

        #[test]
        fn time_window_is_exact_for_whole_milliseconds(
            span_ms in 1u64..5_000,
            calls in proptest::collection::vec((0u64..500, proptest::bool::ANY), 0..100),
            later in 0u64..6_000,
        ) {
            let span = Duration::from_millis(span_ms);
            let mut window = TimeWindow::new(span);
            let mut at = 0;
            let mut made = Vec::new();
            for &(gap, failed) in &calls {
                at += gap;
                window.record(Duration::from_millis(at), failed, false);
                made.push((at, failed));
            }
            let now = at + later;
            let kept: Vec<_> = made.iter().filter(|(t, _)| now - t < span_ms).collect();
            let totals = window.totals(Duration::from_millis(now));
            proptest::prop_assert_eq!(totals.calls as usize, kept.len());
            proptest::prop_assert_eq!(totals.failures as usize, kept.iter().filter(|c| c.1).count());
        }
    }
}
