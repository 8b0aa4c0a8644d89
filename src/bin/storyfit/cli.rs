//! Command-line definition (clap derive). The `///` comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Which of my interview stories fits this question, and what does it prove?
///
/// Index a STAR story bank once, then ask unseen behavioral questions: storyfit returns the
/// best stories, the Leadership Principles each one evidences, the principles the question
/// probes, and why. Runs fully offline.
#[derive(Debug, Parser)]
#[command(name = "storyfit", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Index directory.
    #[arg(long, global = true, env = "STORYFIT_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Folder with the embedding model and ONNX Runtime (default: the setup script's cache).
    #[arg(long, global = true, env = "STORYFIT_MODEL_DIR")]
    pub model_dir: Option<PathBuf>,
    /// Principle catalog TOML (default: the built-in Amazon Leadership Principles).
    #[arg(long, global = true, env = "STORYFIT_CATALOG")]
    pub catalog: Option<PathBuf>,
    /// Config file (default: ./storyfit.toml when present).
    #[arg(
        long,
        global = true,
        env = "STORYFIT_CONFIG",
        conflicts_with = "no_config"
    )]
    pub config: Option<PathBuf>,
    /// Ignore config files: built-in defaults and flags only.
    #[arg(long, global = true)]
    pub no_config: bool,
    /// No progress bars or warnings on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Fusion method override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FusionArg {
    /// Weighted Reciprocal Rank Fusion.
    Rrf,
    /// Convex combination of normalised scores.
    Weighted,
}

/// Options that change ranking.
#[derive(Debug, Args, Clone)]
pub struct RankArgs {
    /// Fusion method (overrides the config).
    #[arg(long, value_enum)]
    pub fusion: Option<FusionArg>,
    /// Use an index even if its stories or catalog changed since it was built.
    #[arg(long)]
    pub allow_stale: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and index a story bank (files or directories, read recursively).
    Index(IndexArgs),
    /// Find the stories that fit one interview question.
    Query(QueryArgs),
    /// List the indexed stories with their tagged and inferred principles.
    List(ListArgs),
    /// Measure match quality on labelled questions, stories and judgments (JSONL).
    Eval(EvalArgs),
    /// Which principles the bank covers well, thinly or not at all (in priority order).
    Gaps(GapsArgs),
    /// The stories × principles grid of evidence scores (terminal, JSON or HTML heatmap).
    Matrix(MatrixArgs),
    /// Match a whole file of questions (text, CSV, JSONL or a Markdown list).
    Batch(BatchArgs),
    /// Plan an interview loop: a primary and a backup story per principle, none told twice.
    Plan(PlanArgs),
}

/// `storyfit gaps`.
#[derive(Debug, Args)]
pub struct GapsArgs {
    /// The role's priorities, most important first, comma-separated (default: the bank's
    /// ranked list), e.g. "Customer Obsession,Dive Deep".
    #[arg(long)]
    pub priorities: Option<String>,
    /// Print one JSON object (schema in README).
    #[arg(long)]
    pub json: bool,
    /// Use an index even if its stories or catalog changed since it was built.
    #[arg(long)]
    pub allow_stale: bool,
}

/// `storyfit matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Column order: these principles first (default: the bank's ranked list).
    #[arg(long)]
    pub priorities: Option<String>,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "html")]
    pub json: bool,
    /// Write a self-contained HTML heatmap to FILE instead of printing the table.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Use an index even if its stories or catalog changed since it was built.
    #[arg(long)]
    pub allow_stale: bool,
}

/// `storyfit batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Questions: .txt (one per line, `#` comments), .csv (a `question` column, optional
    /// `id`), .jsonl (`{"text", "id"}`) or .md (a list); other names are sniffed.
    pub file: PathBuf,
    /// How many stories per question.
    #[arg(long, short = 'k', default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub top: u16,
    /// Print JSON Lines: per question, the object `storyfit query --json` prints (plus `id`).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: one row per question with its best (or assigned) story.
    #[arg(long)]
    pub csv: bool,
    /// Give each question a different story, maximizing total fit (optimal assignment).
    #[arg(long)]
    pub distinct: bool,
    #[command(flatten)]
    pub rank: RankArgs,
}

/// `storyfit plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Principles the loop probes, comma-separated (default: the bank's ranked list, else
    /// every principle).
    #[arg(long)]
    pub lps: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Use an index even if its stories or catalog changed since it was built.
    #[arg(long)]
    pub allow_stale: bool,
}

/// `storyfit eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Question files: JSONL, one `{"id", "text", "lps": [...]}` per line.
    #[arg(required = true)]
    pub questions: Vec<PathBuf>,
    /// Stories to index for the run: JSONL (`{"id","title","situation",...,"lps"}`) or a
    /// Markdown bank. Without it, the index at --index is used.
    #[arg(long)]
    pub stories: Option<PathBuf>,
    /// Relevance judgments: JSONL `{"question_id", "story_id", "grade"}` (repeatable).
    #[arg(long)]
    pub qrels: Vec<PathBuf>,
    /// Which legs to measure.
    #[arg(long, value_enum, default_value_t = EvalMode::All)]
    pub mode: EvalMode,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `storyfit eval --mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalMode {
    /// BM25 only.
    Lexical,
    /// Embeddings only.
    Dense,
    /// The configured hybrid.
    Hybrid,
    /// All three side by side.
    All,
}

/// `storyfit list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `storyfit index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Story files or directories.
    #[arg(default_value = "data/stories")]
    pub paths: Vec<PathBuf>,
    /// Print the index summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Embed everything afresh instead of reusing cached vectors (for timing cold builds).
    #[arg(long)]
    pub no_cache: bool,
}

/// `storyfit query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The interview question.
    pub question: String,
    /// How many stories to show.
    #[arg(long, short = 'k', default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub top: u16,
    /// Print one JSON object (schema in README).
    #[arg(long)]
    pub json: bool,
    /// Show each leg's rank and score, matched words and the nearest sample question.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub rank: RankArgs,
}
