//! The only module that names serde-saphyr (with its submodules). Parses YAML (under a
//! budget against alias bombs) into a [`Node`] tree that remembers where every value came
//! from, then deserializes typed values from that tree with error recovery: a bad value is
//! reported at its own line and column, removed, and deserialization retried, so one mistake
//! never hides the next. Plain, valid files take a fast path (`fast`) with the same result.
//!
//! Invariant: every string in the tree has passed through [`sanitize`]; node ids are unique
//! within one tree and survive cloning, so a diagnostic can always be traced to a node.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::sanitize::{sanitize, sanitize_owned};

mod de_tree;
mod fast;

pub use de_tree::{DeError, from_tree};

/// A 1-based line and column (in characters) in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
}

/// One YAML value with its position and a tree-unique id.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: u32,
    pub loc: Loc,
    pub value: Value,
}

/// The shape of a YAML value. Mapping keys keep their own positions.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, value)| value)
    }

    /// The key node and value node under `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        let Value::Map(entries) = &self.value else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// The text of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    /// The elements of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The scalar as text, as an author wrote it (numbers and booleans included).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(text) => Some(text.clone()),
            Value::Int(n) => Some(n.to_string()),
            Value::UInt(n) => Some(n.to_string()),
            Value::Float(x) => Some(x.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// Finds the node with `id` anywhere below (or at) this node.
    pub fn find(&self, id: u32) -> Option<&Node> {
        if self.id == id {
            return Some(self);
        }
        match &self.value {
            Value::Seq(items) => items.iter().find_map(|item| item.find(id)),
            Value::Map(entries) => entries
                .iter()
                .find_map(|(k, v)| k.find(id).or_else(|| v.find(id))),
            _ => None,
        }
    }

    /// Removes the entry or element that holds node `id` (a key removes its whole entry).
    /// Returns the id of the mapping and the key removed from it, if it was a mapping entry.
    fn remove(&mut self, id: u32) -> Option<Removed> {
        match &mut self.value {
            Value::Seq(items) => {
                if let Some(index) = items.iter().position(|item| item.id == id) {
                    items.remove(index);
                    return Some(Removed::Element);
                }
                items.iter_mut().find_map(|item| item.remove(id))
            }
            Value::Map(entries) => {
                let map_id = self.id;
                if let Some(index) = entries.iter().position(|(k, v)| k.id == id || v.id == id) {
                    let (key, _) = entries.remove(index);
                    return Some(Removed::Entry {
                        map: map_id,
                        key: key.scalar_text().unwrap_or_default(),
                    });
                }
                entries.iter_mut().find_map(|(_, v)| v.remove(id))
            }
            _ => None,
        }
    }

    /// What kind of value this is, in an author's words.
    fn describe(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::UInt(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

enum Removed {
    Element,
    Entry { map: u32, key: String },
}

/// Limits that keep hostile input cheap: nesting, node count, alias expansion.
const MAX_DEPTH: usize = 48;
const MAX_NODES: usize = 200_000;
const MAX_ALIASES: usize = 1_000;

/// A problem the parser or the deserializer found, at a node or a position.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub loc: Loc,
    pub kind: ProblemKind,
}

/// What went wrong, with what the diagnostic layer needs for a hint.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// Not YAML at all, or over the parser budget.
    Syntax(String),
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
    MissingField(&'static str),
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
    /// A value of the wrong shape or out of range.
    Invalid(String),
}

/// Parses `text` into a tree. On failure, one syntax problem with its position.
pub fn parse(text: &str) -> Result<Node, Problem> {
    // Most files are plain, valid YAML: read them straight from the parser's events. The
    // fast path declines anything it cannot read exactly as the full path would.
    if let Some(tree) = fast::parse(text) {
        return Ok(tree);
    }
    parse_full(text)
}

/// [`parse`] through serde-saphyr's deserializer, with `Spanned` positions and its budget.
fn parse_full(text: &str) -> Result<Node, Problem> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_aliases: MAX_ALIASES,
            max_documents: 1,
        },
        with_snippet: false,
        // YAML 1.2 only: `n`, `no`, `off` are strings (ids!), and `007` stays text.
        strict_booleans: true,
        emit_comments: false,
        leading_zero_numbers_as_strings: true,
    };
    let raw: Option<serde_saphyr::Spanned<Raw>> =
        serde_saphyr::from_str_with_options(text, options).map_err(|error| {
            // A raw control character (a terminal escape pasted into the file) makes the
            // parser stop with a terse message; say what it is and what to do.
            if let Some(problem) = control_character(text) {
                return problem;
            }
            let loc = error
                .location()
                .map(|l| Loc {
                    line: u32::try_from(l.line()).unwrap_or(u32::MAX),
                    col: u32::try_from(l.column()).unwrap_or(u32::MAX),
                })
                .unwrap_or(Loc { line: 1, col: 1 });
            let mut message = syntax_message(&error);
            if message.starts_with("duplicate key")
                && let Some(first) = fast::first_of_duplicate(text, loc)
            {
                message = format!(
                    "{message}; it first appears at line {}, column {}",
                    first.line, first.col
                );
            }
            Problem {
                loc,
                kind: ProblemKind::Syntax(message),
            }
        })?;
    let mut next_id = 0;
    Ok(match raw {
        Some(raw) => build(raw, &mut next_id),
        None => Node {
            id: 0,
            loc: Loc { line: 1, col: 1 },
            value: Value::Null,
        },
    })
}

