//! Configuration files the services read: Prometheus, vmagent, the engine
//! target list, Grafana's datasources and dashboard provider, nginx.

use super::{Place, ROOT, ports};
use crate::files::File;
use crate::grafana::DATASOURCE_UID;
use crate::yaml::{self, Yaml, flow, map, n, s, seq};

/// Where the scrapers read the engines' CA and the scrape password (and a
/// client certificate) for the commented `https` blocks: the compose
/// stacks mount `deploy/secrets/` there (`deploy/secrets/README.md`); on a
/// host, Prometheus reads them from its own configuration folder and
/// vmagent, a `DynamicUser` service, from the credentials systemd hands it
/// (`LoadCredential=` in its unit).
pub mod secrets {
    /// Prometheus in the single-engine stack, both places.
    pub const PROMETHEUS: &str = "/etc/prometheus/secrets";
    /// vmagent in the fleet's compose stack.
    pub const VMAGENT_COMPOSE: &str = "/etc/vmagent/secrets";
    /// vmagent on a host: its unit's credentials directory.
    pub const VMAGENT_HOST: &str = "/run/credentials/velocitytrader-vmagent.service";
    /// Where the host's vmagent unit loads them from.
    pub const VMAGENT_HOST_SOURCE: &str = "/etc/velocitytrader/secrets";
    /// The CA that signed the engines' certificates.
    pub const CA: &str = "engine-ca.pem";
    /// The scrape password (its bcrypt hash is in the engines' web config).
    pub const PASSWORD: &str = "scrape_password";
    /// A client certificate and its key, for engines that require one.
    pub const CLIENT_CERT: &str = "scraper.pem";
    /// The client certificate's key.
    pub const CLIENT_KEY: &str = "scraper-key.pem";
}

/// The settings that scrape engines serving HTTPS with basic auth (README
/// "Exposing the endpoint"), their secrets under `dir`; the client
/// certificate for mutual TLS itself commented out, after `mutual_tls`.
fn https_scrape(dir: &str, mutual_tls: &str) -> crate::yaml::Map {
    map()
        .kv("scheme", s("https"))
        .kv(
            "tls_config",
            map()
                .kv("ca_file", s(format!("{dir}/{}", secrets::CA)))
                .disabled(
                    mutual_tls,
                    "",
                    map()
                        .kv("cert_file", s(format!("{dir}/{}", secrets::CLIENT_CERT)))
                        .kv("key_file", s(format!("{dir}/{}", secrets::CLIENT_KEY))),
                )
                .build(),
        )
        .kv(
            "basic_auth",
            map()
                .kv("username", s("prometheus"))
                .kv("password_file", s(format!("{dir}/{}", secrets::PASSWORD)))
                .build(),
        )
}

fn job(name: &str, targets: &[String]) -> crate::yaml::Map {
    map().kv("job_name", s(name)).kv(
        "static_configs",
        seq([map().kv("targets", flow(targets)).build()]),
    )
}

