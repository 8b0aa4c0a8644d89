//! Bad input gets one clear line on stderr and exit code 2, never a panic or a broken index.
//!
//! Covers: empty bank, a file with no stories, binary and non-UTF-8 files, bad front matter,
//! unknown principle headings, stories missing STAR parts, empty questions, a missing index,
//! a missing model, stale indexes (stories or catalog changed), and an index build that
//! fails half-way leaving the previous index usable.

use predicates::prelude::*;

use crate::util::{build_index, fixture, query_json, storyfit};

fn assert_one_line_error(out: &std::process::Output, needle: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("storyfit: error: "), "{err}");
    assert!(lines[0].contains(needle), "{needle:?} not in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn file_without_stories_is_an_empty_bank() {
    let dir = tempfile::tempdir().unwrap();
    let out = storyfit()
        .args(["index", "--index"])
        .arg(dir.path().join("i"))
        .arg(fixture("bad/no-stories.md"))
        .output()
        .unwrap();
    assert_one_line_error(&out, "no stories found");
    assert!(!dir.path().join("i/CURRENT").exists());
}

#[test]
fn empty_directory_is_an_empty_bank() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = storyfit()
        .args(["index", "--index"])
        .arg(dir.path().join("i"))
        .arg(dir.path().join("empty"))
        .output()
        .unwrap();
    assert_one_line_error(&out, "no stories found");
}

#[test]
fn missing_input_path() {
    let out = storyfit()
        .args([
            "index",
            "--index",
            "/tmp/never-used-storyfit",
            "/no/such/bank.md",
        ])
        .output()
        .unwrap();
    assert_one_line_error(&out, "/no/such/bank.md: no such file or directory");
}

#[test]
fn bad_front_matter_names_file_and_line() {
    let out = storyfit()
        .args(["index", "--index", "/tmp/never-used-storyfit"])
        .arg(fixture("bad/bad-frontmatter.md"))
        .output()
        .unwrap();
    assert_one_line_error(&out, "bad-frontmatter.md:2: invalid YAML front matter");
}

#[test]
fn binary_and_latin1_files_are_skipped_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    storyfit()
        .args(["index", "--index"])
        .arg(dir.path().join("i"))
        .arg(fixture("bad/binary.bin"))
        .arg(fixture("bad/latin1.md"))
        .arg(fixture("stories/one-story.md"))
        .assert()
        .success()
        .stderr(predicate::str::contains("binary.bin: binary file"))
        .stderr(
            predicate::str::contains("latin1.md:").and(predicate::str::contains("not valid UTF-8")),
        );
}

#[test]
fn unknown_heading_and_missing_parts_warn_but_index() {
    let dir = tempfile::tempdir().unwrap();
    storyfit()
        .args(["index", "--index"])
        .arg(dir.path().join("i"))
        .arg(fixture("bad/unknown-lp.md"))
        .arg(fixture("bad/missing-parts.md"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Indexed 2 stories"))
        .stderr(predicate::str::contains("Radical Candor"))
        .stderr(predicate::str::contains("has no Task, Result section"));
}

#[test]
fn empty_question() {
    let out = storyfit().args(["query", "   "]).output().unwrap();
    assert_one_line_error(&out, "the question is empty");
}

#[test]
fn missing_index() {
    let out = storyfit()
        .args(["query", "--index", "/no/such/index", "Why?"])
        .output()
        .unwrap();
    assert_one_line_error(&out, "no index at /no/such/index");
}

#[test]
fn missing_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = storyfit()
        .env("STORYFIT_MODEL_DIR", dir.path())
        .args(["index", "--index"])
        .arg(dir.path().join("i"))
        .arg(fixture("stories/one-story.md"))
        .output()
        .unwrap();
    assert_one_line_error(&out, "make setup");
}

#[test]
fn stale_sources_are_reported_and_allow_stale_overrides() {
    let (_dir, bank, idx) = crate::util::index_of_a_copy();
    query_json(&idx, "Tell me about a customer", 1);
    crate::util::touch(&bank);
    let out = storyfit()
        .args(["query", "--index"])
        .arg(&idx)
        .arg("Tell me about a customer")
        .output()
        .unwrap();
    assert_one_line_error(&out, "is stale: ");
    storyfit()
        .args(["query", "--allow-stale", "--index"])
        .arg(&idx)
        .arg("Tell me about a customer")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: index at"));
}

#[test]
fn another_catalog_makes_the_index_stale() {
    let dir = build_index(&[&fixture("stories/one-story.md")]);
    let out = storyfit()
        .arg("--catalog")
        .arg(fixture("catalog/two-values.toml"))
        .args(["query", "--index"])
        .arg(dir.path().join("index"))
        .arg("Why?")
        .output()
        .unwrap();
    assert_one_line_error(&out, "catalog changed");
}

#[test]
fn failed_rebuild_keeps_the_previous_index() {
    let dir = build_index(&[&fixture("stories/one-story.md")]);
    let idx = dir.path().join("index");
    let before = std::fs::read_to_string(idx.join("CURRENT")).unwrap();
    let out = storyfit()
        .args(["index", "--index"])
        .arg(&idx)
        .arg(fixture("bad/no-stories.md"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(idx.join("CURRENT")).unwrap(),
        before
    );
    let v = query_json(&idx, "Tell me about saving money", 1);
    assert_eq!(v["results"].as_array().unwrap().len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(&idx)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn damaged_index_is_an_error_not_a_panic() {
    let dir = build_index(&[&fixture("stories/one-story.md")]);
    let idx = dir.path().join("index");
    let gen = std::fs::read_to_string(idx.join("CURRENT")).unwrap();
    std::fs::write(idx.join(gen.trim()).join("units.json"), b"{not json").unwrap();
    let out = storyfit()
        .args(["query", "--index"])
        .arg(&idx)
        .arg("Why?")
        .output()
        .unwrap();
    assert_one_line_error(&out, "is damaged");
}

#[test]
fn unknown_flag_value_is_exit_2() {
    storyfit()
        .args(["query", "--fusion", "magic", "Why?"])
        .assert()
        .code(2);
}

fn edit_manifest(idx: &std::path::Path, from: &str, to: &str) {
    let gen = std::fs::read_to_string(idx.join("CURRENT")).expect("CURRENT");
    let path = idx.join(gen.trim()).join("manifest.json");
    let text = std::fs::read_to_string(&path).expect("manifest");
    assert!(text.contains(from), "{text}");
    std::fs::write(&path, text.replace(from, to)).expect("write manifest");
}

/// Builds an index, edits its manifest, and expects a one-line staleness error.
fn assert_stale_after_edit(from: &str, to: &str, needle: &str) {
    let dir = build_index(&[&fixture("stories/one-story.md")]);
    let idx = dir.path().join("index");
    edit_manifest(&idx, from, to);
    let out = storyfit()
        .args(["query", "--index"])
        .arg(&idx)
        .arg("Why?")
        .output()
        .expect("run storyfit");
    assert_one_line_error(&out, needle);
}

#[test]
fn index_of_another_format_is_stale() {
    assert_stale_after_edit(
        "\"format_version\":1",
        "\"format_version\":999",
        "it has format 999",
    );
}

#[test]
fn index_of_another_model_is_stale() {
    assert_stale_after_edit(
        "all-MiniLM-L6-v2@int8",
        "some-other-model",
        "built with model sentence-transformers/some-other-model",
    );
}
