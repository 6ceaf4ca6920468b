use super::*;

fn steps(config: LimiterConfig, script: &str) -> Vec<Step> {
    let script = Script::parse(script).expect("script parses");
    run(config, &script).expect("config is valid")
}

fn decisions(config: LimiterConfig, script: &str) -> Vec<String> {
    steps(config, script)
        .into_iter()
        .map(|step| step.decisions)
        .collect()
}

const FIXED: LimiterConfig = LimiterConfig::FixedWindow {
    limit: 5,
    window_ms: 1000,
};

#[test]
fn fixed_window_admits_the_limit_then_resets_at_the_boundary() {
    assert_eq!(
        decisions(FIXED, "10 +999ms 1 +1ms 5"),
        ["AAAAARRRRR", "", "R", "", "AAAAA"]
    );
    let last = steps(FIXED, "3 +1500ms");
    assert_eq!(
        last[1].state,
        LimiterState::Window {
            window_start_ms: 1000,
            count: 0
        }
    );
}

#[test]
fn fixed_window_admits_twice_the_limit_across_a_boundary() {
    // The seed 002 flaw: 5 at 900 ms and 5 at 1000 ms, 10 admitted within 100 ms.
    let run = steps(FIXED, "+900ms 5 +100ms 5");
    assert_eq!(run[1].admitted + run[3].admitted, 10);
}

#[test]
fn sliding_log_counts_admitted_requests_in_the_half_open_window() {
    let config = LimiterConfig::SlidingLog {
        limit: 5,
        window_ms: 1000,
    };
    assert_eq!(
        decisions(config, "+900ms 5 +100ms 5 +899ms 1 +1ms 5"),
        ["", "AAAAA", "", "RRRRR", "", "R", "", "AAAAA"]
    );
    let run = steps(config, "2 +300ms 1 +800ms");
    assert_eq!(
        run[3].state,
        LimiterState::Log {
            count: 1,
            oldest_ms: Some(300)
        }
    );
}

#[test]
fn sliding_window_weights_the_previous_window() {
    let config = LimiterConfig::SlidingWindow {
        limit: 10,
        window_ms: 1000,
    };
    // At 1000 ms the previous window's 10 weigh fully; at 1500 ms half: 5 + curr < 10.
    let run = steps(config, "10 +1s 1 +500ms 6");
    assert_eq!(run[2].decisions, "R");
    assert_eq!(run[4].decisions, "AAAAAR");
    assert_eq!(
        run[4].state,
        LimiterState::Weighted {
            window_start_ms: 1000,
            previous: 10,
            current: 5,
            estimate_milli: 10_000
        }
    );
    // Two windows later the previous window is empty.
    assert_eq!(decisions(config, "10 +2s 10")[2], "A".repeat(10));
}

#[test]
fn token_bucket_starts_full_and_refills_continuously() {
    let config = LimiterConfig::TokenBucket { rate: 10, burst: 5 };
    let run = steps(config, "10 +250ms 3");
    assert_eq!(run[0].decisions, "AAAAARRRRR");
    assert_eq!(run[2].decisions, "AAR");
    assert_eq!(
        run[2].state,
        LimiterState::Tokens {
            tokens_milli: 500,
            capacity_milli: 5000
        }
    );
}

#[test]
fn gcra_admits_the_burst_and_reports_its_tat() {
    let config = LimiterConfig::Gcra { rate: 10, burst: 5 };
    let run = steps(config, "10 +250ms 3");
    assert_eq!(run[0].decisions, "AAAAARRRRR");
    assert_eq!(run[2].decisions, "AAR");
    assert_eq!(
        run[2].state,
        LimiterState::Gcra {
            tat_ms: 700,
            tolerance_ms: 400
        }
    );
}

#[test]
fn leaky_queue_delays_one_interval_apart_and_rejects_when_full() {
    // nginx's `rate=1r/s burst=5` trace: 1 passes, 5 wait 1..5 s, the 7th is rejected.
    let config = LimiterConfig::LeakyQueue { rate: 1, queue: 5 };
    let run = steps(config, "7 +2500ms");
    assert_eq!(run[0].decisions, "AAAAAAR");
    assert_eq!(
        run[0].delays_ms.as_deref(),
        Some(&[0, 1000, 2000, 3000, 4000, 5000][..])
    );
    assert_eq!(
        run[0].state,
        LimiterState::Queue {
            queue_len: 5,
            drained_at_ms: 5000
        }
    );
    // At 2.5 s two have left (at 1 s and 2 s): three wait.
    assert_eq!(
        run[1].state,
        LimiterState::Queue {
            queue_len: 3,
            drained_at_ms: 5000
        }
    );
}

#[test]
fn leaky_queue_of_zero_admits_only_what_can_leave_at_once() {
    let config = LimiterConfig::LeakyQueue { rate: 2, queue: 0 };
    assert_eq!(
        decisions(config, "2 +499ms 1 +1ms 1"),
        ["AR", "", "R", "", "A"]
    );
}

