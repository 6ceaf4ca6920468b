//! Strips terminal control sequences and control characters from untrusted text, so
//! content can never move the cursor, retitle the window or write the clipboard (OSC 52).
//!
//! Invariant: the output contains no C0/C1 control character except `\n` and `\t`, no
//! escape sequence and no bidi override or isolate (which could make a terminal show text in
//! an order other than the stored one); printable text (any script, emoji) passes unchanged.

/// Returns `text` without escape sequences (CSI, OSC, DCS, …), control characters other
/// than newline and tab, and bidi embeddings, overrides and isolates (U+202A..=U+202E,
/// U+2066..=U+2069). `\r\n` becomes `\n`.
pub fn sanitize(text: &str) -> String {
    if is_clean(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 introducers that start a string (DCS, SOS, OSC, PM, APC) or a CSI.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\n' | '\t' => out.push(c),
            c if is_unwanted(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// [`sanitize`] for an owned string: returns it unchanged (no copy) when it is clean.
pub fn sanitize_owned(text: String) -> String {
    if is_clean(&text) {
        text
    } else {
        sanitize(&text)
    }
}

/// Whether `text` has no character [`is_unwanted`] finds, checked on bytes (most text is
/// clean, and decoding every character to find none is the slow part). The unwanted
/// characters are exactly C0 (bytes below 0x20) other than `\n` and `\t`, DEL (0x7f), C1
/// (U+0080..=U+009F, encoded as 0xC2 then 0x80..=0x9F; 0xC2 is never a continuation byte)
/// and the bidi controls (0xE2 0x80 0xAA..=0xAE and 0xE2 0x81 0xA6..=0xA9).
fn is_clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && b != b'\n' && b != b'\t')
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
            || (b == 0xe2
                && match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(0x80), Some(n)) => (0xaa..=0xae).contains(n),
                    (Some(0x81), Some(n)) => (0xa6..=0xa9).contains(n),
                    _ => false,
                })
    })
}

fn is_unwanted(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{7f}' || is_bidi_control(c)
}

/// Bidi embeddings, overrides and isolates: they reorder the text around them on screen
/// ("Trojan Source"). The marks (U+200E, U+200F) only nudge one character and are kept.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        // Two-character sequences (ESC c, ESC 7, ESC ( B ...): drop the next character,
        // and an intermediate's final byte too.
        Some(&c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            chars.next();
            chars.next();
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

/// CSI: parameter and intermediate bytes, then one final byte in `@`..=`~`.
fn skip_csi(chars: &mut Chars) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            return;
        }
    }
}

/// OSC / DCS / APC ...: everything up to BEL, ST (`ESC \`) or the C1 ST.
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn the_byte_check_finds_exactly_the_unwanted_characters() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}é");
            assert_eq!(
                super::is_clean(&text),
                !text.chars().any(super::is_unwanted),
                "{:#x}",
                c as u32
            );
        }
    }

    #[test]
    fn plain_text_is_unchanged() {
        let text = "CLOSED → OPEN, 5 failures\n\tnext: HALF_OPEN 🚦";
        assert_eq!(sanitize(text), text);
    }

    #[test]
    fn osc52_clipboard_write_is_removed() {
        assert_eq!(sanitize("a\u{1b}]52;c;cm0gLXJmIH4=\u{7}b"), "ab");
        assert_eq!(sanitize("a\u{1b}]52;c;cm0gLXJmIH4=\u{1b}\\b"), "ab");
    }

    #[test]
    fn window_title_change_is_removed() {
        assert_eq!(sanitize("x\u{1b}]0;pwned\u{7}y"), "xy");
    }

    #[test]
    fn csi_sequences_are_removed() {
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(sanitize("a\u{1b}[2J\u{1b}[10;20Hb"), "ab");
        assert_eq!(sanitize("a\u{9b}31mb"), "ab");
    }

    #[test]
    fn bel_and_other_controls_are_removed() {
        assert_eq!(sanitize("ding\u{7}\u{8}\u{0}\u{7f}!"), "ding!");
        assert_eq!(sanitize("line\r\nnext"), "line\nnext");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_removed() {
        assert_eq!(sanitize("abc\u{202e}fed\u{202c}"), "abcfed");
        assert_eq!(sanitize("\u{2067}x\u{2069}"), "x");
        // Marks stay: they do not reorder anything on their own.
        assert_eq!(sanitize("a\u{200f}b"), "a\u{200f}b");
    }

    #[test]
    fn unterminated_sequences_end_the_text() {
        assert_eq!(sanitize("a\u{1b}]52;c;abc"), "a");
        assert_eq!(sanitize("a\u{1b}"), "a");
        assert_eq!(sanitize("a\u{1b}["), "a");
    }
}
