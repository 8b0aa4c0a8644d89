//! Bank-level reports and batch matching, end to end with the real model.
//!
//! - `gaps` on the seed bank: the 6 tagged LPs are covered or thin, the other 10 missing or
//!   thin, in the seed's own priority order, with a suggestion for every gap;
//!   `--priorities` reorders, and an unknown name is a one-line error listing valid names;
//! - `matrix`: the grid's shape and tags, a terminal table within 100 columns, an HTML file
//!   with nothing to fetch;
//! - `batch` reads text, CSV, JSONL and Markdown lists (and sniffs an unknown extension),
//!   echoes ids, keeps input order, and each `--json` line is the `query --json` object;
//!   empty, binary, non-UTF-8 files and a CSV without a `question` column are one-line errors;
//! - `batch --distinct` and `plan` never reuse a story while a distinct assignment exists,
//!   share the fewest stories otherwise, and their totals equal a brute-force optimum;
//! - missing and stale indexes are errors for the commands that need no model.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{example_index, fixture, query_json, root, run_ok, seed_index, storyfit};

fn assert_one_line_error(out: &std::process::Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("storyfit: error: "), "{err}");
    assert!(lines[0].contains(needle), "{needle:?} not in {err}");
}

/// Runs `storyfit <args> --index <index> --json` and parses one JSON document.
fn json(index: &Path, args: &[&str]) -> Value {
    let out = run_ok(
        storyfit()
            .args(args)
            .arg("--json")
            .arg("--index")
            .arg(index),
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

/// Runs `storyfit batch FILE --json <extra>` and parses the JSON lines.
fn batch_json(index: &Path, file: &Path, extra: &[&str]) -> Vec<Value> {
    let out = run_ok(
        storyfit()
            .arg("batch")
            .arg(file)
            .arg("--json")
            .args(extra)
            .arg("--index")
            .arg(index),
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_str().expect("a string").to_string())
        .collect()
}

const SEED_TAGGED: [&str; 6] = [
    "Customer Obsession",
    "Learn and Be Curious",
    "Dive Deep",
    "Deliver Results",
    "Bias for Action",
    "Earn Trust",
];

const SEED_PRIORITIES: [&str; 8] = [
    "Customer Obsession",
    "Learn and Be Curious",
    "Dive Deep",
    "Deliver Results",
    "Bias for Action",
    "Earn Trust",
    "Ownership",
    "Insist on the Highest Standards",
];

#[test]
fn gaps_on_the_seed_bank() {
    let v = json(&seed_index(), &["gaps"]);
    let lps = v["lps"].as_array().unwrap();
    assert_eq!(lps.len(), 16);
    let names: Vec<&str> = lps.iter().map(|l| l["lp"].as_str().unwrap()).collect();
    assert_eq!(names[..8], SEED_PRIORITIES, "priority order first");
    for (i, l) in lps.iter().enumerate() {
        let status = l["status"].as_str().unwrap();
        let name = l["lp"].as_str().unwrap();
        if SEED_TAGGED.contains(&name) {
            assert!(status == "covered" || status == "thin", "{name}: {status}");
            assert!(l["stories"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["source"] == "tagged"));
        } else {
            assert!(status == "missing" || status == "thin", "{name}: {status}");
        }
        let expect_priority = if i < 8 {
            Value::from(i + 1)
        } else {
            Value::Null
        };
        assert_eq!(l["priority"], expect_priority, "{name}");
        if status != "covered" {
            let s = &l["suggestion"];
            assert!(
                s["story_id"].is_string() && s["score"].is_number(),
                "{name}"
            );
            // The suggestion is not one of the LP's strong stories.
            assert!(!l["stories"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["story_id"] == s["story_id"]));
        }
        for s in l["stories"].as_array().unwrap() {
            assert!(s["score"].as_f64().unwrap() >= v["strong"].as_f64().unwrap());
        }
    }
    // Every seed priority has at most one story, so every one is at risk.
    assert_eq!(strs(&v["summary"]["at_risk"]), SEED_PRIORITIES);
    // The table says the same.
    let out = storyfit()
        .args(["gaps", "--index"])
        .arg(seed_index())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("At risk (priorities): Customer Obsession (#1, thin)"),
        "{text}"
    );
}

#[test]
fn gaps_priorities_flag_reorders_and_rejects_unknown_names() {
    let v = json(
        &seed_index(),
        &[
            "gaps",
            "--priorities",
            "Frugality, are right, a lot,Dive Deep",
        ],
    );
    let first: Vec<(&str, i64)> = v["lps"].as_array().unwrap()[..3]
        .iter()
        .map(|l| (l["lp"].as_str().unwrap(), l["priority"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        first,
        [("Frugality", 1), ("Are Right, A Lot", 2), ("Dive Deep", 3)]
    );
    assert_eq!(v["lps"][3]["priority"], Value::Null);
    let out = storyfit()
        .args([
            "gaps",
            "--priorities",
            "Customer Obsession,Dive Deeper",
            "--index",
        ])
        .arg(seed_index())
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        "unknown principle \"Dive Deeper\"; valid names: Customer Obsession, Ownership,",
    );
}

#[test]
fn matrix_grid_table_and_html() {
    let v = json(&example_index(), &["matrix"]);
    let lps = v["lps"].as_array().unwrap();
    let stories = v["stories"].as_array().unwrap();
    assert_eq!((stories.len(), lps.len()), (18, 16));
    for s in stories {
        let scores = s["scores"].as_array().unwrap();
        let tagged = s["tagged"].as_array().unwrap();
        assert_eq!((scores.len(), tagged.len()), (16, 16));
        assert!(
            tagged.iter().any(|t| t == true),
            "every example story is tagged"
        );
        for (x, t) in scores.iter().zip(tagged) {
            if t == true {
                assert_eq!(x.as_f64(), Some(1.0));
            }
        }
    }
    let out = storyfit()
        .args(["matrix", "--index"])
        .arg(example_index())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{line:?}");
    }
    assert!(
        text.contains("██✓") && text.contains("HBDC Have Backbone"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("m.html");
    storyfit()
        .args(["matrix", "--html"])
        .arg(&page)
        .arg("--index")
        .arg(example_index())
        .assert()
        .success()
        .stdout("");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("<table>"));
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
    assert!(html.contains("(tagged)\">✓</td>"));
}

#[test]
fn batch_reads_all_four_formats_and_echoes_ids() {
    let idx = example_index();
    let ids = |v: &[Value]| -> Vec<Value> { v.iter().map(|x| x["id"].clone()).collect() };
    let csv = batch_json(&idx, &fixture("questions/practice.csv"), &[]);
    assert_eq!(ids(&csv), ["q1", "q2", "q3", "q4", "q5"]);
    assert_eq!(
        csv[1]["question"],
        "Describe a time you disagreed with your manager, and what happened."
    );
    let jsonl = batch_json(&idx, &fixture("questions/practice.jsonl"), &[]);
    assert_eq!(ids(&jsonl), ["j1", "j2", "j3", "j4", "j5"]);
    let md = batch_json(&idx, &fixture("questions/practice.md"), &[]);
    assert_eq!(md.len(), 5);
    assert!(
        md.iter().all(|x| x.get("id").is_none()),
        "no id given, none echoed"
    );
    assert_eq!(
        md[0]["question"],
        "Tell me about a time you learned a new technology on your own."
    );
    let txt = batch_json(
        &idx,
        &root().join("data/questions/practice.txt"),
        &["--top", "1"],
    );
    let lines = std::fs::read_to_string(root().join("data/questions/practice.txt")).unwrap();
    let expect: Vec<&str> = lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let got: Vec<&str> = txt
        .iter()
        .map(|x| x["question"].as_str().unwrap())
        .collect();
    assert_eq!(got, expect, "input order");
    assert!(txt
        .iter()
        .all(|x| x["results"].as_array().unwrap().len() == 1));

    // An extension that says nothing: the content is sniffed.
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("questions.list");
    std::fs::copy(fixture("questions/practice.jsonl"), &odd).unwrap();
    assert_eq!(ids(&batch_json(&idx, &odd, &[])), ids(&jsonl));

    // CSV output: one row per question.
    let out = storyfit()
        .arg("batch")
        .arg(fixture("questions/practice.csv"))
        .args(["--csv", "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("id,question,top_lp,story_id,title,score,fit")
    );
    assert_eq!(rows.count(), 5);
}

/// The set of key paths of a JSON value (array elements merged), to compare shapes.
fn shape(v: &Value, path: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                out.insert(p.clone());
                shape(x, &p, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                shape(x, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn batch_json_lines_are_query_json_objects() {
    let idx = example_index();
    let lines = batch_json(&idx, &fixture("questions/practice.jsonl"), &[]);
    for line in &lines {
        let q = query_json(&idx, line["question"].as_str().unwrap(), 3);
        let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
        shape(line, "", &mut a);
        shape(&q, "", &mut b);
        b.insert(".id".to_string());
        assert_eq!(a, b);
        let story_ids = |v: &Value| -> Vec<Value> {
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["story_id"].clone())
                .collect()
        };
        assert_eq!(story_ids(line), story_ids(&q), "{}", line["question"]);
        assert_eq!(line["question_lps"][0]["lp"], q["question_lps"][0]["lp"]);
    }
}

#[test]
fn batch_bad_files_are_one_line_errors() {
    let run = |file: &Path| {
        storyfit()
            .arg("batch")
            .arg(file)
            .arg("--index")
            .arg(example_index())
            .output()
            .unwrap()
    };
    assert_one_line_error(
        &run(&fixture("questions/bad-column.csv")),
        "bad-column.csv: no \"question\" column (columns found: id, prompt)",
    );
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nothing here yet\n\n").unwrap();
    assert_one_line_error(&run(&empty), "empty.txt: no questions found");
    let empty_csv = dir.path().join("empty.csv");
    std::fs::write(&empty_csv, "").unwrap();
    assert_one_line_error(&run(&empty_csv), "empty.csv: no \"question\" column");
    assert_one_line_error(&run(&fixture("bad/binary.bin")), "binary.bin: binary file");
    assert_one_line_error(&run(&fixture("bad/latin1.md")), "latin1.md:");
    assert_one_line_error(&run(&fixture("bad/latin1.md")), "not valid UTF-8");
    assert_one_line_error(&run(&dir.path().join("nope.txt")), "nope.txt");
}

/// Largest Σ weight over maps rows → columns that use min(rows, cols) distinct columns.
fn brute_force(w: &[Vec<f64>]) -> f64 {
    fn go(w: &[Vec<f64>], r: usize, used: &mut Vec<usize>, need: usize, acc: f64) -> f64 {
        if r == w.len() {
            let mut u = used.clone();
            u.sort_unstable();
            u.dedup();
            return if u.len() == need {
                acc
            } else {
                f64::NEG_INFINITY
            };
        }
        let mut best = f64::NEG_INFINITY;
        for c in 0..w[r].len() {
            used.push(c);
            best = best.max(go(w, r + 1, used, need, acc + w[r][c]));
            used.pop();
        }
        best
    }
    let need = w.len().min(w[0].len());
    go(w, 0, &mut Vec::new(), need, 0.0)
}

#[test]
fn distinct_gives_every_question_its_own_story_with_the_best_total() {
    let idx = example_index();
    let file = fixture("questions/practice.csv");
    let all = batch_json(&idx, &file, &["--top", "18"]);
    let stories: Vec<String> = all[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["story_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stories.len(), 18);
    let weights: Vec<Vec<f64>> = all
        .iter()
        .map(|q| {
            let fit = |id: &str| {
                q["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["story_id"] == id)
                    .map_or(0.0, |r| r["fit"].as_f64().unwrap())
            };
            stories.iter().map(|s| fit(s)).collect()
        })
        .collect();
    let lines = batch_json(&idx, &file, &["--distinct", "--top", "1"]);
    let assigned: Vec<&str> = lines
        .iter()
        .map(|l| l["assigned"]["story_id"].as_str().unwrap())
        .collect();
    let distinct: BTreeSet<&&str> = assigned.iter().collect();
    assert_eq!(distinct.len(), lines.len(), "no story reused: {assigned:?}");
    assert!(lines.iter().all(|l| l["assigned"]["shared"] == false));
    assert!(lines
        .iter()
        .all(|l| l["results"].as_array().unwrap().len() == 1));
    let total: f64 = lines
        .iter()
        .map(|l| l["assigned"]["fit"].as_f64().unwrap())
        .sum();
    let optimum = brute_force(&weights);
    assert!((total - optimum).abs() < 1e-3, "{total} vs {optimum}");
}

#[test]
fn distinct_with_more_questions_than_stories_shares_the_fewest() {
    // 40 questions, 6 seed stories: every story used, 34 questions share, and the table
    // says which.
    let file = root().join("data/questions/practice.txt");
    let lines = batch_json(&seed_index(), &file, &["--distinct"]);
    let used: BTreeSet<&str> = lines
        .iter()
        .map(|l| l["assigned"]["story_id"].as_str().unwrap())
        .collect();
    assert_eq!(used.len(), 6);
    let shared = lines
        .iter()
        .filter(|l| l["assigned"]["shared"] == true)
        .count();
    assert_eq!(shared, lines.len() - 6);
    let out = storyfit()
        .arg("batch")
        .arg(&file)
        .args(["--distinct", "--index"])
        .arg(seed_index())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "{} question(s) had to share a story",
            lines.len() - 6
        )),
        "{text}"
    );
}

#[test]
fn plan_uses_distinct_primaries_and_is_optimal() {
    // Example bank: 8 priorities, 18 stories: all primaries distinct.
    let v = json(&example_index(), &["plan"]);
    let entries = v["lps"].as_array().unwrap();
    assert_eq!(entries.len(), 8);
    let primaries: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["primary"]["story_id"].as_str().unwrap())
        .collect();
    assert_eq!(primaries.len(), 8);
    for e in entries {
        assert_ne!(e["primary"]["story_id"], e["backup"]["story_id"]);
        assert_eq!(e["shared"], false);
    }

    // Seed bank, six tagged LPs: each gets its own tagged story.
    let v = json(&seed_index(), &["plan", "--lps", &SEED_TAGGED.join(",")]);
    for e in v["lps"].as_array().unwrap() {
        assert_eq!(e["primary"]["source"], "tagged", "{}", e["lp"]);
        assert_eq!(e["covered"], true);
    }
    assert_eq!(v["uncovered"].as_array().unwrap().len(), 0);

    // Seed bank, its 8 priorities over 6 stories: every story is a primary, two LPs share,
    // and the plan's coverage and total equal the brute-force optimum.
    let v = json(&seed_index(), &["plan"]);
    let entries = v["lps"].as_array().unwrap();
    assert_eq!(entries.len(), 8);
    let used: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["primary"]["story_id"].as_str().unwrap())
        .collect();
    assert_eq!(used.len(), 6);
    assert_eq!(entries.iter().filter(|e| e["shared"] == true).count(), 2);
    let m = json(&seed_index(), &["matrix"]);
    let cols: Vec<&str> = m["lps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["lp"].as_str().unwrap())
        .collect();
    let strong = v["strong"].as_f64().unwrap();
    let evidence: Vec<Vec<f64>> = entries
        .iter()
        .map(|e| {
            let c = cols.iter().position(|x| *x == e["lp"]).unwrap();
            m["stories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["scores"][c].as_f64().unwrap())
                .collect()
        })
        .collect();
    // Coverage first: count a strong cell as 100 + score.
    let lexicographic: Vec<Vec<f64>> = evidence
        .iter()
        .map(|r| {
            r.iter()
                .map(|x| if *x >= strong { 100.0 + x } else { *x })
                .collect()
        })
        .collect();
    let best = brute_force(&lexicographic);
    let covered = entries.iter().filter(|e| e["covered"] == true).count();
    let total = v["total"].as_f64().unwrap();
    assert!(
        (100.0 * covered as f64 + total - best).abs() < 1e-3,
        "{covered} covered, total {total}, optimum {best}"
    );
}

#[test]
fn report_commands_need_a_fresh_index() {
    for cmd in ["gaps", "matrix", "plan"] {
        let out = storyfit()
            .args([cmd, "--index", "/no/such/index"])
            .output()
            .unwrap();
        assert_one_line_error(&out, "no index at /no/such/index");
    }
    let out = storyfit()
        .arg("batch")
        .arg(fixture("questions/practice.md"))
        .args(["--index", "/no/such/index"])
        .output()
        .unwrap();
    assert_one_line_error(&out, "no index at /no/such/index");

    let (_dir, bank, idx) = crate::util::index_of_a_copy();
    crate::util::touch(&bank);
    for cmd in ["gaps", "matrix", "plan"] {
        let out = storyfit()
            .args([cmd, "--index"])
            .arg(&idx)
            .output()
            .unwrap();
        assert_one_line_error(&out, "is stale: ");
        storyfit()
            .args([cmd, "--allow-stale", "--index"])
            .arg(&idx)
            .assert()
            .success();
    }
    let out = storyfit()
        .arg("batch")
        .arg(fixture("questions/practice.md"))
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap();
    assert_one_line_error(&out, "is stale: ");
}
