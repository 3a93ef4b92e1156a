//! Critical mass: who stands behind a software, and whether it is enough for it to last.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::licence::LicenceFamily;
use super::software::{
    Contributor, ContributorKind, Declaration, DeclarationKind, Instance, ProductSoftware, Software,
};
use crate::text::fold;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// Whether a software has the critical mass to last, by the rule of [`MassClass::of`].
    pub enum MassClass ("masse critique") {
        /// Several organisations use it and an expert answers for it.
        Thriving = ("thriving", "Solide"),
        /// It rests on one organisation at most, or on no expert.
        Fragile = ("fragile", "Fragile"),
        /// Nobody uses it and nobody answers for it.
        Orphan = ("orphan", "Orphelin"),
    }
}

/// Contributors of a software, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ContributorCounts {
    /// Associations, foundations, individuals.
    pub civil_society: usize,
    /// Companies.
    pub company: usize,
    /// Administrations and public bodies.
    pub public_body: usize,
}

/// Who stands behind one software.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CriticalMass {
    /// Distinct organisations that use it: those of its users' declarations and of its
    /// instances, names compared without case or accents.
    pub organisations: usize,
    /// Agents declared as users.
    pub users: usize,
    /// Agents declared as referents.
    pub referents: usize,
    /// Referents who are experts of it.
    pub experts: usize,
    /// Instances run by administrations.
    pub instances: usize,
    /// Its contributors, by kind.
    pub contributors: ContributorCounts,
    /// Products of the portfolio that depend on it.
    pub products: usize,
    /// The class these counts give.
    pub class: MassClass,
}

impl MassClass {
    /// The rule, in this order:
    /// - **orphan** when no organisation uses the software and no agent is its referent;
    /// - **fragile** when it rests on one organisation at most (a single administration
    ///   stopping would leave it unused), or when none of its referents is an expert (no
    ///   one can help another administration adopt it);
    /// - **thriving** otherwise: at least two organisations use it and an expert answers
    ///   for it.
    ///
    /// Contributors, instances and products are shown beside the class but do not change
    /// it: the catalogue's declarations are what an administration can act on.
    pub fn of(organisations: usize, referents: usize, experts: usize) -> Self {
        if organisations == 0 && referents == 0 {
            Self::Orphan
        } else if organisations <= 1 || experts == 0 {
            Self::Fragile
        } else {
            Self::Thriving
        }
    }
}

impl CriticalMass {
    /// The critical mass of `software` from everything stored about the catalogue (the
    /// records of other software are ignored).
    pub fn of(
        software: &Software,
        declarations: &[Declaration],
        instances: &[Instance],
        contributors: &[Contributor],
        links: &[ProductSoftware],
    ) -> Self {
        let slug = &software.slug;
        let mut organisations = BTreeSet::new();
        let (mut users, mut referents, mut experts) = (0, 0, 0);
        for declaration in declarations.iter().filter(|d| &d.software == slug) {
            match declaration.kind {
                DeclarationKind::User => {
                    users += 1;
                    organisations.insert(fold(&declaration.organisation));
                }
                DeclarationKind::Referent => {
                    referents += 1;
                    experts += usize::from(declaration.expert);
                }
            }
        }
        let instances: Vec<&Instance> = instances.iter().filter(|i| &i.software == slug).collect();
        organisations.extend(instances.iter().map(|i| fold(&i.organisation)));
        let mut counts = ContributorCounts::default();
        for contributor in contributors
            .iter()
            .filter(|c| c.software.as_ref() == Some(slug))
        {
            match contributor.kind {
                ContributorKind::CivilSociety => counts.civil_society += 1,
                ContributorKind::Company => counts.company += 1,
                ContributorKind::PublicBody => counts.public_body += 1,
            }
        }
        let products: BTreeSet<_> = links
            .iter()
            .filter(|l| &l.software == slug)
            .map(|l| &l.product)
            .collect();
        Self {
            organisations: organisations.len(),
            users,
            referents,
            experts,
            instances: instances.len(),
            contributors: counts,
            products: products.len(),
            class: MassClass::of(organisations.len(), referents, experts),
        }
    }
}

/// How many software of a group fall in each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClassCounts {
    /// Software in the group.
    pub software: usize,
    /// Thriving ones.
    pub thriving: usize,
    /// Fragile ones.
    pub fragile: usize,
    /// Orphan ones.
    pub orphan: usize,
}

impl ClassCounts {
    fn add(&mut self, class: MassClass) {
        self.software += 1;
        match class {
            MassClass::Thriving => self.thriving += 1,
            MassClass::Fragile => self.fragile += 1,
            MassClass::Orphan => self.orphan += 1,
        }
    }
}

/// One group's figures (a category, a licence family).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct GroupFigures {
    /// The group's stored name (the category's name, the family's).
    pub key: String,
    /// Its label.
    pub label: String,
    /// Its software by class.
    #[serde(flatten)]
    pub counts: ClassCounts,
}

/// The catalogue's critical mass, overall and by group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figures {
    /// The whole catalogue.
    pub total: ClassCounts,
    /// By category, by name; a software in several categories counts in each.
    pub categories: Vec<GroupFigures>,
    /// By licence family, in the families' order, empty ones included.
    pub licence_families: Vec<GroupFigures>,
    /// Contributors of the catalogue itself (software absent).
    pub catalogue_contributors: usize,
}

