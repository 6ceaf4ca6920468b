//! The module-wide lines: outcomes, links to related patterns, the three sections an author
//! marks (case study, common mistakes, implementation checklist), code tested, time
//! estimates realistic; and the seed's lines only a person can tick.

use super::markdown::{find_heading, normalise, scan};
use super::time::ModuleTime;
use super::{BlockReport, Context, Files, Line, Status, count};
use crate::content::model::split_pointer;
use crate::content::source::LoadedModule;

/// The seed's checklist lines (pre-development, quality, post-development) that only a
/// person can judge.
pub const FOR_A_REVIEWER: [(&str, &str); 14] = [
    ("read_source", "Read original source/paper"),
    (
        "review_implementations",
        "Review 3+ production implementations",
    ),
    ("analyze_failures", "Analyze 2+ failure cases"),
    ("benchmark", "Benchmark performance impacts"),
    ("accuracy_verified", "Technical accuracy verified"),
    ("diagrams_correct", "Diagrams clear and correct"),
    ("code_review", "Code review by senior engineer"),
    ("domain_review", "Accuracy check by domain expert"),
    ("performance_claims", "Performance claims verified"),
    ("best_practices", "Best practices confirmed"),
    ("learning_flow", "Learning flow logical"),
    ("difficulty_curve", "Difficulty curve appropriate"),
    ("exercises_achievable", "Exercises achievable"),
    ("formatting", "Formatting consistent"),
];

/// The three sections, their `sections:` key, the seed's wording and the headings the check
/// recognises when the author has not marked one.
const SECTIONS: [(&str, &str, &[&str]); 3] = [
    (
        "case_study",
        "Real-world case studies",
        &["case study", "case studies"],
    ),
    (
        "common_mistakes",
        "Common mistakes section",
        &["common mistakes", "mistakes", "pitfalls", "anti-patterns"],
    ),
    (
        "implementation_checklist",
        "Implementation checklist",
        &["implementation checklist", "checklist"],
    ),
];

pub(super) fn lines(
    loaded: &LoadedModule,
    blocks: &[BlockReport],
    time: &ModuleTime,
    files: &Files,
    context: &Context,
) -> Vec<Line> {
    let module = &loaded.module;
    let mut lines = Vec::with_capacity(7);
    lines.push(Line::new(
        "outcomes",
        "Define learning outcomes",
        if module.outcomes.is_empty() {
            Status::Missing
        } else {
            Status::Met
        },
        Some(files.in_module(&["outcomes"])),
        count(module.outcomes.len(), "outcome"),
    ));
    lines.push(related_line(loaded, files, context));
    for (key, label, headings) in SECTIONS {
        lines.push(section_line(loaded, files, key, label, headings));
    }
    let broken: Vec<&str> = blocks
        .iter()
        .filter(|b| {
            b.lines
                .iter()
                .any(|l| l.item == "code_example" && l.status != Status::Met)
        })
        .map(|b| b.id.as_str())
        .collect();
    lines.push(Line::new(
        "code_tested",
        "Code tested and working",
        if broken.is_empty() {
            Status::Met
        } else {
            Status::Missing
        },
        None,
        if broken.is_empty() {
            "every block's examples compiled or were noted".to_owned()
        } else {
            format!("blocks without a working example: {}", broken.join(", "))
        },
    ));
    let flagged: Vec<String> = blocks
        .iter()
        .filter(|b| b.time.flagged)
        .map(|b| {
            format!(
                "{} ({} declared, ~{} estimated)",
                b.id, b.time.declared_minutes, b.time.estimated_minutes
            )
        })
        .chain(time.integration.iter().filter(|i| i.flagged).map(|i| {
            format!(
                "integration ({} declared, ~{} estimated)",
                i.declared_minutes, i.estimated_minutes
            )
        }))
        .collect();
    lines.push(Line::new(
        "time_estimates",
        "Time estimates realistic",
        if flagged.is_empty() {
            Status::Met
        } else {
            Status::Missing
        },
        Some(files.in_module(&["blocks"])),
        if flagged.is_empty() {
            format!(
                "every declared time within 50 % of its estimate ({} min declared, ~{} estimated)",
                time.blocks_declared_minutes, time.blocks_estimated_minutes
            )
        } else {
            format!("more than 50 % off: {}", flagged.join("; "))
        },
    ));
    lines.extend(
        FOR_A_REVIEWER.iter().map(|(item, label)| {
            Line::new(item, label, Status::NeedsPerson, None, "for a reviewer")
        }),
    );
    lines
}

fn related_line(loaded: &LoadedModule, files: &Files, context: &Context) -> Line {
    const ITEM: &str = "related";
    const LABEL: &str = "Links to related patterns";
    let related = &loaded.module.related;
    let at = Some(files.in_module(&["related"]));
    if related.is_empty() {
        return Line::new(
            ITEM,
            LABEL,
            Status::Missing,
            Some(files.module_path.to_owned()),
            "add 'related: [module ids]'",
        );
    }
    let unknown: Vec<&str> = related
        .iter()
        .filter(|id| !context.known_modules.contains(id.as_str()))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        Line::new(
            ITEM,
            LABEL,
            Status::Met,
            at,
            format!("{} (all resolve)", related.join(", ")),
        )
    } else {
        Line::new(
            ITEM,
            LABEL,
            Status::Missing,
            at,
            format!("no module named {}", unknown.join(", ")),
        )
    }
}

fn section_line(
    loaded: &LoadedModule,
    files: &Files,
    key: &'static str,
    label: &'static str,
    recognised: &[&str],
) -> Line {
    let pointer = loaded.module.sections.as_ref().and_then(|s| {
        s.entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, p)| p.to_owned())
    });
    if let Some(pointer) = pointer {
        let found = split_pointer(&pointer).and_then(|(file, heading)| {
            let line = find_heading(loaded.markdown(file)?, heading)?;
            Some((file, heading, line))
        });
        return match found {
            Some((file, heading, line)) => Line::new(
                key,
                label,
                Status::Met,
                Some(files.in_doc(file, Some(line))),
                format!("'{heading}' (sections.{key})"),
            ),
            None => Line::new(
                key,
                label,
                Status::Missing,
                Some(files.in_module(&["sections", key])),
                format!("'{pointer}' names no heading of the module's files"),
            ),
        };
    }
    // A heading that is one of the recognised names wins over one that only contains it
    // ('Common mistakes' over 'Real-world tuning and common mistakes').
    let headings: Vec<(&String, super::markdown::Heading)> = loaded
        .docs
        .iter()
        .flat_map(|(file, text)| scan(text).headings.into_iter().map(move |h| (file, h)))
        .collect();
    let exact = headings
        .iter()
        .find(|(_, h)| recognised.contains(&normalise(&h.text).as_str()));
    let found = exact.or_else(|| {
        headings.iter().find(|(_, h)| {
            let words = normalise(&h.text);
            recognised.iter().any(|r| words.contains(r))
        })
    });
    if let Some((file, heading)) = found {
        return Line::new(
            key,
            label,
            Status::Met,
            Some(files.in_doc(file, Some(heading.line))),
            format!(
                "heading '{}' recognised (mark it: sections.{key}: '{file}#{}')",
                heading.text, heading.text
            ),
        );
    }
    Line::new(
        key,
        label,
        Status::Missing,
        Some(files.module_path.to_owned()),
        format!("add a section and mark it: 'sections: {{{key}: file.md#Heading}}'"),
    )
}
