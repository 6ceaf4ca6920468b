//! One `sim storm` run's load over time: write calls per strategy counted at a fine
//! resolution, and the window of it a chart or an export shows. The default window is chosen
//! from the data (where most calls land) with buckets fine enough to resolve un-jittered
//! retries arriving together. Invariants: a window's width is a whole number of its buckets;
//! views depend only on the counts, so the same run gives the same view in every output.

use std::time::Duration;

use crate::engine::duration::format_duration;
use crate::engine::storm::Strategy;

/// Most resolution buckets one strategy's counts may take (a u32 each).
const MAX_COUNTS: u128 = 200_000;
/// Buckets a window aims for: about two per braille dot across a wide chart.
const POINTS: u64 = 200;
/// Buckets a window may hold at most, however wide, so a redraw stays cheap.
const MAX_POINTS: u64 = 2_000;
/// The coarsest bucket for windows up to about a minute: un-jittered retries arrive within
/// tens of milliseconds of each other, and wider buckets would smear them together.
const FINE_BUCKET: Duration = Duration::from_millis(50);
/// The narrowest window, in resolution buckets.
const MIN_WIDTH: u64 = 10;
/// The share of a strategy's calls the default window should hold (for the median strategy).
const MOST_CALLS_PERCENT: u64 = 90;

/// The resolution to count a run at whose slowest strategy completed at `slowest`: the
/// smallest power of ten milliseconds (1 ms at least) that keeps the counts under 200,000
/// buckets. Any bucket a [`Window`] picks is then a whole number of these.
pub fn load_resolution(slowest: Duration) -> Duration {
    let mut ms: u64 = 1;
    while slowest.as_millis() / u128::from(ms) >= MAX_COUNTS && ms < u64::MAX / 10 {
        ms *= 10;
    }
    Duration::from_millis(ms)
}

/// Per strategy, write calls per resolution bucket (as `contention::simulate_with_load`
/// returns them, all at the same resolution).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadTimeline {
    resolution: Duration,
    series: Vec<(Strategy, Vec<u32>)>,
}

/// The part of a [`LoadTimeline`] shown: from `start`, `width` long, in `bucket`s. All three
/// are whole numbers of the timeline's resolution, and `width` of `bucket`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// In resolution buckets, like the other two.
    start: u64,
    width: u64,
    bucket: u64,
    resolution: Duration,
}

/// A window's calls per bucket, per strategy: what the chart draws and the exports write.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadView {
    pub window: Window,
    /// Per strategy, write calls in each bucket of the window, in time order.
    pub series: Vec<(Strategy, Vec<u64>)>,
}

impl LoadTimeline {
    /// `series` counted at `resolution` (a zero resolution is taken as 1 ms).
    pub fn new(resolution: Duration, series: Vec<(Strategy, Vec<u32>)>) -> Self {
        let resolution = if resolution.is_zero() {
            Duration::from_millis(1)
        } else {
            resolution
        };
        Self { resolution, series }
    }

