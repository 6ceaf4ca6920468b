//! Markdown (CommonMark + tables) rendered to ratatui `Text`, wrapped to a width.
//!
//! A pure function of (source, width, theme). Invariants: no line is wider than `width`
//! cells except a lone grapheme wider than the whole width; quote gutters and list markers
//! never take more than half the width (the outermost are left out when nesting is too deep);
//! code blocks are never wrapped (cut with '…' instead); control characters never reach
//! the output.

mod blocks;
mod command;
mod diagram;
mod table;
mod wrap;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Text};

use self::table::Table;
use self::wrap::{Inline, Runs, into_spans, push_run, runs_width, text_width};
use crate::ui::sanitize::strip_controls;
use crate::ui::tui::theme::Theme;

/// Renders `markdown` as lines at most `width` cells wide, styled by `theme`.
pub fn render_markdown(markdown: &str, width: u16, theme: &Theme) -> Text<'static> {
    let source = strip_controls(markdown);
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut renderer = Renderer::new(usize::from(width).max(1), theme);
    for event in Parser::new_ext(&source, options) {
        renderer.event(event);
    }
    renderer.finish()
}

/// Bullets by nesting depth, repeating past the last.
const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];
/// Code blocks are indented by this much inside their container.
const CODE_INDENT: &str = "  ";
const TAB_STOP: usize = 4;
/// In front of every line of a block quote, and its width in cells.
const QUOTE_GUTTER: &str = "│ ";
const QUOTE_GUTTER_WIDTH: usize = 2;

/// A block that puts something in front of each line it contains.
#[derive(Debug)]
enum Container {
    /// `│ ` on every line.
    Quote,
    /// A list: the number its next item gets (`None`: bulleted).
    List { next_number: Option<u64> },
    /// A list item: its marker on its first line, as many spaces on the others.
    Item {
        marker: String,
        width: usize,
        marker_pending: bool,
    },
}

impl Container {
    /// The cells its prefix takes on every line it contains.
    fn prefix_width(&self) -> usize {
        match self {
            Container::Quote => QUOTE_GUTTER_WIDTH,
            Container::Item { width, .. } => *width,
            Container::List { .. } => 0,
        }
    }
}

/// A link or image whose end has not been seen yet.
#[derive(Debug)]
struct OpenLink {
    url: String,
    /// Where its text starts in the inline buffer.
    start: usize,
    image: bool,
}

struct Renderer<'t> {
    theme: &'t Theme,
    width: usize,
    lines: Vec<Line<'static>>,
    /// Inline content of the paragraph, heading, list item text or table cell being read.
    inline: Vec<Inline>,
    /// Inline styles in force (emphasis, strong, link, heading...), innermost last.
    styles: Vec<Style>,
    containers: Vec<Container>,
    /// A block ended: the next block starts after a blank line.
    blank_pending: bool,
    heading: Option<HeadingLevel>,
    /// Text of the code block being read, and its language.
    code: Option<(String, String)>,
    html: Option<String>,
    table: Option<Table>,
    table_row: Vec<Runs>,
    links: Vec<OpenLink>,
}

impl<'t> Renderer<'t> {
    fn new(width: usize, theme: &'t Theme) -> Self {
        Self {
            theme,
            width,
            lines: Vec::new(),
            inline: Vec::new(),
            styles: Vec::new(),
            containers: Vec::new(),
            blank_pending: false,
            heading: None,
            code: None,
            html: None,
            table: None,
            table_row: Vec::new(),
            links: Vec::new(),
        }
    }

