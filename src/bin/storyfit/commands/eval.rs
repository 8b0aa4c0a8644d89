//! `storyfit eval`: measure question classification, story ranking and story principle
//! inference on labelled files (see docs/QUALITY.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use storyfit::embed::CachedEmbedder;
use storyfit::eval::{self, EvalReport, Mode};
use storyfit::index::{self, Index, NoProgress};
use storyfit::story::{load_bank, Bank};

use super::Ctx;
use crate::cli::{EvalArgs, EvalMode};
use crate::output;

fn load_stories(ctx: &Ctx, path: &Path) -> Result<(Bank, Vec<String>)> {
    if path.extension().is_some_and(|e| e == "jsonl") {
        Ok(eval::load_stories(path, &ctx.catalog)?)
    } else {
        let bank = load_bank(&[path.to_path_buf()], &ctx.catalog)?;
        let ids = bank.stories.iter().map(|s| s.id.0.clone()).collect();
        Ok((bank, ids))
    }
}

pub fn run(ctx: &Ctx, args: EvalArgs) -> Result<ExitCode> {
    let mut questions = Vec::new();
    for q in &args.questions {
        questions.extend(eval::load_questions(q, &ctx.catalog)?);
    }
    if questions.is_empty() {
        anyhow::bail!("no questions in {}", display(&args.questions));
    }
    let mut qrels = Vec::new();
    for f in &args.qrels {
        qrels.extend(eval::load_qrels(f)?);
    }
    let mut model = ctx.embedder()?;
    let mut embedder = CachedEmbedder::new(&mut model, &ctx.model_root.join("embeddings"));
    let tmp = tempfile::tempdir()?;
    let (index, ids, inference) = match &args.stories {
        Some(path) => {
            let (bank, ids) = load_stories(ctx, path)?;
            let tags: Vec<_> = bank.stories.iter().map(|s| s.tags.clone()).collect();
            let mut hidden = bank.clone();
            for s in &mut hidden.stories {
                s.tags.clear();
            }
            let root = tmp.path().join("tagged");
            index::build_bank(
                &root,
                bank,
                &ctx.catalog,
                &mut embedder,
                &ctx.config,
                &NoProgress,
            )?;
            let hidden_root = tmp.path().join("hidden");
            index::build_bank(
                &hidden_root,
                hidden,
                &ctx.catalog,
                &mut embedder,
                &ctx.config,
                &NoProgress,
            )?;
            let inference = eval::inference_agreement(&Index::open(&hidden_root)?, &tags);
            (Index::open(&root)?, ids, Some(inference))
        }
        None => {
            let index = Index::open(&ctx.index_dir)?;
            let ids = index.bank.stories.iter().map(|s| s.id.0.clone()).collect();
            (index, ids, None)
        }
    };
    let texts: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    let vectors = storyfit::question::embed_questions(&mut embedder, &texts)?;
    if let Err(e) = embedder.save() {
        ctx.warn(format!("could not save the embedding cache: {e}"));
    }
    let modes: Vec<Mode> = match args.mode {
        EvalMode::Hybrid => vec![Mode::Hybrid],
        EvalMode::Lexical => vec![Mode::Lexical],
        EvalMode::Dense => vec![Mode::Dense],
        EvalMode::All => vec![Mode::Lexical, Mode::Dense, Mode::Hybrid],
    };
    let judged = (!qrels.is_empty()).then_some((qrels.as_slice(), ids.as_slice()));
    let mut reports = Vec::new();
    for m in modes {
        reports.push(eval::evaluate(
            &index,
            &ctx.config,
            m,
            &questions,
            &vectors,
            judged,
        )?);
    }
    let report = EvalReport {
        questions: args.questions.clone(),
        stories: args.stories.clone(),
        modes: reports,
        inference,
    };
    if args.json {
        output::print_json(&report)?;
    } else {
        output::print_eval(ctx, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn display(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
