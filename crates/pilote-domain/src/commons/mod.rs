//! The `commons` context: pooled free software — the interministerial catalogue (SILL), the
//! agents who use a software or answer for it, the instances administrations run, its
//! contributors, and the products of the portfolio that depend on it.
//!
//! A [`Software`] entry is described by the catalogue; agents add [`Declaration`]s (user or
//! referent); [`Instance`]s and [`Contributor`]s complete the picture. From them,
//! [`CriticalMass`] counts who stands behind a software and classes it by the documented
//! rule of [`MassClass::of`]; [`figures`] sums the catalogue by category and licence family.
//! Pure: no I/O here.

mod licence;
mod mass;
mod software;
mod techno;

pub use licence::LicenceFamily;
pub use mass::{
    ClassCounts, ContributorCounts, CriticalMass, Figures, GroupFigures, MassClass, figures,
};
pub use software::{
    CatalogueStatus, Contributor, ContributorKind, Declaration, DeclarationKind, Instance,
    OperatingSystem, ProductSoftware, Software, SoftwareKind, SoftwareRole, software_slug,
};
pub use techno::{TechnoMatch, UnmatchedTechno, match_techno};
