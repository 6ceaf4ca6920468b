//! The checklist report as text: per module, per block, one line per checklist item
//! (status, item, where, note), then the module's lines, times, rubric and what is left
//! for a reviewer; a summary at the end.

use std::fmt::Write;

use super::{Line, ModuleReport, Report, Status};

/// The whole report as text.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for module in &report.modules {
        render_module(&mut out, module);
        out.push('\n');
    }
    for skipped in &report.skipped {
        let _ = writeln!(out, "not checked: {}: {}", skipped.path, skipped.reason);
    }
    let r = &report.rates;
    let _ = writeln!(
        out,
        "rates: prose {} words/min, code and diagrams {} words/min, priming {} min, lab {} min/step + {} min/prediction, prompt {} min; exercises: choice {}, text {}, numeric {}, state_trace {}, backoff_schedule {}, tune {}, reflection {} min",
        r.prose_words_per_minute,
        r.code_words_per_minute,
        r.priming_minutes,
        r.lab_step_minutes,
        r.lab_prediction_minutes,
        r.prompt_minutes,
        r.choice_minutes,
        r.text_minutes,
        r.numeric_minutes,
        r.state_trace_minutes,
        r.backoff_schedule_minutes,
        r.tune_minutes,
        r.reflection_minutes,
    );
    let t = &report.totals;
    let _ = writeln!(
        out,
        "checklist: {}: {} met, {} missing, {} for a person; {} more than 50 % off",
        super::count(report.modules.len(), "module"),
        t.met,
        t.missing,
        t.needs_person,
        super::count(t.time_flags, "time")
    );
    out
}

fn render_module(out: &mut String, module: &ModuleReport) {
    let _ = writeln!(out, "module {} ({})", module.id, module.path);
    for block in &module.blocks {
        let flag = if block.time.flagged {
            "  <- more than 50 % off"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  block {}: {} min declared, ~{} estimated{flag}",
            block.id, block.time.declared_minutes, block.time.estimated_minutes
        );
        for line in &block.lines {
            render_line(out, line);
        }
    }
    let _ = writeln!(out, "  module");
    let (person, computed): (Vec<&Line>, Vec<&Line>) = module
        .lines
        .iter()
        .partition(|l| l.status == Status::NeedsPerson);
    for line in computed {
        render_line(out, line);
    }
    let labels: Vec<&str> = person.iter().map(|l| l.label).collect();
    let _ = writeln!(out, "    person  {}", labels.join("; "));
    let time = &module.time;
    let _ = writeln!(
        out,
        "  time: blocks {} min declared, ~{} estimated",
        time.blocks_declared_minutes, time.blocks_estimated_minutes
    );
    if let Some(i) = &time.integration {
        let flag = if i.flagged {
            "  <- more than 50 % off"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "        integration {} min declared, ~{} estimated{flag}",
            i.declared_minutes, i.estimated_minutes
        );
    }
    let _ = writeln!(
        out,
        "        exam ~{} min for {} items (no declared time to compare)",
        time.exam_estimated_minutes, time.exam_items
    );
    let _ = writeln!(out, "  rubric");
    for line in &module.rubric {
        let _ = writeln!(
            out,
            "    {:<12} {}",
            line.criterion,
            line.measured.join("; ")
        );
        let _ = writeln!(
            out,
            "    {:<12} for a reviewer: {}",
            "", line.for_a_reviewer
        );
    }
}

fn render_line(out: &mut String, line: &Line) {
    let at = line.at.as_deref().unwrap_or("-");
    let _ = writeln!(
        out,
        "    {:<7} {:<24} {at}  {}",
        line.status.word(),
        line.item,
        line.note
    );
}
