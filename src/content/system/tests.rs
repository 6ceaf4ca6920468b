use std::time::Duration;

use super::*;
use crate::engine::system::{Reason, SystemRun, simulate};

fn run(name: &str) -> SystemRun {
    let scenario = load(name).unwrap_or_else(|e| panic!("{}", e.render()));
    simulate(&scenario.config).unwrap()
}

fn first_full(run: &SystemRun, service: &str) -> Option<Duration> {
    run.service(service).unwrap().first_full
}

#[test]
fn every_built_in_loads_runs_and_accounts_for_every_request() {
    for (name, _) in BUILT_IN {
        let scenario = load(name).unwrap_or_else(|e| panic!("{name}: {}", e.render()));
        assert_eq!(scenario.name, *name);
        assert!(!scenario.description.is_empty());
        let run = simulate(&scenario.config).unwrap();
        assert!(run.requests.total() > 0, "{name}");
        assert_eq!(run.requests, run.services[0].calls, "{name}");
    }
}

#[test]
fn the_cascade_fills_checkout_then_web_and_its_cures_fill_neither() {
    let plain = run("cascade");
    let checkout = first_full(&plain, "checkout").expect("checkout fills");
    let web = first_full(&plain, "web").expect("web fills");
    assert!(
        Duration::from_secs(10) <= checkout && checkout < web,
        "{checkout:?} {web:?}"
    );
    for cure in ["cascade-breaker", "cascade-bulkhead"] {
        let run = run(cure);
        assert_eq!(first_full(&run, "checkout"), None, "{cure}");
        assert_eq!(first_full(&run, "web"), None, "{cure}");
    }
    let breaker = run("cascade-breaker");
    assert!(
        breaker
            .service("payment")
            .unwrap()
            .calls
            .rejected(Reason::BreakerOpen)
            > 1000
    );
    let bulkhead = run("cascade-bulkhead");
    assert!(
        bulkhead
            .service("payment")
            .unwrap()
            .calls
            .rejected(Reason::Bulkhead)
            > 300
    );
}

#[test]
fn bulkheads_keep_the_api_serving_while_one_dependency_is_slow() {
    let with = run("bulkhead");
    let without = run("bulkhead-none");
    assert_eq!(first_full(&with, "api"), None);
    assert!(first_full(&without, "api").is_some());
    assert!(with.requests.completed > without.requests.completed);
    assert_eq!(with.requests.rejected(Reason::QueueFull), 0);
    assert!(without.requests.rejected(Reason::QueueFull) > 1000);
}

#[test]
fn a_propagated_deadline_wastes_less_work_at_the_bottom_hop() {
    let propagated = run("deadline");
    let stacked = run("deadline-stacked");
    let wasted = |run: &SystemRun| run.service("c").unwrap().wasted;
    assert!(wasted(&propagated) * 2 < wasted(&stacked));
}

#[test]
fn the_limiter_turns_the_excess_away_and_keeps_latency_low() {
    let run = run("limiter");
    assert!(run.requests.rejected(Reason::Limiter) > 2000);
    assert_eq!(run.requests.rejected(Reason::QueueFull), 0);
    assert!(run.service("service").unwrap().p99_ms.unwrap() < 100.0);
}

fn error_of(text: &str) -> String {
    from_text("bad.yaml", text).unwrap_err().render()
}

const GOOD: &str = "arrivals: {rate: 10, duration: 10s}\nservices:\n  - name: a\n    workers: 2\n    calls:\n      - to: b\n  - name: b\n    workers: 1\n";

#[test]
fn a_minimal_file_loads_with_defaults() {
    let scenario = from_text("ok.yaml", GOOD).unwrap();
    assert_eq!(scenario.config.bucket, Duration::from_secs(1));
    assert_eq!(scenario.config.seed, 1);
    assert_eq!(scenario.name, "ok.yaml");
}

#[test]
fn bad_files_get_located_messages_with_hints() {
    let unknown_service = error_of(&GOOD.replace("to: b", "to: bb"));
    insta::assert_snapshot!(unknown_service, @r"
    bad.yaml:6:13: error: no service named 'bb'
    6 |       - to: bb
      |             ^
    hint: did you mean 'b'?
    ");
    let typo = error_of(&GOOD.replace("workers: 1", "workrs: 1"));
    assert!(
        typo.starts_with("bad.yaml:8:5: error: unknown field 'workrs'"),
        "{typo}"
    );
    assert!(typo.contains("did you mean 'workers'"), "{typo}");
    let upward = error_of(&GOOD.replace("to: b", "to: a"));
    assert!(
        upward.contains("not listed after it") && upward.contains("bad.yaml:6:13"),
        "{upward}"
    );
    let order = error_of(&GOOD.replace(
        "to: b",
        "to: b\n        timeout: 1s\n        order: [retry]",
    ));
    assert!(
        order.contains("'order' must list each wrapper")
            && order.contains("this call has: timeout"),
        "{order}"
    );
    let episode = error_of(&GOOD.replace(
        "workers: 1",
        "workers: 1\n    episodes: [{from: 1s, to: 2s, hang: true, fail: true}]",
    ));
    assert!(episode.contains("exactly one of"), "{episode}");
    let rate = error_of(&GOOD.replace("rate: 10", "rate: 0"));
    assert!(
        rate.contains("bad.yaml:1:18") && rate.contains("arrival rate '0'"),
        "{rate}"
    );
    let unit = error_of(&GOOD.replace("10s", "10"));
    assert!(unit.contains("has no unit"), "{unit}");
    let workers = error_of(&GOOD.replace("workers: 2", "workers: 0"));
    assert!(
        workers.contains("service 'a': workers '0'") && workers.contains("bad.yaml:3:5"),
        "{workers}"
    );
    let syntax = error_of("services: [\n");
    assert!(syntax.contains("invalid YAML"), "{syntax}");
    let missing = load("cascdae").unwrap_err().render();
    assert!(missing.contains("did you mean 'cascade'"), "{missing}");
}