#[test]
fn spread_tokens_place_requests_at_floor_of_i_dur_over_n() {
    assert_eq!(Action::offset_ms(3, 1000, 0), 0);
    assert_eq!(Action::offset_ms(3, 1000, 1), 333);
    assert_eq!(Action::offset_ms(3, 1000, 2), 666);
    let config = LimiterConfig::FixedWindow {
        limit: 1,
        window_ms: 333,
    };
    // Requests at 0, 333, 666: one per window; the clock then stands at 1000.
    let run = steps(config, "3/1s 1");
    assert_eq!(run[0].decisions, "AAA");
    assert_eq!(run[1].at_ms, 1000);
    assert_eq!(run[1].decisions, "A");
}

#[test]
fn no_drift_over_a_million_requests() {
    // One request every millisecond for 1,000,000 ms against 7 r/s, burst 2: the bucket
    // admits two at 0 and 1 ms (7 thousandths left), then exactly floor(7 · t / 1000) more
    // by t. 7/s is 1/142.857… ms: any rounding would drift far from 7001.
    for config in [
        LimiterConfig::TokenBucket { rate: 7, burst: 2 },
        LimiterConfig::Gcra { rate: 7, burst: 2 },
    ] {
        let mut limiter = Limiter::new(config).expect("valid");
        let admitted = (0..1_000_000u64)
            .filter(|&t| limiter.decide(t).is_admitted())
            .count();
        assert_eq!(admitted, 2 + 7 * 999_999 / 1000, "{config:?}");
    }
}

#[test]
fn time_never_runs_backwards() {
    let mut limiter = Limiter::new(FIXED).expect("valid");
    for _ in 0..5 {
        assert!(limiter.decide(1500).is_admitted());
    }
    // An earlier `now` is the latest one seen, not a window of its own.
    assert_eq!(limiter.decide(200), Decision::Rejected);
}

#[test]
fn configs_out_of_bounds_are_refused() {
    assert_eq!(
        Limiter::new(LimiterConfig::TokenBucket { rate: 0, burst: 1 }),
        Err(ConfigError::TooSmall {
            name: "rate",
            value: 0,
            min: 1
        })
    );
    assert!(
        Limiter::new(LimiterConfig::FixedWindow {
            limit: 1,
            window_ms: 0
        })
        .is_err()
    );
    assert!(Limiter::new(LimiterConfig::LeakyQueue { rate: 1, queue: 0 }).is_ok());
    assert!(
        Limiter::new(LimiterConfig::Gcra {
            rate: MAX_RATE + 1,
            burst: 1
        })
        .is_err()
    );
}

#[test]
fn script_parses_the_three_forms_and_prints_them_back() {
    let script = Script::parse(" 10  +1s\t5/500ms ").expect("parses");
    let actions: Vec<Action> = script.tokens().iter().map(|t| t.action).collect();
    assert_eq!(
        actions,
        [
            Action::Requests {
                count: 10,
                over_ms: 0
            },
            Action::Advance(1000),
            Action::Requests {
                count: 5,
                over_ms: 500
            },
        ]
    );
    let offsets: Vec<usize> = script.tokens().iter().map(|t| t.offset).collect();
    assert_eq!(offsets, [1, 5, 9]);
    assert_eq!(script.to_string(), "10 +1s 5/500ms");
    assert_eq!(Action::Advance(1500).to_string(), "+1500ms");
}

#[test]
fn script_errors_locate_the_bad_token() {
    let error = Script::parse("10 +1s 5x").expect_err("bad token");
    assert_eq!(error.span(), Some((7, 2)));
    assert!(
        error
            .to_string()
            .starts_with("token 3 '5x' has '5x' where a number")
    );
    let cases = [
        ("", None),
        ("0", Some((0, 1))),
        ("+5", Some((0, 2))),
        ("1 +1.5ms", Some((2, 6))),
        ("3/", Some((0, 2))),
        ("/1s", Some((0, 3))),
        ("100001", Some((0, 6))),
        ("+1000h +1ms", Some((7, 4))),
    ];
    for (text, span) in cases {
        let error = Script::parse(text).expect_err(text);
        assert_eq!(error.span(), span, "{text}: {error}");
    }
    let many = "100000 ".repeat(11);
    assert!(matches!(
        Script::parse(&many),
        Err(ScriptError::TooManyRequests { position: 11, .. })
    ));
}

#[test]
fn step_json_has_the_design_shape() {
    let config = LimiterConfig::LeakyQueue { rate: 2, queue: 1 };
    let run = steps(config, "3");
    let json = serde_json::to_value(&run[0]).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({
            "token": "3", "at_ms": 0, "admitted": 2, "rejected": 1, "decisions": "AAR",
            "delays_ms": [0, 500], "state": {"queue_len": 1, "drained_at_ms": 500}
        })
    );
    let config =
        serde_json::to_value(LimiterConfig::Gcra { rate: 2, burst: 3 }).expect("serializes");
    assert_eq!(
        config,
        serde_json::json!({"algorithm": "gcra", "rate": 2, "burst": 3})
    );
}
