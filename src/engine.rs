//! The resilience engine: circuit breaker, backoff, retry budgets, rate limiters and the storm
//! simulator.
//!
//! Pure and deterministic: no I/O, no terminal, no content types. Time is passed in (`now`
//! as a [`Duration`](std::time::Duration) since the start of a simulation, or read from tokio
//! by the adapter), randomness comes from a seeded [`rng::Rng`]. Same seed, same result, on
//! every platform.

pub mod adapter;
pub mod backoff;
pub mod breaker;
pub mod budget;
pub mod clock;
pub mod duration;
pub mod limiter;
pub mod preset;
pub mod rng;
pub mod script;
pub mod storm;
pub mod system;
pub mod window;
