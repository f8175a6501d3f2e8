//! Refusing a push whose series a grouping key would silently rewrite: the
//! Pushgateway (1.5.1 measured) replaces a pushed label with the grouping
//! label of the same name, and the `extra_label` of `VictoriaMetrics` does the
//! same, so `start_run("other-run")` under the group `run_id="r-two"` would
//! land as `run_id="r-two"` without a word. The exposition is checked just
//! before it is sent.

use super::PushError;

/// The label pairs of one sample line (`name{a="x",b="y\"z"} 1`), values
/// unescaped; empty for a line without labels or a comment.
fn sample_labels(line: &str) -> Vec<(&str, String)> {
    let mut pairs = Vec::new();
    if line.starts_with('#') {
        return pairs;
    }
    let Some(open) = line.find('{') else {
        return pairs;
    };
    if line[..open].contains(' ') {
        return pairs;
    }
    let mut rest = &line[open + 1..];
    loop {
        rest = rest.trim_start_matches([',', ' ']);
        let Some(eq) = rest.find("=\"") else {
            return pairs;
        };
        let name = &rest[..eq];
        let mut value = String::new();
        let mut chars = rest[eq + 2..].char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, other)) => value.push(other),
                    None => return pairs,
                },
                '"' => {
                    end = Some(eq + 2 + i + 1);
                    break;
                }
                other => value.push(other),
            }
        }
        let Some(end) = end else { return pairs };
        pairs.push((name, value));
        rest = &rest[end..];
        if rest.starts_with('}') {
            return pairs;
        }
    }
}

/// `Ok` when no sample of `exposition` carries one of `grouping`'s labels
/// with another value.
pub(super) fn check_grouping(
    exposition: &str,
    grouping: &[(String, String)],
) -> Result<(), PushError> {
    if grouping.is_empty() {
        return Ok(());
    }
    for line in exposition.lines() {
        for (name, pushed) in sample_labels(line) {
            if let Some((label, value)) = grouping.iter().find(|(g, _)| g == name)
                && *value != pushed
            {
                return Err(PushError::GroupingConflict {
                    label: label.clone(),
                    grouping: value.clone(),
                    pushed,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn labels_are_read_with_their_escapes() {
        let line = r#"velocitytrader_run_info{run_id="a\"b\\c",config_hash="x,y}"} 1"#;
        assert_eq!(
            sample_labels(line),
            vec![
                ("run_id", "a\"b\\c".to_owned()),
                ("config_hash", "x,y}".to_owned())
            ]
        );
        assert!(sample_labels("# HELP x {a=\"b\"}").is_empty());
        assert!(sample_labels("velocitytrader_trades_total 3").is_empty());
    }

    #[test]
    fn a_series_that_the_grouping_would_rewrite_is_refused() {
        let text = "# TYPE velocitytrader_run_info gauge\n\
                    velocitytrader_run_info{run_id=\"other-run\",config_hash=\"c1\"} 1\n\
                    velocitytrader_trades_total 4\n";
        let error = check_grouping(text, &group(&[("run_id", "r-two")])).unwrap_err();
        assert!(
            matches!(&error, PushError::GroupingConflict { label, grouping, pushed }
                if label == "run_id" && grouping == "r-two" && pushed == "other-run"),
            "{error:?}"
        );
        assert!(check_grouping(text, &group(&[("run_id", "other-run")])).is_ok());
        assert!(check_grouping(text, &group(&[("batch", "b-1")])).is_ok());
    }
}
