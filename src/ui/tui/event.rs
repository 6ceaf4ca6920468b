//! The TUI event loop: terminal events and a tick, merged on a tokio current-thread runtime.
//!
//! One loop for every screen. A screen implements [`App`] (message, update, render, perform);
//! the loop draws once, then for each event asks the screen for a message, updates, performs
//! the effect and redraws. Ctrl-C always ends the loop ([`Exit::Interrupted`]), whatever the
//! screen, because in raw mode the terminal delivers it as a key instead of a signal.

use std::io;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    Event as TerminalEvent, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::{Frame, Terminal};
use tokio::time::MissedTickBehavior;

use super::terminal::{TEST_PANIC_ENV, TerminalGuard, TestPanic, test_panic_requested};

/// Tick period of [`run`]'s default options: often enough for a clock or a progress bar.
pub const DEFAULT_TICK_RATE: Duration = Duration::from_millis(250);

/// Events closer together than this are handled as one burst, before one frame. Far below
/// what a person notices; far above what crossterm's reader thread needs to hand over the
/// next event of a burst.
const BURST_GAP: Duration = Duration::from_millis(4);

/// Most events of one burst before a frame is drawn anyway (so a long paste shows progress).
const BURST_EVENTS: usize = 4096;

/// What the loop hands to a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A key was pressed (releases are filtered out; Ctrl-C never gets here).
    Key(KeyEvent),
    /// Text was pasted (the terminal's bracketed paste, enabled by the session): a screen
    /// inserts it into the field being edited as text, and never reads it as keys.
    Paste(String),
    /// The terminal now has this size. Also sent once before the first frame, so a screen
    /// can lay itself out in `update` and keep `render` a pure draw.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// The tick interval elapsed.
    Tick,
}

/// Whether the loop goes on after an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow<T> {
    /// Keep handling events.
    Continue,
    /// Leave the loop with this result.
    Exit(T),
}

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit<T> {
    /// The screen asked to leave, with its result.
    Done(T),
    /// Ctrl-C, or the terminal's event stream ended.
    Interrupted,
}

/// A screen in the Elm shape: state, messages, a pure update and a pure render.
///
/// The loop owns nothing but the terminal: after [`run`] returns, the caller still has the
/// screen's state (for example to save progress after [`Exit::Interrupted`]).
pub trait App {
    /// What the screen reacts to, in its own terms (`ScrollDown`, `AnswerSubmitted`...).
    type Msg;
    /// What should happen outside the state (save, quit, open another screen).
    type Effect;
    /// What the screen returns when it is done.
    type Output;

    /// Translates a terminal event into a message; `None` ignores it (and skips the redraw).
    fn message(&self, event: &Event) -> Option<Self::Msg>;

    /// The state machine: the only place the screen's state changes.
    fn update(&mut self, msg: Self::Msg) -> Option<Self::Effect>;

