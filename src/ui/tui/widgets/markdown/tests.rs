use ratatui::style::Modifier;

use super::*;
use crate::ui::tui::theme::ColorMode;

fn mono() -> Theme {
    Theme::new(ColorMode::NoColor)
}

fn lines_of(text: &Text<'_>) -> Vec<String> {
    text.lines
        .iter()
        .map(|line| line.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

fn render(markdown: &str, width: u16) -> Vec<String> {
    lines_of(&render_markdown(markdown, width, &mono()))
}

/// The style of the first span whose text contains `needle`.
fn style_of(text: &Text<'_>, needle: &str) -> Style {
    text.lines
        .iter()
        .flat_map(|line| &line.spans)
        .find(|span| span.content.contains(needle))
        .map(|span| span.style)
        .unwrap_or_else(|| panic!("no span contains {needle:?}"))
}

#[test]
fn empty_input_renders_nothing() {
    assert!(render("", 80).is_empty());
    assert!(render("\n\n   \n", 80).is_empty());
}

#[test]
fn headings_are_underlined_and_set_apart_by_blank_lines() {
    let lines = render("# Circuit breaker\ntext\n## States\n### Closed\nmore", 40);
    assert_eq!(
        lines,
        [
            "Circuit breaker",
            "━━━━━━━━━━━━━━━",
            "",
            "text",
            "",
            "States",
            "──────",
            "",
            "Closed",
            "",
            "more",
        ]
    );
}

#[test]
fn an_empty_heading_adds_no_blank_lines() {
    assert_eq!(render("a\n\n#\n\nb", 20), ["a", "", "b"]);
}

#[test]
fn heading_styles_come_from_the_theme() {
    let theme = Theme::new(ColorMode::Color);
    let text = render_markdown("# Top\n\n### Deep", 40, &theme);
    assert_eq!(style_of(&text, "Top"), theme.text.patch(theme.heading(1)));
    assert_eq!(style_of(&text, "Deep"), theme.text.patch(theme.heading(3)));
}

#[test]
fn paragraphs_soft_wrap_and_keep_hard_breaks() {
    let source =
        "A breaker stops calling a dependency\nthat keeps failing.  \nNew line here.\\\nAnd here.";
    assert_eq!(
        render(source, 20),
        [
            "A breaker stops",
            "calling a dependency",
            "that keeps failing.",
            "New line here.",
            "And here.",
        ]
    );
}

#[test]
fn emphasis_strong_and_code_are_styled() {
    let theme = Theme::new(ColorMode::Color);
    let text = render_markdown("*soft* **hard** ~~gone~~ `code`", 40, &theme);
    assert!(
        style_of(&text, "soft")
            .add_modifier
            .contains(Modifier::ITALIC)
    );
    assert!(
        style_of(&text, "hard")
            .add_modifier
            .contains(Modifier::BOLD)
    );
    assert!(
        style_of(&text, "gone")
            .add_modifier
            .contains(Modifier::CROSSED_OUT)
    );
    assert_eq!(style_of(&text, "code"), theme.inline_code);
    assert_eq!(lines_of(&text), ["soft hard gone code"]);
}

#[test]
fn inline_code_keeps_backticks_without_colour() {
    assert_eq!(render("call `allow()` first", 40), ["call `allow()` first"]);
}

#[test]
fn bullet_lists_nest_with_hanging_indents() {
    let source = "\
- first item that is long enough to wrap
  - nested item that also wraps around
    - deepest
- second";
    assert_eq!(
        render(source, 24),
        [
            "• first item that is",
            "  long enough to wrap",
            "  ◦ nested item that",
            "    also wraps around",
            "    ▪ deepest",
            "• second",
        ]
    );
}

#[test]
fn numbered_lists_count_from_their_start() {
    assert_eq!(
        render("3. three\n4. four, which wraps here\n5. five", 16),
        ["3. three", "4. four, which", "   wraps here", "5. five"]
    );
}

#[test]
fn loose_lists_keep_blank_lines_between_items() {
    assert_eq!(
        render("- one\n\n- two\n\nafter", 20),
        ["• one", "", "• two", "", "after"]
    );
}

#[test]
fn a_list_is_set_apart_from_the_paragraphs_around_it() {
    assert_eq!(
        render("before\n\n- a\n- b\n\nafter", 20),
        ["before", "", "• a", "• b", "", "after"]
    );
}

#[test]
fn code_blocks_are_not_wrapped_but_cut_and_labelled() {
    let source = "```rust\nlet breaker = CircuitBreaker::new(config);\n\tindented();\n```";
    assert_eq!(
        render(source, 24),
        ["  rust", "  let breaker = Circuit…", "      indented();",]
    );
}

#[test]
fn indented_code_blocks_have_no_label() {
    assert_eq!(
        render("text\n\n    raw  code\n\nafter", 30),
        ["text", "", "  raw  code", "", "after"]
    );
}

#[test]
fn coloured_code_blocks_are_padded_to_a_rectangle() {
    let theme = Theme::new(ColorMode::Color);
    let text = render_markdown("```\nab\nlonger line\n```", 20, &theme);
    for line in &text.lines {
        assert_eq!(line.width(), 20);
        assert_eq!(line.spans[0].style, theme.code_block);
    }
}

#[test]
fn code_inside_a_list_item_is_indented_with_it() {
    assert_eq!(
        render("- step:\n\n  ```\n  run()\n  ```", 20),
        ["• step:", "", "    run()"]
    );
}

#[test]
fn tables_fit_the_width() {
    let source = "\
| State | Calls | Meaning |
|:------|------:|---------|
| CLOSED | 5 | calls flow; failures are counted |
| HALF_OPEN | 1 | a trial call decides |";
    let lines = render(source, 32);
    assert_eq!(
        lines,
        [
            "State     │ Calls │ Meaning",
            "──────────┼───────┼─────────────",
            "CLOSED    │     5 │ calls flow;…",
            "HALF_OPEN │     1 │ a trial cal…",
        ]
    );
    let wide = render(source, 80);
    assert_eq!(
        wide[2],
        "CLOSED    │     5 │ calls flow; failures are counted"
    );
}

#[test]
fn tables_at_tiny_widths_stay_inside_them() {
    let source = "| a | b |\n|---|---|\n| long cell | another long cell |";
    for width in 1..20 {
        for line in render(source, width) {
            assert!(text_width(&line) <= usize::from(width), "{width}: {line:?}");
        }
    }
}

#[test]
fn block_quotes_have_a_gutter_and_nest() {
    let source = "> Fail fast,\n> recover slowly.\n>\n> > nested quote here\n\nafter";
    assert_eq!(
        render(source, 20),
        [
            "│ Fail fast, recover",
            "│ slowly.",
            "│",
            "│ │ nested quote",
            "│ │ here",
            "",
            "after",
        ]
    );
}

#[test]
fn quoted_text_gets_the_quote_style() {
    let theme = Theme::new(ColorMode::Color);
    let text = render_markdown("> **said**", 20, &theme);
    assert_eq!(
        style_of(&text, "said"),
        theme.text.patch(theme.quote).patch(theme.strong)
    );
    assert_eq!(style_of(&text, "│"), theme.quote_gutter);
}

#[test]
fn links_show_their_url_dimmed_unless_it_repeats_the_text() {
    let theme = Theme::new(ColorMode::Color);
    let text = render_markdown(
        "See [the post](https://aws.amazon.com/blogs/x) and <https://example.com>.",
        80,
        &theme,
    );
    assert_eq!(
        lines_of(&text),
        ["See the post (https://aws.amazon.com/blogs/x) and https://example.com."]
    );
    assert_eq!(style_of(&text, "the post"), theme.link);
    assert_eq!(style_of(&text, "(https://aws"), theme.link_url);
}

#[test]
fn images_show_alt_text_and_url() {
    assert_eq!(
        render("![state diagram](states.png)", 80),
        ["[image: state diagram] (states.png)"]
    );
}

#[test]
fn rules_span_the_width() {
    assert_eq!(
        render("a\n\n---\n\nb", 10),
        ["a", "", "──────────", "", "b"]
    );
}

#[test]
fn html_comments_vanish_and_other_html_is_shown_plainly() {
    assert_eq!(render("<!-- author note -->\n\ntext", 20), ["text"]);
    assert_eq!(render("a<br>b", 20), ["a", "b"]);
    assert_eq!(render("<div>\nx\n</div>", 20), ["<div>", "x", "</div>"]);
}

#[test]
fn terminal_escapes_never_reach_the_output() {
    let source = "# Title\u{1b}[2J\n\nText \u{1b}]0;pwned\u{7}here\u{9b}31m and `code\u{1b}[0m`\n\n```\nx\u{1b}[1m\n```";
    let text = render_markdown(source, 40, &Theme::default());
    for line in &text.lines {
        for span in &line.spans {
            assert!(
                !span.content.chars().any(char::is_control),
                "{:?}",
                span.content
            );
        }
    }
    assert_eq!(
        lines_of(&text)[3..5],
        ["Text here and code".to_owned(), String::new()]
    );
}

#[test]
fn wide_characters_wrap_by_cells() {
    let lines = render("断路器有三种状态：关闭、打开和半开。🙂 done", 12);
    assert_eq!(
        lines,
        ["断路器有三种", "状态：关闭、", "打开和半开。", "🙂 done"]
    );
}

#[test]
fn long_words_split_only_when_longer_than_the_line() {
    assert_eq!(
        render("use recovery_timeout_in_milliseconds here", 12),
        ["use", "recovery_tim", "eout_in_mill", "iseconds", "here"]
    );
}

#[test]
fn no_line_is_wider_than_the_width() {
    let source = include_str!("../../../../../tests/fixtures/ui/concept.md");
    for width in [12u16, 20, 33, 40, 57, 80, 100] {
        let text = render_markdown(source, width, &Theme::default());
        for line in &text.lines {
            assert!(
                line.width() <= usize::from(width),
                "width {width}: {line:?}"
            );
        }
    }
}

#[test]
fn tables_and_code_inside_quotes_and_items_respect_the_prefix() {
    let source = "> | a | b |\n> |---|---|\n> | 1 | 2 |\n\n- item\n\n  | x |\n  |---|\n  | y |";
    assert_eq!(
        render(source, 20),
        [
            "│ a │ b",
            "│ ──┼──",
            "│ 1 │ 2",
            "",
            "• item",
            "",
            "  x",
            "  ─",
            "  y"
        ]
    );
}

#[test]
fn ordered_lists_nest_inside_bullets() {
    assert_eq!(
        render("- steps\n  1. one\n  2. two\n- done", 20),
        ["• steps", "  1. one", "  2. two", "• done"]
    );
}

#[test]
fn an_empty_item_still_shows_its_marker() {
    assert_eq!(render("-\n- b", 20), ["• ", "• b"]);
}

#[test]
fn a_quote_narrower_than_its_gutter_drops_the_gutter() {
    // Found by the width property: the 2-cell gutter alone overflowed a 1-cell line.
    assert_eq!(render(">®𑏊", 1), ["®𑏊"]);
    assert_eq!(render("> ab", 1), ["a", "b"]);
    assert_eq!(render("> ab", 2), ["ab"]);
    assert_eq!(render("> ab cd", 4), ["│ ab", "│ cd"]);
}

#[test]
fn deep_quotes_leave_half_the_width_to_the_text() {
    assert_eq!(
        render("> > > > > deep words", 10),
        ["│ │ deep", "│ │ words"]
    );
    assert_eq!(render("> > > > > deep words", 40), ["│ │ │ │ │ deep words"]);
}

#[test]
fn deep_lists_keep_the_innermost_markers_when_narrow() {
    let source = "- a\n  - b\n    - c\n      - d";
    assert_eq!(render(source, 8), ["• a", "  ◦ b", "  ▪ c", "  • d"]);
    assert_eq!(render(source, 40), ["• a", "  ◦ b", "    ▪ c", "      • d"]);
}

#[test]
fn a_wide_grapheme_in_a_narrow_quote_gives_up_the_gutter() {
    assert_eq!(render("> 世界 ab", 3), ["世", "界", "│ a", "│ b"]);
}

#[test]
fn rules_headings_and_code_fit_a_tiny_width() {
    assert_eq!(render("a\n\n---\n\nb", 1), ["a", "", "─", "", "b"]);
    assert_eq!(render("# 世", 1), ["世", "━"]);
    assert_eq!(render("```rs\nabcdef\n```", 4), ["  rs", "  a…"]);
    assert_eq!(render("```rs\nabcdef\n```", 3), ["rs", "ab…"]);
    assert_eq!(render("> ```\n> abcdef\n> ```", 5), ["│ ab…"]);
}

mod properties {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::*;

    /// Every line fits `width` unless it is one grapheme wider than the whole line (CJK at
    /// width 1, or a cluster with spacing marks such as "0\u{d3f}\u{1c24}", three cells): a
    /// grapheme cannot be split. No control character gets through.
    fn renders_within(source: &str, width: u16) -> Result<(), TestCaseError> {
        let text = render_markdown(source, width, &Theme::default());
        for line in &text.lines {
            let content: String = line
                .spans
                .iter()
                .map(|span| span.content.as_ref())
                .collect();
            let lone_grapheme = content.trim().graphemes(true).count() <= 1;
            prop_assert!(
                line.width() <= usize::from(width) || lone_grapheme,
                "{line:?}"
            );
            for span in &line.spans {
                prop_assert!(!span.content.chars().any(char::is_control), "{span:?}");
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Any input renders without panicking, within the width (a lone wide grapheme at
        /// width 1 is the only excess), and without control characters.
        #[test]
        fn any_markdown_renders_within_its_width(
            source in "(\\PC|[ \\n\\t#>*_`|\\-\\[\\]()!~0-9.\u{1b}\u{9b}])*",
            width in 1u16..60,
        ) {
            renders_within(&source, width)?;
        }

        /// Quotes, lists, code, tables and headings nested deep, at narrow widths.
        #[test]
        fn nested_markdown_renders_within_its_width(
            lines in proptest::collection::vec(
                (
                    "(> |- |\\* |1\\. |10\\. |  |    ){0,8}",
                    "# |## |```|---|\\| a \\| 世界 \\||\\|---\\|---\\||[a-z世🙂 ]{0,12}",
                ),
                1..8,
            ),
            width in 1u16..30,
        ) {
            let source: String = lines.iter().map(|(prefix, body)| format!("{prefix}{body}\n")).collect();
            renders_within(&source, width)?;
        }

        /// Wrapping a plain paragraph keeps every word, in order.
        #[test]
        fn wrapping_loses_no_words(
            words in proptest::collection::vec("[a-z]{1,15}|[世界断路器]{1,4}", 1..40),
            width in 1u16..40,
        ) {
            let source = words.join(" ");
            let rendered: String = render(&source, width).concat();
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(squeeze(&rendered), squeeze(&source));
        }
    }
}

#[test]
fn a_grapheme_wider_than_the_line_stands_alone() {
    // Found by the width property: one grapheme of three chars, three cells wide.
    let text = render_markdown("0\u{d3f}\u{1c24} ab", 1, &Theme::default());
    let lines: Vec<String> = text.lines.iter().map(|line| line.to_string()).collect();
    assert_eq!(lines, ["0\u{d3f}\u{1c24}", "a", "b"]);
}

#[test]
fn patterns_blocks_show_a_prompted_command_then_its_output() {
    let markdown = "```patterns\npatterns sim backoff \\\n  --attempts 2\nattempt  delay\n      1     1s\n```\nafter";
    assert_eq!(
        render(markdown, 40),
        [
            "  $ patterns sim backoff \\",
            "      --attempts 2",
            "  attempt  delay",
            "        1     1s",
            "",
            "after"
        ]
    );
    let theme = Theme::default();
    let text = render_markdown(markdown, 40, &theme);
    assert_eq!(style_of(&text, "$ patterns"), theme.code_label);
    assert_eq!(style_of(&text, "delay"), theme.code_block);
    // Without a command it is an ordinary labelled code block.
    assert_eq!(render("```patterns\n1 2\n```", 20), ["  patterns", "  1 2"]);
}
