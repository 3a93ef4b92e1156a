//! Licence families, from SPDX identifiers.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// How much a licence asks of those who redistribute the software.
    pub enum LicenceFamily ("famille de licence") {
        /// Derived works, the whole program, stay under the licence (GPL, AGPL, EUPL, `CeCILL`).
        CopyleftStrong = ("copyleft_strong", "Copyleft fort"),
        /// Changes to the licensed files stay under it (LGPL, MPL, EPL, `CeCILL-C`).
        CopyleftWeak = ("copyleft_weak", "Copyleft faible"),
        /// Few conditions beyond attribution (MIT, BSD, Apache, `CeCILL-B`).
        Permissive = ("permissive", "Permissive"),
        /// Anything else, or no licence given.
        Other = ("other", "Autre ou inconnue"),
    }
}

/// Prefixes of SPDX identifiers (upper case) by family, the longest first where one prefix
/// starts another (`LGPL` before `GPL`, `CECILL-B` before `CECILL`).
const PREFIXES: &[(&str, LicenceFamily)] = &[
    ("AGPL", LicenceFamily::CopyleftStrong),
    ("LGPL", LicenceFamily::CopyleftWeak),
    ("GPL", LicenceFamily::CopyleftStrong),
    ("EUPL", LicenceFamily::CopyleftStrong),
    ("OSL", LicenceFamily::CopyleftStrong),
    ("CECILL-B", LicenceFamily::Permissive),
    ("CECILL-C", LicenceFamily::CopyleftWeak),
    ("CECILL", LicenceFamily::CopyleftStrong),
    ("MPL", LicenceFamily::CopyleftWeak),
    ("EPL", LicenceFamily::CopyleftWeak),
    ("CPL", LicenceFamily::CopyleftWeak),
    ("IPL", LicenceFamily::CopyleftWeak),
    ("CDDL", LicenceFamily::CopyleftWeak),
    ("MIT", LicenceFamily::Permissive),
    ("X11", LicenceFamily::Permissive),
    ("BSD", LicenceFamily::Permissive),
    ("0BSD", LicenceFamily::Permissive),
    ("APACHE", LicenceFamily::Permissive),
    ("ISC", LicenceFamily::Permissive),
    ("POSTGRESQL", LicenceFamily::Permissive),
    ("ZLIB", LicenceFamily::Permissive),
    ("OLDAP", LicenceFamily::Permissive),
    ("ARTISTIC", LicenceFamily::Permissive),
    ("UNLICENSE", LicenceFamily::Permissive),
];

impl LicenceFamily {
    /// The family of a licence as the catalogue gives it: an SPDX identifier, or a list or
    /// an expression of several (`GPL-2.0, LGPL-3.0`, `MIT OR Apache-2.0`), which is
    /// classed by its first identifier, the one the catalogue names first. Anything
    /// unknown, `N/A` included, is [`LicenceFamily::Other`].
    pub fn of(licence: &str) -> Self {
        let first = licence
            .split([',', '/', '(', ')', ' '])
            .map(str::trim)
            .find(|part| !part.is_empty())
            .unwrap_or_default()
            .to_ascii_uppercase();
        PREFIXES
            .iter()
            .find(|(prefix, _)| first.starts_with(prefix))
            .map_or(Self::Other, |(_, family)| *family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_of_the_catalogue_s_licences() {
        use LicenceFamily::{CopyleftStrong, CopyleftWeak, Other, Permissive};
        for (licence, family) in [
            ("GPL-3.0-only", CopyleftStrong),
            ("GPL V2.0", CopyleftStrong),
            ("AGPL-3.0-or-later", CopyleftStrong),
            ("EUPL-1.1", CopyleftStrong),
            ("CECILL-2.1", CopyleftStrong),
            ("CeCILL-B", Permissive),
            ("LGPL-2.1, LGPL-2.0,  LGPL-3.0", CopyleftWeak),
            ("LGPL-v2.1", CopyleftWeak),
            ("MPL 2.0 et EPL 1.0", CopyleftWeak),
            ("MIT, LGPL-3, AGPL-3", Permissive),
            ("Apache-2.0", Permissive),
            ("BSD-3-Clause", Permissive),
            ("PostgreSQL", Permissive),
            ("(MIT OR Apache-2.0)", Permissive),
            ("N/A", Other),
            ("CC-BY-SA-4.0", Other),
            ("", Other),
        ] {
            assert_eq!(LicenceFamily::of(licence), family, "{licence}");
        }
    }
}
