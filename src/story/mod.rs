//! Stories: the unit storyfit ranks.
//!
//! A [`Story`] is one STAR answer (Situation, Task, Action, Result) with the question its
//! author prepared it for, the principles the author tagged it with, and where it came from.
//! A [`Bank`] is everything read from the user's inputs: the stories, the role's priority
//! list when the bank states one, the front matter, and the warnings met on the way (a
//! story missing its Result, a heading that names no known principle, a binary file).
//! Parsing lives in [`parse`]; this module only holds the data.

pub mod parse;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::catalog::{sha256_hex, PrincipleId};

pub use parse::{load_bank, parse_str};

/// Stable story id: 12 hex digits of sha256(source path relative to its input root, title,
/// occurrence). Re-indexing the same files yields the same ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoryId(pub String);

impl StoryId {
    /// Derives the id from the story's relative source path, its title and how many stories
    /// with the same path and title came before it.
    pub fn derive(rel_path: &str, title: &str, occurrence: usize) -> StoryId {
        let key = format!("{rel_path}\n{title}\n{occurrence}");
        StoryId(sha256_hex(key.as_bytes())[..12].to_string())
    }
}

impl fmt::Display for StoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The four parts of a STAR answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StarSection {
    /// What was going on.
    Situation,
    /// What the candidate had to do.
    Task,
    /// What the candidate did.
    Action,
    /// What came of it.
    Result,
}

impl StarSection {
    /// All four, in STAR order.
    pub const ALL: [StarSection; 4] = [
        StarSection::Situation,
        StarSection::Task,
        StarSection::Action,
        StarSection::Result,
    ];

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            StarSection::Situation => "Situation",
            StarSection::Task => "Task",
            StarSection::Action => "Action",
            StarSection::Result => "Result",
        }
    }

    /// The one-letter marker (`S`, `T`, `A`, `R`).
    pub fn letter(self) -> char {
        match self {
            StarSection::Situation => 'S',
            StarSection::Task => 'T',
            StarSection::Action => 'A',
            StarSection::Result => 'R',
        }
    }
}

/// Where a story starts: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLoc {
    /// The file as the user named it (or as found under a directory they named).
    pub path: PathBuf,
    /// 1-based line of the story's first line.
    pub line: usize,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// One STAR story.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Story {
    /// Stable id.
    pub id: StoryId,
    /// A `### Title`, the file's `title:`, or the prepared question, shortened.
    pub title: String,
    /// The question the author prepared the story for (`Q.` line or `question:`).
    pub question: Option<String>,
    /// Sections present, in the order written. A section may be missing (warned).
    pub sections: Vec<(StarSection, String)>,
    /// Principles the author tagged the story with (headings or `lps:`).
    pub tags: Vec<PrincipleId>,
    /// Where it starts.
    pub source: SourceLoc,
}

impl Story {
    /// The text of one section, if present.
    pub fn section(&self, kind: StarSection) -> Option<&str> {
        self.sections
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t.as_str())
    }

    /// Title, question and all sections as one text.
    pub fn full_text(&self) -> String {
        let mut s = String::new();
        s.push_str(&self.title);
        if let Some(q) = &self.question {
            if *q != self.title {
                s.push_str(". ");
                s.push_str(q);
            }
        }
        for (_, text) in &self.sections {
            s.push('\n');
            s.push_str(text);
        }
        s
    }

    /// The STAR sections the story lacks.
    pub fn missing_sections(&self) -> Vec<StarSection> {
        StarSection::ALL
            .into_iter()
            .filter(|k| self.section(*k).is_none())
            .collect()
    }
}

/// A problem met while reading the bank that did not stop it (the story or file is skipped
/// or indexed as far as possible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, when one is to blame.
    pub line: Option<usize>,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A file that contributed to the bank, with its content hash (for staleness checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path as read.
    pub path: PathBuf,
    /// sha256 of its bytes.
    pub sha256: String,
}

/// Everything read from the user's story inputs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Bank {
    /// Stories in input order.
    pub stories: Vec<Story>,
    /// The role's principle priorities, when the bank states them (first = most important).
    pub priorities: Vec<PrincipleId>,
    /// Front matter of each file that had one, as JSON.
    pub metadata: Vec<(PathBuf, serde_json::Value)>,
    /// Files read (skipped ones excluded).
    pub files: Vec<SourceFile>,
    /// Non-fatal problems.
    pub warnings: Vec<Warning>,
}
