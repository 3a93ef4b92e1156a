//! Impact's records through the [`Store`]: indicators, measurements and budget lines.

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::impact::{BudgetLine, BudgetSource, Indicator, Measurement};

use crate::{Result, Store};

/// Every impact record, as the read model and the roll-ups take them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImpactRecords {
    /// Indicators, by product then number.
    pub indicators: Vec<Indicator>,
    /// Measurements, by indicator then period end.
    pub measurements: Vec<Measurement>,
    /// Budget lines, by product, year and source.
    pub budget_lines: Vec<BudgetLine>,
}

impl Store {
    /// Every indicator, measurement and budget line.
    pub async fn load_impact(&self) -> Result<ImpactRecords> {
        dispatch!(self, pool => backend::impact::load(pool).await)
    }

    /// Creates an indicator; returns it with its number.
    pub async fn create_indicator(
        &self,
        indicator: &Indicator,
        actor: &Actor,
    ) -> Result<Indicator> {
        dispatch!(self, pool => backend::impact::create_indicator(pool, indicator, actor).await)
    }

    /// Replaces the indicator of the same number; [`crate::StoreError::NotFound`] when none.
    pub async fn update_indicator(
        &self,
        indicator: &Indicator,
        actor: &Actor,
    ) -> Result<Indicator> {
        dispatch!(self, pool => backend::impact::update_indicator(pool, indicator, actor).await)
    }

    /// Deletes an indicator and its measurements.
    pub async fn delete_indicator(&self, id: i64, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::impact::delete_indicator(pool, id, actor).await)
    }

    /// Records a measurement of an existing indicator; returns it with its number.
    pub async fn create_measurement(
        &self,
        measurement: &Measurement,
        actor: &Actor,
    ) -> Result<Measurement> {
        dispatch!(self, pool => backend::impact::create_measurement(pool, measurement, actor).await)
    }

    /// Replaces the measurement of the same number and indicator.
    pub async fn update_measurement(
        &self,
        measurement: &Measurement,
        actor: &Actor,
    ) -> Result<Measurement> {
        dispatch!(self, pool => backend::impact::update_measurement(pool, measurement, actor).await)
    }

    /// Deletes a measurement.
    pub async fn delete_measurement(&self, id: i64, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::impact::delete_measurement(pool, id, actor).await)
    }

    /// Makes the budget lines of `source` exactly `lines`, writing and logging only what
    /// changes; returns how many lines changed.
    pub async fn replace_budget_lines(
        &self,
        source: BudgetSource,
        lines: &[BudgetLine],
        actor: &Actor,
    ) -> Result<usize> {
        dispatch!(self, pool => backend::impact::replace_budget_lines(pool, source, lines, actor).await)
    }

    /// Makes `product`'s budget lines of every source but FAST exactly `lines`, in one
    /// transaction, writing and logging only what changes; returns how many lines changed.
    /// FAST lines belong to the import: a FAST line, or a line of another product, is
    /// [`crate::StoreError::Refused`]; an unknown product is [`crate::StoreError::NotFound`].
    pub async fn replace_product_budget(
        &self,
        product: &Slug,
        lines: &[BudgetLine],
        actor: &Actor,
    ) -> Result<usize> {
        dispatch!(self, pool => backend::impact::replace_product_budget(pool, product, lines, actor).await)
    }
}
