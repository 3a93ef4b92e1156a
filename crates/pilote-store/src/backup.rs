//! Backups of a SQLite database: an online snapshot taken while servers write, and a
//! restore that checks the snapshot before it replaces anything. PostgreSQL is backed up
//! with its own tools (`pg_dump`, base backups), as the README says.

use std::path::{Path, PathBuf};

use crate::{Result, Store, StoreError};

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    /// Migrations applied to it.
    pub migrations: usize,
    /// Entries of its audit log, whose chain holds.
    pub audit_entries: usize,
    /// Products.
    pub products: usize,
    /// Members.
    pub members: usize,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// What the restored database holds.
    pub check: BackupCheck,
    /// Where the database it replaced was kept, if there was one.
    pub previous: Option<PathBuf>,
}

fn refused(reason: impl Into<String>) -> StoreError {
    StoreError::Refused(reason.into())
}

fn io(what: &str, path: &Path, error: &std::io::Error) -> StoreError {
    refused(format!("{what} {} : {error}", path.display()))
}

/// The file of a `sqlite://` URL.
pub fn sqlite_file(url: &str) -> Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| refused("la sauvegarde et la restauration par Pilote ne valent que pour SQLite ; pour PostgreSQL, utilisez pg_dump et pg_restore"))?;
    let file = rest.split('?').next().unwrap_or(rest);
    if file.is_empty() || file == ":memory:" {
        return Err(refused("une base SQLite en mémoire ne se sauvegarde pas"));
    }
    Ok(PathBuf::from(file))
}

impl Store {
    /// Writes a consistent snapshot of this SQLite database to `file` (which must not
    /// exist), while other connections keep reading and writing: `VACUUM INTO` reads one
    /// transaction's view of the database.
    pub async fn backup_to(&self, file: &Path) -> Result<()> {
        let Store::Sqlite(pool) = self else {
            return Err(refused(
                "la sauvegarde par Pilote ne vaut que pour SQLite ; pour PostgreSQL, utilisez pg_dump",
            ));
        };
        if file.exists() {
            return Err(refused(format!("{} existe déjà", file.display())));
        }
        let target = file
            .to_str()
            .ok_or_else(|| refused("le chemin de la sauvegarde doit être en UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }
}

/// Checks a backup without changing it: a copy is opened, its pages checked by SQLite, its
/// migrations compared with this build's, its audit chain verified and its records read.
pub async fn check_backup(file: &Path) -> Result<BackupCheck> {
    let scratch = tempfile::tempdir().map_err(|e| io("dossier temporaire", file, &e))?;
    let copy = scratch.path().join("verification.db");
    std::fs::copy(file, &copy).map_err(|e| io("lecture de", file, &e))?;
    let store = Store::connect(&format!("sqlite://{}", copy.display()))
        .await
        .map_err(|e| {
            refused(format!(
                "{} n'est pas une base SQLite lisible : {e}",
                file.display()
            ))
        })?;
    let checked = check_open(&store, file).await;
    store.close().await;
    checked
}

async fn check_open(store: &Store, file: &Path) -> Result<BackupCheck> {
    let Store::Sqlite(pool) = store else {
        return Err(refused("une sauvegarde est un fichier SQLite"));
    };
    let not_sqlite = |e: sqlx::Error| {
        refused(format!(
            "{} n'est pas une base SQLite saine : {e}",
            file.display()
        ))
    };
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(pool)
        .await
        .map_err(not_sqlite)?;
    if integrity != ["ok"] {
        return Err(refused(format!(
            "{} est endommagée : {}",
            file.display(),
            integrity.join(" ; ")
        )));
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await
            .map_err(|_| refused(format!("{} n'est pas une base de Pilote", file.display())))?;
    let known = crate::sqlite::known_migrations();
    if let Some(unknown) = applied.iter().find(|version| !known.contains(version)) {
        return Err(refused(format!(
            "{} vient d'une version plus récente de Pilote (migration {unknown} inconnue)",
            file.display()
        )));
    }
    store.migrate().await?;
    let verification = store.verify_audit().await?;
    if let Some(chain_break) = verification.first_break {
        return Err(refused(format!(
            "le journal d'audit de {} est rompu à l'entrée {} ",
            file.display(),
            chain_break.seq
        )));
    }
    let portfolio = store.load_portfolio().await?;
    Ok(BackupCheck {
        migrations: applied.len(),
        audit_entries: verification.entries,
        products: portfolio.products.len(),
        members: portfolio.members.len(),
    })
}

/// Replaces the SQLite database of `url` with the backup `file`, once checked; the
/// database replaced is kept beside it (`NAME.avant-restauration-TIME`). The servers and
/// workers using it must be stopped first.
pub async fn restore(file: &Path, url: &str) -> Result<Restored> {
    let database = sqlite_file(url)?;
    let check = check_backup(file).await?;
    let directory = database
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = database
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| refused("nom de base invalide"))?
        .to_owned();
    // Copied beside the database first, so that the final step is a rename on one disk.
    let incoming = directory.join(format!("{name}.restauration"));
    std::fs::copy(file, &incoming).map_err(|e| io("copie vers", &incoming, &e))?;
    std::fs::File::open(&incoming)
        .and_then(|copy| copy.sync_all())
        .map_err(|e| io("écriture de", &incoming, &e))?;
    let previous = if database.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let kept = directory.join(format!("{name}.avant-restauration-{stamp}"));
        std::fs::rename(&database, &kept).map_err(|e| io("mise de côté de", &database, &e))?;
        for suffix in ["-wal", "-shm"] {
            let side = directory.join(format!("{name}{suffix}"));
            if side.exists() {
                let kept_side =
                    directory.join(format!("{name}.avant-restauration-{stamp}{suffix}"));
                std::fs::rename(&side, &kept_side).map_err(|e| io("mise de côté de", &side, &e))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&incoming, &database).map_err(|e| io("remplacement de", &database, &e))?;
    Ok(Restored { check, previous })
}
