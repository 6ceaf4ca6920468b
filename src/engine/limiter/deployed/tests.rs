use crate::engine::limiter::{
    Limiter, LimiterConfig, LimiterState, Preset, Rate, RedisRecipe, Script, Settings, Step, run,
};

fn steps(config: LimiterConfig, script: &str) -> Vec<Step> {
    run(config, &Script::parse(script).expect("parses")).expect("valid")
}

fn preset(preset: Preset, settings: Settings) -> LimiterConfig {
    Settings {
        preset: Some(preset),
        ..settings
    }
    .config()
    .expect("valid preset")
}

fn rate(text: &str) -> Option<Rate> {
    Some(text.parse().expect("rate parses"))
}

#[test]
fn nginx_admits_one_plus_burst_and_delays_the_excess() {
    // capacity_sources §1.1: rate=1r/s burst=5, 7 requests in one millisecond.
    let config = preset(
        Preset::Nginx,
        Settings {
            rate: rate("1/s"),
            burst: Some(5),
            ..Settings::default()
        },
    );
    let run = steps(config, "7");
    assert_eq!(run[0].decisions, "AAAAAAR");
    assert_eq!(
        run[0].delays_ms.as_deref(),
        Some(&[0, 1000, 2000, 3000, 4000, 5000][..])
    );
}

#[test]
fn nginx_nodelay_passes_at_once_with_the_same_admissions() {
    // rate=10r/s burst=5 nodelay: 8 at once give 6 PASS, 2 REJECT; one at 100 ms passes;
    // two at 250 ms: PASS, REJECT.
    let config = preset(
        Preset::NginxNodelay,
        Settings {
            rate: rate("10/s"),
            burst: Some(5),
            ..Settings::default()
        },
    );
    let run = steps(config, "8 +100ms 1 +150ms 2");
    let decisions: Vec<&str> = run.iter().map(|s| s.decisions.as_str()).collect();
    assert_eq!(decisions, ["AAAAAARR", "", "A", "", "AR"]);
    assert!(
        run[0]
            .delays_ms
            .as_deref()
            .is_some_and(|d| d.iter().all(|&ms| ms == 0))
    );
}

#[test]
fn nginx_delay_passes_the_first_excess_at_once() {
    // rate=10r/s burst=12 delay=8, 15 requests: 9 at once, 4 delayed 100..400 ms, 2 rejected.
    let config = LimiterConfig::NginxLimitReq {
        rate: 10,
        burst: 12,
        delay: 8,
        nodelay: false,
    };
    let run = steps(config, "15");
    assert_eq!(run[0].decisions, format!("{}RR", "A".repeat(13)));
    assert_eq!(
        run[0].delays_ms.as_deref(),
        Some(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200, 300, 400][..])
    );
}

#[test]
fn envoy_timer_refills_in_ticks_where_the_current_bucket_refills_continuously() {
    // 10 tokens per 1 s, drained at 0: at 500 ms the timer bucket is still empty, the
    // continuous one (Envoy >= 1.31) holds 5.
    let settings = Settings {
        rate: rate("10/s"),
        burst: Some(10),
        ..Settings::default()
    };
    let timer = steps(
        preset(Preset::EnvoyTimer, settings),
        "10 +500ms 5 +500ms 10",
    );
    let continuous = steps(preset(Preset::Envoy, settings), "10 +500ms 5 +500ms 10");
    assert_eq!(timer[2].decisions, "RRRRR");
    assert_eq!(continuous[2].decisions, "AAAAA");
    assert_eq!(timer[4].admitted, 10);
    assert_eq!(continuous[4].admitted, 5);
    assert_eq!(
        LimiterConfig::EnvoyTimer {
            max_tokens: 1,
            tokens_per_fill: 1,
            fill_interval_ms: 49
        }
        .validate()
        .map_err(|e| e.to_string()),
        Err("fill_interval_ms is 49; it must be at least 50".to_owned())
    );
}

#[test]
fn guava_starts_empty_and_stores_one_second_of_permits() {
    let config = preset(
        Preset::Guava,
        Settings {
            rate: rate("2/s"),
            ..Settings::default()
        },
    );
    // Fresh: only the free ticket. After a second idle: 2 stored + the ticket, then the
    // next request pays 500 ms (capacity_sources §1.3).
    assert_eq!(steps(config, "2")[0].decisions, "AR");
    let run = steps(config, "+1s 5 +500ms 2");
    let decisions: Vec<&str> = run.iter().map(|s| s.decisions.as_str()).collect();
    assert_eq!(decisions, ["", "AAARR", "", "AR"]);
    assert_eq!(
        run[1].state,
        LimiterState::Guava {
            stored_milli: 0,
            next_free_ms: 1500
        }
    );
}

