//! The built-in listener as a scraper and an operator meet it: HTTP details
//! (405 with `Allow`, HEAD without a publish, `Content-Length`), format and
//! encoding negotiation, slow publishes that never hold up `/ready` and are
//! shared by concurrent scrapes, the scraper's timeout, limits on idle
//! connections and header size, and basic auth.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use velocity_metrics::exporter::{
    CONTENT_TYPE, Exporter, ExporterBuilder, ExpositionFormat, OPENMETRICS_CONTENT_TYPE,
};
use velocity_metrics::{Agent, Symbol, Timeframe, Trade};

/// What Prometheus 2.42 sends by default.
const PROMETHEUS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// One response: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.0 request (the server closes after answering).
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(port: u16, path: &str) -> Answer {
    request(port, "GET", path, &[])
}

fn start(builder: ExporterBuilder) -> (Exporter, u16) {
    let exporter = builder
        .listen_address(([127, 0, 0, 1], 0).into())
        .build()
        .unwrap();
    let port = exporter.listen_address().unwrap().port();
    exporter
        .telemetry()
        .record_trade(&Trade::closed(
            Agent::SNIPER,
            Symbol::new("EURUSD+").unwrap(),
            Timeframe::M5,
            12.5,
        ))
        .unwrap();
    (exporter, port)
}

fn count_publishes(exporter: &Exporter, delay: Duration) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    exporter.telemetry().on_publish(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(delay);
    });
    calls
}

fn sample(text: &str, name: &str, reason: &str) -> Option<f64> {
    exposition::parse(text)
        .unwrap()
        .samples
        .into_iter()
        .find(|s| s.name == name && s.labels.get("reason").map(String::as_str) == Some(reason))
        .map(|s| s.value)
}

#[test]
fn methods_head_and_content_length() {
    let (exporter, port) = start(ExporterBuilder::new());
    let publishes = count_publishes(&exporter, Duration::ZERO);

    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let answer = request(port, method, "/metrics", &[]);
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("allow"), Some("GET, HEAD"), "{method}");
    }

    let head = request(port, "HEAD", "/metrics", &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some(CONTENT_TYPE));
    assert!(head.body.is_empty());
    assert_eq!(publishes.load(Ordering::SeqCst), 0, "HEAD published");

    let answer = get(port, "/metrics");
    assert_eq!(answer.status, 200);
    assert_eq!(publishes.load(Ordering::SeqCst), 1);
    assert_eq!(
        answer.header("content-length"),
        Some(answer.body.len().to_string().as_str())
    );
    for path in ["/", "/ready", "/nowhere"] {
        let answer = get(port, path);
        assert_eq!(
            answer.header("content-length"),
            Some(answer.body.len().to_string().as_str()),
            "{path}"
        );
        let head = request(port, "HEAD", path, &[]);
        assert_eq!(head.status, answer.status, "{path}");
        assert_eq!(
            head.header("content-length"),
            answer.header("content-length"),
            "{path}"
        );
        assert!(head.body.is_empty(), "{path}");
    }
}

#[test]
fn endpoint_counters_exist_at_zero_from_the_start() {
    let (_exporter, port) = start(ExporterBuilder::new());
    let text = get(port, "/metrics").text();
    for reason in [
        "evicted",
        "refused",
        "timeout",
        "tls_handshake",
        "accept_failed",
    ] {
        assert_eq!(
            sample(
                &text,
                "velocitytrader_endpoint_connections_dropped_total",
                reason
            ),
            Some(0.0),
            "{reason}"
        );
    }
    for reason in ["unauthorized", "auth_busy", "forbidden", "scrape_timeout"] {
        assert_eq!(
            sample(
                &text,
                "velocitytrader_endpoint_requests_rejected_total",
                reason
            ),
            Some(0.0),
            "{reason}"
        );
    }
}

#[test]
fn openmetrics_and_gzip_as_negotiated() {
    let (_exporter, port) = start(ExporterBuilder::new());
    let text = get(port, "/metrics");
    assert_eq!(text.header("content-type"), Some(CONTENT_TYPE));
    assert!(!text.text().contains("# EOF"));

    let om = request(port, "GET", "/metrics", &[("Accept", PROMETHEUS_ACCEPT)]);
    assert_eq!(om.header("content-type"), Some(OPENMETRICS_CONTENT_TYPE));
    let body = om.text();
    assert!(body.ends_with("\n# EOF\n"), "{}", &body[body.len() - 100..]);
    assert!(!body.contains("\n\n"), "OpenMetrics allows no blank line");
    assert!(body.contains("# TYPE velocitytrader_trades counter\n"));
    assert!(body.contains("\nvelocitytrader_trades_total"));
    assert!(body.contains(
        "# TYPE velocitytrader_uptime_seconds gauge\n# UNIT velocitytrader_uptime_seconds seconds\n"
    ));

    let gzip = request(
        port,
        "GET",
        "/metrics",
        &[("Accept-Encoding", "gzip"), ("Accept", PROMETHEUS_ACCEPT)],
    );
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.header("content-type"), Some(OPENMETRICS_CONTENT_TYPE));
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(gzip.body.as_slice())
        .read_to_string(&mut decoded)
        .unwrap();
    assert!(decoded.ends_with("# EOF\n"));
    assert!(
        gzip.body.len() * 3 < decoded.len(),
        "{} of {}",
        gzip.body.len(),
        decoded.len()
    );
    let refused = request(
        port,
        "GET",
        "/metrics",
        &[("Accept-Encoding", "gzip;q=0, identity")],
    );
    assert_eq!(refused.header("content-encoding"), None);
}

