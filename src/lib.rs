//! vanban: registry of local legal documents, their effects and derived validity status.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
/// Benchmarks run by the `vanban-bench` binary (and the corpus generator the tests use); the
/// server binary `vanban` does not reference them.
pub mod bench;
/// The completeness-check benchmark of `vanban-bench bench-listings`.
pub mod bench_listings;
pub mod clock;
pub mod config;
pub mod db;
pub mod docx;
pub mod docx_read;
pub mod domain;
pub mod error;
pub mod exchange;
/// A signed file's text by its kind (DOCX, PDF, plain text) and its fields as JSON.
pub mod extract_file;
pub mod jsonl;
pub mod markup;
pub mod originals;
/// The text of a PDF within bounds (issue 16: a signed file's text for extraction).
pub mod pdf_read;
pub mod procedures;
pub mod registry;
pub mod review;
pub mod routes;
pub mod search;
pub mod spreadsheet;
pub mod startup;
pub mod web;
pub mod wire;
