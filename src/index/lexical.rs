//! BM25 over stories and the catalog's sample questions, with tantivy.
//!
//! Two small tantivy indexes live side by side: `stories/` (one document per story, with its
//! title, prepared question, each STAR section and its tag names as separate fields, all
//! stored) and `catalog/` (one document per sample question, evidence line or description).
//!
//! The analyzer drops English stop words *and* the boilerplate every interview question
//! shares ("tell me about a time you…", "describe", "example"), then stems. Without that,
//! BM25 matches stories on "time" and "situation" instead of on what the question is about.
//! The analyzer is registered again on every open, because tantivy persists only its name.

use std::collections::BTreeSet;
use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, INDEXED, STORED,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::catalog::PrincipleId;
use crate::error::{Error, Result};
use crate::story::{StarSection, Story};

/// Name under which the analyzer is registered.
pub const ANALYZER: &str = "storyfit_en";

/// Words removed before BM25: common English function words plus interview boilerplate.
pub const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "s",
    "t",
    "don",
    "ve",
    "ll",
    "re",
    "d",
    "m",
    "let",
    "lets",
    "us",
    "one",
    "get",
    "got",
    // interview boilerplate
    "tell",
    "describe",
    "describing",
    "give",
    "example",
    "examples",
    "time",
    "times",
    "share",
    "walk",
    "through",
    "situation",
    "situations",
    "instance",
    "occasion",
    "experience",
    "recall",
    "remember",
    "talk",
    "explain",
    "happened",
    "happen",
    "specific",
    "kind",
];

/// Builds the analyzer (tokenize, drop long tokens, lowercase, stop words, English stems).
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// How often each analyzed term occurs in a text.
pub fn term_counts(text: &str) -> std::collections::BTreeMap<String, usize> {
    let mut a = analyzer();
    let mut stream = a.token_stream(text);
    let mut out = std::collections::BTreeMap::new();
    while let Some(tok) = stream.next() {
        *out.entry(tok.text.clone()).or_insert(0) += 1;
    }
    out
}

/// Analyzed terms of a text, deduplicated, in first-seen order, with the original word.
pub fn terms(text: &str) -> Vec<(String, String)> {
    let mut a = analyzer();
    let mut stream = a.token_stream(text);
    let mut out: Vec<(String, String)> = Vec::new();
    while let Some(tok) = stream.next() {
        if out.iter().any(|(t, _)| *t == tok.text) {
            continue;
        }
        let original = text
            .get(tok.offset_from..tok.offset_to)
            .unwrap_or(&tok.text)
            .to_string();
        out.push((tok.text.clone(), original));
    }
    out
}

fn text_options() -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored()
}

/// Per-field BM25 boosts for story documents.
#[derive(Debug, Clone, Copy)]
pub struct FieldBoosts {
    /// Title.
    pub title: f32,
    /// The question the story was prepared for.
    pub question: f32,
    /// Each STAR section, in S, T, A, R order.
    pub sections: [f32; 4],
    /// Tag names.
    pub tags: f32,
}

impl Default for FieldBoosts {
    fn default() -> Self {
        FieldBoosts {
            title: 1.5,
            question: 1.5,
            sections: [1.0, 1.0, 1.2, 1.0],
            tags: 0.5,
        }
    }
}

struct StoryFields {
    ord: Field,
    title: Field,
    question: Field,
    sections: [Field; 4],
    tags: Field,
}

/// The stories' BM25 index.
pub struct StoryLexicon {
    reader: IndexReader,
    f: StoryFields,
}

/// One BM25 hit: the story's position in the bank and its score.
pub type Hit = (usize, f32);

