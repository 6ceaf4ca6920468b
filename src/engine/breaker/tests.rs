//! Tests that pin the breaker's semantics (DESIGN §3), one rule per test where possible.

use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::engine::preset::{BreakerOverrides, Preset};
use crate::engine::window::WindowConfig;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn breaker(config: BreakerConfig) -> CircuitBreaker {
    CircuitBreaker::new(config).expect("test configs are valid")
}

fn exam_config() -> BreakerConfig {
    BreakerConfig {
        failure_threshold: Some(5),
        recovery_timeout: secs(30),
        success_threshold: 3,
        ..BreakerConfig::default()
    }
}

/// Runs `n` instant calls with `result` at `now`; returns how many were rejected.
fn calls(b: &mut CircuitBreaker, n: u32, result: CallResult, now: Duration) -> u32 {
    calls_taking(b, n, result, Duration::ZERO, now)
}

fn calls_taking(
    b: &mut CircuitBreaker,
    n: u32,
    result: CallResult,
    duration: Duration,
    now: Duration,
) -> u32 {
    let mut rejected = 0;
    for _ in 0..n {
        match b.try_acquire(now) {
            Ok(permit) => {
                b.record(permit, Outcome { result, duration }, now);
            }
            Err(_) => rejected += 1,
        }
    }
    rejected
}

use CallResult::{Failure as F, Success as S};

