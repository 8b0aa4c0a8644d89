//! Markdown story banks → [`Story`] values.
//!
//! Real banks are written for people, not parsers (see the seed bank in README): YAML front
//! matter, a table of contents, notes sections, a ranked list of principles, `## <LP>`
//! headings, then `Q.` and `S:`/`T:`/`A:`/`R:` paragraphs that often sit on consecutive lines
//! of one Markdown paragraph. So the parser works in two layers:
//!
//! 1. pulldown-cmark turns the file into blocks (headings, paragraphs, lists) with line
//!    numbers; soft breaks are kept, so a paragraph is a list of source lines.
//! 2. A small state machine walks the blocks. Headings set the context (which principles
//!    tag what follows, a story title, a priorities list); `Q.` and section markers start
//!    and continue stories; unmarked lines continue the current section.
//!
//! The same machine reads the second form, one story per file with front matter (`title`,
//! `lps`, `question`) and `## Situation` … `## Result` headings, because a heading named
//! after a STAR section is treated as a section marker.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Bank, SourceFile, SourceLoc, StarSection, Story, StoryId, Warning};
use crate::catalog::{sha256_hex, Catalog, PrincipleId};
use crate::error::{Error, Result};

/// File name endings read when walking a directory. Files named explicitly are always read.
pub const STORY_EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// What one file yields.
#[derive(Debug, Default)]
pub struct FileParse {
    /// Stories, in file order (ids already derived).
    pub stories: Vec<Story>,
    /// Priorities stated in the file.
    pub priorities: Vec<PrincipleId>,
    /// Front matter as JSON, if any.
    pub metadata: Option<serde_json::Value>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// Reads every input (files, or directories walked recursively) into one [`Bank`].
///
/// Binary and non-UTF-8 files are skipped with a warning; a malformed front matter block is
/// an error naming the file and line; no story at all is [`Error::EmptyBank`].
pub fn load_bank(inputs: &[PathBuf], catalog: &Catalog) -> Result<Bank> {
    let mut bank = Bank::default();
    for input in inputs {
        if !input.exists() {
            return Err(Error::InputMissing {
                path: input.clone(),
            });
        }
        for (path, rel) in expand_input(input)? {
            read_file(&path, &rel, catalog, &mut bank)?;
        }
    }
    if bank.stories.is_empty() {
        let inputs = inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::EmptyBank { inputs });
    }
    Ok(bank)
}

/// Lists the files behind one input with the path used for story ids (relative to the
/// directory named, or the bare file name), sorted so ids and order are reproducible.
fn expand_input(input: &Path) -> Result<Vec<(PathBuf, String)>> {
    if input.is_file() {
        let rel = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![(input.to_path_buf(), rel)]);
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(input)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(input).to_path_buf();
            Error::Io(std::io::Error::other(format!("{}: {e}", path.display())))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let ext = entry
            .path()
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if !STORY_EXTENSIONS.contains(&ext.as_str()) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(input)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        out.push((entry.path().to_path_buf(), rel));
    }
    Ok(out)
}

fn read_file(path: &Path, rel: &str, catalog: &Catalog, bank: &mut Bank) -> Result<()> {
    let bytes = fs_err::read(path)?;
    let warn = |line: Option<usize>, message: String| Warning {
        path: path.to_path_buf(),
        line,
        message,
    };
    if bytes.contains(&0) {
        bank.warnings.push(warn(
            None,
            "binary file (contains NUL bytes); skipped".into(),
        ));
        return Ok(());
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            bank.warnings.push(warn(
                Some(line),
                "not valid UTF-8 (save the file as UTF-8); skipped".into(),
            ));
            return Ok(());
        }
    };
    let parsed = parse_str(text, path, rel, catalog)?;
    if parsed.stories.is_empty() {
        bank.warnings
            .push(warn(None, "no stories found in this file".into()));
    }
    bank.files.push(SourceFile {
        // Absolute, so staleness checks work from any working directory.
        path: fs_err::canonicalize(path)?,
        sha256: sha256_hex(&bytes),
    });
    if let Some(meta) = parsed.metadata {
        bank.metadata.push((path.to_path_buf(), meta));
    }
    for p in parsed.priorities {
        if !bank.priorities.contains(&p) {
            bank.priorities.push(p);
        }
    }
    bank.stories.extend(parsed.stories);
    bank.warnings.extend(parsed.warnings);
    Ok(())
}

