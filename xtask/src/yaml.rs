//! A YAML writer for people: block style, comments where they help, each
//! string quoted only when it must be. The generated files are read by
//! operators, so they keep the comments the hand-written ones had.

use std::fmt::Write as _;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// A string, written plain, quoted or as a literal block, as it needs.
    Str(String),
    /// A string always written in single quotes (placeholders a script
    /// replaces by matching the quotes).
    Quoted(String),
    /// A number or boolean, written as is.
    Scalar(String),
    /// A list of plain scalars written on one line: `[a, b]`.
    Flow(Vec<String>),
    /// A block sequence.
    Seq(Vec<Item>),
    /// A block mapping.
    Map(Vec<Item>),
}

/// A sequence item or mapping entry, with the comment lines before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `# ` lines written before the item; an empty line is a blank line.
    pub comment: Vec<String>,
    /// The key (mappings only).
    pub key: Option<String>,
    /// The value.
    pub value: Yaml,
    /// Written commented out, for the reader to enable: `None` for a live
    /// item; `Some(marker)` for a mapping (the value) whose entries are
    /// written as `# ` lines, between `# --- marker ---` and
    /// `# --- end marker ---` when the marker is not empty.
    pub disabled: Option<String>,
}

/// A string node.
#[must_use]
pub fn s(text: impl Into<String>) -> Yaml {
    Yaml::Str(text.into())
}

/// A number or boolean node.
#[must_use]
#[allow(clippy::needless_pass_by_value, reason = "a literal at every call")]
pub fn n(value: impl ToString) -> Yaml {
    Yaml::Scalar(value.to_string())
}

/// A one-line list of plain scalars.
#[must_use]
pub fn flow<S: ToString>(items: &[S]) -> Yaml {
    Yaml::Flow(items.iter().map(ToString::to_string).collect())
}

/// A block sequence of nodes.
#[must_use]
pub fn seq(items: impl IntoIterator<Item = Yaml>) -> Yaml {
    Yaml::Seq(
        items
            .into_iter()
            .map(|value| Item {
                comment: Vec::new(),
                key: None,
                value,
                disabled: None,
            })
            .collect(),
    )
}

/// A mapping builder.
#[derive(Debug, Clone, Default)]
pub struct Map(Vec<Item>);

/// An empty mapping.
#[must_use]
pub fn map() -> Map {
    Map::default()
}

impl Map {
    /// Adds `key: value`.
    #[must_use]
    pub fn kv(mut self, key: &str, value: Yaml) -> Self {
        self.0.push(Item {
            comment: Vec::new(),
            key: Some(key.to_owned()),
            value,
            disabled: None,
        });
        self
    }

    /// Adds `key: value` when there is a value.
    #[must_use]
    pub fn opt(self, key: &str, value: Option<Yaml>) -> Self {
        match value {
            Some(v) => self.kv(key, v),
            None => self,
        }
    }

    /// Adds `key: value` with comment lines before it.
    #[must_use]
    pub fn commented(mut self, comment: &str, key: &str, value: Yaml) -> Self {
        self.0.push(Item {
            comment: comment_lines(comment),
            key: Some(key.to_owned()),
            value,
            disabled: None,
        });
        self
    }

    /// Adds the entries of `entries`, commented out, after comment lines:
    /// settings the reader enables by removing the `# `. A non-empty
    /// `marker` brackets them (`# --- marker ---` … `# --- end marker ---`)
    /// so that a script, or a test, can find and enable them.
    #[must_use]
    pub fn disabled(mut self, comment: &str, marker: &str, entries: Map) -> Self {
        self.0.push(Item {
            comment: comment_lines(comment),
            key: None,
            value: entries.build(),
            disabled: Some(marker.to_owned()),
        });
        self
    }

    /// The mapping node.
    #[must_use]
    pub fn build(self) -> Yaml {
        Yaml::Map(self.0)
    }
}

impl From<Map> for Yaml {
    fn from(m: Map) -> Self {
        m.build()
    }
}

/// A sequence item with comment lines before it.
#[must_use]
pub fn item(comment: &str, value: Yaml) -> Item {
    Item {
        comment: comment_lines(comment),
        key: None,
        value,
        disabled: None,
    }
}

