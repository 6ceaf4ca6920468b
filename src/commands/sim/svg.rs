//! Standalone SVG charts for `--svg FILE`, written by hand: a line/point/band plot over two
//! numeric axes and a grouped bar chart. Every text node and attribute value is escaped;
//! each data series is one `<g class="series" data-series="NAME">` so tools (and tests) can
//! find it. Output depends only on the data: the same seed gives the same file.

use std::fmt::Write as _;
use std::path::Path;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 60.0;

/// Colours by series position: distinguishable, and readable on white.
const PALETTE: [&str; 6] = [
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
];

/// How one series is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A polyline through the points, in order.
    Line(Vec<(f64, f64)>),
    /// One dot per point.
    Points(Vec<(f64, f64)>),
    /// A filled band: per x, from low to high.
    Band(Vec<(f64, f64, f64)>),
}

/// One named series of a [`Plot`].
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Shown in the legend and written as `data-series`.
    pub name: String,
    pub mark: Mark,
}

/// A chart over two numeric axes, both starting at zero.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

/// Bars per category (one bar per series in each of several panels), e.g. calls and
/// completion per strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    /// Each panel: its y label and one value per series, in series order.
    pub panels: Vec<(String, Vec<f64>)>,
    /// The series (bar) names, one colour each.
    pub names: Vec<String>,
}

/// Writes `svg` to `path`; the error names the path.
pub fn write(path: &Path, svg: &str) -> miette::Result<()> {
    std::fs::write(path, svg)
        .map_err(|e| miette::miette!("Failed to write '{}': {e}", path.display()))
}

/// Escapes text for element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Tick values from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about five of them.
fn ticks(max: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let rough = max / 5.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * power);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// A tick label: whole numbers without decimals, others with as few as they need.
fn label(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn open(title: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <title>{}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
        escape(title)
    );
    let _ = writeln!(
        out,
        "<text class=\"title\" x=\"{}\" y=\"28\" text-anchor=\"middle\" font-size=\"15\">{}</text>",
        WIDTH / 2.0,
        escape(title)
    );
    out
}

/// The plot area's right and bottom edges.
fn area() -> (f64, f64) {
    (WIDTH - RIGHT, HEIGHT - BOTTOM)
}

/// The y axis with ticks and grid lines, and its label; returns the y scale.
fn y_axis(out: &mut String, y_max: f64, y_label: &str) -> impl Fn(f64) -> f64 + use<> {
    let (right, bottom) = area();
    let ticks = ticks(y_max);
    let top_value = ticks.last().copied().unwrap_or(1.0);
    let scale = move |v: f64| bottom - v / top_value * (bottom - TOP);
    out.push_str("<g class=\"axis y\">\n");
    for tick in &ticks {
        let y = scale(*tick);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" stroke=\"#e0e0e0\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y + 4.0,
            label(*tick)
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{bottom}\" stroke=\"black\"/>\n\
         <text x=\"18\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {:.1})\">{}</text>\n</g>",
        (TOP + bottom) / 2.0,
        (TOP + bottom) / 2.0,
        escape(y_label)
    );
    scale
}

fn legend(out: &mut String, names: &[&str]) {
    let (right, _) = area();
    out.push_str("<g class=\"legend\">\n");
    for (i, name) in names.iter().enumerate() {
        let y = TOP + 10.0 + 20.0 * i as f64;
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            right + 16.0,
            y - 10.0,
            PALETTE[i % PALETTE.len()],
            right + 34.0,
            y,
            escape(name)
        );
    }
    out.push_str("</g>\n");
}