    /// The strategies, in order.
    pub fn strategies(&self) -> impl Iterator<Item = Strategy> + '_ {
        self.series.iter().map(|(strategy, _)| *strategy)
    }

    /// How long the counts reach: the last write's bucket end.
    pub fn span(&self) -> Duration {
        self.resolution.saturating_mul(saturate(self.span_units()))
    }

    fn span_units(&self) -> u64 {
        let longest = self.series.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        u64::try_from(longest).unwrap_or(u64::MAX)
    }

    /// The window a learner sees first: from zero to where most calls have landed — the
    /// time by which the median strategy made 90% of its calls, rounded up to 1, 2 or 5
    /// times a power of ten. The median, not the slowest, because plain exponential backoff
    /// keeps retrying every cap for a minute while the others are done in a second or two:
    /// its first seconds already show its clustering, and a window sized to its tail would
    /// squeeze everyone else's into a few columns.
    pub fn default_window(&self) -> Window {
        let mut ends: Vec<u64> = self
            .series
            .iter()
            .filter_map(|(_, counts)| most_calls_end(counts))
            .collect();
        ends.sort_unstable();
        let most = ends.get(ends.len() / 2).copied().unwrap_or(MIN_WIDTH);
        self.window(0, nice_up(most.max(MIN_WIDTH)).min(self.widest()))
    }

    /// A window of `width` units from `start`, with the bucket for that width: about 200
    /// per window, no coarser than 50 ms (so retries that arrive together stay together)
    /// unless that would make more than 2,000, never finer than the resolution.
    fn window(&self, start: u64, width: u64) -> Window {
        let fine = u64::try_from(FINE_BUCKET.as_nanos() / self.resolution.as_nanos().max(1))
            .unwrap_or(u64::MAX)
            .max(1);
        let bucket = nice_down(width / POINTS)
            .min(fine)
            .max(nice_up(width.div_ceil(MAX_POINTS)))
            .max(1);
        Window {
            start,
            width,
            bucket,
            resolution: self.resolution,
        }
    }

    /// The widest window: the whole run, rounded up.
    fn widest(&self) -> u64 {
        nice_up(self.span_units().max(MIN_WIDTH))
    }

    /// Half as wide (1, 2, 5 steps), keeping the start, down to ten resolution buckets.
    pub fn narrower(&self, window: &Window) -> Window {
        let width = nice_down(window.width.saturating_sub(1)).max(MIN_WIDTH);
        self.window(window.start, width)
    }

    /// Twice as wide (1, 2, 5 steps), up to the whole run; the start moves back if the
    /// window would pass the run's end.
    pub fn wider(&self, window: &Window) -> Window {
        let width = nice_up(window.width.saturating_add(1)).min(self.widest());
        let start = window.start.min(self.last_start(width));
        self.window(start, width)
    }

    /// Half a window earlier, not before zero.
    pub fn earlier(&self, window: &Window) -> Window {
        let start = window.start.saturating_sub(window.width / 2);
        self.window(start, window.width)
    }

    /// Half a window later, not past the run's end.
    pub fn later(&self, window: &Window) -> Window {
        let start = window
            .start
            .saturating_add(window.width / 2)
            .min(self.last_start(window.width));
        self.window(start.max(window.start), window.width)
    }

    fn last_start(&self, width: u64) -> u64 {
        self.span_units().saturating_sub(width)
    }

    /// The calls per bucket of `window`, per strategy.
    pub fn view(&self, window: &Window) -> LoadView {
        let series = self
            .series
            .iter()
            .map(|(strategy, counts)| (*strategy, window.sum_buckets(counts)))
            .collect();
        LoadView {
            window: *window,
            series,
        }
    }
}

impl Window {
    /// Where the window starts.
    pub fn start(&self) -> Duration {
        self.resolution.saturating_mul(saturate(self.start))
    }

    /// Where the window ends (excluded).
    pub fn end(&self) -> Duration {
        self.resolution
            .saturating_mul(saturate(self.start.saturating_add(self.width)))
    }

    /// How long one bucket is.
    pub fn bucket(&self) -> Duration {
        self.resolution.saturating_mul(saturate(self.bucket))
    }

    /// How many buckets the window holds.
    pub fn buckets(&self) -> u64 {
        self.width / self.bucket.max(1)
    }

    /// Bucket `i`'s start and end (excluded).
    pub fn bucket_bounds(&self, i: u64) -> (Duration, Duration) {
        let start = self.start.saturating_add(i.saturating_mul(self.bucket));
        let at = |units: u64| self.resolution.saturating_mul(saturate(units));
        (at(start), at(start.saturating_add(self.bucket)))
    }

    /// "0s to 2s", for titles.
    pub fn describe(&self) -> String {
        format!(
            "{} to {}",
            format_duration(self.start()),
            format_duration(self.end())
        )
    }

    fn sum_buckets(&self, counts: &[u32]) -> Vec<u64> {
        let bucket = usize::try_from(self.bucket.max(1)).unwrap_or(usize::MAX);
        let start = usize::try_from(self.start).unwrap_or(usize::MAX);
        let buckets = usize::try_from(self.buckets()).unwrap_or(0);
        let shown = counts.get(start..).unwrap_or(&[]);
        let mut sums: Vec<u64> = shown
            .chunks(bucket)
            .take(buckets)
            .map(|chunk| chunk.iter().map(|&n| u64::from(n)).sum())
            .collect();
        // Past the last write the run was quiet: zeros, so every view has the same length.
        sums.resize(buckets, 0);
        sums
    }
}

