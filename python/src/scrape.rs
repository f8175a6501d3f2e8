//! A scrape's answer as Python sees it: `velocity_metrics.ScrapeResponse`,
//! the tuple `(status, headers, body)` a web framework sends as it is —
//! `headers` carry `Content-Type` and, when the body is gzip-compressed,
//! `Content-Encoding`, so no handler can send a compressed body without it.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyType};
use velocity_metrics::exporter::{CONTENT_TYPE, Exporter, ScrapeResponse};

/// The `ScrapeResponse` class (defined in Python: a `NamedTuple`).
static SCRAPE_RESPONSE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// What the built-in listener answers a `GET /metrics` with these request
/// headers, from `exporter`, with the GIL released while it publishes,
/// renders and compresses.
pub(crate) fn negotiated(
    py: Python<'_>,
    exporter: &Exporter,
    accept: Option<String>,
    accept_encoding: Option<String>,
) -> PyResult<Py<PyAny>> {
    let response = py.detach(|| exporter.scrape_for(accept.as_deref(), accept_encoding.as_deref()));
    to_python(py, &response)
}

/// The module-level `scrape()`: the default's endpoint, or plain
/// Prometheus text before there is one.
pub(crate) fn default(
    py: Python<'_>,
    accept: Option<String>,
    accept_encoding: Option<String>,
) -> PyResult<Py<PyAny>> {
    if let Some(endpoint) = crate::serving::default_endpoint() {
        return negotiated(py, endpoint, accept, accept_encoding);
    }
    let text = crate::serving::render_default(py)?;
    build(py, 200, CONTENT_TYPE, None, text.as_bytes())
}

fn to_python(py: Python<'_>, response: &ScrapeResponse) -> PyResult<Py<PyAny>> {
    build(
        py,
        response.status,
        response.content_type,
        response.content_encoding,
        &response.body,
    )
}

fn build(
    py: Python<'_>,
    status: u16,
    content_type: &str,
    content_encoding: Option<&str>,
    body: &[u8],
) -> PyResult<Py<PyAny>> {
    let headers = PyDict::new(py);
    headers.set_item("Content-Type", content_type)?;
    if let Some(encoding) = content_encoding {
        headers.set_item("Content-Encoding", encoding)?;
    }
    headers.set_item("Vary", "Accept, Accept-Encoding")?;
    let class = SCRAPE_RESPONSE.import(py, "velocity_metrics._scrape", "ScrapeResponse")?;
    Ok(class
        .call1((status, headers, PyBytes::new(py, body)))?
        .unbind())
}