/// The first character YAML does not allow in a file (C0 controls other than tab, newline
/// and carriage return; DEL; C1 controls other than NEL), as a problem at its position.
fn control_character(text: &str) -> Option<Problem> {
    let (line, col, c) = text
        .lines()
        .enumerate()
        .flat_map(|(line, content)| {
            content
                .chars()
                .enumerate()
                .map(move |(col, c)| (line + 1, col + 1, c))
        })
        .find(|&(_, _, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}'))?;
    let name = match c {
        '\u{1b}' => " (ESC, which starts terminal escape sequences)",
        '\u{7}' => " (BEL)",
        '\u{9b}' => " (CSI)",
        '\u{9d}' => " (OSC)",
        _ => "",
    };
    Some(Problem {
        loc: Loc {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col).unwrap_or(u32::MAX),
        },
        kind: ProblemKind::Syntax(format!(
            "control character U+{:04X}{name}; YAML files cannot contain it",
            u32::from(c)
        )),
    })
}

/// The parser's message, first line only, without its own location suffix.
fn syntax_message(error: &serde_saphyr::Error) -> String {
    let text = error.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    let trimmed = match first.find(" at line ") {
        Some(index) => &first[..index],
        None => first,
    };
    // The parser's own limit (it stops before the budget does, on deep flow collections) or
    // the budget's: either way, nesting.
    if trimmed.starts_with("recursion limit exceeded")
        || trimmed.starts_with("budget breached: Depth")
    {
        return format!("the document nests more than {MAX_DEPTH} levels deep; a nesting bomb?");
    }
    if trimmed.starts_with("budget breached") {
        return format!(
            "the document expands beyond the parser's budget (more than {MAX_ALIASES} aliases \
             or {MAX_NODES} nodes); an alias bomb?"
        );
    }
    if let Some(key) = trimmed.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set DuplicateKeyPolicy").next().unwrap_or(key);
        return sanitize(&format!("duplicate key '{key}'"));
    }
    sanitize(trimmed)
}

fn build(raw: serde_saphyr::Spanned<Raw>, next_id: &mut u32) -> Node {
    let id = *next_id;
    *next_id += 1;
    let loc = Loc {
        line: u32::try_from(raw.referenced.line()).unwrap_or(u32::MAX),
        col: u32::try_from(raw.referenced.column()).unwrap_or(u32::MAX),
    };
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(n) => Value::Int(n),
        Raw::UInt(n) => Value::UInt(n),
        Raw::Float(x) => Value::Float(x),
        Raw::Str(text) => Value::Str(sanitize_owned(text)),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|i| build(i, next_id)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (build(k, next_id), build(v, next_id)))
                .collect(),
        ),
    };
    Node { id, loc, value }
}

