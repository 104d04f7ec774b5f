//! Integration tests: one binary, every database test on SQLite and PostgreSQL.

mod helpers;

mod check;
mod import;
mod migrations;
mod pages;
mod sample;