/// Parses one file's text. `path` is reported in stories and warnings; `rel` feeds the ids.
pub fn parse_str(text: &str, path: &Path, rel: &str, catalog: &Catalog) -> Result<FileParse> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    let (front, body) = split_front_matter(&text, path)?;
    let lines = LineIndex::new(&body);
    let blocks = blocks(&body, &lines);

    let mut m = Machine {
        catalog,
        path,
        stack: Vec::new(),
        draft: None,
        done: Vec::new(),
        out: FileParse::default(),
    };
    let mut fm = FrontMatter::default();
    if let Some((yaml_line, value)) = front {
        fm = FrontMatter::from_json(&value, yaml_line, &mut m);
        m.out.metadata = Some(value);
    }
    for block in blocks {
        m.block(block);
    }
    m.finish_draft();
    let Machine { done, mut out, .. } = m;
    for p in &fm.priorities {
        if !out.priorities.contains(p) {
            out.priorities.push(*p);
        }
    }
    let single = done.len() == 1;
    let mut seen: Vec<(String, usize)> = Vec::new();
    for d in done {
        let story = d.into_story(&fm, single, path, rel, &mut seen, &mut out.warnings);
        out.stories.push(story);
    }
    Ok(out)
}

// ---- front matter ----------------------------------------------------------------------

/// Splits off a `---` YAML front matter block. The block's lines are replaced by blank lines
/// in the body so Markdown line numbers stay those of the file.
fn split_front_matter(
    text: &str,
    path: &Path,
) -> Result<(Option<(usize, serde_json::Value)>, String)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Ok((None, text.to_string()));
    }
    let mut yaml = String::new();
    let mut closed_at = None;
    for (i, line) in lines.enumerate() {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            closed_at = Some(i + 2);
            break;
        }
        yaml.push_str(line);
    }
    let Some(close_line) = closed_at else {
        return Err(Error::StoryParse {
            path: path.to_path_buf(),
            line: 1,
            reason: "front matter opened with `---` is never closed".into(),
        });
    };
    let matter = gray_matter::Matter::<gray_matter::engine::YAML>::new();
    let wrapped = format!("---\n{yaml}---\n");
    let parsed = matter
        .parse::<serde_json::Value>(&wrapped)
        .map_err(|e| Error::StoryParse {
            path: path.to_path_buf(),
            line: 2,
            reason: format!("invalid YAML front matter: {e}"),
        })?;
    let value = parsed.data.unwrap_or(serde_json::Value::Null);
    let body: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i < close_line {
                if l.ends_with('\n') {
                    "\n"
                } else {
                    ""
                }
            } else {
                l
            }
        })
        .collect();
    Ok((Some((2, value)), body))
}

#[derive(Default)]
struct FrontMatter {
    title: Option<String>,
    question: Option<String>,
    lps: Vec<PrincipleId>,
    priorities: Vec<PrincipleId>,
}

