//! Writing JSON by hand for the answers served most: the same bytes serde_json writes for
//! them (tests hold the two equal), without serde's per-key escaping and with the shared
//! views copied straight from their stored JSON.

use serde::Serialize;

/// `"key":` for a key known to need no escaping.
#[inline]
pub fn key(out: &mut Vec<u8>, key: &str) {
    debug_assert!(!needs_escape(key));
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

/// A JSON string, escaped exactly as serde_json escapes it.
#[inline]
pub fn string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s) {
        value(out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Any other value, written by serde_json.
#[inline]
pub fn value<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Writing into a Vec cannot fail, and the values written here have no maps with
    // non-string keys.
    serde_json::to_writer(&mut *out, v).expect("writing JSON into memory");
}

/// A number rounded to hundredths (a distance), written as serde_json writes it (the
/// shortest form that reads back the same: `12.3`, `0.05`, `7.0`), without its general
/// float formatting. Anything else goes to serde_json.
#[inline]
pub fn hundredths(out: &mut Vec<u8>, v: f64) {
    let k = round(v * 100.0);
    if !((0.0..1e9).contains(&v) && k / 100.0 == v) || v.is_sign_negative() {
        return value(out, &v);
    }
    let k = k as u64;
    let mut digits = itoa::Buffer::new();
    out.extend_from_slice(digits.format(k / 100).as_bytes());
    let cents = (k % 100) as u8;
    out.push(b'.');
    out.push(b'0' + cents / 10);
    if cents % 10 != 0 {
        out.push(b'0' + cents % 10);
    }
}

/// `x.round()` (halves away from zero), without the call into the maths library that
/// `f64::round` makes on CPUs without a rounding instruction in the baseline set.
#[inline]
pub fn round(x: f64) -> f64 {
    // From 2^52 on, every value is a whole number (or infinite, or not a number).
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    // Truncated towards zero, keeping the sign of a zero; both exact in this range.
    let whole = ((x as i64) as f64).copysign(x);
    let fraction = x - whole;
    if fraction >= 0.5 {
        whole + 1.0
    } else if fraction <= -0.5 {
        whole - 1.0
    } else {
        whole
    }
}

/// An optional value: `null` when absent, as serde writes `None`.
#[inline]
pub fn option<T: Serialize>(out: &mut Vec<u8>, v: Option<T>) {
    match v {
        Some(v) => value(out, &v),
        None => out.extend_from_slice(b"null"),
    }
}

/// Does serde_json escape anything in `s`? (The quote, the backslash and control characters;
/// it leaves `/` and non-ASCII text as they are.)
#[inline]
pub fn needs_escape(s: &str) -> bool {
    // Every byte looked at (no early exit), so the loop runs many bytes at a time.
    s.bytes().fold(false, |found, b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// Text of up to `N` bytes kept inline, without an allocation; written through
/// `std::fmt::Write`, which fails when the text would not fit (leaving it as it was).
#[derive(Clone, Copy)]
pub struct InlineText<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> InlineText<N> {
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    /// The text's bytes (whole `str`s were written, so they are UTF-8).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("only whole strs are written")
    }
}

impl<const N: usize> Default for InlineText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> std::fmt::Write for InlineText<N> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let space = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        space.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_written_as_serde_writes_them() {
        for s in [
            "",
            "plain",
            "Leeds Children's Hospital",
            "a \"quoted\" word",
            "back\\slash",
            "tab\tnew\nline\u{1}",
            "https://example.org/a?b=c%2Cd&e=f",
            "Ysbyty Gwynedd – Bangor ©",
        ] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn inline_text_holds_what_fits_and_refuses_the_rest() {
        use std::fmt::Write;
        let mut text = InlineText::<8>::new();
        assert_eq!(text.as_str(), "");
        write!(text, "ab{}", 12).unwrap();
        assert_eq!(text.as_str(), "ab12");
        assert!(text.write_str("éàü").is_err(), "six more bytes do not fit");
        assert_eq!(text.as_str(), "ab12", "unchanged by what did not fit");
        text.write_str("é").unwrap();
        text.write_str("xy").unwrap();
        assert_eq!(text.as_str(), "ab12éxy", "exactly full");
        assert!(text.write_char('z').is_err());
        assert_eq!(text.as_bytes(), "ab12éxy".as_bytes());
    }

    #[test]
    fn round_is_f64_round() {
        let mut sequence = crate::fuzzing::Sequence::new(0x2545_F491_4F6C_DD1D);
        let mut next = move || sequence.next_u64();
        // Halves and their neighbours, random values at every scale, random bit patterns.
        let halves = (-2000..2000).flat_map(|k| {
            let half = k as f64 + 0.5;
            [half, half.next_up(), half.next_down()]
        });
        let scaled: Vec<f64> = (0..200_000)
            .map(|_| {
                let x = next();
                let magnitude = 10f64.powi((x % 40) as i32 - 20);
                let v = (x >> 11) as f64 / (1u64 << 53) as f64 * magnitude;
                if x & 1 == 0 {
                    v
                } else {
                    -v
                }
            })
            .collect();
        let bits: Vec<f64> = (0..200_000).map(|_| f64::from_bits(next())).collect();
        let odd = [
            0.0,
            -0.0,
            0.49999999999999994,
            -0.49999999999999994,
            4_503_599_627_370_495.5,
            -4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            1e300,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in halves.chain(scaled).chain(bits).chain(odd) {
            let (ours, std) = (round(x), x.round());
            assert!(
                ours.to_bits() == std.to_bits() || (ours.is_nan() && std.is_nan()),
                "{x:?}: {ours:?} against {std:?}"
            );
        }
    }

    #[test]
    fn hundredths_are_written_as_serde_writes_them() {
        let mut sequence = crate::fuzzing::Sequence::new(0x9E37_79B9_7F4A_7C15);
        let mut next = move || sequence.next_u64();
        let whole = (0..200_000u64).map(|k| k as f64 / 100.0);
        let spread = (0..200_000).map(|_| {
            let x = next();
            let magnitude = 10f64.powi((x % 12) as i32 - 2);
            ((x >> 11) as f64 / (1u64 << 53) as f64 * magnitude * 100.0).round() / 100.0
        });
        let odd = [
            -0.0,
            -1.5,
            0.001,
            1e9,
            2e12,
            f64::NAN,
            f64::INFINITY,
            1.0 / 3.0,
        ];
        for v in whole.chain(spread).chain(odd) {
            let mut out = Vec::new();
            hundredths(&mut out, v);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&v).unwrap(),
                "{v:?}"
            );
        }
    }

    #[test]
    fn options_are_null_when_absent() {
        let mut out = Vec::new();
        option::<u8>(&mut out, None);
        out.push(b',');
        option(&mut out, Some(4u8));
        assert_eq!(out, b"null,4");
    }
}