#[test]
fn resilience4j_cycles_reset_and_reservations_wait() {
    // capacity_sources §1.4, limit 2 per 1 s. Timeout 0: calls at 0, 0, 0, 999, 1000 ms.
    let zero = LimiterConfig::Resilience4j {
        limit_for_period: 2,
        limit_refresh_period_ns: 1_000_000_000,
        timeout_ms: 0,
    };
    let decisions: String = steps(zero, "3 +999ms 1 +1ms 1")
        .iter()
        .map(|s| s.decisions.as_str())
        .collect();
    assert_eq!(decisions, "AARRA");
    // Timeout 5 s, five calls at 200 ms: waits 0, 0, 0.8, 0.8, 1.8 s.
    let waiting = LimiterConfig::Resilience4j {
        limit_for_period: 2,
        limit_refresh_period_ns: 1_000_000_000,
        timeout_ms: 5000,
    };
    let run = steps(waiting, "+200ms 5");
    assert_eq!(
        run[1].delays_ms.as_deref(),
        Some(&[0, 0, 800, 800, 1800][..])
    );
    assert_eq!(
        run[1].state,
        LimiterState::Cycle {
            cycle_start_ms: 0,
            permissions: -3
        }
    );
}

#[test]
fn resilience4j_defaults_never_throttle() {
    // 50 permits per 500 ns is 10^8 a second: 100,000 requests at once all get through.
    let config = preset(Preset::Resilience4j, Settings::default());
    let run = steps(config, "100000");
    assert_eq!(run[0].admitted, 100_000);
    assert_eq!(run[0].delays_ms.as_ref().and_then(|d| d.last()), Some(&0));
}

#[test]
fn redis_incr_window_starts_at_the_first_request_and_outlives_its_end_by_a_millisecond() {
    let config = preset(Preset::RedisIncr, Settings::default());
    let run = steps(config, "+300ms 11 +1s 1 +1ms 1");
    let decisions: Vec<&str> = run.iter().map(|s| s.decisions.as_str()).collect();
    // The key made at 300 ms expires at 1300 ms and is gone only after it.
    assert_eq!(decisions, ["", "AAAAAAAAAAR", "", "R", "", "A"]);
    assert_eq!(
        run[5].state,
        LimiterState::Counter {
            count: 1,
            expires_at_ms: Some(2301)
        }
    );
}

#[test]
fn redis_get_then_incr_lets_limit_plus_one_through() {
    let config = LimiterConfig::RedisIncr {
        limit: 10,
        window_ms: 1000,
        recipe: RedisRecipe::GetThenIncr,
    };
    assert_eq!(
        steps(config, "13")[0].decisions,
        format!("{}RR", "A".repeat(11))
    );
}

#[test]
fn settings_refuse_what_the_limiter_does_not_read() {
    let error = Settings {
        algorithm: Some(crate::engine::limiter::Algorithm::FixedWindow),
        rate: rate("5/s"),
        ..Settings::default()
    }
    .config()
    .expect_err("rate is not read by fixed-window");
    assert_eq!(
        error.to_string(),
        "--rate does not apply to fixed-window; it reads --limit and --window"
    );
    let error = Settings {
        rate: rate("3/7ms"),
        ..Settings::default()
    }
    .config()
    .expect_err("not per second");
    assert!(
        error
            .to_string()
            .contains("not a whole number of requests per second")
    );
    assert_eq!(
        "10/s".parse::<Rate>().ok().and_then(Rate::per_second),
        Some(10)
    );
    assert_eq!(
        "30/1m".parse::<Rate>().ok().and_then(Rate::per_second),
        None
    );
    assert_eq!(
        "5/100ms".parse::<Rate>().ok().and_then(Rate::per_second),
        Some(50)
    );
    assert!("0/s".parse::<Rate>().is_err());
    assert!("5/0s".parse::<Rate>().is_err());
}

#[test]
fn every_preset_builds_with_its_defaults() {
    for preset in Preset::ALL {
        let config = Settings {
            preset: Some(preset),
            ..Settings::default()
        }
        .config()
        .unwrap_or_else(|error| panic!("{preset}: {error}"));
        assert!(Limiter::new(config).is_ok(), "{preset}");
    }
}
