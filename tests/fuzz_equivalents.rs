//! The fuzz targets' stable twin: the same checks (`patterns::fuzzing`) over proptest
//! inputs (arbitrary text and bytes, and mutations of real ones), and every file of the
//! kept corpora (`fuzz/corpus/<target>/`) replayed, so CI exercises on stable what
//! `cargo +nightly fuzz run` found interesting. Arbitrary text through the whole loader is
//! also in tests/check.rs; here the loader sees mutations of the bundled files.

use std::path::Path;

use patterns::content::bundled;
use patterns::fuzzing;
use proptest::prelude::*;

/// A fuzz target's check on raw bytes, as the target feeds it.
type Check = fn(&[u8]);

/// Each fuzz target: its name (the corpus folder) and its check. Targets taking `&str` skip
/// inputs that are not UTF-8, as libFuzzer's do.
const TARGETS: &[(&str, Check)] = &[
    ("loader_module", fuzzing::loader_module),
    ("loader_exercises", fuzzing::loader_bank),
    ("script", |data| text(data, fuzzing::script)),
    ("limiter_script", |data| text(data, fuzzing::limiter_script)),
    ("duration", fuzzing::duration),
    ("answer_state", |data| text(data, fuzzing::answer_state)),
    ("answer_duration", |data| {
        text(data, fuzzing::answer_duration)
    }),
    ("answer_number", |data| text(data, fuzzing::answer_number)),
    ("answer_choices", fuzzing::answer_choices),
    ("answer_assignments", |data| {
        text(data, fuzzing::answer_assignments)
    }),
    ("grade", fuzzing::grade),
    ("loader_system", fuzzing::loader_system),
];

fn text(data: &[u8], check: fn(&str)) {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
}

/// Replays every file of `fuzz/corpus/<target>/` through the target's check.
fn replay(target: &str) {
    let check = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .expect("a known target");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus for '{target}'");
    for file in files {
        let data = std::fs::read(&file).expect("a corpus file");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", file.display());
    }
}

/// One test per corpus, so they run in parallel.
macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {
        mod corpus {
            $(
                #[test]
                fn $target() {
                    super::replay(stringify!($target));
                }
            )*
        }
    };
}

replay_tests!(
    loader_module,
    loader_exercises,
    script,
    limiter_script,
    duration,
    answer_state,
    answer_duration,
    answer_number,
    answer_choices,
    answer_assignments,
    grade,
    loader_system,
);

#[test]
fn every_target_has_a_fuzz_binary() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .expect("fuzz/Cargo.toml");
    assert_eq!(TARGETS.len(), 12, "a target without a corpus test");
    for (target, _) in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "'{target}' is not a fuzz target"
        );
    }
}

/// `text` with the chars `start..start + len` replaced by `insert`.
fn splice(text: &str, start: usize, len: usize, insert: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let start = start.min(chars.len());
    let end = (start + len).min(chars.len());
    chars.splice(start..end, insert.chars());
    chars.into_iter().collect()
}

fn bundled_text(path: &str) -> &'static str {
    bundled::file(path).expect("a bundled file")
}

const BUNDLED_IDS: [&str; 6] = [
    "circuit-breaker",
    "retry-backoff",
    "retry-storms",
    "rate-limiting",
    "bulkhead",
    "timeouts-deadlines",
];

/// YAML-ish text: what mutations insert.
const YAML_BITS: &str = "[ :\\-\\[\\]{}'\"&*!|>#a-z0-9_@+%\\n]{0,16}";

/// One script token, valid or nearly so.
fn script_token() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            0u32..200_000,
            "[FSfsX]",
            proptest::option::of(duration_text())
        )
            .prop_map(|(n, l, d)| match d {
                Some(d) => format!("{n}{l}@{d}"),
                None => format!("{n}{l}"),
            }),
        duration_text().prop_map(|d| format!("+{d}")),
        "[FS]",
        "[0-9+@FS.a-z]{1,6}",
    ]
}

/// One limiter script token, valid or nearly so.
fn limiter_token() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..200_000).prop_map(|n| n.to_string()),
        (0u32..200_000, duration_text()).prop_map(|(n, d)| format!("{n}/{d}")),
        duration_text().prop_map(|d| format!("+{d}")),
        "[0-9+/.a-z]{1,6}",
    ]
}

/// A duration as people write it, valid or nearly so.
fn duration_text() -> impl Strategy<Value = String> {
    let unit = prop_oneof![
        Just(""),
        Just("ns"),
        Just("us"),
        Just("ms"),
        Just("s"),
        Just("sec"),
        Just("seconds"),
        Just("m"),
        Just("min"),
        Just("h"),
        Just("hours"),
        Just("x"),
    ];
    let component = (
        "[0-9]{0,13}",
        proptest::option::of("[0-9]{0,13}"),
        " ?",
        unit,
    )
        .prop_map(|(whole, fraction, space, unit)| match fraction {
            Some(f) => format!("{whole}.{f}{space}{unit}"),
            None => format!("{whole}{space}{unit}"),
        });
    prop::collection::vec(component, 1..4).prop_map(|parts| parts.join(""))
}

/// Words learners type, joined by the separators the list parsers know.
fn answer_text(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    let word = prop_oneof![
        prop::sample::select(words).prop_map(str::to_owned),
        "\\PC{0,4}"
    ];
    let separator = prop::sample::select(&[" ", ", ", "; ", "\n", " -> ", " → ", " | ", ",,", ""]);
    prop::collection::vec((word, separator), 0..8).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(word, separator)| format!("{word}{separator}"))
            .collect()
    })
}

