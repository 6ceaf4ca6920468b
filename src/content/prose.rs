//! `patterns` blocks: a Markdown code block fenced as ```` ```patterns ```` holds one
//! `patterns sim …` command (lines ending in `\` continue it) followed by the output the
//! command prints. `check` re-runs the command and compares; `learn` draws the command and
//! its output apart. This file only finds and splits the blocks; it runs nothing.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// The info string that marks a block.
pub const INFO: &str = "patterns";

/// One `patterns` block of a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The 1-based line of the opening fence.
    pub line: u32,
    /// The block's text, between the fences.
    pub code: String,
}

/// Every `patterns` block of `markdown`, in order.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some(INFO) =>
            {
                let line = markdown[..range.start].matches('\n').count() + 1;
                open = Some(Block {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    code: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = &mut open {
                    block.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(open.take()),
            _ => {}
        }
    }
    out
}

/// A block's code split into its command and the output written under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The command as written, continuation lines included (`patterns sim … \`).
    pub command_lines: Vec<&'a str>,
    /// The command joined into one line, without `patterns` prompts or `\`.
    pub command: String,
    /// Everything after the command.
    pub output: &'a str,
}

/// Splits a block's code; `None` when its first line is not a `patterns` command.
pub fn split(code: &str) -> Option<Split<'_>> {
    let first = code.lines().next()?;
    let start = first
        .trim_start()
        .strip_prefix("$ ")
        .unwrap_or(first.trim_start());
    if !start.starts_with("patterns ") {
        return None;
    }
    let mut command_lines = Vec::new();
    let mut command = String::new();
    let mut consumed = 0;
    for line in code.split_inclusive('\n') {
        consumed += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        command_lines.push(text);
        let bare = text
            .trim_start()
            .strip_prefix("$ ")
            .unwrap_or(text.trim_start());
        match bare.trim_end().strip_suffix('\\') {
            Some(continued) => {
                command.push_str(continued.trim());
                command.push(' ');
            }
            None => {
                command.push_str(bare.trim());
                break;
            }
        }
    }
    Some(Split {
        command_lines,
        command,
        output: &code[consumed.min(code.len())..],
    })
}

/// A command line split into words as a POSIX shell would for the simple cases blocks use:
/// whitespace separates, '…' and "…" quote. Errors name an unclosed quote.
pub fn words(command: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(format!("the quote {q} is never closed"));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# T\n\ntext\n\n```patterns\npatterns sim backoff \\\n  --attempts 2\nattempt  delay\n1  1s\n```\n\n```\nnot ours\n```\n";

    #[test]
    fn finds_patterns_blocks_with_their_fence_line() {
        let found = blocks(DOC);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 5);
        assert!(found[0].code.starts_with("patterns sim backoff"));
    }

    #[test]
    fn splits_a_continued_command_from_its_output() {
        let found = blocks(DOC);
        let split = split(&found[0].code).unwrap();
        assert_eq!(split.command, "patterns sim backoff --attempts 2");
        assert_eq!(split.command_lines.len(), 2);
        assert_eq!(split.output, "attempt  delay\n1  1s\n");
        assert_eq!(super::split("attempt 1\n"), None);
    }

    #[test]
    fn words_follow_shell_quoting() {
        assert_eq!(
            words("patterns sim breaker --script \"5F +60s S\" --preset 'seed'").unwrap(),
            [
                "patterns",
                "sim",
                "breaker",
                "--script",
                "5F +60s S",
                "--preset",
                "seed"
            ]
        );
        assert!(words("a \"b").is_err());
    }
}
