//! The definitions: what the dashboards show and what the rules judge.
//! Everything else in this crate turns them into files.

pub mod dashboards;
pub mod prelude;
pub mod records;