impl FrontMatter {
    fn from_json(v: &serde_json::Value, line: usize, m: &mut Machine<'_>) -> FrontMatter {
        let str_of = |key: &str| {
            v.get(key)
                .and_then(|x| x.as_str())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let mut names = |key: &str| -> Vec<PrincipleId> {
            let items: Vec<String> = match v.get(key) {
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                Some(serde_json::Value::String(s)) => vec![s.clone()],
                _ => Vec::new(),
            };
            let mut ids = Vec::new();
            for name in items {
                match m.catalog.resolve(&name) {
                    Some(id) if !ids.contains(&id) => ids.push(id),
                    Some(_) => {}
                    None => m.warn(
                        line,
                        format!("front matter `{key}`: {name:?} is not a known principle; ignored"),
                    ),
                }
            }
            ids
        };
        let mut lps = names("lps");
        for id in names("principles") {
            if !lps.contains(&id) {
                lps.push(id);
            }
        }
        let priorities = names("priorities");
        FrontMatter {
            title: str_of("title"),
            question: str_of("question"),
            lps,
            priorities,
        }
    }
}

// ---- Markdown blocks -------------------------------------------------------------------

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

#[derive(Debug)]
enum Block {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    /// A paragraph as its source lines (soft breaks kept), with the first line's number.
    Para { lines: Vec<String>, line: usize },
    List {
        ordered: bool,
        items: Vec<(String, usize)>,
    },
}

/// Flattens the Markdown event stream into the three block kinds the state machine needs.
fn blocks(body: &str, lines: &LineIndex) -> Vec<Block> {
    let parser = Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut out = Vec::new();
    let mut text = String::new();
    let mut start_line = 0;
    let mut list_depth = 0usize;
    let mut list_items: Vec<(String, usize)> = Vec::new();
    let mut list_ordered = false;
    let mut item_line = 0;
    let mut in_heading: Option<u8> = None;
    let mut in_para = false;
    let mut in_code = false;
    for (ev, range) in parser.into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level as u8);
                text.clear();
                start_line = lines.line_of(range.start);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(level) = in_heading.take() {
                    out.push(Block::Heading {
                        level,
                        text: text.trim().to_string(),
                        line: start_line,
                    });
                }
                text.clear();
            }
            Event::Start(Tag::List(first)) => {
                if list_depth == 0 {
                    list_items.clear();
                    list_ordered = first.is_some();
                } else if !text.trim().is_empty() {
                    list_items.push((text.trim().to_string(), item_line));
                    text.clear();
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    out.push(Block::List {
                        ordered: list_ordered,
                        items: std::mem::take(&mut list_items),
                    });
                }
            }
            Event::Start(Tag::Item) => {
                text.clear();
                item_line = lines.line_of(range.start);
            }
            Event::End(TagEnd::Item) => {
                if !text.trim().is_empty() {
                    list_items.push((text.trim().to_string(), item_line));
                }
                text.clear();
            }
            Event::Start(Tag::Paragraph) if list_depth == 0 => {
                in_para = true;
                text.clear();
                start_line = lines.line_of(range.start);
            }
            Event::End(TagEnd::Paragraph) if list_depth == 0 => {
                if in_para {
                    push_para(&mut out, &text, start_line);
                }
                in_para = false;
                text.clear();
            }
            Event::End(TagEnd::Paragraph) => text.push(' '),
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                text.clear();
                start_line = lines.line_of(range.start);
            }
            Event::End(TagEnd::CodeBlock) => {
                if list_depth == 0 {
                    push_para(&mut out, &text, start_line + 1);
                    text.clear();
                }
                in_code = false;
            }
            Event::Start(Tag::Table(_)) if list_depth == 0 => {
                text.clear();
                start_line = lines.line_of(range.start);
            }
            Event::End(TagEnd::TableCell) => text.push_str(" | "),
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => text.push('\n'),
            Event::End(TagEnd::Table) if list_depth == 0 => {
                push_para(&mut out, &text, start_line);
                text.clear();
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => {
                if in_heading.is_some() || list_depth > 0 {
                    text.push(' ');
                } else {
                    text.push('\n');
                }
            }
            _ => {}
        }
        let _ = in_code;
    }
    out
}

fn push_para(out: &mut Vec<Block>, text: &str, line: usize) {
    let lines: Vec<String> = text.split('\n').map(|l| l.trim().to_string()).collect();
    if lines.iter().any(|l| !l.is_empty()) {
        out.push(Block::Para { lines, line });
    }
}

// ---- markers -----------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Question,
    Section(StarSection),
}

/// Recognises `Q.`, `Q:`, `Question:`, `S:`…`R:` and `Situation:`…`Result:` at the start
/// of a line (case-insensitive) and returns the rest of the line.
fn marker(line: &str) -> Option<(Marker, &str)> {
    let word_end = line
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(line.len());
    let (word, rest) = line.split_at(word_end);
    let mut chars = rest.chars();
    let punct = chars.next()?;
    let rest = chars.as_str();
    let word = word.to_lowercase();
    let m = match (word.as_str(), punct) {
        ("q", '.' | ':' | ')') | ("question", ':' | '.') => Marker::Question,
        (w, ':') => Marker::Section(section_word(w)?),
        _ => return None,
    };
    Some((m, rest.trim()))
}

