//! One sample line of the Prometheus text format,
//! `name{label="value",…} value [timestamp]`: its name, its label pairs
//! unescaped as Prometheus' text parser unescapes them, its value.

use std::borrow::Cow;

use super::messages::LabelPair;

/// One sample line: `name{labels} value [timestamp]`.
pub(super) struct Sample<'a> {
    pub(super) name: &'a str,
    /// Sorted by name; borrowed from the line unless unescaped.
    pub(super) labels: Vec<(&'a str, Cow<'a, str>)>,
    pub(super) value: f64,
    pub(super) timestamp_ms: Option<i64>,
}

impl<'a> Sample<'a> {
    /// Reads `line`, its labels into `labels` (empty).
    pub(super) fn parse(line: &'a str, mut labels: Vec<(&'a str, Cow<'a, str>)>) -> Option<Self> {
        let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
        let (name, mut rest) = line.split_at(name_end);
        if name.is_empty() {
            return None;
        }
        if let Some(inner) = rest.strip_prefix('{') {
            rest = parse_labels(inner, &mut labels)?;
        }
        let mut words = rest.split_whitespace();
        let value = parse_value(words.next()?)?;
        let timestamp_ms = match words.next() {
            Some(word) => Some(word.parse().ok()?),
            None => None,
        };
        if words.next().is_some() {
            return None;
        }
        labels.sort_unstable();
        Some(Self {
            name,
            labels,
            value,
            timestamp_ms,
        })
    }

    /// Removes and returns the value of label `name`.
    pub(super) fn take_label(&mut self, name: &str) -> Option<Cow<'a, str>> {
        let at = self.labels.iter().position(|(n, _)| *n == name)?;
        Some(self.labels.remove(at).1)
    }

    /// Whether `pairs` are this sample's labels.
    pub(super) fn labels_are(&self, pairs: &[LabelPair]) -> bool {
        pairs.len() == self.labels.len()
            && pairs.iter().zip(&self.labels).all(|(pair, (name, value))| {
                pair.name.as_deref() == Some(*name) && pair.value.as_deref() == Some(value)
            })
    }

    pub(super) fn label_pairs(&self) -> Vec<LabelPair> {
        self.labels
            .iter()
            .map(|(name, value)| LabelPair {
                name: Some((*name).to_owned()),
                value: Some(value.clone().into_owned()),
            })
            .collect()
    }
}

/// Parses `name="value", …}` into `labels`; returns what follows `}`.
fn parse_labels<'a>(
    mut rest: &'a str,
    labels: &mut Vec<(&'a str, Cow<'a, str>)>,
) -> Option<&'a str> {
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            return Some(after);
        }
        let (name, after) = rest.split_once('=')?;
        let name = name.trim();
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return None;
        }
        let quoted = after.trim_start().strip_prefix('"')?;
        let end = closing_quote(quoted)?;
        labels.push((name, unescape(&quoted[..end], true)));
        rest = quoted[end + 1..].trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if !rest.starts_with('}') {
            return None;
        }
    }
}

/// Byte offset of the `"` closing a label value (escaped quotes skipped).
fn closing_quote(quoted: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in quoted.char_indices() {
        match (escaped, c) {
            (false, '\\') => escaped = true,
            (false, '"') => return Some(at),
            _ => escaped = false,
        }
    }
    None
}

/// A label value as Prometheus reads it from text: `\\`, `\"` and `\n`
/// are undone, any other backslash is kept.
pub(crate) fn unescape_label_value(escaped: &str) -> String {
    unescape(escaped, true).into_owned()
}

/// A `# HELP` text as Prometheus reads it: `\\` and `\n` are undone.
pub(super) fn unescape_help(escaped: &str) -> String {
    unescape(escaped, false).into_owned()
}

fn unescape(escaped: &str, quotes: bool) -> Cow<'_, str> {
    if !escaped.contains('\\') {
        return Cow::Borrowed(escaped);
    }
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') | None => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if quotes => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Cow::Owned(out)
}

/// A sample value: a number, `+Inf`/`-Inf`/`NaN` (any case, as Prometheus
/// accepts them; Rust's `inf` too).
pub(super) fn parse_value(word: &str) -> Option<f64> {
    word.parse().ok()
}

/// A count (bucket, `_count`): an integer, or a float holding one.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "finite, non-negative, checked"
)]
pub(super) fn as_count(value: f64) -> Option<u64> {
    (value.is_finite() && value >= 0.0 && value <= 2f64.powi(64)).then_some(value as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exporter::protobuf::messages::label;

    #[test]
    fn values_in_every_spelling() {
        for (word, value) in [
            ("1", 1.0),
            ("-2.5e-3", -0.0025),
            ("+Inf", f64::INFINITY),
            ("inf", f64::INFINITY),
            ("-Inf", f64::NEG_INFINITY),
            ("-inf", f64::NEG_INFINITY),
        ] {
            assert_eq!(parse_value(word), Some(value), "{word}");
        }
        assert!(parse_value("NaN").unwrap().is_nan());
        assert_eq!(parse_value("one"), None);
    }

    #[test]
    fn label_values_with_quotes_backslashes_newlines_and_unicode() {
        let line = "x{a=\"say \\\"hi\\\"\",b=\"C:\\\\dir\\\\\",c=\"two\\nlines\",d=\"€ é 東京 🚀\",e=\"a\\tb\",f=\"{,}=\",} 1\n";
        let sample = Sample::parse(line, Vec::new()).unwrap();
        assert_eq!(
            sample.label_pairs(),
            [
                label("a", "say \"hi\""),
                label("b", "C:\\dir\\"),
                label("c", "two\nlines"),
                label("d", "€ é 東京 🚀"),
                label("e", "a\\tb"),
                label("f", "{,}="),
            ]
        );
    }
}
