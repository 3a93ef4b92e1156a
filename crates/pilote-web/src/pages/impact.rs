//! `/impact`: the portfolio's impact rolled up by incubator, sponsor, ministry, category or
//! year, over a period; and the impact section of a product's page.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use chrono::{Months, Utc};
use pilote_domain::identity::Action;
use pilote_domain::impact::{Indicator, Measurement, Method, Unit, latest};
use pilote_domain::portfolio::Product;

use super::chart::{Point, Trajectory, trajectory};
use super::download::Table;
use super::{Layout, PageError, page};
use crate::AppState;
use crate::api::extract::Query;
use crate::api::impact::summary::{GroupBy, Summary, SummaryQuery, summarise};
use crate::auth::{Visitor, product_target};
use crate::read_model::ReadModel;

/// A product without a measurement for this long is flagged.
const STALE_AFTER_MONTHS: u32 = 6;

#[derive(Template)]
#[template(path = "impact.html")]
struct ImpactPage {
    layout: Layout,
    summary: Summary,
    groupings: [GroupBy; 5],
}

impl ImpactPage {
    #[expect(
        clippy::unused_self,
        clippy::trivially_copy_pass_by_ref,
        reason = "templates call it as `self.number(...)`, with a reference"
    )]
    fn number(&self, value: &f64) -> String {
        figure(*value)
    }

    #[expect(
        clippy::unused_self,
        clippy::trivially_copy_pass_by_ref,
        reason = "templates call it as `self.unit(...)`, with a reference"
    )]
    fn unit(&self, unit: &Unit) -> &'static str {
        unit_symbol(*unit)
    }
}

/// How a unit follows a number in a sentence.
pub(crate) fn unit_symbol(unit: Unit) -> &'static str {
    match unit {
        Unit::Eur => "€",
        Unit::Count => "",
        Unit::Percent => "%",
        Unit::Days => "jours",
        Unit::Hours => "heures",
        Unit::Score => "points",
    }
}

/// A number as people read it in French: thin spaces between thousands, at most 2 decimals.
pub(crate) fn figure(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let text = format!("{rounded}");
    let (whole, decimals) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    if decimals.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{decimals}")
    }
}

/// `GET /impact`.
pub async fn portfolio(
    State(state): State<AppState>,
    Query(query): Query<SummaryQuery>,
) -> Result<Html<String>, PageError> {
    let summary = summarise(&state.model(), &query)?;
    page(&ImpactPage {
        layout: Layout::new("", &[("", "Impact")]),
        summary,
        groupings: GroupBy::ALL,
    })
}

/// The columns of the open-data export, in their documented, stable order: one row per
/// public measurement, one row with empty measurement cells per public indicator never
/// measured, and one row with only `product` per product without any public indicator.
pub const EXPORT_COLUMNS: &[&str] = &[
    "product",
    "indicator_id",
    "indicator",
    "category",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "methodology",
    "measurement_id",
    "period_start",
    "period_end",
    "value",
    "method",
    "evidence_url",
];

/// The open-data table of public indicators and measurements.
fn export_table(model: &ReadModel) -> Table {
    let text = |value: Option<String>| value.unwrap_or_default();
    let mut rows = Vec::new();
    for product in &model.portfolio().products {
        let indicators: Vec<&Indicator> = model
            .indicators_of(&product.slug)
            .filter(|indicator| indicator.public)
            .collect();
        if indicators.is_empty() {
            let mut row = vec![String::new(); EXPORT_COLUMNS.len()];
            row[0] = product.slug.to_string();
            rows.push(row);
        }
        for indicator in indicators {
            let head = vec![
                product.slug.to_string(),
                indicator.id.to_string(),
                indicator.name.clone(),
                indicator.category.as_str().to_owned(),
                indicator.unit.as_str().to_owned(),
                indicator.direction.as_str().to_owned(),
                text(indicator.baseline.as_ref().map(|b| b.value.to_string())),
                text(indicator.baseline.as_ref().map(|b| b.date.to_string())),
                text(indicator.target.as_ref().map(|t| t.value.to_string())),
                text(indicator.target.as_ref().map(|t| t.date.to_string())),
                indicator.methodology.clone(),
            ];
            let measurements: Vec<&Measurement> = model.measurements_of(indicator.id).collect();
            if measurements.is_empty() {
                let mut row = head.clone();
                row.resize(EXPORT_COLUMNS.len(), String::new());
                rows.push(row);
            }
            for m in measurements {
                let mut row = head.clone();
                row.extend([
                    m.id.to_string(),
                    m.period_start.to_string(),
                    m.period_end.to_string(),
                    m.value.to_string(),
                    m.method.as_str().to_owned(),
                    text(m.evidence_url.clone()),
                ]);
                rows.push(row);
            }
        }
    }
    Table {
        name: "impact",
        columns: EXPORT_COLUMNS,
        rows,
    }
}

/// `GET /impact.csv`: the open-data export, for spreadsheets.
pub async fn export_csv(State(state): State<AppState>) -> Result<Response, PageError> {
    export_table(&state.model()).csv()
}

/// `GET /impact.json`: the same, for programs.
pub async fn export_json(State(state): State<AppState>) -> Response {
    export_table(&state.model()).json()
}

