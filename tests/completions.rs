//! `patterns completions <shell>` and `patterns man` through the binary: the scripts and the
//! page are generated from the real command line, so they name the real subcommands.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn stdout(args: &[&str]) -> String {
    let output = cargo_bin_cmd!("patterns")
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

#[test]
fn bash_completions_name_the_subcommands() {
    let script = stdout(&["completions", "bash"]);
    assert!(script.contains("_patterns()"), "{script}");
    for name in [
        "sim", "check", "list", "schema", "backoff", "storm", "breaker",
    ] {
        assert!(script.contains(name), "bash completions lack '{name}'");
    }
    assert!(script.contains("--jitter"), "flags are completed too");
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains("storm"), "{shell}: {script}");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    cargo_bin_cmd!("patterns")
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'tcsh'"));
}

#[test]
fn man_page_is_roff_and_lists_sim() {
    let page = stdout(&["man"]);
    // clap_mangen opens with the groff/troff apostrophe preamble (`.ie`/`.el`); the page's
    // first real request is the title header.
    let first = page
        .lines()
        .find(|line| !line.starts_with(".ie") && !line.starts_with(".el"))
        .expect("the page has lines");
    assert!(first.starts_with(".TH patterns 1"), "{first}");
    assert!(page.contains(".SH NAME"), "{page}");
    assert!(page.contains("sim"), "{page}");
    assert!(page.contains("completions"), "{page}");
}