fn section_word(w: &str) -> Option<StarSection> {
    Some(match w {
        "s" | "situation" | "context" | "background" => StarSection::Situation,
        "t" | "task" | "tasks" => StarSection::Task,
        "a" | "action" | "actions" => StarSection::Action,
        "r" | "result" | "results" | "outcome" => StarSection::Result,
        _ => return None,
    })
}

/// A heading that is itself a STAR section name (`## Situation`, `### Result:`).
fn heading_section(text: &str) -> Option<StarSection> {
    let t = text
        .trim()
        .trim_end_matches([':', '.'])
        .trim()
        .to_lowercase();
    section_word(&t)
}

// ---- state machine -----------------------------------------------------------------------

#[derive(Debug, Clone)]
enum HeadingKind {
    Principles(Vec<PrincipleId>),
    Priorities,
    Other(String),
}

#[derive(Debug)]
struct Ctx {
    level: u8,
    line: usize,
    kind: HeadingKind,
    /// A title heading names only the first story below it.
    used_as_title: bool,
}

#[derive(Debug)]
struct Draft {
    line: usize,
    title: Option<String>,
    /// Nearest non-principle heading when the story has no principle heading.
    bare_heading: Option<(String, usize)>,
    question: Option<String>,
    sections: Vec<(StarSection, String)>,
    current: Option<StarSection>,
    tags: Vec<PrincipleId>,
}

struct Machine<'a> {
    catalog: &'a Catalog,
    path: &'a Path,
    stack: Vec<Ctx>,
    draft: Option<Draft>,
    done: Vec<Draft>,
    out: FileParse,
}

