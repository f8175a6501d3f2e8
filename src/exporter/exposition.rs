//! The exposition text as served: special values spelled as the format's
//! specification writes them.

/// Rewrites sample values `inf` and `-inf` (how Rust prints `f64`
/// infinities) as `+Inf` and `-Inf`, the Prometheus text format's own
/// spelling; `NaN` is already spelled that way. Only the value — the last
/// token of a sample line — is touched; comments and label values are not.
pub(crate) fn spell_special_values(text: String) -> String {
    if !text.contains("inf\n") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let rewritten = if body.starts_with('#') {
            None
        } else {
            body.rsplit_once(' ').and_then(|(head, value)| match value {
                "inf" => Some((head, "+Inf")),
                "-inf" => Some((head, "-Inf")),
                _ => None,
            })
        };
        match rewritten {
            Some((head, value)) => {
                out.push_str(head);
                out.push(' ');
                out.push_str(value);
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinities_take_the_format_spelling() {
        let text = "# HELP x a value that may be inf\nx 1\ny inf\nz{l=\"a inf\"} -inf\nw NaN\nv{l=\"inf\"} 2\n";
        assert_eq!(
            spell_special_values(text.to_owned()),
            "# HELP x a value that may be inf\nx 1\ny +Inf\nz{l=\"a inf\"} -Inf\nw NaN\nv{l=\"inf\"} 2\n"
        );
        assert_eq!(spell_special_values("a 1\n".into()), "a 1\n");
    }
}
