//! Many questions at once: reading question lists, matching them, and giving each question
//! its own story.
//!
//! People collect practice questions in whatever they have at hand: a text file, a
//! spreadsheet exported as CSV, JSON Lines from a script, a Markdown list in their notes.
//! [`load_questions`] reads all four (by extension, or by sniffing the content when the
//! extension says nothing) and keeps each question's id and line for messages.
//!
//! [`run`] embeds the questions in chunks of [`EMBED_CHUNK`] (one model call per chunk keeps
//! memory flat and lets a progress bar move), then searches them in parallel with rayon:
//! [`Searcher`] is `Sync` (asserted below), so every worker shares the one opened index.
//! Each answer is exactly the [`QueryReport`] that `storyfit query` builds.
//!
//! With `distinct`, each question's fused fit for its best stories is kept (as many as
//! there are questions, which provably suffices) and [`assign`] gives each question a
//! different story with the best total fit; when questions outnumber stories, the fewest
//! possible share, and the report says which.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::embed::Embedder;
use crate::error::{Error, Result};
use crate::index::Progress;
use crate::rank::assign::assign;
use crate::rank::{SearchOptions, Searcher};
use crate::report::QueryReport;

/// Questions embedded per model call.
pub const EMBED_CHUNK: usize = 64;

// Batch runs search from rayon workers that share one searcher.
const _: fn() = || {
    fn is_sync<T: Sync>() {}
    is_sync::<Searcher<'static>>();
};

/// How a questions file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionsFormat {
    /// One question per line; `#` comments and blank lines skipped.
    Text,
    /// CSV with a header row, a `question` column and an optional `id` column.
    Csv,
    /// JSON Lines: `{"text": …, "id": …}` (id optional).
    Jsonl,
    /// A Markdown list (`-`, `*`, `+` or `1.` items); other lines are ignored.
    Markdown,
}

impl QuestionsFormat {
    /// The format an extension names, if any.
    pub fn from_extension(path: &Path) -> Option<QuestionsFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(QuestionsFormat::Text),
            "csv" => Some(QuestionsFormat::Csv),
            "jsonl" | "ndjson" => Some(QuestionsFormat::Jsonl),
            "md" | "markdown" => Some(QuestionsFormat::Markdown),
            _ => None,
        }
    }

    /// Guesses the format from the content (for files without a telling extension).
    pub fn sniff(text: &str) -> QuestionsFormat {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let Some(first) = lines.iter().find(|l| !l.starts_with('#')) else {
            return QuestionsFormat::Text;
        };
        if first.starts_with('{') {
            return QuestionsFormat::Jsonl;
        }
        let items = lines.iter().filter(|l| list_item(l).is_some()).count();
        let prose = lines
            .iter()
            .filter(|l| !l.starts_with('#') && list_item(l).is_none())
            .count();
        if items > 0 && items >= prose {
            return QuestionsFormat::Markdown;
        }
        let header_has_question = first
            .split(',')
            .any(|f| f.trim().trim_matches('"').eq_ignore_ascii_case("question"));
        if header_has_question {
            return QuestionsFormat::Csv;
        }
        QuestionsFormat::Text
    }
}

/// One question of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchQuestion {
    /// The id the file gave it (CSV `id` column, JSONL `id`), echoed in the output.
    pub id: Option<String>,
    /// The question.
    pub text: String,
    /// 1-based line where it starts.
    pub line: usize,
}

fn file_error(path: &Path, line: Option<usize>, reason: impl Into<String>) -> Error {
    Error::QuestionsFile {
        path: path.to_path_buf(),
        line,
        reason: reason.into(),
    }
}

