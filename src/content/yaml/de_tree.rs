//! A serde deserializer over a [`Node`] tree, with recovery: a problem is tied to the node
//! it happened at, the node is cut out, and deserialization runs again, so every problem in a
//! file is found in one call of [`from_tree`]. Unknown keys are all reported at once.
//!
//! Invariant: each round removes at least one node, and rounds are capped, so it ends.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::Deserializer;
use serde::de::{
    self, DeserializeSeed, EnumAccess, Error as _, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::{Node, Problem, ProblemKind, Removed, Value};

/// Deserialization retries per file (each removes a bad node and reports it).
const MAX_ROUNDS: usize = 200;

/// Deserializes a `T` from `root`, reporting every problem found on the way. Returns the
/// value when one could be built (possibly with bad entries left out) and all problems.
pub fn from_tree<T: de::DeserializeOwned>(root: &Node) -> (Option<T>, Vec<Problem>) {
    // The common case, a clean file, needs no copy of the tree to cut bad nodes from.
    let side = RefCell::new(Vec::new());
    if let Ok(value) = T::deserialize(NodeDe {
        node: root,
        side: &side,
    }) && side.borrow().is_empty()
    {
        return (Some(value), Vec::new());
    }
    let mut tree = root.clone();
    let mut problems: Vec<Problem> = Vec::new();
    let mut reported: HashSet<(u32, String)> = HashSet::new();
    let mut removed_keys: HashSet<(u32, String)> = HashSet::new();
    // Each round removes at least one node, so this ends; the cap bounds the work a file
    // with thousands of mistakes can cause (the first ones are reported).
    for _ in 0..MAX_ROUNDS {
        let side = RefCell::new(Vec::new());
        let result = T::deserialize(NodeDe {
            node: &tree,
            side: &side,
        });
        let (value, errors) = match result {
            Ok(value) => (Some(value), Vec::new()),
            Err(error) => (None, error.0),
        };
        let mut retry = false;
        for problem in side.into_inner().into_iter().chain(errors) {
            let suppressed = match &problem.kind {
                ErrKind::MissingField(name) => {
                    let map = problem.node.unwrap_or(u32::MAX);
                    removed_keys.contains(&(map, (*name).to_owned()))
                        || misspelt_here(root.find(map), name)
                }
                _ => false,
            };
            let node = problem.node.unwrap_or(tree.id);
            if !suppressed {
                let loc = root.find(node).map_or(root.loc, |n| n.loc);
                let kind = problem.kind.into_public();
                if reported.insert((node, format!("{kind:?}"))) {
                    problems.push(Problem { loc, kind });
                }
            }
            if value.is_none() {
                if node == tree.id {
                    return (None, sorted(problems));
                }
                match tree.remove(node) {
                    Some(Removed::Entry { map, key }) => {
                        removed_keys.insert((map, key));
                        retry = true;
                    }
                    Some(Removed::Element) => retry = true,
                    None => {}
                }
            }
        }
        if let Some(value) = value {
            return (Some(value), sorted(problems));
        }
        if !retry {
            return (None, sorted(problems));
        }
    }
    (None, sorted(problems))
}

/// Whether `map` has a key that is a near miss of `name` (reported as an unknown field with
/// "did you mean"), so "missing field" would only repeat it.
fn misspelt_here(map: Option<&Node>, name: &str) -> bool {
    map.is_some_and(|map| {
        map.entries().iter().any(|(key, _)| {
            key.as_str().is_some_and(|key| {
                key != name && super::super::diagnostic::closest(key, [name]).is_some()
            })
        })
    })
}

fn sorted(mut problems: Vec<Problem>) -> Vec<Problem> {
    problems.sort_by_key(|p| p.loc);
    problems
}

/// The deserializer's error: one or more problems, each tied to a node once known.
#[derive(Debug)]
pub struct DeError(Vec<RawProblem>);

#[derive(Debug)]
struct RawProblem {
    node: Option<u32>,
    kind: ErrKind,
}

#[derive(Debug)]
enum ErrKind {
    Custom(String),
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
    MissingField(&'static str),
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
}

impl ErrKind {
    fn into_public(self) -> ProblemKind {
        match self {
            ErrKind::Custom(message) => ProblemKind::Invalid(message),
            ErrKind::UnknownField { field, expected } => {
                ProblemKind::UnknownField { field, expected }
            }
            ErrKind::MissingField(name) => ProblemKind::MissingField(name),
            ErrKind::UnknownVariant { variant, expected } => {
                ProblemKind::UnknownVariant { variant, expected }
            }
        }
    }
}

impl DeError {
    fn one(kind: ErrKind) -> Self {
        Self(vec![RawProblem { node: None, kind }])
    }

    /// Ties problems that do not know their node yet to `node` (the innermost wins).
    fn at(mut self, node: u32) -> Self {
        for problem in &mut self.0 {
            problem.node.get_or_insert(node);
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.0 {
            match &problem.kind {
                ErrKind::Custom(message) => f.write_str(message)?,
                ErrKind::UnknownField { field, .. } => write!(f, "unknown field '{field}'")?,
                ErrKind::MissingField(name) => write!(f, "missing field '{name}'")?,
                ErrKind::UnknownVariant { variant, .. } => {
                    write!(f, "unknown value '{variant}'")?;
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Self::one(ErrKind::Custom(message.to_string()))
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::one(ErrKind::UnknownField {
            field: field.to_owned(),
            expected,
        })
    }
    fn missing_field(field: &'static str) -> Self {
        Self::one(ErrKind::MissingField(field))
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::one(ErrKind::UnknownVariant {
            variant: variant.to_owned(),
            expected,
        })
    }
    fn invalid_type(unexpected: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "expected {}, found {}",
            plain_expected(&expected.to_string()),
            unexpected_text(&unexpected)
        ))
    }
    fn invalid_value(unexpected: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Self::invalid_type(unexpected, expected)
    }
}

/// Serde's Rust type names in an author's words.
fn plain_expected(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a map" => "a mapping".to_owned(),
        other if other.starts_with("struct ") => "a mapping".to_owned(),
        other => other.to_owned(),
    }
}

fn unexpected_text(unexpected: &de::Unexpected) -> String {
    match unexpected {
        de::Unexpected::Str(text) => format!("'{text}'"),
        de::Unexpected::Signed(n) => format!("{n}"),
        de::Unexpected::Unsigned(n) => format!("{n}"),
        de::Unexpected::Float(x) => format!("{x}"),
        de::Unexpected::Bool(b) => format!("{b}"),
        de::Unexpected::Seq => "a list".to_owned(),
        de::Unexpected::Map => "a mapping".to_owned(),
        de::Unexpected::Unit | de::Unexpected::Option => "nothing".to_owned(),
        other => other.to_string(),
    }
}

/// A serde deserializer over one node. Problems that need not stop deserialization
/// (unknown fields) go to `side`.
#[derive(Clone, Copy)]
struct NodeDe<'a> {
    node: &'a Node,
    side: &'a RefCell<Vec<RawProblem>>,
}

impl<'a> NodeDe<'a> {
    fn child(&self, node: &'a Node) -> Self {
        Self {
            node,
            side: self.side,
        }
    }

    fn wrong(&self, expected: &str) -> DeError {
        DeError::custom(format_args!("expected {expected}, found {}", self.found()))
            .at(self.node.id)
    }

    fn found(&self) -> String {
        match &self.node.value {
            Value::Str(text) => format!("'{}'", short(text)),
            Value::Int(n) => n.to_string(),
            Value::UInt(n) => n.to_string(),
            Value::Float(x) => x.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => self.node.describe().to_owned(),
        }
    }
}

fn short(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out.replace('\n', " ")
}

macro_rules! forward_to_any {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.deserialize_any(visitor)
        })*
    };
}

