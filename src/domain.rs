//! Domain types: parsed, validated values that the rest of the crate trusts.
//!
//! Raw input (CSV cells, query strings) is turned into these types at the boundary; past it,
//! nothing is a bare string that means a postcode, a nation or a service.

mod centre;
pub mod coordinates;
mod nation;
mod postcode;

pub use centre::{parse_age, AgeRange, CentreKind, Service, TyaRole};
pub use coordinates::Coordinates;
pub use nation::{Nation, Territory};
pub use postcode::{PostcodeQuery, UkPostcode};

/// A closed vocabulary: a type whose values have a fixed wire name.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// What the vocabulary is called in messages ("kind", "nation").
    const WHAT: &'static str;
    /// The value's wire / CSV name.
    fn as_str(self) -> &'static str;

    /// Parse a wire name (case-insensitive, surrounding space ignored).
    fn parse(raw: &str) -> Result<Self, String> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == wanted)
            .ok_or_else(|| {
                format!(
                    "unknown {} '{}'; allowed: {}",
                    Self::WHAT,
                    raw.trim(),
                    Self::allowed()
                )
            })
    }

    /// The allowed names, comma separated, for error messages.
    fn allowed() -> String {
        Self::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Declares a closed vocabulary enum with its wire names.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::domain::Vocabulary for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const WHAT: &'static str = $what;
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::domain::Vocabulary::as_str(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                <Self as $crate::domain::Vocabulary>::parse(s)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::domain::Vocabulary::as_str(*self))
            }
        }
    };
}
pub(crate) use vocabulary;
