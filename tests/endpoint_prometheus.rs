//! A real Prometheus (Debian's 2.42) against the example exporter as its own
//! process: HTTPS with basic auth and mutual TLS from exporter-toolkit web
//! configuration files (certificates and bcrypt hashes made fresh by the
//! test), and the formats Prometheus negotiates — OpenMetrics with gzip by
//! default, protobuf with native histograms when its feature is on.
//!
//! `cargo test --all-features --test endpoint_prometheus -- --include-ignored --nocapture`

#![cfg(feature = "exporter")]

#[path = "common/net.rs"]
mod net;
#[path = "common/prometheus.rs"]
mod prometheus;
#[path = "common/tls.rs"]
mod tls;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use net::{ChildGroup, build_example, free_port, get};
use prometheus::Prometheus;
use serde_yaml::Value as Yaml;

/// The example exporter on `port` with extra arguments.
fn example(binary: &Path, port: u16, args: &[&str]) -> ChildGroup {
    ChildGroup::spawn(
        Command::new(binary)
            .args(["--port", &port.to_string(), "--duration", "300"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

fn wait_for_ready(port: u16, engine: &mut ChildGroup, https: bool) {
    engine
        .wait_ready("the exporter", Duration::from_secs(60), || {
            if https {
                // TLS: the port accepts connections once serving.
                TcpStream::connect(("127.0.0.1", port)).is_ok()
            } else {
                matches!(get(port, "/ready"), Ok((200, _)))
            }
        })
        .unwrap();
}

/// The shipped scrape configurations with a commented `https` block: file,
/// where it reads the secrets, the job's name in the test.
const SHIPPED_HTTPS_JOBS: [(&str, &str, &str); 4] = [
    (
        "deploy/prometheus.yml",
        "/etc/prometheus/secrets/",
        "shipped_prometheus",
    ),
    (
        "deploy/fleet/vmagent.yml",
        "/etc/vmagent/secrets/",
        "shipped_vmagent",
    ),
    (
        "deploy/host/prometheus.yml",
        "/etc/prometheus/secrets/",
        "shipped_host_prometheus",
    ),
    (
        "deploy/fleet/host/vmagent.yml",
        "/run/credentials/velocitytrader-vmagent.service/",
        "shipped_host_vmagent",
    ),
];

/// The `velocitytrader` job of a shipped scrape configuration with its
/// commented `https` block enabled, renamed `name`, scraping `target`, its
/// secret paths (`secrets_in_container`) pointing into `secrets`.
fn shipped_https_job(
    file: &str,
    secrets_in_container: &str,
    secrets: &Path,
    name: &str,
    target: &str,
) -> Yaml {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let mut enabled = String::new();
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed == "# --- https ---" || trimmed == "# --- end https ---" {
            inside = trimmed == "# --- https ---";
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        match trimmed.strip_prefix("# ") {
            Some(code) if inside => enabled.push_str(&format!("{indent}{code}\n")),
            _ => enabled.push_str(&format!("{line}\n")),
        }
    }
    assert!(
        enabled.contains("\n    scheme: https\n"),
        "{file} has no https block"
    );
    let enabled = enabled.replace(secrets_in_container, &format!("{}/", secrets.display()));
    let config: Yaml = serde_yaml::from_str(&enabled).unwrap();
    let mut job = config["scrape_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|j| j["job_name"] == "velocitytrader")
        .unwrap()
        .clone();
    let map = job.as_mapping_mut().unwrap();
    map.insert("job_name".into(), name.into());
    map.remove("file_sd_configs");
    map.insert(
        "static_configs".into(),
        serde_yaml::from_str(&format!("[{{targets: ['{target}']}}]")).unwrap(),
    );
    job
}

#[test]
#[ignore = "needs prometheus"]
fn https_basic_auth_and_mutual_tls_with_a_real_prometheus() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = tls::generate(dir.path());
    let password = "scrape-secret-1";
    let hash = tls::bcrypt_hash(password);
    let right = tls::password_file(dir.path(), "password", password);
    let wrong = tls::password_file(dir.path(), "wrong-password", "not-it");

    // Relative paths: resolved against the web config file's directory.
    let auth_config = dir.path().join("web-auth.yml");
    std::fs::write(
        &auth_config,
        format!(
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n\
             basic_auth_users:\n  prometheus: '{hash}'\n\
             http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n"
        ),
    )
    .unwrap();
    let mtls_config = dir.path().join("web-mtls.yml");
    std::fs::write(
        &mtls_config,
        "tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  \
         client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  min_version: TLS12\n",
    )
    .unwrap();

    let binary = build_example("exporter");
    let (auth_port, mtls_port) = (free_port(), free_port());
    let mut auth_engine = example(
        &binary,
        auth_port,
        &["--web-config", auth_config.to_str().unwrap()],
    );
    let mut mtls_engine = example(
        &binary,
        mtls_port,
        &["--web-config", mtls_config.to_str().unwrap()],
    );
    wait_for_ready(auth_port, &mut auth_engine, true);
    wait_for_ready(mtls_port, &mut mtls_engine, true);

    let ca = credentials.ca_cert.display();
    let job = |name: &str, port: u16, extra: &str| {
        format!(
            "  - job_name: {name}\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n{extra}"
        )
    };
    let https = format!("    scheme: https\n    tls_config:\n      ca_file: {ca}\n");
    let config = [
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n".to_owned(),
        job(
            "https_auth",
            auth_port,
            &format!(
                "{https}    basic_auth:\n      username: prometheus\n      password_file: {}\n",
                right.display()
            ),
        ),
        job(
            "wrong_password",
            auth_port,
            &format!(
                "{https}    basic_auth:\n      username: prometheus\n      password_file: {}\n",
                wrong.display()
            ),
        ),
        job("no_password", auth_port, &https),
        job("plain_http", auth_port, ""),
        job(
            "mutual_tls",
            mtls_port,
            &format!(
                "{https}      cert_file: {}\n      key_file: {}\n",
                credentials.client_cert.display(),
                credentials.client_key.display()
            ),
        ),
        job("no_client_cert", mtls_port, &https),
    ]
    .concat();
    // The shipped Prometheus and vmagent jobs, compose and Debian host, https
    // block enabled, with the secrets under the names deploy/secrets/README.md
    // gives them.
    let secrets = dir.path().join("secrets");
    std::fs::create_dir(&secrets).unwrap();
    std::fs::copy(&credentials.ca_cert, secrets.join("engine-ca.pem")).unwrap();
    std::fs::copy(&right, secrets.join("scrape_password")).unwrap();
    let target = format!("127.0.0.1:{auth_port}");
    let mut config: Yaml = serde_yaml::from_str(&config).unwrap();
    let jobs = config["scrape_configs"].as_sequence_mut().unwrap();
    for (file, secrets_there, name) in SHIPPED_HTTPS_JOBS {
        jobs.push(shipped_https_job(
            file,
            secrets_there,
            &secrets,
            name,
            &target,
        ));
    }
    let config = serde_yaml::to_string(&config).unwrap();
    let prometheus = Prometheus::start(dir.path(), "tls", &config, &[]);
    let targets = prometheus.wait("every target scraped", Duration::from_secs(60), || {
        prometheus.targets_settled(6 + SHIPPED_HTTPS_JOBS.len())
    });
    eprintln!("targets: {targets:#?}");
    for (_, _, shipped) in SHIPPED_HTTPS_JOBS {
        assert_eq!(
            targets[shipped].0, "up",
            "{shipped}: {:?}",
            targets[shipped]
        );
    }
    for (job, healthy) in [
        ("https_auth", true),
        ("wrong_password", false),
        ("no_password", false),
        ("plain_http", false),
        ("mutual_tls", true),
        ("no_client_cert", false),
    ] {
        assert_eq!(targets[job].0 == "up", healthy, "{job}: {:?}", targets[job]);
    }
    assert!(
        targets["wrong_password"].1.contains("401"),
        "{:?}",
        targets["wrong_password"]
    );
    assert!(
        targets["no_password"].1.contains("401"),
        "{:?}",
        targets["no_password"]
    );

    // The series are stored, and the endpoints counted what they refused.
    let stored = prometheus.wait("series stored", Duration::from_secs(30), || {
        let n = prometheus.query("count({job=\"https_auth\", __name__=~\"velocitytrader_.+\"})");
        let n: f64 = n.first()?["value"][1].as_str()?.parse().ok()?;
        (n > 500.0).then_some(n)
    });
    assert!(
        prometheus
            .query("count({job=\"mutual_tls\", __name__=~\"velocitytrader_.+\"})")
            .len()
            == 1
    );
    for job in [
        "wrong_password",
        "no_password",
        "plain_http",
        "no_client_cert",
    ] {
        assert!(
            prometheus
                .query(&format!("velocitytrader_build_info{{job=\"{job}\"}}"))
                .is_empty(),
            "{job} stored data"
        );
    }
    let counted = |promql: &str| {
        prometheus.wait(promql, Duration::from_secs(30), || {
            let v: f64 = prometheus.query(promql).first()?["value"][1]
                .as_str()?
                .parse()
                .ok()?;
            (v > 0.0).then_some(v)
        })
    };
    counted(
        "velocitytrader_endpoint_requests_rejected_total{job=\"https_auth\", reason=\"unauthorized\"}",
    );
    counted(
        "velocitytrader_endpoint_connections_dropped_total{job=\"https_auth\", reason=\"tls_handshake\"}",
    );
    counted(
        "velocitytrader_endpoint_connections_dropped_total{job=\"mutual_tls\", reason=\"tls_handshake\"}",
    );
    eprintln!("{stored} series stored over HTTPS with basic auth");
}

/// HTTP headers by lower-case name.
type Headers = BTreeMap<String, String>;

/// A TCP relay that records what passes through, for seeing exactly what
/// Prometheus asked for and received.
struct Recorder {
    port: u16,
    requests: Arc<Mutex<Vec<u8>>>,
    responses: Arc<Mutex<Vec<u8>>>,
}

const RECORD_LIMIT: usize = 4 << 20;

fn relay(mut from: TcpStream, mut to: TcpStream, record: Arc<Mutex<Vec<u8>>>) {
    let mut buf = [0; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
        let mut record = record.lock().unwrap();
        if record.len() < RECORD_LIMIT {
            record.extend_from_slice(&buf[..n]);
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Both);
}

impl Recorder {
    fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let responses = Arc::new(Mutex::new(Vec::new()));
        let (req, resp) = (Arc::clone(&requests), Arc::clone(&responses));
        // One connection is enough: Prometheus keeps its connection alive.
        std::thread::spawn(move || {
            if let Ok((client, _)) = listener.accept() {
                let server = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || relay(c2, s2, req));
                relay(server, client, resp);
            }
        });
        Self {
            port,
            requests,
            responses,
        }
    }

    /// Headers of the first request and the first response, and the
    /// response's body length.
    fn first_exchange(&self) -> Option<(Headers, Headers, usize)> {
        let headers = |raw: &[u8]| -> Option<(Headers, usize)> {
            let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
            let map = String::from_utf8_lossy(&raw[..end])
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            Some((map, end + 4))
        };
        let (request, _) = headers(&self.requests.lock().unwrap())?;
        let responses = self.responses.lock().unwrap();
        let (response, start) = headers(&responses)?;
        let length: usize = response.get("content-length")?.parse().ok()?;
        (responses.len() >= start + length).then_some((request, response, length))
    }
}

#[test]
#[ignore = "needs prometheus"]
fn prometheus_gets_gzip_compressed_openmetrics() {
    let dir = tempfile::tempdir().unwrap();
    let binary = build_example("exporter");
    let port = free_port();
    let mut engine = example(
        &binary,
        port,
        &["--engine", "sim-1", "--account", "acc-1", "--mode", "paper"],
    );
    wait_for_ready(port, &mut engine, false);
    let recorder = Recorder::start(port);

    let default = Prometheus::start(
        dir.path(),
        "default",
        &scrape_config("openmetrics", recorder.port),
        &[],
    );

    // What Prometheus asked for and got: OpenMetrics, gzip-compressed.
    let (request, response, compressed) =
        default.wait("a recorded scrape", Duration::from_secs(60), || {
            recorder.first_exchange()
        });
    assert!(
        request["accept"].starts_with("application/openmetrics-text;version=1.0.0"),
        "{request:?}"
    );
    assert!(request["accept-encoding"].contains("gzip"), "{request:?}");
    assert_eq!(
        response["content-type"],
        velocity_metrics::exporter::OPENMETRICS_CONTENT_TYPE
    );
    assert_eq!(
        response.get("content-encoding").map(String::as_str),
        Some("gzip")
    );
    let (status, plain) = get(port, "/metrics").unwrap();
    assert_eq!(status, 200);
    let factor = plain.len() as f64 / compressed as f64;
    eprintln!(
        "scrape: {} bytes of text, {compressed} bytes gzip-compressed ({factor:.1}x smaller)",
        plain.len()
    );
    assert!(
        factor > 4.0,
        "gzip made the scrape only {factor:.1}x smaller"
    );

    // Ingested as OpenMetrics: counter metadata under the family name.
    let series = default.wait("OpenMetrics series stored", Duration::from_secs(60), || {
        let n = default.query("count({job=\"openmetrics\", __name__=~\"velocitytrader_.+\"})");
        let n: f64 = n.first()?["value"][1].as_str()?.parse().ok()?;
        (n > 700.0).then_some(n)
    });
    let metadata = default.api("/api/v1/metadata?metric=velocitytrader_trades");
    assert_eq!(
        metadata["data"]["velocitytrader_trades"][0]["type"], "counter",
        "{metadata}"
    );
    assert!(
        !default
            .query("velocitytrader_trades_total{job=\"openmetrics\"}")
            .is_empty()
    );
    assert!(
        !default
            .query(
                "velocitytrader_order_fill_duration_seconds_bucket{job=\"openmetrics\", le=\"0.5\"}"
            )
            .is_empty()
    );
    eprintln!("{series} series stored from OpenMetrics scrapes");
}

fn scrape_config(name: &str, target: u16) -> String {
    format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: {name}\n    static_configs:\n      - targets: ['127.0.0.1:{target}']\n"
    )
}

#[cfg(feature = "protobuf")]
#[test]
#[ignore = "needs prometheus"]
fn prometheus_with_native_histograms_answers_quantiles_over_the_fill_latency() {
    let dir = tempfile::tempdir().unwrap();
    let binary = build_example("exporter");
    let port = free_port();
    let mut engine = example(&binary, port, &[]);
    wait_for_ready(port, &mut engine, false);
    // Debian's 2.42 asks for protobuf first once native histograms are on.
    let native = Prometheus::start(
        dir.path(),
        "native",
        &scrape_config("native", port),
        &["--enable-feature=native-histograms"],
    );
    let p99 = native.wait("a native-histogram quantile", Duration::from_secs(60), || {
        let r = native.query("histogram_quantile(0.99, sum(rate(velocitytrader_order_fill_duration_seconds{job=\"native\"}[30s])))");
        let v: f64 = r.first()?["value"][1].as_str()?.parse().ok()?;
        v.is_finite().then_some(v)
    });
    // The simulation fills in 20–100 ms, 0.1 % beyond 500 ms.
    assert!((0.02..2.0).contains(&p99), "p99 fill latency {p99}");
    let series = native.query("velocitytrader_order_fill_duration_seconds{job=\"native\"}");
    assert!(!series.is_empty());
    assert!(
        series[0].get("histogram").is_some(),
        "not a native histogram: {}",
        series[0]
    );
    let risk = native.query(
        "histogram_count(rate(velocitytrader_risk_decision_duration_seconds{job=\"native\"}[30s]))",
    );
    assert!(!risk.is_empty(), "the risk decision latency is native too");
    // Every other family arrives through protobuf as well.
    assert!(
        !native
            .query("velocitytrader_trades_total{job=\"native\"}")
            .is_empty()
    );
    eprintln!("native histograms: p99 fill latency {p99:.4} s");
}
