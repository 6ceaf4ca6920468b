//! Scalar values authors write as text: durations ('30s'), quantities (a number or a
//! duration), tolerances ('5%', '500ms', 2) and parameter values (a number, a duration or a
//! name). Durations are parsed and printed only by `crate::engine::duration`.
//!
//! Invariant: a value that deserialized is well formed; `Display` prints what parses back.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::duration::{format_duration, parse_duration};

/// A duration written as text: '500ms', '30s', '2m', '1h', '1m30s'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timespan(pub Duration);

impl Timespan {
    /// The duration.
    pub fn get(self) -> Duration {
        self.0
    }
}

impl fmt::Display for Timespan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

impl Serialize for Timespan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_duration(self.0))
    }
}

impl<'de> Deserialize<'de> for Timespan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timespan;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as '500ms', '30s' or '2m'")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timespan, E> {
                parse_duration(v).map(Timespan).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timespan, E> {
                Err(E::custom(format_args!(
                    "'{v}' has no unit; write a number and a unit, e.g. '{v}s' or '{v}ms'"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timespan, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timespan, E> {
                Err(E::custom(format_args!(
                    "'{v}' has no unit; write a number and a unit, e.g. '{v}s'"
                )))
            }
        }
        deserializer.deserialize_str(V)
    }
}

impl JsonSchema for Timespan {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A duration: a number and a unit (ms, s, m, h), e.g. '500ms', '30s', '1m30s'.",
            "pattern": DURATION_PATTERN,
        })
    }
}

const DURATION_PATTERN: &str = r"^\s*([0-9]+(\.[0-9]+)?\s*[A-Za-z]+\s*)+$";

/// A number or a duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quantity {
    Number(f64),
    Duration(Timespan),
}

impl Quantity {
    /// The value as a plain number: the number itself, or a duration in milliseconds.
    pub fn as_f64(self) -> f64 {
        match self {
            Quantity::Number(x) => x,
            Quantity::Duration(d) => d.0.as_secs_f64() * 1000.0,
        }
    }

    /// Whether this is a duration.
    pub fn is_duration(self) -> bool {
        matches!(self, Quantity::Duration(_))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Number(x) => write!(f, "{x}"),
            Quantity::Duration(d) => write!(f, "{d}"),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Quantity::Number(x) => serializer.serialize_f64(*x),
            Quantity::Duration(d) => d.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a duration such as '30s'")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                Ok(Quantity::Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                if let Ok(x) = v.trim().parse::<f64>() {
                    return Ok(Quantity::Number(x));
                }
                parse_duration(v)
                    .map(|d| Quantity::Duration(Timespan(d)))
                    .map_err(E::custom)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number (12.5) or a duration ('30s').",
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": DURATION_PATTERN},
            ],
        })
    }
}

/// How far an answer may be from the key: an absolute amount in the answer's unit, or a
/// percentage of the key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    Absolute(Quantity),
    Percent(f64),
}

impl Serialize for Tolerance {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Tolerance::Absolute(q) => q.serialize(serializer),
            Tolerance::Percent(p) => serializer.serialize_str(&format!("{p}%")),
        }
    }
}

impl<'de> Deserialize<'de> for Tolerance {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Tolerance;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a duration ('500ms') or a percentage ('5%')")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tolerance, E> {
                Ok(Tolerance::Absolute(Quantity::Number(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tolerance, E> {
                Ok(Tolerance::Absolute(Quantity::Number(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tolerance, E> {
                Ok(Tolerance::Absolute(Quantity::Number(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Tolerance, E> {
                if let Some(percent) = v.trim().strip_suffix('%') {
                    return percent
                        .trim()
                        .parse::<f64>()
                        .map(Tolerance::Percent)
                        .map_err(|_| {
                            E::custom(format_args!("'{v}' is not a percentage; write e.g. '5%'"))
                        });
                }
                V2.visit_str(v).map(Tolerance::Absolute)
            }
        }
        struct V2;
        impl V2 {
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                if let Ok(x) = v.trim().parse::<f64>() {
                    return Ok(Quantity::Number(x));
                }
                parse_duration(v)
                    .map(|d| Quantity::Duration(Timespan(d)))
                    .map_err(E::custom)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for Tolerance {
    fn schema_name() -> Cow<'static, str> {
        "Tolerance".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Accepted error: a number, a duration ('500ms') or a percentage ('5%').",
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string"},
            ],
        })
    }
}

/// A parameter value: a number, a duration ('10s') or a name ('full').
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Number(f64),
    Duration(Timespan),
    Name(String),
}

impl ParamValue {
    /// The value as a quantity, unless it is a name.
    pub fn quantity(&self) -> Option<Quantity> {
        match self {
            ParamValue::Number(x) => Some(Quantity::Number(*x)),
            ParamValue::Duration(d) => Some(Quantity::Duration(*d)),
            ParamValue::Name(_) => None,
        }
    }

    /// What sort of value it is, for messages.
    pub fn sort(&self) -> &'static str {
        match self {
            ParamValue::Number(_) => "a number",
            ParamValue::Duration(_) => "a duration",
            ParamValue::Name(_) => "a name",
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Number(x) => write!(f, "{x}"),
            ParamValue::Duration(d) => write!(f, "{d}"),
            ParamValue::Name(name) => f.write_str(name),
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ParamValue::Number(x) => serializer.serialize_f64(*x),
            ParamValue::Duration(d) => d.serialize(serializer),
            ParamValue::Name(name) => serializer.serialize_str(name),
        }
    }
}

impl<'de> Deserialize<'de> for ParamValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ParamValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a duration ('10s') or a name")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ParamValue, E> {
                Ok(ParamValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ParamValue, E> {
                Ok(ParamValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ParamValue, E> {
                Ok(ParamValue::Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ParamValue, E> {
                let text = v.trim();
                if let Ok(x) = text.parse::<f64>() {
                    return Ok(ParamValue::Number(x));
                }
                if text.starts_with(|c: char| c.is_ascii_digit()) {
                    return parse_duration(text)
                        .map(|d| ParamValue::Duration(Timespan(d)))
                        .map_err(E::custom);
                }
                Ok(ParamValue::Name(text.to_owned()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for ParamValue {
    fn schema_name() -> Cow<'static, str> {
        "ParamValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number, a duration ('10s') or a name ('full').",
            "anyOf": [{"type": "number"}, {"type": "string"}],
        })
    }
}
