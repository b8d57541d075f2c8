//! The four UK nations, and the wider set of territories a postcode can belong to.

use super::vocabulary;

vocabulary! {
    /// A nation of the United Kingdom: each has its own NHS and its own cancer registry.
    pub enum Nation("nation") {
        England,
        Scotland,
        Wales,
        NorthernIreland,
    }
}

impl Nation {
    /// The name people use, in the language being spoken ("Northern Ireland", "Gogledd
    /// Iwerddon").
    pub fn display_name(self) -> String {
        match self {
            Nation::England => crate::tr!("nation-england"),
            Nation::Scotland => crate::tr!("nation-scotland"),
            Nation::Wales => crate::tr!("nation-wales"),
            Nation::NorthernIreland => crate::tr!("nation-northern-ireland"),
        }
    }
}

vocabulary! {
    /// Where a postcode area lies: a UK nation, or a Crown Dependency (Guernsey, Jersey, the
    /// Isle of Man), which use UK-style postcodes but are not part of the UK and have health
    /// services of their own.
    pub enum Territory("nation") {
        England,
        Scotland,
        Wales,
        NorthernIreland,
        CrownDependency,
    }
}

impl Territory {
    /// The UK nation, or `None` for a Crown Dependency.
    pub fn nation(self) -> Option<Nation> {
        match self {
            Territory::England => Some(Nation::England),
            Territory::Scotland => Some(Nation::Scotland),
            Territory::Wales => Some(Nation::Wales),
            Territory::NorthernIreland => Some(Nation::NorthernIreland),
            Territory::CrownDependency => None,
        }
    }
}

impl From<Nation> for Territory {
    fn from(n: Nation) -> Self {
        match n {
            Nation::England => Territory::England,
            Nation::Scotland => Territory::Scotland,
            Nation::Wales => Territory::Wales,
            Nation::NorthernIreland => Territory::NorthernIreland,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Vocabulary;

    #[test]
    fn parses_wire_names_case_insensitively() {
        assert_eq!(
            Nation::parse(" Northern_Ireland "),
            Ok(Nation::NorthernIreland)
        );
        assert_eq!("wales".parse::<Nation>(), Ok(Nation::Wales));
    }

    #[test]
    fn unknown_nation_lists_the_allowed_values() {
        let err = Nation::parse("ulster").unwrap_err();
        assert_eq!(
            err,
            "unknown nation 'ulster'; allowed: england, scotland, wales, northern_ireland"
        );
    }

    #[test]
    fn crown_dependencies_are_not_nations() {
        assert_eq!(Territory::CrownDependency.nation(), None);
        assert_eq!(Territory::Wales.nation(), Some(Nation::Wales));
    }
}
