//! Closed forms from queueing theory that the simulation must agree with: Erlang C for the
//! M/M/c queue (Poisson arrivals, exponential service, c workers, an unbounded FIFO).

/// The probability that an arrival waits in an M/M/c queue with `workers` servers and
/// offered load `a = λ/μ` (in erlangs), by the Erlang B recursion (stable for large c).
/// `None` when the queue is unstable (a >= c) or the inputs make no sense.
pub fn erlang_c(workers: u32, offered_load: f64) -> Option<f64> {
    let c = f64::from(workers);
    if workers == 0 || !(offered_load > 0.0 && offered_load < c) {
        return None;
    }
    let mut blocking = 1.0;
    for k in 1..=workers {
        blocking = offered_load * blocking / (f64::from(k) + offered_load * blocking);
    }
    Some(c * blocking / (c - offered_load * (1.0 - blocking)))
}

/// The mean time an arrival waits before a worker takes it in an M/M/c queue, in seconds:
/// C(c, a) / (cμ − λ). `None` when unstable.
pub fn mmc_mean_wait(workers: u32, arrival_rate: f64, service_rate: f64) -> Option<f64> {
    if service_rate.is_nan() || service_rate <= 0.0 {
        return None;
    }
    let wait = erlang_c(workers, arrival_rate / service_rate)?;
    Some(wait / (f64::from(workers) * service_rate - arrival_rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_is_mm1() {
        // M/M/1: P(wait) = ρ, Wq = ρ / (μ − λ).
        let c = erlang_c(1, 0.8).unwrap();
        assert!((c - 0.8).abs() < 1e-12, "{c}");
        let wq = mmc_mean_wait(1, 8.0, 10.0).unwrap();
        assert!((wq - 0.4).abs() < 1e-12, "{wq}");
    }

    #[test]
    fn matches_a_published_table_value() {
        // Two servers, a = 1 erlang: C = 1/3 (e.g. Kleinrock, Queueing Systems vol. 1).
        let c = erlang_c(2, 1.0).unwrap();
        assert!((c - 1.0 / 3.0).abs() < 1e-12, "{c}");
    }

    #[test]
    fn unstable_or_meaningless_loads_have_no_answer() {
        assert_eq!(erlang_c(2, 2.0), None);
        assert_eq!(erlang_c(0, 0.5), None);
        assert_eq!(erlang_c(3, f64::NAN), None);
        assert_eq!(mmc_mean_wait(1, 1.0, 0.0), None);
    }
}
