//! The place gazetteer in memory: every place under each of its names, normalised so that
//! case, accents, punctuation, hyphens, spacing, `Saint`/`St`, `upon`/`on` and a leading `The`
//! do not matter; found by exact name, by prefix, by similar spelling and by distance.

use crate::dataset::Place;
use crate::domain::Coordinates;

use super::spatial::SpatialIndex;

/// A name of a place, normalised for matching.
///
/// Letters are folded to ASCII (`Môn` → `mon`), `&` reads as `and`, apostrophes vanish
/// (`King's` → `kings`), other punctuation separates words, `saint` becomes `st` and `upon`
/// becomes `on`, a leading `the` is dropped, and the words are then joined without spaces, so
/// `Stratford-upon-Avon`, `stratford on avon` and `StratfordOnAvon` share one key.
pub fn name_key(raw: &str) -> String {
    let folded = deunicode::deunicode(raw).to_ascii_lowercase();
    let mut spaced = String::with_capacity(folded.len());
    for c in folded.chars() {
        match c {
            '\'' | '`' => {}
            '&' => spaced.push_str(" and "),
            c if c.is_ascii_alphanumeric() => spaced.push(c),
            _ => spaced.push(' '),
        }
    }
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    // A leading article: English "The", Welsh "Y" or "Yr" (Y Barri is found as Barri).
    if words.len() > 1 && matches!(words[0], "the" | "y" | "yr") {
        words.remove(0);
    }
    words
        .iter()
        .map(|w| match *w {
            "saint" => "st",
            "upon" => "on",
            w => w,
        })
        .collect()
}

/// One name of one place.
struct Name {
    key: String,
    place: u32,
    /// The place's main name, not one of its other names.
    main: bool,
}

/// Places by name and by position.
pub struct Gazetteer {
    places: Vec<Place>,
    /// Sorted by key, then main names first, then larger places first.
    names: Vec<Name>,
    by_position: SpatialIndex<u32>,
}

/// A place found under a name.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    pub place: &'a Place,
    /// The name it was found under (its main name or one of its other names).
    pub name: &'a str,
}

impl Gazetteer {
    pub fn new(places: Vec<Place>) -> Self {
        let mut names = Vec::new();
        for (i, place) in places.iter().enumerate() {
            let mut seen = Vec::new();
            for (name, main) in std::iter::once((&place.name, true))
                .chain(place.other_names.iter().map(|n| (n, false)))
            {
                let key = name_key(name);
                if key.is_empty() || seen.contains(&key) {
                    continue;
                }
                seen.push(key.clone());
                names.push(Name {
                    key,
                    place: i as u32,
                    main,
                });
            }
        }
        let population = |n: &Name| places[n.place as usize].population.unwrap_or(0);
        names.sort_by(|a, b| {
            a.key
                .cmp(&b.key)
                .then(b.main.cmp(&a.main))
                .then(population(b).cmp(&population(a)))
                .then(a.place.cmp(&b.place))
        });
        let by_position = SpatialIndex::new(
            places
                .iter()
                .enumerate()
                .map(|(i, p)| (p.location, i as u32)),
        );
        Self {
            places,
            names,
            by_position,
        }
    }

    /// Memory held, in bytes, counted from the lengths of what it holds (the places, their
    /// names and keys, and the R-tree's points).
    pub fn approximate_bytes(&self) -> usize {
        let strings = |p: &Place| {
            p.id.capacity()
                + p.name.capacity()
                + p.county.capacity()
                + p.provenance.source.capacity()
                + p.other_names
                    .iter()
                    .map(|n| n.capacity() + 24)
                    .sum::<usize>()
        };
        self.places.capacity() * std::mem::size_of::<Place>()
            + self.places.iter().map(strings).sum::<usize>()
            + self.names.capacity() * std::mem::size_of::<Name>()
            + self.names.iter().map(|n| n.key.capacity()).sum::<usize>()
            // Each point of the R-tree: three coordinates and an index, with the tree's nodes.
            + self.places.len() * 64
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    fn found(&self, n: &Name) -> Found<'_> {
        let place = &self.places[n.place as usize];
        let name = if n.main {
            &place.name
        } else {
            place
                .other_names
                .iter()
                .find(|o| name_key(o) == n.key)
                .unwrap_or(&place.name)
        };
        Found { place, name }
    }

