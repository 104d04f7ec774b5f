//! The review tracker: campaigns, decisions, handling, and the yearly list of expired
//! documents.

pub mod annual;
pub mod campaigns;
pub mod dashboard;
pub mod decisions;
pub mod register;
