//! Python values into the crate's typed inputs: label values (a `str`, or a
//! pre-checked `Agent` / `Symbol`), the closed vocabularies (any spelling the
//! Rust `FromStr` accepts, so the Python enums, which are `str`s, too), and
//! durations in seconds.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyString;
use velocity_metrics::{Agent, Symbol};

use crate::errors;

/// A checked agent label value, exported in lower case. Build it once and
/// pass it to every call to skip the check on the hot path.
#[pyclass(name = "Agent", module = "velocity_metrics", frozen, eq, hash)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PyAgent(pub(crate) Agent);

#[pymethods]
impl PyAgent {
    /// Checks and lower-cases an agent name (`"BERSERKER"` → `berserker`).
    ///
    /// Raises `LabelError` for an empty name, one over 64 bytes, or one with
    /// a control character.
    #[new]
    fn new(name: &Bound<'_, PyString>) -> PyResult<Self> {
        Agent::new(&name.to_cow()?)
            .map(Self)
            .map_err(|e| errors::label(&e))
    }

    /// The label value as exported.
    fn __str__(&self) -> String {
        self.0.as_str().to_owned()
    }

    fn __repr__(&self) -> String {
        format!("Agent({:?})", self.0.as_str())
    }
}

/// A checked symbol label value, kept verbatim (`EURUSD+`).
#[pyclass(name = "Symbol", module = "velocity_metrics", frozen, eq, hash)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PySymbol(pub(crate) Symbol);

#[pymethods]
impl PySymbol {
    /// Checks a symbol, keeping it verbatim.
    ///
    /// Raises `LabelError` for an empty symbol, one over 64 bytes, or one
    /// with a control character (newline, NUL …).
    #[new]
    fn new(symbol: &Bound<'_, PyString>) -> PyResult<Self> {
        Symbol::new(&symbol.to_cow()?)
            .map(Self)
            .map_err(|e| errors::label(&e))
    }

    /// The label value as exported.
    fn __str__(&self) -> String {
        self.0.as_str().to_owned()
    }

    fn __repr__(&self) -> String {
        format!("Symbol({:?})", self.0.as_str())
    }
}

/// The text of a `str` argument (an enum member of `velocity_metrics` is
/// one); `TypeError` naming the parameter otherwise.
pub(crate) fn text<'a>(value: &'a Bound<'_, PyAny>, name: &str) -> PyResult<Cow<'a, str>> {
    match value.cast::<PyString>() {
        Ok(s) => s.to_cow(),
        Err(_) => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{name} must be a str, got {}",
            value.get_type().name()?
        ))),
    }
}

/// An `Agent` object, or a `str` checked now.
pub(crate) fn agent(value: &Bound<'_, PyAny>) -> PyResult<Agent> {
    if let Ok(checked) = value.cast::<PyAgent>() {
        return Ok(checked.get().0);
    }
    Agent::new(&text(value, "agent")?).map_err(|e| errors::label(&e))
}

/// A `Symbol` object, or a `str` checked now.
pub(crate) fn symbol(value: &Bound<'_, PyAny>) -> PyResult<Symbol> {
    if let Ok(checked) = value.cast::<PySymbol>() {
        return Ok(checked.get().0);
    }
    Symbol::new(&text(value, "symbol")?).map_err(|e| errors::label(&e))
}

/// One of the crate's closed vocabularies, from any spelling its `FromStr`
/// accepts (`"M5"`, `"m5"`, `Timeframe.M5`; `"CRITICAL"` …).
pub(crate) fn parsed<T>(value: &Bound<'_, PyAny>, name: &str) -> PyResult<T>
where
    T: FromStr<Err = velocity_metrics::ParseError>,
{
    text(value, name)?.parse().map_err(|e| errors::parse(&e))
}

/// An optional vocabulary value: `None` stays `None`.
pub(crate) fn parsed_opt<T>(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<T>>
where
    T: FromStr<Err = velocity_metrics::ParseError>,
{
    value
        .filter(|v| !v.is_none())
        .map(|v| parsed(v, name))
        .transpose()
}

/// A duration in seconds (a float, as `time.perf_counter()` differences
/// are): `RecordError` for a negative, NaN or infinite one.
pub(crate) fn seconds(field: &'static str, secs: f64) -> PyResult<Duration> {
    if secs.is_nan() || secs.is_infinite() {
        return Err(errors::record_value(field, secs, "not_finite"));
    }
    if secs < 0.0 {
        return Err(errors::record_value(field, secs, "negative"));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| errors::record_value(field, secs, "not_finite"))
}
