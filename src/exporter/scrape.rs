//! What a scrape answers: [`Scrape`] (Prometheus text) and
//! [`ScrapeResponse`] (the negotiated format, maybe gzip-compressed), the
//! same for the built-in listener and for an engine serving `/metrics`
//! itself.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::negotiate::ExpositionFormat;

/// Body of a 503 while the exporter is not ready.
const NOT_READY: &str = "not ready: velocity_metrics is restoring state; scrape again shortly\n";

/// Content type of the endpoint's plain-text answers (errors, `/ready`).
pub(crate) const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

/// What one scrape answers in the Prometheus text format: status, content
/// type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scrape {
    /// HTTP status: 200, or 503 while the exporter is not ready.
    pub status: u16,
    /// `Content-Type` header value.
    pub content_type: &'static str,
    /// The exposition text (or why it is not served).
    pub body: String,
}

impl Scrape {
    pub(crate) fn not_ready() -> Self {
        Self {
            status: 503,
            content_type: PLAIN_TEXT,
            body: NOT_READY.to_owned(),
        }
    }
}

/// What one scrape answers in the format and encoding its request asked
/// for (see [`Exporter::scrape_for`](super::Exporter::scrape_for)). Send
/// `status`, the `Content-Type` and (if set) `Content-Encoding` headers, and
/// `body` as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScrapeResponse {
    /// HTTP status: 200, or 503 while the exporter is not ready.
    pub status: u16,
    /// `Content-Type` header value.
    pub content_type: &'static str,
    /// `Content-Encoding` header value: `Some("gzip")` when the body is
    /// compressed.
    pub content_encoding: Option<&'static str>,
    /// The format served; `None` for a 503.
    pub format: Option<ExpositionFormat>,
    /// The body, compressed if `content_encoding` says so.
    pub body: Vec<u8>,
}

impl ScrapeResponse {
    /// A 200 with `body` in `format`, compressed if `gzip`.
    pub(crate) fn ok(format: ExpositionFormat, body: Vec<u8>, gzip: bool) -> Self {
        let (content_encoding, body) = if gzip {
            (Some("gzip"), compress(&body))
        } else {
            (None, body)
        };
        Self {
            status: 200,
            content_type: format.content_type(),
            content_encoding,
            format: Some(format),
            body,
        }
    }
}

impl From<Scrape> for ScrapeResponse {
    fn from(scrape: Scrape) -> Self {
        Self {
            status: scrape.status,
            content_type: scrape.content_type,
            content_encoding: None,
            format: (scrape.status == 200).then_some(ExpositionFormat::PrometheusText),
            body: scrape.body.into_bytes(),
        }
    }
}

/// gzip at the fastest level: the endpoint runs inside the trading process,
/// where CPU matters more than the last few percent of size.
fn compress(body: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 5), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn gzip_round_trips() {
        let text = "velocitytrader_trades_total 1\n".repeat(100);
        let response = ScrapeResponse::ok(
            ExpositionFormat::PrometheusText,
            text.clone().into_bytes(),
            true,
        );
        assert_eq!(response.content_encoding, Some("gzip"));
        assert!(response.body.len() < text.len() / 5);
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(response.body.as_slice())
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
    }
}