#[test]
fn seed_exam_gives_closed_closed_open_open_half_open_open() {
    let mut b = breaker(exam_config());
    let mut states = Vec::new();
    calls(&mut b, 4, F, secs(0));
    states.push(b.state());
    calls(&mut b, 1, S, secs(0));
    states.push(b.state());
    calls(&mut b, 5, F, secs(0));
    states.push(b.state());
    states.push(b.observe(secs(31)));
    calls(&mut b, 2, S, secs(31));
    states.push(b.state());
    calls(&mut b, 1, F, secs(31));
    states.push(b.state());
    use State::*;
    assert_eq!(states, [Closed, Closed, Open, Open, HalfOpen, Open]);

    let reasons: Vec<_> = b.transitions().map(|t| (t.at, t.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [
            (
                secs(0),
                "5 consecutive failures reached failure_threshold 5"
            ),
            (
                secs(31),
                "recovery_timeout 30s elapsed (31s since opening): trial call admitted"
            ),
            (secs(31), "failure while HALF_OPEN"),
        ]
    );
    assert_eq!(
        b.stats(),
        Stats {
            calls: 13,
            succeeded: 3,
            failed: 10,
            rejected: 0,
            slow: 0
        }
    );
}

#[test]
fn closed_counts_consecutive_failures_and_a_success_resets_them() {
    let mut b = breaker(BreakerConfig::default());
    calls(&mut b, 4, F, secs(0));
    assert_eq!(b.failure_count(), 4);
    calls(&mut b, 1, S, secs(0));
    assert_eq!(b.failure_count(), 0);
    calls(&mut b, 4, F, secs(0));
    assert_eq!(b.state(), State::Closed);
    calls(&mut b, 1, F, secs(0));
    assert_eq!(b.state(), State::Open, "opens on the very call reaching 5");
    assert_eq!(b.failure_count(), 0, "counts clear on every state change");
}

#[test]
fn open_rejects_without_running_and_success_threshold_closes() {
    let mut b = breaker(exam_config());
    calls(&mut b, 5, F, secs(0));
    assert_eq!(b.try_acquire(secs(10)).unwrap_err(), Rejected::Open);
    assert_eq!(b.try_acquire(secs(30)).unwrap_err(), Rejected::Open);
    assert_eq!(calls(&mut b, 3, S, secs(31)), 0);
    assert_eq!(b.state(), State::Closed);
    let last = b.transitions().last().unwrap();
    assert_eq!(
        last.reason,
        "3 consecutive successes reached success_threshold 3"
    );
    assert_eq!(b.stats().rejected, 2);
}

#[test]
fn a_failure_in_half_open_restarts_the_timeout() {
    let mut b = breaker(exam_config());
    calls(&mut b, 5, F, secs(0));
    calls(&mut b, 1, F, secs(40)); // the trial fails at 40s: reopened at 40s
    assert_eq!(b.state(), State::Open);
    assert_eq!(
        b.open_since(),
        Some((secs(40), Some(secs(70) + Duration::from_nanos(1))))
    );
    assert_eq!(b.try_acquire(secs(70)).unwrap_err(), Rejected::Open);
    assert!(b.try_acquire(secs(70) + ms(1)).is_ok());
}

#[test]
fn seed_trial_is_strictly_after_the_timeout_pybreaker_at_it() {
    let mut seed = breaker(Preset::Seed.config());
    calls(&mut seed, 5, F, secs(0));
    assert_eq!(seed.try_acquire(secs(60)).unwrap_err(), Rejected::Open);
    assert!(seed.try_acquire(secs(60) + ms(1)).is_ok());

    let mut py = breaker(Preset::Pybreaker.config());
    calls(&mut py, 5, F, secs(0));
    assert_eq!(
        py.try_acquire(secs(60) - ms(1)).unwrap_err(),
        Rejected::Open
    );
    let permit = py
        .try_acquire(secs(60))
        .expect("the call at the timeout is the trial");
    assert_eq!(py.state(), State::HalfOpen);
    py.record(permit, Outcome::success(Duration::ZERO), secs(60));
    assert_eq!(py.state(), State::Closed, "success_threshold 1");
}

#[test]
fn gobreaker_trips_on_the_sixth_failure_and_admits_one_half_open_call() {
    let mut go = breaker(Preset::Gobreaker.config());
    calls(&mut go, 5, F, secs(0));
    assert_eq!(go.state(), State::Closed, "5 failures do not exceed 5");
    calls(&mut go, 1, F, secs(0));
    assert_eq!(go.state(), State::Open);
    assert_eq!(
        go.transitions().last().unwrap().reason,
        "6 consecutive failures exceeded failure_threshold 5"
    );
    assert_eq!(go.try_acquire(secs(60)).unwrap_err(), Rejected::Open);
    let trial = go.try_acquire(secs(61)).unwrap();
    assert_eq!(go.state(), State::HalfOpen);
    assert_eq!(
        go.try_acquire(secs(61)).unwrap_err(),
        Rejected::HalfOpenFull
    );
    go.record(trial, Outcome::success(Duration::ZERO), secs(61));
    assert_eq!(go.state(), State::Closed);
}

#[test]
fn gobreaker_half_open_failure_reopens() {
    let mut go = breaker(Preset::Gobreaker.config());
    calls(&mut go, 6, F, secs(0));
    calls(&mut go, 1, F, secs(61));
    assert_eq!(go.state(), State::Open);
    assert_eq!(go.open_since().unwrap().0, secs(61));
}

#[test]
fn half_open_max_calls_caps_admissions_per_half_open_period() {
    let config = BreakerConfig {
        half_open_max_calls: Some(2),
        success_threshold: 2,
        ..exam_config()
    };
    let mut b = breaker(config);
    calls(&mut b, 5, F, secs(0));
    let first = b.try_acquire(secs(31)).unwrap();
    let second = b.try_acquire(secs(31)).unwrap();
    assert_eq!(b.half_open_admitted(), 2);
    assert_eq!(b.try_acquire(secs(31)).unwrap_err(), Rejected::HalfOpenFull);
    b.record(first, Outcome::success(Duration::ZERO), secs(31));
    assert_eq!(b.try_acquire(secs(31)).unwrap_err(), Rejected::HalfOpenFull);
    b.record(second, Outcome::success(Duration::ZERO), secs(32));
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.stats().rejected, 2);
}

