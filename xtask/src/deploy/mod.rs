//! The deploy files of both ways people run the stacks: docker compose
//! (`deploy/`, `deploy/fleet/`) and a Debian host with the distribution's
//! packages (`deploy/host/`, `deploy/fleet/host/`). Each service's flags are
//! defined once here and written into both, so the two stay the same stack;
//! only addresses and paths differ.

mod compose;
mod config;
mod host;

use crate::files::File;

/// Pinned images. Grafana: a current release (its dashboards' schema
/// version is [`crate::grafana::SCHEMA_VERSION`]); VictoriaMetrics: the
/// v1.79 LTS line Debian packages (1.79.5) and the tests run.
pub mod images {
    /// Prometheus.
    pub const PROMETHEUS: &str = "prom/prometheus:v2.53.2";
    /// Alertmanager.
    pub const ALERTMANAGER: &str = "prom/alertmanager:v0.27.0";
    /// Grafana OSS (`grafana/grafana` since 12.4; `grafana-oss` is no longer updated).
    pub const GRAFANA: &str = "grafana/grafana:13.2.1";
    /// VictoriaMetrics single node.
    pub const VICTORIA_METRICS: &str = "victoriametrics/victoria-metrics:v1.79.14";
    /// vmagent.
    pub const VMAGENT: &str = "victoriametrics/vmagent:v1.79.14";
    /// vmalert.
    pub const VMALERT: &str = "victoriametrics/vmalert:v1.79.14";
    /// Pushgateway.
    pub const PUSHGATEWAY: &str = "prom/pushgateway:v1.5.1";
    /// nginx for the fleet's runbook pages.
    pub const NGINX: &str = "nginx:1.27.3-alpine";
}

/// Ports (published on loopback by compose; listened on by the host services).
pub mod ports {
    /// The engine's exporter.
    pub const EXPORTER: u16 = 9090;
    /// Prometheus (not 9090: the exporter has it).
    pub const PROMETHEUS: u16 = 9091;
    /// Alertmanager.
    pub const ALERTMANAGER: u16 = 9093;
    /// Grafana.
    pub const GRAFANA: u16 = 3000;
    /// VictoriaMetrics.
    pub const VICTORIA_METRICS: u16 = 8428;
    /// vmagent.
    pub const VMAGENT: u16 = 8429;
    /// vmalert.
    pub const VMALERT: u16 = 8880;
    /// Pushgateway (the fleet's; the single stack's Prometheus has 9091 too:
    /// the two stacks are alternatives).
    pub const PUSHGATEWAY: u16 = 9091;
    /// The fleet's runbook pages.
    pub const RUNBOOKS: u16 = 8081;
}

/// Where the stack runs: containers on a compose network, or services on one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// docker compose: services by name, files mounted under `/etc/velocitytrader`.
    Compose,
    /// A Debian host: services on localhost, the repository's `alerts/`,
    /// `dashboards/` and `deploy/` copied to `/etc/velocitytrader`.
    Host,
}

impl Place {
    /// `host:port` of `service` as the other services reach it.
    #[must_use]
    pub fn address(self, service: &str, port: u16) -> String {
        match self {
            Place::Compose if service == "self" => format!("localhost:{port}"),
            Place::Compose => format!("{service}:{port}"),
            Place::Host => format!("localhost:{port}"),
        }
    }
}

/// Where the repository's folders are on a host (and in the containers).
pub const ROOT: &str = "/etc/velocitytrader";

/// Prometheus's flags; `config` and `data` are where its file and its TSDB are.
#[must_use]
pub fn prometheus_flags(
    config: &str,
    data: &str,
    listen: Option<&str>,
    external: &str,
) -> Vec<String> {
    let mut flags = vec![
        format!("--config.file={config}"),
        format!("--storage.tsdb.path={data}"),
        "--storage.tsdb.retention.time=30d".to_owned(),
        format!("--web.external-url={external}"),
        // Serves alerts/runbooks/ at /user/: the rules' runbook links resolve here.
        format!("--web.user-assets={ROOT}/alerts/runbooks"),
    ];
    if let Some(listen) = listen {
        flags.push(format!("--web.listen-address={listen}"));
    }
    flags
}

/// Alertmanager's flags (its configuration is written by
/// `deploy/alertmanager-start.sh` from the shipped file and the receiver URLs).
#[must_use]
pub fn alertmanager_flags(
    config: &str,
    data: &str,
    listen: Option<&str>,
    external: &str,
) -> Vec<String> {
    let mut flags = vec![
        format!("--config.file={config}"),
        format!("--storage.path={data}"),
        format!("--web.external-url={external}"),
        "--cluster.listen-address=".to_owned(),
    ];
    if let Some(listen) = listen {
        flags.push(format!("--web.listen-address={listen}"));
    }
    flags
}

/// Every deploy file.
#[must_use]
pub fn files() -> Vec<File> {
    let mut files = compose::files();
    files.extend(config::files());
    files.extend(host::files());
    files
}

/// VictoriaMetrics' flags.
#[must_use]
pub fn victoria_metrics_flags(data: &str, retention: &str, listen: &str) -> Vec<String> {
    vec![
        format!("-storageDataPath={data}"),
        format!("-retentionPeriod={retention}"),
        format!("-httpListenAddr={listen}"),
    ]
}

/// vmagent's flags: its scrape file, the store's write URL, its buffer.
#[must_use]
pub fn vmagent_flags(config: &str, write_url: &str, buffer: &str, listen: &str) -> Vec<String> {
    vec![
        format!("-promscrape.config={config}"),
        // Edits to targets/*.yml are picked up within 30 s.
        "-promscrape.fileSDCheckInterval=30s".to_owned(),
        format!("-remoteWrite.url={write_url}"),
        // Samples the store cannot take yet wait here, on disk.
        format!("-remoteWrite.tmpDataPath={buffer}"),
        format!("-httpListenAddr={listen}"),
    ]
}

/// vmalert's flags: the fleet's rule file, the store to read and write,
/// Alertmanager. The runbook links' base comes from its environment
/// (`RUNBOOK_BASE_URL`, substituted into the rule file), never from a label.
#[must_use]
pub fn vmalert_flags(
    read_url: &str,
    write_url: &str,
    notifier: &str,
    external: &str,
    listen: &str,
) -> Vec<String> {
    vec![
        format!("-rule={ROOT}/{}", crate::rules::Stack::Fleet.rules_path()),
        format!("-datasource.url={read_url}"),
        // Restores pending alerts' state after a restart.
        format!("-remoteRead.url={read_url}"),
        // Recording-rule results and alert state go back to the store.
        format!("-remoteWrite.url={write_url}"),
        "-remoteWrite.disablePathAppend".to_owned(),
        format!("-notifier.url={notifier}"),
        "-evaluationInterval=15s".to_owned(),
        // Keep the rules' own `alertgroup` label (the inhibit rule pairs
        // alerts by it); vmalert would otherwise overwrite it.
        "-disableAlertgroupLabel".to_owned(),
        format!("-external.url={external}"),
        format!("-httpListenAddr={listen}"),
    ]
}

/// The default runbook base of the fleet: its nginx's page.
#[must_use]
pub fn fleet_runbooks(host: &str) -> String {
    format!(
        "http://{host}:{}/user/{}",
        ports::RUNBOOKS,
        crate::rules::RUNBOOK_PAGE
    )
}
