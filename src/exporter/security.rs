//! HTTPS, mutual TLS and basic auth for the listener (feature `tls`),
//! configured by builder calls or an exporter-toolkit web configuration
//! file, and checked — files read, hashes parsed, rustls configuration
//! built — at the call that gives them.

mod basic_auth;
mod error;
mod tls_server;
mod web_config;

use std::path::Path;
use std::sync::Arc;

pub(crate) use basic_auth::{AuthOutcome, BasicAuth};
pub use error::WebConfigError;
use web_config::TlsSettings;
pub(crate) use web_config::WebConfig;
pub use web_config::{ClientAuth, TlsVersion};

use super::{ExporterBuilder, ExporterError};

/// What the listener enforces: TLS, basic auth, extra headers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Security {
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
    pub(crate) auth: Option<Arc<BasicAuth>>,
    pub(crate) headers: Vec<(hyper::header::HeaderName, hyper::header::HeaderValue)>,
}

impl Security {
    fn from_config(config: &WebConfig) -> Result<Self, WebConfigError> {
        let tls = match &config.tls {
            Some(settings) => Some(tls_server::server_config(settings)?),
            None => None,
        };
        let auth = if config.users.is_empty() {
            None
        } else {
            Some(Arc::new(BasicAuth::new(config.users.clone())?))
        };
        let headers = config
            .headers
            .iter()
            .map(|(name, value)| {
                let invalid = || WebConfigError::InvalidValue {
                    key: "http_server_config.headers",
                    value: format!("{name}: {value}"),
                    expected: "a header value of visible ASCII",
                };
                Ok((
                    name.parse().map_err(|_| invalid())?,
                    value.parse().map_err(|_| invalid())?,
                ))
            })
            .collect::<Result<_, WebConfigError>>()?;
        Ok(Self { tls, auth, headers })
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
impl ExporterBuilder {
    fn with_web_config(mut self, config: WebConfig) -> Result<Self, ExporterError> {
        self.security = Security::from_config(&config)?;
        self.web_config = config;
        Ok(self)
    }

    /// Reads an exporter-toolkit web configuration file — the
    /// `--web.config.file` of `node_exporter` — and serves accordingly:
    /// `tls_server_config` (`cert_file`, `key_file`, `client_ca_file`,
    /// `client_auth_type`, `min_version`, `max_version`, `cipher_suites`,
    /// `curve_preferences`, `prefer_server_cipher_suites`),
    /// `basic_auth_users` (user → bcrypt hash) and `http_server_config`
    /// (`headers`; `http2: false`). Relative paths are relative to the
    /// file's directory. Replaces any TLS, user or header setting made
    /// before. Files are read now; restart the exporter to pick up renewed
    /// certificates.
    ///
    /// # Errors
    /// [`ExporterError::WebConfig`]: an unreadable or invalid file, an
    /// unknown key, a setting this endpoint cannot honour (inline PEM,
    /// `RequestClientCert`, `http2: true`, `rate_limit` …), a certificate or
    /// key rustls refuses, or a user whose hash is not bcrypt.
    pub fn web_config_file(self, path: impl AsRef<Path>) -> Result<Self, ExporterError> {
        let config = WebConfig::from_file(path.as_ref())?;
        self.with_web_config(config)
    }

    /// Serves HTTPS with the certificate chain and private key in these PEM
    /// files (TLS 1.2 and 1.3, rustls with the ring provider).
    ///
    /// # Errors
    /// [`ExporterError::WebConfig`] when a file cannot be read or holds no
    /// certificate or key rustls accepts.
    pub fn tls(
        self,
        cert_file: impl AsRef<Path>,
        key_file: impl AsRef<Path>,
    ) -> Result<Self, ExporterError> {
        let mut config = self.web_config.clone();
        let previous = config.tls.take();
        let mut settings =
            TlsSettings::new(cert_file.as_ref().to_owned(), key_file.as_ref().to_owned());
        if let Some(previous) = previous {
            settings.client_ca_file = previous.client_ca_file;
            settings.client_auth = previous.client_auth;
            settings.min_version = previous.min_version;
        }
        config.tls = Some(settings);
        self.with_web_config(config)
    }

    /// Asks clients for certificates signed by the CA certificates in
    /// `client_ca_file` (PEM): [`ClientAuth::RequireAndVerifyClientCert`]
    /// for mutual TLS. Call after [`tls`](Self::tls) (the error says
    /// `tls_server_config.cert_file is required before …` otherwise).
    ///
    /// # Errors
    /// [`ExporterError::WebConfig`] without [`tls`](Self::tls) first, or
    /// when the file holds no CA certificate.
    pub fn client_certificates(
        self,
        client_ca_file: impl AsRef<Path>,
        client_auth: ClientAuth,
    ) -> Result<Self, ExporterError> {
        let client_ca_file = client_ca_file.as_ref().to_owned();
        self.with_tls_settings("before client certificates", |settings| {
            settings.client_ca_file = Some(client_ca_file);
            settings.client_auth = client_auth;
        })
    }

    /// The lowest TLS version offered (default TLS 1.2).
    ///
    /// # Errors
    /// [`ExporterError::WebConfig`] without [`tls`](Self::tls) first.
    pub fn tls_min_version(self, version: TlsVersion) -> Result<Self, ExporterError> {
        self.with_tls_settings("before a TLS version", |settings| {
            settings.min_version = version;
        })
    }

    /// Changes the TLS settings given by [`tls`](Self::tls) (an error
    /// naming `what` without them).
    fn with_tls_settings(
        self,
        what: &'static str,
        change: impl FnOnce(&mut TlsSettings),
    ) -> Result<Self, ExporterError> {
        let mut config = self.web_config.clone();
        let Some(settings) = config.tls.as_mut() else {
            return Err(WebConfigError::Missing {
                key: "tls_server_config.cert_file",
                when: what,
            }
            .into());
        };
        change(settings);
        self.with_web_config(config)
    }

    /// Requires HTTP basic auth for user `user` with the password whose
    /// bcrypt hash is `bcrypt_hash` (`$2y$10$…`, e.g. from `htpasswd -nBC 10`).
    /// Call again for more users. `/metrics` and `/` then answer 401 with
    /// `WWW-Authenticate` to anyone else; `/ready` stays open (it tells only
    /// whether state is restored). Prefer TLS too: basic auth sends the
    /// password in every request.
    ///
    /// # Errors
    /// [`ExporterError::WebConfig`] when the hash is not bcrypt.
    pub fn basic_auth_user(self, user: &str, bcrypt_hash: &str) -> Result<Self, ExporterError> {
        let mut config = self.web_config.clone();
        config.users.insert(user.to_owned(), bcrypt_hash.to_owned());
        self.with_web_config(config)
    }
}