#[test]
fn lazy_transition_happens_at_the_call_automatic_at_the_timeout() {
    let mut lazy = breaker(exam_config());
    calls(&mut lazy, 5, F, secs(0));
    assert_eq!(lazy.observe(secs(45)), State::Open, "lazy waits for a call");
    assert_eq!(lazy.open_since().unwrap().0, secs(0));
    assert!(lazy.try_acquire(secs(45)).is_ok());
    assert_eq!(lazy.transitions().last().unwrap().at, secs(45));

    let mut auto = breaker(BreakerConfig {
        half_open_transition: HalfOpenTransition::Automatic,
        ..exam_config()
    });
    calls(&mut auto, 5, F, secs(0));
    assert_eq!(
        auto.observe(secs(30)),
        State::Open,
        "not at exactly 30s: strictly after"
    );
    assert_eq!(auto.observe(secs(45)), State::HalfOpen);
    let transition = auto.transitions().last().unwrap();
    // Strictly after 30s: the first instant is 30s plus one nanosecond.
    assert_eq!(transition.at, secs(30) + Duration::from_nanos(1));
    assert_eq!(
        transition.reason,
        "recovery_timeout 30s elapsed: HALF_OPEN by itself (automatic transition)"
    );
    assert_eq!(serde_json::to_value(transition).unwrap()["at_ms"], 30_000);

    let mut auto_at_least = breaker(BreakerConfig {
        half_open_transition: HalfOpenTransition::Automatic,
        ..Preset::Pybreaker.config()
    });
    calls(&mut auto_at_least, 5, F, secs(0));
    assert_eq!(auto_at_least.observe(secs(60)), State::HalfOpen);
    assert_eq!(auto_at_least.transitions().last().unwrap().at, secs(60));
}

#[test]
fn automatic_transition_also_applies_when_a_call_arrives() {
    let mut auto = breaker(BreakerConfig {
        half_open_transition: HalfOpenTransition::Automatic,
        ..exam_config()
    });
    calls(&mut auto, 5, F, secs(0));
    assert!(auto.try_acquire(secs(100)).is_ok());
    let half_open = auto.transitions().last().unwrap();
    assert_eq!(half_open.to, State::HalfOpen);
    assert_eq!(half_open.at, secs(30) + Duration::from_nanos(1));
}

#[test]
fn a_permit_from_an_older_generation_is_ignored() {
    let mut b = breaker(exam_config());
    let old = b.try_acquire(secs(0)).unwrap();
    calls(&mut b, 5, F, secs(0));
    assert_eq!(b.state(), State::Open);
    // The slow call granted while CLOSED fails after the breaker opened: no effect.
    assert_eq!(
        b.record(old, Outcome::failure(secs(1)), secs(1)),
        Recorded::Stale
    );
    assert_eq!(b.transition_count(), 1);
    assert_eq!(b.stats().failed, 6, "statistics still see the call");

    // A success granted early in HALF_OPEN, recorded after a failure reopened it, does not
    // count towards closing the new period.
    let trial = b.try_acquire(secs(31)).unwrap();
    let late = b.try_acquire(secs(31)).unwrap();
    b.record(trial, Outcome::failure(Duration::ZERO), secs(31));
    assert_eq!(b.state(), State::Open);
    assert_eq!(
        b.record(late, Outcome::success(Duration::ZERO), secs(32)),
        Recorded::Stale
    );
    assert_eq!((b.state(), b.success_count()), (State::Open, 0));
}

fn r4j() -> CircuitBreaker {
    breaker(Preset::Resilience4j.config())
}

#[test]
fn resilience4j_does_not_judge_before_100_calls() {
    let mut b = r4j();
    calls(&mut b, 99, F, secs(0));
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.window_totals(secs(0)).unwrap().calls, 99);
    calls(&mut b, 1, S, secs(0));
    assert_eq!(b.state(), State::Open, "99% over 100 calls");
}

#[test]
fn resilience4j_trips_at_exactly_fifty_percent() {
    let mut below = r4j();
    calls(&mut below, 51, S, secs(0));
    calls(&mut below, 49, F, secs(0));
    assert_eq!(below.state(), State::Closed);

    let mut at = r4j();
    calls(&mut at, 50, S, secs(0));
    calls(&mut at, 50, F, secs(0));
    assert_eq!(at.state(), State::Open);
    assert_eq!(
        at.transitions().last().unwrap().reason,
        "failure rate 50% over 100 calls reached failure_rate 50%"
    );

    // The window slides: the 101st call pushes out the first success.
    calls(&mut below, 1, F, secs(0));
    assert_eq!(below.state(), State::Open);
}

