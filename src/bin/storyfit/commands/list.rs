//! `storyfit list`: what the index holds (stories, tags, inferred principles).

use std::process::ExitCode;

use anyhow::Result;
use storyfit::rank::Searcher;

use super::Ctx;
use crate::cli::ListArgs;
use crate::output;

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<ExitCode> {
    // Listing needs no model, and a stale index is still worth listing (with a warning).
    let index = ctx.open_index(true)?;
    let report = Searcher::new(&index, &ctx.config).bank_report();
    if args.json {
        output::print_json(&report)?;
    } else {
        output::print_bank(ctx, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}