/// The tree as serde-saphyr hands it over, before ids and sanitising.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<serde_saphyr::Spanned<Raw>>),
    Map(Vec<(serde_saphyr::Spanned<Raw>, serde_saphyr::Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(match i64::try_from(v) {
            Ok(n) => Raw::Int(n),
            Err(_) => Raw::UInt(v),
        })
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        i64::try_from(v)
            .map(Raw::Int)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        u64::try_from(v)
            .map(Raw::UInt)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Raw, E> {
        Err(E::custom("binary values are not supported"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

/// Parses `text` into plain JSON (for schema validation and tools). Keys become strings.
pub fn to_json(text: &str) -> Result<serde_json::Value, Problem> {
    Ok(node_to_json(&parse(text)?))
}

fn node_to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(n) => J::from(*n),
        Value::UInt(n) => J::from(*n),
        Value::Float(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        Value::Str(text) => J::String(text.clone()),
        Value::Seq(items) => J::Array(items.iter().map(node_to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.scalar_text().unwrap_or_default(), node_to_json(v)))
                .collect(),
        ),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Item {
        id: String,
        minutes: u32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        title: String,
        items: Vec<Item>,
    }

    fn problems_of<T: de::DeserializeOwned>(text: &str) -> (Option<T>, Vec<String>) {
        let tree = parse(text).expect("parses");
        let (value, problems) = from_tree::<T>(&tree);
        let list = problems
            .iter()
            .map(|p| format!("{}:{} {:?}", p.loc.line, p.loc.col, p.kind))
            .collect();
        (value, list)
    }

    #[test]
    fn locations_are_one_based() {
        let tree = parse("title: x\nitems:\n  - id: a\n    minutes: 3\n").expect("parses");
        let items = tree.get("items").expect("items");
        assert_eq!(
            items.items()[0].get("minutes").map(|n| n.loc),
            Some(Loc { line: 4, col: 14 })
        );
    }

    #[test]
    fn every_bad_item_is_reported() {
        let text = "title: x\nitems:\n  - id: a\n    minutes: lots\n  - id: b\n    minuts: 3\n  - id: c\n    minutes: 2\n";
        let (doc, problems) = problems_of::<Doc>(text);
        // 'minuts' is reported as unknown (a near miss of 'minutes'), not also as missing.
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with("4:14 Invalid"), "{problems:#?}");
        assert!(problems[1].starts_with("6:5 UnknownField"), "{problems:#?}");
        // The good item survives; the bad ones are left out.
        assert_eq!(doc.map(|d| d.items.len()), Some(1));
    }

    #[test]
    fn numeric_keys_are_names_not_field_numbers() {
        let (item, problems) = problems_of::<Item>("id: a\nminutes: 1\n1: 5\n");
        // Reported, then left out: the rest of the item still loads.
        assert_eq!(item.map(|i| i.minutes), Some(1));
        assert!(
            problems[0].contains("UnknownField { field: \"1\""),
            "{problems:#?}"
        );
    }

    #[test]
    fn all_unknown_keys_of_one_mapping_are_reported() {
        let (_, problems) = problems_of::<Item>("id: a\nminutes: 1\nfoo: 1\nbar: 2\n");
        assert_eq!(problems.len(), 2, "{problems:#?}");
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let problem = parse("a: [1, 2\nb: 3\n").expect_err("bad yaml");
        assert!(problem.loc.line >= 1);
        assert!(matches!(problem.kind, ProblemKind::Syntax(_)));
    }

    #[test]
    fn alias_bombs_hit_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let prev = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let problem = parse(&text).expect_err("budget");
        assert!(
            matches!(problem.kind, ProblemKind::Syntax(_)),
            "{problem:?}"
        );
    }

    /// Every YAML file of the project (bundled content, test fixtures) reads the same on
    /// the fast path as on the full path, positions and ids included.
    #[test]
    fn the_fast_path_agrees_with_the_full_path() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["modules", "exercises", "tests"] {
            walk(&root.join(dir), &mut files);
        }
        let mut fast_count = 0;
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            if let Some(tree) = fast::parse(&text) {
                fast_count += 1;
                assert_eq!(Ok(tree), parse_full(&text), "{}", file.display());
            }
        }
        assert!(fast_count > 10, "{fast_count} of {}", files.len());
        for file in super::super::bundled::FILES {
            assert!(
                !file.path.ends_with(".yaml") || fast::parse(file.text).is_some(),
                "{} takes the slow path",
                file.path
            );
        }
    }

    #[test]
    fn the_fast_path_declines_what_it_cannot_read_exactly() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: 1\na: 2\n",
            "a: !!str 1\n",
            "a: 007\n",
            "a: 1e3\n",
            "a: yes\n",
            "a: TRUE\n",
            "a: .inf\n",
            "1: x\n",
            "a: [1, 2\n",
            "--- 1\n--- 2\n",
            "<<: {a: 1}\n",
        ] {
            if let Some(tree) = fast::parse(text) {
                assert_eq!(Ok(tree), parse_full(text), "{text:?}");
            }
        }
        assert!(fast::parse("a: 007\n").is_none());
        assert!(fast::parse("a: 1\na: 2\n").is_none());
        assert!(fast::parse("a: &x 1\nb: *x\n").is_none());
    }

    #[test]
    fn strings_are_sanitized() {
        let tree = parse("t: \"a\\e[31mb\"\n").expect("parses");
        assert_eq!(tree.get("t").and_then(Node::as_str), Some("ab"));
    }

    fn syntax(text: &str) -> (Loc, String) {
        match parse(text) {
            Err(Problem {
                loc,
                kind: ProblemKind::Syntax(message),
            }) => (loc, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_duplicate_key_names_its_first_place() {
        let (loc, message) = syntax("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(loc.line, 4);
        assert_eq!(
            message,
            "duplicate key 'c'; it first appears at line 3, column 3"
        );
        // The same key in another mapping is not the first place.
        let (_, message) = syntax("x: {k: 1}\ny: {k: 1, k: 2}\n");
        assert!(message.ends_with("line 2, column 5"), "{message}");
    }

    #[test]
    fn a_raw_control_character_is_named_at_its_position() {
        let (loc, message) = syntax("a: 1\nb: \"x\u{1b}[2Jy\"\n");
        assert_eq!(loc, Loc { line: 2, col: 6 });
        assert!(
            message.starts_with("control character U+001B (ESC"),
            "{message}"
        );
    }

    #[test]
    fn deep_nesting_is_named_as_such() {
        let (_, message) = syntax(&format!("a: {}", "[".repeat(10_000)));
        assert_eq!(
            message,
            "the document nests more than 48 levels deep; a nesting bomb?"
        );
    }
}
