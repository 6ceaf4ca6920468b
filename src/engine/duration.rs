//! The one place durations are parsed and printed: `500ms`, `31s`, `2m`, `1h`, `1m30s`,
//! `1.5s`, `45 s`, `45 seconds`.
//!
//! Parsing is exact (integer arithmetic on nanoseconds, never floats), so `0.1s` is exactly
//! 100 ms on every machine. A bare number is refused: the unit is part of the value.

use std::fmt;
use std::time::Duration;

/// Why a duration could not be parsed. The message names the input and the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("'{input}' is empty; {FORMS}")]
    Empty { input: String },
    #[error("'{input}' has no unit; {FORMS}")]
    MissingUnit { input: String },
    #[error("'{input}': unknown unit '{unit}'; {FORMS}")]
    UnknownUnit { input: String, unit: String },
    #[error("'{input}' is not a duration; {FORMS}")]
    Malformed { input: String },
    #[error("'{input}' is too long (at most 1000 hours)")]
    TooLong { input: String },
}

const FORMS: &str = "write a number and a unit, e.g. '500ms', '31s', '2m', '1h' or '1m30s'";

/// The longest duration accepted anywhere: 1000 hours. Keeps arithmetic far from overflow.
pub const MAX: Duration = Duration::from_secs(1000 * 3600);

/// Parses a duration such as `500ms`, `31s`, `2m`, `1h`, `1m30s`, `1.5s` or `45 seconds`.
///
/// Units (case-insensitive): `ms`/`msec`/`millis`/`millisecond(s)`, `s`/`sec`/`secs`/
/// `second(s)`, `m`/`min`/`mins`/`minute(s)`, `h`/`hr`/`hour(s)`. Components may be chained
/// (`1h2m3s`) and separated by spaces. Decimals are allowed, down to nanoseconds.
pub fn parse_duration(input: &str) -> Result<Duration, DurationError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(DurationError::Empty {
            input: input.to_owned(),
        });
    }
    let malformed = || DurationError::Malformed {
        input: input.to_owned(),
    };
    let mut rest = text;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return Err(malformed());
        }
        let nanos_per_unit_of = |unit: &str| unit_nanos(unit);
        let number = &rest[..number_len];
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(if rest.is_empty() {
                DurationError::MissingUnit {
                    input: input.to_owned(),
                }
            } else {
                malformed()
            });
        }
        let unit = &rest[..unit_len];
        rest = rest[unit_len..].trim_start();
        let per_unit = nanos_per_unit_of(unit).ok_or_else(|| DurationError::UnknownUnit {
            input: input.to_owned(),
            unit: unit.to_owned(),
        })?;
        let too_long = || DurationError::TooLong {
            input: input.to_owned(),
        };
        // A well-formed number too large to count in nanoseconds is too long, not malformed.
        let part = match scale(number, per_unit) {
            Some(part) => part,
            None if well_formed(number) => return Err(too_long()),
            None => return Err(malformed()),
        };
        total = total
            .checked_add(part)
            .ok_or_else(|| DurationError::TooLong {
                input: input.to_owned(),
            })?;
        if total > MAX.as_nanos() {
            return Err(DurationError::TooLong {
                input: input.to_owned(),
            });
        }
    }
    let secs = u64::try_from(total / 1_000_000_000).map_err(|_| malformed())?;
    // The remainder is below 1e9, so it fits a u32.
    let nanos = u32::try_from(total % 1_000_000_000).map_err(|_| malformed())?;
    Ok(Duration::new(secs, nanos))
}

fn unit_nanos(unit: &str) -> Option<u128> {
    const MS: u128 = 1_000_000;
    const S: u128 = 1_000 * MS;
    let nanos = match unit.to_ascii_lowercase().as_str() {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "ms" | "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" => MS,
        "s" | "sec" | "secs" | "second" | "seconds" => S,
        "m" | "min" | "mins" | "minute" | "minutes" => 60 * S,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600 * S,
        _ => return None,
    };
    Some(nanos)
}

/// `number` (digits with at most one '.') times `per_unit` nanoseconds, truncated to whole
/// nanoseconds. `None` if the number is malformed or absurdly long.
/// Whether `number` is digits with at most one decimal point and at most 12 decimals (what
/// [`scale`] reads when it fits).
fn well_formed(number: &str) -> bool {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    !(whole.is_empty() && fraction.is_empty())
        && fraction.len() <= 12
        && whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
}

fn scale(number: &str, per_unit: u128) -> Option<u128> {
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return None;
    }
    if whole.len() > 30 || fraction.len() > 12 {
        return None;
    }
    let whole_value: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = whole_value.checked_mul(per_unit)?;
    if !fraction.is_empty() {
        let denominator = 10u128.pow(u32::try_from(fraction.len()).ok()?);
        let numerator: u128 = fraction.parse().ok()?;
        nanos = nanos.checked_add(numerator * per_unit / denominator)?;
    }
    Some(nanos)
}

/// Prints a duration the way a person writes it: `500ms`, `2.5ms`, `31s`, `1.5s`, `2m`,
/// `1m30s`, `1h`, `1h0m5s`. The output parses back to the same value (to the microsecond).
pub fn format_duration(d: Duration) -> String {
    DurationDisplay(d).to_string()
}

