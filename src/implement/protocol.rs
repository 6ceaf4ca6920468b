//! The wire protocol, version 1: the requests the checker sends, the shapes of the replies
//! it accepts, and the ways a program can break it. One JSON object per line each way;
//! every request gets exactly one reply line: `{"ok": true}` where nothing else is asked,
//! the asked value (`{"allow": true}`, `{"state": "OPEN"}`, `{"delay_ms": 250}`), or
//! `{"error": "..."}`.

use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};

use super::Pattern;
use crate::engine::breaker::State;

/// The protocol version sent in `hello`.
pub const PROTOCOL_VERSION: u32 = 1;

/// The longest reply line accepted; a longer one is a flood.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// `{"op":"hello","protocol":1,"pattern":"circuit-breaker"}`.
pub fn hello(pattern: Pattern) -> Value {
    json!({"op": "hello", "protocol": PROTOCOL_VERSION, "pattern": pattern.name()})
}

/// `{"op":"reset"}`: a new case starts; forget everything but the protocol.
pub fn reset() -> Value {
    json!({"op": "reset"})
}

/// A request as one line, `op` first (then the other fields in name order), as people
/// expect to read it in logs and reports.
pub fn encode(request: &Value) -> String {
    let Value::Object(fields) = request else {
        return request.to_string();
    };
    let mut out = String::from("{");
    let op = fields.get("op").map(|op| ("op", op));
    let rest = fields
        .iter()
        .filter(|(k, _)| *k != "op")
        .map(|(k, v)| (k.as_str(), v));
    for (index, (key, value)) in op.into_iter().chain(rest).enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.to_owned()).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
    out.push('}');
    out
}

/// The reply the engine expects to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    Ok,
    Allow(bool),
    State(State),
    DelayMs(u64),
}

impl Expect {
    /// The reply's shape, for messages: `{"allow": true|false}`.
    pub fn shape(&self) -> &'static str {
        match self {
            Self::Ok => r#"{"ok": true}"#,
            Self::Allow(_) => r#"{"allow": true|false}"#,
            Self::State(_) => r#"{"state": "CLOSED"|"OPEN"|"HALF_OPEN"}"#,
            Self::DelayMs(_) => r#"{"delay_ms": <whole milliseconds, >= 0>}"#,
        }
    }

    /// Whether the learner's answer is this one.
    pub fn agrees(&self, answer: &Answer) -> bool {
        match (self, answer) {
            (Self::Ok, Answer::Ok) => true,
            (Self::Allow(a), Answer::Allow(b)) => a == b,
            (Self::State(a), Answer::State(b)) => a == b,
            (Self::DelayMs(a), Answer::DelayMs(b)) => a == b,
            _ => false,
        }
    }

    /// The expected reply as the learner's program should print it.
    pub fn answer(&self) -> Answer {
        match self {
            Self::Ok => Answer::Ok,
            Self::Allow(allow) => Answer::Allow(*allow),
            Self::State(state) => Answer::State(*state),
            Self::DelayMs(ms) => Answer::DelayMs(*ms),
        }
    }
}

/// A reply of the right shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Ok,
    Allow(bool),
    State(State),
    DelayMs(u64),
    /// `{"error": "..."}`: the program declined to answer (a starter's "not written yet").
    Error(String),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("ok"),
            Self::Allow(true) => f.write_str("allow"),
            Self::Allow(false) => f.write_str("reject"),
            Self::State(state) => write!(f, "{state}"),
            Self::DelayMs(ms) => write!(f, "{ms}ms"),
            Self::Error(message) => write!(f, "error: {message}"),
        }
    }
}

/// How a program failed to keep to the protocol. Each message says what happened in the
/// learner's terms; the report adds the last exchange.
#[derive(Debug, Clone, PartialEq)]
pub enum Misbehaviour {
    /// The program ended (stdout closed) before replying; its exit status if known.
    Exited { status: Option<String> },
    /// No reply line within the per-reply timeout.
    Timeout { after: Duration },
    /// A reply line longer than [`MAX_LINE_BYTES`].
    Flood,
    /// A reply that is not one JSON object.
    NotJson { error: String },
    /// A JSON object without the asked field (or with a value of the wrong type).
    Shape { wanted: &'static str },
    /// A line printed after a reply, before the next request.
    Unsolicited { line: String },
    /// The program answered `hello`, `reset` or `config` with an error.
    Refused(String),
    /// The program could not be started, or its pipes failed.
    Io(String),
    /// The user stopped the check (Ctrl-C).
    Interrupted,
}

impl fmt::Display for Misbehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exited {
                status: Some(status),
            } => {
                write!(f, "your program exited ({status}) before replying")
            }
            Self::Exited { status: None } => {
                f.write_str("your program closed its output before replying")
            }
            Self::Timeout { after } => write!(
                f,
                "your program did not reply within {} (it may be waiting for input it already has, or not flushing stdout)",
                crate::engine::duration::format_duration(*after)
            ),
            Self::Flood => write!(
                f,
                "your program printed a line longer than {MAX_LINE_BYTES} bytes; a reply is one short JSON object"
            ),
            Self::NotJson { error } => {
                write!(
                    f,
                    "your program replied with a line that is not a JSON object ({error}); replies are one JSON object per line, logs go to stderr"
                )
            }
            Self::Shape { wanted } => write!(
                f,
                "your program's reply does not have the asked shape {wanted}"
            ),
            Self::Unsolicited { line } => write!(
                f,
                "your program printed a line nobody asked for: '{}'; every request gets exactly one reply line (log to stderr instead)",
                clip(line)
            ),
            Self::Refused(message) => write!(
                f,
                "your program answered with an error: '{}'",
                clip(message)
            ),
            Self::Io(message) => f.write_str(message),
            Self::Interrupted => f.write_str("stopped"),
        }
    }
}

