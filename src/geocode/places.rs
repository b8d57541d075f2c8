//! Place names: which place in the gazetteer a text means. A qualifier after the name (a
//! county, a nation or a nearby place: `Newport, Isle of Wight`, `Newport Wales`, `Richmond,
//! North Yorkshire`) picks among places of one name; otherwise the largest is taken and the
//! others are offered as alternatives. A name we do not know brings close spellings.

use crate::dataset::Place;
use crate::domain::Territory;
use crate::index::gazetteer::{name_key, Found, Gazetteer};

/// How many alternatives an ambiguous name lists.
pub const MAX_ALTERNATIVES: usize = 9;
/// How many close spellings an unknown name brings.
pub const MAX_SUGGESTIONS: usize = 5;
/// How near a place named as a qualifier must be to the place it qualifies.
const NEAR_KM: f64 = 30.0;

/// What a text was understood as.
#[derive(Debug)]
pub enum Lookup<'a> {
    Found {
        chosen: Found<'a>,
        /// Other places of the same name, largest first.
        alternatives: Vec<Found<'a>>,
        /// A qualifier that matched none of the places of that name.
        unmatched_qualifier: Option<String>,
    },
    Unknown {
        /// Places spelt nearly like the text.
        suggestions: Vec<Found<'a>>,
    },
}

impl Lookup<'_> {
    /// Whether a place was found.
    pub fn is_found(&self) -> bool {
        matches!(self, Lookup::Found { .. })
    }
}

/// The territory a qualifier names, if it names one.
fn territory_named(key: &str) -> Option<Territory> {
    Some(match key {
        "england" | "eng" | "lloegr" => Territory::England,
        "scotland" | "scot" | "alba" | "yralban" => Territory::Scotland,
        "wales" | "cymru" => Territory::Wales,
        "northernireland" | "ni" | "nireland" | "ulster" | "tuaiscearteireann" => {
            Territory::NorthernIreland
        }
        "channelislands" | "crowndependencies" | "crowndependency" | "jersey" | "guernsey"
        | "isleofman" | "iom" | "sark" | "alderney" => Territory::CrownDependency,
        _ => return None,
    })
}

/// Whether `qualifier` (a normalised key) describes `place`.
fn describes(gazetteer: &Gazetteer, qualifier: &str, place: &Place) -> bool {
    if let Some(t) = territory_named(qualifier) {
        if t == place.territory {
            return true;
        }
    }
    let county = name_key(&place.county);
    if !county.is_empty()
        && (county == qualifier || (qualifier.len() >= 4 && county.contains(qualifier)))
    {
        return true;
    }
    // A nearby place: "Richmond, London".
    gazetteer.named(qualifier).iter().any(|near| {
        !std::ptr::eq(near.place, place)
            && near.place.location.distance_km(place.location) <= NEAR_KM
    })
}

/// The places a name and a qualifier choose: those the qualifier describes (all of them when
/// it describes none), in the gazetteer's order.
fn choose<'a>(
    gazetteer: &'a Gazetteer,
    named: Vec<Found<'a>>,
    qualifier: Option<&str>,
) -> Option<Lookup<'a>> {
    if named.is_empty() {
        return None;
    }
    let (mut picked, others, unmatched) = match qualifier {
        Some(q) => {
            let key = name_key(q);
            let (yes, no): (Vec<_>, Vec<_>) = named
                .iter()
                .copied()
                .partition(|f| describes(gazetteer, &key, f.place));
            if yes.is_empty() {
                (named, Vec::new(), Some(q.trim().to_string()))
            } else {
                (yes, no, None)
            }
        }
        None => (named, Vec::new(), None),
    };
    let chosen = picked.remove(0);
    let mut alternatives = picked;
    alternatives.extend(others);
    alternatives.truncate(MAX_ALTERNATIVES);
    Some(Lookup::Found {
        chosen,
        alternatives,
        unmatched_qualifier: unmatched,
    })
}

