//! `treatment`: plain-language treatment information topics.

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::TopicRow;
use crate::db::{DbError, Storage};
use crate::domain::{Service, Vocabulary};

use super::{
    parse_int, parse_slug, review_text, stored, stored_review, welsh_columns, Dataset, Provenance,
};
use crate::i18n::{Bilingual, Review};

/// One topic of treatment information.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentTopic {
    pub slug: String,
    /// The condition it is about, as a slug (`acute_lymphoblastic_leukaemia`).
    pub condition: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// The service the topic explains, if any: shown when a result offers it.
    pub related_service: Option<Service>,
    pub sort_order: i32,
    pub welsh: TopicWelsh,
    pub provenance: Provenance,
}

/// A topic's Welsh text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicWelsh {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub review: Option<Review>,
}

impl Bilingual for TopicWelsh {
    fn has_welsh(&self) -> bool {
        !self.title.is_empty()
    }
    fn review(&self) -> Option<Review> {
        self.review
    }
}

fn parse_condition(raw: &str) -> Result<String, String> {
    let ok = raw
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "'{raw}' is not a condition code; use lowercase words joined by '_', e.g. acute_lymphoblastic_leukaemia"
        ))
    }
}

impl Dataset for TreatmentTopic {
    const NAME: &'static str = "treatment";
    const FILE: &'static str = "treatment_topics.csv";
    const KEY_COLUMN: &'static str = "slug";
    const COLUMNS: &'static [Column] = &[
        required("slug"),
        required("condition"),
        required("title"),
        required("summary"),
        required("body"),
        optional("related_service"),
        optional("sort_order"),
        optional("title_cy"),
        optional("summary_cy"),
        optional("body_cy"),
        optional("welsh_review"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let slug = row.parse("slug", parse_slug);
        let condition = row.parse("condition", parse_condition);
        let title = row.required("title");
        let summary = row.required("summary");
        let body = row.required("body");
        let related_service = row.optional("related_service", Service::parse);
        let sort_order = row.optional("sort_order", |s| parse_int(s, 0, 10_000));
        let welsh = welsh_columns(row, &[("title", true), ("summary", true), ("body", true)]);
        let provenance = Provenance::from_row::<Self>(row);
        Some(Self {
            slug: slug?,
            condition: condition?,
            title: title?,
            summary: summary?,
            body: body?,
            related_service: related_service?,
            sort_order: sort_order?.unwrap_or(1000) as i32,
            welsh: welsh.map(|(t, review)| TopicWelsh {
                title: t[0].clone(),
                summary: t[1].clone(),
                body: t[2].clone(),
                review,
            })?,
            provenance: provenance?,
        })
    }

    fn key(&self) -> String {
        self.slug.clone()
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_topics()?
            .into_iter()
            .map(|r| {
                Ok(Self {
                    related_service: r.related_service.as_deref().map(stored).transpose()?,
                    welsh: TopicWelsh {
                        review: stored_review(&r.welsh_review)?,
                        title: r.title_cy,
                        summary: r.summary_cy,
                        body: r.body_cy,
                    },
                    provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
                    slug: r.slug,
                    condition: r.condition,
                    title: r.title,
                    summary: r.summary,
                    body: r.body,
                    sort_order: r.sort_order,
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<TopicRow> = rows
            .iter()
            .map(|t| TopicRow {
                slug: t.slug.clone(),
                condition: t.condition.clone(),
                title: t.title.clone(),
                summary: t.summary.clone(),
                body: t.body.clone(),
                related_service: t.related_service.map(|s| s.as_str().to_string()),
                sort_order: t.sort_order,
                title_cy: t.welsh.title.clone(),
                summary_cy: t.welsh.summary.clone(),
                body_cy: t.welsh.body.clone(),
                welsh_review: review_text(t.welsh.review),
                source: t.provenance.source.clone(),
                last_verified: t.provenance.last_verified_text(),
                unverified: t.provenance.unverified_text(),
            })
            .collect();
        conn.replace_topics(&rows)
    }
}