/// Reads a questions file (format by extension, else sniffed) into questions in file order.
///
/// Errors name the file (and line): an empty file, a binary or non-UTF-8 file, a CSV without
/// a `question` column (listing the columns found), a JSONL line that is not an object with
/// a `text`.
pub fn load_questions(path: &Path) -> Result<(QuestionsFormat, Vec<BatchQuestion>)> {
    let bytes = fs_err::read(path)?;
    if bytes.contains(&0) {
        return Err(file_error(
            path,
            None,
            "binary file: expected questions as text, CSV, JSONL or a Markdown list",
        ));
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(file_error(
                path,
                Some(line),
                "not valid UTF-8: save the file as UTF-8",
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format =
        QuestionsFormat::from_extension(path).unwrap_or_else(|| QuestionsFormat::sniff(text));
    let questions = parse_questions(text, format, path)?;
    if questions.is_empty() {
        let expect = match format {
            QuestionsFormat::Text => "one question per line",
            QuestionsFormat::Csv => "rows with a `question` column",
            QuestionsFormat::Jsonl => "one {\"text\": …} object per line",
            QuestionsFormat::Markdown => "a list of `- question` items",
        };
        return Err(file_error(
            path,
            None,
            format!("no questions found (expected {expect})"),
        ));
    }
    Ok((format, questions))
}

/// Parses questions written in `format`; `path` is for messages only.
pub fn parse_questions(
    text: &str,
    format: QuestionsFormat,
    path: &Path,
) -> Result<Vec<BatchQuestion>> {
    match format {
        QuestionsFormat::Text => Ok(text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| {
                let l = l.trim();
                (!l.is_empty() && !l.starts_with('#')).then(|| BatchQuestion {
                    id: None,
                    text: l.to_string(),
                    line: i + 1,
                })
            })
            .collect()),
        QuestionsFormat::Markdown => Ok(parse_markdown(text)),
        QuestionsFormat::Jsonl => parse_jsonl(text, path),
        QuestionsFormat::Csv => parse_csv(text, path),
    }
}

/// The text of a Markdown list item line (`- x`, `* x`, `+ x`, `1. x`, `1) x`, checkboxes
/// dropped), or `None`.
fn list_item(line: &str) -> Option<&str> {
    let l = line.trim_start();
    let rest = if let Some(r) = l
        .strip_prefix("- ")
        .or_else(|| l.strip_prefix("* "))
        .or_else(|| l.strip_prefix("+ "))
    {
        r
    } else {
        let digits = l.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 || digits > 3 {
            return None;
        }
        l[digits..]
            .strip_prefix(". ")
            .or_else(|| l[digits..].strip_prefix(") "))?
    };
    let rest = rest.trim();
    let rest = ["[ ] ", "[x] ", "[X] "]
        .iter()
        .find_map(|b| rest.strip_prefix(b))
        .unwrap_or(rest)
        .trim();
    (!rest.is_empty()).then_some(rest)
}

fn parse_markdown(text: &str) -> Vec<BatchQuestion> {
    let mut out = Vec::new();
    let mut fence = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        if let Some(item) = list_item(line) {
            out.push(BatchQuestion {
                id: None,
                text: item.to_string(),
                line: i + 1,
            });
        }
    }
    out
}

fn id_string(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn parse_jsonl(text: &str, path: &Path) -> Result<Vec<BatchQuestion>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| file_error(path, Some(line_no), format!("invalid JSON: {e}")))?;
        let q = v
            .get("text")
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                file_error(
                    path,
                    Some(line_no),
                    "expected an object with a non-empty \"text\" string",
                )
            })?;
        out.push(BatchQuestion {
            id: v.get("id").and_then(id_string),
            text: q.to_string(),
            line: line_no,
        });
    }
    Ok(out)
}

fn parse_csv(text: &str, path: &Path) -> Result<Vec<BatchQuestion>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_error(path, Some(1), format!("invalid CSV header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(q_col) = column("question") else {
        let found: Vec<&str> = headers.iter().filter(|h| !h.is_empty()).collect();
        return Err(file_error(
            path,
            None,
            format!(
                "no \"question\" column (columns found: {})",
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ),
        ));
    };
    let id_col = column("id");
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            file_error(path, line, format!("invalid CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let Some(q) = record.get(q_col).filter(|q| !q.is_empty()) else {
            continue;
        };
        out.push(BatchQuestion {
            id: id_col
                .and_then(|c| record.get(c))
                .filter(|id| !id.is_empty())
                .map(str::to_string),
            text: q.to_string(),
            line,
        });
    }
    Ok(out)
}

/// What a batch run does.
#[derive(Debug, Clone, Copy)]
pub struct BatchOptions {
    /// Per-question search options (`top` stories per question).
    pub search: SearchOptions,
    /// Give each question a different story (see [`DistinctReport`]).
    pub distinct: bool,
}

/// The story given to one question by `--distinct`.
#[derive(Debug, Clone, Serialize)]
pub struct Assigned {
    /// Stable id.
    pub story_id: String,
    /// Title.
    pub title: String,
    /// The story's fused score for this question (as `score` in `query`).
    pub score: f32,
    /// The story's fit for this question (0..1, as `fit` in `query`).
    pub fit: f32,
    /// This question had to take a story that another question also holds (only when
    /// questions outnumber stories).
    pub shared: bool,
    /// The other questions holding the same story (1-based positions in the input).
    pub shared_with: Vec<usize>,
}

