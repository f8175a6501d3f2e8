//! Batch mode against a real Pushgateway behind HTTPS and basic auth
//! (Debian's `prometheus-pushgateway` with `--web.config.file`: TLS and a
//! bcrypt user), with a certificate authority, server certificate and hash
//! made fresh by the test. Right credentials land; wrong ones, an unknown
//! authority or no credentials fail with typed, counted errors.
#![cfg(feature = "push")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/https.rs"]
mod https;
#[path = "common/net.rs"]
mod net;
#[path = "common/pushgateway.rs"]
mod pushgateway;
#[path = "common/tls.rs"]
mod tls;

use std::path::Path;
use std::time::Duration;

use velocity_metrics::exporter::{Auth, BatchRun, ExporterBuilder, PushError, PushTarget};
use velocity_metrics::{Agent, EngineIdentity, Mode, Symbol, Timeframe, Trade};

const USER: &str = "backtests";
const PASSWORD: &str = "correct horse battery staple";

/// A gateway on `https://localhost:<port>` that wants `USER:PASSWORD`.
struct SecureGateway {
    _child: net::ChildGroup,
    port: u16,
    credentials: tls::Credentials,
    dir: tempfile::TempDir,
}

impl SecureGateway {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let credentials = tls::generate(dir.path());
        let config = dir.path().join("web.yml");
        std::fs::write(
            &config,
            format!(
                "tls_server_config:\n  cert_file: {}\n  key_file: {}\nbasic_auth_users:\n  {USER}: {}\n",
                credentials.server_cert.display(),
                credentials.server_key.display(),
                tls::bcrypt_hash(PASSWORD)
            ),
        )
        .unwrap();
        let ca = credentials.ca_cert.clone();
        let (child, port) = pushgateway::start(Some(&config), |port| {
            https::get(port, "/-/ready", &ca, Some((USER, PASSWORD))).map(|(s, _)| s) == Ok(200)
        });
        Self {
            _child: child,
            port,
            credentials,
            dir,
        }
    }

    fn url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }

    fn ca(&self) -> &Path {
        &self.credentials.ca_cert
    }

    /// What the gateway holds, read over TLS with the right credentials.
    fn metrics(&self) -> exposition::Exposition {
        let (status, body) =
            https::get(self.port, "/metrics", self.ca(), Some((USER, PASSWORD))).unwrap();
        assert_eq!(status, 200, "{body}");
        exposition::parse(&body).unwrap()
    }
}

fn run(target: PushTarget) -> BatchRun {
    let run = ExporterBuilder::new()
        .identity(&EngineIdentity::new("bt-tls").unwrap().mode(Mode::Backtest))
        .unwrap()
        .build_push(target.timeout(Duration::from_secs(5)))
        .unwrap();
    let trade = Trade::closed(
        Agent::SNIPER,
        Symbol::new("EURUSD+").unwrap(),
        Timeframe::M5,
        4.0,
    );
    run.telemetry().record_trade(&trade).unwrap();
    run
}

fn failures(run: &BatchRun, reason: &str) -> Option<f64> {
    exposition::parse(&run.exporter().render())
        .unwrap()
        .value("velocitytrader_push_failures_total", &[("reason", reason)])
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn a_backtest_lands_over_https_with_basic_auth_from_a_password_file() {
    let gateway = SecureGateway::start();
    let password = tls::password_file(gateway.dir.path(), "pushgateway-password", PASSWORD);
    let target = PushTarget::new(&gateway.url())
        .unwrap()
        .auth(Auth::password_file(USER, &password).unwrap())
        .ca_file(gateway.ca())
        .unwrap()
        .grouping("run_id", "tls-1")
        .unwrap();
    let report = run(target).finish().unwrap();
    assert_eq!((report.pushes, report.failures), (1, 0));
    let held = gateway.metrics();
    assert_eq!(
        held.value(
            "velocitytrader_trades_total",
            &[
                ("run_id", "tls-1"),
                ("engine", "bt-tls"),
                ("job", "velocitytrader_backtest")
            ]
        ),
        Some(1.0)
    );

    // Credentials in the URL are used, not dropped.
    let in_url = format!(
        "https://{USER}:{}@localhost:{}",
        PASSWORD.replace(' ', "%20"),
        gateway.port
    );
    let target = PushTarget::new(&in_url)
        .unwrap()
        .ca_file(gateway.ca())
        .unwrap()
        .grouping("run_id", "tls-2")
        .unwrap();
    run(target).finish().unwrap();
    assert_eq!(
        gateway
            .metrics()
            .value("velocitytrader_trades_total", &[("run_id", "tls-2")]),
        Some(1.0)
    );
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn wrong_or_missing_credentials_fail_typed_and_counted() {
    let gateway = SecureGateway::start();
    for auth in [Some(Auth::basic(USER, "wrong")), None] {
        let mut target = PushTarget::new(&gateway.url())
            .unwrap()
            .ca_file(gateway.ca())
            .unwrap()
            .grouping("run_id", "denied")
            .unwrap();
        if let Some(auth) = auth.clone() {
            target = target.auth(auth);
        }
        let run = run(target);
        let error = run.push_now().unwrap_err();
        assert!(
            matches!(error, PushError::Unauthorized { status: 401, .. }),
            "{auth:?}: {error:?}"
        );
        assert_eq!(error.reason(), "auth");
        assert!(
            error.to_string().contains("refused the credentials"),
            "{error}"
        );
        assert_eq!(failures(&run, "auth"), Some(1.0));
        assert!(run.finish().is_err());
    }
    assert!(
        gateway
            .metrics()
            .find("velocitytrader_trades_total", &[("run_id", "denied")])
            .is_empty()
    );
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn a_certificate_from_an_unknown_authority_is_a_connect_error() {
    let gateway = SecureGateway::start();
    let stranger = gateway.credentials.stranger_ca_cert.clone();
    // The system's roots alone, then a CA that did not sign the server's.
    let targets = [
        PushTarget::new(&gateway.url()).unwrap(),
        PushTarget::new(&gateway.url())
            .unwrap()
            .ca_file(&stranger)
            .unwrap(),
    ];
    for target in targets {
        let run = run(target.auth(Auth::basic(USER, PASSWORD)));
        let error = run.push_now().unwrap_err();
        match &error {
            PushError::Connect { reason, .. } => {
                assert!(reason.contains("certificate"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(failures(&run, "connect"), Some(1.0));
    }
}
