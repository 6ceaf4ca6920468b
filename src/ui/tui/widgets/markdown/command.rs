//! A ```` ```patterns ```` block (a `patterns sim …` command and what it prints, proved by
//! `check`) drawn as a terminal session: the command after a `$ ` prompt in the label
//! style, then its output as code. A block without a command is drawn as plain code.

use super::Renderer;
use super::wrap::{push_run, runs_width, truncate};
use crate::content::prose;

impl Renderer<'_> {
    /// Draws `code` as a command and its output; false when it holds no command.
    pub(super) fn command_block(&mut self, code: &str, indent: &str, width: usize) -> bool {
        let Some(split) = prose::split(code) else {
            return false;
        };
        for (i, line) in split.command_lines.iter().enumerate() {
            let text = line.trim_start();
            let text = text.strip_prefix("$ ").unwrap_or(text);
            let prompt = if i == 0 { "$ " } else { "    " };
            let runs = vec![(format!("{indent}{prompt}{text}"), self.theme.code_label)];
            self.emit(truncate(runs, width));
        }
        let style = self.theme.code_block;
        let output = split.output.strip_suffix('\n').unwrap_or(split.output);
        for line in output.split('\n') {
            let mut runs = truncate(vec![(format!("{indent}{line}"), style)], width);
            if style.bg.is_some() {
                let pad = width.saturating_sub(runs_width(&runs));
                push_run(&mut runs, &" ".repeat(pad), style);
            }
            self.emit(runs);
        }
        true
    }
}