const STATE_WORDS: &[&str] = &[
    "CLOSED",
    "OPEN",
    "HALF_OPEN",
    "half",
    "open",
    "opened",
    "c",
    "o",
    "h",
    "ho",
    "Half-Open.",
    "closed",
];
const DURATION_WORDS: &[&str] = &[
    "1s", "45", "s", "ms", "2.5", "1m30s", "seconds", "1000h", "nan",
];
const NUMBER_WORDS: &[&str] = &[
    "27", "1,000", "95%", "-", "-3", ".", "×", "~", "≈", "1e5", "calls", "%", "x", "0.5",
];
const CHOICE_WORDS: &[&str] = &["a", "B", "2", "(c)", "d.", "and", "&", "27", "0", "zz"];
const ASSIGNMENT_WORDS: &[&str] = &[
    "failure_threshold=8",
    "recovery_timeout",
    "=",
    ":",
    "20",
    "s",
    "=20s",
    "a=b=c",
    "jitter:full",
    "inf",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn durations_hold(text in prop_oneof!["\\PC{0,24}", duration_text()], bytes in prop::collection::vec(any::<u8>(), 0..16)) {
        fuzzing::duration(text.as_bytes());
        fuzzing::duration(&bytes);
        fuzzing::answer_duration(&text);
    }

    #[test]
    fn scripts_hold(
        tokens in prop::collection::vec(script_token(), 0..12),
        spaces in "[ \t\n]{1,2}",
        noise in "\\PC{0,30}",
    ) {
        fuzzing::script(&tokens.join(&spaces));
        fuzzing::script(&noise);
    }

    #[test]
    fn limiter_scripts_hold(
        tokens in prop::collection::vec(limiter_token(), 0..12),
        spaces in "[ \t\n]{1,2}",
        noise in "\\PC{0,30}",
    ) {
        fuzzing::limiter_script(&tokens.join(&spaces));
        fuzzing::limiter_script(&noise);
    }

    #[test]
    fn answer_parsers_hold(
        states in answer_text(STATE_WORDS),
        durations in answer_text(DURATION_WORDS),
        number in answer_text(NUMBER_WORDS),
        options in any::<u8>(),
        choices in answer_text(CHOICE_WORDS),
        assignments in answer_text(ASSIGNMENT_WORDS),
        noise in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        fuzzing::answer_state(&states);
        fuzzing::answer_duration(&durations);
        fuzzing::answer_number(&number);
        fuzzing::answer_choices(&[&[options][..], choices.as_bytes()].concat());
        fuzzing::answer_choices(&noise);
        fuzzing::answer_assignments(&assignments);
        let noise = String::from_utf8_lossy(&noise);
        for check in [fuzzing::answer_state, fuzzing::answer_duration, fuzzing::answer_number, fuzzing::answer_assignments] {
            check(&noise);
        }
    }

    #[test]
    fn grading_bundled_items_holds(
        index in any::<u16>(),
        seed in any::<u64>(),
        cut in 0usize..40,
        len in 0usize..4,
        insert in "\\PC{0,4}",
    ) {
        let count = fuzzing::bundled_exercise_count();
        let right = fuzzing::bundled_right_answer(usize::from(index) % count, seed).unwrap_or_default();
        fuzzing::grade(&fuzzing::grade_input(index, seed, &splice(&right, cut, len, &insert)));
    }
}

proptest! {
    // The whole loader at Depth::Full on a bundled file is slow in debug: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn mutated_bundled_content_holds(
        which in 0usize..BUNDLED_IDS.len(),
        module in any::<bool>(),
        cut in 0usize..40_000,
        len in 0usize..40,
        insert in YAML_BITS,
    ) {
        let id = BUNDLED_IDS[which];
        if module {
            let text = bundled_text(&format!("modules/{id}/module.yaml"));
            fuzzing::loader_module(splice(text, cut % text.len(), len, &insert).as_bytes());
        } else {
            let text = bundled_text(&format!("exercises/{id}.yaml"));
            fuzzing::loader_bank(splice(text, cut % text.len(), len, &insert).as_bytes());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Every screen draws at any terminal size from 1x1 (or says "terminal too small"):
    /// at 1-3 rows the shared footer used to index outside the buffer.
    #[test]
    fn every_screen_draws_at_any_terminal_size(width in 1u16..=140, height in 1u16..=50) {
        fuzzing::screens_at_size(width, height);
    }
}

/// The sizes the proptest may not draw: each of the smallest ones, and the common sizes.
#[test]
fn every_screen_draws_at_the_smallest_and_the_usual_sizes() {
    for height in 1..=6 {
        for width in [1, 2, 3, 19, 20, 21, 80] {
            fuzzing::screens_at_size(width, height);
        }
    }
    for (width, height) in [(40, 12), (60, 20), (80, 24), (100, 30), (120, 40)] {
        fuzzing::screens_at_size(width, height);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutated_system_scenarios_hold(
        which in 0usize..patterns::content::system::BUILT_IN.len(),
        cut in 0usize..4_000,
        len in 0usize..40,
        insert in YAML_BITS,
    ) {
        let text = patterns::content::system::BUILT_IN[which].1;
        fuzzing::loader_system(splice(text, cut % text.len(), len, &insert).as_bytes());
    }
}
