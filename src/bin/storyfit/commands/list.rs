//! `storyfit list`: what the index holds (stories, tags, inferred principles).

use std::process::ExitCode;

use anyhow::Result;
use storyfit::index::{Freshness, Index};
use storyfit::rank::Searcher;

use super::Ctx;
use crate::cli::ListArgs;
use crate::output;

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<ExitCode> {
    let index = Index::open(&ctx.index_dir)?;
    // No model is needed to list; the catalog and sources are still checked.
    let fresh = Freshness {
        catalog: Some(&ctx.catalog),
        model: None,
        sources: true,
    };
    if let Err(e) = index.check(fresh) {
        ctx.warn(e);
    }
    let report = Searcher::new(&index, &ctx.config).bank_report();
    if args.json {
        output::print_json(&report)?;
    } else {
        output::print_bank(ctx, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}
