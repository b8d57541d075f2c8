//! UK directory of cancer treatment centres and teenage and young adult (TYA) cancer units.
//!
//! Data arrives as CSV ([`import`]), is checked into [`dataset`] records made of [`domain`]
//! types, stored with diesel in SQLite or PostgreSQL ([`db`]), held in memory as an immutable
//! [`index::Snapshot`], located by [`geocode`], turned into [`answer`]s and served over HTTP
//! ([`http`]) and the command line ([`cli`]).

pub mod answer;
pub mod cli;
pub mod config;
pub mod dataset;
pub mod db;
pub mod domain;
pub mod export;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod geocode;
pub mod http;
pub mod i18n;
pub mod import;
pub mod index;
pub mod metrics;
pub mod server;
