//! The integration tests, built as one binary: each module is one area of the service, and
//! `support` holds what they share (a fresh database per test, the server, the CLI, files).

mod admin;
mod api;
mod browser;
mod crash;
mod data_truth;
mod figures;
mod fuzz_seeds;
mod geocoder;
mod hardening;
mod import;
mod interop;
mod map;
mod nearest;
mod places;
mod postcodes;
mod postgres;
mod referral;
mod support;
mod web;
mod welsh;