/// A line cut to 200 characters for messages.
pub fn clip(line: &str) -> String {
    const MAX: usize = 200;
    match line.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

/// Reads one reply line as the answer to a request expecting `expect`.
pub fn parse_reply(line: &str, expect: &Expect) -> Result<Answer, Misbehaviour> {
    let value: Value = serde_json::from_str(line.trim()).map_err(|e| Misbehaviour::NotJson {
        error: e.to_string(),
    })?;
    let Value::Object(object) = value else {
        return Err(Misbehaviour::NotJson {
            error: "a JSON value, but not an object".to_owned(),
        });
    };
    if let Some(error) = object.get("error") {
        let message = match error {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        return Ok(Answer::Error(message));
    }
    let wanted = expect.shape();
    let shape = || Misbehaviour::Shape { wanted };
    match expect {
        Expect::Ok => match object.get("ok") {
            Some(Value::Bool(true)) => Ok(Answer::Ok),
            _ => Err(shape()),
        },
        Expect::Allow(_) => match object.get("allow") {
            Some(Value::Bool(allow)) => Ok(Answer::Allow(*allow)),
            _ => Err(shape()),
        },
        Expect::State(_) => match object.get("state").and_then(Value::as_str) {
            Some("CLOSED") => Ok(Answer::State(State::Closed)),
            Some("OPEN") => Ok(Answer::State(State::Open)),
            Some("HALF_OPEN") => Ok(Answer::State(State::HalfOpen)),
            _ => Err(shape()),
        },
        Expect::DelayMs(_) => match object.get("delay_ms") {
            Some(Value::Number(n)) => whole_ms(n).map(Answer::DelayMs).ok_or_else(shape),
            _ => Err(shape()),
        },
    }
}

/// A non-negative whole number of milliseconds: `250` or `250.0` (JavaScript prints floored
/// floats without the fraction, Python keeps `.0`).
fn whole_ms(n: &serde_json::Number) -> Option<u64> {
    if let Some(ms) = n.as_u64() {
        return Some(ms);
    }
    let float = n.as_f64()?;
    // Below 2^53 every whole f64 converts exactly.
    (float >= 0.0 && float.fract() == 0.0 && float < 9_007_199_254_740_992.0)
        .then_some(float as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_of_the_asked_shape_are_answers() {
        assert_eq!(parse_reply(r#"{"ok": true}"#, &Expect::Ok), Ok(Answer::Ok));
        assert_eq!(
            parse_reply(r#"{"allow":false}"#, &Expect::Allow(true)),
            Ok(Answer::Allow(false))
        );
        assert_eq!(
            parse_reply(r#" {"state":"HALF_OPEN"} "#, &Expect::State(State::Open)),
            Ok(Answer::State(State::HalfOpen))
        );
        assert_eq!(
            parse_reply(r#"{"delay_ms": 250.0}"#, &Expect::DelayMs(1)),
            Ok(Answer::DelayMs(250))
        );
        assert_eq!(
            parse_reply(r#"{"error": "not written yet"}"#, &Expect::Allow(true)),
            Ok(Answer::Error("not written yet".to_owned()))
        );
    }

    #[test]
    fn other_replies_say_what_was_wanted() {
        let shape = parse_reply(r#"{"allowed": true}"#, &Expect::Allow(true));
        assert_eq!(
            shape,
            Err(Misbehaviour::Shape {
                wanted: r#"{"allow": true|false}"#
            })
        );
        assert!(matches!(
            parse_reply("allow", &Expect::Allow(true)),
            Err(Misbehaviour::NotJson { .. })
        ));
        assert!(matches!(
            parse_reply("[true]", &Expect::Allow(true)),
            Err(Misbehaviour::NotJson { .. })
        ));
        for bad in [
            r#"{"delay_ms": -1}"#,
            r#"{"delay_ms": 1.5}"#,
            r#"{"delay_ms": "1"}"#,
        ] {
            assert!(
                matches!(
                    parse_reply(bad, &Expect::DelayMs(1)),
                    Err(Misbehaviour::Shape { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_reply(r#"{"state": "open"}"#, &Expect::State(State::Open)),
            Err(Misbehaviour::Shape { .. })
        ));
    }

    #[test]
    fn long_lines_are_clipped_in_messages() {
        let line = "x".repeat(500);
        assert_eq!(clip(&line).chars().count(), 201);
        assert_eq!(clip("short"), "short");
    }
}
