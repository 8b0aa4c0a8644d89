//! `storyfit plan`: which story to tell for which principle in one interview loop, so that
//! no story is told twice, with a backup for follow-ups. Needs no model.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use comfy_table::{Cell, Color};
use storyfit::rank::Searcher;
use storyfit::report::coverage::{self, PlanReport, PlannedStory};
use storyfit::report::EvidenceSource;
use storyfit::story::parse::shorten;

use super::gaps::resolve_lps;
use super::Ctx;
use crate::cli::PlanArgs;
use crate::output;

pub fn run(ctx: &Ctx, args: PlanArgs) -> Result<ExitCode> {
    let index = ctx.open_index(args.allow_stale)?;
    let lps = match resolve_lps(&index, args.lps.as_deref(), "--lps")? {
        Some(l) => l,
        None if !index.bank.priorities.is_empty() => index.bank.priorities.clone(),
        None => index.catalog.ids().collect(),
    };
    let searcher = Searcher::new(&index, &ctx.config);
    let report = coverage::plan(&searcher, &lps, &ctx.config.gaps);
    if args.json {
        output::print_json(&report)?;
    } else {
        print(ctx, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn story_cell(s: &Option<PlannedStory>) -> String {
    match s {
        None => "–".to_string(),
        Some(s) => {
            let how = match s.source {
                EvidenceSource::Tagged => "✓".to_string(),
                EvidenceSource::Inferred => format!("{:.2}", s.score),
            };
            let weak = if s.strong { "" } else { " (weak)" };
            format!(
                "{} {how}{weak}",
                shorten(&output::story_label(&s.title), 40)
            )
        }
    }
}

fn print(ctx: &Ctx, r: &PlanReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut t = output::table(ctx);
    t.set_header(output::header(
        ctx,
        &["#", "Principle", "Tell (primary)", "Backup"],
    ));
    for e in &r.lps {
        let mut primary = story_cell(&e.primary);
        if e.shared {
            primary.push_str("\n(shared: more principles than stories)");
        }
        if let Some(n) = &e.note {
            primary.push_str(&format!("\nnot covered: {n}"));
        }
        let cell = Cell::new(primary);
        let cell = if ctx.color && !e.covered {
            cell.fg(Color::Red)
        } else {
            cell
        };
        t.add_row(vec![
            Cell::new(e.priority.map_or(String::new(), |p| p.to_string())),
            Cell::new(&e.lp),
            cell,
            Cell::new(story_cell(&e.backup)),
        ]);
    }
    writeln!(out, "{t}")?;
    let covered = r.lps.len() - r.uncovered.len();
    writeln!(
        out,
        "{covered} of {} principles covered (primary evidence ≥ {:.2}); total evidence {:.2}",
        r.lps.len(),
        r.strong,
        r.total
    )?;
    if !r.uncovered.is_empty() {
        writeln!(out, "Not covered: {}", r.uncovered.join(", "))?;
    }
    Ok(())
}
