//! What a centre is: its kind, its role for young people, its services and age range.

use super::{vocabulary, Vocabulary};

vocabulary! {
    /// A cancer centre (a hospital site treating cancer) or a TYA unit (a ward or service
    /// designed for teenagers and young adults).
    pub enum CentreKind("kind") {
        CancerCentre,
        TyaUnit,
    }
}

vocabulary! {
    /// The role a site plays in the care of children and young people with cancer.
    pub enum TyaRole("tya_role") {
        /// TYA principal treatment centre (or the regional TYA centre outside England).
        Ptc,
        /// TYA designated hospital: treats 19-24-year-olds who choose it, with the PTC.
        DesignatedHospital,
        /// Children's principal treatment centre (under-16s).
        ChildrensPtc,
    }
}

vocabulary! {
    /// A treatment or facility a centre offers (closed vocabulary).
    pub enum Service("service") {
        Chemotherapy,
        Radiotherapy,
        StemCellTransplant,
        CarT,
        ProtonBeam,
        TargetedTherapy,
        ClinicalTrials,
        FertilityPreservation,
        MrdTesting,
        TyaUnit,
    }
}

impl Service {
    /// Plain words for people who do not know the code names, in the language being spoken.
    pub fn plain_words(self) -> String {
        match self {
            Service::Chemotherapy => crate::tr!("service-chemotherapy"),
            Service::Radiotherapy => crate::tr!("service-radiotherapy"),
            Service::StemCellTransplant => crate::tr!("service-stem-cell-transplant"),
            Service::CarT => crate::tr!("service-car-t"),
            Service::ProtonBeam => crate::tr!("service-proton-beam"),
            Service::TargetedTherapy => crate::tr!("service-targeted-therapy"),
            Service::ClinicalTrials => crate::tr!("service-clinical-trials"),
            Service::FertilityPreservation => crate::tr!("service-fertility-preservation"),
            Service::MrdTesting => crate::tr!("service-mrd-testing"),
            Service::TyaUnit => crate::tr!("service-tya-unit"),
        }
    }

    /// Parse a `;`-separated list; duplicates are an error, order is kept.
    pub fn parse_list(raw: &str) -> Result<Vec<Service>, String> {
        let mut out = Vec::new();
        for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let service = Service::parse(part)?;
            if out.contains(&service) {
                return Err(format!("service '{part}' is listed twice"));
            }
            out.push(service);
        }
        Ok(out)
    }

    /// The `;`-separated form stored in CSV and the database.
    pub fn join(list: &[Service]) -> String {
        list.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// An inclusive range of ages in whole years, `min <= max <= 120`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct AgeRange {
    min: u8,
    max: u8,
}

impl AgeRange {
    /// The oldest age the directory accepts anywhere.
    pub const OLDEST: u8 = 120;

    pub fn new(min: u8, max: u8) -> Result<Self, String> {
        if max > Self::OLDEST {
            return Err(format!(
                "age {max} is over {}; ages are whole years 0 to {}",
                Self::OLDEST,
                Self::OLDEST
            ));
        }
        if min > max {
            return Err(format!(
                "age_min {min} is greater than age_max {max}; age_min must be <= age_max"
            ));
        }
        Ok(Self { min, max })
    }

    pub fn min(self) -> u8 {
        self.min
    }

    pub fn max(self) -> u8 {
        self.max
    }

    pub fn contains(self, age: u8) -> bool {
        (self.min..=self.max).contains(&age)
    }
}

/// Parse an age in whole years (0 to 120).
pub fn parse_age(raw: &str) -> Result<u8, String> {
    let t = raw.trim();
    match t.parse::<i64>() {
        Ok(n) if (0..=i64::from(AgeRange::OLDEST)).contains(&n) => Ok(n as u8),
        Ok(n) => Err(crate::tr!(
            "error-age-out-of-range",
            age = n.to_string(),
            oldest = AgeRange::OLDEST
        )),
        Err(_) => Err(crate::tr!(
            "error-age-not-a-number",
            value = t,
            oldest = AgeRange::OLDEST
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_list_keeps_order_and_rejects_unknown_names() {
        assert_eq!(
            Service::parse_list("tya_unit; chemotherapy"),
            Ok(vec![Service::TyaUnit, Service::Chemotherapy])
        );
        assert!(Service::parse_list("chemotherapy;magic")
            .unwrap_err()
            .starts_with("unknown service 'magic'; allowed: chemotherapy,"));
        assert_eq!(
            Service::parse_list("car_t;car_t").unwrap_err(),
            "service 'car_t' is listed twice"
        );
        assert_eq!(Service::parse_list(""), Ok(vec![]));
    }

    #[test]
    fn age_range_checks_order_and_bounds() {
        assert!(AgeRange::new(16, 24).unwrap().contains(24));
        assert!(!AgeRange::new(16, 24).unwrap().contains(25));
        assert!(AgeRange::new(25, 16).is_err());
        assert!(AgeRange::new(0, 121).is_err());
    }

    #[test]
    fn ages_are_whole_years_up_to_120() {
        assert_eq!(parse_age(" 17 "), Ok(17));
        assert!(parse_age("-1").is_err());
        assert!(parse_age("121").is_err());
        assert!(parse_age("sixteen").is_err());
        assert!(parse_age("16.5").is_err());
    }
}
