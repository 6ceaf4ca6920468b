//! The bundled `bulkhead` module: `check` passes with no warnings, `list --json` shows
//! it with its counts, its exam has the module method's shape, the cascade figures agree
//! with the system engine, and its exam passes with right answers and fails with wrong ones
//! through the binary.

#[path = "support/answers.rs"]
mod answers;
#[path = "support/curriculum.rs"]
mod curriculum;
#[path = "support/module_shape.rs"]
mod module_shape;
#[path = "support/sim.rs"]
mod sim;

const ID: &str = "bulkhead";

#[test]
fn check_passes_with_no_warnings() {
    curriculum::assert_bundled_check_is_clean();
}

#[test]
fn list_shows_the_module_and_its_counts() {
    let module = curriculum::listed(ID);
    assert_eq!(module["difficulty"], "intermediate");
    assert_eq!(module["blocks"], 4);
    // 24 pool items plus 3 generators.
    assert_eq!(module["exam_items"], 27);
}

#[test]
fn the_exam_has_the_module_method_shape() {
    module_shape::assert_exam_shape(&answers::module(ID));
}

/// The cascade's story as the module tells it, from the system engine: without a bound,
/// checkout's pool fills first and web's just after; with a bulkhead and a timeout neither
/// fills.
#[test]
fn the_cascade_items_agree_with_the_system_engine() {
    let run = |scenario: &str| sim::json("system", &["--scenario", scenario]);
    let text = |scenario: &str| sim::stdout("system", &["--scenario", scenario]);
    let cascade = text("cascade");
    assert!(
        cascade.contains("10.273s"),
        "checkout fills 273 ms after the hang"
    );
    assert!(cascade.contains("10.329s"), "web fills 56 ms later");
    let contained = run("cascade-bulkhead");
    assert_eq!(contained["requests"]["completed"], 3040);
    assert_eq!(run("cascade")["requests"]["completed"], 1002);
}

#[test]
fn the_exam_passes_with_right_answers_and_fails_with_wrong_ones() {
    module_shape::assert_exam_passes_and_fails(ID);
}
