//! The module's `sections:` pointers ('file.md#Heading'): their files are read with the
//! concept files, and each heading must exist in its file, so a bad pointer is a located
//! `check` error rather than a silent "missing" in the checklist.

use std::collections::BTreeMap;

use super::super::checklist::markdown::find_heading;
use super::super::model::{Module, split_pointer};
use super::sink::{Seg, Sink};

/// The Markdown files the sections name, with the field that names each and where it is.
pub(super) fn section_docs(module: &Module) -> Vec<(String, String, Vec<Seg<'static>>)> {
    let Some(sections) = &module.sections else {
        return Vec::new();
    };
    sections
        .entries()
        .into_iter()
        .filter_map(|(key, pointer)| {
            let (file, _) = split_pointer(pointer)?;
            Some((
                file.to_owned(),
                format!("the section '{key}'"),
                vec![Seg::Key("sections"), Seg::Key(key)],
            ))
        })
        .collect()
}

/// Reports every pointer without a '#', and every heading its (readable) file lacks.
pub(super) fn check_section_headings(
    sink: &mut Sink,
    module: &Module,
    files: &BTreeMap<String, String>,
) {
    let Some(sections) = &module.sections else {
        return;
    };
    for (key, pointer) in sections.entries() {
        let loc = sink.at(&[Seg::Key("sections"), Seg::Key(key)]);
        let Some((file, heading)) = split_pointer(pointer) else {
            sink.error(
                loc,
                format!("section '{key}' is '{pointer}', not 'file.md#Heading'"),
                Some("name a Markdown file of this module and one of its headings, e.g. 'tuning.md#Common mistakes'".into()),
            );
            continue;
        };
        // A file that could not be read was reported where it was read.
        let Some(text) = files.get(file) else {
            continue;
        };
        if find_heading(text, heading).is_none() {
            sink.error(
                loc,
                format!("section '{key}': '{file}' has no heading '{heading}'"),
                Some(format!(
                    "add a heading '## {heading}' to '{file}', or point at one it has"
                )),
            );
        }
    }
}
