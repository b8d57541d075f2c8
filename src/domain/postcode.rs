//! UK postcodes: parsing, normalising and the partial forms people type (outcode, sector, area).
//!
//! The grammar is Royal Mail's: an outward code (area letters + district) and an inward code
//! (sector digit + unit letters). We check the shape, not existence; whether a postcode is real
//! is for the postcode table to say.

use std::fmt;

/// A full UK postcode in normal form (`LS9 7TF`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UkPostcode {
    normal: String,
}

impl UkPostcode {
    /// Parse a full postcode typed with any spacing or case (`ls97tf`, ` LS9  7TF`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact = compact(raw);
        if compact == "GIR0AA" {
            return Ok(Self {
                normal: "GIR 0AA".to_string(),
            });
        }
        // Byte positions below assume ASCII (found by the property test: '𐽊{' panicked).
        if !compact.is_ascii() || compact.len() < 5 || compact.len() > 7 {
            return Err(not_a_postcode(raw));
        }
        let (out, inward) = compact.split_at(compact.len() - 3);
        if !is_outcode(out) || !is_inward(inward) {
            return Err(not_a_postcode(raw));
        }
        Ok(Self {
            normal: format!("{out} {inward}"),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.normal
    }

    /// The outward code (`LS9`): safe to log, shared by thousands of addresses.
    pub fn outcode(&self) -> &str {
        self.normal.split(' ').next().unwrap_or_default()
    }

    /// The sector (`LS9 7`).
    pub fn sector(&self) -> &str {
        &self.normal[..self.normal.len() - 2]
    }

    /// The postcode area letters (`LS`).
    pub fn area(&self) -> &str {
        area_of(self.outcode())
    }
}

impl fmt::Display for UkPostcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normal)
    }
}

/// What a user typed into a "postcode, outcode or place" box, once understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostcodeQuery {
    /// A full postcode (`LS9 7TF`).
    Full(UkPostcode),
    /// A sector (`LS9 7`): outcode plus the sector digit.
    Sector { outcode: String, sector: String },
    /// An outward code / district (`LS9`).
    Outcode(String),
    /// An area (`LS`): one or two letters.
    Area(String),
}

impl PostcodeQuery {
    /// Understand a postcode-like string, or `None` when it is not one (it may be a place name).
    pub fn parse(raw: &str) -> Option<Self> {
        if let Ok(pc) = UkPostcode::parse(raw) {
            return Some(Self::Full(pc));
        }
        let trimmed = raw.trim().to_ascii_uppercase();
        let parts: Vec<&str> = trimmed.split_whitespace().collect();
        match parts.as_slice() {
            [out, digit] if is_outcode(out) && digit.len() == 1 && is_digit(digit, 0) => {
                Some(Self::Sector {
                    outcode: (*out).to_string(),
                    sector: format!("{out} {digit}"),
                })
            }
            [single] if is_outcode(single) => Some(Self::Outcode((*single).to_string())),
            [single] if is_area(single) => Some(Self::Area((*single).to_string())),
            _ => None,
        }
    }

    /// The postcode area letters of any form.
    pub fn area(&self) -> &str {
        match self {
            Self::Full(pc) => pc.area(),
            Self::Sector { outcode, .. } | Self::Outcode(outcode) => area_of(outcode),
            Self::Area(a) => a,
        }
    }

    /// The outcode, when the query has one.
    pub fn outcode(&self) -> Option<&str> {
        match self {
            Self::Full(pc) => Some(pc.outcode()),
            Self::Sector { outcode, .. } | Self::Outcode(outcode) => Some(outcode),
            Self::Area(_) => None,
        }
    }

    /// A form safe for logs: never the full postcode, at most the outward code.
    pub fn redacted(&self) -> &str {
        self.outcode().unwrap_or_else(|| self.area())
    }
}

fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn not_a_postcode(raw: &str) -> String {
    let shown: String = raw.trim().chars().take(20).collect();
    format!("'{shown}' is not a UK postcode; expected a form like LS9 7TF, SW1A 1AA or M1 1AE")
}

fn is_digit(s: &str, i: usize) -> bool {
    s.as_bytes().get(i).is_some_and(u8::is_ascii_digit)
}

fn is_letter(s: &str, i: usize) -> bool {
    s.as_bytes().get(i).is_some_and(u8::is_ascii_uppercase)
}

fn is_area(s: &str) -> bool {
    matches!(s.len(), 1 | 2) && (0..s.len()).all(|i| is_letter(s, i))
}

/// Outward code shapes: A9, A99, A9A, AA9, AA99, AA9A.
fn is_outcode(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let district = &s[letters..];
    match district.len() {
        1 => is_digit(district, 0),
        2 => is_digit(district, 0) && (is_digit(district, 1) || is_letter(district, 1)),
        _ => false,
    }
}

/// Inward code: a digit and two letters (Royal Mail never uses C, I, K, M, O or V there).
fn is_inward(s: &str) -> bool {
    s.len() == 3
        && is_digit(s, 0)
        && s[1..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() && !b"CIKMOV".contains(&b))
}

