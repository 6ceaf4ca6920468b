//! Where semantic problems are reported: a per-file [`Sink`] that counts errors, and paths
//! ([`Seg`]) that locate a problem in the parsed tree even after typing left parts out.

use super::super::diagnostic::Diagnostic;
use super::super::yaml::{Loc, Node};
use super::is_valid_id;

/// One file after parsing: its tree (when it is YAML), its typed value (when one could be
/// built) and how many errors it has so far.
pub(super) struct Parsed<T> {
    pub(super) display: String,
    pub(super) tree: Option<Node>,
    pub(super) value: Option<T>,
    pub(super) errors: usize,
}

/// Collects diagnostics for one file and counts its errors.
pub(super) struct Sink<'a> {
    pub(super) path: &'a str,
    pub(super) tree: Option<&'a Node>,
    pub(super) out: &'a mut Vec<Diagnostic>,
    pub(super) errors: usize,
}

impl Sink<'_> {
    pub(super) fn error(
        &mut self,
        loc: Option<Loc>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.errors += 1;
        self.out
            .push(Diagnostic::error(self.path, loc, message).maybe_hint(hint));
    }

    pub(super) fn warning(
        &mut self,
        loc: Option<Loc>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.out
            .push(Diagnostic::warning(self.path, loc, message).maybe_hint(hint));
    }

    pub(super) fn at(&self, path: &[Seg]) -> Option<Loc> {
        self.tree.map(|tree| locate(tree, path))
    }

    /// Whether the file has a non-empty list at `path` (even if its items failed to type).
    pub(super) fn written(&self, path: &[Seg]) -> bool {
        self.tree
            .and_then(|tree| locate_node(tree, path))
            .is_some_and(|node| !node.items().is_empty())
    }
}

/// A step in a path through the tree, for locating semantic problems.
#[derive(Debug, Clone, Copy)]
pub(super) enum Seg<'a> {
    /// The value under a mapping key.
    Key(&'a str),
    /// The key node itself.
    KeyName(&'a str),
    /// The list element whose `id` is this.
    Id(&'a str),
    /// The list element at this index.
    Index(usize),
    /// The list element equal to this string.
    Item(&'a str),
}

/// The node `path` leads to exactly, if it exists.
pub(super) fn locate_node<'a>(root: &'a Node, path: &[Seg]) -> Option<&'a Node> {
    let mut node = root;
    for seg in path {
        node = step(node, *seg)?;
    }
    Some(node)
}

pub(super) fn step<'a>(node: &'a Node, seg: Seg) -> Option<&'a Node> {
    match seg {
        Seg::Key(key) => node.get(key),
        Seg::KeyName(key) => node.entry(key).map(|(k, _)| k),
        Seg::Id(id) => node
            .items()
            .iter()
            .find(|item| item.get("id").and_then(Node::as_str) == Some(id)),
        Seg::Index(index) => node.items().get(index),
        Seg::Item(text) => node.items().iter().find(|item| item.as_str() == Some(text)),
    }
}

/// The position of the deepest node `path` reaches from `root`.
pub(super) fn locate(root: &Node, path: &[Seg]) -> Loc {
    let mut node = root;
    for seg in path {
        match step(node, *seg) {
            Some(next) => node = next,
            None => break,
        }
    }
    node.loc
}

pub(super) const ID_HINT: &str =
    "ids use lowercase letters, digits and '-', e.g. 'half-open-trial'";

pub(super) fn check_id(sink: &mut Sink, id: &str, at: &[Seg], what: &str) {
    if !is_valid_id(id) {
        let loc = sink.at(at);
        sink.error(
            loc,
            format!("{what} id '{id}' is not a valid id"),
            Some(ID_HINT.into()),
        );
    }
}

pub(super) fn check_text(sink: &mut Sink, text: &str, at: &[Seg], what: &str) {
    if text.trim().is_empty() {
        let loc = sink.at(at);
        sink.error(
            loc,
            format!("{what} is empty"),
            Some("write it, or remove the item".into()),
        );
    }
}
