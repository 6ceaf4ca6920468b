//! A fast path for [`super::parse`]: builds the [`Node`] tree straight from the parser's
//! events, skipping serde-saphyr's per-node `Spanned` deserialization (about half the cost of
//! loading a large content tree). It accepts only documents whose meaning is unambiguous.
//!
//! Invariant: it returns `None` for anything it is not sure to read exactly as
//! serde-saphyr does (errors, anchors, aliases, tags, several documents, duplicate or merge
//! keys, scalars that could be numbers, booleans or nulls in unusual spellings, deep nesting);
//! the caller then takes the full path, which also produces every diagnostic.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span};

use super::super::sanitize::sanitize_owned;
use super::{Loc, Node, Value};

/// Well inside the full path's budget, so the fast path never accepts what it would refuse.
const FAST_MAX_DEPTH: usize = 40;
const FAST_MAX_NODES: usize = 150_000;

/// Every character any number form may contain: digits, signs, radix and exponent letters,
/// hex digits, separators, and the letters of `inf`, `infinity` and `nan`.
const NUMBER_CHARS: &str = "0123456789+-._,:abcdefABCDEFxXoOpPiInNtTyY";

/// A collection being built: its node (value filled in at its end) and its children.
enum Open {
    Seq(Node, Vec<Node>),
    Map(Node, Vec<(Node, Node)>, Option<Node>),
}

/// The tree of `text`, or `None` when the full path must decide.
pub(super) fn parse(text: &str) -> Option<Node> {
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut next_id: u32 = 0;
    let mut documents = 0;
    // serde-saphyr's parser settings for its default budget; comments carry no value.
    let mut options = Options::default();
    options.set_emit_comments(false);
    for event in Parser::new_from_str_with_options(text, options) {
        let (event, span) = event.ok()?;
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let in_key = matches!(stack.last(), Some(Open::Map(_, _, None)));
                let value = scalar(value, style, in_key)?;
                new_node(&mut next_id, &span, value)?
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= FAST_MAX_DEPTH {
                    return None;
                }
                // A collection as a mapping key: leave it to the full path.
                if matches!(stack.last(), Some(Open::Map(_, _, None))) {
                    return None;
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                let node = new_node(&mut next_id, &span, Value::Null)?;
                stack.push(if is_seq {
                    Open::Seq(node, Vec::new())
                } else {
                    Open::Map(node, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(mut node, items) => {
                    node.value = Value::Seq(items);
                    node
                }
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(mut node, entries, None) => {
                    node.value = Value::Map(entries);
                    node
                }
                _ => return None,
            },
            _ => return None,
        };
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return None;
                }
                root = Some(node);
            }
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, entries, pending)) => match pending.take() {
                None => {
                    // Duplicate keys are an error of the full path (with its own message).
                    let text = node.as_str()?;
                    if entries.iter().any(|(k, _)| k.as_str() == Some(text)) {
                        return None;
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// Where the key duplicated at `dup` first appears in the same mapping (for the full path's
/// "duplicate key" message, which names only the second). Only plain scalar keys are
/// compared, as text; `None` when the event stream does not show the duplicate.
pub(super) fn first_of_duplicate(text: &str, dup: Loc) -> Option<Loc> {
    // Per open collection: for a mapping, its keys so far and whether a key is pending.
    enum Frame {
        Seq,
        Map(Vec<(String, Loc)>, bool),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut options = Options::default();
    options.set_emit_comments(false);
    for event in Parser::new_from_str_with_options(text, options) {
        let (event, span) = event.ok()?;
        let loc = Loc {
            line: u32::try_from(span.start.line()).ok()?,
            col: u32::try_from(span.start.col() + 1).ok()?,
        };
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map(keys, false)) = stack.last_mut() {
                    if loc.line == dup.line
                        && let Some((_, first)) = keys.iter().find(|(k, _)| *k == value)
                    {
                        return Some(*first);
                    }
                    keys.push((value.into_owned(), loc));
                }
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq);
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(Vec::new(), false));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
            }
            Event::Alias(..) => {}
            _ => continue,
        }
        // A node ended: in a mapping, a key is followed by its value and a value by a key.
        if let Some(Frame::Map(_, pending)) = stack.last_mut() {
            *pending = !*pending;
        }
    }
    None
}

fn new_node(next_id: &mut u32, span: &Span, value: Value) -> Option<Node> {
    let id = *next_id;
    if id as usize >= FAST_MAX_NODES {
        return None;
    }
    *next_id += 1;
    Some(Node {
        id,
        loc: Loc {
            line: u32::try_from(span.start.line()).ok()?,
            col: u32::try_from(span.start.col() + 1).ok()?,
        },
        value,
    })
}

/// The value of a scalar, as serde-saphyr resolves it (YAML 1.2 booleans, leading-zero
/// numbers as text), for the spellings this path is sure of; `None` for the rest.
fn scalar(text: Cow<str>, style: ScalarStyle, in_key: bool) -> Option<Value> {
    if !matches!(style, ScalarStyle::Plain) {
        // Empty quoted or block text: rare; let the full path decide.
        if text.is_empty() || in_key {
            return None;
        }
        return Some(Value::Str(sanitize_owned(text.into_owned())));
    }
    let t: &str = &text;
    let first = t.chars().next()?;
    if first.is_ascii_digit() || matches!(first, '-' | '+' | '.') {
        if in_key {
            return None;
        }
        // No number has a space inside, nor a character outside the alphabet of YAML's (and
        // serde-saphyr's) number forms: `3 failures`, `30s` and `250ms` stay text.
        if t.contains([' ', '\t']) || t.chars().any(|c| !NUMBER_CHARS.contains(c)) {
            return Some(Value::Str(sanitize_owned(text.into_owned())));
        }
        return number(t);
    }
    // Words that are (or, in another spelling, might be) null, booleans or non-finite numbers.
    let lower = t.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null" | "true" | "false" | "inf" | "infinity" | "nan" | "<<"
    ) || first == '~'
    {
        if in_key {
            return None;
        }
        return match t {
            "~" | "null" | "Null" | "NULL" => Some(Value::Null),
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => None,
        };
    }
    Some(Value::Str(sanitize_owned(text.into_owned())))
}

/// Plain decimal integers (no leading zero) and simple decimals; `None` for other forms.
fn number(t: &str) -> Option<Value> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let no_leading_zero = |s: &str| s == "0" || !s.starts_with('0');
    if all_digits(digits) && no_leading_zero(digits) && digits.len() <= 18 {
        if t.starts_with('-') && digits == "0" {
            return None;
        }
        return t.parse::<i64>().ok().map(Value::Int);
    }
    let (whole, fraction) = digits.split_once('.')?;
    if all_digits(whole) && no_leading_zero(whole) && all_digits(fraction) && t.len() <= 17 {
        return t.parse::<f64>().ok().map(Value::Float);
    }
    None
}
