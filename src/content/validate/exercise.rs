//! Checks of one exercise bank: ids, kinds, hints and explanations, choice letters,
//! numeric tolerances, parameters and placeholders, and every engine-backed item re-run.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::super::diagnostic::did_you_mean;
use super::super::model::{Bank, Choice, Exercise, KIND_KEYS, Kind, Numeric, Tolerance};
use super::super::scenario;
use super::super::yaml::Loc;
use super::Depth;
use super::sink::{Seg, Sink, check_id, check_text};

pub(super) fn check_bank(
    sink: &mut Sink,
    bank: &Bank,
    stem: &str,
    modules: &BTreeMap<String, String>,
    known: &BTreeSet<String>,
    depth: Depth,
) {
    if bank.module != stem {
        let loc = sink.at(&[Seg::Key("module")]);
        sink.error(
            loc,
            format!(
                "the bank is for module '{}' but the file is named '{}.yaml'",
                bank.module,
                // Invisible characters spelled out, as sanitizing would hide them.
                stem.escape_debug()
            ),
            Some(format!("name the file 'exercises/{}.yaml'", bank.module)),
        );
    }
    if !modules.contains_key(&bank.module) && !known.contains(&bank.module) {
        let loc = sink.at(&[Seg::Key("module")]);
        sink.error(
            loc,
            format!("no module '{}' for this bank", bank.module),
            did_you_mean(&bank.module, known.iter().map(String::as_str))
                .or_else(|| Some(format!("create 'modules/{}/module.yaml'", bank.module))),
        );
    }
    // Each id with where it first appears, so a repeat names both places.
    let mut ids: HashMap<String, Loc> = HashMap::new();
    if let Some(list) = sink.tree.and_then(|t| t.get("exercises")) {
        for item in list.items() {
            let Some(node) = item.get("id") else { continue };
            let Some(id) = node.scalar_text() else {
                continue;
            };
            match ids.get(&id) {
                Some(first) => {
                    let message = format!(
                        "exercise id '{id}' is used twice; it first appears at line {}, column {}",
                        first.line, first.col
                    );
                    sink.error(
                        Some(node.loc),
                        message,
                        Some("give each exercise its own id".into()),
                    );
                }
                None => {
                    ids.insert(id, node.loc);
                }
            }
        }
    }
    for exercise in &bank.exercises {
        check_exercise(sink, exercise, depth);
    }
}

pub(super) fn check_exercise(sink: &mut Sink, exercise: &Exercise, depth: Depth) {
    let id = exercise.id.as_str();
    let at = |key: &'static str| [Seg::Key("exercises"), Seg::Id(id), Seg::Key(key)];
    check_id(sink, id, &at("id"), "exercise");
    check_text(sink, &exercise.prompt, &at("prompt"), "the prompt");
    let kinds = exercise.kinds();
    let kind = match kinds.as_slice() {
        [] => {
            let loc = sink.at(&[Seg::Key("exercises"), Seg::Id(id)]);
            sink.error(
                loc,
                format!("exercise '{id}' has no kind"),
                Some(format!("add exactly one of: {}", KIND_KEYS.join(", "))),
            );
            return;
        }
        [one] => *one,
        [_, second, ..] => {
            let loc = sink.at(&[
                Seg::Key("exercises"),
                Seg::Id(id),
                Seg::KeyName(second.name()),
            ]);
            let names: Vec<&str> = kinds.iter().map(Kind::name).collect();
            sink.error(
                loc,
                format!("exercise '{id}' has several kinds: {}", names.join(", ")),
                Some(
                    "keep one kind per exercise; split the others into their own exercises".into(),
                ),
            );
            return;
        }
    };
    if kind.is_graded() {
        // A hints list whose entries failed to parse was reported already.
        let hints_written = sink.written(&[Seg::Key("exercises"), Seg::Id(id), Seg::Key("hints")]);
        if exercise.hints.is_empty() && !hints_written {
            let loc = sink.at(&[Seg::Key("exercises"), Seg::Id(id)]);
            sink.error(
                loc,
                format!("exercise '{id}' has no hints"),
                Some(
                    "add 'hints:' with one to three tiers, from a nudge to nearly the answer"
                        .into(),
                ),
            );
        }
        for (h, hint) in exercise.hints.iter().enumerate() {
            check_text(
                sink,
                hint,
                &[
                    Seg::Key("exercises"),
                    Seg::Id(id),
                    Seg::Key("hints"),
                    Seg::Index(h),
                ],
                "a hint",
            );
        }
        match &exercise.explanation {
            None => {
                let loc = sink.at(&[Seg::Key("exercises"), Seg::Id(id)]);
                sink.error(
                    loc,
                    format!("exercise '{id}' has no explanation"),
                    Some("add 'explanation:' saying why the answer is right; learners see it after grading".into()),
                );
            }
            Some(text) => check_text(sink, text, &at("explanation"), "the explanation"),
        }
    }
    let params_ok = check_params(sink, exercise, kind);
    if params_ok && depth == Depth::Full {
        super::variation::check_variation(sink, exercise);
    }
    match kind {
        Kind::Choice(choice) => check_choice(sink, id, choice),
        Kind::Numeric(numeric) => {
            check_numeric(sink, id, numeric);
            if params_ok {
                check_engine_backed(sink, exercise, kind, depth);
            }
        }
        Kind::Text(text) => {
            if text.accepted.iter().all(|a| a.trim().is_empty()) {
                let loc = sink.at(&[
                    Seg::Key("exercises"),
                    Seg::Id(id),
                    Seg::Key("text"),
                    Seg::Key("accepted"),
                ]);
                sink.error(
                    loc,
                    "no accepted answers",
                    Some("list at least one answer counted as correct".into()),
                );
            }
        }
        Kind::StateTrace(_) | Kind::BackoffSchedule(_) | Kind::LimiterTrace(_) | Kind::Tune(_) => {
            if params_ok {
                check_engine_backed(sink, exercise, kind, depth);
            }
        }
        Kind::Reflection(_) => {}
    }
}

