//! The principle catalog: Amazon's 16 Leadership Principles by default, or any company's
//! values loaded from a TOML file of the same schema (`--catalog`).
//!
//! The catalog is product content as much as code: each principle's sample questions and
//! first-person evidence lines are what the classifier learns from and what the LP leg of
//! ranking compares questions and stories against. Names are resolved leniently (case,
//! `&`/`and`, punctuation, aliases) because people write "Hire & Develop the Best" and
//! "Disagree and Commit" in their notes.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The built-in catalog source, compiled into the binary so a fresh install needs no data path.
pub const BUILTIN_TOML: &str = include_str!("../data/catalog/amazon.toml");

/// Index of a principle inside its [`Catalog`] (0-based, in catalog order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PrincipleId(pub u16);

impl PrincipleId {
    /// The position as a `usize`, for indexing vectors laid out in catalog order.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// One principle (an Amazon LP, or another company's value).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Principle {
    /// Kebab-case slug, e.g. `customer-obsession`.
    pub id: String,
    /// Exact display name, e.g. `Customer Obsession`.
    pub name: String,
    /// Short code for narrow tables, e.g. `CO`.
    pub abbrev: String,
    /// Other spellings people use.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What the principle means, in the catalog author's words.
    pub description: String,
    /// Words that signal the principle in a question or story.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Sample interview questions that probe it.
    pub questions: Vec<String>,
    /// First-person sentences a story that shows it might contain.
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CatalogHeader {
    name: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
struct CatalogFile {
    catalog: CatalogHeader,
    principle: Vec<Principle>,
}

/// A loaded, validated catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Catalog title.
    pub name: String,
    /// Company the values belong to.
    pub company: String,
    /// Principles in catalog order; `PrincipleId(i)` is `principles[i]`.
    pub principles: Vec<Principle>,
    /// sha256 of the TOML source, recorded in the index manifest to detect staleness.
    pub hash: String,
    /// Where it came from (`<built-in>` for the embedded one).
    pub origin: PathBuf,
    lookup: Vec<(String, PrincipleId)>,
}

impl Catalog {
    /// The built-in Amazon Leadership Principles catalog.
    pub fn builtin() -> Result<Catalog> {
        Catalog::from_toml(BUILTIN_TOML, Path::new("<built-in>"))
    }

    /// Loads a catalog from a TOML file.
    pub fn load(path: &Path) -> Result<Catalog> {
        let text = fs_err::read_to_string(path)?;
        Catalog::from_toml(&text, path)
    }

    /// Parses and validates catalog TOML; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Catalog> {
        let bad = |reason: String| Error::Catalog {
            path: origin.to_path_buf(),
            reason,
        };
        let file: CatalogFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if file.principle.is_empty() {
            return Err(bad("it defines no [[principle]]".into()));
        }
        if file.principle.len() > usize::from(u16::MAX) {
            return Err(bad("too many principles".into()));
        }
        let mut lookup: Vec<(String, PrincipleId)> = Vec::new();
        for (i, p) in file.principle.iter().enumerate() {
            let id = PrincipleId(i as u16);
            if p.name.trim().is_empty() {
                return Err(bad(format!("principle #{} has an empty name", i + 1)));
            }
            if p.questions.is_empty() {
                return Err(bad(format!("{:?} has no sample questions", p.name)));
            }
            let keys = std::iter::once(&p.name)
                .chain(std::iter::once(&p.id))
                .chain(std::iter::once(&p.abbrev))
                .chain(p.aliases.iter());
            for key in keys {
                let norm = normalize_name(key);
                if norm.is_empty() {
                    continue;
                }
                match lookup.iter().find(|(k, _)| *k == norm) {
                    Some((_, other)) if *other != id => {
                        return Err(bad(format!(
                            "name {key:?} belongs to both {:?} and {:?}",
                            file.principle[other.index()].name,
                            p.name
                        )))
                    }
                    Some(_) => {}
                    None => lookup.push((norm, id)),
                }
            }
        }
        Ok(Catalog {
            name: file.catalog.name,
            company: file.catalog.company,
            principles: file.principle,
            hash: sha256_hex(text.as_bytes()),
            origin: origin.to_path_buf(),
            lookup,
        })
    }

    /// Number of principles.
    pub fn len(&self) -> usize {
        self.principles.len()
    }

    /// True when the catalog has no principles (never, for a validated catalog).
    pub fn is_empty(&self) -> bool {
        self.principles.is_empty()
    }