/// A [`Duration`] that displays as [`format_duration`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationDisplay(pub Duration);

impl fmt::Display for DurationDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let micros = d.as_micros();
        if micros == 0 {
            return f.write_str("0s");
        }
        if micros < 1_000_000 {
            return write_decimal(f, micros, 1_000, "ms");
        }
        if !micros.is_multiple_of(1_000_000) {
            return write_decimal(f, micros, 1_000_000, "s");
        }
        let total_secs = d.as_secs();
        let (hours, minutes, seconds) = (total_secs / 3600, total_secs / 60 % 60, total_secs % 60);
        if hours > 0 {
            write!(f, "{hours}h")?;
            if minutes == 0 && seconds == 0 {
                return Ok(());
            }
            write!(f, "{minutes}m")?;
        } else if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        if seconds > 0 || (hours == 0 && minutes == 0) {
            write!(f, "{seconds}s")?;
        } else if hours > 0 {
            write!(f, "0s")?;
        }
        Ok(())
    }
}

fn write_decimal(
    f: &mut fmt::Formatter<'_>,
    value: u128,
    per_unit: u128,
    unit: &str,
) -> fmt::Result {
    let whole = value / per_unit;
    let fraction = value % per_unit;
    if fraction == 0 {
        return write!(f, "{whole}{unit}");
    }
    let digits = per_unit.ilog10() as usize;
    let text = format!("{fraction:0digits$}");
    write!(f, "{whole}.{}{unit}", text.trim_end_matches('0'))
}

/// Serde for durations written as people write them (`"30s"`, `"1m30s"`), through the one
/// parser and printer: `#[serde(with = "crate::engine::duration::serde_text")]`.
pub mod serde_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::{DurationDisplay, parse_duration};

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&DurationDisplay(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn parses_every_unit_and_spelling() {
        assert_eq!(parse_duration("500ms"), Ok(ms(500)));
        assert_eq!(parse_duration("31s"), Ok(ms(31_000)));
        assert_eq!(parse_duration("2m"), Ok(ms(120_000)));
        assert_eq!(parse_duration("1h"), Ok(ms(3_600_000)));
        assert_eq!(parse_duration("45 s"), Ok(ms(45_000)));
        assert_eq!(parse_duration("45000ms"), Ok(ms(45_000)));
        assert_eq!(parse_duration(" 45 Seconds "), Ok(ms(45_000)));
        assert_eq!(parse_duration("1m30s"), Ok(ms(90_000)));
        assert_eq!(parse_duration("1h 2m 3s"), Ok(ms(3_723_000)));
        assert_eq!(parse_duration("1.5s"), Ok(ms(1_500)));
        assert_eq!(parse_duration(".5s"), Ok(ms(500)));
        assert_eq!(parse_duration("0.1s"), Ok(ms(100)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        assert!(matches!(
            parse_duration(""),
            Err(DurationError::Empty { .. })
        ));
        assert!(matches!(
            parse_duration("30"),
            Err(DurationError::MissingUnit { .. })
        ));
        assert!(matches!(
            parse_duration("30 parsecs"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_duration("s"),
            Err(DurationError::Malformed { .. })
        ));
        assert!(matches!(
            parse_duration("1..2s"),
            Err(DurationError::Malformed { .. })
        ));
        assert!(matches!(
            parse_duration("-1s"),
            Err(DurationError::Malformed { .. })
        ));
        assert!(matches!(
            parse_duration("1001h"),
            Err(DurationError::TooLong { .. })
        ));
        // Digits too many to count are a duration too long, not a malformed one.
        for text in [
            "99999999999999999999h".to_owned(),
            "18446744073709551615ms".to_owned(),
            format!("{}s", "9".repeat(60)),
        ] {
            assert!(
                matches!(parse_duration(&text), Err(DurationError::TooLong { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn messages_name_the_input_and_the_accepted_forms() {
        let message = parse_duration("30").unwrap_err().to_string();
        assert_eq!(
            message,
            "'30' has no unit; write a number and a unit, e.g. '500ms', '31s', '2m', '1h' or '1m30s'"
        );
    }

    #[test]
    fn formats_like_a_person_writes() {
        assert_eq!(format_duration(ms(0)), "0s");
        assert_eq!(format_duration(ms(500)), "500ms");
        assert_eq!(format_duration(Duration::from_micros(2_500)), "2.5ms");
        assert_eq!(format_duration(ms(31_000)), "31s");
        assert_eq!(format_duration(ms(1_500)), "1.5s");
        assert_eq!(format_duration(ms(120_000)), "2m");
        assert_eq!(format_duration(ms(90_000)), "1m30s");
        assert_eq!(format_duration(ms(3_600_000)), "1h");
        assert_eq!(format_duration(ms(3_605_000)), "1h0m5s");
    }

    proptest::proptest! {
        #[test]
        fn format_then_parse_round_trips(micros in 0u64..3_600_000_000_000) {
            let d = Duration::from_micros(micros);
            proptest::prop_assert_eq!(parse_duration(&format_duration(d)), Ok(d));
        }

        #[test]
        fn never_panics(text in "\\PC{0,24}") {
            let _ = parse_duration(&text);
        }
    }
}
