//! Command dispatch and the parse → resolve → run step shared by all commands: flags, env
//! and config file are folded once into a [`Ctx`] that commands read.

mod batch;
mod eval;
mod gaps;
mod index;
mod list;
mod matrix;
mod plan;
mod query;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use storyfit::catalog::Catalog;
use storyfit::config::{Config, FusionMethod};
use storyfit::embed::{Embedder, FastEmbedder, ModelPaths};
use storyfit::index::{Freshness, Index};

use crate::cli::{Cli, ColorWhen, Command, FusionArg, GlobalArgs, RankArgs};

/// Everything a command needs, resolved from flags, env and config.
pub struct Ctx {
    pub index_dir: PathBuf,
    pub model_root: PathBuf,
    pub catalog: Catalog,
    pub config: Config,
    pub quiet: bool,
    pub color: bool,
}

impl Ctx {
    fn resolve(g: &GlobalArgs) -> Result<Ctx> {
        let config = match (&g.config, g.no_config) {
            (_, true) => Config::default(),
            (Some(p), false) => Config::load(p)?,
            (None, false) => {
                let p = Path::new("storyfit.toml");
                if p.is_file() {
                    Config::load(p)?
                } else {
                    Config::default()
                }
            }
        };
        let catalog = match &g.catalog {
            Some(p) => Catalog::load(p)?,
            None => Catalog::builtin()?,
        };
        let color = match g.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(Ctx {
            index_dir: g.index.clone(),
            model_root: g.model_dir.clone().unwrap_or_else(ModelPaths::default_root),
            catalog,
            config,
            quiet: g.quiet,
            color,
        })
    }

    /// Applies ranking flags on top of the config.
    pub fn apply_rank_args(&mut self, r: &RankArgs) {
        if let Some(f) = r.fusion {
            self.config.rank.fusion = match f {
                FusionArg::Rrf => FusionMethod::Rrf,
                FusionArg::Weighted => FusionMethod::Weighted,
            };
        }
    }

    /// A warning line on stderr (unless `--quiet`).
    pub fn warn(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("storyfit: warning: {msg}");
        }
    }

    /// Loads the embedding model (about a quarter of a second).
    pub fn embedder(&self) -> Result<FastEmbedder> {
        let paths = ModelPaths::resolve(&self.model_root)?;
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(FastEmbedder::load(&paths, threads)?)
    }

    /// Checks an opened index against the catalog, the sources and (when given) the model;
    /// a stale index is an error unless `allow_stale`, then a warning.
    fn check_index(
        &self,
        index: &Index,
        model: Option<(&str, usize)>,
        allow_stale: bool,
    ) -> Result<()> {
        let fresh = Freshness {
            catalog: Some(&self.catalog),
            model,
            sources: true,
        };
        match index.check(fresh) {
            Err(e @ storyfit::Error::IndexStale { .. }) if allow_stale => {
                self.warn(&e);
                Ok(())
            }
            other => Ok(other?),
        }
    }

    /// Opens the index for commands that need no model (list, gaps, matrix, plan).
    pub fn open_index(&self, allow_stale: bool) -> Result<Index> {
        let index = Index::open(&self.index_dir)?;
        self.check_index(&index, None, allow_stale)?;
        Ok(index)
    }

    /// Loads the model and opens the index at the same time (they are independent, and the
    /// model's session set-up dominates a cold query), then checks freshness.
    pub fn load_both(&self, allow_stale: bool) -> Result<(FastEmbedder, Index)> {
        let (embedder, index) = std::thread::scope(|s| {
            let idx = s.spawn(|| Index::open(&self.index_dir));
            let emb = self.embedder();
            let idx = idx
                .join()
                .map_err(|_| anyhow::anyhow!("index loader panicked"));
            (emb, idx)
        });
        let index = index??;
        let embedder = embedder?;
        self.check_index(
            &index,
            Some((embedder.model_id(), embedder.dim())),
            allow_stale,
        )?;
        Ok((embedder, index))
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let mut ctx = Ctx::resolve(&cli.global)?;
    match cli.command {
        Command::Index(a) => index::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Eval(a) => eval::run(&ctx, a),
        Command::Gaps(a) => gaps::run(&ctx, a),
        Command::Matrix(a) => matrix::run(&ctx, a),
        Command::Plan(a) => plan::run(&ctx, a),
        Command::Batch(a) => {
            ctx.apply_rank_args(&a.rank);
            batch::run(&ctx, a)
        }
        Command::Query(a) => {
            ctx.apply_rank_args(&a.rank);
            query::run(&ctx, a)
        }
    }
}
