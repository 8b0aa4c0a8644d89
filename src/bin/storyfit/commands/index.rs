//! `storyfit index`: parse, embed and index a story bank.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;
use storyfit::embed::CachedEmbedder;
use storyfit::index;

use super::Ctx;
use crate::cli::IndexArgs;
use crate::output;
use crate::progress::Bars;

/// `--json` output of `storyfit index`.
#[derive(Serialize)]
struct IndexSummary<'a> {
    index: String,
    stories: usize,
    passages: usize,
    files: usize,
    model: &'a str,
    catalog: &'a str,
    warnings: Vec<String>,
    seconds: f64,
}

pub fn run(ctx: &Ctx, args: IndexArgs) -> Result<ExitCode> {
    let start = std::time::Instant::now();
    let mut model = ctx.embedder()?;
    let bars = Bars::new(ctx.quiet || args.json);
    let summary = if args.no_cache {
        index::build(
            &ctx.index_dir,
            &args.paths,
            &ctx.catalog,
            &mut model,
            &ctx.config,
            &bars,
        )?
    } else {
        let mut cached = CachedEmbedder::new(&mut model, &ctx.model_root.join("embeddings"));
        let summary = index::build(
            &ctx.index_dir,
            &args.paths,
            &ctx.catalog,
            &mut cached,
            &ctx.config,
            &bars,
        )?;
        if let Err(e) = cached.save() {
            ctx.warn(format!("could not save the embedding cache: {e}"));
        }
        summary
    };
    bars.finish();
    for w in &summary.bank.warnings {
        ctx.warn(w);
    }
    let seconds = start.elapsed().as_secs_f64();
    if args.json {
        let s = IndexSummary {
            index: ctx.index_dir.display().to_string(),
            stories: summary.manifest.stories,
            passages: summary.manifest.units,
            files: summary.bank.files.len(),
            model: &summary.manifest.model_id,
            catalog: &summary.manifest.catalog_name,
            warnings: summary
                .bank
                .warnings
                .iter()
                .map(|w| w.to_string())
                .collect(),
            seconds,
        };
        output::print_json(&s)?;
    } else {
        output::print_index_summary(ctx, &summary, seconds)?;
    }
    Ok(ExitCode::SUCCESS)
}
