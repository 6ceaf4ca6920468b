//! The six algorithms of DESIGN §3.4, each a small struct with `decide(now)` and
//! `state(now)`. Rate-based ones work in scaled time (`t_ms · rate`): one emission interval,
//! one token and one request are all exactly [`UNIT`], so every comparison is exact.

use std::collections::VecDeque;

use super::{Decision, LimiterState};

/// One request, one token, one emission interval, in scaled time (`ms · requests/s`).
pub(crate) const UNIT: u64 = 1000;

/// `now_ms` in scaled time for `rate` requests per second.
#[inline]
pub(crate) fn scaled(now_ms: u64, rate: u32) -> u64 {
    now_ms.saturating_mul(u64::from(rate))
}

/// Fixed window: windows [kW, (k+1)W) aligned at t = 0; admit while the count < N.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedWindow {
    limit: u32,
    window_ms: u64,
    window_start_ms: u64,
    count: u32,
}

impl FixedWindow {
    pub(crate) fn new(limit: u32, window_ms: u64) -> Self {
        Self {
            limit,
            window_ms,
            window_start_ms: 0,
            count: 0,
        }
    }

    /// The window `now` falls in (never one before the current one) and its count.
    #[inline]
    fn at(&self, now_ms: u64) -> (u64, u32) {
        let now = now_ms.max(self.window_start_ms);
        let start = now - now % self.window_ms;
        if start == self.window_start_ms {
            (start, self.count)
        } else {
            (start, 0)
        }
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        (self.window_start_ms, self.count) = self.at(now_ms);
        if self.count < self.limit {
            self.count += 1;
            Decision::ADMIT
        } else {
            Decision::Rejected
        }
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        let (window_start_ms, count) = self.at(now_ms);
        LimiterState::Window {
            window_start_ms,
            count,
        }
    }
}

/// Sliding log: admit when fewer than N admitted requests lie in (t − W, t].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlidingLog {
    limit: u32,
    window_ms: u64,
    /// Times of the admitted requests still inside the window, oldest first (at most N).
    log: VecDeque<u64>,
}

impl SlidingLog {
    pub(crate) fn new(limit: u32, window_ms: u64) -> Self {
        Self {
            limit,
            window_ms,
            log: VecDeque::new(),
        }
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        let now = self.log.back().map_or(now_ms, |&last| now_ms.max(last));
        // An entry at time a is inside (now − W, now] while a + W > now.
        while self
            .log
            .front()
            .is_some_and(|&oldest| oldest.saturating_add(self.window_ms) <= now)
        {
            self.log.pop_front();
        }
        if self.log.len() < self.limit as usize {
            self.log.push_back(now);
            Decision::ADMIT
        } else {
            Decision::Rejected
        }
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        let now = self.log.back().map_or(now_ms, |&last| now_ms.max(last));
        let mut inside = self
            .log
            .iter()
            .filter(|&&at| at.saturating_add(self.window_ms) > now);
        let oldest_ms = inside.clone().next().copied();
        let count = u32::try_from(inside.by_ref().count()).unwrap_or(u32::MAX);
        LimiterState::Log { count, oldest_ms }
    }
}

/// Sliding window (weighted counter, as Cloudflare describes it): with e = t − start of the
/// current window, admit when prev · (W − e) / W + curr < N, compared as
/// prev · (W − e) + curr · W < N · W.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlidingWindowCounter {
    limit: u32,
    window_ms: u64,
    window_start_ms: u64,
    previous: u32,
    current: u32,
}

impl SlidingWindowCounter {
    pub(crate) fn new(limit: u32, window_ms: u64) -> Self {
        Self {
            limit,
            window_ms,
            window_start_ms: 0,
            previous: 0,
            current: 0,
        }
    }

    /// (now, window start, previous count, current count) as they stand at `now_ms`.
    #[inline]
    fn at(&self, now_ms: u64) -> (u64, u64, u32, u32) {
        let now = now_ms.max(self.window_start_ms);
        let start = now - now % self.window_ms;
        if start == self.window_start_ms {
            (now, start, self.previous, self.current)
        } else if start == self.window_start_ms + self.window_ms {
            (now, start, self.current, 0)
        } else {
            (now, start, 0, 0)
        }
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        let now;
        (now, self.window_start_ms, self.previous, self.current) = self.at(now_ms);
        let elapsed = now - self.window_start_ms;
        let weighted = u64::from(self.previous) * (self.window_ms - elapsed)
            + u64::from(self.current) * self.window_ms;
        if weighted < u64::from(self.limit) * self.window_ms {
            self.current += 1;
            Decision::ADMIT
        } else {
            Decision::Rejected
        }
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        let (now, window_start_ms, previous, current) = self.at(now_ms);
        let elapsed = now - window_start_ms;
        let estimate_milli = (u64::from(previous) * (self.window_ms - elapsed) * UNIT)
            / self.window_ms
            + u64::from(current) * UNIT;
        LimiterState::Weighted {
            window_start_ms,
            previous,
            current,
            estimate_milli,
        }
    }
}