    /// All ids in catalog order.
    pub fn ids(&self) -> impl Iterator<Item = PrincipleId> + '_ {
        (0..self.principles.len()).map(|i| PrincipleId(i as u16))
    }

    /// The principle behind an id.
    ///
    /// # Panics
    /// If the id comes from another catalog; ids are only minted by this catalog.
    pub fn get(&self, id: PrincipleId) -> &Principle {
        &self.principles[id.index()]
    }

    /// Resolves a name, slug, abbreviation or alias, leniently.
    pub fn resolve(&self, name: &str) -> Option<PrincipleId> {
        let norm = normalize_name(name);
        self.lookup
            .iter()
            .find(|(k, _)| *k == norm)
            .map(|(_, id)| *id)
    }

    /// Resolves a name or fails with the list of valid names.
    pub fn resolve_or_err(&self, name: &str) -> Result<PrincipleId> {
        self.resolve(name).ok_or_else(|| Error::UnknownPrinciple {
            name: name.trim().to_string(),
            valid: self.valid_names(),
        })
    }

    /// Parses a comma-separated list of principle names ("Customer Obsession,Dive Deep").
    ///
    /// Names that themselves contain a comma ("Are Right, A Lot") are recognised by trying
    /// the longest run of pieces first.
    pub fn resolve_list(&self, list: &str) -> Result<Vec<PrincipleId>> {
        let pieces: Vec<&str> = list.split([',', ';']).collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < pieces.len() {
            if pieces[i].trim().is_empty() {
                i += 1;
                continue;
            }
            let mut found = None;
            for j in (i..pieces.len()).rev() {
                let joined = pieces[i..=j].join(",");
                if let Some(id) = self.resolve(&joined) {
                    found = Some((id, j));
                    break;
                }
            }
            match found {
                Some((id, j)) => {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                    i = j + 1;
                }
                None => {
                    return Err(Error::UnknownPrinciple {
                        name: pieces[i].trim().to_string(),
                        valid: self.valid_names(),
                    })
                }
            }
        }
        Ok(out)
    }

    /// The names, joined for error messages.
    pub fn valid_names(&self) -> String {
        self.principles
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for PrincipleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Folds a principle name to a comparison key: lowercase, `&` → `and`, curly quotes and
/// punctuation dropped, whitespace collapsed ("Have Backbone; Disagree and Commit" →
/// "have backbone disagree and commit").
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let lowered = name.to_lowercase().replace('&', " and ");
    for word in lowered
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| c.is_alphanumeric()));
    }
    out
}

/// Lowercase hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_names() {
        assert_eq!(
            normalize_name("Have Backbone; Disagree and Commit"),
            "have backbone disagree and commit"
        );
        assert_eq!(
            normalize_name("Hire & Develop the Best"),
            "hire and develop the best"
        );
        assert_eq!(
            normalize_name("Earth’s Best Employer"),
            "earths best employer"
        );
        assert_eq!(normalize_name("  Are Right, A Lot "), "are right a lot");
    }

    #[test]
    fn builtin_has_sixteen_principles_and_aliases() {
        let c = Catalog::builtin().unwrap();
        assert_eq!(c.len(), 16);
        for (alias, name) in [
            ("Hire & Develop the Best", "Hire and Develop the Best"),
            ("disagree and commit", "Have Backbone; Disagree and Commit"),
            (
                "Earth's Best Employer",
                "Strive to be Earth's Best Employer",
            ),
            ("customer obsession", "Customer Obsession"),
        ] {
            let id = c.resolve(alias).unwrap_or_else(|| panic!("{alias}"));
            assert_eq!(c.get(id).name, name);
        }
        assert!(c.resolve("Radical Candor").is_none());
    }

    #[test]
    fn resolves_lists_with_commas_inside_names() {
        let c = Catalog::builtin().unwrap();
        let ids = c
            .resolve_list("Customer Obsession, Are Right, A Lot,Dive Deep")
            .unwrap();
        let names: Vec<_> = ids.iter().map(|i| c.get(*i).name.as_str()).collect();
        assert_eq!(
            names,
            ["Customer Obsession", "Are Right, A Lot", "Dive Deep"]
        );
        let err = c
            .resolve_list("Customer Obsession, Radical Candor")
            .unwrap_err();
        assert!(err.to_string().contains("Radical Candor"));
        assert!(err.to_string().contains("Dive Deep"));
    }
}
