//! Client-side adaptive throttling, as the Google SRE book describes it ("Handling
//! Overload", https://sre.google/sre-book/handling-overload/): a client counts the
//! `requests` it attempted and the `accepts` the backend took over a recent window (two
//! minutes in the book), and rejects a new request locally with probability
//! `max(0, (requests − K·accepts) / (requests + 1))`. With K = 2 a client keeps sending
//! until it sends twice what is accepted. Pure: the caller keeps the window and draws the
//! uniform number.

/// The throttle's one setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdaptiveThrottle {
    /// The multiplier K: how many requests per accepted one a client may send before it
    /// starts rejecting locally (the book suggests 2). At least 1.
    k: f64,
}

/// A K below 1 or not a number: the client would reject requests the backend accepts.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("K '{0}' must be a number of at least 1 (the SRE book suggests 2)")]
pub struct BadMultiplier(pub f64);

impl AdaptiveThrottle {
    /// A throttle with multiplier `k`.
    pub fn new(k: f64) -> Result<Self, BadMultiplier> {
        if k.is_finite() && k >= 1.0 {
            Ok(Self { k })
        } else {
            Err(BadMultiplier(k))
        }
    }

    /// The multiplier K.
    pub fn k(&self) -> f64 {
        self.k
    }

    /// The probability, from 0 to below 1, that the next request is rejected locally after
    /// `requests` attempted and `accepts` accepted in the window.
    pub fn rejection_probability(&self, requests: u64, accepts: u64) -> f64 {
        let requests = requests as f64;
        let excess = requests - self.k * accepts as f64;
        (excess / (requests + 1.0)).max(0.0)
    }

    /// Whether the next request is rejected locally, given a uniform draw in [0, 1).
    pub fn rejects(&self, requests: u64, accepts: u64, uniform: f64) -> bool {
        uniform < self.rejection_probability(requests, accepts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_healthy_backend_is_never_throttled() {
        let t = AdaptiveThrottle::new(2.0).unwrap();
        assert_eq!(t.rejection_probability(0, 0), 0.0);
        assert_eq!(t.rejection_probability(100, 100), 0.0);
        // Up to K requests per accept nothing is rejected.
        assert_eq!(t.rejection_probability(100, 50), 0.0);
    }

    #[test]
    fn rejection_grows_as_accepts_fall_behind() {
        let t = AdaptiveThrottle::new(2.0).unwrap();
        // 100 requests, 25 accepted: (100 - 50) / 101.
        assert!((t.rejection_probability(100, 25) - 50.0 / 101.0).abs() < 1e-12);
        // Nothing accepted: requests / (requests + 1), approaching 1 but never reaching it.
        assert!((t.rejection_probability(1000, 0) - 1000.0 / 1001.0).abs() < 1e-12);
        assert!(t.rejects(100, 25, 0.4));
        assert!(!t.rejects(100, 25, 0.6));
    }

    #[test]
    fn k_below_one_is_refused() {
        assert_eq!(AdaptiveThrottle::new(0.5), Err(BadMultiplier(0.5)));
        assert!(AdaptiveThrottle::new(f64::NAN).is_err());
        assert_eq!(
            BadMultiplier(0.5).to_string(),
            "K '0.5' must be a number of at least 1 (the SRE book suggests 2)"
        );
    }

    proptest! {
        #[test]
        fn probability_is_in_range_and_monotone(
            k in 1.0f64..10.0,
            requests in 0u64..1_000_000,
            accepts_share in 0.0f64..=1.0,
        ) {
            let t = AdaptiveThrottle::new(k).unwrap();
            let accepts = (requests as f64 * accepts_share) as u64;
            let p = t.rejection_probability(requests, accepts);
            prop_assert!((0.0..1.0).contains(&p));
            // One more accept never raises it; a larger K never raises it.
            prop_assert!(t.rejection_probability(requests, accepts + 1) <= p);
            let looser = AdaptiveThrottle::new(k + 1.0).unwrap();
            prop_assert!(looser.rejection_probability(requests, accepts) <= p);
            // Zero exactly when requests <= K * accepts.
            prop_assert_eq!(p == 0.0, requests as f64 <= k * accepts as f64);
        }
    }
}
