//! `storyfit query`: one question, the best stories.

use std::process::ExitCode;

use anyhow::Result;
use storyfit::rank::{SearchOptions, Searcher};

use super::Ctx;
use crate::cli::QueryArgs;
use crate::output;

pub fn run(ctx: &Ctx, args: QueryArgs) -> Result<ExitCode> {
    if args.question.trim().is_empty() {
        return Err(storyfit::Error::EmptyQuestion.into());
    }
    let (mut embedder, index) = ctx.load_both(args.rank.allow_stale)?;
    let qvec = storyfit::question::embed_questions(&mut embedder, &[args.question.trim()])?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("the model returned no vector"))?;
    let searcher = Searcher::new(&index, &ctx.config);
    let opts = SearchOptions {
        top: usize::from(args.top),
        top_lps: 3,
        explain: args.explain,
    };
    let report = searcher.search(&args.question, &qvec, opts)?;
    if args.json {
        output::print_json(&report)?;
    } else {
        output::print_query(ctx, &report, args.explain)?;
    }
    Ok(if report.results.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
