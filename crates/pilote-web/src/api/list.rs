//! The list envelope and paging shared by every list endpoint.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ApiError;

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: usize = 1000;
/// Page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: usize = 20;

/// Which page of a list to return.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page number, from 1.
    #[param(minimum = 1, default = 1)]
    pub page: Option<usize>,
    /// Items per page, at most 1000.
    #[param(minimum = 1, maximum = 1000, default = 20)]
    pub page_size: Option<usize>,
}

impl Paging {
    /// The page and page size, checked.
    pub fn checked(self) -> Result<(usize, usize), ApiError> {
        let page = self.page.unwrap_or(1);
        let page_size = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page == 0 {
            return Err(ApiError::field("page", "la page commence à 1"));
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(ApiError::field(
                "page_size",
                format!("entre 1 et {MAX_PAGE_SIZE}"),
            ));
        }
        Ok((page, page_size))
    }
}

/// One page of a list: `{"data": [...], "page", "page_size", "total"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// This page's number, from 1.
    pub page: usize,
    /// Items per page.
    pub page_size: usize,
    /// Items in the whole list.
    pub total: usize,
}

impl<T> Page<T> {
    /// Cuts one page out of every matching item, counting them all.
    pub fn of(items: impl Iterator<Item = T>, paging: Paging) -> Result<Self, ApiError> {
        let (page, page_size) = paging.checked()?;
        let mut total = 0;
        let skip = (page - 1).saturating_mul(page_size);
        let mut data = Vec::with_capacity(page_size.min(64));
        for item in items {
            if total >= skip && data.len() < page_size {
                data.push(item);
            }
            total += 1;
        }
        Ok(Self {
            data,
            page,
            page_size,
            total,
        })
    }
}
