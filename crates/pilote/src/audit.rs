//! `pilote audit ...` and `pilote member ...`: checking and reading the audit log, and a
//! member's personal data (export, erasure), from the command line.

use std::process::ExitCode;

use anyhow::Context;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_store::{Store, StoreError};

/// The person running the command, as the audit log names them: the OS user.
pub fn cli_actor() -> Actor {
    Actor::cli(std::env::var("USER").unwrap_or_else(|_| "inconnu".to_owned()))
}

/// `pilote audit verify`: exits with 1 when the chain is broken.
pub async fn verify(store: &Store) -> anyhow::Result<ExitCode> {
    let verification = store.verify_audit().await?;
    match verification.first_break {
        None => {
            println!("Journal d'audit intact : {} entrées.", verification.entries);
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            println!(
                "Journal d'audit altéré à l'entrée n° {} : {}",
                broken.seq, broken.reason
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `pilote audit history KIND ID`: one line per entry, oldest first.
pub async fn history(store: &Store, kind: &str, id: &str) -> anyhow::Result<ExitCode> {
    let entries = store.audit_history(kind, id).await?;
    if entries.is_empty() {
        println!("Aucune entrée du journal d'audit pour {kind} « {id} ».");
    }
    for entry in entries {
        println!(
            "n° {:<6} {}  {:<13} {}",
            entry.seq,
            entry.at.format("%Y-%m-%d %H:%M:%S UTC"),
            entry.action.label(),
            entry.actor
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn member_slug(slug: &str) -> anyhow::Result<Slug> {
    Slug::parse(slug).context("identifiant de membre invalide")
}

/// `pilote member export SLUG`: everything held on the member, as pretty JSON.
pub async fn export(store: &Store, slug: &str) -> anyhow::Result<ExitCode> {
    match store.member_export(&member_slug(slug)?).await {
        Ok(export) => {
            println!("{}", serde_json::to_string_pretty(&export)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::NotFound) => {
            eprintln!("Pilote ne détient aucune donnée sur « {slug} ».");
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}

/// `pilote member erase SLUG`: erases the member's personal data and says what was done.
pub async fn erase(store: &Store, slug: &str) -> anyhow::Result<ExitCode> {
    let erasure = match store.erase_person(&member_slug(slug)?, &cli_actor()).await {
        Ok(erasure) => erasure,
        Err(StoreError::NotFound) => {
            eprintln!("Pilote ne détient aucune donnée sur « {slug} ».");
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => return Err(error.into()),
    };
    println!("Données personnelles de « {slug} » effacées :");
    if !erasure.member_found {
        println!("  - la fiche du membre n'existe plus ;");
    } else if erasure.cleared_fields.is_empty() {
        println!("  - aucun champ personnel n'était renseigné sur la fiche ;");
    } else {
        println!(
            "  - champs vidés sur la fiche : {} ;",
            erasure.cleared_fields.join(", ")
        );
    }
    if erasure.destroyed_keys.is_empty() {
        println!("  - aucune valeur personnelle dans le journal d'audit ;");
    } else {
        println!(
            "  - clés détruites ({}) : leurs valeurs dans le journal d'audit se lisent désormais « [effacé] » ;",
            erasure.destroyed_keys.join(", ")
        );
    }
    if !erasure.deleted_accounts.is_empty() {
        println!(
            "  - comptes supprimés, avec leurs rôles, sessions et jetons : {} ;",
            erasure
                .deleted_accounts
                .iter()
                .map(|id| format!("n° {id}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!("  - l'effacement est consigné au journal d'audit, sans aucune valeur personnelle.");
    Ok(ExitCode::SUCCESS)
}
