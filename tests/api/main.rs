//! Integration tests: one binary, every database test on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod authkit;
mod helpers;

mod accounts;
mod annual;
mod audit;
mod authz;
mod backup;
mod bench;
mod bench_cli;
mod campaign_store;
mod check;
mod check_normative;
mod declared_expiry;
mod eli;
mod feeds;
mod front;
mod http;
mod import;
mod inspections;
mod legal_cases;
mod legal_cases_check;
mod migrations;
mod observe;
mod openapi;
mod pages;
mod procedure_pages;
mod procedures;
mod records_write;
mod register_import;
mod review;
mod review_pages;
mod sample;
mod scope;
mod scorecard;
mod search;
mod snapshots;
mod stored_registry;
mod throttle;
mod tokens;
mod typed_paths;
mod typed_text;
mod units;
mod user_cli;