fn open_r4j() -> CircuitBreaker {
    let mut b = r4j();
    calls(&mut b, 100, F, secs(0));
    assert_eq!(b.state(), State::Open);
    b
}

#[test]
fn resilience4j_judges_ten_half_open_calls_as_a_rate() {
    let mut reopens = open_r4j();
    assert_eq!(reopens.try_acquire(secs(60)).unwrap_err(), Rejected::Open);
    calls(&mut reopens, 5, S, secs(61));
    calls(&mut reopens, 4, F, secs(61));
    assert_eq!(
        reopens.state(),
        State::HalfOpen,
        "9 of 10 completed: no verdict yet"
    );
    assert_eq!(calls(&mut reopens, 1, F, secs(61)), 0);
    assert_eq!(reopens.state(), State::Open);
    assert_eq!(
        reopens.transitions().last().unwrap().reason,
        "failure rate 50% over 10 half-open calls reached failure_rate 50%"
    );

    let mut closes = open_r4j();
    calls(&mut closes, 4, F, secs(61));
    calls(&mut closes, 6, S, secs(61));
    assert_eq!(closes.state(), State::Closed);
    assert_eq!(
        closes.transitions().last().unwrap().reason,
        "failure rate 40% over 10 half-open calls below failure_rate 50%, \
         slow-call rate 0% below slow_rate 100%"
    );
}

