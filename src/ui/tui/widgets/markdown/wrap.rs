//! Word-wrapping of styled inline text to a width in terminal cells.
//!
//! Widths are measured per grapheme cluster with ratatui's own `CellWidth`, so a line never
//! takes more cells than the buffer will give it (CJK and emoji count two). Words break only
//! at spaces, or between CJK characters (which have no spaces); a word is split only when it
//! is longer than a whole line. Input must already be free of control characters.

use ratatui::buffer::CellWidth;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_segmentation::UnicodeSegmentation;

/// Styled text runs: the pieces of one line before they become spans.
pub(crate) type Runs = Vec<(String, Style)>;

/// Inline content of a paragraph, heading or table cell, waiting to be laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inline {
    /// Text in one style; spaces inside it are break opportunities.
    Text(String, Style),
    /// A hard line break.
    Break,
}

/// The display width of `text` in cells, as ratatui's buffer will lay it out.
pub(crate) fn text_width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

/// The width of `runs` in cells.
pub(crate) fn runs_width(runs: &Runs) -> usize {
    runs.iter().map(|(text, _)| text_width(text)).sum()
}

fn grapheme_width(grapheme: &str) -> usize {
    // Controls are stripped before rendering; this guard keeps a stray one at zero width
    // (as the buffer treats it) instead of tripping ratatui's debug assertion.
    if grapheme.chars().any(char::is_control) {
        return 0;
    }
    usize::from(grapheme.cell_width())
}

/// Appends `text` in `style`, merging with the last run when the style is the same.
pub(crate) fn push_run(runs: &mut Runs, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    match runs.last_mut() {
        Some((last, last_style)) if *last_style == style => last.push_str(text),
        _ => runs.push((text.to_owned(), style)),
    }
}

/// Turns runs into spans for a ratatui `Line`.
pub(crate) fn into_spans(runs: Runs) -> Vec<Span<'static>> {
    runs.into_iter()
        .map(|(text, style)| Span::styled(text, style))
        .collect()
}

/// Cuts `runs` to at most `width` cells, ending in '…' when anything was cut.
pub(crate) fn truncate(runs: Runs, width: usize) -> Runs {
    if runs_width(&runs) <= width {
        return runs;
    }
    let mut out = Runs::new();
    let mut used = 0;
    let budget = width.saturating_sub(1);
    let mut last_style = runs.first().map(|(_, style)| *style).unwrap_or_default();
    'runs: for (text, style) in &runs {
        last_style = *style;
        for grapheme in text.graphemes(true) {
            let w = grapheme_width(grapheme);
            if used + w > budget {
                break 'runs;
            }
            used += w;
            push_run(&mut out, grapheme, *style);
        }
    }
    if width > 0 {
        push_run(&mut out, "…", last_style);
    }
    out
}

/// Flattens inline content to one line of runs (hard breaks become spaces).
pub(crate) fn flatten(inlines: &[Inline]) -> Runs {
    let mut runs = Runs::new();
    for inline in inlines {
        match inline {
            Inline::Text(text, style) => push_run(&mut runs, &text.replace('\n', " "), *style),
            Inline::Break => {
                let style = runs.last().map(|(_, style)| *style).unwrap_or_default();
                push_run(&mut runs, " ", style);
            }
        }
    }
    runs
}

/// Wraps inline content to lines of at most `width` cells (a `width` of 0 counts as 1).
///
/// Runs of spaces collapse to one; spaces at the start or end of a line are dropped.
pub(crate) fn wrap(inlines: &[Inline], width: usize) -> Vec<Runs> {
    let width = width.max(1);
    let mut filler = Filler {
        width,
        lines: Vec::new(),
        line: Runs::new(),
        line_width: 0,
    };
    for token in tokenize(inlines) {
        match token {
            Token::Break => filler.end_line(),
            Token::Word(word) => filler.place(word),
        }
    }
    if !filler.line.is_empty() {
        filler.end_line();
    }
    filler.lines
}

/// What separates a word from the one before it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sep {
    /// Nothing: the start of the text or a line, or a break between CJK characters.
    Glued,
    /// A space, drawn in this style when both words share a line.
    Space(Style),
}

#[derive(Debug)]
struct Word {
    runs: Runs,
    width: usize,
    sep: Sep,
}

#[derive(Debug)]
enum Token {
    Word(Word),
    Break,
}

