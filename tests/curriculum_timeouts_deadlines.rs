//! The bundled `timeouts-deadlines` module: `check` passes with no warnings, `list --json` shows
//! it with its counts, its exam has the module method's shape, the deadline figures agree
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

const ID: &str = "timeouts-deadlines";

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

/// The propagation block's figures, from the system engine: the propagated deadline
/// answers 4,066 of 6,572 requests in time, stacked per-hop timeouts 1,780.
#[test]
fn the_deadline_figures_agree_with_the_system_engine() {
    let completed =
        |scenario: &str| sim::json("system", &["--scenario", scenario])["requests"].clone();
    let propagated = completed("deadline");
    let stacked = completed("deadline-stacked");
    assert_eq!(propagated["total"], 6572);
    assert_eq!(propagated["completed"], 4066);
    assert_eq!(stacked["completed"], 1780);
}

#[test]
fn the_exam_passes_with_right_answers_and_fails_with_wrong_ones() {
    module_shape::assert_exam_passes_and_fails(ID);
}
