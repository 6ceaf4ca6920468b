//! Numbers in prose, proved: every ```` ```patterns ```` block of a module's Markdown
//! (see `content::prose`) is re-run in-process through the code `patterns sim` prints with,
//! and a block whose written output differs fails `check` with a unified diff. A block may
//! run only `patterns sim breaker|backoff|storm` and may not write files (`--svg`).

use clap::Parser as _;

use crate::cli::{Cli, Command, Global};
use crate::commands::sim;
use crate::content::Diagnostic;
use crate::content::prose::{self, Block};
use crate::content::yaml::Loc;

/// The diagnostics for the `patterns` blocks of one Markdown file shown as `path`.
pub fn check_markdown(path: &str, markdown: &str) -> Vec<Diagnostic> {
    prose::blocks(markdown)
        .iter()
        .filter_map(|block| check_block(path, block).err())
        .collect()
}

fn check_block(path: &str, block: &Block) -> Result<(), Diagnostic> {
    let loc = Some(Loc {
        line: block.line,
        col: 1,
    });
    let fail = |message: String, hint: &str| {
        Diagnostic::error(path, loc, message).maybe_hint(Some(hint.to_owned()))
    };
    let Some(split) = prose::split(&block.code) else {
        return Err(fail(
            "a 'patterns' block must start with a 'patterns sim …' command".into(),
            "write the command on the first line and its output under it, or fence the block as plain text",
        ));
    };
    let words = prose::words(&split.command).map_err(|e| {
        fail(
            format!("cannot read the command '{}': {e}", split.command),
            "close the quote",
        )
    })?;
    if words
        .iter()
        .any(|w| w == "--svg" || w.starts_with("--svg="))
    {
        return Err(fail(
            "a 'patterns' block may not write files ('--svg')".into(),
            "remove '--svg'; the block shows what the command prints",
        ));
    }
    let cli = Cli::try_parse_from(&words).map_err(|e| {
        let first = e.to_string();
        let first = first.lines().next().unwrap_or_default().to_owned();
        fail(
            format!(
                "cannot run '{}': {}",
                split.command,
                first.trim_start_matches("error: ")
            ),
            "run the command in a shell to see the full usage message",
        )
    })?;
    let Some(Command::Sim(command)) = cli.command else {
        return Err(fail(
            format!("'{}' is not a 'patterns sim' command", split.command),
            "a 'patterns' block may run only 'patterns sim breaker', 'backoff' or 'storm'",
        ));
    };
    let global = Global {
        plain: true,
        ..Global::default()
    };
    let actual = sim::text(command, &global).map_err(|e| {
        fail(
            format!("'{}' failed: {e}", split.command),
            "fix the command; a block's command must run",
        )
    })?;
    let written = normalize(split.output);
    let actual = normalize(&actual);
    if written == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&written, &actual)
        .unified_diff()
        .context_radius(2)
        .header("written", "engine")
        .to_string();
    Err(fail(
        format!(
            "the output written under '{}' is not what the engine prints:\n{}",
            split.command,
            diff.trim_end()
        ),
        "paste the engine's output under the command (run it with --plain), and check the prose around it still says the same",
    ))
}

/// Trailing spaces and blank lines at the end do not count.
fn normalize(text: &str) -> String {
    let mut out: String = text
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    while out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(markdown: &str) -> String {
        check_markdown("modules/m/doc.md", markdown)
            .iter()
            .map(|d| d.render(Some(markdown)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    const RIGHT: &str = "patterns sim backoff --base 1s --cap 4s --attempts 3\n";

    fn doc(command: &str, output: &str) -> String {
        format!("# Doc\n\nSee:\n\n```patterns\n{command}{output}```\n")
    }

    #[test]
    fn a_block_that_matches_the_engine_passes() {
        let global = Global {
            plain: true,
            ..Global::default()
        };
        let cli = Cli::try_parse_from(prose::words(RIGHT.trim()).unwrap()).unwrap();
        let Some(Command::Sim(command)) = cli.command else {
            panic!("sim")
        };
        let output = sim::text(command, &global).unwrap();
        assert!(check_markdown("d.md", &doc(RIGHT, &output)).is_empty());
        // Trailing spaces and a missing final blank line do not matter.
        let loose = output.replace('\n', "  \n");
        assert!(check_markdown("d.md", &doc(RIGHT, &loose)).is_empty());
    }

    #[test]
    fn a_block_whose_numbers_differ_fails_with_a_diff() {
        let global = Global {
            plain: true,
            ..Global::default()
        };
        let cli = Cli::try_parse_from(prose::words(RIGHT.trim()).unwrap()).unwrap();
        let Some(Command::Sim(command)) = cli.command else {
            panic!("sim")
        };
        let output = sim::text(command, &global).unwrap().replace("4s", "5s");
        insta::assert_snapshot!(messages(&doc(RIGHT, &output)));
    }

    #[test]
    fn blocks_that_cannot_run_say_why() {
        let mut all = String::new();
        all.push_str(&doc("patterns list\n", ""));
        all.push_str(&doc("patterns sim backoff --svg x.svg\n", ""));
        all.push_str(&doc("patterns sim backoff --attempts zero\n", ""));
        all.push_str(&doc("1 2 3\n", ""));
        insta::assert_snapshot!(messages(&all));
    }
}
