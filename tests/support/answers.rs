//! Answers for driving exams through the binary, computed through the library: the right
//! answer of each drawn item, and a wrong but well-formed one (checked with the item's own
//! grader: it parses, and it is not correct). Shared by the exam tests via `#[path]`.

#![allow(dead_code)]

use patterns::content::{Library, LoadedModule};
use patterns::engine::duration::{format_duration, parse_duration};
use patterns::grade::{Item, Verdict, letter};
use patterns::session::exam::Exam;
use patterns::session::learn::{Learn, Stage};
use patterns::session::question::{Effect, Input};
use patterns::session::record::Save;

/// A bundled module by id.
pub fn module(id: &str) -> LoadedModule {
    Library::load(&[])
        .library
        .get(id)
        .cloned()
        .expect("bundled module")
}

/// The exam `patterns exam <id> --seed <seed>` asks.
pub fn exam(module: &LoadedModule, seed: u64) -> Exam {
    Exam::new(module, seed).expect("the bundled exam draws")
}

/// The right answer to each item, in the order asked.
pub fn right_answers(module: &LoadedModule, seed: u64) -> Vec<String> {
    exam(module, seed)
        .items()
        .iter()
        .map(|q| {
            q.question
                .item
                .right_answer()
                .expect("exam items are graded")
        })
        .collect()
}

/// A wrong but well-formed answer to each item, in the order asked.
pub fn wrong_answers(module: &LoadedModule, seed: u64) -> Vec<String> {
    exam(module, seed)
        .items()
        .iter()
        .map(|q| wrong_answer(&q.question.item))
        .collect()
}

/// The first candidate the item's grader accepts as an answer but does not mark correct.
pub fn wrong_answer(item: &Item) -> String {
    let candidates = candidates(item);
    candidates
        .iter()
        .find(|c| item.grade(c).is_ok_and(|g| g.verdict != Verdict::Correct))
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "no wrong but well-formed answer for '{}' ({}) among {candidates:?}",
                item.id(),
                item.kind_name()
            )
        })
}

/// A duration far from `d` in both directions' worth of candidates.
fn far(d: &str) -> Option<String> {
    let d = parse_duration(d.trim()).ok()?;
    Some(format_duration(
        d * 10 + std::time::Duration::from_secs(1000),
    ))
}

fn candidates(item: &Item) -> Vec<String> {
    let right = item.right_answer().unwrap_or_default();
    match item.kind_name() {
        "choice" => (0..item.options().len())
            .map(|i| letter(i).to_string())
            .collect(),
        "numeric" => {
            let mut list = Vec::new();
            if let Some(d) = far(&right) {
                list.push(d);
            }
            if let Ok(n) = right.trim().parse::<f64>() {
                list.push(format!("{}", n * 10.0 + 1000.0));
                list.push(format!("{}", -n - 1000.0));
            }
            list.extend(["99999".to_owned(), "99999s".to_owned()]);
            list
        }
        "state_trace" => vec![
            right
                .split(", ")
                .map(|s| if s == "OPEN" { "CLOSED" } else { "OPEN" })
                .collect::<Vec<_>>()
                .join(", "),
        ],
        "backoff_schedule" => vec![
            right
                .split(", ")
                .map(|d| far(d).unwrap_or_else(|| "1000s".into()))
                .collect::<Vec<_>>()
                .join(", "),
        ],
        "tune" => tune_candidates(item),
        _ => vec!["certainly not the answer".to_owned()],
    }
}

/// Every tune parameter at its minimum, at its maximum, and mixed.
fn tune_candidates(item: &Item) -> Vec<String> {
    let Some(tune) = &item.exercise().tune else {
        return Vec::new();
    };
    let ends: Vec<(String, Vec<String>)> = tune
        .parameters
        .iter()
        .map(|(name, p)| {
            let values = if p.one_of.is_empty() {
                [&p.min, &p.max]
                    .into_iter()
                    .flatten()
                    .map(ToString::to_string)
                    .collect()
            } else {
                p.one_of.iter().map(ToString::to_string).collect()
            };
            (name.clone(), values)
        })
        .collect();
    // Every combination of the ends (tunes have few parameters).
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for (name, values) in &ends {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push(format!("{name}={v}"));
                    c
                })
            })
            .collect();
    }
    combos.into_iter().map(|c| c.join(" ")).collect()
}

/// A learner answering everything rightly in `learn --plain`, walked through the library.
pub struct LearnWalk {
    /// The lines typed.
    pub lines: Vec<String>,
    /// The events the session saved (the binary saves the same, one `Store::update` each).
    pub saves: Vec<Save>,
    /// For each save, how many lines had been typed when it was made.
    pub typed: Vec<usize>,
}

/// Walks `module` from block index `start` to the end with right answers. Parametric
/// practice draws from a clock seed in the binary, so it is answered 'skip'; reflections
/// and open questions get fixed words.
pub fn learn_walk(module: LoadedModule, start: usize) -> LearnWalk {
    let mut learn = Learn::new(module, start, 1);
    let mut walk = LearnWalk {
        lines: Vec::new(),
        saves: Vec::new(),
        typed: Vec::new(),
    };
    let keep = |walk: &mut LearnWalk, effects: Vec<Effect>| {
        for effect in effects {
            if let Effect::Save(save) = effect {
                walk.saves.push(save);
                walk.typed.push(walk.lines.len());
            }
        }
    };
    for _ in 0..1000 {
        if learn.stage() == Stage::Done {
            return walk;
        }
        if !learn.awaits_answer() {
            let effects = learn.handle(Input::Continue);
            keep(&mut walk, effects);
            continue;
        }
        let line = match learn.stage() {
            Stage::LabPredict { index, .. } => {
                let step = learn.lab().expect("lab").predictions[index].step as usize;
                let lab = learn.lab_walk().expect("walk");
                lab.run.steps[step - 1].state.to_string()
            }
            Stage::Practice { .. } | Stage::IntegrationExercise { .. } => {
                let question = learn.question().expect("question");
                if question.item.values().is_empty() {
                    question
                        .item
                        .right_answer()
                        .unwrap_or_else(|| "my reflection".to_owned())
                } else {
                    "skip".to_owned()
                }
            }
            _ => "my own words".to_owned(),
        };
        let input = if line == "skip" {
            Input::Skip
        } else {
            Input::Answer(line.clone())
        };
        walk.lines.push(line);
        let effects = learn.handle(input);
        keep(&mut walk, effects);
    }
    panic!("the flow did not end");
}