impl Machine<'_> {
    fn warn(&mut self, line: usize, message: String) {
        self.out.warnings.push(Warning {
            path: self.path.to_path_buf(),
            line: Some(line),
            message,
        });
    }

    fn block(&mut self, block: Block) {
        match block {
            Block::Heading { level, text, line } => self.heading(level, text, line),
            Block::Para { lines, line } => {
                for (i, l) in lines.iter().enumerate() {
                    self.line(l, line + i, i == 0);
                }
            }
            Block::List { ordered, items } => self.list(ordered, items),
        }
    }

    fn heading(&mut self, level: u8, text: String, line: usize) {
        if let Some(kind) = heading_section(&text) {
            self.section_start(kind, String::new(), line);
            return;
        }
        if let Some((Marker::Question, rest)) = marker(&text) {
            // `### Q. Tell me about…`: the heading is the question.
            self.finish_draft();
            self.pop_to(level);
            self.start_draft(line);
            if let Some(d) = self.draft.as_mut() {
                d.question = Some(rest.to_string());
            }
            return;
        }
        self.finish_draft();
        self.pop_to(level);
        let kind = self.classify_heading(&text);
        self.stack.push(Ctx {
            level,
            line,
            kind,
            used_as_title: false,
        });
    }

    fn pop_to(&mut self, level: u8) {
        while self.stack.last().is_some_and(|c| c.level >= level) {
            self.stack.pop();
        }
    }

    fn classify_heading(&self, text: &str) -> HeadingKind {
        let lower = text.to_lowercase();
        if (lower.contains("ranked") || lower.contains("priorit")) && !lower.contains("question") {
            return HeadingKind::Priorities;
        }
        match resolve_heading(self.catalog, text) {
            Some(ids) => HeadingKind::Principles(ids),
            None => HeadingKind::Other(text.to_string()),
        }
    }

    fn start_draft(&mut self, line: usize) {
        let mut tags = Vec::new();
        let mut title = None;
        let mut title_at = None;
        let mut bare_heading = None;
        let last_lp = self
            .stack
            .iter()
            .rposition(|c| matches!(c.kind, HeadingKind::Principles(_)));
        for (i, ctx) in self.stack.iter().enumerate() {
            match &ctx.kind {
                HeadingKind::Principles(ids) => {
                    for id in ids {
                        if !tags.contains(id) {
                            tags.push(*id);
                        }
                    }
                }
                HeadingKind::Other(t) => {
                    if last_lp.is_some_and(|l| i > l) {
                        if !ctx.used_as_title {
                            title = Some(t.clone());
                            title_at = Some(i);
                        }
                    } else if last_lp.is_none() {
                        bare_heading = Some((t.clone(), ctx.line));
                    }
                }
                HeadingKind::Priorities => {}
            }
        }
        // A title heading right above the first marker is where the story starts.
        let start = match title_at {
            Some(i) => {
                self.stack[i].used_as_title = true;
                self.stack[i].line
            }
            None => line,
        };
        self.draft = Some(Draft {
            line: start,
            title,
            bare_heading,
            question: None,
            sections: Vec::new(),
            current: None,
            tags,
        });
    }

    fn finish_draft(&mut self) {
        if let Some(d) = self.draft.take() {
            if d.sections.iter().all(|(_, t)| t.trim().is_empty()) {
                if let Some(q) = &d.question {
                    let q = shorten(q, 60);
                    self.warn(
                        d.line,
                        format!("question {q:?} has no S:/T:/A:/R: answer; skipped"),
                    );
                }
                return;
            }
            self.done.push(d);
        }
    }

    fn section_start(&mut self, kind: StarSection, first: String, line: usize) {
        let new_story = match &self.draft {
            None => true,
            Some(d) => {
                d.sections.iter().any(|(k, _)| *k == kind)
                    || (kind == StarSection::Situation && !d.sections.is_empty())
            }
        };
        if new_story {
            self.finish_draft();
            self.start_draft(line);
        }
        if let Some(d) = self.draft.as_mut() {
            d.sections.push((kind, first));
            d.current = Some(kind);
        }
    }

    fn line(&mut self, text: &str, line: usize, para_start: bool) {
        match marker(text) {
            Some((Marker::Question, rest)) => {
                let new_story = self
                    .draft
                    .as_ref()
                    .is_none_or(|d| d.question.is_some() || !d.sections.is_empty());
                if new_story {
                    self.finish_draft();
                    self.start_draft(line);
                }
                if let Some(d) = self.draft.as_mut() {
                    d.question = Some(rest.to_string());
                }
            }
            Some((Marker::Section(kind), rest)) => {
                self.section_start(kind, rest.to_string(), line);
            }
            None => {
                if text.is_empty() {
                    return;
                }
                let Some(d) = self.draft.as_mut() else {
                    return;
                };
                match d.current {
                    Some(kind) => {
                        if let Some((_, body)) =
                            d.sections.iter_mut().rev().find(|(k, _)| *k == kind)
                        {
                            if !body.is_empty() {
                                body.push_str(if para_start { "\n\n" } else { "\n" });
                            }
                            body.push_str(text);
                        }
                    }
                    None => {
                        if let Some(q) = d.question.as_mut() {
                            q.push(' ');
                            q.push_str(text);
                        }
                    }
                }
            }
        }
    }

    fn list(&mut self, ordered: bool, items: Vec<(String, usize)>) {
        let in_priorities = matches!(
            self.stack.last().map(|c| &c.kind),
            Some(HeadingKind::Priorities)
        );
        if in_priorities && self.draft.is_none() {
            for (item, line) in items {
                let name = item.trim().trim_end_matches(['.', ':']);
                match self.catalog.resolve(name) {
                    Some(id) => {
                        if !self.out.priorities.contains(&id) {
                            self.out.priorities.push(id);
                        }
                    }
                    None => self.warn(
                        line,
                        format!("priority {name:?} is not a known principle; ignored"),
                    ),
                }
            }
            return;
        }
        if let Some(d) = self.draft.as_mut() {
            if let Some(kind) = d.current {
                if let Some((_, body)) = d.sections.iter_mut().rev().find(|(k, _)| *k == kind) {
                    for (i, (item, _)) in items.iter().enumerate() {
                        if !body.is_empty() {
                            body.push('\n');
                        }
                        if ordered {
                            body.push_str(&format!("{}. {item}", i + 1));
                        } else {
                            body.push_str(&format!("- {item}"));
                        }
                    }
                }
            }
        }
    }
}