/// `prometheus.yml`: the engines every 5 s, the rules, Alertmanager, and
/// the pipeline's own series (on a host Prometheus listens on 9091, beside
/// the exporter's 9090).
fn prometheus(place: Place) -> String {
    let (engine, header) = match place {
        Place::Compose => (
            "host.docker.internal:9090".to_owned(),
            "Prometheus configuration for the velocity_metrics stack (deploy/docker-compose.yml).",
        ),
        Place::Host => (
            format!("localhost:{}", ports::EXPORTER),
            "Prometheus configuration for the velocity_metrics stack on a Debian host\n(deploy/host/README.md): Prometheus itself on localhost:9091, the engine's\nexporter on localhost:9090.",
        ),
    };
    let rules = match place {
        Place::Compose => "../alerts/velocitytrader.rules.yml",
        Place::Host => "../../alerts/velocitytrader.rules.yml",
    };
    let (listen, secrets_dir, https_note) = match place {
        Place::Compose => (
            "Inside the container the host is host.docker.internal (mapped to the\nhost gateway by docker-compose, so this also works on Linux). The engine\nlistens on loopback unless told otherwise, which a container cannot\nreach: give it the Docker bridge's address (`--listen 172.17.0.1:9090`,\nREADME \"The stack\").",
            secrets::PROMETHEUS,
            "An engine serving HTTPS with basic auth (a web config file: README\n\"Exposing the endpoint\"): uncomment the block below and put the CA that\nsigned the engine's certificate and the scrape password in\ndeploy/secrets/ (mounted read-only; deploy/secrets/README.md). The\ncertificate must name the address scraped (host.docker.internal here),\nor set tls_config.server_name to a name it has.",
        ),
        Place::Host => (
            "It listens on loopback by default, where this Prometheus finds it.",
            secrets::PROMETHEUS,
            "An engine serving HTTPS with basic auth (a web config file: README\n\"Exposing the endpoint\"), as one on another host or interface should:\nuncomment the block below and put the CA that signed the engine's\ncertificate and the scrape password in /etc/prometheus/secrets/,\nreadable by Prometheus only (deploy/host/README.md). The certificate must\nname the address scraped, or set tls_config.server_name to a name it has.",
        ),
    };
    let root = map()
        .kv(
            "global",
            map()
                .kv("scrape_interval", s("15s"))
                .kv("evaluation_interval", s("15s"))
                .kv(
                    "external_labels",
                    map()
                        .commented(
                            "",
                            "monitor",
                            s("velocitytrader"),
                        )
                        .build(),
                )
                .build(),
        )
        .commented(
            "\nWhere the alerts' runbook links point: unset, at this Prometheus (its\n--web.external-url) + /user/velocitytrader.html, which the stack serves\nfrom alerts/runbooks/. To point them at your wiki instead, add the external\nlabel runbook_base_url above (note that Prometheus adds external labels to\nevery alert and remote-written series).",
            "rule_files",
            seq([s(rules)]),
        )
        .commented(
            "",
            "alerting",
            map()
                .kv(
                    "alertmanagers",
                    seq([map()
                        .kv("static_configs", seq([map().kv("targets", flow(&[place.address("alertmanager", ports::ALERTMANAGER)])).build()]))
                        .build()]),
                )
                .build(),
        )
        .commented(
            "",
            "scrape_configs",
            Yaml::Seq(vec![
                yaml::item(
                    "Prometheus and Alertmanager themselves: the meta alerts (rule failures,\nnotification failures, failed reloads) judge these series.",
                    job("prometheus", &[place.address("self", if place == Place::Host { ports::PROMETHEUS } else { 9090 })]).build(),
                ),
                yaml::item("", job("alertmanager", &[place.address("alertmanager", ports::ALERTMANAGER)]).build()),
                yaml::item(
                    &format!("The engine (or examples/exporter.rs) serves /metrics on port 9090.\n{listen}\nSeveral engines: list their host:port here; each labels its own series\nwith its identity (engine, account, mode: ExporterBuilder::identity), so\ntargets need no labels. Many engines on several hosts: deploy/fleet/."),
                    map()
                        .kv("job_name", s("velocitytrader"))
                        .kv("scrape_interval", s("5s"))
                        .kv("scrape_timeout", s("4s"))
                        .kv("metrics_path", s("/metrics"))
                        .kv("static_configs", seq([map().kv("targets", flow(&[engine])).build()]))
                        .disabled(https_note, "https", https_scrape(secrets_dir, "For an engine that requires client certificates (mutual TLS):"))
                        .build(),
                ),
            ]),
        )
        .build();
    yaml::document(
        &format!(
            "GENERATED by `cargo xtask assets` from xtask/src/deploy/ — edit that, not this.\n\n{header}\n\nPaths are relative to this file, so it works where the stack installs it\n(under {ROOT}/deploy, next to {ROOT}/alerts) and from a checkout:\n  promtool check config <this file>"
        ),
        &root,
    )
}

