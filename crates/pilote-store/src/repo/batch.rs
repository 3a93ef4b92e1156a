//! Statements over many rows at once, kept under both backends' limits on bound values.
//!
//! Compiled once per backend (see `sqlite.rs` and `postgres.rs`).

use sqlx::{FromRow, Transaction};

use super::Db;
use crate::Result;

type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

/// Most bound values in one statement: under SQLite's 32,766 and PostgreSQL's 65,535.
pub(crate) const MAX_BINDS: usize = 30_000;

/// One row's values in a multi-row insert.
pub(crate) type Row<'q, 'a> = sqlx::query_builder::Separated<'q, 'a, Db, &'static str>;

/// Inserts rows with as few statements as the bind limit allows; `head` is
/// `INSERT INTO table (columns) ` and `bind` pushes one row's `columns` values.
pub(crate) async fn insert<'a, T>(
    tx: &mut Tx<'_>,
    head: &str,
    columns: usize,
    rows: &'a [T],
    mut bind: impl FnMut(&mut Row<'_, 'a>, &'a T),
) -> Result<()> {
    for chunk in rows.chunks(MAX_BINDS / columns) {
        let mut builder = sqlx::QueryBuilder::<Db>::new(head);
        builder.push_values(chunk, |mut row, item| bind(&mut row, item));
        builder.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// The rows of `select` (a `SELECT ... FROM ...` without `WHERE`), all of them or, with a
/// filter, those whose `column` is one of `values`, each statement ordered by `order`.
pub(crate) async fn fetch<R, V>(
    conn: &mut Conn,
    select: &str,
    filter: Option<(&str, &[V])>,
    order: &str,
) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    V: AsRef<str>,
{
    let Some((column, values)) = filter else {
        return Ok(
            sqlx::query_as::<_, R>(&format!("{select} ORDER BY {order}"))
                .fetch_all(&mut *conn)
                .await?,
        );
    };
    let mut rows = Vec::new();
    for chunk in values.chunks(MAX_BINDS) {
        let mut builder = sqlx::QueryBuilder::<Db>::new(select);
        builder.push(format!(" WHERE {column} IN ("));
        let mut list = builder.separated(", ");
        for value in chunk {
            list.push_bind(value.as_ref());
        }
        builder.push(format!(") ORDER BY {order}"));
        rows.extend(builder.build_query_as::<R>().fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}
