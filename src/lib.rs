//! storyfit: which of my interview stories fits this question, and what does it prove?
//!
//! Data flow:
//!
//! ```text
//! story files ──parse──▶ Bank ──embed (fastembed) ──▶ passage vectors ─┐
//!   (story)              │                                             ├─▶ index/ (tantivy BM25
//! LP catalog ──embed──▶ sample-question vectors ─▶ classifier, evidence ┘    + hnsw_rs vectors)
//!   (catalog)                                                                   │
//! question ──embed──▶ classify over catalog ─▶ lexical + dense + principle legs ─▶ fuse ─▶ report
//! ```
//!
//! The library never prints; the `storyfit` binary parses flags, calls it, and renders the
//! returned [`report`] values as tables, JSON, CSV or HTML.
//!
//! ```
//! use storyfit::catalog::Catalog;
//! use storyfit::story::parse_str;
//! use std::path::Path;
//!
//! let catalog = Catalog::builtin()?;
//! let bank = "## Dive Deep\nQ. When did data change your mind?\nS: Reports were slow.\n\
//!             T: Find out why.\nA: I read the query plans.\nR: 10x faster.\n";
//! let parsed = parse_str(bank, Path::new("bank.md"), "bank.md", &catalog)?;
//! assert_eq!(parsed.stories.len(), 1);
//! assert_eq!(catalog.get(parsed.stories[0].tags[0]).name, "Dive Deep");
//! # Ok::<(), storyfit::Error>(())
//! ```

#![warn(missing_docs)]

pub mod batch;
pub mod catalog;
pub mod config;
pub mod embed;
pub mod error;
pub mod eval;
pub mod index;
pub mod question;
pub mod rank;
pub mod report;
pub mod story;

pub use error::{Error, Result};
