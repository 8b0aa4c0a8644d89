//! The `storyfit` binary: clap in, library calls, rendered reports out.
//!
//! stdout carries data only (tables, JSON); progress, warnings and errors go to stderr.
//! Exit codes follow ripgrep: 0 when something matched, 1 when nothing did, 2 on error.
//! A closed pipe (`storyfit query … | head -1`) ends quietly with 0.

mod cli;
mod commands;
mod html;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("storyfit: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
