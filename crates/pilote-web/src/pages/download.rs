//! Lists offered as downloads, with the same filters as their page: CSV for spreadsheets,
//! JSON for programs.

use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::PageError;
use crate::ApiError;

/// A downloadable table: machine-readable column names and rows of text.
pub struct Table {
    /// The file's name, without extension.
    pub name: &'static str,
    /// Column names, as in the CSV header and the JSON keys.
    pub columns: &'static [&'static str],
    /// The rows, one text per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as a CSV attachment.
    pub fn csv(self) -> Result<Response, PageError> {
        let internal = |e: csv::Error| ApiError::Internal(e.to_string());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(self.columns).map_err(internal)?;
        for row in &self.rows {
            writer.write_record(row).map_err(internal)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let disposition = format!("attachment; filename=\"{}.csv\"", self.name);
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response())
    }

    /// The table as a JSON array of objects keyed by column.
    pub fn json(self) -> Response {
        let objects: Vec<Value> = self
            .rows
            .into_iter()
            .map(|row| {
                let object: Map<String, Value> = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(column, value)| ((*column).to_owned(), Value::String(value)))
                    .collect();
                Value::Object(object)
            })
            .collect();
        Json(objects).into_response()
    }
}
