//! Gauges of a breaker's counters: consecutive failures and successes against their
//! thresholds, half-open admissions against the cap, the recovery countdown, and for
//! rate-based breakers the window's fill and rates. One row each; bars are drawn with `█` and
//! `░` so they read without colour. Narrow areas get short labels and texts.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::lab_style;
use crate::engine::breaker::{HalfOpenJudgement, State, format_percent};
use crate::engine::duration::format_duration;
use crate::session::lab::Counters;
use crate::ui::tui::theme::Theme;

/// One gauge: labels, how full (`None`: no bar), texts.
struct Row {
    label: &'static str,
    short_label: &'static str,
    fill: Option<f64>,
    text: String,
    short_text: String,
    /// The gauge is live in the current state (others are drawn dim).
    live: bool,
}

/// The counters of one breaker as gauge rows.
pub struct BreakerGauges<'a> {
    counters: &'a Counters,
    theme: &'a Theme,
}

impl<'a> BreakerGauges<'a> {
    pub fn new(counters: &'a Counters, theme: &'a Theme) -> Self {
        Self { counters, theme }
    }

    /// Rows needed to draw every gauge.
    pub fn height(counters: &Counters) -> u16 {
        let cap = u16::from(counters.half_open_max_calls.is_some());
        let rate = counters
            .window
            .map_or(0, |w| 2 + u16::from(w.slow_rate.is_some()));
        3 + cap + rate
    }

    fn rows(&self) -> Vec<Row> {
        let c = self.counters;
        let closed = c.state == State::Closed;
        let half_open = c.state == State::HalfOpen;
        let mut rows = Vec::with_capacity(7);
        rows.push(match c.failure_threshold {
            Some(threshold) => Row {
                label: "failures",
                short_label: "fail",
                fill: Some(ratio(c.failure_count, threshold)),
                text: format!(
                    "{} / {threshold} failure_threshold (trip at {} {threshold})",
                    c.failure_count,
                    c.failure_comparison.symbol()
                ),
                short_text: format!("{}/{threshold}", c.failure_count),
                live: closed,
            },
            None => Row {
                label: "failures",
                short_label: "fail",
                fill: None,
                text: format!("{} (consecutive tripping off)", c.failure_count),
                short_text: format!("{} (off)", c.failure_count),
                live: false,
            },
        });
        rows.push(match c.half_open_judgement {
            HalfOpenJudgement::Consecutive => Row {
                label: "successes",
                short_label: "succ",
                fill: Some(ratio(c.success_count, c.success_threshold)),
                text: format!(
                    "{} / {} success_threshold (in HALF_OPEN)",
                    c.success_count, c.success_threshold
                ),
                short_text: format!("{}/{}", c.success_count, c.success_threshold),
                live: half_open,
            },
            HalfOpenJudgement::Rate => Row {
                label: "successes",
                short_label: "succ",
                fill: None,
                text: format!(
                    "{} ok, {} failed (HALF_OPEN calls judged as a rate once all complete)",
                    c.success_count,
                    if half_open { c.failure_count } else { 0 }
                ),
                short_text: format!("{} ok", c.success_count),
                live: half_open,
            },
        });
        if let Some(cap) = c.half_open_max_calls {
            rows.push(Row {
                label: "half-open",
                short_label: "h-open",
                fill: Some(ratio(c.half_open_admitted, cap)),
                text: format!(
                    "{} / {cap} half_open_max_calls admitted",
                    c.half_open_admitted
                ),
                short_text: format!("{}/{cap}", c.half_open_admitted),
                live: half_open,
            });
        }
        rows.push(self.recovery_row());
        if let Some(w) = c.window {
            let totals = w.totals;
            let capacity = match w.window {
                crate::engine::window::WindowConfig::Count { calls } => calls,
                crate::engine::window::WindowConfig::Time { .. } => w.min_calls,
            };
            rows.push(Row {
                label: "window",
                short_label: "window",
                fill: Some(ratio(totals.calls, capacity.max(1))),
                text: format!(
                    "{} calls in {} (rates judged from {})",
                    totals.calls, w.window, w.min_calls
                ),
                short_text: format!("{}/{}", totals.calls, w.min_calls),
                live: closed,
            });
            rows.push(Row {
                label: "failure %",
                short_label: "fail%",
                fill: Some(totals.failure_rate() / w.failure_rate),
                text: format!(
                    "{} of calls failed; failure_rate {}",
                    format_percent(totals.failure_rate()),
                    format_percent(w.failure_rate)
                ),
                short_text: format_percent(totals.failure_rate()),
                live: closed,
            });
            if let Some(slow_rate) = w.slow_rate {
                rows.push(Row {
                    label: "slow %",
                    short_label: "slow%",
                    fill: Some(totals.slow_rate() / slow_rate),
                    text: format!(
                        "{} of calls slow; slow_rate {}",
                        format_percent(totals.slow_rate()),
                        format_percent(slow_rate)
                    ),
                    short_text: format_percent(totals.slow_rate()),
                    live: closed,
                });
            }
        }
        rows
    }

    fn recovery_row(&self) -> Row {
        let Some(r) = self.counters.recovery else {
            return Row {
                label: "recovery",
                short_label: "recov",
                fill: Some(0.0),
                text: "counts down while OPEN".to_owned(),
                short_text: "-".to_owned(),
                live: false,
            };
        };
        let fill = if r.recovery_timeout.is_zero() {
            1.0
        } else {
            r.elapsed.as_secs_f64() / r.recovery_timeout.as_secs_f64()
        };
        let elapsed = format_duration(r.elapsed);
        let timeout = format_duration(r.recovery_timeout);
        let next = if r.remaining.is_zero() {
            "the next call is the trial".to_owned()
        } else {
            format!("trial in {}", format_duration(r.remaining))
        };
        Row {
            label: "recovery",
            short_label: "recov",
            fill: Some(fill),
            text: format!("{elapsed} of {timeout} recovery_timeout · {next}"),
            short_text: format!("{elapsed}/{timeout}"),
            live: true,
        }
    }
}

fn ratio(value: u32, of: u32) -> f64 {
    if of == 0 {
        return 1.0;
    }
    f64::from(value) / f64::from(of)
}

impl Widget for BreakerGauges<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let wide = area.width >= 60;
        let label_width: u16 = if wide { 11 } else { 7 };
        let live_style = lab_style::state_text(self.theme, self.counters.state);
        for (row, y) in self.rows().into_iter().zip(area.top()..area.bottom()) {
            let style = if row.live {
                self.theme.text
            } else {
                self.theme.dim
            };
            let (label, text) = if wide {
                (row.label, row.text)
            } else {
                (row.short_label, row.short_text)
            };
            buf.set_stringn(area.x, y, label, usize::from(label_width), style);
            let text_width = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
            let rest = area.width.saturating_sub(label_width);
            // The bar takes what the text leaves, between 4 and 24 cells.
            let bar = rest.saturating_sub(text_width + 1).min(24);
            let mut x = area.x + label_width;
            if let (Some(fill), true) = (row.fill, bar >= 4) {
                let cells = usize::from(bar);
                // Truncation keeps a bar short of full until the threshold is reached.
                let full = ((fill.clamp(0.0, 1.0) * cells as f64) as usize).min(cells);
                let bar_style = if row.live { live_style } else { self.theme.dim };
                buf.set_string(x, y, "█".repeat(full), bar_style);
                buf.set_string(x + full as u16, y, "░".repeat(cells - full), self.theme.dim);
                x += bar + 1;
            }
            let room = usize::from(area.right().saturating_sub(x));
            buf.set_stringn(x, y, &text, room, style);
        }
    }
}
