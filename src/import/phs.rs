//! Public Health Scotland's open-data cancer incidence files, read as published
//! (<https://www.opendata.nhs.scot/dataset/annual-cancer-incidence>): the Scotland-level file
//! (a `Country` column), a health-board file (an `HB` column, summed over all of Scotland's
//! areas) or a cancer network region file (a `Region` column, summed over Scotland's three
//! regions). Their figures become `registry_stats` rows for Scotland: new cases a year of all
//! cancers (PHS's "All cancer types", which leaves out non-melanoma skin cancer), leukaemias
//! and acute lymphoblastic leukaemia, at all ages, 0-14 and 15-24, for all, male and female.
//! `import registry_stats <file>` recognises such a file by its header and replaces only the
//! Scottish figures it gives; every other row stays.

use std::collections::{BTreeMap, BTreeSet};

use crate::dataset::table::{strip_bom, RowError};
use crate::dataset::RegistryStat;
use crate::domain::Vocabulary;

/// Where the files are published; cited by every row they give.
pub const DATASET_PAGE: &str = "https://www.opendata.nhs.scot/dataset/annual-cancer-incidence";
/// Scotland as a whole, in the Scotland-level file.
const SCOTLAND: &str = "S92000003";
/// The areas of a health-board file (2019 boundaries; Orkney, Shetland and the Western Isles
/// are one area, GR0800001): all of them make Scotland.
const HEALTH_BOARD_AREAS: [&str; 12] = [
    "GR0800001",
    "S08000015",
    "S08000016",
    "S08000017",
    "S08000019",
    "S08000020",
    "S08000022",
    "S08000024",
    "S08000029",
    "S08000030",
    "S08000031",
    "S08000032",
];

/// Scotland's regional cancer networks (North, South East and West of Scotland): a region
/// file's rows for all three make Scotland.
const REGIONS: usize = 3;

/// How a file lays out Scotland: one row for the whole country, or areas to be summed.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Scotland,
    HealthBoards,
    Regions,
}

