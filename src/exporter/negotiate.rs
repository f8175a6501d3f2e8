//! Content negotiation: which exposition format and encoding a scraper asked
//! for, from its `Accept` and `Accept-Encoding` headers (q-values included,
//! as Prometheus sends them).

/// Content type of the Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Content type of OpenMetrics 1.0 text.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Content type of the Prometheus protobuf format (length-delimited
/// `io.prometheus.client.MetricFamily` messages).
pub const PROTOBUF_CONTENT_TYPE: &str =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

/// An exposition format the endpoint can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpositionFormat {
    /// Prometheus text 0.0.4: what every scraper understands, and the answer
    /// when a request names no format this endpoint serves.
    PrometheusText,
    /// OpenMetrics 1.0 text (`# EOF`-terminated).
    OpenMetrics,
    /// Prometheus protobuf, with native histograms for the two latency
    /// histograms (feature `protobuf`).
    #[cfg(feature = "protobuf")]
    #[cfg_attr(docsrs, doc(cfg(feature = "protobuf")))]
    Protobuf,
}

impl ExpositionFormat {
    /// The `Content-Type` of a response in this format.
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::PrometheusText => CONTENT_TYPE,
            Self::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
            #[cfg(feature = "protobuf")]
            Self::Protobuf => PROTOBUF_CONTENT_TYPE,
        }
    }

    /// The format for an `Accept` header value (`None`: no header).
    ///
    /// The formats a request accepts with the highest q-value win; among
    /// equals, Prometheus' own order of preference decides (protobuf, then
    /// OpenMetrics 1.0, then text 0.0.4). Protobuf and OpenMetrics are served
    /// only when named explicitly (with their `proto`/`encoding` or `version`
    /// parameters, if given, matching); wildcards get text, and so does a
    /// request that accepts nothing this endpoint serves.
    #[must_use]
    pub fn negotiate(accept: Option<&str>) -> Self {
        let Some(accept) = accept else {
            return Self::PrometheusText;
        };
        let mut best = (Self::PrometheusText, 0.0_f64);
        for &format in Self::PREFERENCE {
            let q = accept
                .split(',')
                .filter_map(|range| format.quality(range))
                .fold(0.0_f64, f64::max);
            if q > best.1 {
                best = (format, q);
            }
        }
        best.0
    }

    /// Highest preference first.
    const PREFERENCE: &'static [Self] = &[
        #[cfg(feature = "protobuf")]
        Self::Protobuf,
        Self::OpenMetrics,
        Self::PrometheusText,
    ];

    /// The q-value `range` (one element of an `Accept` list) gives this
    /// format, or `None` when it does not name it.
    fn quality(self, range: &str) -> Option<f64> {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next()?.to_ascii_lowercase();
        let mut q = 1.0;
        let mut params_match = true;
        for param in parts {
            let Some((key, value)) = param.split_once('=') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim().trim_matches('"');
            if key == "q" {
                q = value
                    .parse::<f64>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))?;
            } else if !self.accepts_param(&key, value) {
                params_match = false;
            }
        }
        let named = match self {
            Self::PrometheusText => matches!(media.as_str(), "text/plain" | "text/*" | "*/*"),
            Self::OpenMetrics => media == "application/openmetrics-text",
            #[cfg(feature = "protobuf")]
            Self::Protobuf => media == "application/vnd.google.protobuf",
        };
        (named && params_match).then_some(q)
    }

    fn accepts_param(self, key: &str, value: &str) -> bool {
        match (self, key) {
            (Self::PrometheusText, "version") => value == "0.0.4",
            (Self::OpenMetrics, "version") => value == "1.0.0",
            #[cfg(feature = "protobuf")]
            (Self::Protobuf, "proto") => value == "io.prometheus.client.MetricFamily",
            #[cfg(feature = "protobuf")]
            (Self::Protobuf, "encoding") => value == "delimited",
            _ => true,
        }
    }
}

/// Whether an `Accept-Encoding` header value allows gzip (`gzip`,
/// `x-gzip` or `*` with a non-zero q-value).
#[must_use]
pub(crate) fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    accept_encoding.is_some_and(|header| {
        header.split(',').any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("").to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(Some(1.0), |(_, v)| v.trim().parse::<f64>().ok());
            matches!(name.as_str(), "gzip" | "x-gzip" | "*") && q.is_some_and(|q| q > 0.0)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::ExpositionFormat::{OpenMetrics, PrometheusText};
    use super::*;

    /// What Prometheus 2.42 sends by default, and with native histograms on.
    const PROMETHEUS_DEFAULT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    const PROMETHEUS_NATIVE: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    #[test]
    fn prometheus_gets_its_first_choice() {
        assert_eq!(
            ExpositionFormat::negotiate(Some(PROMETHEUS_DEFAULT)),
            OpenMetrics
        );
        #[cfg(feature = "protobuf")]
        assert_eq!(
            ExpositionFormat::negotiate(Some(PROMETHEUS_NATIVE)),
            ExpositionFormat::Protobuf
        );
        #[cfg(not(feature = "protobuf"))]
        assert_eq!(
            ExpositionFormat::negotiate(Some(PROMETHEUS_NATIVE)),
            OpenMetrics
        );
    }

    #[test]
    fn text_for_wildcards_absent_headers_and_the_unknown() {
        for accept in [
            None,
            Some("*/*"),
            Some("text/*"),
            Some("text/plain"),
            Some("text/plain;version=0.0.4"),
            Some("application/json"),
            Some("application/openmetrics-text;version=0.0.1"),
            Some("application/openmetrics-text;q=0"),
            Some("application/openmetrics-text;q=bogus"),
        ] {
            assert_eq!(
                ExpositionFormat::negotiate(accept),
                PrometheusText,
                "{accept:?}"
            );
        }
    }

    #[test]
    fn q_values_decide_then_preference() {
        assert_eq!(
            ExpositionFormat::negotiate(Some(
                "text/plain;q=0.9, application/openmetrics-text; version=1.0.0; q=0.5"
            )),
            PrometheusText
        );
        assert_eq!(
            ExpositionFormat::negotiate(Some("text/plain, application/openmetrics-text")),
            OpenMetrics
        );
        assert_eq!(
            ExpositionFormat::negotiate(Some("APPLICATION/OpenMetrics-Text; Version=\"1.0.0\"")),
            OpenMetrics
        );
    }

    #[test]
    fn gzip_when_allowed() {
        assert!(accepts_gzip(Some("gzip")));
        assert!(accepts_gzip(Some("deflate, gzip;q=0.5")));
        assert!(accepts_gzip(Some("*")));
        assert!(accepts_gzip(Some("identity, x-gzip")));
        assert!(!accepts_gzip(Some("gzip;q=0")));
        assert!(!accepts_gzip(Some("identity")));
        assert!(!accepts_gzip(Some("br, deflate")));
        assert!(!accepts_gzip(None));
    }
}
