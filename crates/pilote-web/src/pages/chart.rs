//! Charts drawn on the server as SVG, each with a text alternative; the page shows the
//! same figures as a table beside it.

use std::fmt::Write as _;

/// One bar of a stacked bar chart: a label and one value per series.
pub struct Bar {
    /// The bar's label (a year).
    pub label: String,
    /// One value per series, in the series' order.
    pub values: Vec<usize>,
}

/// Series colours from the DSFR illustrative palette, readable in both themes.
const COLOURS: [&str; 11] = [
    "#18753c", "#0063cb", "#6a6af4", "#b34000", "#716043", "#a558a0", "#666666", "#ce0500",
    "#009081", "#c3992a", "#7d4e5b",
];

const WIDTH: usize = 720;
const HEIGHT: usize = 320;
const LEFT: usize = 40;
const BOTTOM: usize = 24;
const LEGEND: usize = 150;

/// A stacked bar chart as inline SVG, titled `title` and described by `desc`.
pub fn stacked_bars(series: &[&str], bars: &[Bar], title: &str, desc: &str) -> String {
    stacked_bars_in("chart", series, bars, title, desc)
}

/// The same, its title and description ids starting with `id` (unique within the page);
/// a bar with an empty label is drawn without one, so that long series stay readable.
pub fn stacked_bars_in(id: &str, series: &[&str], bars: &[Bar], title: &str, desc: &str) -> String {
    let max = bars
        .iter()
        .map(|bar| bar.values.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_width = WIDTH - LEFT - LEGEND;
    let plot_height = HEIGHT - BOTTOM - 8;
    let step = plot_width / bars.len().max(1);
    let bar_width = (step * 7 / 10).max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="pilote-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{0}-title {0}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{0}-title">{1}</title><desc id="{0}-desc">{2}</desc>"#,
        escape(id),
        escape(title),
        escape(desc)
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{0}" x2="{1}" y2="{0}"/>"#,
        HEIGHT - BOTTOM,
        LEFT + plot_width
    );
    let _ = write!(
        svg,
        r#"<text x="{}" y="16" text-anchor="end">{max}</text>"#,
        LEFT - 4
    );
    // One path per series rather than one rectangle per value: a long series of bars
    // would otherwise weigh on the page's DOM (and its EcoIndex) for nothing.
    let mut shapes = vec![String::new(); series.len()];
    for (index, bar) in bars.iter().enumerate() {
        let x = LEFT + index * step + (step - bar_width) / 2;
        let mut top = HEIGHT - BOTTOM;
        for (serie, value) in bar.values.iter().enumerate() {
            let height = value * plot_height / max;
            if height == 0 {
                continue;
            }
            top -= height;
            if let Some(shape) = shapes.get_mut(serie) {
                let _ = write!(shape, "M{x} {top}h{bar_width}v{height}h-{bar_width}z");
            }
        }
        if bar.label.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x + bar_width / 2,
            HEIGHT - 6,
            escape(&bar.label)
        );
    }
    for (serie, shape) in shapes.iter().enumerate() {
        if shape.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<path d="{shape}" fill="{}"/>"#,
            COLOURS[serie % COLOURS.len()]
        );
    }
    for (serie, name) in series.iter().enumerate() {
        let y = 12 + serie * 20;
        let x = WIDTH - LEGEND + 10;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{y}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            COLOURS[serie % COLOURS.len()],
            x + 18,
            y + 11,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A point of a time chart: a day and a value.
pub struct Point {
    /// The day.
    pub day: chrono::NaiveDate,
    /// The value.
    pub value: f64,
}

/// What an indicator's chart shows: where it started, where it aims, what was measured.
pub struct Trajectory<'a> {
    /// Unique within the page, for the title and description ids.
    pub id: &'a str,
    /// The chart's title.
    pub title: &'a str,
    /// The text alternative, saying what the chart shows.
    pub desc: &'a str,
    /// The baseline.
    pub baseline: Option<Point>,
    /// The target.
    pub target: Option<Point>,
    /// The measurements, at their periods' ends, in order.
    pub measured: Vec<Point>,
}

const LINE_WIDTH: f64 = 600.0;
const LINE_HEIGHT: f64 = 180.0;
const MARGIN: f64 = 24.0;

