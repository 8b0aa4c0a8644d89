//! End-to-end tests of the `storyfit` binary, with the real embedding model (installed by
//! `make setup`; nothing downloads at test time). One test binary links once and shares
//! the indexes it builds.

mod util;

mod errors;
mod matching;
mod reports;
