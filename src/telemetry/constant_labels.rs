//! Validation of constant labels: the labels a telemetry (or an exporter,
//! for every series it serves) adds to identify an engine, an account, a
//! mode of operation.

use crate::catalogue::METRICS;
use crate::error::LabelError;

/// Longest accepted constant label value, in bytes.
pub const MAX_CONSTANT_LABEL_BYTES: usize = 128;

/// Label names no constant label may use: Prometheus sets `job` and
/// `instance` on every scraped series (a clash is renamed to
/// `exported_instance`), and `le` / `quantile` belong to the exposition
/// format. Names used by catalogue series (`agent`, `symbol`, …) are refused
/// too.
pub const RESERVED_LABEL_NAMES: &[&str] = &["job", "instance", "le", "quantile"];

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

fn reserved_because(name: &str) -> Option<&'static str> {
    if RESERVED_LABEL_NAMES.contains(&name) {
        return Some("set by Prometheus or the exposition format");
    }
    METRICS
        .iter()
        .any(|m| m.labels.contains(&name))
        .then_some("a catalogue series carries it")
}

/// Checks a constant label's value: not empty, at most
/// [`MAX_CONSTANT_LABEL_BYTES`], no control character.
pub(crate) fn validate_constant_value(value: &str) -> Result<(), LabelError> {
    if value.is_empty() {
        return Err(LabelError::Empty { kind: "constant" });
    }
    if value.len() > MAX_CONSTANT_LABEL_BYTES {
        return Err(LabelError::TooLong {
            kind: "constant",
            len: value.len(),
            max: MAX_CONSTANT_LABEL_BYTES,
        });
    }
    if value.chars().any(char::is_control) {
        return Err(LabelError::ControlCharacter {
            kind: "constant",
            value: value.to_owned(),
        });
    }
    Ok(())
}

/// Checks one constant label.
pub(crate) fn validate_constant_label(name: &str, value: &str) -> Result<(), LabelError> {
    if !valid_name(name) {
        return Err(LabelError::InvalidName {
            name: name.to_owned(),
        });
    }
    if let Some(why) = reserved_because(name) {
        return Err(LabelError::ReservedName {
            name: name.to_owned(),
            why,
        });
    }
    validate_constant_value(value)
}

/// Checks the grouping labels of a Pushgateway push: as constant labels,
/// except that `run_id` is allowed — it is the run the batch is, the same
/// label `velocitytrader_run_info` carries.
#[cfg_attr(not(feature = "push"), allow(dead_code, reason = "batch mode only"))]
pub(crate) fn validate_grouping_labels(labels: &[(String, String)]) -> Result<(), LabelError> {
    for (i, (name, value)) in labels.iter().enumerate() {
        if name == "run_id" {
            validate_constant_value(value)?;
        } else {
            validate_constant_label(name, value)?;
        }
        if labels[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(LabelError::DuplicateName { name: name.clone() });
        }
    }
    Ok(())
}

/// Checks a set of constant labels, each on its own and for repeated names.
pub(crate) fn validate_constant_labels(labels: &[(String, String)]) -> Result<(), LabelError> {
    for (i, (name, value)) in labels.iter().enumerate() {
        validate_constant_label(name, value)?;
        if labels[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(LabelError::DuplicateName { name: name.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_prometheus_rules() {
        assert!(validate_constant_label("account", "live-1").is_ok());
        assert!(validate_constant_label("_private2", "x").is_ok());
        for bad in ["", "bad-key", "9lives", "__meta", "with space", "é"] {
            assert!(
                matches!(
                    validate_constant_label(bad, "x"),
                    Err(LabelError::InvalidName { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn reserved_and_catalogue_names_are_refused() {
        for name in [
            "job", "instance", "le", "quantile", "agent", "symbol", "severity",
        ] {
            assert!(
                matches!(
                    validate_constant_label(name, "x"),
                    Err(LabelError::ReservedName { .. })
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn values_are_bounded_and_printable() {
        assert!(matches!(
            validate_constant_label("account", &"x".repeat(5000)),
            Err(LabelError::TooLong { len: 5000, .. })
        ));
        assert!(validate_constant_label("account", "a\nb").is_err());
        assert!(validate_constant_label("account", "").is_err());
        let twice = [
            ("account".to_owned(), "a".to_owned()),
            ("account".to_owned(), "b".to_owned()),
        ];
        assert!(matches!(
            validate_constant_labels(&twice),
            Err(LabelError::DuplicateName { .. })
        ));
    }
}