fn tokenize(inlines: &[Inline]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Option<Word> = None;
    let mut next_sep = Sep::Glued;
    let mut prev_char: Option<char> = None;
    for inline in inlines {
        let (text, style) = match inline {
            Inline::Text(text, style) => (text, *style),
            Inline::Break => {
                tokens.extend(word.take().map(Token::Word));
                tokens.push(Token::Break);
                next_sep = Sep::Glued;
                prev_char = None;
                continue;
            }
        };
        for grapheme in text.graphemes(true) {
            if is_breaking_space(grapheme) {
                tokens.extend(word.take().map(Token::Word));
                if next_sep == Sep::Glued && !tokens.is_empty() {
                    next_sep = Sep::Space(style);
                }
                prev_char = None;
                continue;
            }
            let first = grapheme.chars().next().unwrap_or(' ');
            if let (Some(current), Some(prev)) = (&word, prev_char)
                && !current.runs.is_empty()
                && may_break_between(prev, first)
            {
                tokens.extend(word.take().map(Token::Word));
                next_sep = Sep::Glued;
            }
            let current = word.get_or_insert_with(|| Word {
                runs: Runs::new(),
                width: 0,
                sep: std::mem::replace(&mut next_sep, Sep::Glued),
            });
            current.width += grapheme_width(grapheme);
            push_run(&mut current.runs, grapheme, style);
            prev_char = grapheme.chars().last();
        }
    }
    tokens.extend(word.take().map(Token::Word));
    tokens
}

/// Greedy first-fit line filling.
struct Filler {
    width: usize,
    lines: Vec<Runs>,
    line: Runs,
    line_width: usize,
}

impl Filler {
    fn end_line(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
        self.line_width = 0;
    }

    fn place(&mut self, word: Word) {
        let sep_width = match word.sep {
            Sep::Space(_) if !self.line.is_empty() => 1,
            _ => 0,
        };
        if self.line_width + sep_width + word.width <= self.width {
            if let (1, Sep::Space(style)) = (sep_width, word.sep) {
                push_run(&mut self.line, " ", style);
                self.line_width += 1;
            }
            self.append(word.runs, word.width);
            return;
        }
        if !self.line.is_empty() {
            self.end_line();
        }
        if word.width <= self.width {
            self.append(word.runs, word.width);
        } else {
            self.split_long_word(&word.runs);
        }
    }

    fn append(&mut self, runs: Runs, width: usize) {
        for (text, style) in runs {
            push_run(&mut self.line, &text, style);
        }
        self.line_width += width;
    }

    /// Breaks a word longer than a line at grapheme boundaries; the last piece stays open.
    fn split_long_word(&mut self, runs: &Runs) {
        for (text, style) in runs {
            for grapheme in text.graphemes(true) {
                let w = grapheme_width(grapheme);
                if self.line_width + w > self.width && !self.line.is_empty() {
                    self.end_line();
                }
                push_run(&mut self.line, grapheme, *style);
                self.line_width += w;
            }
        }
    }
}

/// Whitespace that allows a line break (no-break spaces keep their words together).
fn is_breaking_space(grapheme: &str) -> bool {
    grapheme
        .chars()
        .all(|c| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}'))
}

/// A line may break between two characters without a space when either is CJK, unless
/// punctuation forbids it (no line starts with a closing mark, none ends with an opening one).
fn may_break_between(prev: char, next: char) -> bool {
    (is_cjk(prev) || is_cjk(next)) && !no_break_before(next) && !no_break_after(prev)
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}'     // Hangul Jamo
        | '\u{2e80}'..='\u{a4cf}'   // CJK radicals … Yi, incl. kana and unified ideographs
        | '\u{ac00}'..='\u{d7af}'   // Hangul syllables
        | '\u{f900}'..='\u{faff}'   // CJK compatibility ideographs
        | '\u{fe30}'..='\u{fe4f}'   // CJK compatibility forms
        | '\u{ff00}'..='\u{ff60}'   // full-width forms
        | '\u{20000}'..='\u{3ffff}' // CJK extensions
    )
}

fn no_break_before(c: char) -> bool {
    matches!(
        c,
        ',' | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '%'
            | '、'
            | '。'
            | '，'
            | '．'
            | '：'
            | '；'
            | '！'
            | '？'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | 'ー'
            | '々'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
    )
}

