//! Ranking: fusion of legs, question classification, story evidence, and the search that
//! ties them together. [`fusion`] is pure; [`classify`] and [`evidence`] are the models;
//! [`search`] runs a question against an opened [`Index`](crate::index::Index).

pub mod assign;
pub mod classify;
pub mod evidence;
pub mod fusion;
pub mod search;

pub use search::{SearchOptions, Searcher};