#[test]
fn resilience4j_admits_only_the_permitted_half_open_calls() {
    let mut b = open_r4j();
    let permits: Vec<_> = (0..10).map(|_| b.try_acquire(secs(61)).unwrap()).collect();
    assert_eq!(b.try_acquire(secs(61)).unwrap_err(), Rejected::HalfOpenFull);
    for permit in permits {
        b.record(permit, Outcome::success(Duration::ZERO), secs(62));
    }
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn resilience4j_slow_calls_trip_and_sixty_seconds_is_not_slow() {
    let mut exactly = r4j();
    calls_taking(&mut exactly, 100, S, secs(60), secs(0));
    assert_eq!(exactly.state(), State::Closed);
    assert_eq!(exactly.stats().slow, 0);

    let mut slow = r4j();
    calls_taking(&mut slow, 100, S, secs(60) + ms(1), secs(0));
    assert_eq!(slow.state(), State::Open);
    assert_eq!(
        slow.transitions().last().unwrap().reason,
        "slow-call rate 100% over 100 calls reached slow_rate 100% (calls slower than 1m)"
    );
    assert_eq!(slow.stats().slow, 100);
}

fn polly() -> CircuitBreaker {
    breaker(Preset::Polly.config())
}

#[test]
fn polly_trips_at_ten_percent_of_100_calls_in_30_seconds() {
    let mut b = polly();
    calls(&mut b, 90, S, secs(0));
    calls(&mut b, 9, F, secs(10));
    assert_eq!(b.state(), State::Closed, "99 calls: below the minimum");
    calls(&mut b, 1, F, secs(20));
    assert_eq!(b.state(), State::Open);
    assert_eq!(
        b.transitions().last().unwrap().reason,
        "failure rate 10% over 100 calls reached failure_rate 10%"
    );
}

#[test]
fn polly_judges_only_after_a_failure_resilience4j_after_every_call() {
    let mut b = polly();
    calls(&mut b, 89, S, secs(0));
    calls(&mut b, 10, F, secs(0));
    calls(&mut b, 1, S, secs(0));
    assert_eq!(
        b.state(),
        State::Closed,
        "10 % of 100, but the 100th call succeeded"
    );
    calls(&mut b, 1, F, secs(0));
    assert_eq!(b.state(), State::Open);
    assert_eq!(
        b.transitions().last().unwrap().reason,
        "failure rate 10.89% over 101 calls reached failure_rate 10%"
    );

    let mut every_call = Preset::Polly.config();
    every_call.rate.as_mut().unwrap().judge_on = JudgeOn::EveryCall;
    let mut b = breaker(every_call);
    calls(&mut b, 89, S, secs(0));
    calls(&mut b, 10, F, secs(0));
    calls(&mut b, 1, S, secs(0));
    assert_eq!(b.state(), State::Open, "judged after the success too");
}

#[test]
fn polly_window_forgets_calls_older_than_30_seconds() {
    let mut b = polly();
    calls(&mut b, 10, F, secs(0));
    calls(&mut b, 90, S, secs(30));
    // At 30s the failures of 0s have left the window: 90 calls, none failed.
    assert_eq!(b.state(), State::Closed);
    let totals = b.window_totals(secs(30)).unwrap();
    assert_eq!((totals.calls, totals.failures), (90, 0));
    calls(&mut b, 10, F, secs(59));
    assert_eq!(b.state(), State::Open);
}

#[test]
fn polly_sends_a_single_probe_at_the_break_duration() {
    let mut b = polly();
    calls(&mut b, 100, F, secs(0));
    assert_eq!(b.try_acquire(secs(5) - ms(1)).unwrap_err(), Rejected::Open);
    let probe = b.try_acquire(secs(5)).expect("at the break duration");
    assert_eq!(b.try_acquire(secs(5)).unwrap_err(), Rejected::HalfOpenFull);
    b.record(probe, Outcome::success(Duration::ZERO), secs(5));
    assert_eq!(b.state(), State::Closed);

    calls(&mut b, 100, F, secs(6));
    let probe = b.try_acquire(secs(11)).unwrap();
    b.record(probe, Outcome::failure(Duration::ZERO), secs(11));
    assert_eq!(b.state(), State::Open);
}

#[test]
fn consecutive_and_rate_tripping_combine() {
    let config = BreakerOverrides {
        window: Some(WindowConfig::Count { calls: 10 }),
        min_calls: Some(10),
        failure_rate: Some(50.0),
        ..BreakerOverrides::default()
    }
    .apply(Preset::Seed.config())
    .unwrap();
    // Alternating failures never reach 5 in a row, but are 50% of 10 calls.
    let mut b = breaker(config.clone());
    for _ in 0..5 {
        calls(&mut b, 1, F, secs(0));
        calls(&mut b, 1, S, secs(0));
    }
    assert_eq!(b.state(), State::Open);
    // Five in a row trip before the window holds 10 calls.
    let mut b = breaker(config);
    calls(&mut b, 5, F, secs(0));
    assert_eq!(b.state(), State::Open);
    assert!(
        b.transitions()
            .last()
            .unwrap()
            .reason
            .contains("consecutive")
    );
}

#[test]
fn the_window_is_cleared_on_every_state_change() {
    let mut b = r4j();
    calls(&mut b, 100, F, secs(0));
    assert_eq!(b.window_totals(secs(0)).unwrap().calls, 0);
    calls(&mut b, 10, S, secs(61));
    assert_eq!(b.state(), State::Closed);
    calls(&mut b, 99, F, secs(62));
    assert_eq!(b.state(), State::Closed, "the pre-opening calls are gone");
}

#[test]
fn the_transition_log_is_bounded_but_counts_everything() {
    let mut b = breaker(BreakerConfig {
        failure_threshold: Some(1),
        recovery_timeout: Duration::ZERO,
        ..BreakerConfig::default()
    });
    for i in 0..75 {
        calls(&mut b, 1, F, ms(i * 10)); // opens, then trial + reopen on the next
    }
    assert_eq!(b.transition_count(), 149);
    assert_eq!(b.transitions().count(), TRANSITION_LOG_CAPACITY);
    let before = b.transition_count();
    calls(&mut b, 1, F, secs(5));
    let new: Vec<_> = b.transitions_since(before).collect();
    assert_eq!(new.len(), 2);
    assert_eq!((new[0].to, new[1].to), (State::HalfOpen, State::Open));
    assert_eq!(b.transitions_since(0).count(), TRANSITION_LOG_CAPACITY);
}

#[test]
fn invalid_configs_name_their_field() {
    let cases = [
        (
            BreakerConfig {
                failure_threshold: Some(0),
                ..BreakerConfig::default()
            },
            "failure_threshold",
            "failure_threshold must be at least 1, got '0'",
        ),
        (
            BreakerConfig {
                success_threshold: 0,
                ..BreakerConfig::default()
            },
            "success_threshold",
            "success_threshold must be at least 1, got '0'",
        ),
        (
            BreakerConfig {
                half_open_max_calls: Some(1),
                ..BreakerConfig::default()
            },
            "half_open_max_calls",
            "half_open_max_calls 1 is below success_threshold 2: the breaker could never close",
        ),
        (
            BreakerConfig {
                failure_threshold: None,
                ..BreakerConfig::default()
            },
            "failure_threshold",
            "nothing would ever open the breaker: set failure_threshold or a window",
        ),
        (
            BreakerConfig {
                recovery_timeout: secs(3600 * 1001),
                ..BreakerConfig::default()
            },
            "recovery_timeout",
            "recovery_timeout '1001h' is longer than the longest accepted duration (1000h)",
        ),
    ];
    for (config, field, message) in cases {
        let error = CircuitBreaker::new(config).unwrap_err();
        assert_eq!(
            (error.field(), error.to_string().as_str()),
            (field, message)
        );
    }

    let mut rate = Preset::Resilience4j.config();
    let with_rate = |f: &dyn Fn(&mut RateConfig)| {
        let mut config = Preset::Resilience4j.config();
        f(config.rate.as_mut().unwrap());
        CircuitBreaker::new(config).unwrap_err()
    };
    assert_eq!(with_rate(&|r| r.failure_rate = 0.0).field(), "failure_rate");
    assert_eq!(
        with_rate(&|r| r.failure_rate = 100.5).field(),
        "failure_rate"
    );
    assert_eq!(
        with_rate(&|r| r.failure_rate = f64::NAN).field(),
        "failure_rate"
    );
    assert_eq!(with_rate(&|r| r.min_calls = 0).field(), "min_calls");
    assert_eq!(
        with_rate(&|r| r.window = WindowConfig::Count { calls: 0 }).field(),
        "window"
    );
    assert_eq!(
        with_rate(&|r| r.slow.as_mut().unwrap().slow_rate = -1.0).to_string(),
        "slow_rate must be a percentage above 0 and at most 100, got '-1'"
    );
    rate.half_open_max_calls = None;
    assert_eq!(
        CircuitBreaker::new(rate.clone()).unwrap_err(),
        ConfigError::RateJudgementWithoutCap
    );
    rate.rate = None;
    rate.failure_threshold = Some(5);
    assert_eq!(
        CircuitBreaker::new(rate).unwrap_err(),
        ConfigError::RateJudgementWithoutWindow
    );
}

#[test]
fn serializes_states_transitions_and_stats_as_the_json_contract_says() {
    assert_eq!(
        serde_json::to_string(&State::HalfOpen).unwrap(),
        r#""HALF_OPEN""#
    );
    assert_eq!(State::HalfOpen.to_string(), "HALF_OPEN");
    let transition = Transition {
        from: State::Closed,
        to: State::Open,
        at: ms(1500),
        reason: "why".to_owned(),
    };
    assert_eq!(
        serde_json::to_string(&transition).unwrap(),
        r#"{"from":"CLOSED","to":"OPEN","at_ms":1500,"reason":"why"}"#
    );
    assert_eq!(
        serde_json::to_string(&Stats::default()).unwrap(),
        r#"{"calls":0,"succeeded":0,"failed":0,"rejected":0,"slow":0}"#
    );
}

#[test]
fn configs_are_plain_data_that_round_trip() {
    for preset in Preset::ALL {
        let config = preset.config();
        let json = serde_json::to_string(&config).unwrap();
        let back: BreakerConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config, "{json}");
    }
    let json = serde_json::to_value(Preset::Polly.config()).unwrap();
    assert_eq!(json["recovery_timeout"], "5s");
    assert_eq!(json["rate"]["window"], "time:30s");

    // Missing fields are the seed's.
    let exam: BreakerConfig = serde_json::from_str(
        r#"{"failure_threshold": 5, "recovery_timeout": "30s", "success_threshold": 3}"#,
    )
    .unwrap();
    assert_eq!(exam, exam_config());
    let typo = serde_json::from_str::<BreakerConfig>(r#"{"failure_treshold": 5}"#);
    assert!(typo.unwrap_err().to_string().contains("failure_treshold"));
    let bad = serde_json::from_str::<BreakerConfig>(r#"{"recovery_timeout": "30"}"#);
    assert!(bad.unwrap_err().to_string().contains("'30' has no unit"));
}

#[test]
fn configs_have_a_json_schema_for_exercise_files() {
    let schema = serde_json::to_value(schemars::schema_for!(BreakerConfig)).unwrap();
    let properties = &schema["properties"];
    assert_eq!(properties["recovery_timeout"]["type"], "string");
    assert!(properties["failure_comparison"].is_object());
    assert!(
        schema.to_string().contains("count:N"),
        "the window is described"
    );
}

#[test]
fn displays_the_config_on_one_line() {
    assert_eq!(
        exam_config().to_string(),
        "failure_threshold 5 (trip at >= 5) · recovery_timeout 30s (trial at > 30s, lazy) \
         · success_threshold 3"
    );
    assert_eq!(
        Preset::Resilience4j.config().to_string(),
        "failure_threshold off · recovery_timeout 1m (trial at > 1m, lazy) \
         · half_open_max_calls 10 · half-open calls judged as a rate · window count:100 \
         · min_calls 100 · failure_rate 50% · slow_call 1m · slow_rate 100%"
    );
    assert_eq!(format_percent(12.5), "12.5%");
    assert_eq!(format_percent(100.0 / 3.0), "33.33%");
}

/// One thing a driver can do to a breaker in the property tests.
#[derive(Debug, Clone)]
enum Op {
    /// A call that completes at once (or after `duration`, advancing the clock).
    Call(bool, u64),
    /// Acquire now, record later (exercises stale permits).
    Hold,
    Release(bool),
    Advance(u64),
    Observe,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<bool>(), prop_oneof![Just(0u64), 0u64..120_000]).prop_map(|(ok, d)| Op::Call(ok, d)),
        1 => Just(Op::Hold),
        1 => any::<bool>().prop_map(Op::Release),
        2 => (0u64..100_000).prop_map(Op::Advance),
        1 => Just(Op::Observe),
    ]
}

