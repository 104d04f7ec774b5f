//! vanban: registry of local legal documents, their effects and derived validity status.

pub mod domain;
pub mod db;
pub mod registry;
pub mod api;
pub mod bench;
pub mod config;
pub mod error;
pub mod routes;
pub mod startup;
pub mod web;
