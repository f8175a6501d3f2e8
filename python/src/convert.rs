//! Python values into the crate's typed inputs: label values (a `str`, or a
//! pre-checked `Agent` / `Symbol`), the closed vocabularies (any spelling the
//! Rust `FromStr` accepts, so the Python enums, which are `str`s, too), and
//! durations in seconds.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
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
    as_str(value, name)?.to_cow()
}

/// A direct-mapped cache from a Python `str` object to what its text
/// parsed to. The engine passes the same string objects again and again
/// (literals, enum members, its own constants); a hit skips copying the text
/// out of the object — which the abi3 API of Python 3.9 can only do by
/// allocating — and checking it again. Each slot holds a strong reference,
/// so a cached address cannot be reused by another object; only successful
/// parses are kept.
pub(crate) struct StrCache<T: 'static> {
    slots: Mutex<Vec<Slot<T>>>,
}

/// A cached `str` object and what it parsed to.
type Slot<T> = Option<(Py<PyString>, T)>;

/// Slots per cache: a few kilobytes, more than an engine's label values.
const SLOTS: usize = 256;

impl<T: Copy + 'static> StrCache<T> {
    pub(crate) const fn new() -> Self {
        Self {
            slots: Mutex::new(Vec::new()),
        }
    }

    fn get(
        &self,
        value: &Bound<'_, PyString>,
        parse: impl FnOnce(&str) -> PyResult<T>,
    ) -> PyResult<T> {
        let index = (value.as_ptr() as usize >> 4) % SLOTS;
        {
            let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(Some((cached, parsed))) = slots.get(index)
                && cached.as_ptr() == value.as_ptr()
            {
                return Ok(*parsed);
            }
        }
        let parsed = parse(&value.to_cow()?)?;
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.is_empty() {
            slots.resize_with(SLOTS, || None);
        }
        // The evicted `str` is dropped with the GIL held (a `str` runs no
        // Python code when it is freed).
        slots[index] = Some((value.clone().unbind(), parsed));
        Ok(parsed)
    }
}

fn as_str<'a, 'py>(value: &'a Bound<'py, PyAny>, name: &str) -> PyResult<&'a Bound<'py, PyString>> {
    value.cast::<PyString>().map_err(|_| {
        let kind = value
            .get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |n| n.to_string());
        PyTypeError::new_err(format!("{name} must be a str, got {kind}"))
    })
}

static AGENTS: StrCache<Agent> = StrCache::new();
static SYMBOLS: StrCache<Symbol> = StrCache::new();

/// An `Agent` object, or a `str` checked now (or found checked before).
pub(crate) fn agent(value: &Bound<'_, PyAny>) -> PyResult<Agent> {
    if let Ok(checked) = value.cast::<PyAgent>() {
        return Ok(checked.get().0);
    }
    AGENTS.get(as_str(value, "agent")?, |text| {
        Agent::new(text).map_err(|e| errors::label(&e))
    })
}

/// A `Symbol` object, or a `str` checked now (or found checked before).
pub(crate) fn symbol(value: &Bound<'_, PyAny>) -> PyResult<Symbol> {
    if let Ok(checked) = value.cast::<PySymbol>() {
        return Ok(checked.get().0);
    }
    SYMBOLS.get(as_str(value, "symbol")?, |text| {
        Symbol::new(text).map_err(|e| errors::label(&e))
    })
}

/// A closed vocabulary of the crate, with its own cache of parsed strings.
pub(crate) trait Vocabulary:
    FromStr<Err = velocity_metrics::ParseError> + Copy + 'static
{
    fn cache() -> &'static StrCache<Self>;
}

macro_rules! vocabularies {
    ($($ty:ty),+) => {$(
        impl Vocabulary for $ty {
            fn cache() -> &'static StrCache<Self> {
                static CACHE: StrCache<$ty> = StrCache::new();
                &CACHE
            }
        }
    )+};
}

vocabularies!(
    velocity_metrics::Timeframe,
    velocity_metrics::Regime,
    velocity_metrics::Side,
    velocity_metrics::Severity,
    velocity_metrics::Mode,
    velocity_metrics::BreakerReason,
    velocity_metrics::RiskDecision,
    velocity_metrics::OrderRejectReason
);

/// One of the crate's closed vocabularies, from any spelling its `FromStr`
/// accepts (`"M5"`, `"m5"`, `Timeframe.M5`; `"CRITICAL"` …).
pub(crate) fn parsed<T: Vocabulary>(value: &Bound<'_, PyAny>, name: &str) -> PyResult<T> {
    T::cache().get(as_str(value, name)?, |text| {
        text.parse().map_err(|e| errors::parse(&e))
    })
}

/// An optional vocabulary value: `None` stays `None`.
pub(crate) fn parsed_opt<T: Vocabulary>(
    value: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Option<T>> {
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