fn config() -> impl Strategy<Value = BreakerConfig> {
    let preset = prop::sample::select(Preset::ALL.to_vec());
    (
        preset,
        prop::option::of(1u32..8),
        prop::option::of(0u64..90_000),
        prop::option::of(1u32..4),
        prop::option::of(prop_oneof![
            (1u32..20).prop_map(|calls| WindowConfig::Count { calls }),
            (1u64..60_000).prop_map(|n| WindowConfig::Time { span: ms(n) }),
        ]),
        prop::option::of(1u32..20),
        any::<bool>(),
    )
        .prop_map(
            |(preset, threshold, timeout, successes, window, min, auto)| {
                let overrides = BreakerOverrides {
                    failure_threshold: threshold,
                    recovery_timeout: timeout.map(ms),
                    success_threshold: successes,
                    half_open_transition: auto.then_some(HalfOpenTransition::Automatic),
                    window,
                    min_calls: min.filter(|_| window.is_some()),
                    ..BreakerOverrides::default()
                };
                let mut config = overrides.apply(preset.config()).expect("window given");
                if let Some(cap) = config.half_open_max_calls {
                    config.half_open_max_calls = Some(cap.max(config.success_threshold));
                }
                config
            },
        )
}

/// What a run of `ops` produced, for comparing two runs.
fn drive(config: &BreakerConfig, ops: &[Op]) -> (Vec<Transition>, Stats, u64) {
    let mut b = breaker(config.clone());
    let mut now = Duration::ZERO;
    let mut held = Vec::new();
    let (mut executed, mut rejected) = (0u64, 0u64);
    for op in ops {
        match *op {
            Op::Call(ok, d) => match b.try_acquire(now) {
                Ok(permit) => {
                    executed += 1;
                    now += ms(d);
                    let result = if ok { S } else { F };
                    b.record(
                        permit,
                        Outcome {
                            result,
                            duration: ms(d),
                        },
                        now,
                    );
                }
                Err(_) => rejected += 1,
            },
            Op::Hold => match b.try_acquire(now) {
                Ok(permit) => {
                    executed += 1;
                    held.push(permit);
                }
                Err(_) => rejected += 1,
            },
            Op::Release(ok) => {
                if let Some(permit) = held.pop() {
                    let outcome = if ok {
                        Outcome::success(Duration::ZERO)
                    } else {
                        Outcome::failure(Duration::ZERO)
                    };
                    b.record(permit, outcome, now);
                }
            }
            Op::Advance(d) => now += ms(d),
            Op::Observe => {
                b.observe(now);
            }
        }
        check_counters(&b);
    }
    let stats = b.stats();
    assert_eq!(
        stats.calls,
        executed + rejected,
        "every call is executed or rejected"
    );
    assert_eq!(stats.rejected, rejected);
    assert_eq!(
        stats.succeeded + stats.failed + held.len() as u64,
        executed,
        "every executed call is recorded once or still in flight"
    );
    (
        b.transitions().cloned().collect(),
        stats,
        b.transition_count(),
    )
}

