//! Closed lists of values with a stored name and a French label.

/// Declares an enum whose variants each have a stored name (also its JSON form) and a French
/// label, with `ALL`, `as_str`, `label` and `parse`; an unknown name is
/// [`crate::DomainError::UnknownValue`] naming `what` the list is.
///
/// A stored name is taken as a bare token (`tt`), not a `literal` fragment: the OpenAPI
/// derive reads `#[serde(rename = ...)]` only from a plain literal token, and would
/// otherwise publish the variants' Rust names instead of the stored ones.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = ($stored:tt, $label:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $stored)] $variant, )+
        }

        impl $name {
            /// Every value, in the forms' order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored name.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $stored,)+ }
            }

            /// The French label.
            pub const fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// Parses a stored name.
            pub fn parse(name: &str) -> Result<Self, $crate::DomainError> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == name)
                    .ok_or_else(|| $crate::DomainError::UnknownValue {
                        what: $what,
                        value: name.to_owned(),
                    })
            }
        }
    };
}

pub(crate) use vocabulary;
