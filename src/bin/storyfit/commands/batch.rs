//! `storyfit batch`: a whole file of questions, answered in input order as a table, JSON
//! Lines (one `query --json` object per question) or CSV; `--distinct` gives each question
//! its own story.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;
use storyfit::batch::{self, Assigned, BatchOptions, BatchQuestion, BatchReport};
use storyfit::rank::{SearchOptions, Searcher};
use storyfit::report::QueryReport;
use storyfit::story::parse::shorten;

use super::Ctx;
use crate::cli::BatchArgs;
use crate::output;
use crate::progress::Bars;

/// A `--json` line with `--distinct`: the query object plus the assigned story.
#[derive(Serialize)]
struct DistinctLine<'a> {
    #[serde(flatten)]
    report: &'a QueryReport,
    assigned: &'a Option<Assigned>,
}

pub fn run(ctx: &Ctx, args: BatchArgs) -> Result<ExitCode> {
    // Read the questions first: a bad file fails fast, before the model loads.
    let (_, questions) = batch::load_questions(&args.file)?;
    let (mut embedder, index) = ctx.load_both(args.rank.allow_stale)?;
    let searcher = Searcher::new(&index, &ctx.config);
    let opts = BatchOptions {
        search: SearchOptions {
            top: usize::from(args.top),
            top_lps: 3,
            explain: false,
        },
        distinct: args.distinct,
    };
    let bars = Bars::new(ctx.quiet || args.json || args.csv);
    let report = batch::run(&searcher, &mut embedder, &questions, opts, &bars)?;
    bars.finish();
    if args.json {
        print_jsonl(&report)?;
    } else if args.csv {
        print_csv(&questions, &report)?;
    } else {
        print_table(ctx, &questions, &report)?;
    }
    Ok(if report.reports.iter().all(|r| r.results.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_jsonl(r: &BatchReport) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (i, q) in r.reports.iter().enumerate() {
        match &r.distinct {
            Some(d) => serde_json::to_writer(
                &mut out,
                &DistinctLine {
                    report: q,
                    assigned: &d.assigned[i],
                },
            )?,
            None => serde_json::to_writer(&mut out, q)?,
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// The id a row shows: the file's, else the 1-based position.
fn row_id(q: &BatchQuestion, i: usize) -> String {
    q.id.clone().unwrap_or_else(|| (i + 1).to_string())
}

fn print_csv(questions: &[BatchQuestion], r: &BatchReport) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    let mut header = vec![
        "id", "question", "top_lp", "story_id", "title", "score", "fit",
    ];
    if r.distinct.is_some() {
        header.push("shared");
    }
    w.write_record(&header)?;
    for (i, (q, rep)) in questions.iter().zip(&r.reports).enumerate() {
        let top_lp = rep
            .question_lps
            .first()
            .map_or(String::new(), |l| l.lp.clone());
        let mut row = vec![row_id(q, i), rep.question.clone(), top_lp];
        match &r.distinct {
            Some(d) => {
                match &d.assigned[i] {
                    Some(a) => row.extend([
                        a.story_id.clone(),
                        a.title.clone(),
                        format!("{:.4}", a.score),
                        format!("{:.4}", a.fit),
                    ]),
                    None => {
                        row.extend([String::new(), String::new(), String::new(), String::new()])
                    }
                }
                let shared = d.assigned[i].as_ref().is_some_and(|a| a.shared);
                row.push(shared.to_string());
            }
            None => match rep.results.first() {
                Some(m) => row.extend([
                    m.story_id.clone(),
                    m.title.clone(),
                    format!("{:.4}", m.score),
                    format!("{:.4}", m.fit),
                ]),
                None => row.extend([String::new(), String::new(), String::new(), String::new()]),
            },
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

fn print_table(ctx: &Ctx, questions: &[BatchQuestion], r: &BatchReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut t = output::table(ctx);
    let story_header = if r.distinct.is_some() {
        "Assigned story (fit)"
    } else {
        "Best stories (fit)"
    };
    t.set_header(output::header(
        ctx,
        &["#", "Question", "Probes", story_header],
    ));
    for (i, (q, rep)) in questions.iter().zip(&r.reports).enumerate() {
        let probes = rep
            .question_lps
            .iter()
            .take(2)
            .map(|l| format!("{} {:.2}", l.abbrev, l.score))
            .collect::<Vec<_>>()
            .join("\n");
        let stories = match &r.distinct {
            Some(d) => match &d.assigned[i] {
                Some(a) => {
                    let mut s = format!(
                        "{} {:.2}",
                        shorten(&output::story_label(&a.title), 40),
                        a.fit
                    );
                    if a.shared {
                        s.push_str(&format!("\n(shared with {} other)", a.shared_with.len()));
                    }
                    s
                }
                None => "–".to_string(),
            },
            None => rep
                .results
                .iter()
                .map(|m| {
                    format!(
                        "{} {:.2}",
                        shorten(&output::story_label(&m.title), 40),
                        m.fit
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        };
        t.add_row(vec![
            Cell::new(row_id(q, i)),
            Cell::new(shorten(&rep.question, 60)),
            Cell::new(probes),
            Cell::new(stories),
        ]);
    }
    writeln!(out, "{t}")?;
    if let Some(d) = &r.distinct {
        let n = r.reports.len();
        writeln!(
            out,
            "Distinct stories: total fit {:.2} over {n} questions (mean {:.2})",
            d.total_fit,
            if n > 0 { d.total_fit / n as f32 } else { 0.0 }
        )?;
        if !d.shared.is_empty() {
            writeln!(
                out,
                "{} question(s) had to share a story (more questions than stories):",
                d.shared.len()
            )?;
            for s in &d.shared {
                let q = &questions[s.number - 1];
                let mut with: Vec<String> = s
                    .with
                    .iter()
                    .take(3)
                    .map(|n| row_id(&questions[n - 1], n - 1))
                    .collect();
                if s.with.len() > 3 {
                    with.push(format!("{} more", s.with.len() - 3));
                }
                let title = d.assigned[s.number - 1]
                    .as_ref()
                    .map_or("", |a| a.title.as_str());
                writeln!(
                    out,
                    "  {} “{}” shares “{}” with {}",
                    row_id(q, s.number - 1),
                    shorten(&q.text, 50),
                    shorten(&output::story_label(title), 40),
                    with.join(", ")
                )?;
            }
        }
    }
    Ok(())
}
