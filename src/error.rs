//! One error type for the whole library.
//!
//! Variants are split the way meilisearch splits `UserError` from `InternalError`: the first
//! group is something the user can fix (a bad story file, an unknown LP name, a missing model),
//! the second is a bug or a damaged index. Every variant carries the context a one-line message
//! needs (the file, the line, what to run next), so the binary can print `{err}` and exit 2
//! without adding anything.

use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in storyfit.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // ---- user errors -----------------------------------------------------------------
    /// A story file could not be parsed at all (not a warning: the file is unusable).
    #[error("{}:{line}: {reason}", path.display())]
    StoryParse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// No story was found in any of the inputs.
    #[error("no stories found in {inputs}: write stories as `S:`/`T:`/`A:`/`R:` paragraphs or `## Situation` … `## Result` sections (see README)")]
    EmptyBank {
        /// The inputs, joined for display.
        inputs: String,
    },
    /// An input path does not exist.
    #[error("{}: no such file or directory", path.display())]
    InputMissing {
        /// The path the user named.
        path: PathBuf,
    },
    /// A catalog file is malformed.
    #[error("{}: invalid catalog: {reason}", path.display())]
    Catalog {
        /// The catalog file (or `<built-in>`).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A principle name that the catalog does not know.
    #[error("unknown principle {name:?}; valid names: {valid}")]
    UnknownPrinciple {
        /// The name as given.
        name: String,
        /// The catalog's names, joined.
        valid: String,
    },
    /// A config file is malformed.
    #[error("{}: invalid config: {reason}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A parameter is out of range.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParam {
        /// Parameter name as the user knows it.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The question is empty or only whitespace.
    #[error("the question is empty: pass the interview question as text, e.g. storyfit query \"Tell me about a time you disagreed with your manager\"")]
    EmptyQuestion,
    /// A questions file (batch/eval input) is unusable.
    #[error("{}{}: {reason}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    QuestionsFile {
        /// The file.
        path: PathBuf,
        /// 1-based line, when one is to blame.
        line: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// The embedding model files are not installed.
    #[error("embedding model not found: {} is missing; run `make setup` (scripts/setup-model.sh) to install it, or point --model-dir / STORYFIT_MODEL_DIR at it", missing.display())]
    ModelMissing {
        /// The first missing file.
        missing: PathBuf,
    },
    /// The model files exist but could not be loaded.
    #[error("could not load the embedding model from {}: {reason}", dir.display())]
    ModelLoad {
        /// Model directory.
        dir: PathBuf,
        /// The loader's message.
        reason: String,
    },
    /// Embedding failed at run time.
    #[error("embedding failed: {0}")]
    Embed(String),
    /// There is no index where one was expected.
    #[error("no index at {}: run `storyfit index [PATH ...]` first", dir.display())]
    IndexMissing {
        /// The index directory.
        dir: PathBuf,
    },
    /// The index no longer matches its inputs (stories, catalog, model or format).
    #[error("index at {} is stale: {reason}; run `storyfit index` again (or pass --allow-stale)", dir.display())]
    IndexStale {
        /// The index directory.
        dir: PathBuf,
        /// What changed.
        reason: String,
    },

    // ---- internal errors -------------------------------------------------------------
    /// The index exists but cannot be read (damaged, or a bug).
    #[error("index at {} is damaged: {reason}; delete it and run `storyfit index` again", dir.display())]
    IndexCorrupt {
        /// The index directory.
        dir: PathBuf,
        /// What failed.
        reason: String,
    },
    /// An I/O error, with the path in its message (from `fs-err`).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// tantivy failed.
    #[error("lexical index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// JSON (de)serialisation of index files failed.
    #[error("index data: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// True for errors the user can fix by changing input, flags or set-up.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            Error::IndexCorrupt { .. } | Error::Io(_) | Error::Tantivy(_) | Error::Json(_)
        )
    }
}
