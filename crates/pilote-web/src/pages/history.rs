//! The history of a record, from the audit log, for administrators.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use std::collections::HashMap;

use pilote_domain::audit::{ActorKind, AuditEntry};
use pilote_domain::identity::{Action, Target};
use serde_json::Value;

use super::{Layout, PageError, page};
use crate::api::path_slug;
use crate::auth::{Visitor, authorize};
use crate::{ApiError, AppState};

/// One change as the page shows it.
struct Change {
    seq: i64,
    at: String,
    actor: String,
    action: &'static str,
    fields: Vec<String>,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    title: String,
    back: String,
    changes: Vec<Change>,
}

/// The top-level fields whose values differ between two versions of a record.
fn changed_fields(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let before = before.and_then(Value::as_object).unwrap_or(&empty);
    let after = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut fields: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|key| before.get(*key) != after.get(*key))
        .cloned()
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

/// Who made a change, named from the accounts of today: the log itself holds numbers only.
fn actor_name(entry: &AuditEntry, accounts: &HashMap<i64, String>) -> String {
    match entry
        .actor
        .account_number()
        .and_then(|id| accounts.get(&id))
    {
        Some(name) if entry.actor.kind == ActorKind::Token => {
            format!("{name} ({})", entry.actor)
        }
        Some(name) => name.clone(),
        None => entry.actor.to_string(),
    }
}

fn change_of(entry: &AuditEntry, accounts: &HashMap<i64, String>) -> Change {
    Change {
        seq: entry.seq,
        at: entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        actor: actor_name(entry, accounts),
        action: entry.action.label(),
        fields: changed_fields(entry.before.as_ref(), entry.after.as_ref()),
    }
}

/// The history page of a record; a deleted record keeps its history, under its slug.
async fn history(
    state: &AppState,
    visitor: &Visitor,
    kind: &str,
    slug: &pilote_domain::Slug,
    (section, section_label): (&str, &str),
    title: Option<String>,
) -> Result<Html<String>, PageError> {
    let title = title.unwrap_or_else(|| slug.to_string());
    let slug = slug.as_str();
    authorize(
        visitor.principal.as_ref(),
        Action::ReadAuditLog,
        &[Target::default()],
    )?;
    let entries = state
        .store()
        .audit_history(kind, slug)
        .await
        .map_err(ApiError::from)?;
    let accounts: HashMap<i64, String> = state
        .store()
        .accounts()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|account| (account.id, account.display_name()))
        .collect();
    let back = format!("{section}/{slug}");
    page(&HistoryPage {
        layout: Layout::new(
            section,
            &[
                (section, section_label),
                (&back, &title),
                ("", "Historique"),
            ],
        ),
        changes: entries
            .iter()
            .rev()
            .map(|entry| change_of(entry, &accounts))
            .collect(),
        title,
        back,
    })
}

/// `GET /produits/{slug}/historique`.
pub async fn product(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let title = state.model().product(&slug).map(|p| p.title.clone());
    let section = ("/produits", "Produits");
    history(&state, &visitor, "product", &slug, section, title).await
}

/// `GET /membres/{slug}/historique`.
pub async fn member(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let title = state.model().member(&slug).map(|m| m.fullname.clone());
    let section = ("/membres", "Membres");
    history(&state, &visitor, "member", &slug, section, title).await
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_changed_fields() {
        let before = serde_json::json!({"title": "A", "mission": "m", "gone": 1});
        let after = serde_json::json!({"title": "B", "mission": "m", "new": 2});
        assert_eq!(
            changed_fields(Some(&before), Some(&after)),
            vec!["gone", "new", "title"]
        );
        assert_eq!(
            changed_fields(None, Some(&after)),
            vec!["mission", "new", "title"]
        );
    }
}