fn story_schema() -> (Schema, StoryFields) {
    let mut b = Schema::builder();
    let ord = b.add_u64_field("ord", INDEXED | STORED);
    let title = b.add_text_field("title", text_options());
    let question = b.add_text_field("question", text_options());
    let sections = [
        b.add_text_field("situation", text_options()),
        b.add_text_field("task", text_options()),
        b.add_text_field("action", text_options()),
        b.add_text_field("result", text_options()),
    ];
    let tags = b.add_text_field("tags", text_options());
    (
        b.build(),
        StoryFields {
            ord,
            title,
            question,
            sections,
            tags,
        },
    )
}

fn section_slot(kind: StarSection) -> usize {
    match kind {
        StarSection::Situation => 0,
        StarSection::Task => 1,
        StarSection::Action => 2,
        StarSection::Result => 3,
    }
}

fn open_dir(dir: &Path) -> Result<Index> {
    let index = Index::open_in_dir(dir).map_err(|e| Error::IndexCorrupt {
        dir: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    index.tokenizers().register(ANALYZER, analyzer());
    Ok(index)
}

fn reader(index: &Index) -> Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?)
}

/// The writer wants at least 15 MB per thread; one thread is plenty for a story bank.
const WRITER_HEAP: usize = 50_000_000;

impl StoryLexicon {
    /// Writes a new index of `stories` into the empty directory `dir`.
    pub fn build(dir: &Path, stories: &[Story], tag_names: &[Vec<String>]) -> Result<()> {
        fs_err::create_dir_all(dir)?;
        let (schema, f) = story_schema();
        let index = Index::create_in_dir(dir, schema)?;
        index.tokenizers().register(ANALYZER, analyzer());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_HEAP)?;
        for (i, story) in stories.iter().enumerate() {
            let mut d = doc!(f.ord => i as u64, f.title => story.title.clone());
            if let Some(q) = &story.question {
                d.add_text(f.question, q);
            }
            for (kind, text) in &story.sections {
                d.add_text(f.sections[section_slot(*kind)], text);
            }
            for name in tag_names.get(i).into_iter().flatten() {
                d.add_text(f.tags, name);
            }
            writer.add_document(d)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok(())
    }

    /// Opens an index written by [`StoryLexicon::build`].
    pub fn open(dir: &Path) -> Result<StoryLexicon> {
        let index = open_dir(dir)?;
        let (_, f) = story_schema();
        let reader = reader(&index)?;
        Ok(StoryLexicon { reader, f })
    }

    fn query(&self, question: &str, boosts: &FieldBoosts) -> Option<BooleanQuery> {
        let terms = terms(question);
        if terms.is_empty() {
            return None;
        }
        let mut fields = vec![
            (self.f.title, boosts.title),
            (self.f.question, boosts.question),
            (self.f.tags, boosts.tags),
        ];
        for (i, f) in self.f.sections.iter().enumerate() {
            fields.push((*f, boosts.sections[i]));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, _) in &terms {
            for (field, boost) in &fields {
                if *boost <= 0.0 {
                    continue;
                }
                let tq = TermQuery::new(
                    Term::from_field_text(*field, term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(tq), *boost)),
                ));
            }
        }
        Some(BooleanQuery::new(clauses))
    }

    /// BM25 top `limit` stories for a question, best first.
    pub fn search(&self, question: &str, limit: usize, boosts: &FieldBoosts) -> Result<Vec<Hit>> {
        let Some(query) = self.query(question, boosts) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(ord) = d.get_first(self.f.ord).and_then(|v| v.as_u64()) {
                out.push((ord as usize, score));
            }
        }
        Ok(out)
    }

    /// The best snippet (with `[`…`]` around matched words) among a story's fields.
    pub fn snippet(
        &self,
        question: &str,
        ord: usize,
        boosts: &FieldBoosts,
    ) -> Result<Option<String>> {
        let Some(query) = self.query(question, boosts) else {
            return Ok(None);
        };
        let searcher = self.reader.searcher();
        let tq = TermQuery::new(
            Term::from_field_u64(self.f.ord, ord as u64),
            IndexRecordOption::Basic,
        );
        let Some((_, addr)) = searcher
            .search(&tq, &TopDocs::with_limit(1).order_by_score())?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher.doc(addr)?;
        let mut best: Option<(usize, String)> = None;
        let mut fields = vec![self.f.question, self.f.title];
        fields.extend(self.f.sections);
        for field in fields {
            let mut gen = SnippetGenerator::create(&searcher, &query, field)?;
            gen.set_max_num_chars(160);
            let snip = gen.snippet_from_doc(&d);
            let n = snip.highlighted().len();
            if n == 0 || best.as_ref().is_some_and(|(m, _)| *m >= n) {
                continue;
            }
            let frag = snip.fragment();
            let mut s = String::new();
            let mut last = 0;
            for r in snip.highlighted() {
                s.push_str(&frag[last..r.start]);
                s.push('[');
                s.push_str(&frag[r.clone()]);
                s.push(']');
                last = r.end;
            }
            s.push_str(&frag[last..]);
            best = Some((n, s.split_whitespace().collect::<Vec<_>>().join(" ")));
        }
        Ok(best.map(|(_, s)| s))
    }
}

