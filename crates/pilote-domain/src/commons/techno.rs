//! Products' `techno` values matched to the catalogue's software.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::software::{ProductSoftware, Software, SoftwareRole};
use crate::Slug;
use crate::portfolio::Product;
use crate::text::fold;

/// A techno value no software matches unambiguously, with the products that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnmatchedTechno {
    /// The value, as the first product (by slug) spells it.
    pub techno: String,
    /// The software whose names it matches when more than one does.
    #[schema(value_type = Vec<String>)]
    pub candidates: Vec<Slug>,
    /// The products that name it, by slug.
    #[schema(value_type = Vec<String>)]
    pub products: Vec<Slug>,
}

/// What matching the products' techno against the catalogue gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TechnoMatch {
    /// Links of products to the software their techno names, role `techno`.
    pub links: Vec<ProductSoftware>,
    /// The values left for a person to link, by folded value.
    pub unmatched: Vec<UnmatchedTechno>,
}

/// Matches every product's techno values to software by name, without case or accents
/// (`postgresql`, `PostgreSQL`, `Postgresql` all name « PostgreSQL »). A value is linked
/// only when exactly one software bears that name; the others are listed.
pub fn match_techno(products: &[Product], catalogue: &[Software]) -> TechnoMatch {
    let mut by_name: BTreeMap<String, Vec<&Slug>> = BTreeMap::new();
    for software in catalogue {
        by_name
            .entry(fold(&software.name))
            .or_default()
            .push(&software.slug);
    }
    let mut links = Vec::new();
    let mut unmatched: BTreeMap<String, UnmatchedTechno> = BTreeMap::new();
    for product in products {
        for techno in &product.techno {
            let key = fold(techno);
            if key.is_empty() {
                continue;
            }
            match by_name.get(&key).map(Vec::as_slice) {
                Some([software]) => links.push(ProductSoftware {
                    product: product.slug.clone(),
                    software: (*software).clone(),
                    role: SoftwareRole::Techno,
                }),
                found => {
                    let entry = unmatched.entry(key).or_insert_with(|| UnmatchedTechno {
                        techno: techno.clone(),
                        candidates: found
                            .unwrap_or_default()
                            .iter()
                            .map(|s| (*s).clone())
                            .collect(),
                        products: Vec::new(),
                    });
                    entry.products.push(product.slug.clone());
                }
            }
        }
    }
    links.sort();
    links.dedup();
    let mut unmatched: Vec<UnmatchedTechno> = unmatched.into_values().collect();
    for techno in &mut unmatched {
        techno.products.sort();
        techno.products.dedup();
    }
    TechnoMatch { links, unmatched }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commons::software::tests::software;

    fn product(slug: &str, techno: &[&str]) -> Product {
        let mut product: Product = serde_json::from_value(serde_json::json!({
            "slug": slug, "title": slug, "mission": "", "incubator": "dinum",
        }))
        .unwrap();
        product.techno = techno.iter().map(|t| (*t).to_owned()).collect();
        product
    }

    #[test]
    fn links_unambiguous_names_only() {
        let mut twin = software("Grammalecte");
        twin.slug = Slug::parse("grammalecte-firefox").unwrap();
        let catalogue = vec![software("PostgreSQL"), software("Grammalecte"), twin];
        let products = vec![
            product("a", &["postgresql", "Ruby on Rails", "grammalecte"]),
            product("b", &["PostgreSQL", "ruby on rails", " "]),
        ];
        let result = match_techno(&products, &catalogue);
        assert_eq!(result.links.len(), 2);
        assert!(
            result
                .links
                .iter()
                .all(|l| l.software.as_str() == "postgresql")
        );
        assert_eq!(result.unmatched.len(), 2);
        assert_eq!(result.unmatched[0].techno, "grammalecte".to_owned());
        assert_eq!(result.unmatched[0].candidates.len(), 2);
        assert_eq!(result.unmatched[1].techno, "Ruby on Rails");
        assert_eq!(result.unmatched[1].products.len(), 2);
    }
}
