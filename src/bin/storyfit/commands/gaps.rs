//! `storyfit gaps`: which principles the bank covers well, thinly or not at all, most
//! important first, with a story that could be re-told for each gap. Needs no model.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use comfy_table::{Cell, Color};
use storyfit::catalog::PrincipleId;
use storyfit::index::Index;
use storyfit::rank::Searcher;
use storyfit::report::coverage::{self, GapsReport, Status};
use storyfit::report::EvidenceSource;
use storyfit::story::parse::shorten;

use super::Ctx;
use crate::cli::GapsArgs;
use crate::output;

/// Resolves a comma-separated principle list given with `flag` against the index's catalog
/// (unknown names: an error listing the valid ones); `None` when the flag was not given.
pub fn resolve_lps(
    index: &Index,
    list: Option<&str>,
    flag: &'static str,
) -> Result<Option<Vec<PrincipleId>>> {
    let Some(list) = list else {
        return Ok(None);
    };
    let ids = index.catalog.resolve_list(list)?;
    if ids.is_empty() {
        return Err(storyfit::Error::InvalidParam {
            name: flag,
            reason: format!(
                "names no principle; valid names: {}",
                index.catalog.valid_names()
            ),
        }
        .into());
    }
    Ok(Some(ids))
}

pub fn run(ctx: &Ctx, args: GapsArgs) -> Result<ExitCode> {
    let index = ctx.open_index(args.allow_stale)?;
    let priorities = resolve_lps(&index, args.priorities.as_deref(), "--priorities")?
        .unwrap_or_else(|| index.bank.priorities.clone());
    let searcher = Searcher::new(&index, &ctx.config);
    let report = coverage::gaps(&searcher, &priorities, &ctx.config.gaps);
    if args.json {
        output::print_json(&report)?;
    } else {
        print(ctx, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print(ctx: &Ctx, r: &GapsReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if !r.priorities.is_empty() {
        writeln!(out, "Priorities: {}", r.priorities.join(" > "))?;
    }
    let mut t = output::table(ctx);
    t.set_header(output::header(
        ctx,
        &[
            "#",
            "Principle",
            "Status",
            "Evidenced well by",
            "Could re-tell",
        ],
    ));
    for l in &r.lps {
        let status = Cell::new(l.status.as_str());
        let status = if ctx.color {
            status.fg(match l.status {
                Status::Covered => Color::Green,
                Status::Thin => Color::Yellow,
                Status::Missing => Color::Red,
            })
        } else {
            status
        };
        let mut stories: Vec<String> = l
            .stories
            .iter()
            .map(|s| {
                let mark = match s.source {
                    EvidenceSource::Tagged => " ✓",
                    EvidenceSource::Inferred => "",
                };
                format!(
                    "{} {:.2}{mark}",
                    shorten(&output::story_label(&s.title), 60),
                    s.score
                )
            })
            .collect();
        if l.strong_stories > l.stories.len() {
            stories.push(format!("… {} more", l.strong_stories - l.stories.len()));
        }
        let suggestion = l.suggestion.as_ref().map_or(String::new(), |s| {
            format!(
                "{} ({:.2})",
                shorten(&output::story_label(&s.title), 60),
                s.score
            )
        });
        t.add_row(vec![
            Cell::new(l.priority.map_or(String::new(), |p| p.to_string())),
            Cell::new(&l.lp),
            status,
            Cell::new(stories.join("\n")),
            Cell::new(suggestion),
        ]);
    }
    writeln!(out, "{t}")?;
    let s = &r.summary;
    writeln!(
        out,
        "{} covered · {} thin · {} missing (well = evidence ≥ {:.2}; covered = {}+ stories); \
         weighted coverage {:.0}%",
        s.covered,
        s.thin,
        s.missing,
        r.strong,
        r.covered_min_stories,
        s.weighted_coverage * 100.0
    )?;
    if !s.at_risk.is_empty() {
        let risky: Vec<String> = r
            .lps
            .iter()
            .filter(|l| s.at_risk.contains(&l.lp))
            .map(|l| {
                format!(
                    "{} (#{}, {})",
                    l.lp,
                    l.priority.unwrap_or_default(),
                    l.status.as_str()
                )
            })
            .collect();
        writeln!(out, "At risk (priorities): {}", risky.join(", "))?;
    } else if !r.priorities.is_empty() {
        writeln!(out, "Every priority is covered.")?;
    }
    Ok(())
}