/// A heading names principles when it is one name or several joined by `/`, `+`, `|` or
/// `,`/`;` ("Ownership / Deliver Results"). Returns `None` when any part is unknown.
fn resolve_heading(catalog: &Catalog, text: &str) -> Option<Vec<PrincipleId>> {
    let text = text.trim().trim_end_matches(':');
    if let Some(id) = catalog.resolve(text) {
        return Some(vec![id]);
    }
    let mut ids = Vec::new();
    for part in text.split(['/', '+', '|']) {
        if part.trim().is_empty() {
            continue;
        }
        match catalog.resolve(part) {
            Some(id) => ids.push(id),
            None => ids.extend(catalog.resolve_list(part).ok()?),
        }
    }
    (!ids.is_empty()).then_some(ids)
}

impl Draft {
    fn into_story(
        self,
        fm: &FrontMatter,
        single: bool,
        path: &Path,
        rel: &str,
        seen: &mut Vec<(String, usize)>,
        warnings: &mut Vec<Warning>,
    ) -> Story {
        let mut tags = self.tags;
        for id in &fm.lps {
            if !tags.contains(id) {
                tags.push(*id);
            }
        }
        let question = self.question.or_else(|| fm.question.clone());
        let sections: Vec<(StarSection, String)> = self
            .sections
            .into_iter()
            .map(|(k, t)| (k, t.trim().to_string()))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        let title = self
            .title
            .or_else(|| fm.title.clone().filter(|_| single))
            .or_else(|| question.as_ref().map(|q| shorten(q, 80)))
            .or_else(|| self.bare_heading.as_ref().map(|(h, _)| h.clone()))
            .or_else(|| sections.first().map(|(_, t)| shorten(t, 60)))
            .unwrap_or_else(|| format!("Story at line {}", self.line));
        let occurrence = match seen.iter_mut().find(|(t, _)| *t == title) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen.push((title.clone(), 0));
                0
            }
        };
        let warn = |message: String| Warning {
            path: path.to_path_buf(),
            line: Some(self.line),
            message,
        };
        if tags.is_empty() {
            let msg = match &self.bare_heading {
                Some((h, _)) => format!(
                    "story {:?} is untagged: heading {h:?} is not a known principle",
                    shorten(&title, 50)
                ),
                None => format!(
                    "story {:?} is untagged: put it under a `## <principle>` heading or add `lps:`",
                    shorten(&title, 50)
                ),
            };
            warnings.push(warn(msg));
        }
        let story = Story {
            id: StoryId::derive(rel, &title, occurrence),
            title,
            question,
            sections,
            tags,
            source: SourceLoc {
                path: path.to_path_buf(),
                line: self.line,
            },
        };
        let missing = story.missing_sections();
        if !missing.is_empty() {
            let names: Vec<_> = missing.iter().map(|k| k.name()).collect();
            warnings.push(warn(format!(
                "story {:?} has no {} section; indexed what is there",
                shorten(&story.title, 50),
                names.join(", ")
            )));
        }
        story
    }
}