fn check_counters(b: &CircuitBreaker) {
    let config = b.config();
    match b.state() {
        State::Closed => {
            if let Some(threshold) = config.failure_threshold {
                // Had the count met the comparison, the breaker would be OPEN.
                assert!(
                    !config
                        .failure_comparison
                        .holds(b.failure_count(), threshold)
                );
            }
            assert_eq!((b.success_count(), b.half_open_admitted()), (0, 0));
        }
        State::Open => {
            assert_eq!(
                (b.failure_count(), b.success_count(), b.half_open_admitted()),
                (0, 0, 0)
            );
        }
        State::HalfOpen => {
            if let Some(cap) = config.half_open_max_calls {
                assert!(b.half_open_admitted() <= cap);
            }
            assert!(b.failure_count() + b.success_count() <= b.half_open_admitted());
        }
    }
}

proptest! {
    #[test]
    fn transitions_follow_the_state_diagram(config in config(), ops in prop::collection::vec(op(), 0..300)) {
        let (transitions, stats, total) = drive(&config, &ops);
        prop_assert_eq!(transitions.len() as u64, total.min(TRANSITION_LOG_CAPACITY as u64));
        if total == transitions.len() as u64
            && let Some(first) = transitions.first() {
                prop_assert_eq!(first.from, State::Closed, "a breaker starts CLOSED");
            }
        for pair in transitions.windows(2) {
            prop_assert_eq!(pair[1].from, pair[0].to, "each transition starts where the last ended");
            prop_assert!(pair[1].at >= pair[0].at, "time never runs back");
        }
        for t in &transitions {
            prop_assert_ne!(t.from, t.to);
            if t.from == State::Open {
                prop_assert_eq!(t.to, State::HalfOpen, "OPEN is only left to HALF_OPEN");
            }
            prop_assert!(!t.reason.is_empty());
        }
        prop_assert!(stats.slow <= stats.succeeded + stats.failed);
    }

    #[test]
    fn same_input_same_output(config in config(), ops in prop::collection::vec(op(), 0..200)) {
        prop_assert_eq!(drive(&config, &ops), drive(&config, &ops));
    }
}
