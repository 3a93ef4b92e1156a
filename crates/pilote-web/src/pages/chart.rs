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
const COLOURS: [&str; 8] = [
    "#18753c", "#0063cb", "#6a6af4", "#b34000", "#716043", "#a558a0", "#666666", "#ce0500",
];

const WIDTH: usize = 720;
const HEIGHT: usize = 320;
const LEFT: usize = 40;
const BOTTOM: usize = 24;
const LEGEND: usize = 150;

/// A stacked bar chart as inline SVG, labelled by `title_id` and described by `desc`.
pub fn stacked_bars(series: &[&str], bars: &[Bar], title: &str, desc: &str) -> String {
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
        r#"<svg class="pilote-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title><desc id="chart-desc">{}</desc>"#,
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
    for (index, bar) in bars.iter().enumerate() {
        let x = LEFT + index * step + (step - bar_width) / 2;
        let mut top = HEIGHT - BOTTOM;
        for (serie, value) in bar.values.iter().enumerate() {
            let height = value * plot_height / max;
            if height == 0 {
                continue;
            }
            top -= height;
            let _ = write!(
                svg,
                r#"<rect x="{x}" y="{top}" width="{bar_width}" height="{height}" fill="{}"/>"#,
                COLOURS[serie % COLOURS.len()]
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x + bar_width / 2,
            HEIGHT - 6,
            escape(&bar.label)
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
    fn draws_one_rect_per_non_zero_value_and_a_legend() {
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
        assert_eq!(svg.matches("<rect").count(), 5 + 3);
        assert!(svg.contains("<title id=\"chart-title\">Titre &lt;x&gt;</title>"));
        assert!(svg.contains(">2025</text>"));
    }
}
