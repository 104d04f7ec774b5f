//! Integration tests: one binary, every database test on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod audit;
mod bench;
mod check;
mod import;
mod migrations;
mod pages;
mod records_write;
mod sample;
mod search;
