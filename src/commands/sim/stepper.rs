//! `patterns sim breaker` on a terminal: the interactive stepper (DESIGN §6). Opened when
//! stdin and stdout are terminals and no `--script` is given, with `--script ... --step` (one
//! token per keypress) or with `--compare` (several presets side by side, fed the same calls).
//! Without a terminal these flags are usage errors; a plain `--script` still prints a table.

use std::process::ExitCode;

use crate::cli::{BreakerFlags, Global, SimBreakerArgs};
use crate::commands::{Outcome, UsageError, print};
use crate::engine::duration::format_duration;
use crate::engine::preset::Preset;
use crate::engine::script::Script;
use crate::session::lab::{Lab, LabSetup};
use crate::ui::tui::screens::stepper::Stepper;
use crate::ui::tui::{self, Theme};

use super::breaker::breaker_config;

/// Whether this invocation opens the stepper; an error if it asks for it without a terminal.
pub fn wanted(args: &SimBreakerArgs, global: &Global) -> Result<bool, UsageError> {
    let asked = args.step || args.compare.is_some();
    if let Some(list) = &args.compare {
        // A bad preset name is reported before a missing terminal: it is what to fix first.
        compare_setup(list, &args.breaker)?;
    }
    let terminal = !global.plain && !args.json && crate::ui::tui::terminal::usable();
    match (asked, terminal) {
        (true, true) => Ok(true),
        (true, false) => Err(UsageError::new(NEEDS_TERMINAL)),
        (false, _) => Ok(terminal && args.script.is_none()),
    }
}

/// Builds the lab from the flags, runs the stepper until `q` or Ctrl-C, then prints where
/// each breaker ended.
pub fn run(args: &SimBreakerArgs) -> Outcome {
    let mut setup = match &args.compare {
        Some(list) => compare_setup(list, &args.breaker)?,
        None => {
            let (preset, config) = breaker_config(&args.breaker)?;
            LabSetup::new(preset.name(), config)
        }
    };
    if let Some(text) = &args.script {
        let script = Script::parse(text)
            .map_err(|error| UsageError::new(format!("invalid value for '--script': {error}")))?;
        setup = setup.script(script);
    }
    let names: Vec<&str> = setup.lanes.iter().map(|(name, _)| name.as_str()).collect();
    let title = match names.as_slice() {
        [one] => format!("patterns sim breaker · {one} preset"),
        many => format!("patterns sim breaker · compare {}", many.join(", ")),
    };
    let lab = Lab::new(setup)
        .map_err(|error| UsageError::new(format!("invalid breaker configuration: {error}")))?;
    let mut stepper = Stepper::new(lab, title, Theme::from_env());
    tui::run(&mut stepper)
        .map_err(|error| miette::miette!("Failed to run the terminal UI: {error}"))?;
    print(&summary(stepper.lab()))?;
    Ok(ExitCode::SUCCESS)
}

/// One lane per preset in `list` (`seed,gobreaker,resilience4j`), each with the breaker
/// flags applied over it.
fn compare_setup(list: &str, flags: &BreakerFlags) -> Result<LabSetup, UsageError> {
    let mut lanes = Vec::new();
    for name in list.split(',').map(str::trim) {
        let preset: Preset = name.parse().map_err(|error| {
            UsageError::new(format!(
                "invalid value for '--compare': {error}; write them comma-separated, e.g. \
                 '--compare seed,gobreaker,resilience4j'"
            ))
        })?;
        let flags = BreakerFlags {
            preset: preset.name().to_owned(),
            ..flags.clone()
        };
        let (_, config) = breaker_config(&flags)?;
        lanes.push((preset.name().to_owned(), config));
    }
    let mut lanes = lanes.into_iter();
    let Some((name, config)) = lanes.next() else {
        return Err(UsageError::new(
            "'--compare' needs at least one preset, e.g. '--compare seed,gobreaker'",
        ));
    };
    Ok(
        lanes.fold(LabSetup::new(name, config), |setup, (name, config)| {
            setup.lane(name, config)
        }),
    )
}

/// "seed: OPEN at 31s after 6 steps", one line per breaker.
fn summary(lab: &Lab) -> String {
    lab.lanes()
        .iter()
        .map(|lane| {
            format!(
                "{}: {} at {} after {} steps\n",
                lane.name(),
                lane.state(),
                format_duration(lane.now()),
                lab.steps()
            )
        })
        .collect()
}

const NEEDS_TERMINAL: &str = "'--step' and '--compare' open the interactive stepper, which \
needs a terminal on stdin and stdout (and no '--plain' or '--json'); without one, pass \
'--script' alone to print every step as a table, e.g. --script '4F 1S 5F +31s 2S 1F'";