impl Plot {
    /// The chart as a standalone SVG document.
    pub fn render(&self) -> String {
        let (right, bottom) = area();
        let mut x_max: f64 = 0.0;
        let mut y_max: f64 = 0.0;
        for series in &self.series {
            match &series.mark {
                Mark::Line(points) | Mark::Points(points) => {
                    for (x, y) in points {
                        x_max = x_max.max(*x);
                        y_max = y_max.max(*y);
                    }
                }
                Mark::Band(points) => {
                    for (x, low, high) in points {
                        x_max = x_max.max(*x);
                        y_max = y_max.max(*low).max(*high);
                    }
                }
            }
        }
        let mut out = open(&self.title);
        let y = y_axis(&mut out, y_max, &self.y_label);
        let x_ticks = ticks(x_max);
        let x_top = x_ticks.last().copied().unwrap_or(1.0);
        let x = |v: f64| LEFT + v / x_top * (right - LEFT);
        out.push_str("<g class=\"axis x\">\n");
        for tick in &x_ticks {
            let _ = writeln!(
                out,
                "<line x1=\"{0:.1}\" y1=\"{bottom}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"black\"/>\
                 <text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{3}</text>",
                x(*tick),
                bottom + 5.0,
                bottom + 18.0,
                label(*tick)
            );
        }
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"black\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n</g>",
            (LEFT + right) / 2.0,
            HEIGHT - 16.0,
            escape(&self.x_label)
        );
        for (i, series) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let _ = writeln!(
                out,
                "<g class=\"series\" data-series=\"{}\">",
                escape(&series.name)
            );
            match &series.mark {
                Mark::Line(points) => {
                    let path: Vec<String> = points
                        .iter()
                        .map(|(px, py)| format!("{:.1},{:.1}", x(*px), y(*py)))
                        .collect();
                    let _ = writeln!(
                        out,
                        "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
                        path.join(" ")
                    );
                }
                Mark::Points(points) => {
                    for (px, py) in points {
                        let _ = writeln!(
                            out,
                            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"/>",
                            x(*px),
                            y(*py)
                        );
                    }
                }
                Mark::Band(points) => {
                    let upper = points.iter().map(|(px, _, high)| (x(*px), y(*high)));
                    let lower = points.iter().rev().map(|(px, low, _)| (x(*px), y(*low)));
                    let path: Vec<String> = upper
                        .chain(lower)
                        .map(|(px, py)| format!("{px:.1},{py:.1}"))
                        .collect();
                    let _ = writeln!(
                        out,
                        "<polygon fill=\"{colour}\" fill-opacity=\"0.25\" stroke=\"none\" points=\"{}\"/>",
                        path.join(" ")
                    );
                }
            }
            out.push_str("</g>\n");
        }
        let names: Vec<&str> = self.series.iter().map(|s| s.name.as_str()).collect();
        legend(&mut out, &names);
        out.push_str("</svg>\n");
        out
    }
}

impl Bars {
    /// The chart as a standalone SVG document: the panels side by side, each with its own
    /// y axis scale drawn as labelled gridlines; one `<g class="series">` per bar name.
    pub fn render(&self) -> String {
        let (right, bottom) = area();
        let mut out = open(&self.title);
        let panels = self.panels.len().max(1) as f64;
        let panel_width = (right - LEFT) / panels;
        // Bars start past the tick labels at the panel's left edge.
        let bar_width = (panel_width * 0.78) / self.names.len().max(1) as f64;
        let mut scales = Vec::new();
        for (p, (y_label, values)) in self.panels.iter().enumerate() {
            let left = LEFT + p as f64 * panel_width;
            let max = values.iter().copied().fold(0.0, f64::max);
            let ticks = ticks(max);
            let top_value = ticks.last().copied().unwrap_or(1.0);
            let _ = writeln!(
                out,
                "<g class=\"axis panel\" data-panel=\"{}\">",
                escape(y_label)
            );
            for tick in &ticks {
                let y = bottom - tick / top_value * (bottom - TOP);
                let _ = writeln!(
                    out,
                    "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#e0e0e0\"/>\
                     <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>",
                    left + panel_width - 8.0,
                    left + 2.0,
                    y - 2.0,
                    label(*tick)
                );
            }
            let _ = writeln!(
                out,
                "<line x1=\"{left:.1}\" y1=\"{bottom}\" x2=\"{:.1}\" y2=\"{bottom}\" stroke=\"black\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n</g>",
                left + panel_width - 8.0,
                left + panel_width / 2.0,
                bottom + 20.0,
                escape(y_label)
            );
            scales.push((left, top_value));
        }
        for (i, name) in self.names.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let _ = writeln!(out, "<g class=\"series\" data-series=\"{}\">", escape(name));
            for ((_, values), (left, top_value)) in self.panels.iter().zip(&scales) {
                let value = values.get(i).copied().unwrap_or(0.0);
                let height = value / top_value * (bottom - TOP);
                let _ = writeln!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{height:.1}\" fill=\"{colour}\">\
                     <title>{}: {}</title></rect>",
                    left + panel_width * 0.16 + bar_width * i as f64,
                    bottom - height,
                    bar_width * 0.9,
                    escape(name),
                    label(value)
                );
            }
            out.push_str("</g>\n");
        }
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        legend(&mut out, &names);
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("bell\u{7}"), "bell");
    }

    #[test]
    fn ticks_reach_the_maximum_in_round_steps() {
        assert_eq!(ticks(9.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(60_000.0).last(), Some(&60_000.0));
        assert_eq!(ticks(0.0).len(), 6, "an empty chart still gets an axis");
    }

    #[test]
    fn a_plot_has_one_group_per_series_and_escapes_names() {
        let svg = Plot {
            title: "t <1>".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![
                Series {
                    name: "a&b".into(),
                    mark: Mark::Line(vec![(1.0, 1.0), (2.0, 4.0)]),
                },
                Series {
                    name: "c".into(),
                    mark: Mark::Points(vec![(1.0, 2.0)]),
                },
            ],
        }
        .render();
        assert_eq!(svg.matches("<g class=\"series\"").count(), 2);
        assert!(svg.contains("data-series=\"a&amp;b\""));
        assert!(svg.contains("t &lt;1&gt;"));
    }
}
