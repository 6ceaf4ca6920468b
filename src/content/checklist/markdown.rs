//! A line scanner for what the checklist reads in Markdown: fenced code blocks (with their
//! info string and line), ATX headings, and word counts inside and outside fences.
//!
//! Invariant: linear in the text, never panics; an unclosed fence runs to the end of the
//! file, as CommonMark says. Setext headings (underlined) are not headings here.

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The info string after the opening fence, trimmed (e.g. 'rust ignore').
    pub info: String,
    /// Its first word, lowercased ('' when there is none).
    pub language: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The lines between the fences.
    pub body: String,
}

/// An ATX heading ('## Common mistakes').
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: usize,
    pub text: String,
    /// 1-based line.
    pub line: usize,
}

/// What one Markdown file holds, as far as the checklist cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub fences: Vec<Fence>,
    pub headings: Vec<Heading>,
    /// Words outside fenced blocks (tokens with at least one letter or digit).
    pub prose_words: usize,
}

impl Scan {
    /// Words inside fenced blocks of `languages` (all fences when empty).
    pub fn fence_words(&self, keep: impl Fn(&Fence) -> bool) -> usize {
        self.fences
            .iter()
            .filter(|f| keep(f))
            .map(|f| count_words(&f.body))
            .sum()
    }
}

/// Scans `text`.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    // The open fence: its character, its length, and the block being collected.
    let mut open: Option<(char, usize, Fence)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some((ch, len, fence)) = &mut open {
            if is_closing(line, *ch, *len) {
                if let Some((_, _, fence)) = open.take() {
                    out.fences.push(fence);
                }
            } else {
                fence.body.push_str(line);
                fence.body.push('\n');
            }
            continue;
        }
        if let Some((ch, len, info)) = opening(line) {
            let language = info
                .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                .next()
                .unwrap_or("")
                .to_lowercase();
            open = Some((
                ch,
                len,
                Fence {
                    info: info.to_owned(),
                    language,
                    line: number,
                    body: String::new(),
                },
            ));
            continue;
        }
        if let Some((level, heading)) = atx_heading(line) {
            out.headings.push(Heading {
                level,
                text: heading.to_owned(),
                line: number,
            });
        }
        out.prose_words += count_words(line);
    }
    if let Some((_, _, fence)) = open {
        out.fences.push(fence);
    }
    out
}

/// The line of the heading whose text matches `wanted` (case, emoji and punctuation at
/// either end, and repeated spaces ignored).
pub fn find_heading(text: &str, wanted: &str) -> Option<usize> {
    let wanted = normalise(wanted);
    scan(text)
        .headings
        .iter()
        .find(|h| normalise(&h.text) == wanted)
        .map(|h| h.line)
}

/// Lowercase words of `text` joined by one space, without leading or trailing symbols.
pub fn normalise(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let joined = words.join(" ");
    joined
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

/// Tokens with at least one letter or digit.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// An opening fence: up to three spaces, then three or more backticks or tildes.
fn opening(line: &str) -> Option<(char, usize, &str)> {
    let trimmed = strip_indent(line)?;
    let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = trimmed[len..].trim();
    // A backtick fence's info string may not contain a backtick.
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

fn is_closing(line: &str, ch: char, len: usize) -> bool {
    let Some(trimmed) = strip_indent(line) else {
        return false;
    };
    let run = trimmed.chars().take_while(|c| *c == ch).count();
    run >= len && trimmed[run * ch.len_utf8()..].trim().is_empty()
}

/// The line without up to three leading spaces; `None` when it is indented code.
fn strip_indent(line: &str) -> Option<&str> {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    (spaces <= 3).then(|| &line[spaces..])
}

fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let trimmed = strip_indent(line)?;
    let level = trimmed.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &trimmed[level..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((level, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_headings_and_words() {
        let text = "# Title here\n\nSome prose, three words.\n\n```rust ignore\nfn a() {}\n```\n\n~~~\nx\n~~~\n## Common mistakes ##\n";
        let scan = scan(text);
        assert_eq!(scan.fences.len(), 2);
        assert_eq!(scan.fences[0].language, "rust");
        assert_eq!(scan.fences[0].info, "rust ignore");
        assert_eq!(scan.fences[0].line, 5);
        assert_eq!(scan.fences[0].body, "fn a() {}\n");
        assert_eq!(scan.fences[1].language, "");
        assert_eq!(scan.headings.len(), 2);
        assert_eq!(scan.headings[1].text, "Common mistakes");
        assert_eq!(scan.headings[1].line, 12);
        assert_eq!(scan.prose_words, 2 + 4 + 2);
    }

    #[test]
    fn a_heading_inside_a_fence_is_not_one() {
        let text = "```\n# not a heading\n```\n";
        assert!(scan(text).headings.is_empty());
        assert_eq!(find_heading(text, "not a heading"), None);
    }

    #[test]
    fn unclosed_fence_runs_to_the_end() {
        let scan = scan("````mermaid\nflowchart LR\n```\nA --> B\n");
        assert_eq!(scan.fences.len(), 1);
        assert_eq!(scan.fences[0].body, "flowchart LR\n```\nA --> B\n");
    }

    #[test]
    fn headings_match_loosely() {
        let text = "intro\n\n## 🎯 Common  Mistakes:\n";
        assert_eq!(find_heading(text, "common mistakes"), Some(3));
        assert_eq!(find_heading(text, "mistakes"), None);
    }

    #[test]
    fn hashes_without_space_are_text() {
        assert!(scan("#hashtag\n####### seven\n").headings.is_empty());
    }
}