impl<'de, 'a> Deserializer<'de> for NodeDe<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let id = self.node.id;
        let result = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(n) => visitor.visit_i64(*n),
            Value::UInt(n) => visitor.visit_u64(*n),
            Value::Float(x) => visitor.visit_f64(*x),
            Value::Str(text) => visitor.visit_str(text),
            Value::Seq(items) => visitor.visit_seq(Seq {
                de: self,
                items: items.iter(),
            }),
            Value::Map(entries) => visitor.visit_map(Map {
                de: self,
                entries,
                next: 0,
                pending: None,
            }),
        };
        result.map_err(|e: DeError| e.at(id))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let id = self.node.id;
        match self.node.scalar_text() {
            Some(text) => visitor.visit_str(&text).map_err(|e: DeError| e.at(id)),
            None => Err(self.wrong("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let id = self.node.id;
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e: DeError| e.at(id))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Seq(_) => self.deserialize_any(visitor),
            _ => Err(self.wrong("a list")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Map(_) => self.deserialize_any(visitor),
            _ => Err(self.wrong("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Map(_) => self.deserialize_any(visitor),
            _ => Err(self.wrong("a mapping")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let id = self.node.id;
        match &self.node.value {
            Value::Str(_) => visitor.visit_enum(Enum {
                key: self,
                value: None,
            }),
            Value::Map(entries) if entries.len() == 1 => {
                let (key, value) = &entries[0];
                visitor.visit_enum(Enum {
                    key: self.child(key),
                    value: Some(self.child(value)),
                })
            }
            _ => Err(self.wrong("a name, or a mapping with one key")),
        }
        .map_err(|e: DeError| e.at(id))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let id = self.node.id;
        visitor
            .visit_newtype_struct(self)
            .map_err(|e: DeError| e.at(id))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    forward_to_any! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_identifier deserialize_i128 deserialize_u128
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }
}

struct Seq<'a> {
    de: NodeDe<'a>,
    items: std::slice::Iter<'a, Node>,
}

impl<'de, 'a> SeqAccess<'de> for Seq<'a> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(item) => seed
                .deserialize(self.de.child(item))
                .map(Some)
                .map_err(|e: DeError| e.at(item.id)),
            None => Ok(None),
        }
    }
}

