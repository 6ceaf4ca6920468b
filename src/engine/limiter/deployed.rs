//! Limiters as deployed libraries implement them, where they differ from the six of §3.4.
//! nginx `limit_req` is the leaky queue (with its `delay`/`nodelay` twist) and Envoy's
//! current bucket is the token bucket; these are the rest, each as its source decides:
//! Envoy's legacy timer refill, Guava's SmoothBursty, Resilience4j's cycles with
//! reservations, and the Redis `INCR` + `EXPIRE` recipes.

use super::algorithms::{UNIT, scaled};
use super::{Decision, LimiterState};

/// Envoy local rate limit through 1.30: a timer adds `tokens_per_fill` every `fill_interval`
/// (phase from construction, t = 0), capped at `max_tokens`; the bucket starts full.
/// Source: envoyproxy/envoy `source/extensions/filters/common/local_ratelimit/
/// local_ratelimit_impl.cc` (timer path: `std::min(max_tokens_, expected_tokens +
/// tokens_per_fill)` per tick); since 1.31.0 the default bucket refills continuously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvoyTimer {
    max_tokens: u32,
    tokens_per_fill: u32,
    fill_interval_ms: u64,
    tokens: u64,
    fills: u64,
}

impl EnvoyTimer {
    pub(crate) fn new(max_tokens: u32, tokens_per_fill: u32, fill_interval_ms: u64) -> Self {
        Self {
            max_tokens,
            tokens_per_fill,
            fill_interval_ms,
            tokens: u64::from(max_tokens),
            fills: 0,
        }
    }

    /// (tokens, ticks so far) at `now_ms`.
    fn at(&self, now_ms: u64) -> (u64, u64) {
        let fills = (now_ms / self.fill_interval_ms).max(self.fills);
        let added = (fills - self.fills).saturating_mul(u64::from(self.tokens_per_fill));
        let tokens = self
            .tokens
            .saturating_add(added)
            .min(u64::from(self.max_tokens));
        (tokens, fills)
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        (self.tokens, self.fills) = self.at(now_ms);
        if self.tokens >= 1 {
            self.tokens -= 1;
            Decision::ADMIT
        } else {
            Decision::Rejected
        }
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        LimiterState::Tokens {
            tokens_milli: self.at(now_ms).0 * UNIT,
            capacity_milli: u64::from(self.max_tokens) * UNIT,
        }
    }
}

/// Guava `RateLimiter.create(rate)` (SmoothBursty, maxBurstSeconds 1.0) asked with
/// `tryAcquire()`: admitted when `nextFreeTicket <= now`; the admitted request first spends
/// stored permits (at most `rate`, accrued while idle, starting at 0) and pushes
/// `nextFreeTicket` forward by the rest, so the *next* request pays. This equals a token
/// bucket of `rate + 1` tokens that starts with 1.
/// Source: google/guava `SmoothRateLimiter.java` (`resync`, `reserveEarliestAvailable`,
/// `storedPermitsToWaitTime` returning 0 for SmoothBursty) and `RateLimiter.java`
/// (`canAcquire`: `queryEarliestAvailable(now) - timeout <= now`). Guava computes in double
/// microseconds; this is the same arithmetic done exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuavaBursty {
    rate: u32,
    max_stored: u64,
    stored: u64,
    next_free: u64,
    last: u64,
}

impl GuavaBursty {
    pub(crate) fn new(rate: u32) -> Self {
        Self {
            rate,
            max_stored: u64::from(rate) * UNIT,
            stored: 0,
            next_free: 0,
            last: 0,
        }
    }

    /// (stored permits, next free ticket) after `resync(now)`.
    fn resync(&self, now: u64) -> (u64, u64) {
        if now > self.next_free {
            let stored = (self.stored + (now - self.next_free)).min(self.max_stored);
            (stored, now)
        } else {
            (self.stored, self.next_free)
        }
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        let now = scaled(now_ms, self.rate).max(self.last);
        self.last = now;
        if self.next_free > now {
            return Decision::Rejected;
        }
        (self.stored, self.next_free) = self.resync(now);
        let spend = self.stored.min(UNIT);
        self.stored -= spend;
        self.next_free += UNIT - spend;
        Decision::ADMIT
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        let (stored, next_free) = self.resync(scaled(now_ms, self.rate).max(self.last));
        LimiterState::Guava {
            stored_milli: stored,
            next_free_ms: next_free.div_ceil(u64::from(self.rate)),
        }
    }
}

/// Resilience4j `AtomicRateLimiter`: cycles of `limit_refresh_period` counted from the
/// limiter's construction (t = 0); each cycle resets the permits to `limit_for_period` (no
/// carry-over), and a caller that would wait for a later cycle at most `timeout_duration`
/// reserves a permit there (the count goes negative) and is admitted after that wait.
/// Otherwise it is rejected — and in Resilience4j the rejected caller still blocks for the
/// whole timeout. With a zero timeout this is the fixed window.
/// Source: resilience4j/resilience4j `resilience4j-ratelimiter/.../internal/
/// AtomicRateLimiter.java` (`calculateNextState`, `nanosToWaitForPermission`, `divCeil`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resilience4j {
    limit: i64,
    period_ns: u64,
    timeout_ns: u64,
    cycle: u64,
    permissions: i64,
    last_ns: u64,
}

