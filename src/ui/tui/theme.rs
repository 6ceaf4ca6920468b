//! The styles every screen and widget draws with, in colour or, under `NO_COLOR`, without.
//!
//! Widgets take a `&Theme` and never build colours themselves, so honouring NO_COLOR
//! (https://no-color.org) is one decision made here. The monochrome theme keeps bold,
//! italic, underline and reverse: they carry meaning (a lit state, a heading) without colour.

use ratatui::style::{Color, Modifier, Style};

/// Whether colours may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// Foreground and background colours plus modifiers.
    Color,
    /// Modifiers only (bold, italic, underline, reverse): the `NO_COLOR` convention.
    NoColor,
}

impl ColorMode {
    /// `NoColor` when the `NO_COLOR` environment variable is set to a non-empty value.
    pub fn from_env() -> Self {
        Self::from_no_color(std::env::var_os("NO_COLOR").as_deref())
    }

    /// The mode for a given value of `NO_COLOR` (`None`: unset).
    fn from_no_color(value: Option<&std::ffi::OsStr>) -> Self {
        match value {
            Some(value) if !value.is_empty() => Self::NoColor,
            _ => Self::Color,
        }
    }
}

/// Styles for text, Markdown elements and screen chrome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// The mode this theme was built for.
    pub mode: ColorMode,
    /// Body text.
    pub text: Style,
    /// Heading levels 1, 2 and 3-6 (the renderer rules H1 with '━' and H2 with '─' below).
    pub headings: [Style; 3],
    /// `*emphasis*`.
    pub emphasis: Style,
    /// `**strong**`.
    pub strong: Style,
    /// `~~strikethrough~~`.
    pub strikethrough: Style,
    /// `` `inline code` ``.
    pub inline_code: Style,
    /// Show inline code between backticks, for when its style alone would not set it apart.
    pub inline_code_marks: bool,
    /// Lines of a fenced or indented code block.
    pub code_block: Style,
    /// The language label above a fenced code block.
    pub code_label: Style,
    /// Link text.
    pub link: Style,
    /// The URL shown after link text.
    pub link_url: Style,
    /// Text inside a block quote (patched over the text styles).
    pub quote: Style,
    /// The `│` gutter of a block quote.
    pub quote_gutter: Style,
    /// Bullets and numbers of list items.
    pub list_marker: Style,
    /// Horizontal rules and heading underlines.
    pub rule: Style,
    /// Table header cells.
    pub table_header: Style,
    /// Table column separators and the header rule.
    pub table_border: Style,
    /// Secondary text: hints, positions, raw HTML.
    pub dim: Style,
    /// A screen's title bar.
    pub title: Style,
    /// The footer bar of key hints.
    pub footer: Style,
    /// A key name inside the footer.
    pub footer_key: Style,
}

impl Theme {
    /// The theme for `mode`.
    pub fn new(mode: ColorMode) -> Self {
        match mode {
            ColorMode::Color => Self::color(),
            ColorMode::NoColor => Self::no_color(),
        }
    }

    /// The theme the environment asks for (see [`ColorMode::from_env`]).
    pub fn from_env() -> Self {
        Self::new(ColorMode::from_env())
    }

    fn color() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let dim = Style::new().fg(Color::DarkGray);
        Self {
            mode: ColorMode::Color,
            text: Style::new(),
            headings: [
                bold.fg(Color::Cyan),
                bold.fg(Color::Cyan),
                bold.fg(Color::Blue),
            ],
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: bold,
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            inline_code: Style::new().fg(Color::Yellow),
            inline_code_marks: false,
            code_block: Style::new().fg(Color::Gray).bg(Color::Black),
            code_label: dim.add_modifier(Modifier::ITALIC),
            link: Style::new()
                .fg(Color::Blue)
                .add_modifier(Modifier::UNDERLINED),
            link_url: dim,
            quote: Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC),
            quote_gutter: Style::new().fg(Color::DarkGray),
            list_marker: Style::new().fg(Color::Cyan),
            rule: dim,
            table_header: bold,
            table_border: dim,
            dim,
            title: bold.fg(Color::Black).bg(Color::Cyan),
            footer: Style::new().fg(Color::Gray).bg(Color::DarkGray),
            footer_key: bold.fg(Color::White).bg(Color::DarkGray),
        }
    }

    fn no_color() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let italic = Style::new().add_modifier(Modifier::ITALIC);
        let reverse = Style::new().add_modifier(Modifier::REVERSED);
        Self {
            mode: ColorMode::NoColor,
            text: Style::new(),
            headings: [bold, bold, bold],
            emphasis: italic,
            strong: bold,
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            inline_code: Style::new(),
            inline_code_marks: true,
            code_block: Style::new(),
            code_label: italic,
            link: Style::new().add_modifier(Modifier::UNDERLINED),
            link_url: Style::new(),
            quote: italic,
            quote_gutter: Style::new(),
            list_marker: Style::new(),
            rule: Style::new(),
            table_header: bold,
            table_border: Style::new(),
            dim: Style::new(),
            title: reverse.add_modifier(Modifier::BOLD),
            footer: reverse,
            footer_key: reverse.add_modifier(Modifier::BOLD),
        }
    }

    /// The style of a heading of `level` (1-6).
    pub fn heading(&self, level: u8) -> Style {
        match level {
            1 => self.headings[0],
            2 => self.headings[1],
            _ => self.headings[2],
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::new(ColorMode::Color)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(theme: &Theme) -> Vec<Style> {
        let mut all = vec![
            theme.text,
            theme.emphasis,
            theme.strong,
            theme.strikethrough,
            theme.inline_code,
            theme.code_block,
            theme.code_label,
            theme.link,
            theme.link_url,
            theme.quote,
            theme.quote_gutter,
            theme.list_marker,
            theme.rule,
            theme.table_header,
            theme.table_border,
            theme.dim,
            theme.title,
            theme.footer,
            theme.footer_key,
        ];
        all.extend(theme.headings);
        all
    }

    #[test]
    fn no_color_theme_uses_no_colour_at_all() {
        for style in styles(&Theme::new(ColorMode::NoColor)) {
            assert_eq!(style.fg, None, "{style:?}");
            assert_eq!(style.bg, None, "{style:?}");
        }
    }

    #[test]
    fn no_color_theme_keeps_modifiers_that_carry_meaning() {
        let theme = Theme::new(ColorMode::NoColor);
        assert!(theme.strong.add_modifier.contains(Modifier::BOLD));
        assert!(theme.emphasis.add_modifier.contains(Modifier::ITALIC));
        assert!(theme.footer.add_modifier.contains(Modifier::REVERSED));
        assert!(theme.inline_code_marks);
    }

    #[test]
    fn no_color_counts_only_when_set_and_not_empty() {
        use std::ffi::OsStr;
        assert_eq!(ColorMode::from_no_color(None), ColorMode::Color);
        assert_eq!(
            ColorMode::from_no_color(Some(OsStr::new(""))),
            ColorMode::Color
        );
        assert_eq!(
            ColorMode::from_no_color(Some(OsStr::new("1"))),
            ColorMode::NoColor
        );
        assert_eq!(
            ColorMode::from_no_color(Some(OsStr::new("0"))),
            ColorMode::NoColor
        );
    }

    #[test]
    fn colour_theme_uses_colour() {
        let theme = Theme::new(ColorMode::Color);
        assert!(styles(&theme).iter().any(|s| s.fg.is_some()));
        assert_eq!(theme.heading(4), theme.headings[2]);
    }
}