fn area_of(outcode: &str) -> &str {
    let letters = outcode.bytes().take_while(u8::is_ascii_uppercase).count();
    &outcode[..letters]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal(raw: &str) -> String {
        UkPostcode::parse(raw).unwrap().to_string()
    }

    #[test]
    fn non_ascii_text_is_refused_not_a_panic() {
        assert!(UkPostcode::parse("𐽊{").is_err());
        assert!(UkPostcode::parse("LS9 7TÉ").is_err());
        assert_eq!(PostcodeQuery::parse("𐽊{"), None);
        assert_eq!(PostcodeQuery::parse("ÅÅ1"), None);
    }

    #[test]
    fn normalises_spacing_and_case() {
        assert_eq!(normal("ls97tf"), "LS9 7TF");
        assert_eq!(normal("  LS9   7TF "), "LS9 7TF");
        assert_eq!(normal("m1 1ae"), "M1 1AE");
        assert_eq!(normal("bt97ab"), "BT9 7AB");
        assert_eq!(normal("CR2 6XH"), "CR2 6XH");
        assert_eq!(normal("DN55 1PT"), "DN55 1PT");
    }

    #[test]
    fn accepts_special_and_central_london_forms() {
        assert_eq!(normal("gir0aa"), "GIR 0AA");
        assert_eq!(normal("SW1A1AA"), "SW1A 1AA");
        assert_eq!(normal("EC1A 1BB"), "EC1A 1BB");
        assert_eq!(normal("w1a0ax"), "W1A 0AX");
    }

    #[test]
    fn rejects_what_is_not_a_postcode() {
        for bad in [
            "", "LS9", "hello", "LS9 7TFX", "9LS 7TF", "LS9 TTF", "LS9 7CI", "ABC1 1AA",
        ] {
            assert!(UkPostcode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            UkPostcode::parse("nope").unwrap_err(),
            "'nope' is not a UK postcode; expected a form like LS9 7TF, SW1A 1AA or M1 1AE"
        );
    }

    #[test]
    fn parts_of_a_postcode() {
        let pc = UkPostcode::parse("sw1a1aa").unwrap();
        assert_eq!(pc.outcode(), "SW1A");
        assert_eq!(pc.sector(), "SW1A 1");
        assert_eq!(pc.area(), "SW");
    }

    #[test]
    fn understands_partial_forms() {
        assert_eq!(
            PostcodeQuery::parse("ls9"),
            Some(PostcodeQuery::Outcode("LS9".into()))
        );
        assert_eq!(
            PostcodeQuery::parse("LS9 7"),
            Some(PostcodeQuery::Sector {
                outcode: "LS9".into(),
                sector: "LS9 7".into()
            })
        );
        assert_eq!(
            PostcodeQuery::parse("bt"),
            Some(PostcodeQuery::Area("BT".into()))
        );
        assert_eq!(PostcodeQuery::parse("Leeds"), None);
        assert_eq!(PostcodeQuery::parse("ls97tf").unwrap().redacted(), "LS9");
        assert_eq!(PostcodeQuery::parse("JE2 3QS").unwrap().area(), "JE");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Well-formed postcodes in their normal form: the grammar's six outward shapes.
    fn postcode() -> impl Strategy<Value = String> {
        let letter = prop::sample::select(b"ABCDEFGHIJKLMNOPRSTUWYZ".to_vec());
        let inward_letter = prop::sample::select(b"ABDEFGHJLNPQRSTUWXYZ".to_vec());
        (
            letter.clone(),
            prop::option::of(letter),
            0u8..10,
            prop::option::of(prop::sample::select(b"0123456789ABEHMNPRVWXY".to_vec())),
            0u8..10,
            inward_letter.clone(),
            inward_letter,
        )
            .prop_map(|(a, b, d, e, s, u1, u2)| {
                let mut out = String::new();
                out.push(a as char);
                if let Some(b) = b {
                    out.push(b as char);
                }
                out.push((b'0' + d) as char);
                if let Some(e) = e {
                    out.push(e as char);
                }
                format!("{out} {s}{}{}", u1 as char, u2 as char)
            })
    }

    proptest! {
        /// Any spacing and case parses to the same normal form, and parsing it again is stable.
        #[test]
        fn any_spacing_or_case_normalises(pc in postcode(), spaces in 0usize..3, lower in any::<bool>()) {
            let compact: String = pc.chars().filter(|c| *c != ' ').collect();
            let (out, inward) = compact.split_at(compact.len() - 3);
            let mut typed = format!("{out}{}{inward}", " ".repeat(spaces));
            if lower {
                typed = typed.to_ascii_lowercase();
            }
            let parsed = UkPostcode::parse(&typed).unwrap();
            prop_assert_eq!(parsed.as_str(), pc.as_str());
            prop_assert_eq!(UkPostcode::parse(parsed.as_str()).unwrap(), parsed.clone());
            prop_assert_eq!(PostcodeQuery::parse(&typed), Some(PostcodeQuery::Full(parsed.clone())));
            prop_assert_eq!(PostcodeQuery::parse(parsed.outcode()), Some(PostcodeQuery::Outcode(parsed.outcode().to_string())));
        }

        /// Arbitrary text never panics, and whatever parses has the normal shape.
        #[test]
        fn arbitrary_text_never_panics(raw in "\\PC{0,24}") {
            if let Ok(pc) = UkPostcode::parse(&raw) {
                prop_assert!(pc.as_str().len() <= 8 && pc.as_str().contains(' '));
            }
            let _ = PostcodeQuery::parse(&raw);
        }
    }
}