struct Map<'a> {
    de: NodeDe<'a>,
    entries: &'a [(Node, Node)],
    next: usize,
    pending: Option<&'a Node>,
}

impl<'de, 'a> MapAccess<'de> for Map<'a> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, value)) = self.entries.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.pending = Some(value);
        // Keys are names: `1: x` is the key "1", never serde's field number 1.
        let result = match (&key.value, key.scalar_text()) {
            (Value::Str(_), _) | (_, None) => seed.deserialize(self.de.child(key)),
            (_, Some(text)) => seed.deserialize(de::value::StringDeserializer::new(text)),
        };
        match result {
            Ok(k) => Ok(Some(k)),
            Err(mut error) => {
                // An unknown field: report every unknown key of this mapping at once.
                let expected = error.0.iter().find_map(|p| match &p.kind {
                    ErrKind::UnknownField { expected, .. } => Some(*expected),
                    _ => None,
                });
                if let Some(expected) = expected {
                    for (other, _) in &self.entries[self.next..] {
                        let Some(name) = other.as_str() else { continue };
                        if !expected.contains(&name) {
                            error.0.push(RawProblem {
                                node: Some(other.id),
                                kind: ErrKind::UnknownField {
                                    field: name.to_owned(),
                                    expected,
                                },
                            });
                        }
                    }
                }
                Err(error.at(key.id))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some(value) = self.pending.take() else {
            return Err(DeError::custom("value requested before key"));
        };
        seed.deserialize(self.de.child(value))
            .map_err(|e: DeError| e.at(value.id))
    }
}

struct Enum<'a> {
    key: NodeDe<'a>,
    value: Option<NodeDe<'a>>,
}

impl<'de, 'a> EnumAccess<'de> for Enum<'a> {
    type Error = DeError;
    type Variant = Variant<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Variant<'a>), DeError> {
        let id = self.key.node.id;
        let Some(name) = self.key.node.scalar_text() else {
            return Err(self.key.wrong("a name"));
        };
        let variant = seed
            .deserialize(name.as_str().into_deserializer())
            .map_err(|e: DeError| e.at(id))?;
        Ok((
            variant,
            Variant {
                key: self.key,
                value: self.value,
            },
        ))
    }
}

struct Variant<'a> {
    key: NodeDe<'a>,
    value: Option<NodeDe<'a>>,
}

impl<'de, 'a> VariantAccess<'de> for Variant<'a> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        match self.value {
            None => Ok(()),
            Some(value) if matches!(value.node.value, Value::Null) => Ok(()),
            Some(value) => Err(value.wrong("nothing after this name")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        match self.value {
            Some(value) => seed.deserialize(value),
            None => Err(self.key.wrong("a mapping with one key")),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        match self.value {
            Some(value) => value.deserialize_seq(visitor),
            None => Err(self.key.wrong("a mapping with one key")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            Some(value) => value.deserialize_map(visitor),
            None => Err(self.key.wrong("a mapping with one key")),
        }
    }
}