/// The end (in resolution buckets) of the bucket in which the calls reach 90% of the
/// total; `None` for no calls.
fn most_calls_end(counts: &[u32]) -> Option<u64> {
    let total: u64 = counts.iter().map(|&n| u64::from(n)).sum();
    if total == 0 {
        return None;
    }
    let mut sum = 0u64;
    let index = counts.iter().position(|&n| {
        sum += u64::from(n);
        sum * 100 >= total * MOST_CALLS_PERCENT
    })?;
    u64::try_from(index + 1).ok()
}

/// The smallest 1, 2 or 5 times a power of ten at or above `n` (1 for 0).
fn nice_up(n: u64) -> u64 {
    let mut power = 1u64;
    loop {
        for m in [1, 2, 5] {
            let nice = power.saturating_mul(m);
            if nice >= n || nice == u64::MAX {
                return nice;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// The largest 1, 2 or 5 times a power of ten at or below `n` (0 for 0).
fn nice_down(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let up = nice_up(n);
    if up == n {
        return n;
    }
    // The step below a nice number: 10 -> 5, 5 -> 2, 2 -> 1.
    let below = |nice: u64| {
        let power = 10u64.pow(nice.ilog10());
        match nice / power {
            1 => power / 2,
            2 => power,
            _ => 2 * power,
        }
    };
    below(up).max(1)
}

fn saturate(units: u64) -> u32 {
    u32::try_from(units).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::storm::contention::{self, ContentionConfig};

    /// The view the command shows for `clients` and the `--jitter all` comparison, seed 1.
    fn timeline(clients: u32) -> LoadTimeline {
        let slowest = Strategy::COMPARISON
            .iter()
            .map(|&s| contention::simulate(&ContentionConfig::published(clients, s), 1).completion)
            .max()
            .unwrap_or_default();
        let resolution = load_resolution(slowest);
        let series = Strategy::COMPARISON
            .iter()
            .map(|&s| {
                let config = ContentionConfig::published(clients, s);
                (s, contention::simulate_with_load(&config, 1, resolution).1)
            })
            .collect();
        LoadTimeline::new(resolution, series)
    }

    #[test]
    fn nice_numbers_step_1_2_5() {
        let ups: Vec<u64> = [0, 1, 2, 3, 6, 11, 1_320, 2_000].map(nice_up).to_vec();
        assert_eq!(ups, [1, 1, 2, 5, 10, 20, 2_000, 2_000]);
        let downs: Vec<u64> = [0, 1, 3, 7, 10, 19, 25, 999].map(nice_down).to_vec();
        assert_eq!(downs, [0, 1, 2, 5, 10, 10, 20, 500]);
    }

    #[test]
    fn resolution_keeps_the_counts_small() {
        assert_eq!(load_resolution(Duration::ZERO), Duration::from_millis(1));
        assert_eq!(
            load_resolution(Duration::from_secs(64)),
            Duration::from_millis(1)
        );
        assert_eq!(
            load_resolution(Duration::from_secs(3_600)),
            Duration::from_millis(100)
        );
    }

    #[test]
    fn the_default_window_is_where_most_calls_land_in_fine_buckets() {
        for clients in [20, 100, 300] {
            let timeline = timeline(clients);
            let window = timeline.default_window();
            let view = timeline.view(&window);
            assert!(window.bucket() <= FINE_BUCKET, "{clients}: {window:?}");
            assert!(window.buckets() >= 100, "{clients}: {window:?}");
            let covered = |strategy: Strategy| {
                let index = Strategy::COMPARISON
                    .iter()
                    .position(|&s| s == strategy)
                    .expect("compared");
                let shown: u64 = view.series[index].1.iter().sum();
                let total: u64 = timeline.series[index].1.iter().map(|&n| u64::from(n)).sum();
                shown as f64 / total as f64
            };
            // The jittered strategies are (nearly) all in view; so is most of the work.
            for strategy in [Strategy::Full, Strategy::Decorrelated] {
                assert!(covered(strategy) >= 0.9, "{clients} {strategy:?}");
            }
            let shown: u64 = view.series.iter().flat_map(|(_, c)| c).sum();
            let total: u64 = timeline
                .series
                .iter()
                .flat_map(|(_, c)| c.iter().map(|&n| u64::from(n)))
                .sum();
            assert!(shown * 10 >= total * 6, "{clients}: {shown} of {total}");
            // ... while exponential's tail is left out: the window is not its minute.
            assert!(window.end() < timeline.span() / 4, "{clients}: {window:?}");
        }
    }

    #[test]
    fn exponential_spikes_and_full_jitter_spreads_in_the_default_view() {
        let timeline = timeline(100);
        let view = timeline.view(&timeline.default_window());
        let series = |strategy| {
            view.series
                .iter()
                .find(|(s, _)| *s == strategy)
                .map(|(_, c)| c.clone())
                .expect("compared")
        };
        // Past the first rounds (alike for all), exponential's calls come in bursts: the
        // busiest tenth of the buckets holds most of them. Full jitter spreads them out.
        let busiest_share = |counts: &[u64]| {
            let mut later: Vec<u64> = counts.iter().skip(20).copied().collect();
            later.sort_unstable_by(|a, b| b.cmp(a));
            let top: u64 = later.iter().take(later.len() / 10).sum();
            top as f64 / later.iter().sum::<u64>().max(1) as f64
        };
        let (exponential, full) = (series(Strategy::Exponential), series(Strategy::Full));
        let (bursty, spread) = (busiest_share(&exponential), busiest_share(&full));
        assert!(bursty > 0.8 && spread < 0.5, "{bursty} {spread}");
    }

    #[test]
    fn views_sum_the_counts_and_keys_stay_in_range() {
        let timeline = LoadTimeline::new(
            Duration::from_millis(1),
            vec![
                (Strategy::Full, vec![1; 1_000]),
                (Strategy::Equal, vec![2; 10]),
            ],
        );
        let mut window = timeline.default_window();
        assert_eq!(window.describe(), "0s to 1s");
        let view = timeline.view(&window);
        assert_eq!(view.series[0].1.iter().sum::<u64>(), 1_000);
        assert_eq!(view.series[1].1.iter().sum::<u64>(), 20);
        assert_eq!(view.series[1].1.len() as u64, window.buckets());
        for _ in 0..10 {
            window = timeline.narrower(&window);
            assert_eq!(window.width % window.bucket, 0, "{window:?}");
        }
        assert_eq!(window.end(), Duration::from_millis(10), "at least 10 ms");
        loop {
            let next = timeline.later(&window);
            if next == window {
                break;
            }
            window = next;
        }
        assert_eq!(window.end(), Duration::from_secs(1), "not past the end");
        for _ in 0..20 {
            window = timeline.wider(&window);
            assert_eq!(window.width % window.bucket, 0, "{window:?}");
        }
        assert_eq!(
            (window.start(), window.end()),
            (Duration::ZERO, Duration::from_secs(1))
        );
        assert_eq!(timeline.earlier(&window).start(), Duration::ZERO);
    }

    #[test]
    fn wide_windows_are_whole_buckets_and_never_too_many() {
        let timeline = LoadTimeline::new(
            Duration::from_millis(1),
            vec![(Strategy::Full, vec![0; 150_000])],
        );
        let mut window = timeline.window(0, MIN_WIDTH);
        for _ in 0..20 {
            window = timeline.wider(&window);
            assert_eq!(window.width % window.bucket, 0, "{window:?}");
            assert!(window.buckets() <= MAX_POINTS, "{window:?}");
            if window.width <= 20_000 {
                assert!(window.bucket() <= FINE_BUCKET, "{window:?}");
            }
        }
        assert_eq!(window.end(), Duration::from_secs(200));
    }
}