/// The catalogue's figures from each software with its critical mass.
pub fn figures<'a>(
    catalogue: impl IntoIterator<Item = (&'a Software, &'a CriticalMass)>,
    catalogue_contributors: usize,
) -> Figures {
    let mut total = ClassCounts::default();
    let mut categories: BTreeMap<&str, ClassCounts> = BTreeMap::new();
    let mut families: BTreeMap<LicenceFamily, ClassCounts> = LicenceFamily::ALL
        .iter()
        .map(|family| (*family, ClassCounts::default()))
        .collect();
    for (software, mass) in catalogue {
        total.add(mass.class);
        for category in &software.categories {
            categories.entry(category).or_default().add(mass.class);
        }
        families
            .entry(LicenceFamily::of(&software.licence))
            .or_default()
            .add(mass.class);
    }
    Figures {
        total,
        categories: categories
            .into_iter()
            .map(|(category, counts)| GroupFigures {
                key: category.to_owned(),
                label: category.to_owned(),
                counts,
            })
            .collect(),
        licence_families: families
            .into_iter()
            .map(|(family, counts)| GroupFigures {
                key: family.as_str().to_owned(),
                label: family.label().to_owned(),
                counts,
            })
            .collect(),
        catalogue_contributors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Slug;
    use crate::commons::software::tests::software;

    fn declaration(
        software: &str,
        kind: DeclarationKind,
        organisation: &str,
        expert: bool,
    ) -> Declaration {
        Declaration {
            id: 0,
            software: Slug::parse(software).unwrap(),
            account: 1,
            kind,
            organisation: organisation.into(),
            use_case: String::new(),
            version: None,
            service_url: None,
            expert,
            declared_at: String::new(),
        }
    }

    fn instance(software: &str, organisation: &str) -> Instance {
        Instance {
            id: 0,
            software: Slug::parse(software).unwrap(),
            organisation: organisation.into(),
            url: "https://x.gouv.fr".into(),
            audience: String::new(),
            public: true,
        }
    }

    #[test]
    fn the_rule_on_counts() {
        assert_eq!(MassClass::of(0, 0, 0), MassClass::Orphan);
        // A referent alone is not orphan, but rests on no organisation.
        assert_eq!(MassClass::of(0, 1, 1), MassClass::Fragile);
        assert_eq!(MassClass::of(1, 3, 2), MassClass::Fragile);
        assert_eq!(MassClass::of(5, 2, 0), MassClass::Fragile);
        assert_eq!(MassClass::of(2, 1, 1), MassClass::Thriving);
    }

    #[test]
    fn hand_built_catalogue() {
        use DeclarationKind::{Referent, User};
        let postgresql = software("PostgreSQL");
        let libreoffice = software("LibreOffice");
        let nextcloud = software("Nextcloud");
        let declarations = vec![
            declaration("postgresql", User, "DINUM", false),
            // The same organisation spelt otherwise counts once.
            declaration("postgresql", User, "dinum ", false),
            declaration("postgresql", Referent, "Insee", true),
            declaration("libreoffice", User, "Ministère de la Culture", false),
            declaration("libreoffice", User, "ministere de la culture", false),
            declaration("libreoffice", Referent, "DGFiP", true),
            // A referent's own organisation does not make it used.
            declaration("nextcloud", Referent, "x", false),
        ];
        let instances = vec![instance("postgresql", "IGN")];
        let contributors = vec![Contributor {
            id: 0,
            software: Some(Slug::parse("postgresql").unwrap()),
            name: "PostgreSQL Global Development Group".into(),
            acronym: None,
            kind: ContributorKind::CivilSociety,
            url: None,
        }];
        let links = vec![ProductSoftware {
            product: Slug::parse("a-just").unwrap(),
            software: Slug::parse("postgresql").unwrap(),
            role: crate::commons::SoftwareRole::Techno,
        }];
        let mass =
            |s: &Software| CriticalMass::of(s, &declarations, &instances, &contributors, &links);
        let pg = mass(&postgresql);
        assert_eq!(
            (
                pg.organisations,
                pg.users,
                pg.referents,
                pg.experts,
                pg.instances,
                pg.products
            ),
            (2, 2, 1, 1, 1, 1)
        );
        assert_eq!(pg.contributors.civil_society, 1);
        assert_eq!(pg.class, MassClass::Thriving);
        let office = mass(&libreoffice);
        assert_eq!(
            (office.organisations, office.class),
            (1, MassClass::Fragile)
        );
        assert_eq!(mass(&nextcloud).class, MassClass::Fragile);
        let nobody = CriticalMass::of(&nextcloud, &[], &[], &[], &[]);
        assert_eq!(nobody.class, MassClass::Orphan);

        let masses = [pg, office, nobody];
        let mut catalogue = [postgresql, libreoffice, nextcloud];
        catalogue[0].categories = vec!["Base de données".into()];
        catalogue[1].categories = vec!["Bureautique".into()];
        catalogue[1].licence = "GPL-3.0".into();
        catalogue[2].categories = vec!["Bureautique".into()];
        let figures = figures(catalogue.iter().zip(masses.iter()), 24);
        assert_eq!(figures.total.software, 3);
        assert_eq!(
            (
                figures.total.thriving,
                figures.total.fragile,
                figures.total.orphan
            ),
            (1, 1, 1)
        );
        let office_category = &figures.categories[1];
        assert_eq!(office_category.key, "Bureautique");
        assert_eq!(
            (
                office_category.counts.software,
                office_category.counts.orphan
            ),
            (2, 1)
        );
        assert_eq!(figures.licence_families.len(), 4);
        assert_eq!(figures.licence_families[0].counts.fragile, 1);
        assert_eq!(figures.licence_families[1].counts.software, 2);
        assert_eq!(figures.catalogue_contributors, 24);
    }
}
