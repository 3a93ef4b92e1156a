//! `/api/v1/retention`: whether the State keeps its digital talent, from members' missions
//! (the rules are those of `pilote_domain::talent::retention`).

pub mod show;

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::talent::retention::{
    Headline, MONTHS_MAX, Month, MonthFigures, Retention, Scope, YearFigures,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ApiError;
use crate::read_model::ReadModel;

/// What to compute: a scope, months, a day.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetentionQuery {
    /// Only the missions of this incubator's products (slug); the whole network otherwise.
    pub incubator: Option<String>,
    /// First month of the series (AAAA-MM; default: the first mission's month).
    pub from: Option<String>,
    /// Last month of the series (AAAA-MM; default: this month, and no later).
    pub to: Option<String>,
    /// The day the figures are computed at (AAAA-MM-JJ; default: today).
    pub date: Option<NaiveDate>,
}

/// The retention figures of a scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionJson {
    /// The incubator (slug), or none for the whole network.
    pub incubator: Option<String>,
    /// First month of the series.
    #[schema(example = "2024-01")]
    pub from: String,
    /// Last month of the series.
    #[schema(example = "2025-12")]
    pub to: String,
    /// Headcount, public agents, median tenure now, turnover and renewal last year.
    pub headline: Headline,
    /// Month by month, from `from` to `to`.
    pub months: Vec<MonthFigures>,
    /// Year by year, from `from`'s year to `to`'s.
    pub years: Vec<YearFigures>,
}

fn month_of(field: &str, value: Option<&str>) -> Result<Option<Month>, ApiError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| Month::parse(v.trim()).map_err(|e| ApiError::field(field, e.to_string())))
        .transpose()
}

/// The incubator asked for, checked against the network; none for the network.
pub(crate) fn incubator_of(
    model: &ReadModel,
    query: &RetentionQuery,
) -> Result<Option<Slug>, ApiError> {
    let Some(raw) = query.incubator.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let unknown = || ApiError::field("incubator", format!("incubateur inconnu « {raw} »"));
    let slug = Slug::parse(raw).map_err(|_| unknown())?;
    model.incubator(&slug).ok_or_else(unknown)?;
    Ok(Some(slug))
}

/// The figures `query` asks for, from the read model. Without `from`, the series starts
/// `recent` months before `to` when given, at the first mission otherwise.
pub(crate) fn figures(
    model: &ReadModel,
    query: &RetentionQuery,
    recent: Option<u32>,
) -> Result<RetentionJson, ApiError> {
    let today = crate::api::delivery::day_of(query.date);
    let incubator = incubator_of(model, query)?;
    let this_month = Month::of(today);
    let from = month_of("from", query.from.as_deref())?;
    let to = month_of("to", query.to.as_deref())?.unwrap_or(this_month);
    if to > this_month {
        return Err(ApiError::field(
            "to",
            format!("le mois {to} n'est pas encore commencé (au plus {this_month})"),
        ));
    }
    let scope = incubator.as_ref().map_or(Scope::Network, |slug| {
        Scope::incubator(slug, &model.portfolio().products)
    });
    let retention = Retention::new(&model.portfolio().members, &scope, today);
    let from = from.unwrap_or_else(|| match recent {
        Some(months) => to.minus(months.saturating_sub(1)),
        None => retention.first_month().min(to),
    });
    if from > to {
        return Err(ApiError::field(
            "from",
            format!("le premier mois ({from}) suit le dernier ({to})"),
        ));
    }
    if from.through(to).nth(MONTHS_MAX).is_some() {
        return Err(ApiError::field(
            "from",
            format!("{MONTHS_MAX} mois au plus"),
        ));
    }
    Ok(RetentionJson {
        incubator: incubator.map(|slug| slug.to_string()),
        from: from.to_string(),
        to: to.to_string(),
        headline: retention.headline(),
        months: retention.months(from, to),
        years: retention.years(from.year(), to.year()),
    })
}