pub(super) fn check_choice(sink: &mut Sink, id: &str, choice: &Choice) {
    let at = |key: &'static str| {
        [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("choice"),
            Seg::Key(key),
        ]
    };
    let count = choice.options.len();
    if count < 2 {
        let loc = sink.at(&at("options"));
        sink.error(
            loc,
            format!("{count} option(s); a choice needs at least two"),
            None,
        );
    }
    if count > 26 {
        let loc = sink.at(&at("options"));
        sink.error(loc, format!("{count} options; at most 26 (a to z)"), None);
    }
    if choice.answer.is_empty() {
        let loc = sink.at(&at("answer"));
        sink.error(
            loc,
            "no correct option",
            Some("write the letters of the correct options, e.g. [b]".into()),
        );
    }
    let last = char::from(b'a' + u8::try_from(count.clamp(1, 26) - 1).unwrap_or(0));
    let mut seen = HashSet::new();
    for (a, letter) in choice.answer.iter().enumerate() {
        let loc_at = [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("choice"),
            Seg::Key("answer"),
            Seg::Index(a),
        ];
        let index = match letter.trim().as_bytes() {
            [b] if b.is_ascii_lowercase() => usize::from(b - b'a'),
            _ => {
                let loc = sink.at(&loc_at);
                sink.error(
                    loc,
                    format!("answer '{letter}' is not an option letter"),
                    Some(format!("use letters a to {last}")),
                );
                continue;
            }
        };
        if index >= count {
            let loc = sink.at(&loc_at);
            sink.error(
                loc,
                format!("answer '{letter}' but there are {count} options (a to {last})"),
                Some(format!(
                    "use letters a to {last}, or add the missing option"
                )),
            );
        }
        if !seen.insert(index) {
            let loc = sink.at(&loc_at);
            sink.error(loc, format!("answer '{letter}' is listed twice"), None);
        }
    }
    if !choice.multiple && choice.answer.len() > 1 {
        let loc = sink.at(&at("answer"));
        sink.error(
            loc,
            format!(
                "{} correct options in a single-choice question",
                choice.answer.len()
            ),
            Some("add 'multiple: true' if the learner must pick all of them".into()),
        );
    }
}

pub(super) fn check_numeric(sink: &mut Sink, id: &str, numeric: &Numeric) {
    let at = |key: &'static str| {
        [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("numeric"),
            Seg::Key(key),
        ]
    };
    let answer = numeric.answer;
    if !answer.as_f64().is_finite() {
        let loc = sink.at(&at("answer"));
        sink.error(loc, "the answer is not a finite number", None);
        return;
    }
    match numeric.tolerance {
        None => {}
        Some(Tolerance::Percent(p)) if !(0.0..=50.0).contains(&p) => {
            let loc = sink.at(&at("tolerance"));
            sink.error(
                loc,
                format!("tolerance {p}% is not sane"),
                Some("use 0% to 50%".into()),
            );
        }
        Some(Tolerance::Percent(_)) => {}
        Some(Tolerance::Absolute(t)) => {
            if t.is_duration() != answer.is_duration() {
                let loc = sink.at(&at("tolerance"));
                let (t_sort, a_sort) = if t.is_duration() {
                    ("a duration", "a number")
                } else {
                    ("a number", "a duration")
                };
                sink.error(
                    loc,
                    format!("tolerance '{t}' is {t_sort} but the answer '{answer}' is {a_sort}"),
                    Some(if answer.is_duration() {
                        format!("write the tolerance as a duration, e.g. '{t}s', or a percentage")
                    } else {
                        "write the tolerance as a number in the answer's unit, or a percentage"
                            .into()
                    }),
                );
            } else if t.as_f64() < 0.0 || !t.as_f64().is_finite() {
                let loc = sink.at(&at("tolerance"));
                sink.error(loc, format!("tolerance '{t}' is negative"), None);
            } else if answer.as_f64() != 0.0 && t.as_f64() >= answer.as_f64().abs() {
                let loc = sink.at(&at("tolerance"));
                sink.error(
                    loc,
                    format!("tolerance '{t}' is as large as the answer '{answer}'; any guess near zero would pass"),
                    Some("use a tolerance well below the answer, e.g. 5% of it".into()),
                );
            }
        }
    }
    if answer.is_duration() && numeric.unit.is_some() {
        let loc = sink.at(&at("unit"));
        sink.warning(
            loc,
            "'unit' is ignored when the answer is a duration",
            Some("remove it".into()),
        );
    }
}

