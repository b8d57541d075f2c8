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
pub trait Vocabulary: Sized + Copy + 'static + strum::VariantArray + Into<&'static str> {
    /// Every value, in display order.
    const ALL: &'static [Self] = Self::VARIANTS;
    /// What the vocabulary is called in messages ("kind", "nation").
    const WHAT: &'static str;

    /// The value's wire / CSV name (the same as its JSON).
    fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parse a wire name (case-insensitive, surrounding space ignored).
    fn parse(raw: &str) -> Result<Self, String> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == wanted)
            .ok_or_else(|| {
                crate::tr!(
                    "error-vocabulary",
                    what = Self::WHAT,
                    value = raw.trim(),
                    allowed = Self::allowed()
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

/// Declares a closed vocabulary: an enum whose wire name (JSON, CSV cell, query parameter) is
/// its variant's name in snake case (or its `rename`), with the list of its values.
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident($what:literal) { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, utoipa::ToSchema,
            strum::IntoStaticStr, strum::VariantArray, strum::Display, strum::EnumString,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case", ascii_case_insensitive)]
        pub enum $name { $($body)* }

        impl $crate::domain::Vocabulary for $name {
            const WHAT: &'static str = $what;
        }
    };
}
pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Cancer, Measure, Setting, Sex};

    /// Every value's wire name is its JSON, and the names are those the data files and the
    /// API have always used.
    fn wire_names<V>() -> Vec<&'static str>
    where
        V: Vocabulary + serde::Serialize + PartialEq + std::fmt::Debug,
    {
        V::ALL
            .iter()
            .map(|v| {
                assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
                assert_eq!(V::parse(&v.as_str().to_ascii_uppercase()).ok(), Some(*v));
                v.as_str()
            })
            .collect()
    }

    #[test]
    fn vocabularies_keep_their_wire_names() {
        assert_eq!(
            wire_names::<Nation>(),
            ["england", "scotland", "wales", "northern_ireland"]
        );
        assert_eq!(
            wire_names::<Territory>(),
            [
                "england",
                "scotland",
                "wales",
                "northern_ireland",
                "crown_dependency"
            ]
        );
        assert_eq!(wire_names::<CentreKind>(), ["cancer_centre", "tya_unit"]);
        assert_eq!(
            wire_names::<TyaRole>(),
            ["ptc", "designated_hospital", "childrens_ptc"]
        );
        assert_eq!(
            wire_names::<Service>(),
            [
                "chemotherapy",
                "radiotherapy",
                "stem_cell_transplant",
                "car_t",
                "proton_beam",
                "targeted_therapy",
                "clinical_trials",
                "fertility_preservation",
                "mrd_testing",
                "tya_unit"
            ]
        );
        assert_eq!(
            wire_names::<Cancer>(),
            [
                "all_cancers",
                "all_cancers_excl_nmsc",
                "acute_lymphoblastic_leukaemia",
                "leukaemia"
            ]
        );
        assert_eq!(
            wire_names::<Measure>(),
            [
                "new_cases_per_year",
                "new_cases_per_day",
                "deaths_per_year",
                "rate_per_100k"
            ]
        );
        assert_eq!(wire_names::<Sex>(), ["all", "female", "male"]);
        assert_eq!(
            wire_names::<Setting>(),
            [
                "childrens_ptc",
                "tya_ptc",
                "tya_ptc_or_designated_hospital",
                "adult_cancer_centre"
            ]
        );
        assert!(Service::parse("magic")
            .unwrap_err()
            .contains("allowed: chemotherapy"));
    }
}
