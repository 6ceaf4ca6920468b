//! CSV output for `sim backoff` and `sim storm` (`--csv`): a header row, then one record per
//! line (RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled).
//! Durations are milliseconds written exactly from whole microseconds, e.g. `512.345`.

use std::time::Duration;

/// A header and rows as CSV text, each record ending in `\n`.
pub(super) fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut record = |cells: &mut dyn Iterator<Item = &str>| {
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&field(cell));
        }
        out.push('\n');
    };
    record(&mut headers.iter().copied());
    for row in rows {
        record(&mut row.iter().map(String::as_str));
    }
    out
}

fn field(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// A duration as milliseconds with exact microsecond decimals: `1000`, `512.345`.
pub(super) fn millis(duration: Duration) -> String {
    let micros = duration.as_micros();
    let (whole, frac) = (micros / 1_000, micros % 1_000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// A float as Rust's shortest round-trip text (`12.5`, `3`), so a spreadsheet reads the
/// exact value the engine computed.
pub(super) fn number(value: f64) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_that_need_quotes_get_them() {
        let text = csv(&["a", "b"], &[vec!["x,y".into(), "say \"hi\"".into()]]);
        assert_eq!(text, "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n");
    }

    #[test]
    fn millis_are_exact() {
        assert_eq!(millis(Duration::from_secs(1)), "1000");
        assert_eq!(millis(Duration::from_micros(512_345)), "512.345");
        assert_eq!(millis(Duration::from_micros(512_300)), "512.3");
        assert_eq!(millis(Duration::from_micros(7)), "0.007");
    }
}