/// Checks parameters and placeholders; false when an engine run would only repeat an error.
pub(super) fn check_params(sink: &mut Sink, exercise: &Exercise, kind: Kind) -> bool {
    let errors_before = sink.errors;
    let id = exercise.id.as_str();
    let settable = scenario::settable(kind);
    for (name, param) in &exercise.params {
        let at = [
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key("params"),
            Seg::KeyName(name),
        ];
        if let Err(message) = scenario::param_values(param) {
            let loc = sink.at(&at);
            sink.error(loc, format!("parameter '{name}': {message}"), None);
        }
        let placeholder = format!("{{{name}}}");
        let used = exercise.prompt.contains(&placeholder)
            || scenario::templates(kind)
                .iter()
                .any(|(_, text)| text.contains(&placeholder))
            || settable.contains(&name.as_str());
        if !used {
            let loc = sink.at(&at);
            sink.warning(
                loc,
                format!("parameter '{name}' is not used"),
                Some(format!(
                    "write '{placeholder}' in the prompt, or name a setting of the scenario ({})",
                    settable.join(", ")
                )),
            );
        }
    }
    let mut texts = vec![("prompt", exercise.prompt.as_str())];
    texts.extend(scenario::templates(kind));
    for (field, text) in texts {
        for name in scenario::placeholders(text) {
            if !exercise.params.contains_key(name) {
                let at = match field {
                    "prompt" => vec![Seg::Key("exercises"), Seg::Id(id), Seg::Key("prompt")],
                    _ => vec![
                        Seg::Key("exercises"),
                        Seg::Id(id),
                        Seg::Key(kind.name()),
                        Seg::Key(field),
                    ],
                };
                let loc = sink.at(&at);
                sink.error(
                    loc,
                    format!("placeholder '{{{name}}}' has no parameter"),
                    did_you_mean(name, exercise.params.keys().map(String::as_str)).or_else(|| {
                        Some(format!(
                            "declare it under 'params:', e.g. {name}: {{min: 1, max: 5}}"
                        ))
                    }),
                );
            }
        }
    }
    check_explanation_placeholders(sink, exercise, kind);
    sink.errors == errors_before
}

/// An explanation may quote the drawn values (`{param}`) and a numeric's key (`{answer}`),
/// so its numbers are the item's own; any other placeholder would reach the learner as is.
fn check_explanation_placeholders(sink: &mut Sink, exercise: &Exercise, kind: Kind) {
    let Some(text) = &exercise.explanation else {
        return;
    };
    let numeric = matches!(kind, Kind::Numeric(_));
    for name in scenario::placeholders(text) {
        let is_answer = numeric && name == scenario::ANSWER_PLACEHOLDER;
        if is_answer || exercise.params.contains_key(name) {
            continue;
        }
        let loc = sink.at(&[
            Seg::Key("exercises"),
            Seg::Id(&exercise.id),
            Seg::Key("explanation"),
        ]);
        let answer = if numeric {
            ", or '{answer}' for the key"
        } else {
            ""
        };
        sink.error(
            loc,
            format!("placeholder '{{{name}}}' in the explanation has no parameter"),
            did_you_mean(name, exercise.params.keys().map(String::as_str))
                .or_else(|| Some(format!("use a parameter's name{answer}"))),
        );
    }
}

/// Re-runs an engine-backed exercise: every combination of the parameters' extremes (or
/// the exercise as written), each checked by its kind (see [`scenario::Scenario`]).
pub(super) fn check_engine_backed(sink: &mut Sink, exercise: &Exercise, kind: Kind, depth: Depth) {
    let id = exercise.id.as_str();
    let full = depth == Depth::Full;
    if !full && !scenario::engine_backed(kind).is_some_and(|spec| spec.checked_on_load()) {
        return;
    }
    let report = |sink: &mut Sink, error: &scenario::ItemError, with: &str| {
        let loc = sink.at(&[
            Seg::Key("exercises"),
            Seg::Id(id),
            Seg::Key(kind.name()),
            Seg::Key(error.field()),
        ]);
        sink.error(loc, format!("{error}{with}"), error.hint());
    };
    // Called only when the parameters' ranges are valid, so an error here is new: a value
    // that does not fit its setting, or a computation that fails.
    let variants = match scenario::extreme_variants(exercise) {
        Ok(variants) => variants,
        Err(error) => return report(sink, &error, ""),
    };
    for (index, (values, variant)) in variants.into_iter().enumerate() {
        let Some(spec) = variant.kind().and_then(scenario::engine_backed) else {
            return;
        };
        let with = if values.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(" (with {})", list.join(", "))
        };
        if let Err(error) = spec.check_variant(full, index == 0) {
            return report(sink, &error, &with);
        }
    }
}