impl Layout {
    /// The file's kind, as the figures' notes name it.
    fn label(self) -> &'static str {
        match self {
            Layout::Scotland => "Scotland-level",
            Layout::HealthBoards => "health-board",
            Layout::Regions => "cancer network region",
        }
    }

    /// What the figures were summed over, for the notes.
    fn summed_over(self) -> &'static str {
        match self {
            Layout::Scotland => "",
            Layout::HealthBoards => ", summed over Scotland's areas",
            Layout::Regions => ", summed over Scotland's three regions",
        }
    }

    /// Why the areas seen do not make all of Scotland, if they do not.
    fn incomplete(self, areas: &BTreeSet<String>) -> Option<String> {
        match self {
            Layout::Scotland => None,
            Layout::HealthBoards => {
                let lacking: Vec<&str> = HEALTH_BOARD_AREAS
                    .iter()
                    .copied()
                    .filter(|a| !areas.contains(*a))
                    .collect();
                (!lacking.is_empty()).then(|| format!(
                    "this health-board file holds {} of Scotland's 12 areas (missing: {}); Scotland's figures are the sum of all of them: import the whole file, or PHS's Scotland-level file",
                    12 - lacking.len(),
                    lacking.join(", ")
                ))
            }
            Layout::Regions => (areas.len() != REGIONS).then(|| format!(
                "this region file holds {} region(s) ({}), not Scotland's {REGIONS} cancer network regions; Scotland's figures are the sum of the three: import the whole file, or PHS's Scotland-level file",
                areas.len(),
                areas.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

/// Whether a file is a PHS cancer incidence file (by its header).
pub fn is_phs_incidence(bytes: &[u8]) -> bool {
    let first = strip_bom(bytes)
        .split(|b| *b == b'\n')
        .next()
        .unwrap_or_default();
    let header = String::from_utf8_lossy(first);
    header.contains("CancerSite") && header.contains("IncidencesAllAges")
}

/// The registry's cancer site as the dataset's `cancer`.
fn cancer(site: &str) -> Option<&'static str> {
    match site.trim() {
        "All cancer types" => Some("all_cancers_excl_nmsc"),
        "Leukaemias" => Some("leukaemia"),
        "Acute lymphoblastic leukaemia" => Some("acute_lymphoblastic_leukaemia"),
        _ => None,
    }
}

fn sex(raw: &str) -> Option<&'static str> {
    match raw.trim() {
        "All" => Some("all"),
        "Male" | "Males" => Some("male"),
        "Female" | "Females" => Some("female"),
        _ => None,
    }
}

/// The age bands given, and the file's columns each is the sum of.
const BANDS: [(&str, &[&str]); 3] = [
    ("all_ages", &["IncidencesAllAges"]),
    (
        "0-14",
        &[
            "IncidencesAgeUnder5",
            "IncidencesAge5To9",
            "IncidencesAge10To14",
        ],
    ),
    ("15-24", &["IncidencesAge15To19", "IncidencesAge20To24"]),
];

/// How many years a period covers (`2015-2019` is 5).
fn years(period: &str) -> Option<f64> {
    match period.split_once('-') {
        Some((a, b)) => {
            let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (b >= a).then(|| f64::from(b - a + 1))
        }
        None => period.trim().parse::<i32>().ok().map(|_| 1.0),
    }
}

/// One figure: the `registry_stats` cells of a row.
pub type Figure = [String; 11];

/// The figures of a PHS file, or every problem with it. `whole_scotland` refuses a
/// health-board file that lacks some of Scotland's areas (its sum would not be Scotland's).
pub fn figures(
    bytes: &[u8],
    today: &str,
    whole_scotland: bool,
) -> Result<Vec<Figure>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(strip_bom(bytes));
    let headers = reader
        .headers()
        .map_err(|e| {
            vec![RowError::at_line(
                1,
                format!("the header cannot be read: {e}"),
            )]
        })?
        .clone();
    let at = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (area_at, layout) = match (at("Country"), at("HB"), at("Region")) {
        (Some(i), _, _) => (i, Layout::Scotland),
        (None, Some(i), _) => (i, Layout::HealthBoards),
        (None, None, Some(i)) => (i, Layout::Regions),
        (None, None, None) => {
            return Err(vec![RowError::at_line(
                1,
                "a PHS incidence file has a Country, an HB or a Region column; this one has none of them",
            )])
        }
    };
    let mut missing: Vec<&str> = ["CancerSite", "Sex", "Year"]
        .into_iter()
        .chain(BANDS.iter().flat_map(|(_, cols)| cols.iter().copied()))
        .filter(|c| at(c).is_none())
        .collect();
    missing.dedup();
    if !missing.is_empty() {
        return Err(vec![RowError::at_line(
            1,
            format!("the file lacks the column(s) {}", missing.join(", ")),
        )]);
    }
    let (site_at, sex_at, year_at) = (
        at("CancerSite").unwrap_or(0),
        at("Sex").unwrap_or(0),
        at("Year").unwrap_or(0),
    );
    // (cancer, sex, period, band) -> count, and the areas seen.
    let mut sums: BTreeMap<(&'static str, &'static str, String, &'static str), f64> =
        BTreeMap::new();
    let mut areas: BTreeSet<String> = BTreeSet::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError::at_line(
                    line,
                    format!("the row cannot be read: {e}"),
                ));
                continue;
            }
        };
        let area = record.get(area_at).unwrap_or_default().trim().to_string();
        if layout == Layout::Scotland && area != SCOTLAND {
            continue;
        }
        let (Some(cancer), Some(sex)) = (
            cancer(record.get(site_at).unwrap_or_default()),
            sex(record.get(sex_at).unwrap_or_default()),
        ) else {
            continue;
        };
        let period = record.get(year_at).unwrap_or_default().trim().to_string();
        if years(&period).is_none() {
            errors.push(RowError::at_line(
                line,
                format!("Year '{period}' is not a year or a range of years"),
            ));
            continue;
        }
        areas.insert(area);
        for (band, columns) in BANDS {
            let mut total = 0.0;
            for column in columns {
                let cell = record
                    .get(at(column).unwrap_or(0))
                    .unwrap_or_default()
                    .trim();
                match cell.parse::<f64>() {
                    Ok(n) if n >= 0.0 => total += n,
                    _ => errors.push(RowError::at_line(
                        line,
                        format!("{column} '{cell}' is not a count"),
                    )),
                }
            }
            *sums.entry((cancer, sex, period.clone(), band)).or_default() += total;
        }
    }
    if whole_scotland {
        if let Some(message) = layout.incomplete(&areas) {
            errors.push(RowError::at_line(1, message));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if sums.is_empty() {
        return Err(vec![RowError::at_line(
            2,
            "no row gives all cancers, leukaemias or acute lymphoblastic leukaemia for Scotland",
        )]);
    }
    Ok(sums
        .into_iter()
        .map(|((cancer, sex, period, band), count)| {
            let n = years(&period).unwrap_or(1.0);
            let per_year = (count / n * 10.0).round() / 10.0;
            let what = if cancer == "all_cancers_excl_nmsc" {
                "PHS's 'all cancer types' leaves out non-melanoma skin cancer"
            } else {
                "PHS open data"
            };
            [
                "scotland".to_string(),
                period.clone(),
                cancer.to_string(),
                band.to_string(),
                sex.to_string(),
                "new_cases_per_year".to_string(),
                format!("{per_year}"),
                format!(
                    "New registrations a year in {period} ({count} over {n} year(s), {} file{}); {what}.",
                    layout.label(),
                    layout.summed_over()
                ),
                DATASET_PAGE.to_string(),
                today.to_string(),
                String::new(),
            ]
        })
        .collect())
}

/// The `registry_stats` file in force with `figures` in place of the rows they replace (the
/// same nation, period, cancer, age band, sex and measure).
pub fn merged(current: &[RegistryStat], figures: &[Figure]) -> Vec<u8> {
    let key = |f: &[String]| f[..6].join("\u{1f}");
    let replaced: BTreeSet<String> = figures.iter().map(|f| key(f)).collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record([
        "nation",
        "period",
        "cancer",
        "age_band",
        "sex",
        "measure",
        "value",
        "notes",
        "source",
        "last_verified",
        "unverified",
    ]);
    for s in current {
        let row: Figure = [
            s.nation.as_str().to_string(),
            s.period.clone(),
            s.cancer.as_str().to_string(),
            s.age_band.clone(),
            s.sex.as_str().to_string(),
            s.measure.as_str().to_string(),
            format!("{}", s.value),
            s.notes.clone(),
            s.provenance.source.clone(),
            s.provenance.last_verified_text(),
            s.provenance.unverified_text(),
        ];
        if !replaced.contains(&key(&row)) {
            let _ = out.write_record(&row);
        }
    }
    for f in figures {
        let _ = out.write_record(f);
    }
    out.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXTRACT: &[u8] =
        include_bytes!("../../tests/fixtures/registries/phs_opendata_inc1519comb_hb_extract.csv");

    const SCOTLAND_EXTRACT: &[u8] =
        include_bytes!("../../tests/fixtures/registries/phs_opendata_inc9721_scotland_extract.csv");

    #[test]
    fn the_scotland_level_file_is_read_as_published() {
        let rows = figures(SCOTLAND_EXTRACT, "2026-12-07", true).unwrap();
        let find = |period: &str, band: &str, sex: &str| {
            rows.iter()
                .find(|r| {
                    r[1] == period && r[2] == "all_cancers_excl_nmsc" && r[3] == band && r[4] == sex
                })
                .map(|r| r[6].as_str())
        };
        // Single years: the counts map straight across.
        assert_eq!(find("2021", "all_ages", "all"), Some("35379"));
        assert_eq!(find("2021", "all_ages", "male"), Some("17600"));
        // The file spells women "Females" (and men "Male").
        assert_eq!(find("2021", "all_ages", "female"), Some("17779"));
        assert_eq!(find("2021", "0-14", "all"), Some("126"), "59 + 34 + 33");
        assert_eq!(find("2021", "15-24", "all"), Some("164"), "63 + 101");
        assert_eq!(find("2020", "all_ages", "all"), Some("30863"));
        // Bladder is not one of the dataset's cancers: skipped, not an error.
        assert_eq!(
            rows.len(),
            3 * 3 + 3,
            "2021 x 3 sexes x 3 bands, 2020 x all x 3 bands"
        );
        assert!(rows.iter().all(|r| r[7].contains("Scotland-level file")));
    }

    #[test]
    fn the_published_file_is_recognised_by_its_header() {
        assert!(is_phs_incidence(SCOTLAND_EXTRACT));
        assert!(is_phs_incidence(EXTRACT));
        assert!(!is_phs_incidence(b"nation,period,cancer\n"));
    }

    #[test]
    fn a_health_board_file_without_every_area_is_refused_by_name() {
        let errors = figures(EXTRACT, "2026-12-07", true).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("holds 3 of Scotland's 12 areas"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].message.contains("S08000015"));
    }

    #[test]
    fn the_figures_are_the_areas_counts_a_year() {
        // Summed over the three boards of the extract (the whole-Scotland check set aside).
        let rows = figures(EXTRACT, "2026-12-07", false).unwrap();
        let find = |cancer: &str, band: &str, sex: &str| {
            rows.iter()
                .find(|r| r[2] == cancer && r[3] == band && r[4] == sex)
                .map(|r| r[6].parse::<f64>().unwrap())
                .unwrap()
        };
        // Acute lymphoblastic leukaemia, all ages, all: the three boards' five-year totals,
        // a fifth of them a year (Lothian alone had 61 over 2015-2019).
        let all = find("acute_lymphoblastic_leukaemia", "all_ages", "all");
        assert!(all > 61.0 / 5.0, "{all}");
        let male = find("acute_lymphoblastic_leukaemia", "all_ages", "male");
        let female = find("acute_lymphoblastic_leukaemia", "all_ages", "female");
        assert!(
            (male + female - all).abs() < 0.15,
            "{male} + {female} vs {all}"
        );
        assert!(
            find("all_cancers_excl_nmsc", "all_ages", "all") > find("leukaemia", "all_ages", "all")
        );
        assert!(rows
            .iter()
            .all(|r| r[0] == "scotland" && r[1] == "2015-2019" && r[5] == "new_cases_per_year"));
        assert_eq!(rows.len(), 3 * 3 * 3, "3 cancers x 3 sexes x 3 age bands");
    }

    /// The extract laid out as a cancer network region file: its three boards become three
    /// regions (a layout test; the counts are the boards', not the regions').
    fn as_region_file(regions: &[(&str, &str)]) -> Vec<u8> {
        let text = String::from_utf8_lossy(strip_bom(EXTRACT)).replacen("HB,", "Region,", 1);
        text.lines()
            .filter_map(|line| {
                if line.starts_with("Region,") {
                    return Some(line.to_string());
                }
                let (code, rest) = line.split_once(',')?;
                let (_, name) = regions.iter().find(|(c, _)| *c == code)?;
                Some(format!("{name},{rest}"))
            })
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    }

    #[test]
    fn a_region_file_is_summed_over_scotlands_three_regions_and_a_partial_one_refused() {
        let three = [
            ("S08000016", "South East of Scotland"),
            ("S08000024", "North of Scotland"),
            ("S08000031", "West of Scotland"),
        ];
        let regions = figures(&as_region_file(&three), "2026-12-07", true).unwrap();
        let boards = figures(EXTRACT, "2026-12-07", false).unwrap();
        assert_eq!(regions.len(), boards.len());
        for (r, b) in regions.iter().zip(&boards) {
            assert_eq!(r[..7], b[..7], "same figures, summed the same way");
            assert!(
                r[7].contains("cancer network region file, summed over Scotland's three regions")
            );
        }
        let errors = figures(&as_region_file(&three[..2]), "2026-12-07", true).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .message
                .contains("holds 2 region(s) (North of Scotland, South East of Scotland)"),
            "{}",
            errors[0].message
        );
        let neither = figures(b"Board,CancerSite,Sex,Year\n", "2026-12-07", true).unwrap_err();
        assert!(neither[0]
            .message
            .contains("a Country, an HB or a Region column"));
    }

    #[test]
    fn the_figures_replace_only_the_rows_they_give() {
        let shipped = std::fs::read("data/registry_stats.csv").unwrap();
        let current = crate::dataset::parse_file::<RegistryStat>(&shipped).unwrap();
        let rows = figures(EXTRACT, "2026-12-07", false).unwrap();
        let merged = merged(&current, &rows);
        let after = crate::dataset::parse_file::<RegistryStat>(&merged).unwrap();
        let others = |stats: &[RegistryStat]| {
            stats
                .iter()
                .filter(|s| s.nation.as_str() != "scotland")
                .count()
        };
        assert_eq!(others(&after), others(&current), "other nations untouched");
        assert!(after.len() >= current.len() + rows.len() - 3);
        assert!(after.iter().any(|s| s.period == "2015-2019"
            && s.cancer.as_str() == "acute_lymphoblastic_leukaemia"
            && s.provenance.source == DATASET_PAGE));
    }
}
