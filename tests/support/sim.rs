//! Running `patterns sim <command>` through the binary and reading what it printed. Shared by
//! the sim tests via `#[path]`.

#![allow(dead_code)]

use assert_cmd::cargo::cargo_bin_cmd;

/// What `patterns sim <command> ARGS` prints; the run must succeed.
pub fn stdout(command: &str, args: &[&str]) -> String {
    let output = cargo_bin_cmd!("patterns")
        .args(["sim", command])
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// `patterns sim <command> ARGS --json`, parsed.
pub fn json(command: &str, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&stdout(command, &all)).expect("--json prints JSON")
}
