//! Test helpers: a hermetic `storyfit` command and indexes built once per test binary.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// The seed story bank from the brief, read as it is (shared/ sits beside the repo in CI).
pub fn seed() -> PathBuf {
    root().join("../shared/seeds/000_852e80c31c0cd02d.txt")
}

/// `storyfit` with `STORYFIT_*` settings stripped (the model location is kept: it is where
/// `make setup` installed the model) and `--no-config`.
pub fn storyfit() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("storyfit"));
    for (k, _) in std::env::vars() {
        if k.starts_with("STORYFIT_") && k != "STORYFIT_CACHE_DIR" && k != "STORYFIT_MODEL_DIR" {
            cmd.env_remove(k);
        }
    }
    cmd.env_remove("NO_COLOR");
    cmd.arg("--no-config");
    cmd
}

/// Builds an index of `inputs` into a fresh temporary directory.
pub fn build_index(inputs: &[&Path]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = storyfit();
    cmd.arg("index")
        .arg("--index")
        .arg(dir.path().join("index"));
    for i in inputs {
        cmd.arg(i);
    }
    cmd.assert().success();
    dir
}

/// The index of the seed bank, built once.
pub fn seed_index() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| build_index(&[&seed()]))
        .path()
        .join("index")
}

/// The index of the project's example bank (data/stories), built once.
pub fn example_index() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| build_index(&[&root().join("data/stories")]))
        .path()
        .join("index")
}

/// Runs a command, asserts it succeeded (stderr in the message) and returns its output.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("run storyfit");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `storyfit query --json` and parses the output.
pub fn query_json(index: &Path, question: &str, top: usize) -> serde_json::Value {
    let out = run_ok(
        storyfit()
            .arg("query")
            .arg("--index")
            .arg(index)
            .arg("--json")
            .arg("--top")
            .arg(top.to_string())
            .arg(question),
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Titles of a query's results, best first.
pub fn titles(v: &serde_json::Value) -> Vec<String> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// An index of a private copy of the mini bank: (temp dir, the copy, the index).
/// [`touch`] the copy to make the index stale.
pub fn index_of_a_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bank = dir.path().join("bank.md");
    std::fs::copy(fixture("stories/mini-bank.md"), &bank).expect("copy fixture");
    let idx = dir.path().join("i");
    storyfit()
        .args(["index", "--index"])
        .arg(&idx)
        .arg(&bank)
        .assert()
        .success();
    (dir, bank, idx)
}

/// Changes a story file so that indexes built from it become stale.
pub fn touch(bank: &Path) {
    let mut text = std::fs::read_to_string(bank).expect("read bank");
    text.push_str("\n<!-- edited -->\n");
    std::fs::write(bank, text).expect("write bank");
}
