//! `storyfit matrix`: the stories × principles grid people keep in a spreadsheet, computed
//! from the index. A shaded table that fits 100 columns, JSON, or an HTML heatmap.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use storyfit::rank::Searcher;
use storyfit::report::coverage::{self, MatrixReport};
use storyfit::story::parse::shorten;

use super::gaps::resolve_lps;
use super::Ctx;
use crate::cli::MatrixArgs;
use crate::{html, output};

/// Terminal width the table is laid out for.
const WIDTH: usize = 100;
/// Characters per cell: two shade blocks and a tag mark.
const CELL: usize = 3;

pub fn run(ctx: &Ctx, args: MatrixArgs) -> Result<ExitCode> {
    let index = ctx.open_index(args.allow_stale)?;
    let priorities = resolve_lps(&index, args.priorities.as_deref(), "--priorities")?
        .unwrap_or_else(|| index.bank.priorities.clone());
    let searcher = Searcher::new(&index, &ctx.config);
    let report = coverage::matrix(&searcher, &priorities, &ctx.config.gaps);
    if args.json {
        output::print_json(&report)?;
    } else if let Some(path) = &args.html {
        let page = html::matrix_page(&report, &index.catalog.name);
        fs_err::write(path, page)?;
        if !ctx.quiet {
            eprintln!(
                "storyfit: wrote {} ({} stories × {} principles)",
                path.display(),
                report.stories.len(),
                report.lps.len()
            );
        }
    } else {
        print(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Shade for a score: thresholds at a third, two thirds and all of `strong`, then halfway
/// from `strong` to 1, so ▓ and █ mean "evidences it well".
fn shade(score: f32, strong: f32) -> char {
    if score >= (1.0 + strong) / 2.0 {
        '█'
    } else if score >= strong {
        '▓'
    } else if score >= strong * 2.0 / 3.0 {
        '▒'
    } else if score >= strong / 3.0 {
        '░'
    } else {
        ' '
    }
}

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.chars().take(width).collect()
    } else {
        format!("{text}{}", " ".repeat(width - n))
    }
}

/// Lays out the table: a label column, one narrow column per principle (abbreviations on
/// two staggered header lines, so each gets twice a column's width), a total column.
pub fn render(r: &MatrixReport) -> String {
    let cols = r.lps.len();
    let step = CELL + 1;
    let label = WIDTH.saturating_sub(cols * step + 7).max(12);
    let mut s = String::new();
    for parity in 0..2 {
        let mut line: Vec<char> = vec![' '; label + 1 + cols * step + 6];
        for (c, lp) in r.lps.iter().enumerate().filter(|(c, _)| c % 2 == parity) {
            let at = label + 1 + c * step;
            for (k, ch) in lp.abbrev.chars().take(2 * step - 1).enumerate() {
                line[at + k] = ch;
            }
        }
        if parity == 1 {
            let at = label + 1 + cols * step + 4;
            line[at] = 'Σ';
        }
        s.push_str(line.iter().collect::<String>().trim_end());
        s.push('\n');
    }
    for row in &r.stories {
        s.push_str(&pad(
            &shorten(&output::story_label(&row.title), label - 1),
            label,
        ));
        s.push(' ');
        for (score, tagged) in row.scores.iter().zip(&row.tagged) {
            let b = shade(*score, r.strong);
            s.push(b);
            s.push(b);
            s.push(if *tagged { '✓' } else { ' ' });
            s.push(' ');
        }
        s.push_str(&format!("{:>5.2}\n", row.total));
    }
    s.push_str(&pad("stories ≥ strong", label));
    s.push(' ');
    for c in &r.lps {
        let n = if c.strong_stories > 999 {
            "1k+".to_string()
        } else {
            c.strong_stories.to_string()
        };
        s.push_str(&format!("{n:>CELL$} "));
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    let strong = r.strong;
    s.push_str(&format!(
        "\n░ ≥{:.2}  ▒ ≥{:.2}  ▓ ≥{strong:.2} (evidences it well)  █ ≥{:.2}  ✓ tagged by you  \
         Σ row total\n",
        strong / 3.0,
        strong * 2.0 / 3.0,
        (1.0 + strong) / 2.0
    ));
    let mut line = String::new();
    for c in &r.lps {
        let item = match c.priority {
            Some(p) => format!("{} {} (#{p})", c.abbrev, c.lp),
            None => format!("{} {}", c.abbrev, c.lp),
        };
        if !line.is_empty() && line.chars().count() + 3 + item.chars().count() > WIDTH {
            s.push_str(&line);
            s.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(&item);
    }
    if !line.is_empty() {
        s.push_str(&line);
        s.push('\n');
    }
    s
}

fn print(r: &MatrixReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(render(r).as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyfit::report::coverage::{MatrixColumn, MatrixRow};

    #[test]
    fn sixteen_principles_fit_in_100_columns() {
        let lps: Vec<MatrixColumn> = (0..16)
            .map(|i| MatrixColumn {
                lp: format!("Principle number {i}"),
                abbrev: ["HBDC", "SSBR", "CO"][i % 3].to_string(),
                priority: (i < 3).then_some(i + 1),
                total: 1.0,
                strong_stories: 1,
            })
            .collect();
        let row = MatrixRow {
            story_id: "x".into(),
            title: "A very long story title that will certainly need shortening here".into(),
            source: "b.md:1".into(),
            scores: (0..16).map(|i| i as f32 / 15.0).collect(),
            tagged: (0..16).map(|i| i == 15).collect(),
            total: 8.0,
        };
        let r = MatrixReport {
            lps,
            stories: vec![row],
            strong: 0.3,
        };
        let text = render(&r);
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        assert!(text.contains("██✓"));
        assert!(text.contains("HBDC"));
    }
}
