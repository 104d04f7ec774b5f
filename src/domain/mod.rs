//! Pure types and rules of the registry: numbers, text, structure, derived status. No I/O.

pub mod amendment;
pub mod calendar;
pub mod citation;
pub mod contact;
pub mod eli;
pub mod extract;
pub mod input;
pub mod inspection;
pub mod intent;
pub mod issuers;
pub mod kinds;
pub mod listing;
pub mod number;
pub mod numerals;
pub mod pointintime;
pub mod procedure;
pub mod related;
pub mod review;
pub mod scorecard;
pub mod signing;
pub mod status;
pub mod steps;
pub mod structure;
pub mod text;
pub mod units;