    /// Draws the state. Never changes it.
    fn render(&self, frame: &mut Frame<'_>);

    /// Carries out an effect: the one place a screen's side effects happen.
    fn perform(&mut self, effect: Self::Effect) -> Flow<Self::Output>;

    /// The smallest area (columns, rows) the screen lays out in; below it [`render`] says
    /// "terminal too small" with both sizes instead of drawing a screen that cannot be used.
    fn min_size(&self) -> (u16, u16) {
        MIN_SIZE
    }
}

/// The default [`App::min_size`]: a title, a line of content, the status line and the
/// footer at 20 columns. Every screen still draws without panicking below its minimum
/// (the size proptest in tests/fuzz_equivalents.rs renders them from 1x1).
pub const MIN_SIZE: (u16, u16) = (20, 4);

/// Draws `app` into `frame` as the loop does: the screen itself, or, when the frame is
/// smaller than [`App::min_size`], "terminal too small: WxH needed" with the current size,
/// wrapped into whatever room there is.
pub fn render<A: App>(app: &A, frame: &mut Frame<'_>) {
    let area = frame.area();
    let (width, height) = app.min_size();
    if area.width >= width && area.height >= height {
        app.render(frame);
        return;
    }
    let message = format!(
        "terminal too small: {width}x{height} needed, this one is {}x{}",
        area.width, area.height
    );
    frame.render_widget(
        ratatui::widgets::Paragraph::new(message).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

/// Settings of [`event_loop`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopOptions {
    /// How often [`Event::Tick`] is sent.
    pub tick_rate: Duration,
    /// Panic on purpose (the pseudo-terminal restore tests); [`TestPanic::Never`] otherwise.
    pub test_panic: TestPanic,
}

impl Default for LoopOptions {
    fn default() -> Self {
        Self {
            tick_rate: DEFAULT_TICK_RATE,
            test_panic: TestPanic::Never,
        }
    }
}

/// A full-screen session on the real terminal: raw mode, the alternate screen, the runtime
/// and the event stream, kept across screens so moving between them does not flicker.
/// Dropping it restores the terminal; a panic restores it too (ratatui's hook).
pub struct Tui {
    runtime: tokio::runtime::Runtime,
    terminal: TerminalGuard,
    events: EventStream,
    options: LoopOptions,
    /// SIGTERM, SIGHUP, SIGTSTP and SIGCONT while the session runs (see `signals`).
    #[cfg(unix)]
    signals: super::signals::SessionSignals,
}

impl Tui {
    /// Takes over the terminal. Call from synchronous code (the command layer), never from
    /// inside another tokio runtime: the session owns a current-thread runtime.
    pub fn enter() -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()?;
        let options = LoopOptions {
            test_panic: test_panic_requested(),
            ..LoopOptions::default()
        };
        #[cfg(unix)]
        let signals = super::signals::SessionSignals::install()?;
        let terminal = TerminalGuard::enter()?;
        Ok(Self {
            runtime,
            terminal,
            events: EventStream::new(),
            options,
            #[cfg(unix)]
            signals,
        })
    }

    /// Sets how often [`Event::Tick`] is sent to the next screens (a progress bar wants
    /// 10 Hz or more; the default is [`DEFAULT_TICK_RATE`]).
    pub fn set_tick_rate(&mut self, tick_rate: Duration) {
        self.options.tick_rate = tick_rate;
    }

    /// Runs one screen until it exits, the learner presses Ctrl-C, or SIGTERM / SIGHUP
    /// arrives (then [`super::terminal::terminated_by`] says which). Ctrl-Z and SIGTSTP
    /// suspend the session and resume it redrawn.
    pub fn run<A: App>(&mut self, app: &mut A) -> io::Result<Exit<A::Output>> {
        let Self {
            runtime,
            terminal,
            events,
            options,
            #[cfg(unix)]
            signals,
        } = self;
        #[cfg(unix)]
        let signals = Some(signals);
        #[cfg(not(unix))]
        let signals = None;
        runtime.block_on(run_loop(terminal, events, signals, app, *options))
    }
}

/// Runs one screen in a session of its own (see [`Tui`]).
pub fn run<A: App>(app: &mut A) -> io::Result<Exit<A::Output>> {
    Tui::enter()?.run(app)
}

/// The loop itself, over any backend and any source of terminal events, so tests can drive
/// it with a `TestBackend` and a scripted stream.
pub async fn event_loop<B, S, A>(
    terminal: &mut Terminal<B>,
    events: S,
    app: &mut A,
    options: LoopOptions,
) -> io::Result<Exit<A::Output>>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<TerminalEvent>> + Unpin,
    A: App,
{
    run_loop(terminal, events, None, app, options).await
}

#[cfg(unix)]
type Signals<'a> = Option<&'a mut super::signals::SessionSignals>;
#[cfg(not(unix))]
type Signals<'a> = Option<&'a mut std::convert::Infallible>;

/// The next signal of a real session; never, without one.
async fn next_signal(signals: &mut Signals<'_>) -> Interruption {
    #[cfg(unix)]
    if let Some(signals) = signals {
        use super::signals::SessionSignal;
        return match signals.next().await {
            SessionSignal::Terminate(signal) => Interruption::Terminate(signal),
            SessionSignal::Suspend => Interruption::Suspend,
            SessionSignal::Continue => Interruption::Continue,
        };
    }
    let _ = signals;
    std::future::pending().await
}

/// What a signal (or Ctrl-Z) does to the loop.
enum Interruption {
    Terminate(i32),
    Suspend,
    Continue,
}

/// Carries out a suspension or a continuation, then redraws the whole screen.
fn interrupt<B, A>(
    terminal: &mut Terminal<B>,
    app: &A,
    interruption: &Interruption,
) -> io::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    A: App,
{
    match interruption {
        Interruption::Terminate(_) => return Ok(()),
        #[cfg(unix)]
        Interruption::Suspend => super::terminal::suspend()?,
        #[cfg(not(unix))]
        Interruption::Suspend => {}
        Interruption::Continue => super::terminal::reenter()?,
    }
    // Entering the alternate screen again blanked it, while ratatui's last frame says
    // otherwise: an empty frame first (it blanks what that frame drew, and leaves ratatui's
    // view of the screen blank too), then the screen drawn whole. Not `Terminal::clear`: it
    // asks the terminal for the cursor position, which waits on crossterm's input reader,
    // held by the event stream's thread, for seconds.
    terminal
        .draw(|_| {})
        .map(|_| ())
        .map_err(io::Error::other)?;
    draw(terminal, app)
}

async fn run_loop<B, S, A>(
    terminal: &mut Terminal<B>,
    mut events: S,
    mut signals: Signals<'_>,
    app: &mut A,
    options: LoopOptions,
) -> io::Result<Exit<A::Output>>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<TerminalEvent>> + Unpin,
    A: App,
{
    let size = terminal.size().map_err(io::Error::other)?;
    let initial = Event::Resize {
        width: size.width,
        height: size.height,
    };
    if let Some(output) = handle(app, &initial) {
        return Ok(Exit::Done(output));
    }
    draw(terminal, app)?;
    if options.test_panic == TestPanic::AfterFirstFrame {
        panic!("{TEST_PANIC_ENV}=1: deliberate panic after the first frame");
    }

    let mut ticks = tokio::time::interval(options.tick_rate);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // An interval's first tick completes at once; the screen has just been drawn.
    ticks.tick().await;
    loop {
        let event = tokio::select! {
            biased;
            interruption = next_signal(&mut signals) => {
                if let Interruption::Terminate(signal) = interruption {
                    super::terminal::set_terminated_by(signal);
                    return Ok(Exit::Interrupted);
                }
                interrupt(terminal, app, &interruption)?;
                continue;
            }
            next = events.next() => match next {
                None => return Ok(Exit::Interrupted),
                Some(event) => event?,
            },
            _ = ticks.tick() => {
                match step(app, Event::Tick, options) {
                    Step::Exit(exit) => return Ok(exit),
                    Step::Changed(true) => draw(terminal, app)?,
                    Step::Changed(false) => {}
                }
                continue;
            }
        };
        // A burst (a held key, a paste without bracketed paste, the Enter after it) is
        // handled whole before the next frame: events coming within BURST_GAP of each other
        // are one batch, of at most BURST_EVENTS. Drawing a frame per key made a 3 KiB burst
        // take seconds, and its Enter land late.
        let mut redraw = false;
        let mut next = Some(Ok(event));
        let mut batch = 0;
        while let Some(event) = next {
            if let Some(event) = translate(event?) {
                // Ctrl-Z: in raw mode a key, not SIGTSTP; a real session stops as the shell
                // would have stopped it.
                if signals.is_some() && is_suspend(&event) {
                    interrupt(terminal, app, &Interruption::Suspend)?;
                    redraw = false;
                } else {
                    match step(app, event, options) {
                        Step::Exit(exit) => return Ok(exit),
                        Step::Changed(changed) => redraw |= changed,
                    }
                }
            }
            batch += 1;
            next = if batch < BURST_EVENTS {
                tokio::time::timeout(BURST_GAP, events.next())
                    .await
                    .ok()
                    .flatten()
            } else {
                None
            };
        }
        if redraw {
            draw(terminal, app)?;
        }
    }
}

/// What one event did.
enum Step<T> {
    /// Leave the loop.
    Exit(Exit<T>),
    /// Go on; whether the screen must be redrawn.
    Changed(bool),
}

/// Message, update and effect for one event inside the loop (Ctrl-C and the panic switch
/// first).
fn step<A: App>(app: &mut A, event: Event, options: LoopOptions) -> Step<A::Output> {
    if is_interrupt(&event) {
        return Step::Exit(Exit::Interrupted);
    }
    if options.test_panic == TestPanic::OnF12
        && matches!(
            event,
            Event::Key(KeyEvent {
                code: KeyCode::F(12),
                ..
            })
        )
    {
        panic!("{TEST_PANIC_ENV}=f12: deliberate panic on F12");
    }
    let resized = matches!(event, Event::Resize { .. });
    match app.message(&event) {
        Some(msg) => {
            if let Some(effect) = app.update(msg)
                && let Flow::Exit(output) = app.perform(effect)
            {
                return Step::Exit(Exit::Done(output));
            }
            Step::Changed(true)
        }
        None => Step::Changed(resized),
    }
}

/// Message, update and effect for one event outside the loop (the initial size).
fn handle<A: App>(app: &mut A, event: &Event) -> Option<A::Output> {
    let effect = app.update(app.message(event)?)?;
    match app.perform(effect) {
        Flow::Exit(output) => Some(output),
        Flow::Continue => None,
    }
}

fn draw<B, A>(terminal: &mut Terminal<B>, app: &A) -> io::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    A: App,
{
    terminal
        .draw(|frame| render(app, frame))
        .map(|_| ())
        .map_err(io::Error::other)
}

/// The events screens care about; mouse and focus are dropped.
fn translate(event: TerminalEvent) -> Option<Event> {
    match event {
        TerminalEvent::Key(key) if key.kind != KeyEventKind::Release => Some(Event::Key(key)),
        TerminalEvent::Paste(text) => Some(Event::Paste(text)),
        TerminalEvent::Resize(width, height) => Some(Event::Resize { width, height }),
        _ => None,
    }
}

/// Ctrl-Z: in raw mode it is a key; it suspends a real session.
fn is_suspend(event: &Event) -> bool {
    matches!(
        event,
        Event::Key(KeyEvent { code: KeyCode::Char('z' | 'Z'), modifiers, .. })
            if modifiers.contains(KeyModifiers::CONTROL)
    )
}

/// Ctrl-C: in raw mode it is a key, and it must always get the learner out.
pub fn is_interrupt(event: &Event) -> bool {
    matches!(
        event,
        Event::Key(KeyEvent { code: KeyCode::Char('c' | 'C'), modifiers, .. })
            if modifiers.contains(KeyModifiers::CONTROL)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::KeyEventState;

    /// Counts keys; `q` quits with the count; `t` ticks are counted when enabled.
    #[derive(Default)]
    struct Counter {
        keys: u32,
        ticks: u32,
        sizes: Vec<(u16, u16)>,
        pasted: Vec<String>,
        renders: std::cell::Cell<u32>,
    }

    enum Msg {
        Key(char),
        Paste(String),
        Tick,
        Resize(u16, u16),
    }

    impl App for Counter {
        type Msg = Msg;
        type Effect = ();
        type Output = u32;

        fn message(&self, event: &Event) -> Option<Msg> {
            match event {
                Event::Key(KeyEvent {
                    code: KeyCode::Char(c),
                    ..
                }) => Some(Msg::Key(*c)),
                Event::Key(_) => None,
                Event::Paste(text) => Some(Msg::Paste(text.clone())),
                Event::Resize { width, height } => Some(Msg::Resize(*width, *height)),
                Event::Tick => Some(Msg::Tick),
            }
        }

        fn update(&mut self, msg: Msg) -> Option<()> {
            match msg {
                Msg::Key('q') => return Some(()),
                Msg::Key(_) => self.keys += 1,
                Msg::Paste(text) => self.pasted.push(text),
                Msg::Tick => self.ticks += 1,
                Msg::Resize(w, h) => self.sizes.push((w, h)),
            }
            None
        }

        fn render(&self, frame: &mut Frame<'_>) {
            self.renders.set(self.renders.get() + 1);
            frame.render_widget(format!("keys: {}", self.keys), frame.area());
        }

        fn perform(&mut self, (): ()) -> Flow<u32> {
            Flow::Exit(self.keys)
        }
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> io::Result<TerminalEvent> {
        Ok(TerminalEvent::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }))
    }

    fn char_key(c: char) -> io::Result<TerminalEvent> {
        key(KeyCode::Char(c), KeyModifiers::NONE)
    }

    async fn drive(app: &mut Counter, events: Vec<io::Result<TerminalEvent>>) -> Exit<u32> {
        let mut terminal = Terminal::new(TestBackend::new(20, 4)).expect("test backend");
        let options = LoopOptions {
            tick_rate: Duration::from_secs(3600),
            test_panic: TestPanic::Never,
        };
        event_loop(
            &mut terminal,
            futures_util::stream::iter(events),
            app,
            options,
        )
        .await
        .expect("loop")
    }

    fn rendered(app: &Counter, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
        terminal.draw(|frame| render(app, frame)).expect("draw");
        let buffer = terminal.backend().buffer();
        buffer.content().iter().map(|cell| cell.symbol()).collect()
    }

    #[test]
    fn below_the_minimum_size_the_screen_says_what_it_needs_and_what_it_has() {
        let app = Counter::default();
        let small = rendered(&app, 19, 4);
        assert!(small.starts_with("terminal too small:"), "{small:?}");
        assert!(small.contains("20x4 needed"), "{small:?}");
        assert!(small.contains("19x4"), "{small:?}");
        assert!(rendered(&app, 20, 4).starts_with("keys: 0"));
        // Down to one cell, something is said and nothing panics.
        assert_eq!(rendered(&app, 1, 1), "t");
    }

    #[tokio::test]
    async fn keys_update_the_state_and_an_effect_can_exit() {
        let mut app = Counter::default();
        let exit = drive(
            &mut app,
            vec![char_key('a'), char_key('b'), char_key('q'), char_key('z')],
        )
        .await;
        assert_eq!(exit, Exit::Done(2));
        // The keys arrive together: all are handled before a frame, and `q` exits before
        // drawing, so only the first frame was drawn.
        assert_eq!(app.renders.get(), 1);
    }

    #[tokio::test]
    async fn a_burst_is_handled_whole_before_one_frame() {
        let mut app = Counter::default();
        let mut terminal = Terminal::new(TestBackend::new(20, 4)).expect("test backend");
        let options = LoopOptions {
            tick_rate: Duration::from_secs(3600),
            test_panic: TestPanic::Never,
        };
        // 5000 keys ready at once, then nothing: the loop must not wait for more input to
        // take the rest (crossterm's reader used to hand over 1 KiB per new input).
        let burst = (0..5000).map(|_| char_key('x'));
        let events = futures_util::stream::iter(burst).chain(futures_util::stream::pending());
        let run = event_loop(&mut terminal, Box::pin(events), &mut app, options);
        let timed = tokio::time::timeout(Duration::from_millis(500), run).await;
        assert!(timed.is_err(), "the loop only ends on a key");
        assert_eq!(app.keys, 5000);
        // The first frame, one after the first BURST_EVENTS keys, one after the rest.
        assert_eq!(app.renders.get(), 3);
    }

    #[tokio::test]
    async fn the_screen_learns_its_size_before_the_first_frame_and_on_resize() {
        let mut app = Counter::default();
        let events = vec![Ok(TerminalEvent::Resize(80, 24)), char_key('q')];
        drive(&mut app, events).await;
        assert_eq!(app.sizes, [(20, 4), (80, 24)]);
    }

    #[tokio::test]
    async fn ctrl_c_interrupts_whatever_the_screen_does() {
        let mut app = Counter::default();
        let events = vec![
            char_key('a'),
            key(KeyCode::Char('c'), KeyModifiers::CONTROL),
            char_key('b'),
        ];
        assert_eq!(drive(&mut app, events).await, Exit::Interrupted);
        assert_eq!(app.keys, 1);
    }

    #[tokio::test]
    async fn the_end_of_the_event_stream_ends_the_loop() {
        let mut app = Counter::default();
        assert_eq!(
            drive(&mut app, vec![char_key('a')]).await,
            Exit::Interrupted
        );
    }

    #[tokio::test]
    async fn a_paste_reaches_the_screen_as_text_not_keys() {
        let mut app = Counter::default();
        let paste = Ok(TerminalEvent::Paste("27\nq\n".into()));
        let exit = drive(&mut app, vec![paste, char_key('q')]).await;
        assert_eq!(exit, Exit::Done(0), "the q inside the paste did not quit");
        assert_eq!(app.pasted, ["27\nq\n"]);
    }

    #[tokio::test]
    async fn key_releases_are_ignored() {
        let mut app = Counter::default();
        let release = Ok(TerminalEvent::Key(KeyEvent {
            code: KeyCode::Char('x'),
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        }));
        drive(&mut app, vec![release, char_key('q')]).await;
        assert_eq!(app.keys, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn ticks_arrive_at_the_tick_rate() {
        let mut app = Counter::default();
        let mut terminal = Terminal::new(TestBackend::new(20, 4)).expect("test backend");
        let options = LoopOptions {
            tick_rate: Duration::from_millis(100),
            test_panic: TestPanic::Never,
        };
        // A stream that never yields: only ticks reach the screen.
        let events = futures_util::stream::pending::<io::Result<TerminalEvent>>();
        let run = event_loop(&mut terminal, events, &mut app, options);
        let timed = tokio::time::timeout(Duration::from_millis(350), run).await;
        assert!(timed.is_err(), "the loop only ends on a key");
        assert_eq!(app.ticks, 3);
    }

    #[tokio::test]
    #[should_panic(expected = "deliberate panic after the first frame")]
    async fn the_test_switch_panics_after_the_first_frame() {
        let mut app = Counter::default();
        let mut terminal = Terminal::new(TestBackend::new(20, 4)).expect("test backend");
        let options = LoopOptions {
            test_panic: TestPanic::AfterFirstFrame,
            ..LoopOptions::default()
        };
        let _ = event_loop(
            &mut terminal,
            futures_util::stream::iter(vec![]),
            &mut app,
            options,
        )
        .await;
    }

    /// Drives the loop with the F12 switch on.
    async fn drive_f12(app: &mut Counter, events: Vec<io::Result<TerminalEvent>>) -> Exit<u32> {
        let mut terminal = Terminal::new(TestBackend::new(20, 4)).expect("test backend");
        let options = LoopOptions {
            tick_rate: Duration::from_secs(3600),
            test_panic: TestPanic::OnF12,
        };
        let stream = futures_util::stream::iter(events);
        event_loop(&mut terminal, stream, app, options)
            .await
            .expect("loop")
    }

    #[tokio::test]
    #[should_panic(expected = "deliberate panic on F12")]
    async fn the_f12_switch_panics_on_f12_after_the_keys_before_it() {
        let mut app = Counter::default();
        let f12 = key(KeyCode::F(12), KeyModifiers::NONE);
        drive_f12(&mut app, vec![char_key('a'), f12, char_key('q')]).await;
    }

    #[tokio::test]
    async fn the_f12_switch_leaves_other_keys_and_ctrl_c_alone() {
        let mut app = Counter::default();
        let events = vec![
            char_key('a'),
            key(KeyCode::F(11), KeyModifiers::NONE),
            key(KeyCode::Char('c'), KeyModifiers::CONTROL),
        ];
        assert_eq!(drive_f12(&mut app, events).await, Exit::Interrupted);
        assert_eq!(app.keys, 1);
        // Without the switch F12 is an ordinary key.
        let mut app = Counter::default();
        let f12 = key(KeyCode::F(12), KeyModifiers::NONE);
        assert_eq!(
            drive(&mut app, vec![f12, char_key('q')]).await,
            Exit::Done(0)
        );
    }
}
