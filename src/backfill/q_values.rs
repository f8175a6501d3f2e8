//! The greedy Q-value of a `reward_logs.q_values` cell: the largest entry of
//! the list the engine writes with Python's `json.dumps`. Pure text parsing,
//! no I/O.

/// Why a `q_values` cell gives no Q-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QValuesProblem {
    /// Not a flat JSON list of numbers (an object, a string, a nested list,
    /// a trailing comma…).
    Malformed,
    /// `[]`.
    Empty,
    /// An entry is `NaN`, `Infinity` or `-Infinity` (Python's spellings) or
    /// overflows `f64`.
    NotFinite,
}

/// The largest entry of a JSON list of numbers (the first of equal ones):
/// the value of the action a greedy policy takes.
///
/// Numbers follow the JSON grammar. Python's `json.dumps` writes NaN and
/// ±inf as the non-JSON tokens `NaN`, `Infinity` and `-Infinity`; they are
/// recognised and reported as [`QValuesProblem::NotFinite`], not as
/// malformed. A list with any non-finite entry gives no Q-value: its maximum
/// would be meaningless.
pub(crate) fn greedy(text: &str) -> Result<f64, QValuesProblem> {
    let inner = trim_json(text)
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .ok_or(QValuesProblem::Malformed)?;
    if trim_json(inner).is_empty() {
        return Err(QValuesProblem::Empty);
    }
    let mut best: Option<f64> = None;
    let mut all_finite = true;
    for token in inner.split(',').map(trim_json) {
        let value = match token {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            number if is_json_number(number) => {
                number.parse().map_err(|_| QValuesProblem::Malformed)?
            }
            _ => return Err(QValuesProblem::Malformed),
        };
        if !value.is_finite() {
            all_finite = false;
        } else if best.is_none_or(|b| value > b) {
            best = Some(value);
        }
    }
    match best {
        Some(best) if all_finite => Ok(best),
        _ => Err(QValuesProblem::NotFinite),
    }
}

/// Trims JSON whitespace (space, tab, line feed, carriage return) only.
fn trim_json(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\n', '\r'])
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn is_json_number(token: &str) -> bool {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = token.strip_prefix('-').unwrap_or(token);
    let int = digits(rest);
    if int == 0 || (int > 1 && rest.starts_with('0')) {
        return false;
    }
    let mut rest = &rest[int..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = digits(fraction);
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    if let Some(exponent) = rest.strip_prefix(['e', 'E']) {
        let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        let n = digits(exponent);
        if n == 0 {
            return false;
        }
        rest = &exponent[n..];
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::QValuesProblem::{Empty, Malformed, NotFinite};
    use super::*;

    #[test]
    fn the_largest_entry_of_what_json_dumps_writes() {
        assert_eq!(greedy("[0.12, -0.4, 0.9]"), Ok(0.9));
        assert_eq!(greedy("[-3.5]"), Ok(-3.5));
        assert_eq!(greedy("[-2, -1e-05, -7.25E+2]"), Ok(-1e-5));
        assert_eq!(greedy(" [ 1 ,\t2\n] "), Ok(2.0));
        assert_eq!(greedy("[0, 1e16]"), Ok(1e16));
        // The first of equal entries: -0.0 before 0.0 stays -0.0.
        assert_eq!(
            greedy("[-0.0, 0.0]").map(f64::to_bits),
            Ok((-0.0f64).to_bits())
        );
    }

    #[test]
    fn empty_non_finite_and_malformed_lists_give_no_value() {
        assert_eq!(greedy("[]"), Err(Empty));
        assert_eq!(greedy("[ ]"), Err(Empty));
        for text in ["[1.0, NaN]", "[Infinity]", "[-Infinity, 2]", "[1e400]"] {
            assert_eq!(greedy(text), Err(NotFinite), "{text}");
        }
        for text in [
            "",
            "null",
            "1.5",
            "{\"a\": 1}",
            "[[1, 2]]",
            "[1, 2,]",
            "[1,,2]",
            "[\"1\"]",
            "[01]",
            "[.5]",
            "[5.]",
            "[+1]",
            "[1e]",
            "[inf]",
            "[nan]",
            "[1 2]",
            "(1, 2)",
            "[1, NaN, x]",
        ] {
            assert_eq!(greedy(text), Err(Malformed), "{text}");
        }
    }

    #[test]
    fn any_text_gives_a_value_or_a_problem_never_a_panic() {
        let alphabet: Vec<char> = "[]0123456789.eE+-, \t\"{}NaInfityé".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 59) as usize;
            for _ in 0..len {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                #[allow(clippy::cast_possible_truncation, reason = "an index below 64")]
                text.push(alphabet[(state >> 58) as usize % alphabet.len()]);
            }
            if let Ok(value) = greedy(&text) {
                assert!(value.is_finite(), "{text:?}");
            }
        }
    }
}
