//! `/api/v1/impact`: the portfolio's impact, rolled up.

pub mod summary;
