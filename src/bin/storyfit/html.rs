//! The HTML heatmap of `storyfit matrix --html`: one self-contained file.
//!
//! Inline CSS only, no script, no fonts or libraries from a CDN: the report is about private
//! stories, so it must open offline, be safe to mail to yourself, and render the same in any
//! browser years later. Hovering a cell shows its score through the `title` attribute, which
//! every browser supports without JavaScript.

use std::fmt::Write;

use storyfit::report::coverage::MatrixReport;

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Cell colour: white to deep teal as the score rises; the text turns white on dark cells.
fn colours(score: f32) -> (String, &'static str) {
    let s = score.clamp(0.0, 1.0);
    let lightness = 98.0 - 68.0 * s;
    let saturation = 20.0 + 50.0 * s;
    let fg = if s >= 0.55 { "#fff" } else { "#1b2a33" };
    (format!("hsl(190 {saturation:.0}% {lightness:.0}%)"), fg)
}

const STYLE: &str = r#"
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b2a33;
       margin: 24px; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.sub { margin: 0 0 16px; color: #5b6b75; }
table { border-collapse: collapse; }
th, td { border: 1px solid #e3e8eb; }
thead th { vertical-align: bottom; padding: 6px 2px; background: #f7f9fa; font-weight: 600;
           font-size: 12px; }
thead th.lp { width: 38px; }
thead th.lp span { writing-mode: vertical-rl; transform: rotate(180deg); display: inline-block;
                   max-height: 170px; line-height: 1.15; text-align: left; }
thead th.lp.prio { background: #eef6f8; }
thead th.lp small { display: block; color: #5b6b75; font-weight: 400; margin-top: 4px; }
th.story { text-align: left; padding: 2px 10px; font-weight: 500; max-width: 340px;
           white-space: nowrap; overflow: hidden; text-overflow: ellipsis; background: #fff; }
td.c { width: 38px; height: 22px; text-align: center; font-size: 11px;
       font-variant-numeric: tabular-nums; }
td.c.tag { font-weight: 700; font-size: 13px; }
td.t, tfoot td { text-align: right; padding: 2px 8px; font-variant-numeric: tabular-nums;
                 background: #f7f9fa; }
tfoot th { text-align: right; padding: 4px 10px; background: #f7f9fa; font-weight: 500; }
.legend { margin-top: 14px; color: #5b6b75; display: flex; align-items: center; gap: 8px; }
.legend .bar { width: 220px; height: 12px; border: 1px solid #e3e8eb;
               background: linear-gradient(to right, hsl(190 20% 98%), hsl(190 70% 30%)); }
"#;

/// The whole page for one matrix report.
pub fn matrix_page(r: &MatrixReport, catalog_name: &str) -> String {
    let mut h = String::with_capacity(4096 + r.stories.len() * r.lps.len() * 120);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>storyfit: stories × {cat}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Story bank × {cat}</h1>\n<p class=\"sub\">{n} stories × {m} principles. \
         Cell = evidence score (✓ = tagged by you; otherwise inferred from the text); \
         ≥ {strong:.2} counts as evidencing the principle well. Hover a cell for its score. \
         Shaded columns are the role's priorities.</p>\n",
        cat = esc(catalog_name),
        n = r.stories.len(),
        m = r.lps.len(),
        strong = r.strong,
    );
    h.push_str("<table>\n<thead><tr><th class=\"story\">Story</th>");
    for c in &r.lps {
        let (class, prio) = match c.priority {
            Some(p) => (" prio", format!("<small>#{p}</small>")),
            None => ("", String::new()),
        };
        let _ = write!(
            h,
            "<th class=\"lp{class}\" title=\"{name}\"><span>{name}</span>{prio}</th>",
            name = esc(&c.lp),
        );
    }
    h.push_str("<th>Total</th></tr></thead>\n<tbody>\n");
    for row in &r.stories {
        let _ = write!(
            h,
            "<tr><th class=\"story\" title=\"{title} ({src})\">{label}</th>",
            title = esc(&row.title),
            label = esc(&crate::output::story_label(&row.title)),
            src = esc(&row.source),
        );
        for ((score, tagged), c) in row.scores.iter().zip(&row.tagged).zip(&r.lps) {
            let (bg, fg) = colours(*score);
            let how = if *tagged { "tagged" } else { "inferred" };
            let text = if *tagged {
                "✓".to_string()
            } else if *score >= 0.1 {
                format!("{score:.2}")
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<td class=\"c{tag}\" style=\"background:{bg};color:{fg}\" \
                 title=\"{story} — {lp}: {score:.2} ({how})\">{text}</td>",
                tag = if *tagged { " tag" } else { "" },
                story = esc(&row.title),
                lp = esc(&c.lp),
            );
        }
        let _ = writeln!(h, "<td class=\"t\">{:.2}</td></tr>", row.total);
    }
    h.push_str("</tbody>\n<tfoot><tr><th>Total</th>");
    for c in &r.lps {
        let _ = write!(
            h,
            "<td title=\"{}: total evidence {:.2}\">{:.1}</td>",
            esc(&c.lp),
            c.total,
            c.total
        );
    }
    let grand: f32 = r.stories.iter().map(|s| s.total).sum();
    let _ = write!(
        h,
        "<td>{grand:.1}</td></tr>\n<tr><th>Stories ≥ {:.2}</th>",
        r.strong
    );
    for c in &r.lps {
        let _ = write!(
            h,
            "<td title=\"{}: {} stories evidence it well\">{}</td>",
            esc(&c.lp),
            c.strong_stories,
            c.strong_stories
        );
    }
    h.push_str("<td></td></tr></tfoot>\n</table>\n");
    h.push_str(
        "<div class=\"legend\">0 <span class=\"bar\"></span> 1 &nbsp;·&nbsp; generated by \
         storyfit matrix --html</div>\n</body>\n</html>\n",
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyfit::report::coverage::{MatrixColumn, MatrixRow};

    #[test]
    fn page_is_self_contained_and_escaped() {
        let r = MatrixReport {
            lps: vec![MatrixColumn {
                lp: "Earn <Trust> & more".into(),
                abbrev: "ET".into(),
                priority: Some(1),
                total: 0.4,
                strong_stories: 1,
            }],
            stories: vec![MatrixRow {
                story_id: "a".into(),
                title: "Tom's \"big\" story".into(),
                source: "b.md:1".into(),
                scores: vec![0.4],
                tagged: vec![false],
                total: 0.4,
            }],
            strong: 0.3,
        };
        let page = matrix_page(&r, "LPs");
        assert!(!page.contains("<script"));
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(page.contains("Earn &lt;Trust&gt; &amp; more"));
        assert!(page.contains("title=\"Tom&#39;s &quot;big&quot; story — Earn &lt;Trust&gt; &amp; more: 0.40 (inferred)\""));
    }
}
