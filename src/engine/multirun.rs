//! Running a simulation many times: the one multi-run runner every simulation family
//! uses ([`Family`], [`run_many`]), and the event queue their discrete-event loops share
//! ([`EventQueue`], ordered by (time, sequence)).
//!
//! Invariant: results never depend on the thread count (runs are independent and come back
//! in task order), and events at the same time pop in the order they were scheduled, so a
//! seed replays exactly everywhere.
//!
//! A new family (a rate limiter, a service chain) implements [`Family`] for its config in
//! its own file and gets `simulate_many` from [`run_many`].

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A seeded simulation that can be run many times and summarized: the config implements it.
pub trait Family: Sync {
    /// Per-config work done once before its runs (e.g. precomputed backoff waits).
    type Prepared: Sync;
    /// Reusable buffers, one per thread, so runs allocate nothing once warmed up.
    type Scratch: Default;
    /// What one run measured.
    type Run: Send;
    /// What `runs` runs of one config measured together.
    type Summary;

    /// The per-config preparation.
    fn prepare(&self) -> Self::Prepared;
    /// One run with `seed`.
    fn run_once(
        &self,
        prepared: &Self::Prepared,
        scratch: &mut Self::Scratch,
        seed: u64,
    ) -> Self::Run;
    /// The summary of one config's runs (in seed order).
    fn summarize(&self, runs: &[Self::Run]) -> Self::Summary;
}

/// Runs every config `runs` times (seeds seed..seed+runs-1) on up to `threads` threads and
/// returns one summary per config, in order. The result does not depend on `threads`.
pub fn run_many<F: Family>(
    configs: &[F],
    runs: u32,
    seed: u64,
    threads: NonZeroUsize,
) -> Vec<F::Summary> {
    let prepared: Vec<F::Prepared> = configs.iter().map(Family::prepare).collect();
    let tasks: Vec<(usize, u64)> = (0..configs.len())
        .flat_map(|index| (0..u64::from(runs)).map(move |run| (index, seed.wrapping_add(run))))
        .collect();
    let results = parallel_map(
        &tasks,
        threads,
        F::Scratch::default,
        |scratch, &(index, seed)| configs[index].run_once(&prepared[index], scratch, seed),
    );
    configs
        .iter()
        .zip(results.chunks(runs.max(1) as usize))
        .map(|(config, runs)| config.summarize(runs))
        .collect()
}

/// An event at a virtual time (nanoseconds), with the sequence number that breaks ties.
#[derive(Debug, Clone, Copy)]
struct Timed<P> {
    time: u64,
    seq: u64,
    event: P,
}

impl<P> PartialEq for Timed<P> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}

impl<P> Eq for Timed<P> {}

impl<P> Ord for Timed<P> {
    /// Reversed, so `BinaryHeap` (a max-heap) pops the earliest; `seq` breaks ties in the
    /// order events were scheduled.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl<P> PartialOrd for Timed<P> {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}

/// Pending events in (time, scheduling order) order.
#[derive(Debug, Clone)]
pub struct EventQueue<P> {
    heap: BinaryHeap<Timed<P>>,
    seq: u64,
}

impl<P> Default for EventQueue<P> {
    fn default() -> Self {
        Self {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<P: Copy> EventQueue<P> {
    /// Empties the queue for a new run (keeps the allocation).
    pub fn clear(&mut self) {
        self.heap.clear();
        self.seq = 0;
    }

    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: u64, event: P) {
        self.heap.push(Timed {
            time,
            seq: self.seq,
            event,
        });
        self.seq += 1;
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// The earliest event and its time.
    pub fn pop(&mut self) -> Option<(u64, P)> {
        self.heap.pop().map(|t| (t.time, t.event))
    }

    /// Handles the earliest event in place: `handle` gets its time and returns the event
    /// that follows it (which replaces it: one sift instead of a pop and a push) or `None`
    /// (it is removed). `false` when the queue is empty.
    #[inline]
    pub fn step(&mut self, handle: impl FnOnce(u64, P) -> Option<(u64, P)>) -> bool {
        let Some(mut top) = self.heap.peek_mut() else {
            return false;
        };
        match handle(top.time, top.event) {
            Some((time, event)) => {
                *top = Timed {
                    time,
                    seq: self.seq,
                    event,
                };
                self.seq += 1;
            }
            None => {
                PeekMut::pop(top);
            }
        }
        true
    }
}

/// Maps `run` over `tasks` on up to `threads` threads and returns the results in task
/// order, so the outcome never depends on the thread count. Each thread builds one scratch
/// value with `scratch` and reuses it for all its tasks (no allocation per run). Tasks are
/// taken from the end of the slice first: callers put the costly ones (more clients) last.
fn parallel_map<T, R, S>(
    tasks: &[T],
    threads: NonZeroUsize,
    scratch: impl Fn() -> S + Sync,
    run: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = threads.get().min(tasks.len()).max(1);
    if threads == 1 {
        let mut state = scratch();
        return tasks.iter().map(|task| run(&mut state, task)).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(tasks.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut state = scratch();
                let mut mine = Vec::new();
                loop {
                    let taken = next.fetch_add(1, Ordering::Relaxed);
                    if taken >= tasks.len() {
                        break;
                    }
                    let index = tasks.len() - 1 - taken;
                    mine.push((index, run(&mut state, &tasks[index])));
                }
                // A poisoned lock means another worker panicked; the scope re-raises that.
                if let Ok(mut all) = done.lock() {
                    all.extend(mine);
                }
            });
        }
    });
    let mut all = done
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    all.sort_unstable_by_key(|&(index, _)| index);
    all.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_map_keeps_task_order() {
        let tasks: Vec<u64> = (0..1000).collect();
        let threads = NonZeroUsize::new(4).unwrap();
        let doubled = parallel_map(&tasks, threads, || (), |_, &t| t * 2);
        assert_eq!(doubled, tasks.iter().map(|t| t * 2).collect::<Vec<_>>());
    }

    #[test]
    fn ties_pop_in_scheduling_order() {
        let mut queue = EventQueue::default();
        queue.push(5, 'a');
        queue.push(3, 'b');
        queue.push(5, 'c');
        queue.push(3, 'd');
        let mut order = Vec::new();
        while let Some((time, event)) = queue.pop() {
            order.push((time, event));
        }
        assert_eq!(order, vec![(3, 'b'), (3, 'd'), (5, 'a'), (5, 'c')]);
    }

    #[test]
    fn a_replaced_event_goes_after_those_already_scheduled_at_its_time() {
        let mut queue = EventQueue::default();
        queue.push(1, 'a');
        queue.push(2, 'b');
        assert!(queue.step(|time, _| Some((time + 1, 'x'))));
        assert_eq!(queue.pop(), Some((2, 'b')));
        assert_eq!(queue.pop(), Some((2, 'x')));
        assert!(!queue.step(|_, _| None));
    }
}