/// A question that could not have a story of its own.
#[derive(Debug, Clone, Serialize)]
pub struct SharedQuestion {
    /// Position of the question in the input (1-based).
    pub number: usize,
    /// Its id, when the file gave one.
    pub id: Option<String>,
    /// The story it shares.
    pub story_id: String,
    /// The other questions holding that story (1-based positions).
    pub with: Vec<usize>,
}

/// `--distinct`: one story per question, maximizing the total fit.
#[derive(Debug, Clone, Serialize)]
pub struct DistinctReport {
    /// Per question, in input order (null only for an empty bank).
    pub assigned: Vec<Option<Assigned>>,
    /// Questions that had to share (only when questions outnumber stories).
    pub shared: Vec<SharedQuestion>,
    /// Σ of the assigned fits.
    pub total_fit: f32,
}

/// The answers to a batch, in input order.
#[derive(Debug, Clone)]
pub struct BatchReport {
    /// One report per question (`id` filled from the file).
    pub reports: Vec<QueryReport>,
    /// With `distinct`.
    pub distinct: Option<DistinctReport>,
}

/// Embeds `questions` in chunks, searches them in parallel and, with `distinct`, assigns
/// stories. `progress` sees two stages: embedding, then matching.
pub fn run(
    searcher: &Searcher<'_>,
    embedder: &mut dyn Embedder,
    questions: &[BatchQuestion],
    opts: BatchOptions,
    progress: &dyn Progress,
) -> Result<BatchReport> {
    let texts: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    progress.stage("embedding questions", texts.len() as u64);
    let mut vectors = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(EMBED_CHUNK) {
        let mut v = crate::question::embed_questions(embedder, chunk)?;
        if v.len() != chunk.len() {
            return Err(Error::Embed(format!(
                "model returned {} vectors for {} questions",
                v.len(),
                chunk.len()
            )));
        }
        vectors.append(&mut v);
        progress.advance(chunk.len() as u64);
    }

    let stories = &searcher.index().bank.stories;
    // Distinct needs each question's fit for its best min(stories, questions) stories, not
    // for all: with m questions, some optimal assignment gives every question one of its own
    // m best stories (if it held a worse one, one of its m best would be free, as only m − 1
    // other questions exist, and moving there loses nothing). The rest weigh 0 in the
    // matrix, which changes no optimum. With 40 questions and 1,000 stories that ranks 40
    // stories per question instead of 1,000.
    let search_opts = SearchOptions {
        top: if opts.distinct {
            stories.len().min(questions.len()).max(opts.search.top)
        } else {
            opts.search.top
        },
        ..opts.search
    };
    progress.stage("matching", questions.len() as u64);
    let mut reports: Vec<QueryReport> = questions
        .par_iter()
        .zip(vectors.par_iter())
        .map(|(q, v)| {
            let mut r = searcher.search(&q.text, v, search_opts)?;
            r.id = q.id.clone();
            progress.advance(1);
            Ok(r)
        })
        .collect::<Result<_>>()?;

    let distinct = opts.distinct.then(|| {
        let by_id: HashMap<&str, usize> = stories
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.0.as_str(), i))
            .collect();
        // (fit, score) of every story for every question
        let cells: Vec<Vec<(f32, f32)>> = reports
            .iter()
            .map(|r| {
                let mut row = vec![(0.0, 0.0); stories.len()];
                for m in &r.results {
                    if let Some(s) = by_id.get(m.story_id.as_str()) {
                        row[*s] = (m.fit, m.score);
                    }
                }
                row
            })
            .collect();
        let weights: Vec<Vec<f32>> = cells
            .iter()
            .map(|row| row.iter().map(|c| c.0).collect())
            .collect();
        let numbers = |rows: Vec<usize>| rows.into_iter().map(|r| r + 1).collect::<Vec<_>>();
        let a = assign(&weights);
        let assigned = a
            .of_row
            .iter()
            .enumerate()
            .map(|(q, s)| {
                s.map(|s| Assigned {
                    story_id: stories[s].id.0.clone(),
                    title: stories[s].title.clone(),
                    score: cells[q][s].1,
                    fit: cells[q][s].0,
                    shared: a.shared[q],
                    shared_with: numbers(a.sharing_with(q)),
                })
            })
            .collect();
        let shared = a
            .shared_rows()
            .into_iter()
            .filter_map(|q| {
                a.of_row[q].map(|s| SharedQuestion {
                    number: q + 1,
                    id: questions[q].id.clone(),
                    story_id: stories[s].id.0.clone(),
                    with: numbers(a.sharing_with(q)),
                })
            })
            .collect();
        DistinctReport {
            assigned,
            shared,
            total_fit: a.total,
        }
    });
    for r in &mut reports {
        r.results.truncate(opts.search.top);
    }
    Ok(BatchReport { reports, distinct })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, f: QuestionsFormat) -> Result<Vec<BatchQuestion>> {
        parse_questions(text, f, Path::new("q"))
    }

    #[test]
    fn text_skips_comments_and_blanks() {
        let q = parse("# c\n\nOne?\n  Two?  \n", QuestionsFormat::Text).unwrap();
        assert_eq!(
            q.iter()
                .map(|q| (q.text.as_str(), q.line))
                .collect::<Vec<_>>(),
            [("One?", 3), ("Two?", 4)]
        );
    }

    #[test]
    fn markdown_reads_list_items_only() {
        let md = "# Title\nIntro line.\n- One?\n* [ ] Two?\n1. Three?\n12) Four?\n```\n- no\n```\n-not\n";
        let q = parse(md, QuestionsFormat::Markdown).unwrap();
        let texts: Vec<&str> = q.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts, ["One?", "Two?", "Three?", "Four?"]);
    }

    #[test]
    fn csv_finds_columns_by_name_and_reports_missing_ones() {
        let q = parse(
            "ID,Question,x\na,\"One, really?\",1\n,,\nb,Two?,\n",
            QuestionsFormat::Csv,
        )
        .unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].id.as_deref(), Some("a"));
        assert_eq!(q[0].text, "One, really?");
        assert_eq!(q[1].line, 4);
        let e = parse("id,prompt\n1,x\n", QuestionsFormat::Csv).unwrap_err();
        assert_eq!(
            e.to_string(),
            "q: no \"question\" column (columns found: id, prompt)"
        );
    }

    #[test]
    fn jsonl_echoes_ids_and_names_bad_lines() {
        let q = parse(
            "{\"id\": 7, \"text\": \"One?\"}\n\n{\"text\": \"Two?\"}\n",
            QuestionsFormat::Jsonl,
        )
        .unwrap();
        assert_eq!(q[0].id.as_deref(), Some("7"));
        assert_eq!(q[1].id, None);
        assert_eq!(q[1].line, 3);
        let e = parse("{\"text\": \"a\"}\n{\"q\": 1}\n", QuestionsFormat::Jsonl).unwrap_err();
        assert!(e.to_string().starts_with("q:2: expected an object"), "{e}");
        let e = parse("{oops\n", QuestionsFormat::Jsonl).unwrap_err();
        assert!(e.to_string().starts_with("q:1: invalid JSON"), "{e}");
    }

    #[test]
    fn sniffing() {
        use QuestionsFormat::*;
        assert_eq!(QuestionsFormat::sniff("{\"text\": \"a\"}\n"), Jsonl);
        assert_eq!(QuestionsFormat::sniff("# Q\n\n- a\n- b\n"), Markdown);
        assert_eq!(QuestionsFormat::sniff("id,question\n1,a\n"), Csv);
        assert_eq!(QuestionsFormat::sniff("# c\nTell me, why?\n"), Text);
        assert_eq!(QuestionsFormat::sniff(""), Text);
    }

    #[test]
    fn files_that_are_empty_binary_or_not_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let e = load_questions(&write("e.txt", b"# only a comment\n\n")).unwrap_err();
        assert!(e.to_string().contains("no questions found"), "{e}");
        let e = load_questions(&write("b.txt", b"ab\0cd")).unwrap_err();
        assert!(e.to_string().contains("binary file"), "{e}");
        let e = load_questions(&write("l.txt", b"ok?\ncaf\xe9?\n")).unwrap_err();
        assert!(e
            .to_string()
            .ends_with("l.txt:2: not valid UTF-8: save the file as UTF-8"));
        let (f, q) = load_questions(&write("x.questions", b"\xef\xbb\xbf- a?\n- b?\n")).unwrap();
        assert_eq!((f, q.len()), (QuestionsFormat::Markdown, 2));
    }
}