/// An indicator as a product's page shows it.
pub(crate) struct IndicatorView<'a> {
    pub indicator: &'a Indicator,
    pub measurements: Vec<&'a Measurement>,
    pub latest: Option<&'a Measurement>,
    /// Progress to the target, in percent.
    pub progress: Option<i64>,
    /// The trajectory as SVG, with its text alternative.
    pub chart: String,
}

impl IndicatorView<'_> {
    /// A measurement's method in French.
    #[expect(
        clippy::unused_self,
        clippy::trivially_copy_pass_by_ref,
        reason = "templates call it as `view.method(...)`, with a reference"
    )]
    pub fn method(&self, method: &Method) -> &'static str {
        method.label()
    }

    /// A value with its unit.
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "templates pass a reference"
    )]
    pub fn value(&self, value: &f64) -> String {
        format!("{} {}", figure(*value), unit_symbol(self.indicator.unit))
            .trim_end()
            .to_owned()
    }
}

/// The impact section of a product's page: the indicators the visitor may see, and whether
/// the product has gone without a measurement for too long.
pub(crate) fn product_section<'a>(
    model: &'a ReadModel,
    product: &'a Product,
) -> (Vec<IndicatorView<'a>>, bool) {
    let visitor = Visitor::current();
    let insider = visitor.principal.as_ref().is_some_and(|principal| {
        principal.may(
            Action::ManageImpact,
            &product_target(&product.slug, &product.incubator),
        )
    });
    let views: Vec<IndicatorView<'a>> = model
        .indicators_of(&product.slug)
        .filter(|indicator| indicator.public || insider)
        .map(|indicator| {
            let owned: Vec<Measurement> = model.measurements_of(indicator.id).cloned().collect();
            let measurements: Vec<&Measurement> = model.measurements_of(indicator.id).collect();
            let last_id = latest(&owned).map(|m| m.id);
            let latest = measurements.iter().copied().find(|m| Some(m.id) == last_id);
            #[expect(clippy::cast_possible_truncation, reason = "a percentage")]
            let progress = latest
                .and_then(|m| indicator.progress(m.value))
                .map(|p| (p * 100.0).round() as i64);
            let chart = trajectory_of(indicator, &measurements);
            IndicatorView {
                indicator,
                measurements,
                latest,
                progress,
                chart,
            }
        })
        .collect();
    let stale = is_stale(views.iter().map(|view| view.latest));
    (views, stale)
}

/// An indicator's chart, and the sentence that says what it shows.
fn trajectory_of(indicator: &Indicator, measurements: &[&Measurement]) -> String {
    let with_unit = |value: f64| {
        format!("{} {}", figure(value), unit_symbol(indicator.unit))
            .trim_end()
            .to_owned()
    };
    let mut desc = Vec::new();
    if let Some(baseline) = &indicator.baseline {
        desc.push(format!(
            "départ {} le {}",
            with_unit(baseline.value),
            baseline.date
        ));
    }
    if let Some(goal) = &indicator.target {
        desc.push(format!("cible {} le {}", with_unit(goal.value), goal.date));
    }
    desc.push(match measurements.last() {
        Some(last) => format!(
            "{} mesure(s), la dernière {} pour la période finissant le {}",
            measurements.len(),
            with_unit(last.value),
            last.period_end
        ),
        None => "aucune mesure".to_owned(),
    });
    let id = format!("indicateur-{}", indicator.id);
    let desc = format!("{}.", desc.join(" ; "));
    trajectory(&Trajectory {
        id: &id,
        title: &indicator.name,
        desc: &desc,
        baseline: indicator.baseline.as_ref().map(|b| Point {
            day: b.date,
            value: b.value,
        }),
        target: indicator.target.as_ref().map(|t| Point {
            day: t.date,
            value: t.value,
        }),
        measured: measurements
            .iter()
            .map(|m| Point {
                day: m.period_end,
                value: m.value,
            })
            .collect(),
    })
}

/// Whether indicators have gone unmeasured too long: none of them (given by their latest
/// measurement, if any) was measured in the last six months.
fn is_stale<'m>(latest: impl Iterator<Item = Option<&'m Measurement>>) -> bool {
    let cutoff = Utc::now()
        .date_naive()
        .checked_sub_months(Months::new(STALE_AFTER_MONTHS));
    let mut any = false;
    for measurement in latest {
        any = true;
        if measurement.is_some_and(|m| cutoff.is_none_or(|cutoff| m.period_end >= cutoff)) {
            return false;
        }
    }
    any
}

/// The products of an incubator whose public indicators have gone unmeasured for more than
/// six months, for the incubator's page.
pub(crate) fn stale_products<'a>(
    model: &'a ReadModel,
    products: &[&'a Product],
) -> Vec<&'a Product> {
    products
        .iter()
        .copied()
        .filter(|product| {
            is_stale(
                model
                    .indicators_of(&product.slug)
                    .filter(|indicator| indicator.public)
                    .map(|indicator| {
                        model
                            .measurements_of(indicator.id)
                            .max_by_key(|m| m.period_end)
                    }),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_in_french() {
        assert_eq!(figure(1_880_000.0), "1\u{202f}880\u{202f}000");
        assert_eq!(figure(78.0), "78");
        assert_eq!(figure(1.978_947), "1,98");
        assert_eq!(figure(-4200.5), "-4\u{202f}200,5");
    }
}
