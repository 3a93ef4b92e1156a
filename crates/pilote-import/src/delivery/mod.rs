//! Releases of the portfolio's products, read from their repositories' forges.

mod forge;

pub use forge::{ForgeApis, ForgeClient, ForgeError, MAX_PAGES};

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::delivery::{Forge, Repository};
use pilote_domain::portfolio::Product;
use pilote_store::Store;

use crate::ImportError;

/// What an import of releases did, product by product.
#[derive(Debug, Default)]
pub struct ReleaseImport {
    /// Products whose forge answered: (product, releases found, releases changed).
    pub imported: Vec<(Slug, usize, usize)>,
    /// Products whose repository is not on a forge with an API: declare their releases.
    pub without_forge: Vec<Slug>,
    /// Products whose forge failed or refused, with the reason; their stored releases stay.
    pub failed: Vec<(Slug, ForgeError)>,
}

/// Reads the releases of each of `products` from its repository's forge and stores them,
/// one transaction per product. A forge whose rate limit is spent is not asked again in
/// this run; its remaining products are listed as failed with the same reason.
pub async fn import_releases(
    store: &Store,
    client: &ForgeClient,
    products: &[Product],
    actor: &Actor,
) -> Result<ReleaseImport, ImportError> {
    let mut outcome = ReleaseImport::default();
    let mut exhausted: Vec<(Forge, String, ForgeError)> = Vec::new();
    for product in products {
        let Some(repository) = product.repository.as_deref().and_then(Repository::parse) else {
            outcome.without_forge.push(product.slug.clone());
            continue;
        };
        let spent = exhausted
            .iter()
            .find(|(forge, host, _)| *forge == repository.forge && *host == repository.host);
        if let Some((_, _, reason)) = spent {
            outcome.failed.push((product.slug.clone(), reason.clone()));
            continue;
        }
        match client.releases(&product.slug, &repository).await {
            Ok(releases) => {
                let changed = store
                    .replace_forge_releases(&product.slug, &releases, actor)
                    .await?;
                outcome
                    .imported
                    .push((product.slug.clone(), releases.len(), changed));
            }
            Err(error) => {
                if matches!(error, ForgeError::RateLimited { .. }) {
                    exhausted.push((repository.forge, repository.host.clone(), error.clone()));
                }
                outcome.failed.push((product.slug.clone(), error));
            }
        }
    }
    Ok(outcome)
}