/// The catalog's BM25 index: which principles' sample texts share words with a question.
pub struct CatalogLexicon {
    reader: IndexReader,
    lp: Field,
    text: Field,
}

impl CatalogLexicon {
    /// Writes `(principle, text)` documents into the empty directory `dir`.
    pub fn build(dir: &Path, items: &[(PrincipleId, &str)]) -> Result<()> {
        fs_err::create_dir_all(dir)?;
        let mut b = Schema::builder();
        let lp = b.add_u64_field("lp", INDEXED | STORED);
        let text = b.add_text_field("text", text_options());
        let index = Index::create_in_dir(dir, b.build())?;
        index.tokenizers().register(ANALYZER, analyzer());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_HEAP)?;
        for (id, t) in items {
            writer.add_document(doc!(lp => u64::from(id.0), text => t.to_string()))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok(())
    }

    /// Opens an index written by [`CatalogLexicon::build`].
    pub fn open(dir: &Path) -> Result<CatalogLexicon> {
        let index = open_dir(dir)?;
        let schema = index.schema();
        let field = |name: &str| {
            schema.get_field(name).map_err(|e| Error::IndexCorrupt {
                dir: dir.to_path_buf(),
                reason: e.to_string(),
            })
        };
        let (lp, text) = (field("lp")?, field("text")?);
        let reader = reader(&index)?;
        Ok(CatalogLexicon { reader, lp, text })
    }

    /// For each principle (catalog order, `n` of them), the best BM25 score of one of its
    /// texts against the question (0 when none matches).
    pub fn principle_scores(&self, question: &str, n: usize) -> Result<Vec<f32>> {
        let mut out = vec![0f32; n];
        let terms = terms(question);
        if terms.is_empty() {
            return Ok(out);
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|(t, _)| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.text, t),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(200).order_by_score())?;
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(lp) = d.get_first(self.lp).and_then(|v| v.as_u64()) {
                if let Some(slot) = out.get_mut(lp as usize) {
                    *slot = slot.max(score);
                }
            }
        }
        Ok(out)
    }
}

/// Stemmed terms shared by a question and a text, as the question's own words.
pub fn matched_words(question: &str, text: &str) -> Vec<String> {
    let text_terms: BTreeSet<String> = terms(text).into_iter().map(|(t, _)| t).collect();
    terms(question)
        .into_iter()
        .filter(|(t, _)| text_terms.contains(t))
        .map(|(_, w)| w.to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_is_not_a_term() {
        let t: Vec<String> = terms("Tell me about a time you disagreed with your manager")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(t, ["disagre", "manag"]);
    }

    #[test]
    fn matched_words_use_stems() {
        let m = matched_words(
            "a time you learned a new technology quickly",
            "I was learning gRPC, a technology I had never used",
        );
        assert_eq!(m, ["learned", "technology"]);
    }
}