    /// Every place with this normalised name: those for which it is the main name first, then
    /// by population, largest first. A place appears once.
    pub fn named(&self, key: &str) -> Vec<Found<'_>> {
        let start = self.names.partition_point(|n| n.key.as_str() < key);
        let mut out: Vec<Found<'_>> = Vec::new();
        for n in self.names[start..].iter().take_while(|n| n.key == key) {
            if !out
                .iter()
                .any(|f| std::ptr::eq(f.place, &self.places[n.place as usize]))
            {
                out.push(self.found(n));
            }
        }
        out
    }

    /// Places with a name starting with `prefix` (normalised): exact names first, then by
    /// population, at most `limit`, each place once.
    pub fn starting_with(&self, prefix: &str, limit: usize) -> Vec<Found<'_>> {
        if prefix.is_empty() || limit == 0 {
            return Vec::new();
        }
        let start = self.names.partition_point(|n| n.key.as_str() < prefix);
        let matching: Vec<&Name> = self.names[start..]
            .iter()
            .take_while(|n| n.key.starts_with(prefix))
            .collect();
        let mut ranked: Vec<&Name> = matching;
        let population = |n: &Name| self.places[n.place as usize].population.unwrap_or(0);
        ranked.sort_by(|a, b| {
            (b.key == prefix)
                .cmp(&(a.key == prefix))
                .then(b.main.cmp(&a.main))
                .then(population(b).cmp(&population(a)))
                .then(a.key.cmp(&b.key))
        });
        let mut out: Vec<Found<'_>> = Vec::new();
        for n in ranked {
            if out.len() == limit {
                break;
            }
            if !out
                .iter()
                .any(|f| std::ptr::eq(f.place, &self.places[n.place as usize]))
            {
                out.push(self.found(n));
            }
        }
        out
    }

    /// Up to `limit` places whose name is spelt nearly like `key`: at most one edit for short
    /// names, two from eight letters, three from fourteen; closest first, then largest.
    pub fn similar(&self, key: &str, limit: usize) -> Vec<Found<'_>> {
        let len = key.len();
        if len < 3 {
            return Vec::new();
        }
        let allowed = match len {
            0..=7 => 1,
            8..=13 => 2,
            _ => 3,
        };
        let mut close: Vec<(usize, &Name)> = self
            .names
            .iter()
            .filter(|n| n.key.len().abs_diff(len) <= allowed)
            .filter_map(|n| {
                let d = strsim::damerau_levenshtein(&n.key, key);
                (d <= allowed).then_some((d, n))
            })
            .collect();
        let population = |n: &Name| self.places[n.place as usize].population.unwrap_or(0);
        close.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.main.cmp(&a.1.main))
                .then(population(b.1).cmp(&population(a.1)))
        });
        let mut out: Vec<Found<'_>> = Vec::new();
        for (_, n) in close {
            if out.len() == limit {
                break;
            }
            let found = self.found(n);
            // One suggestion per spelling: five Newports are one suggestion.
            if !out.iter().any(|f| name_key(f.name) == n.key) {
                out.push(found);
            }
        }
        out
    }

    /// Places nearest to `here` first, with their distance in kilometres.
    pub fn nearest(&self, here: Coordinates) -> impl Iterator<Item = (&Place, f64)> + '_ {
        self.by_position
            .nearest(here)
            .map(|(&i, km)| (&self.places[i as usize], km))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Provenance;
    use crate::domain::Territory;

    fn place(
        id: &str,
        name: &str,
        other: &[&str],
        county: &str,
        pop: i64,
        at: (f64, f64),
    ) -> Place {
        Place {
            id: id.into(),
            name: name.into(),
            other_names: other.iter().map(|s| s.to_string()).collect(),
            territory: Territory::Wales,
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

    #[test]
    fn keys_ignore_case_accents_punctuation_spacing_and_common_words() {
        assert_eq!(
            name_key("Stratford-upon-Avon"),
            name_key("stratford on avon")
        );
        assert_eq!(name_key("St. Ives"), name_key("Saint Ives"));
        assert_eq!(name_key("King's Lynn"), name_key("kings lynn"));
        assert_eq!(name_key("The Mumbles"), name_key("mumbles"));
        assert_eq!(name_key("Y Barri"), name_key("Barri"));
        assert_eq!(name_key("Yr Wyddgrug"), "wyddgrug");
        assert_eq!(name_key("York"), "york");
        assert_eq!(name_key("Ynys Môn"), "ynysmon");
        assert_eq!(name_key("Milton Keynes"), name_key("miltonkeynes"));
        assert_eq!(name_key("Brighton & Hove"), name_key("Brighton and Hove"));
        // A lone "The" stays a name.
        assert_eq!(name_key("The"), "the");
    }

    fn sample() -> Gazetteer {
        Gazetteer::new(vec![
            place(
                "a",
                "Newport",
                &["Casnewydd"],
                "Newport",
                145_700,
                (51.588, -2.998),
            ),
            place(
                "b",
                "Newport",
                &[],
                "Isle of Wight",
                25_000,
                (50.701, -1.292),
            ),
            place(
                "c",
                "Loughborough",
                &[],
                "Leicestershire",
                59_932,
                (52.771, -1.204),
            ),
            place("d", "Loughton", &[], "Essex", 31_000, (51.649, 0.073)),
            place(
                "e",
                "Wrexham",
                &["Wrecsam"],
                "Wrexham",
                61_600,
                (53.046, -2.993),
            ),
        ])
    }

    #[test]
    fn a_shared_name_finds_every_place_largest_first() {
        let g = sample();
        let found: Vec<&str> = g
            .named("newport")
            .iter()
            .map(|f| f.place.id.as_str())
            .collect();
        assert_eq!(found, ["a", "b"]);
        let welsh = g.named(&name_key("Wrecsam"));
        assert_eq!(welsh.len(), 1);
        assert_eq!(welsh[0].name, "Wrecsam");
        assert_eq!(welsh[0].place.name, "Wrexham");
    }

    #[test]
    fn prefixes_rank_larger_places_first() {
        let g = sample();
        let found: Vec<&str> = g
            .starting_with("lough", 10)
            .iter()
            .map(|f| f.place.name.as_str())
            .collect();
        assert_eq!(found, ["Loughborough", "Loughton"]);
        assert_eq!(g.starting_with("lough", 1).len(), 1);
        assert!(g.starting_with("zz", 5).is_empty());
    }

    #[test]
    fn close_spellings_are_suggested_once_each() {
        let g = sample();
        let s = g.similar(&name_key("Lougborough"), 5);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].place.name, "Loughborough");
        let s = g.similar(&name_key("Nwport"), 5);
        assert_eq!(
            s.len(),
            1,
            "{:?}",
            s.iter().map(|f| &f.place.id).collect::<Vec<_>>()
        );
        assert!(g.similar("xyzzyplugh", 5).is_empty());
    }

    #[test]
    fn the_nearest_place_comes_first() {
        let g = sample();
        let (p, km) = g
            .nearest(Coordinates::new(53.05, -3.0).unwrap())
            .next()
            .unwrap();
        assert_eq!(p.name, "Wrexham");
        assert!(km < 1.0);
    }
}