#[test]
fn embedded_engines_get_the_same_negotiation() {
    let exporter = ExporterBuilder::new().build_embedded().unwrap();
    let plain = exporter.scrape_for(None, None);
    assert_eq!(
        (plain.status, plain.content_type, plain.content_encoding),
        (200, CONTENT_TYPE, None)
    );
    assert_eq!(plain.format, Some(ExpositionFormat::PrometheusText));
    let om = exporter.scrape_for(
        Some("application/openmetrics-text; version=1.0.0"),
        Some("gzip"),
    );
    assert_eq!(om.content_type, OPENMETRICS_CONTENT_TYPE);
    assert_eq!(om.content_encoding, Some("gzip"));
    let unready = ExporterBuilder::new()
        .start_unready()
        .build_embedded()
        .unwrap();
    assert_eq!(
        unready
            .scrape_for(Some(PROMETHEUS_ACCEPT), Some("gzip"))
            .status,
        503
    );
}

#[test]
fn a_slow_publish_never_holds_up_ready_and_concurrent_scrapes_share_it() {
    let (exporter, port) = start(ExporterBuilder::new());
    let publishes = count_publishes(&exporter, Duration::from_secs(1));
    let barrier = Arc::new(std::sync::Barrier::new(9));
    let scrapers: Vec<_> = (0..8)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let started = Instant::now();
                let answer = get(port, "/metrics");
                (answer.status, started.elapsed())
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut slowest_ready = Duration::ZERO;
    let mut probes = 0;
    while !scrapers.iter().all(std::thread::JoinHandle::is_finished) {
        let asked = Instant::now();
        assert_eq!(get(port, "/ready").status, 200);
        slowest_ready = slowest_ready.max(asked.elapsed());
        probes += 1;
        std::thread::sleep(Duration::from_millis(10));
        assert!(started.elapsed() < Duration::from_secs(20), "scrapes hang");
    }
    for scraper in scrapers {
        let (status, took) = scraper.join().unwrap();
        assert_eq!(status, 200);
        assert!(
            took < Duration::from_millis(2500),
            "a scrape took {took:?}: scrapes queued behind each other"
        );
    }
    assert!(
        probes >= 20,
        "only {probes} /ready probes during the scrapes"
    );
    assert!(
        slowest_ready < Duration::from_millis(50),
        "/ready took {slowest_ready:?} during a slow publish"
    );
    let calls = publishes.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&calls),
        "8 concurrent scrapes ran {calls} publishes"
    );
}

#[test]
fn a_scrape_answers_before_the_scraper_gives_up() {
    let (exporter, port) = start(ExporterBuilder::new());
    let _publishes = count_publishes(&exporter, Duration::from_secs(2));
    let asked = Instant::now();
    let answer = request(
        port,
        "GET",
        "/metrics",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "0.5")],
    );
    let took = asked.elapsed();
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    // The publish finishes on its own; the next scrape counts the timeout.
    let text = get(port, "/metrics").text();
    assert_eq!(
        sample(
            &text,
            "velocitytrader_endpoint_requests_rejected_total",
            "scrape_timeout"
        ),
        Some(1.0)
    );
}

#[test]
fn silent_connections_are_closed_and_large_headers_refused() {
    let (exporter, port) = start(
        ExporterBuilder::new()
            .header_read_timeout(Duration::from_millis(300))
            .max_header_bytes(4096),
    );
    let mut silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let waited = Instant::now();
    let mut buf = [0; 16];
    let closed = matches!(silent.read(&mut buf), Ok(0) | Err(_));
    assert!(
        closed && waited.elapsed() < Duration::from_secs(3),
        "a silent connection stayed open"
    );

    // A keep-alive connection idle after a request is not a silent one: it
    // lasts for the keep-alive timeout, not the header timeout.
    let mut kept = TcpStream::connect(("127.0.0.1", port)).unwrap();
    kept.write_all(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = [0; 256];
    assert!(kept.read(&mut answer).unwrap() > 0);
    std::thread::sleep(Duration::from_millis(800));
    kept.write_all(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert!(
        kept.read(&mut answer).unwrap() > 0,
        "keep-alive closed after the header timeout"
    );

    let big = "x".repeat(8192);
    assert_eq!(
        request(port, "GET", "/metrics", &[("X-Big", &big)]).status,
        431
    );
    let text = exporter.render();
    assert_eq!(
        sample(
            &text,
            "velocitytrader_endpoint_connections_dropped_total",
            "timeout"
        ),
        Some(1.0)
    );
}

#[cfg(feature = "tls")]
#[test]
fn basic_auth_guards_everything_but_ready() {
    use base64::Engine as _;
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    let (exporter, port) = start(
        ExporterBuilder::new()
            .basic_auth_user("prometheus", &hash)
            .unwrap(),
    );
    let basic = |user: &str, password: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    };
    for path in ["/metrics", "/"] {
        for headers in [
            vec![],
            vec![("Authorization", basic("prometheus", "wrong"))],
            vec![("Authorization", basic("root", "s3cret"))],
        ] {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = request(port, "GET", path, &headers);
            assert_eq!(answer.status, 401, "{path} {headers:?}");
            assert!(
                answer
                    .header("www-authenticate")
                    .is_some_and(|v| v.starts_with("Basic "))
            );
            assert!(
                !answer.text().contains("velocitytrader"),
                "a 401 leaked data"
            );
        }
    }
    assert_eq!(get(port, "/ready").status, 200, "/ready stays open");
    let good = basic("prometheus", "s3cret");
    let answer = request(port, "GET", "/metrics", &[("Authorization", &good)]);
    assert_eq!(answer.status, 200);
    assert!(answer.text().contains("velocitytrader_trades_total"));
    let text = exporter.render();
    assert_eq!(
        sample(
            &text,
            "velocitytrader_endpoint_requests_rejected_total",
            "unauthorized"
        ),
        Some(6.0)
    );
}
