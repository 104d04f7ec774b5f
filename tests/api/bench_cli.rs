//! `vanban-bench` carries the benchmarks; the server binary `vanban` no longer does.

use std::process::{Command, Output};

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const BENCH: &str = env!("CARGO_BIN_EXE_vanban-bench");
const SERVER: &str = env!("CARGO_BIN_EXE_vanban");

/// Each subcommand with flags its help must name.
const SUBCOMMANDS: [(&str, &[&str]); 6] = [
    ("bench", &["--documents", "--postgres", "--dir", "--laws"]),
    (
        "bench-search",
        &[
            "--documents",
            "--postgres",
            "--dir",
            "--reuse-index",
            "--print-queries",
            "--query",
            "--rounds",
            "--dump",
            "--open-loop-rate",
        ],
    ),
    (
        "bench-listings",
        &[
            "--communes",
            "--procedures",
            "--postgres",
            "--dir",
            "--rounds",
        ],
    ),
    ("bench-review", &["--url", "--documents", "--rounds"]),
    ("generate", &["--documents", "--seed", "--output"]),
    ("eval-search", &["--laws", "--questions", "--dir"]),
];

#[test]
fn vanban_bench_offers_the_benchmarks_with_their_flags() {
    let o = run(BENCH, &["--help"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let help = text(&o);
    for (name, flags) in SUBCOMMANDS {
        assert!(help.contains(name), "«{name}» missing from: {help}");
        let o = run(BENCH, &[name, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o));
        let help = text(&o);
        for flag in flags {
            assert!(help.contains(flag), "{name}: «{flag}» missing from: {help}");
        }
    }
}

#[test]
fn vanban_bench_generate_writes_the_corpus_to_standard_output() {
    let o = run(BENCH, &["generate", "--documents", "3", "--seed", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().count() >= 3, "{out}");
    for line in out.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

#[test]
fn vanban_bench_refuses_an_unknown_subcommand() {
    let o = run(BENCH, &["serve"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("unrecognized subcommand"), "{}", text(&o));
}

#[test]
fn eval_search_refuses_fewer_than_two_folds_before_reading_anything() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("eval");
    for k in ["0", "1"] {
        let o = run(
            BENCH,
            &[
                "eval-search",
                "--laws",
                "/nonexistent/laws.json",
                "--questions",
                "/nonexistent/questions.json",
                "--dir",
                work.to_str().unwrap(),
                "--folds",
                k,
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains(&format!("--folds {k}: at least 2 folds")),
            "{}",
            text(&o)
        );
        assert!(!work.exists(), "nothing is written for a refused --folds");
    }
}

#[test]
fn bench_search_refuses_an_open_loop_rate_that_is_not_positive_before_reading_anything() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("bench");
    for rate in ["0", "-5", "many", "inf"] {
        let o = run(
            BENCH,
            &[
                "bench-search",
                "--dir",
                work.to_str().unwrap(),
                &format!("--open-loop-rate={rate}"),
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{rate}: {}", text(&o));
        assert!(
            text(&o).contains("--open-loop-rate") && text(&o).contains("open-loop rate must be"),
            "{rate}: {}",
            text(&o)
        );
        assert!(!work.exists(), "nothing is written for a refused rate");
    }
}

#[test]
fn the_server_binary_no_longer_carries_the_benchmarks() {
    let o = run(SERVER, &["--help"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let help = text(&o);
    assert!(help.contains("serve"), "{help}");
    for (name, _) in SUBCOMMANDS {
        let listed = help
            .lines()
            .any(|l| l.split_whitespace().next() == Some(name));
        assert!(!listed, "«{name}» still listed by vanban --help: {help}");
        let o = run(SERVER, &[name]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", text(&o));
        assert!(
            text(&o).contains(&format!("unrecognized subcommand '{name}'")),
            "{name}: {}",
            text(&o)
        );
    }
}