/// Understand `text` as a place name, perhaps with a qualifier.
pub fn look_up<'a>(gazetteer: &'a Gazetteer, text: &str) -> Lookup<'a> {
    // "Newport (Isle of Wight)" reads as "Newport, Isle of Wight".
    let text = text.replace(['(', ')'], ",");
    let (name, qualifier) = match text.split_once(',') {
        Some((name, rest)) if !name_key(rest).is_empty() => (name, Some(rest)),
        Some((name, _)) => (name, None),
        None => (text.as_str(), None),
    };
    let key = name_key(name);
    if let Some(found) = choose(gazetteer, gazetteer.named(&key), qualifier) {
        return found;
    }
    // "Newport Wales", "Richmond North Yorkshire": a known name followed by words that describe
    // one of its places (and only then, so "Leeds Road" is not taken for Leeds).
    if qualifier.is_none() {
        let words: Vec<&str> = name.split_whitespace().collect();
        for split in (1..words.len()).rev() {
            let head = words[..split].join(" ");
            let tail = words[split..].join(" ");
            let tail_key = name_key(&tail);
            let named = gazetteer.named(&name_key(&head));
            if named
                .iter()
                .any(|f| describes(gazetteer, &tail_key, f.place))
            {
                if let Some(found) = choose(gazetteer, named, Some(&tail)) {
                    return found;
                }
            }
        }
    }
    Lookup::Unknown {
        suggestions: gazetteer.similar(&key, MAX_SUGGESTIONS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Provenance;
    use crate::domain::Coordinates;

    fn place(id: &str, name: &str, county: &str, t: Territory, pop: i64, at: (f64, f64)) -> Place {
        Place {
            id: id.into(),
            name: name.into(),
            other_names: vec![],
            territory: t,
            county: county.into(),
            location: Coordinates::new(at.0, at.1).unwrap(),
            population: Some(pop),
            provenance: Provenance {
                source: "https://www.geonames.org/".into(),
                last_verified: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                unverified: vec![],
            },
        }
    }

    fn gazetteer() -> Gazetteer {
        use Territory::*;
        Gazetteer::new(vec![
            place(
                "np-w",
                "Newport",
                "Newport",
                Wales,
                145_700,
                (51.588, -2.998),
            ),
            place(
                "np-iow",
                "Newport",
                "Isle of Wight",
                England,
                25_000,
                (50.701, -1.292),
            ),
            place(
                "np-sh",
                "Newport",
                "Telford and Wrekin",
                England,
                11_000,
                (52.769, -2.378),
            ),
            place(
                "ri-l",
                "Richmond",
                "Greater London",
                England,
                21_000,
                (51.461, -0.304),
            ),
            place(
                "ri-ny",
                "Richmond",
                "North Yorkshire",
                England,
                8_400,
                (54.403, -1.737),
            ),
            place(
                "lon",
                "London",
                "Greater London",
                England,
                8_900_000,
                (51.507, -0.128),
            ),
            place(
                "lb",
                "Loughborough",
                "Leicestershire",
                England,
                59_932,
                (52.771, -1.204),
            ),
        ])
    }

    fn chosen(text: &str) -> (String, Vec<String>, Option<String>) {
        let g = gazetteer();
        match look_up(&g, text) {
            Lookup::Found {
                chosen,
                alternatives,
                unmatched_qualifier,
            } => (
                chosen.place.id.clone(),
                alternatives.iter().map(|f| f.place.id.clone()).collect(),
                unmatched_qualifier,
            ),
            Lookup::Unknown { .. } => panic!("{text} not found"),
        }
    }

    #[test]
    fn an_ambiguous_name_answers_the_largest_and_lists_the_others() {
        assert_eq!(
            chosen("newport"),
            ("np-w".into(), vec!["np-iow".into(), "np-sh".into()], None)
        );
    }

    #[test]
    fn a_qualifier_picks_a_county_a_nation_or_a_nearby_place() {
        assert_eq!(chosen("Newport, Isle of Wight").0, "np-iow");
        assert_eq!(chosen("Newport (Isle of Wight)").0, "np-iow");
        assert_eq!(chosen("Newport Wales").0, "np-w");
        assert_eq!(chosen("Newport, Cymru").0, "np-w");
        assert_eq!(chosen("Richmond, North Yorkshire").0, "ri-ny");
        assert_eq!(chosen("richmond yorkshire").0, "ri-ny");
        assert_eq!(chosen("Richmond, London").0, "ri-l");
        // The qualified answer still lists the other places of the name.
        assert_eq!(
            chosen("Richmond, North Yorkshire").1,
            vec!["ri-l".to_string()]
        );
    }

    #[test]
    fn an_unknown_qualifier_after_a_comma_is_reported_not_fatal() {
        let (id, _, unmatched) = chosen("Newport, Narnia");
        assert_eq!(id, "np-w");
        assert_eq!(unmatched.as_deref(), Some("Narnia"));
    }

    #[test]
    fn words_after_a_name_must_describe_it() {
        let g = gazetteer();
        assert!(matches!(look_up(&g, "London Road"), Lookup::Unknown { .. }));
    }

    #[test]
    fn an_unknown_name_brings_close_spellings() {
        let g = gazetteer();
        let Lookup::Unknown { suggestions } = look_up(&g, "Lougborough") else {
            panic!("found");
        };
        assert_eq!(suggestions[0].place.name, "Loughborough");
    }
}
