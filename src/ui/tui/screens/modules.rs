//! The module list: what `patterns` with no arguments shows on a terminal. Enter opens the
//! highlighted module in `learn`; q leaves.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Margin};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::chrome::{footer, title_bar};
use crate::ui::sanitize::strip_controls;
use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::Theme;

/// One module as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleEntry {
    pub id: String,
    pub title: String,
    pub difficulty: String,
    pub minutes: u32,
    /// e.g. "1/2 blocks, exam 87% passed", or "-".
    pub progress: String,
}

/// What the list reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModulesMsg {
    Up,
    Down,
    Open,
    Back,
}

/// The module list screen; its output is the module to open, or `None` to leave.
#[derive(Debug, Clone)]
pub struct ModulesScreen {
    modules: Vec<ModuleEntry>,
    selected: usize,
    theme: Theme,
}

impl ModulesScreen {
    pub fn new(modules: Vec<ModuleEntry>, theme: Theme) -> Self {
        Self {
            modules,
            selected: 0,
            theme,
        }
    }

    pub fn selected(&self) -> Option<&ModuleEntry> {
        self.modules.get(self.selected)
    }
}

impl App for ModulesScreen {
    type Msg = ModulesMsg;
    type Effect = Option<String>;
    type Output = Option<String>;

    fn message(&self, event: &Event) -> Option<ModulesMsg> {
        let Event::Key(key) = event else {
            return None;
        };
        Some(match key.code {
            KeyCode::Up | KeyCode::Char('k') => ModulesMsg::Up,
            KeyCode::Down | KeyCode::Char('j') => ModulesMsg::Down,
            KeyCode::Enter => ModulesMsg::Open,
            KeyCode::Char('q') | KeyCode::Esc => ModulesMsg::Back,
            _ => return None,
        })
    }

    fn update(&mut self, msg: ModulesMsg) -> Option<Option<String>> {
        match msg {
            ModulesMsg::Up => self.selected = self.selected.saturating_sub(1),
            ModulesMsg::Down => {
                self.selected = (self.selected + 1).min(self.modules.len().saturating_sub(1));
            }
            ModulesMsg::Open => return Some(self.selected().map(|m| m.id.clone())),
            ModulesMsg::Back => return Some(None),
        }
        None
    }

    fn render(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        let buf = frame.buffer_mut();
        let [title, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        title_bar(buf, title, &self.theme, "patterns · modules", "");
        let mut lines = Vec::new();
        if self.modules.is_empty() {
            lines.push(Line::from(
                "No modules. Add some with --modules-dir DIR or 'patterns new <id>'.",
            ));
        }
        for (i, module) in self.modules.iter().enumerate() {
            let selected = i == self.selected;
            let style = if selected {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            };
            lines.push(Line::styled(
                format!(
                    "{} {}",
                    if selected { "›" } else { " " },
                    strip_controls(&module.title)
                ),
                style,
            ));
            lines.push(Line::styled(
                format!(
                    "  {} · {} · {} min · {}",
                    module.id, module.difficulty, module.minutes, module.progress
                ),
                self.theme.dim,
            ));
            lines.push(Line::from(""));
        }
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .render(body.inner(Margin::new(1, 1)), buf);
        footer(
            buf,
            foot,
            &self.theme,
            &[("enter", "learn"), ("↑↓", "select"), ("q", "quit")],
        );
    }

    fn perform(&mut self, effect: Option<String>) -> Flow<Option<String>> {
        Flow::Exit(effect)
    }
}