impl Resilience4j {
    pub(crate) fn new(limit_for_period: u32, period_ns: u64, timeout_ms: u64) -> Self {
        Self {
            limit: i64::from(limit_for_period),
            period_ns,
            timeout_ns: timeout_ms.saturating_mul(1_000_000),
            cycle: 0,
            permissions: i64::from(limit_for_period),
            last_ns: 0,
        }
    }

    /// (now in ns, current cycle, permissions) at `now_ms`.
    fn at(&self, now_ms: u64) -> (u64, u64, i64) {
        let now = now_ms.saturating_mul(1_000_000).max(self.last_ns);
        let cycle = now / self.period_ns;
        if cycle <= self.cycle {
            return (now, self.cycle, self.permissions);
        }
        let accumulated = i128::from(cycle - self.cycle) * i128::from(self.limit);
        let permissions = (i128::from(self.permissions) + accumulated).min(i128::from(self.limit));
        // `min` with `limit` brings it into i64.
        (now, cycle, i64::try_from(permissions).unwrap_or(self.limit))
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        let now;
        (now, self.cycle, self.permissions) = self.at(now_ms);
        self.last_ns = now;
        let wait_ns = if self.permissions >= 1 {
            0
        } else {
            let to_next_cycle = (self.cycle + 1) * self.period_ns - now;
            let at_next_cycle = self.permissions + self.limit;
            // Java's divCeil(x, y) = (x + y - 1) / y; x >= 1 - limit here, so it is >= 0.
            let full_cycles = (1 - at_next_cycle + self.limit - 1) / self.limit;
            u64::try_from(full_cycles).unwrap_or(0) * self.period_ns + to_next_cycle
        };
        if wait_ns > self.timeout_ns {
            return Decision::Rejected;
        }
        self.permissions -= 1;
        Decision::Admitted {
            delay_ms: wait_ns / 1_000_000,
        }
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        let (_, cycle, permissions) = self.at(now_ms);
        LimiterState::Cycle {
            cycle_start_ms: cycle.saturating_mul(self.period_ns) / 1_000_000,
            permissions,
        }
    }
}

/// Which order a Redis recipe checks and counts in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RedisRecipe {
    /// `current = INCR(key); if current == 1 then EXPIRE(key, W)`; reject when
    /// `current > limit`. Every request is counted; the window starts at the first.
    /// The seed 002 decorator and the Lua fix on redis.io.
    IncrThenCheck,
    /// redis.io "Rate limiter 2": `GET` first, reject when `current > limit`, else `INCR`
    /// (and `EXPIRE` on 1). Only admitted requests count, and `limit + 1` get through.
    GetThenIncr,
}

/// A per-client counter that lives `window` from its first request (Redis `INCR` +
/// `EXPIRE`). A key with expiry `when` is still there at `now == when` and gone after it
/// (redis/redis `src/db.c`: `if (now <= when) return 0;` in `expireIfNeeded`, read in
/// annotated copies of several versions). Source of the recipes: redis/redis-doc
/// `commands/incr.md` ("Pattern: Rate limiter 2").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisIncr {
    limit: u64,
    window_ms: u64,
    recipe: RedisRecipe,
    /// The key: its count and the time it expires, if it exists.
    key: Option<(u64, u64)>,
    last_ms: u64,
}

impl RedisIncr {
    pub(crate) fn new(limit: u32, window_ms: u64, recipe: RedisRecipe) -> Self {
        Self {
            limit: u64::from(limit),
            window_ms,
            recipe,
            key: None,
            last_ms: 0,
        }
    }

    fn key_at(&self, now_ms: u64) -> Option<(u64, u64)> {
        self.key.filter(|&(_, when)| now_ms <= when)
    }

    /// `INCR`, with `EXPIRE` when the key was just created.
    fn incr(&mut self, now_ms: u64, key: Option<(u64, u64)>) -> u64 {
        let (count, when) = key.unwrap_or((0, now_ms.saturating_add(self.window_ms)));
        self.key = Some((count + 1, when));
        count + 1
    }

    #[inline]
    pub(crate) fn decide(&mut self, now_ms: u64) -> Decision {
        let now = now_ms.max(self.last_ms);
        self.last_ms = now;
        let key = self.key_at(now);
        match self.recipe {
            RedisRecipe::IncrThenCheck => {
                if self.incr(now, key) > self.limit {
                    return Decision::Rejected;
                }
            }
            RedisRecipe::GetThenIncr => {
                if key.is_some_and(|(count, _)| count > self.limit) {
                    return Decision::Rejected;
                }
                self.incr(now, key);
            }
        }
        Decision::ADMIT
    }

    pub(crate) fn state(&self, now_ms: u64) -> LimiterState {
        let key = self.key_at(now_ms.max(self.last_ms));
        LimiterState::Counter {
            count: key.map_or(0, |(count, _)| count),
            expires_at_ms: key.map(|(_, when)| when),
        }
    }
}

#[cfg(test)]
mod tests;