/// Token bucket: starts full with B tokens, refills continuously at R/s up to B; a request
/// takes one whole token or is rejected. Tokens are counted in thousandths: R per ms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBucket {
    rate: u32,
    capacity_milli: u64,
    tokens_milli: u64,
    last_ms: u64,
}

impl TokenBucket {
    pub(crate) fn new(rate: u32, burst: u32) -> Self {
        Self::with_tokens(rate, burst, burst)
    }

    /// A bucket of `burst` tokens holding `initial` of them (presets that start short).
    pub(crate) fn with_tokens(rate: u32, burst: u32, initial: u32) -> Self {
        let capacity_milli = u64::from(burst) * UNIT;
        Self {
            rate,
            capacity_milli,
            tokens_milli: (u64::from(initial) * UNIT).min(capacity_milli),
            last_ms: 0,
        }
    }

    #[inline]
    fn tokens_at(&self, now_ms: u64) -> u64 {
        let elapsed = now_ms.saturating_sub(self.last_ms);
        self.tokens_milli
            .saturating_add(scaled(elapsed, self.rate))
            .min(self.capacity_milli)
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        self.tokens_milli = self.tokens_at(now_ms);
        self.last_ms = self.last_ms.max(now_ms);
        if self.tokens_milli >= UNIT {
            self.tokens_milli -= UNIT;
            Decision::ADMIT
        } else {
            Decision::Rejected
        }
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        LimiterState::Tokens {
            tokens_milli: self.tokens_at(now_ms),
            capacity_milli: self.capacity_milli,
        }
    }
}

/// GCRA: emission interval T = 1/R, tolerance τ = (B − 1)·T, TAT starts at 0; admit when
/// t ≥ TAT − τ (compared as t + τ ≥ TAT), then TAT = max(TAT, t) + T.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gcra {
    rate: u32,
    tolerance: u64,
    /// Theoretical arrival time, scaled.
    tat: u64,
    /// The latest arrival seen, scaled (time never runs backwards).
    last: u64,
}

impl Gcra {
    pub(crate) fn new(rate: u32, burst: u32) -> Self {
        Self {
            rate,
            tolerance: u64::from(burst.saturating_sub(1)) * UNIT,
            tat: 0,
            last: 0,
        }
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        let now = scaled(now_ms, self.rate).max(self.last);
        self.last = now;
        if now + self.tolerance >= self.tat {
            self.tat = self.tat.max(now) + UNIT;
            Decision::ADMIT
        } else {
            Decision::Rejected
        }
    }

    pub(crate) fn state(&self, _now_ms: u64) -> LimiterState {
        let rate = u64::from(self.rate);
        LimiterState::Gcra {
            tat_ms: self.tat / rate,
            tolerance_ms: self.tolerance / rate,
        }
    }
}

/// Leaky bucket as a queue: requests wait in a FIFO of at most Q and leave one every 1/R;
/// a request that can leave at once does not wait. A request is admitted when, counting
/// itself, at most Q requests would be waiting — that is, when its delay is at most Q·T.
/// Its delay is reported in whole milliseconds, rounded down (as nginx does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeakyQueue {
    rate: u32,
    max_delay: u64,
    /// Admitted requests whose delay is at most this leave without waiting (nginx `delay`;
    /// 0 for the plain queue, everything for `nodelay`), scaled.
    pass: u64,
    /// The earliest time the next request can leave (last departure + T), scaled.
    free: u64,
    last: u64,
}

impl LeakyQueue {
    pub(crate) fn new(rate: u32, queue: u32) -> Self {
        Self::with_pass(rate, queue, 0)
    }

    /// A queue whose first `pass` thousandths of delay are waived (nginx `delay=`).
    pub(crate) fn with_pass(rate: u32, queue: u32, pass: u64) -> Self {
        Self {
            rate,
            max_delay: u64::from(queue) * UNIT,
            pass,
            free: 0,
            last: 0,
        }
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        let now = scaled(now_ms, self.rate).max(self.last);
        self.last = now;
        let leaves = self.free.max(now);
        let delay = leaves - now;
        if delay > self.max_delay {
            return Decision::Rejected;
        }
        self.free = leaves + UNIT;
        Decision::Admitted {
            delay_ms: delay.saturating_sub(self.pass) / u64::from(self.rate),
        }
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        let now = scaled(now_ms, self.rate).max(self.last);
        // Admitted requests leave UNIT apart up to the last one at free − UNIT; those leaving
        // after `now` are waiting.
        let backlog = self.free.saturating_sub(now);
        let waiting = backlog.saturating_sub(1) / UNIT;
        let rate = u64::from(self.rate);
        LimiterState::Queue {
            queue_len: u32::try_from(waiting).unwrap_or(u32::MAX),
            drained_at_ms: self.free.saturating_sub(UNIT).max(now).div_ceil(rate),
        }
    }
}