/// Cuts text to at most `max` characters on a word boundary, adding `…`.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FileParse {
        let c = Catalog::builtin().unwrap();
        parse_str(text, Path::new("t.md"), "t.md", &c).unwrap()
    }

    fn names(f: &FileParse, i: usize) -> Vec<String> {
        let c = Catalog::builtin().unwrap();
        f.stories[i]
            .tags
            .iter()
            .map(|t| c.get(*t).name.clone())
            .collect()
    }

    #[test]
    fn markers() {
        assert_eq!(marker("Q. Tell me"), Some((Marker::Question, "Tell me")));
        assert_eq!(
            marker("S: The first"),
            Some((Marker::Section(StarSection::Situation), "The first"))
        );
        assert_eq!(
            marker("result: shipped"),
            Some((Marker::Section(StarSection::Result), "shipped"))
        );
        assert_eq!(marker("As a result: nothing"), None);
        assert_eq!(marker("A. Smith said"), None);
    }

    #[test]
    fn consecutive_marker_lines_form_one_story() {
        let f = parse(
            "## Dive Deep\nQ. Why?\nS: s1\nT: t1\nA: a1\nmore action\n\nstill action\nR: r1\n",
        );
        assert_eq!(f.stories.len(), 1);
        let s = &f.stories[0];
        assert_eq!(s.question.as_deref(), Some("Why?"));
        assert_eq!(
            s.section(StarSection::Action),
            Some("a1\nmore action\n\nstill action")
        );
        assert_eq!(names(&f, 0), ["Dive Deep"]);
        assert_eq!(s.source.line, 2);
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    }

    #[test]
    fn several_stories_under_one_heading() {
        let f = parse(
            "## Ownership / Deliver Results\n### First\nS: a\nT: b\nA: c\nR: d\n### Second\nS: e\nT: f\nA: g\nR: h\n\nQ. Third?\nS: i\nT: j\nA: k\nR: l\n",
        );
        let titles: Vec<_> = f.stories.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["First", "Second", "Third?"]);
        assert_eq!(names(&f, 0), ["Ownership", "Deliver Results"]);
        assert_eq!(f.stories[0].source.line, 2);
    }

    #[test]
    fn per_file_form_with_front_matter() {
        let f = parse(
            "---\ntitle: Cut costs\nlps: [\"Frugality\", \"Invent & Simplify\"]\n---\n\n## Situation\nWe paid too much.\n\n## Task\nCut it.\n\n## Action\nI moved jobs to spot.\n\nAnd batched them.\n\n## Result\n40% less.\n",
        );
        assert_eq!(f.stories.len(), 1);
        let s = &f.stories[0];
        assert_eq!(s.title, "Cut costs");
        assert_eq!(names(&f, 0), ["Frugality", "Invent and Simplify"]);
        assert_eq!(
            s.section(StarSection::Action),
            Some("I moved jobs to spot.\n\nAnd batched them.")
        );
        assert_eq!(s.source.line, 6);
    }

    #[test]
    fn unknown_heading_is_untagged_with_warning() {
        let f = parse("## Radical Candor\nS: a\nT: b\nA: c\nR: d\n");
        assert_eq!(f.stories.len(), 1);
        assert!(f.stories[0].tags.is_empty());
        assert!(
            f.warnings[0].message.contains("Radical Candor"),
            "{:?}",
            f.warnings
        );
    }

    #[test]
    fn missing_parts_warn_but_index() {
        let f = parse("## Earn Trust\nS: a\nA: c\n");
        assert_eq!(f.stories.len(), 1);
        assert!(
            f.warnings[0].message.contains("Task, Result"),
            "{:?}",
            f.warnings
        );
    }

    #[test]
    fn priorities_list() {
        let f = parse("# LPs ranked in order of relevance:\n1.\tCustomer Obsession\n2.\tDive Deep\n3.\tNot One\n");
        assert_eq!(f.priorities.len(), 2);
        assert_eq!(f.warnings.len(), 1);
    }

    #[test]
    fn bad_front_matter_is_an_error_with_line() {
        let c = Catalog::builtin().unwrap();
        let err = parse_str(
            "---\ntitle: [unclosed\n---\nS: a\n",
            Path::new("x.md"),
            "x.md",
            &c,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("x.md:2: invalid YAML"), "{err}");
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = parse("## Dive Deep\nQ. One\nS: a\n\nQ. One\nS: b\n");
        let b = parse("## Dive Deep\nQ. One\nS: a\n\nQ. One\nS: b\n");
        assert_eq!(a.stories[0].id, b.stories[0].id);
        assert_ne!(a.stories[0].id, a.stories[1].id);
    }

    #[test]
    fn shorten_cuts_on_words() {
        assert_eq!(shorten("one two three four", 9), "one two…");
        assert_eq!(shorten("short", 9), "short");
    }
}
