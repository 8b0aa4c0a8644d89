//! Renderers: each report type once per format. Tables use comfy-table, sized to the
//! terminal (or 100 columns when stdout is not one).

use std::io::{IsTerminal, Write};

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};
use serde::Serialize;
use storyfit::index::BuildSummary;
use storyfit::report::{EvidenceSource, QueryReport, StoryLp};

use crate::commands::Ctx;

/// Writes one JSON document and a newline to stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn table(ctx: &Ctx) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal() {
        t.set_width(100);
    }
    if !ctx.color {
        t.force_no_tty();
    } else {
        t.enforce_styling();
    }
    t
}

pub fn header(ctx: &Ctx, names: &[&str]) -> Vec<Cell> {
    names
        .iter()
        .map(|n| {
            let c = Cell::new(n);
            if ctx.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        })
        .collect()
}

/// A story's label in narrow places: titles that are the prepared question ("Tell me about
/// a time you…") all start alike, so the frame is dropped and what the story is about kept.
pub fn story_label(title: &str) -> String {
    let focused = storyfit::question::focus(title);
    let mut chars = focused.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => focused,
    }
}

/// "Learn and Be Curious ✓ · Dive Deep 0.21": tagged principles get a check mark.
pub fn lp_list(lps: &[StoryLp], max: usize) -> String {
    lps.iter()
        .take(max)
        .map(|l| match l.source {
            EvidenceSource::Tagged => format!("{} ✓", l.lp),
            EvidenceSource::Inferred => format!("{} {:.2}", l.lp, l.inferred),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn print_query(ctx: &Ctx, r: &QueryReport, explain: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let probes: Vec<String> = r
        .question_lps
        .iter()
        .map(|l| format!("{} {:.2}", l.lp, l.score))
        .collect();
    writeln!(out, "Question probes: {}", probes.join(" · "))?;
    if explain {
        for l in &r.question_lps {
            if let Some(e) = &l.explain {
                write!(
                    out,
                    "  {:<4} knn {:.2}  model {:.2}  lexical {:.2}",
                    l.abbrev, e.knn, e.model, e.lexical
                )?;
                if let Some(n) = &e.nearest_sample {
                    write!(out, "  nearest sample ({:.2}): {}", n.similarity, n.text)?;
                }
                writeln!(out)?;
            }
        }
    }
    if r.results.is_empty() {
        writeln!(out, "No story matches.")?;
        return Ok(());
    }
    let mut t = table(ctx);
    t.set_header(header(ctx, &["#", "Fit", "Story", "Evidences (✓ tagged)"]));
    for (i, m) in r.results.iter().enumerate() {
        let mut story = format!("{}\n{}\nwhy: {}", m.title, m.source, m.why);
        if let Some(e) = &m.explain {
            let leg = |l: &Option<storyfit::rank::fusion::LegScore>| match l {
                Some(s) => format!("#{} ({:.3})", s.rank, s.score),
                None => "–".into(),
            };
            story.push_str(&format!(
                "\nlexical {} · dense {} · principles {}",
                leg(&e.lexical),
                leg(&e.dense),
                leg(&e.principles)
            ));
            if let Some(s) = &e.snippet {
                story.push_str(&format!("\n“{s}”"));
            }
        }
        let fit = Cell::new(format!("{:.2}", m.fit));
        let fit = if ctx.color {
            fit.fg(if m.fit >= 0.6 {
                Color::Green
            } else if m.fit >= 0.35 {
                Color::Yellow
            } else {
                Color::Red
            })
        } else {
            fit
        };
        t.add_row(vec![
            Cell::new(i + 1),
            fit,
            Cell::new(story),
            Cell::new(lp_list(&m.lps, 4)),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

pub fn print_index_summary(ctx: &Ctx, s: &BuildSummary, seconds: f64) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Indexed {} stories ({} passages) from {} file(s) into {} in {:.1}s",
        s.manifest.stories,
        s.manifest.units,
        s.bank.files.len(),
        ctx.index_dir.display(),
        seconds
    )?;
    let mut t = table(ctx);
    t.set_header(header(ctx, &["Story", "Source", "Tagged"]));
    for story in &s.bank.stories {
        let tags: Vec<&str> = story
            .tags
            .iter()
            .map(|p| ctx.catalog.get(*p).name.as_str())
            .collect();
        t.add_row(vec![
            Cell::new(storyfit::story::parse::shorten(&story.title, 60)),
            Cell::new(story.source.to_string()),
            Cell::new(if tags.is_empty() {
                "(untagged)".to_string()
            } else {
                tags.join(", ")
            }),
        ]);
    }
    writeln!(out, "{t}")?;
    if !s.bank.priorities.is_empty() {
        let p: Vec<&str> = s
            .bank
            .priorities
            .iter()
            .map(|p| ctx.catalog.get(*p).name.as_str())
            .collect();
        writeln!(out, "Priorities: {}", p.join(" > "))?;
    }
    Ok(())
}

pub fn print_bank(ctx: &Ctx, r: &storyfit::report::BankReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut t = table(ctx);
    t.set_header(header(
        ctx,
        &["Id", "Story", "Evidences (✓ tagged)", "STAR"],
    ));
    for s in &r.stories {
        let star: String = s
            .sections
            .iter()
            .filter_map(|x| x.chars().next())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        t.add_row(vec![
            Cell::new(&s.story_id),
            Cell::new(format!("{}\n{}", s.title, s.source)),
            Cell::new(lp_list(&s.lps, 4)),
            Cell::new(star),
        ]);
    }
    writeln!(out, "{t}")?;
    if !r.priorities.is_empty() {
        writeln!(out, "Priorities: {}", r.priorities.join(" > "))?;
    }
    Ok(())
}

pub fn print_eval(ctx: &Ctx, r: &storyfit::eval::EvalReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut t = table(ctx);
    t.set_header(header(
        ctx,
        &[
            "Mode", "LP top-1", "LP top-3", "R@1", "R@3", "MRR@10", "nDCG@10",
        ],
    ));
    for m in &r.modes {
        let s = |f: fn(&storyfit::eval::StoryMetrics) -> f64| {
            m.stories
                .as_ref()
                .map_or("–".to_string(), |x| format!("{:.3}", f(x)))
        };
        t.add_row(vec![
            Cell::new(format!("{:?}", m.mode).to_lowercase()),
            Cell::new(format!("{:.3}", m.lp.top1)),
            Cell::new(format!("{:.3}", m.lp.top3)),
            Cell::new(s(|x| x.recall_at_1)),
            Cell::new(s(|x| x.recall_at_3)),
            Cell::new(s(|x| x.mrr_at_10)),
            Cell::new(s(|x| x.ndcg_at_10)),
        ]);
    }
    writeln!(out, "{t}")?;
    if let Some(m) = r.modes.last() {
        writeln!(
            out,
            "{} questions with labels; {} with story judgments",
            m.lp.questions,
            m.stories.as_ref().map_or(0, |s| s.questions)
        )?;
        if !m.lp.confusions.is_empty() {
            writeln!(out, "Most frequent LP mix-ups ({:?}):", m.mode)?;
            for (g, p, n) in m.lp.confusions.iter().take(6) {
                writeln!(out, "  {n:>3} × {g} → {p}")?;
            }
        }
    }
    if let Some(i) = &r.inference {
        writeln!(
            out,
            "Story LP inference (tags hidden), {} stories: top-1 {:.3}, top-3 {:.3}",
            i.stories, i.top1, i.top3
        )?;
    }
    Ok(())
}