/// A mapping entry with comment lines before it.
#[must_use]
pub fn item_kv(comment: &str, key: &str, value: Yaml) -> Item {
    Item {
        comment: comment_lines(comment),
        key: Some(key.to_owned()),
        value,
        disabled: None,
    }
}

/// Comment text split into lines (`\n` separated; an empty line stays blank).
fn comment_lines(comment: &str) -> Vec<String> {
    if comment.is_empty() {
        Vec::new()
    } else {
        comment.lines().map(str::to_owned).collect()
    }
}

/// A whole document: a header comment, then the root mapping.
#[must_use]
pub fn document(header: &str, root: &Yaml) -> String {
    let mut out = String::new();
    for line in header.lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            push_comment(&mut out, "", line);
        }
    }
    write_node(&mut out, root, 0);
    out
}

fn push_comment(out: &mut String, indent: &str, line: &str) {
    if line.is_empty() {
        out.push('\n');
    } else {
        let _ = writeln!(out, "{indent}# {line}");
    }
}

/// Writes `node` as the content of a block at `indent` spaces.
fn write_node(out: &mut String, node: &Yaml, indent: usize) {
    let pad = " ".repeat(indent);
    match node {
        Yaml::Map(items) => {
            for it in items {
                for line in &it.comment {
                    push_comment(out, &pad, line);
                }
                if let Some(marker) = &it.disabled {
                    write_disabled(out, &it.value, marker, &pad);
                    continue;
                }
                let key = it.key.as_deref().expect("mapping entries have keys");
                out.push_str(&pad);
                out.push_str(key);
                out.push(':');
                write_value(out, &it.value, indent);
            }
        }
        Yaml::Seq(items) => {
            for it in items {
                for line in &it.comment {
                    push_comment(out, &pad, line);
                }
                out.push_str(&pad);
                out.push('-');
                match &it.value {
                    Yaml::Map(entries) if !entries.is_empty() => {
                        // The first entry on the dash's line, the rest below it.
                        let mut inner = String::new();
                        write_node(&mut inner, &it.value, indent + 2);
                        out.push(' ');
                        out.push_str(&inner[indent + 2..]);
                    }
                    other => write_value(out, other, indent),
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other, indent));
            out.push('\n');
        }
    }
}

/// Writes the mapping `entries` as comment lines at `pad`, bracketed by
/// `marker` lines unless it is empty.
fn write_disabled(out: &mut String, entries: &Yaml, marker: &str, pad: &str) {
    let mut block = String::new();
    write_node(&mut block, entries, 0);
    if !marker.is_empty() {
        let _ = writeln!(out, "{pad}# --- {marker} ---");
    }
    for line in block.lines() {
        let _ = writeln!(out, "{pad}# {line}");
    }
    if !marker.is_empty() {
        let _ = writeln!(out, "{pad}# --- end {marker} ---");
    }
}

/// Writes what follows `key:` or `-`.
fn write_value(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Map(items) if !items.is_empty() => {
            out.push('\n');
            write_node(out, value, indent + 2);
        }
        Yaml::Seq(items) if !items.is_empty() => {
            out.push('\n');
            write_node(out, value, indent + 2);
        }
        Yaml::Scalar(text) if text.is_empty() => out.push('\n'),
        Yaml::Map(_) => out.push_str(" {}\n"),
        Yaml::Seq(_) => out.push_str(" []\n"),
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent));
            out.push('\n');
        }
    }
}

fn scalar(node: &Yaml, indent: usize) -> String {
    match node {
        Yaml::Scalar(text) => text.clone(),
        Yaml::Quoted(text) => single_quoted(text),
        Yaml::Flow(items) => format!("[{}]", items.join(", ")),
        Yaml::Str(text) if text.contains('\n') => literal_block(text, indent + 2),
        Yaml::Str(text) if is_plain_safe(text) => text.clone(),
        Yaml::Str(text) if !text.contains('\'') => single_quoted(text),
        Yaml::Str(text) => serde_json::to_string(text).expect("a JSON string is a YAML string"),
        Yaml::Map(_) | Yaml::Seq(_) => unreachable!("not a scalar"),
    }
}

fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn literal_block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let chomp = if text.ends_with('\n') { "|" } else { "|-" };
    let mut out = chomp.to_owned();
    for line in text.trim_end_matches('\n').lines() {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// Whether `text` reads back as the same string when written unquoted.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let keyword = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
    );
    let number = text.parse::<f64>().is_ok()
        || text.starts_with(|c: char| c.is_ascii_digit())
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '_');
    let indicator = ",[]{}#&*!|>'\"%@`".contains(first)
        || ("-?:".contains(first) && text.chars().nth(1).is_none_or(|c| c == ' '));
    let ambiguous = text.starts_with(' ')
        || text.ends_with(' ')
        || text.ends_with(':')
        || text.contains(": ")
        || text.contains(" #")
        || text.chars().any(char::is_control);
    !(keyword || number || indicator || ambiguous)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_only_when_they_must_be() {
        let root = map()
            .kv("plain", s("engine-a:9090"))
            .kv("colon", s("a: b"))
            .kv("template", s("{{ $labels.instance }}"))
            .kv("quote", s("it's {{ x }}"))
            .kv("number", s("1.5"))
            .kv("keyword", s("yes"))
            .kv("block", s("a\n  b\n"))
            .kv("url", Yaml::Quoted("http://x/y".into()))
            .kv("list", flow(&["a", "b"]))
            .kv("empty", seq([]))
            .build();
        assert_eq!(
            document("head", &root),
            "# head\nplain: engine-a:9090\ncolon: 'a: b'\ntemplate: '{{ $labels.instance }}'\nquote: it's {{ x }}\nnumber: '1.5'\nkeyword: 'yes'\nblock: |\n  a\n    b\nurl: 'http://x/y'\nlist: [a, b]\nempty: []\n"
        );
    }

    #[test]
    fn disabled_entries_are_comments_that_read_back_when_enabled() {
        let root = map()
            .kv(
                "job",
                map()
                    .kv("name", s("engines"))
                    .disabled(
                        "Over HTTPS:",
                        "https",
                        map().kv("scheme", s("https")).kv(
                            "tls",
                            map()
                                .kv("ca_file", s("/secrets/ca.pem"))
                                .disabled(
                                    "Mutual TLS:",
                                    "",
                                    map().kv("cert_file", s("/secrets/c.pem")),
                                )
                                .build(),
                        ),
                    )
                    .build(),
            )
            .build();
        let text = document("", &root);
        assert_eq!(
            text,
            "job:\n  name: engines\n  # Over HTTPS:\n  # --- https ---\n  # scheme: https\n  # tls:\n  #   ca_file: /secrets/ca.pem\n  #   # Mutual TLS:\n  #   # cert_file: /secrets/c.pem\n  # --- end https ---\n"
        );
        // Removing one level of `# ` between the markers enables the block.
        let mut enabled = String::new();
        let mut inside = false;
        for line in text.lines() {
            let code = line.trim_start();
            if code.starts_with("# --- ") {
                inside = code == "# --- https ---";
                continue;
            }
            let indent = &line[..line.len() - code.len()];
            match code.strip_prefix("# ") {
                Some(code) if inside => {
                    let _ = writeln!(enabled, "{indent}{code}");
                }
                _ => {
                    let _ = writeln!(enabled, "{line}");
                }
            }
        }
        assert_eq!(
            enabled,
            "job:\n  name: engines\n  # Over HTTPS:\n  scheme: https\n  tls:\n    ca_file: /secrets/ca.pem\n    # Mutual TLS:\n    # cert_file: /secrets/c.pem\n"
        );
    }

    #[test]
    fn sequences_of_mappings_start_on_the_dash() {
        let root = map()
            .kv(
                "groups",
                Yaml::Seq(vec![item(
                    "a group",
                    map()
                        .kv("name", s("g"))
                        .kv("rules", seq([map().kv("record", s("r")).build()]))
                        .build(),
                )]),
            )
            .build();
        assert_eq!(
            document("", &root),
            "groups:\n  # a group\n  - name: g\n    rules:\n      - record: r\n"
        );
    }
}
