//! Pure types and rules of the registry: numbers, text, structure, derived status. No I/O.

pub mod kinds;
pub mod number;
pub mod review;
pub mod status;
pub mod structure;
pub mod text;