fn no_break_after(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '（' | '「' | '『' | '【' | '〔' | '〈' | '《'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn plain(text: &str) -> Vec<Inline> {
        vec![Inline::Text(text.to_owned(), Style::new())]
    }

    fn texts(lines: &[Runs]) -> Vec<String> {
        lines
            .iter()
            .map(|runs| runs.iter().map(|(t, _)| t.as_str()).collect())
            .collect()
    }

    fn wrapped(text: &str, width: usize) -> Vec<String> {
        texts(&wrap(&plain(text), width))
    }

    #[test]
    fn words_fill_lines_greedily_and_spaces_collapse() {
        assert_eq!(
            wrapped("the quick  brown fox jumps over", 10),
            ["the quick", "brown fox", "jumps over"]
        );
    }

    #[test]
    fn a_word_that_exactly_fits_stays_on_the_line() {
        assert_eq!(wrapped("abcde fghij", 11), ["abcde fghij"]);
        assert_eq!(wrapped("abcde fghij", 10), ["abcde", "fghij"]);
    }

    #[test]
    fn a_word_longer_than_the_line_is_split_and_nothing_else_is() {
        assert_eq!(
            wrapped("go https://example.com/a/very/long/path ok", 10),
            ["go", "https://ex", "ample.com/", "a/very/lon", "g/path ok"]
        );
    }

    #[test]
    fn hyphenated_words_are_not_split() {
        assert_eq!(wrapped("state half-open", 12), ["state", "half-open"]);
    }

    #[test]
    fn cjk_counts_two_cells_and_breaks_between_characters() {
        let lines = wrapped("熔断器打开后拒绝所有调用。", 10);
        assert_eq!(lines, ["熔断器打开", "后拒绝所有", "调用。"]);
        for line in &lines {
            assert!(text_width(line) <= 10, "{line}");
        }
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // "。" would fit alone on the next line, but stays with the character before it.
        let lines = wrapped("一二三四。", 8);
        assert_eq!(lines, ["一二三", "四。"]);
    }

    #[test]
    fn emoji_are_two_cells_wide() {
        assert_eq!(text_width("🙂"), 2);
        assert_eq!(text_width("👩‍💻"), 2);
        let lines = wrapped("ok 🙂🙂 go 👩‍💻x", 7);
        assert_eq!(lines, ["ok 🙂🙂", "go 👩‍💻x"]);
    }

    #[test]
    fn mixed_latin_and_cjk_breaks_at_the_script_boundary() {
        assert_eq!(wrapped("circuit断路器", 9), ["circuit断", "路器"]);
    }

    #[test]
    fn no_break_space_keeps_words_together() {
        assert_eq!(wrapped("wait 30\u{a0}s now", 8), ["wait", "30\u{a0}s now"]);
    }

    #[test]
    fn styles_survive_wrapping_and_words_may_span_styles() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let inlines = vec![
            Inline::Text("call ".into(), Style::new()),
            Inline::Text("fails".into(), bold),
            Inline::Text(", then".into(), Style::new()),
        ];
        let lines = wrap(&inlines, 6);
        // "fails," is one word across two styles: it is never split at the style change.
        assert_eq!(texts(&lines), ["call", "fails,", "then"]);
        assert_eq!(
            lines[1],
            vec![("fails".to_owned(), bold), (",".to_owned(), Style::new())]
        );
    }

    #[test]
    fn hard_breaks_force_a_new_line() {
        let inlines = vec![
            Inline::Text("one".into(), Style::new()),
            Inline::Break,
            Inline::Text("two".into(), Style::new()),
        ];
        assert_eq!(texts(&wrap(&inlines, 40)), ["one", "two"]);
    }

    #[test]
    fn zero_width_is_treated_as_one_and_terminates() {
        assert_eq!(wrapped("ab c", 0), ["a", "b", "c"]);
    }

    #[test]
    fn every_wrapped_line_fits_its_width() {
        let text = "Résumé naïve 世界 🙂 a-very-long-hyphenated-identifier_with_underscores done";
        for width in 1..40 {
            for line in wrapped(text, width) {
                assert!(text_width(&line) <= width.max(2), "width {width}: {line:?}");
            }
        }
    }

    #[test]
    fn truncate_marks_the_cut_with_an_ellipsis() {
        let runs = vec![("failure_threshold".to_owned(), Style::new())];
        assert_eq!(texts(&[truncate(runs.clone(), 8)]), ["failure…"]);
        assert_eq!(texts(&[truncate(runs.clone(), 17)]), ["failure_threshold"]);
        assert_eq!(texts(&[truncate(runs, 0)]), [""]);
        let wide = vec![("世界世界".to_owned(), Style::new())];
        assert_eq!(texts(&[truncate(wide, 4)]), ["世…"]);
    }
}