/// `vmagent.yml`: the engines from `targets/*.yml`, the Pushgateway, the pipeline.
fn vmagent(place: Place) -> String {
    let (secrets_dir, https_note) = match place {
        Place::Compose => (
            secrets::VMAGENT_COMPOSE,
            "Engines serving HTTPS with basic auth (a web config file: README\n\"Exposing the endpoint\"), as engines on other hosts should: uncomment the\nblock below and put the CA that signed the engines' certificates and the\nscrape password in deploy/secrets/ (mounted read-only;\ndeploy/secrets/README.md). Each engine's certificate must name the host it\nis scraped by.",
        ),
        Place::Host => (
            secrets::VMAGENT_HOST,
            "Engines serving HTTPS with basic auth (a web config file: README\n\"Exposing the endpoint\"), as engines on other hosts should: uncomment the\nblock below, put the CA that signed the engines' certificates and the\nscrape password in /etc/velocitytrader/secrets/ (readable by root only),\nand uncomment the LoadCredential lines of velocitytrader-vmagent.service:\nsystemd hands the files to vmagent alone, at the paths below (README.md\nbeside this file). Each engine's certificate must name the host it is\nscraped by.",
        ),
    };
    let pipeline =
        |name: &str, service: &str, port: u16| job(name, &[place.address(service, port)]).build();
    let root = map()
        .kv(
            "global",
            map().kv("scrape_interval", s("15s")).kv("scrape_timeout", s("10s")).build(),
        )
        .commented(
            "",
            "scrape_configs",
            Yaml::Seq(vec![
                yaml::item(
                    "The engines. Their identity (engine, account, mode) comes from the\nengines themselves (ExporterBuilder::identity), not from here: list\nhost:port endpoints in targets/*.yml (relative to this file) and nothing\nelse. The rules and dashboards expect the job name `velocitytrader`.",
                    map()
                        .kv("job_name", s("velocitytrader"))
                        .kv("scrape_interval", s("5s"))
                        .kv("scrape_timeout", s("4s"))
                        .kv("file_sd_configs", seq([map().kv("files", seq([s("targets/*.yml")])).build()]))
                        .disabled(https_note, "https", https_scrape(secrets_dir, "For engines that require client certificates (mutual TLS):"))
                        .build(),
                ),
                yaml::item(
                    "Backtests, pushed by batch runs. honor_labels keeps what the run pushed\n(job=\"velocitytrader_backtest\", run_id, engine, account, mode).",
                    map()
                        .kv("job_name", s("pushgateway"))
                        .kv("honor_labels", n(true))
                        .kv("static_configs", seq([map().kv("targets", flow(&[place.address("pushgateway", ports::PUSHGATEWAY)])).build()]))
                        .kv(
                            "metric_relabel_configs",
                            Yaml::Seq(vec![
                                yaml::item(
                                    "A pushed group has no instance of its own (the Pushgateway exposes\ninstance=\"\"): its run_id becomes the instance, so runs stay apart\nand the dashboards' instance variable lists them.",
                                    map()
                                        .kv("source_labels", flow(&["instance", "run_id"]))
                                        .kv("regex", s(";(.+)"))
                                        .kv("target_label", s("instance"))
                                        .build(),
                                ),
                                yaml::item(
                                    "Whatever is pushed without a mode is a backtest: it never pages,\neven if the batch runner forgot its identity.",
                                    map()
                                        .kv("source_labels", flow(&["__name__", "mode"]))
                                        .kv("regex", s("velocitytrader_.+;"))
                                        .kv("target_label", s("mode"))
                                        .kv("replacement", s("backtest"))
                                        .build(),
                                ),
                            ]),
                        )
                        .build(),
                ),
                yaml::item("The pipeline itself: the meta alerts judge Alertmanager's series.", pipeline("alertmanager", "alertmanager", ports::ALERTMANAGER)),
                yaml::item("", pipeline("vmagent", "self", ports::VMAGENT)),
                yaml::item("", pipeline("vmalert", "vmalert", ports::VMALERT)),
                yaml::item("", pipeline("victoriametrics", "victoriametrics", ports::VICTORIA_METRICS)),
            ]),
        )
        .build();
    let where_ = match place {
        Place::Compose => "vmagent scrape configuration for the fleet stack (docker-compose.yml).",
        Place::Host => {
            "vmagent scrape configuration for the fleet on a Debian host (README.md here):\nevery service on localhost."
        }
    };
    yaml::document(
        &format!(
            "GENERATED by `cargo xtask assets` from xtask/src/deploy/ — edit that, not this.\n\n{where_}\nPrometheus-compatible: `promtool check config` and `vmagent -dryRun` accept\nit, and a Prometheus in agent mode can use it as is.\n\nOne vmagent can scrape every host (as here), or each host runs its own\nvmagent with this file and the same remote-write URL. Either way, address\nevery engine by a name unique in the fleet (host:port, never localhost for\na remote engine), so `up` and the target labels stay distinct in the store."
        ),
        &root,
    )
}

