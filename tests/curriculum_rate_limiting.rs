//! The bundled `rate-limiting` module: `check` passes with no warnings, `list --json` shows
//! it with its counts, its exam has the module method's shape, the edge-burst items agree
//! with the limiter engine, and its exam passes with right answers and fails with wrong ones
//! through the binary.

#[path = "support/answers.rs"]
mod answers;
#[path = "support/curriculum.rs"]
mod curriculum;
#[path = "support/module_shape.rs"]
mod module_shape;
#[path = "support/sim.rs"]
mod sim;

const ID: &str = "rate-limiting";

#[test]
fn check_passes_with_no_warnings() {
    curriculum::assert_bundled_check_is_clean();
}

#[test]
fn list_shows_the_module_and_its_counts() {
    let module = curriculum::listed(ID);
    assert_eq!(module["difficulty"], "intermediate");
    assert_eq!(module["blocks"], 4);
    // 27 pool items plus 3 generators.
    assert_eq!(module["exam_items"], 30);
}

#[test]
fn the_exam_has_the_module_method_shape() {
    module_shape::assert_exam_shape(&answers::module(ID));
}

/// The fixed-window edge burst and its fixes, as the items state them, from the engine.
#[test]
fn the_edge_burst_items_agree_with_the_limiter_engine() {
    let admitted = |algorithm: &str| -> String {
        let script = ["--algorithm", algorithm, "--script", "+900ms 5 +100ms 5"];
        sim::stdout("limiter", &script)
            .lines()
            .find(|l| l.starts_with("total:"))
            .expect("a total line")
            .to_owned()
    };
    assert!(admitted("fixed-window").contains("10 admitted"));
    for fixed in ["sliding-log", "sliding-window", "token-bucket", "gcra"] {
        assert!(admitted(fixed).contains("5 admitted"), "{fixed}");
    }
}

#[test]
fn the_exam_passes_with_right_answers_and_fails_with_wrong_ones() {
    module_shape::assert_exam_passes_and_fails(ID);
}
