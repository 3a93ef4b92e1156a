//! What the forms of the delivery pages share: the submitted fields with the errors on
//! them, and paging of lists held in memory.

use std::collections::BTreeMap;

use pilote_domain::DomainError;

use super::{PAGE_SIZE, PageError, Pagination};
use crate::ApiError;

/// A form's submitted fields and the errors on them, by field name.
pub(crate) struct FormState {
    pub fields: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    /// The label users read for a field name.
    labels: fn(&str) -> &str,
}

impl FormState {
    /// An empty form whose fields are called by `labels`.
    pub fn new(labels: fn(&str) -> &str) -> Self {
        Self {
            fields: BTreeMap::new(),
            errors: BTreeMap::new(),
            labels,
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    pub fn error(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    #[expect(clippy::unused_self, reason = "templates call it as `form.id(...)`")]
    pub fn id(&self, name: &str) -> String {
        format!("f-{name}")
    }

    /// The label users read for a field, the same as in the summary.
    pub fn label(&self, name: &str) -> String {
        (self.labels)(name).to_owned()
    }

    /// The errors as (element id, « label : message »), for the summary at the top.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(field, message)| {
                (
                    format!("f-{field}"),
                    format!("{} : {message}", (self.labels)(field)),
                )
            })
            .collect()
    }

    /// Whether `value` is the option chosen in `name`.
    pub fn chosen(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }

    /// The form as submitted with the errors of `error` on their fields; anything but
    /// invalid values (refusals, conflicts) is left to the caller.
    pub fn from_error(
        fields: BTreeMap<String, String>,
        error: ApiError,
        labels: fn(&str) -> &str,
    ) -> Result<Self, PageError> {
        let errors = match error {
            ApiError::Unprocessable(errors) => errors
                .into_iter()
                .map(|(field, message)| {
                    // The parser's own words (in English) become French ones.
                    let message = if message.starts_with("unknown variant") {
                        "choisissez une valeur de la liste".to_owned()
                    } else if message.starts_with("input contains invalid characters")
                        || message.starts_with("premature end of input")
                        || message.starts_with("input is out of range")
                        || message.starts_with("trailing input")
                    {
                        DomainError::InvalidDate(fields.get(&field).cloned().unwrap_or_default())
                            .to_string()
                    } else {
                        message
                    };
                    (field, message)
                })
                .collect(),
            other => return Err(other.into()),
        };
        Ok(Self {
            fields,
            errors,
            labels,
        })
    }
}

/// A timestamp's day and time, as people read it.
pub(crate) fn when(at: &str) -> String {
    at.get(..16).unwrap_or(at).replace('T', " à ")
}

/// A field's value, trimmed; empty when absent.
pub(crate) fn text(fields: &BTreeMap<String, String>, name: &str) -> String {
    fields
        .get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// The page asked for in a list's address (`?page=3`), from 1; anything else is page 1.
pub(crate) fn page_number(query: Option<&str>) -> usize {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "page")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}

/// One page of `items` (the last one when `number` is beyond it) and its pagination.
pub(crate) fn one_page<T>(items: Vec<T>, number: usize, path: &str) -> (Vec<T>, Pagination) {
    let last = items.len().div_ceil(PAGE_SIZE).max(1);
    let number = number.min(last);
    let shown = items
        .into_iter()
        .skip((number - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    (shown, Pagination::new(path, "", number, last * PAGE_SIZE))
}