fn targets(place: Place) -> String {
    let (first, note) = match place {
        Place::Compose => (
            "host.docker.internal:9090",
            "host.docker.internal is the Docker host (e.g. `cargo run --example exporter\n-- --listen 172.17.0.1:9090 --engine sim-1 --mode paper`: an engine listens\non loopback unless told otherwise, and the containers reach the host on\nthe Docker bridge's address).",
        ),
        Place::Host => (
            "localhost:9090",
            "localhost:9090 is an engine on this host, listening on loopback (its\ndefault; e.g. `cargo run --example exporter -- --engine sim-1 --mode paper`).",
        ),
    };
    format!(
        "# GENERATED by `cargo xtask assets` from xtask/src/deploy/: a starting point;\n# list your own engines here (vmagent reads every targets/*.yml).\n#\n# The engines vmagent scrapes (file_sd format): one host:port per engine\n# endpoint, by a name unique in the fleet. Edit and save; vmagent picks the\n# change up within 30 s. No labels here: every engine labels its own series\n# with engine, account and mode (ExporterBuilder::identity, or the example's\n# --engine/--account/--mode). More files in this folder are read too.\n#\n{}\n#\n# An engine on another host listens beyond loopback: serve HTTPS with basic\n# auth there and enable the https block of vmagent.yml.\n- targets:\n    - {first}\n    # - trader-ams-01.example.internal:9090\n    # - trader-ams-02.example.internal:9090\n",
        note.lines()
            .map(|l| format!("# {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// A Grafana datasource file pointing at `url`.
fn datasource(name: &str, url: &str, comment: &str, prometheus_type: bool) -> String {
    let mut json_data = map()
        .commented(
            "The engines' scrape interval, so $__rate_interval always spans enough samples.",
            "timeInterval",
            s("5s"),
        )
        .kv("httpMethod", s("POST"));
    if prometheus_type {
        json_data = json_data.kv("prometheusType", s("Prometheus"));
    }
    let root = map()
        .kv("apiVersion", n(1))
        .commented(
            "",
            "datasources",
            seq([map()
                .kv("name", s(name))
                .kv("uid", s(DATASOURCE_UID))
                .kv("type", s("prometheus"))
                .kv("access", s("proxy"))
                .kv("url", s(url))
                .kv("isDefault", n(true))
                .kv("editable", n(false))
                .kv("jsonData", json_data.build())
                .build()]),
        )
        .build();
    yaml::document(
        &format!(
            "GENERATED by `cargo xtask assets` from xtask/src/deploy/ — edit that, not this.\n\n{comment}"
        ),
        &root,
    )
}

fn dashboard_provider() -> String {
    let root = map()
        .kv("apiVersion", n(1))
        .commented(
            "",
            "providers",
            seq([map()
                .kv("name", s("VelocityTrader"))
                .kv("orgId", n(1))
                .kv("folder", s("VelocityTrader"))
                .kv("folderUid", s("velocitytrader"))
                .kv("type", s("file"))
                .kv("disableDeletion", n(false))
                .kv("allowUiUpdates", n(true))
                .kv("updateIntervalSeconds", n(30))
                .kv(
                    "options",
                    map()
                        .kv("path", s(format!("{ROOT}/dashboards")))
                        .kv("foldersFromFilesStructure", n(false))
                        .build(),
                )
                .build()]),
        )
        .build();
    yaml::document(
        "GENERATED by `cargo xtask assets` from xtask/src/deploy/ — edit that, not this.\n\nGrafana dashboard provisioning: loads every *.json in /etc/velocitytrader/dashboards,\nwhere the compose stacks mount the repository's dashboards/ folder and a\nhost installs it (deploy/host/README.md).",
        &root,
    )
}

/// nginx serving the runbook pages at `/user/`, HTML as text/html.
fn nginx(listen: &str) -> String {
    format!(
        "# GENERATED by `cargo xtask assets` from xtask/src/deploy/ — edit that, not this.\n#\n# The runbooks, read-only, at /user/ (the path the alerts' runbook links use,\n# as Prometheus's --web.user-assets does): velocitytrader.html as a web page,\n# so a link's #anchor opens the alert's section; the Markdown as UTF-8 text.\nserver {{\n    listen {listen};\n    location /user/ {{\n        alias {ROOT}/alerts/runbooks/;\n        types {{\n            text/html html;\n            text/markdown md;\n        }}\n        default_type text/plain;\n        charset utf-8;\n        charset_types text/html text/markdown text/plain;\n    }}\n}}\n"
    )
}

/// The configuration files.
#[must_use]
pub fn files() -> Vec<File> {
    vec![
        File::new("deploy/prometheus.yml", prometheus(Place::Compose)),
        File::new("deploy/host/prometheus.yml", prometheus(Place::Host)),
        File::new("deploy/fleet/vmagent.yml", vmagent(Place::Compose)),
        File::new("deploy/fleet/host/vmagent.yml", vmagent(Place::Host)),
        File::new("deploy/fleet/targets/engines.yml", targets(Place::Compose)),
        File::new(
            "deploy/fleet/host/targets/engines.yml",
            targets(Place::Host),
        ),
        File::new(
            "dashboards/provisioning/datasources/velocitytrader.yml",
            datasource(
                "VelocityTrader Prometheus",
                "http://prometheus:9090",
                "Grafana datasource provisioning for the velocity_metrics dashboards.\nThe dashboards select their datasource through the `datasource` template\nvariable and default to this uid, so any Prometheus can be picked at view\ntime; this file provides the one the docker-compose stack runs.",
                true,
            ),
        ),
        File::new(
            "deploy/host/grafana-datasource.yml",
            datasource(
                "VelocityTrader Prometheus",
                &format!("http://localhost:{}", ports::PROMETHEUS),
                "Grafana datasource for the stack on a Debian host: Prometheus on\nlocalhost:9091. Install as /etc/grafana/provisioning/datasources/velocitytrader.yml.",
                true,
            ),
        ),
        File::new(
            "deploy/fleet/grafana-datasource.yml",
            datasource(
                "VelocityTrader VictoriaMetrics",
                "${METRICS_READ_URL}",
                "Grafana datasource for the fleet stack: the store, queried through its\nPrometheus-compatible API. METRICS_READ_URL (set in docker-compose.yml,\ndefault the single-node VictoriaMetrics) is the only thing that changes for\na cluster store: http://vmselect:8481/select/0/prometheus (VictoriaMetrics\ncluster), http://mimir:9009/prometheus (Mimir), http://thanos-query:9090\n(Thanos).",
                false,
            ),
        ),
        File::new(
            "deploy/fleet/host/grafana-datasource.yml",
            datasource(
                "VelocityTrader VictoriaMetrics",
                &format!("http://localhost:{}", ports::VICTORIA_METRICS),
                "Grafana datasource for the fleet on a Debian host: VictoriaMetrics on\nlocalhost:8428. Install as /etc/grafana/provisioning/datasources/velocitytrader.yml.",
                false,
            ),
        ),
        File::new(
            "dashboards/provisioning/dashboards/velocitytrader.yml",
            dashboard_provider(),
        ),
        File::new("deploy/fleet/runbooks-nginx.conf", nginx("8080")),
        File::new(
            "deploy/fleet/host/runbooks-nginx.conf",
            nginx(&format!("127.0.0.1:{}", ports::RUNBOOKS)),
        ),
    ]
}
