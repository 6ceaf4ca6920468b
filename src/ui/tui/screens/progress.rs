//! A progress bar while a long computation runs on a worker thread (`sim storm --sweep`).
//! The worker sends [`Report`]s over a channel; on each tick the screen drains it, so the bar
//! moves as often as the loop ticks (run it with a tick of 100 ms or less for >= 10 Hz).
//! The screen exits with the worker's result; Ctrl-C ends the loop and the caller cancels.

use std::sync::mpsc::{Receiver, TryRecvError};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph};

use crate::ui::tui::event::{App, Event, Flow};
use crate::ui::tui::theme::Theme;

/// What the worker tells the screen.
#[derive(Debug)]
pub enum Report<T> {
    /// One more unit of work is done.
    Step,
    /// All done: the result.
    Done(T),
}

/// The bar's state: units done of the total, and the result once it came.
#[derive(Debug)]
pub struct Progress<T> {
    title: String,
    done: usize,
    total: usize,
    result: Option<T>,
    reports: Receiver<Report<T>>,
    theme: Theme,
}

/// Messages: drain the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Poll;

/// The effect: the result arrived (or the worker went away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished;

impl<T> Progress<T> {
    /// A bar over `total` units fed by `reports`.
    pub fn new(
        title: impl Into<String>,
        total: usize,
        reports: Receiver<Report<T>>,
        theme: Theme,
    ) -> Self {
        Self {
            title: title.into(),
            done: 0,
            total: total.max(1),
            result: None,
            reports,
            theme,
        }
    }

    /// Units done so far.
    pub fn done(&self) -> usize {
        self.done
    }
}

impl<T> App for Progress<T> {
    type Msg = Poll;
    type Effect = Finished;
    /// `None` if the worker ended without a result.
    type Output = Option<T>;

    fn message(&self, event: &Event) -> Option<Poll> {
        matches!(event, Event::Tick | Event::Resize { .. }).then_some(Poll)
    }

    fn update(&mut self, Poll: Poll) -> Option<Finished> {
        loop {
            match self.reports.try_recv() {
                Ok(Report::Step) => self.done = (self.done + 1).min(self.total),
                Ok(Report::Done(result)) => {
                    self.result = Some(result);
                    return Some(Finished);
                }
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => return Some(Finished),
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>) {
        let [title, gauge, _, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(3),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        frame.render_widget(
            Paragraph::new(self.title.as_str()).style(self.theme.title),
            title,
        );
        let ratio = self.done as f64 / self.total as f64;
        frame.render_widget(
            Gauge::default()
                .block(Block::bordered())
                .ratio(ratio.clamp(0.0, 1.0))
                .label(format!("{} of {}", self.done, self.total)),
            gauge,
        );
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("Ctrl-C", self.theme.footer_key),
                Span::styled(" stop", self.theme.footer),
            ])),
            footer,
        );
    }

    fn perform(&mut self, Finished: Finished) -> Flow<Option<T>> {
        Flow::Exit(self.result.take())
    }
}