    fn finish(mut self) -> Text<'static> {
        self.flush_inline();
        Text::from(self.lines)
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.inline_code(&code),
            Event::SoftBreak => self.push_inline(" "),
            Event::HardBreak => self.inline.push(Inline::Break),
            Event::Rule => self.rule(),
            Event::Html(html) => self.html(&html),
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::TaskListMarker(done) => self.push_inline(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(label) => self.push_inline(&format!("[^{label}]")),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.push_inline(&math),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.heading = Some(level);
                self.styles.push(self.theme.heading(heading_number(level)));
            }
            Tag::BlockQuote(_) => {
                self.flush_inline();
                self.separate();
                self.containers.push(Container::Quote);
            }
            Tag::CodeBlock(kind) => {
                self.flush_inline();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((String::new(), language));
            }
            Tag::HtmlBlock => {
                self.flush_inline();
                self.html = Some(String::new());
            }
            Tag::List(first_number) => {
                self.flush_inline();
                self.containers.push(Container::List {
                    next_number: first_number,
                });
            }
            Tag::Item => {
                self.flush_inline();
                let marker = self.next_marker();
                self.containers.push(Container::Item {
                    width: text_width(&marker),
                    marker,
                    marker_pending: true,
                });
            }
            Tag::Table(alignments) => {
                self.flush_inline();
                self.table = Some(Table {
                    alignments,
                    ..Table::default()
                });
            }
            Tag::TableHead => self.styles.push(self.theme.table_header),
            Tag::TableRow => self.table_row.clear(),
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.styles.push(self.theme.emphasis),
            Tag::Strong => self.styles.push(self.theme.strong),
            Tag::Strikethrough => self.styles.push(self.theme.strikethrough),
            Tag::Link { dest_url, .. } => self.open_link(&dest_url, false),
            Tag::Image { dest_url, .. } => {
                self.push_inline_styled("[image: ", self.theme.dim);
                self.open_link(&dest_url, true);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.blank_pending = true;
            }
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.containers.pop();
                self.blank_pending = true;
            }
            TagEnd::CodeBlock => self.end_code_block(),
            TagEnd::HtmlBlock => self.end_html_block(),
            TagEnd::List(_) => {
                self.flush_inline();
                self.containers.pop();
                // A nested list ends inside its item: the outer list decides the spacing.
                self.blank_pending =
                    !matches!(self.containers.last(), Some(Container::Item { .. }));
            }
            TagEnd::Item => {
                self.flush_inline();
                if matches!(
                    self.containers.last(),
                    Some(Container::Item {
                        marker_pending: true,
                        ..
                    })
                ) {
                    // An empty item still shows its marker.
                    self.emit(Runs::new());
                }
                self.containers.pop();
            }
            TagEnd::Table => self.end_table(),
            TagEnd::TableHead => {
                self.styles.pop();
                self.end_table_row(true);
            }
            TagEnd::TableRow => self.end_table_row(false),
            TagEnd::TableCell => {
                let cell = wrap::flatten(&std::mem::take(&mut self.inline));
                self.table_row.push(cell);
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link | TagEnd::Image => self.close_link(),
            _ => {}
        }
    }

    // ---- inline content -------------------------------------------------------------------

    fn text(&mut self, text: &str) {
        if let Some((code, _)) = &mut self.code {
            code.push_str(text);
        } else if let Some(html) = &mut self.html {
            html.push_str(text);
        } else {
            self.push_inline(text);
        }
    }

    fn current_style(&self) -> Style {
        let mut base = self.theme.text;
        if self
            .containers
            .iter()
            .any(|c| matches!(c, Container::Quote))
        {
            base = base.patch(self.theme.quote);
        }
        self.styles.iter().fold(base, |style, s| style.patch(*s))
    }

    fn push_inline(&mut self, text: &str) {
        self.push_inline_styled(text, self.current_style());
    }

    fn push_inline_styled(&mut self, text: &str, style: Style) {
        // Tabs in running text are just spaces; they have no width of their own.
        let text = text.replace('\t', " ");
        self.inline.push(Inline::Text(text, style));
    }

    fn inline_code(&mut self, code: &str) {
        let style = self.current_style().patch(self.theme.inline_code);
        if self.theme.inline_code_marks {
            self.push_inline_styled(&format!("`{code}`"), style);
        } else {
            self.push_inline_styled(code, style);
        }
    }

    fn inline_html(&mut self, html: &str) {
        let tag = html.trim().to_ascii_lowercase();
        if matches!(tag.as_str(), "<br>" | "<br/>" | "<br />") {
            self.inline.push(Inline::Break);
        } else if !tag.starts_with("<!--") {
            self.push_inline_styled(html, self.theme.dim);
        }
    }

    fn open_link(&mut self, url: &str, image: bool) {
        self.styles.push(if image {
            self.theme.emphasis
        } else {
            self.theme.link
        });
        self.links.push(OpenLink {
            url: url.to_owned(),
            start: self.inline.len(),
            image,
        });
    }

    fn close_link(&mut self) {
        self.styles.pop();
        let Some(link) = self.links.pop() else { return };
        if link.image {
            self.push_inline_styled("]", self.theme.dim);
        }
        let shown: String = self.inline[link.start.min(self.inline.len())..]
            .iter()
            .filter_map(|inline| match inline {
                Inline::Text(text, _) => Some(text.as_str()),
                Inline::Break => None,
            })
            .collect();
        let redundant = link.url.is_empty()
            || link.url.starts_with('#')
            || link.url == shown
            || link.url.strip_prefix("mailto:") == Some(shown.as_str());
        if !redundant {
            self.push_inline(" ");
            let style = self.current_style().patch(self.theme.link_url);
            self.push_inline_styled(&format!("({})", link.url), style);
        }
    }

    // ---- lines and their prefixes ---------------------------------------------------------

    fn next_marker(&mut self) -> String {
        let depth = self
            .containers
            .iter()
            .filter(|c| matches!(c, Container::List { .. }))
            .count()
            .saturating_sub(1);
        match self.containers.last_mut() {
            Some(Container::List {
                next_number: Some(number),
            }) => {
                let marker = format!("{number}. ");
                *number = number.saturating_add(1);
                marker
            }
            _ => BULLETS[depth % BULLETS.len()].to_owned(),
        }
    }

    /// Cells the prefixes of quotes and list items may take: at most half the width, so
    /// deep nesting in a narrow view still leaves room to read (and a width of 1 has none).
    fn prefix_budget(&self) -> usize {
        self.width - (self.width / 2).max(1)
    }

    /// The first container whose prefix shows when prefixes may take `budget` cells (all
    /// from it to the innermost show), and the cells they take. The innermost are kept, so
    /// every item still shows its marker; outer ones are left out whole, as a cut marker or
    /// gutter would read as something else.
    fn shown_prefix(&self, budget: usize) -> (usize, usize) {
        let mut used = 0;
        for (depth, container) in self.containers.iter().enumerate().rev() {
            let width = container.prefix_width();
            if used + width > budget {
                return (depth + 1, used);
            }
            used += width;
        }
        (0, used)
    }

    /// Width left for content once quotes and list indents have taken theirs (at least 1).
    fn content_width(&self) -> usize {
        let (_, prefix) = self.shown_prefix(self.prefix_budget());
        self.width.saturating_sub(prefix).max(1)
    }

    /// Emits the blank line between two blocks, if one is due.
    fn separate(&mut self) {
        if !std::mem::take(&mut self.blank_pending) || self.lines.is_empty() {
            return;
        }
        let (first_shown, _) = self.shown_prefix(self.prefix_budget());
        let mut runs = Runs::new();
        for container in &self.containers[first_shown..] {
            match container {
                Container::Quote => push_run(&mut runs, QUOTE_GUTTER, self.theme.quote_gutter),
                Container::Item { width, .. } => {
                    push_run(&mut runs, &" ".repeat(*width), Style::new())
                }
                Container::List { .. } => {}
            }
        }
        // Only the quote gutters matter on a blank line; trailing spaces would not show.
        while let Some((text, _)) = runs.last_mut() {
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
            if !text.is_empty() {
                break;
            }
            runs.pop();
        }
        self.lines.push(Line::from(into_spans(runs)));
    }

    /// Pushes one line: the containers' prefix, then `content`.
    ///
    /// Content is at most `content_width()` wide except a lone grapheme wider than that;
    /// such a line drops as much of its prefix as it must to stay within the width.
    fn emit(&mut self, content: Runs) {
        let room = self.width.saturating_sub(runs_width(&content));
        let (first_shown, _) = self.shown_prefix(self.prefix_budget().min(room));
        let mut runs = Runs::new();
        for (depth, container) in self.containers.iter_mut().enumerate() {
            match container {
                Container::Quote if depth >= first_shown => {
                    push_run(&mut runs, QUOTE_GUTTER, self.theme.quote_gutter)
                }
                Container::Item {
                    marker,
                    width,
                    marker_pending,
                } => {
                    // A hidden marker is spent all the same: it must not turn up on a later
                    // line of the item.
                    let first_line = std::mem::take(marker_pending);
                    if depth >= first_shown {
                        if first_line {
                            push_run(&mut runs, marker, self.theme.list_marker);
                        } else {
                            push_run(&mut runs, &" ".repeat(*width), Style::new());
                        }
                    }
                }
                Container::Quote | Container::List { .. } => {}
            }
        }
        for (text, style) in content {
            push_run(&mut runs, &text, style);
        }
        self.lines.push(Line::from(into_spans(runs)));
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests;
