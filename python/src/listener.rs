//! The built-in listener's keyword options of `install(...)` and
//! `serve(...)`: where it binds, who may connect, TLS, mutual TLS and basic
//! auth (from an exporter-toolkit web configuration file or keywords; every
//! secret from a file) and its connection limits. `embedded(...)` and
//! `batch(...)` have no listener and take none of them.

use std::net::SocketAddr;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::exporter::{ClientAuth, ExporterBuilder, TlsVersion, WebConfigError};

use crate::convert::{self, seconds};
use crate::errors;

/// The keyword names, for the message when one is given to an endpoint
/// without a listener.
pub(crate) const LISTENER_OPTIONS: &[&str] = &[
    "listen",
    "port",
    "allow_clients",
    "web_config_file",
    "tls_cert_file",
    "tls_key_file",
    "client_ca_file",
    "client_auth",
    "tls_min_version",
    "basic_auth_users",
    "max_connections",
    "header_read_timeout",
    "keep_alive_timeout",
    "max_header_bytes",
    "scrape_timeout",
];

/// The listener's options; `None` keeps the builder's default.
#[derive(Default)]
pub(crate) struct ListenerOptions<'py> {
    pub(crate) listen: Option<String>,
    pub(crate) port: Option<u16>,
    pub(crate) allow_clients: Option<Vec<String>>,
    pub(crate) web_config_file: Option<PathBuf>,
    pub(crate) tls_cert_file: Option<PathBuf>,
    pub(crate) tls_key_file: Option<PathBuf>,
    pub(crate) client_ca_file: Option<PathBuf>,
    pub(crate) client_auth: Option<String>,
    pub(crate) tls_min_version: Option<String>,
    pub(crate) basic_auth_users: Option<Bound<'py, PyDict>>,
    pub(crate) max_connections: Option<usize>,
    pub(crate) header_read_timeout: Option<f64>,
    pub(crate) keep_alive_timeout: Option<f64>,
    pub(crate) max_header_bytes: Option<usize>,
    pub(crate) scrape_timeout: Option<f64>,
}

impl ListenerOptions<'_> {
    /// `builder` with these options applied. Files (web config,
    /// certificates, keys, CAs) are read and checked now.
    pub(crate) fn apply(&self, mut builder: ExporterBuilder) -> PyResult<ExporterBuilder> {
        if let Some(listen) = &self.listen {
            let address: SocketAddr = listen.parse().map_err(|_| {
                errors::config(format!(
                    "invalid listen address {listen:?}: expected host:port such as 127.0.0.1:9090 or [::1]:9090"
                ))
            })?;
            builder = builder.listen_address(address);
        }
        if let Some(port) = self.port {
            builder = builder.port(port);
        }
        for network in self.allow_clients.iter().flatten() {
            builder = builder
                .allow_client(network)
                .map_err(|e| errors::exporter(&e))?;
        }
        builder = self.security(builder)?;
        self.limits(builder)
    }

    /// TLS, mutual TLS and basic auth: a web configuration file, or the
    /// keywords — not both, so that no setting silently replaces another.
    fn security(&self, mut builder: ExporterBuilder) -> PyResult<ExporterBuilder> {
        let exporter_error = |e: velocity_metrics::exporter::ExporterError| errors::exporter(&e);
        let keywords = self.tls_cert_file.is_some()
            || self.tls_key_file.is_some()
            || self.client_ca_file.is_some()
            || self.client_auth.is_some()
            || self.tls_min_version.is_some()
            || self.basic_auth_users.is_some();
        if let Some(path) = &self.web_config_file {
            if keywords {
                return Err(errors::config(
                    "give web_config_file or the TLS and basic-auth keywords (tls_cert_file, basic_auth_users …), not both: put every setting in the file".to_owned(),
                ));
            }
            return builder.web_config_file(path).map_err(exporter_error);
        }
        match (&self.tls_cert_file, &self.tls_key_file) {
            (Some(cert), Some(key)) => builder = builder.tls(cert, key).map_err(exporter_error)?,
            (None, None) => {}
            _ => {
                return Err(errors::config(
                    "tls_cert_file and tls_key_file go together: give both PEM files".to_owned(),
                ));
            }
        }
        if let Some(version) = &self.tls_min_version {
            let version: TlsVersion = version.parse().map_err(web_config)?;
            builder = builder.tls_min_version(version).map_err(exporter_error)?;
        }
        match (&self.client_ca_file, &self.client_auth) {
            (Some(ca), auth) => {
                let auth: ClientAuth = auth
                    .as_deref()
                    .unwrap_or("RequireAndVerifyClientCert")
                    .parse()
                    .map_err(web_config)?;
                builder = builder
                    .client_certificates(ca, auth)
                    .map_err(exporter_error)?;
            }
            (None, Some(auth)) => {
                return Err(errors::config(format!(
                    "client_auth {auth:?} needs client_ca_file, the CA that signs the scrapers' certificates"
                )));
            }
            (None, None) => {}
        }
        for (user, hash) in self.basic_auth_users.iter().flat_map(|users| users.iter()) {
            builder = builder
                .basic_auth_user(
                    &convert::text(&user, "basic_auth_users user")?,
                    &convert::text(&hash, "basic_auth_users bcrypt hash")?,
                )
                .map_err(exporter_error)?;
        }
        Ok(builder)
    }

    fn limits(&self, mut builder: ExporterBuilder) -> PyResult<ExporterBuilder> {
        if let Some(max) = self.max_connections {
            builder = builder.max_connections(max);
        }
        if let Some(timeout) = self.header_read_timeout {
            builder = builder.header_read_timeout(seconds("header_read_timeout", timeout)?);
        }
        if let Some(timeout) = self.keep_alive_timeout {
            builder = builder.keep_alive_timeout(seconds("keep_alive_timeout", timeout)?);
        }
        if let Some(bytes) = self.max_header_bytes {
            builder = builder.max_header_bytes(bytes);
        }
        if let Some(timeout) = self.scrape_timeout {
            builder = builder.scrape_timeout(seconds("scrape_timeout", timeout)?);
        }
        Ok(builder)
    }
}

/// A refused TLS keyword value, with the message a web configuration file
/// with that value would get.
fn web_config(error: WebConfigError) -> PyErr {
    errors::exporter(&error.into())
}