/// An indicator's trajectory as inline SVG: the baseline and the target as dashed
/// markers, the measurements as a line of points.
pub fn trajectory(chart: &Trajectory<'_>) -> String {
    let points: Vec<&Point> = chart
        .baseline
        .iter()
        .chain(chart.target.iter())
        .chain(chart.measured.iter())
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="pilote-chart" viewBox="0 0 {LINE_WIDTH} {LINE_HEIGHT}" role="img" aria-labelledby="{0}-titre {0}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{0}-titre">{1}</title><desc id="{0}-desc">{2}</desc>"#,
        escape(chart.id),
        escape(chart.title),
        escape(chart.desc)
    );
    let (Some(first), Some(last)) = (
        points.iter().map(|p| p.day).min(),
        points.iter().map(|p| p.day).max(),
    ) else {
        svg.push_str("</svg>");
        return svg;
    };
    let low = points.iter().map(|p| p.value).fold(0.0_f64, f64::min);
    let high = points.iter().map(|p| p.value).fold(low, f64::max);
    let span_days = (last - first).num_days().max(1);
    #[expect(clippy::cast_precision_loss, reason = "days in a chart")]
    let x = |day: chrono::NaiveDate| {
        MARGIN + (day - first).num_days() as f64 / span_days as f64 * (LINE_WIDTH - 2.0 * MARGIN)
    };
    let y = |value: f64| {
        let range = if high > low { high - low } else { 1.0 };
        LINE_HEIGHT - MARGIN - (value - low) / range * (LINE_HEIGHT - 2.0 * MARGIN)
    };
    let _ = write!(
        svg,
        r##"<line x1="{MARGIN}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#666666"/>"##,
        LINE_HEIGHT - MARGIN,
        LINE_WIDTH - MARGIN
    );
    for (point, colour, label) in [
        (&chart.baseline, "#666666", "départ"),
        (&chart.target, "#18753c", "cible"),
    ] {
        if let Some(point) = point {
            let (px, py) = (x(point.day), y(point.value));
            let _ = write!(
                svg,
                r#"<line x1="{MARGIN}" y1="{py:.1}" x2="{0:.1}" y2="{py:.1}" stroke="{colour}" stroke-dasharray="4 4"/><rect x="{1:.1}" y="{2:.1}" width="8" height="8" fill="{colour}"/><text x="{3:.1}" y="{4:.1}" fill="{colour}">{label}</text>"#,
                LINE_WIDTH - MARGIN,
                px - 4.0,
                py - 4.0,
                px + 6.0,
                py - 6.0
            );
        }
    }
    let path: Vec<String> = chart
        .measured
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p.day), y(p.value)))
        .collect();
    if path.len() > 1 {
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#0063cb" stroke-width="2"/>"##,
            path.join(" ")
        );
    }
    for point in &chart.measured {
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#0063cb"/>"##,
            x(point.day),
            y(point.value)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trajectory_draws_its_baseline_target_and_measures() {
        let day = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
        let chart = Trajectory {
            id: "indicateur-1",
            title: "Foyers aidés",
            desc: "De 0 à 12 000 ; 2 mesures.",
            baseline: Some(Point {
                day: day("2023-01-01"),
                value: 0.0,
            }),
            target: Some(Point {
                day: day("2026-12-31"),
                value: 12_000.0,
            }),
            measured: vec![
                Point {
                    day: day("2024-12-31"),
                    value: 4_200.0,
                },
                Point {
                    day: day("2025-06-30"),
                    value: 2_500.0,
                },
            ],
        };
        let svg = trajectory(&chart);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("stroke-dasharray").count(), 2);
        assert!(svg.contains("<polyline"));
        assert!(svg.contains(r#"aria-labelledby="indicateur-1-titre indicateur-1-desc""#));
        assert!(svg.contains("<desc id=\"indicateur-1-desc\">De 0 à 12 000 ; 2 mesures.</desc>"));
        // The target, the highest value, is drawn at the top margin.
        assert!(svg.contains(&format!(r#"y1="{MARGIN:.1}""#)));
    }

    #[test]
    fn draws_one_path_per_non_empty_series_and_a_legend() {
        let bars = [
            Bar {
                label: "2024".into(),
                values: vec![2, 0, 1],
            },
            Bar {
                label: "2025".into(),
                values: vec![1, 1, 1],
            },
        ];
        let svg = stacked_bars(&["a", "b", "c"], &bars, "Titre <x>", "Description");
        // Series a has two bars, b one, c two: one path each, one subpath per bar.
        assert_eq!(svg.matches("<path").count(), 3);
        assert_eq!(svg.matches("z\"").count() + svg.matches("zM").count(), 5);
        assert_eq!(svg.matches("<rect").count(), 3, "the legend's swatches");
        assert!(svg.contains("<title id=\"chart-title\">Titre &lt;x&gt;</title>"));
        assert!(svg.contains(">2025</text>"));
    }
}
