//! The exporter-toolkit web configuration file (the `--web.config.file` of
//! `node_exporter` and Prometheus' other exporters), read into a
//! [`WebConfig`].
//!
//! Keys are the toolkit's; unknown keys are an error, as in the toolkit;
//! relative paths resolve against the file's directory. Settings the toolkit
//! has and rustls cannot honour are refused with
//! [`WebConfigError::Unsupported`], never ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::WebConfigError;

/// Which client certificates the TLS handshake asks for, by the Go names
/// the toolkit's `client_auth_type` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// No client certificate is asked for (`NoClientCert`, the default).
    #[default]
    NoClientCert,
    /// A client certificate, if sent, must chain to the client CA; clients
    /// without one are let through (`VerifyClientCertIfGiven`).
    VerifyClientCertIfGiven,
    /// Every client must present a certificate chaining to the client CA
    /// (`RequireAndVerifyClientCert`: mutual TLS).
    RequireAndVerifyClientCert,
}

impl ClientAuth {
    /// Parses a toolkit name. `RequestClientCert` and `RequireAnyClientCert`
    /// (certificates asked for but never verified) are refused: an
    /// unverified certificate proves nothing.
    fn parse(name: &str) -> Result<Self, WebConfigError> {
        match name {
            "" | "NoClientCert" => Ok(Self::NoClientCert),
            "VerifyClientCertIfGiven" => Ok(Self::VerifyClientCertIfGiven),
            "RequireAndVerifyClientCert" => Ok(Self::RequireAndVerifyClientCert),
            "RequestClientCert" | "RequireAnyClientCert" | "RequireClientCert" => {
                Err(WebConfigError::Unsupported {
                    key: format!("tls_server_config.client_auth_type {name}"),
                    reason: "a client certificate that is not verified proves nothing; use VerifyClientCertIfGiven or RequireAndVerifyClientCert with client_ca_file",
                })
            }
            other => Err(WebConfigError::InvalidValue {
                key: "tls_server_config.client_auth_type",
                value: other.to_owned(),
                expected: "NoClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert",
            }),
        }
    }
}

impl std::str::FromStr for ClientAuth {
    type Err = WebConfigError;

    /// A toolkit `client_auth_type` name (`NoClientCert`,
    /// `VerifyClientCertIfGiven`, `RequireAndVerifyClientCert`), refusing
    /// the unverified kinds as a web configuration file does.
    fn from_str(name: &str) -> Result<Self, WebConfigError> {
        Self::parse(name)
    }
}

/// A TLS protocol version the endpoint can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TlsVersion {
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

/// `min_version`: TLS10 and TLS11 allow those versions in the toolkit;
/// rustls never offers them, so they mean TLS 1.2 here (stricter, never
/// weaker).
fn parse_min_version(name: &str) -> Result<TlsVersion, WebConfigError> {
    match name {
        "TLS10" | "TLS11" | "TLS12" => Ok(TlsVersion::Tls12),
        "TLS13" => Ok(TlsVersion::Tls13),
        other => Err(WebConfigError::InvalidValue {
            key: "tls_server_config.min_version",
            value: other.to_owned(),
            expected: "TLS10, TLS11, TLS12 or TLS13",
        }),
    }
}

impl std::str::FromStr for TlsVersion {
    type Err = WebConfigError;

    /// A toolkit `min_version` name: `TLS12` or `TLS13` (`TLS10` and
    /// `TLS11` mean TLS 1.2, as in a web configuration file).
    fn from_str(name: &str) -> Result<Self, WebConfigError> {
        parse_min_version(name)
    }
}

fn parse_max_version(name: &str) -> Result<TlsVersion, WebConfigError> {
    match name {
        "TLS12" => Ok(TlsVersion::Tls12),
        "TLS13" => Ok(TlsVersion::Tls13),
        "TLS10" | "TLS11" => Err(WebConfigError::Unsupported {
            key: format!("tls_server_config.max_version {name}"),
            reason: "TLS 1.0 and 1.1 are obsolete and rustls does not offer them; use TLS12 or TLS13",
        }),
        other => Err(WebConfigError::InvalidValue {
            key: "tls_server_config.max_version",
            value: other.to_owned(),
            expected: "TLS12 or TLS13",
        }),
    }
}

/// Certificate files and handshake settings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TlsSettings {
    pub(crate) cert_file: PathBuf,
    pub(crate) key_file: PathBuf,
    pub(crate) client_ca_file: Option<PathBuf>,
    pub(crate) client_auth: ClientAuth,
    pub(crate) min_version: TlsVersion,
    pub(crate) max_version: TlsVersion,
    /// TLS 1.2 suites by their Go names (TLS 1.3 suites are not
    /// configurable, as in Go); empty: the provider's defaults.
    pub(crate) cipher_suites: Vec<String>,
    /// Key-exchange groups by their Go names; empty: the provider's defaults.
    pub(crate) curve_preferences: Vec<String>,
    pub(crate) prefer_server_cipher_suites: bool,
}

impl TlsSettings {
    pub(crate) fn new(cert_file: PathBuf, key_file: PathBuf) -> Self {
        Self {
            cert_file,
            key_file,
            client_ca_file: None,
            client_auth: ClientAuth::NoClientCert,
            min_version: TlsVersion::Tls12,
            max_version: TlsVersion::Tls13,
            cipher_suites: Vec::new(),
            curve_preferences: Vec::new(),
            prefer_server_cipher_suites: true,
        }
    }
}

/// Everything a web configuration says.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct WebConfig {
    pub(crate) tls: Option<TlsSettings>,
    /// User name → bcrypt hash.
    pub(crate) users: BTreeMap<String, String>,
    /// Extra response headers (`http_server_config.headers`).
    pub(crate) headers: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    tls_server_config: Option<TlsSection>,
    http_server_config: Option<HttpSection>,
    basic_auth_users: Option<BTreeMap<String, String>>,
    rate_limit: Option<serde_yaml_ng::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsSection {
    cert_file: Option<String>,
    key_file: Option<String>,
    client_auth_type: Option<String>,
    client_ca_file: Option<String>,
    min_version: Option<String>,
    max_version: Option<String>,
    cipher_suites: Option<Vec<String>>,
    curve_preferences: Option<Vec<String>>,
    prefer_server_cipher_suites: Option<bool>,
    cert: Option<String>,
    key: Option<String>,
    client_ca: Option<String>,
    client_allowed_sans: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpSection {
    http2: Option<bool>,
    headers: Option<BTreeMap<String, String>>,
}

/// Response headers the toolkit lets a configuration set, with the values
/// it allows (empty: any value).
const CONFIGURABLE_HEADERS: &[(&str, &[&str])] = &[
    ("Strict-Transport-Security", &[]),
    ("X-Content-Type-Options", &["nosniff"]),
    ("X-Frame-Options", &["deny", "sameorigin"]),
    ("X-XSS-Protection", &[]),
    ("Content-Security-Policy", &[]),
];

fn unsupported(key: &str, reason: &'static str) -> WebConfigError {
    WebConfigError::Unsupported {
        key: key.to_owned(),
        reason,
    }
}

impl WebConfig {
    /// Reads and checks an exporter-toolkit web configuration file.
    pub(crate) fn from_file(path: &Path) -> Result<Self, WebConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| WebConfigError::Read {
            what: "web config file",
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let file: FileFormat = if text.trim().is_empty() {
            FileFormat {
                tls_server_config: None,
                http_server_config: None,
                basic_auth_users: None,
                rate_limit: None,
            }
        } else {
            serde_yaml_ng::from_str(&text).map_err(|e| WebConfigError::Syntax {
                path: path.to_owned(),
                reason: e.to_string(),
            })?
        };
        let directory = path.parent().unwrap_or_else(|| Path::new("."));
        if file.rate_limit.is_some() {
            return Err(unsupported(
                "rate_limit",
                "the endpoint bounds connections instead (ExporterBuilder::max_connections)",
            ));
        }
        let mut config = Self {
            tls: match file.tls_server_config {
                Some(section) => section.settings(directory)?,
                None => None,
            },
            users: file.basic_auth_users.unwrap_or_default(),
            headers: Vec::new(),
        };
        if let Some(http) = file.http_server_config {
            if http.http2 == Some(true) {
                return Err(unsupported(
                    "http_server_config.http2: true",
                    "the endpoint speaks HTTP/1.1 only; remove the key or set it to false",
                ));
            }
            for (name, value) in http.headers.unwrap_or_default() {
                config.add_header(name, value)?;
            }
        }
        Ok(config)
    }

    /// Adds a response header, if the toolkit allows configuring it.
    pub(crate) fn add_header(&mut self, name: String, value: String) -> Result<(), WebConfigError> {
        let Some((_, allowed)) = CONFIGURABLE_HEADERS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        else {
            return Err(WebConfigError::InvalidValue {
                key: "http_server_config.headers",
                value: name,
                expected: "one of Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy",
            });
        };
        if !allowed.is_empty() && !allowed.contains(&value.as_str()) {
            return Err(WebConfigError::InvalidValue {
                key: "http_server_config.headers",
                value: format!("{name}: {value}"),
                expected: "nosniff for X-Content-Type-Options; deny or sameorigin for X-Frame-Options",
            });
        }
        self.headers.push((name, value));
        Ok(())
    }
}

impl TlsSection {
    /// The TLS settings, or `None` for a section that configures nothing
    /// (plain HTTP, as in the toolkit).
    fn settings(self, directory: &Path) -> Result<Option<TlsSettings>, WebConfigError> {
        for (key, given, instead) in [
            (
                "tls_server_config.cert",
                self.cert.is_some(),
                "give cert_file",
            ),
            ("tls_server_config.key", self.key.is_some(), "give key_file"),
            (
                "tls_server_config.client_ca",
                self.client_ca.is_some(),
                "give client_ca_file",
            ),
        ] {
            if given {
                return Err(WebConfigError::Unsupported {
                    key: key.to_owned(),
                    reason: match instead {
                        "give cert_file" => {
                            "inline PEM is not accepted: certificates and keys come from files; give cert_file"
                        }
                        "give key_file" => {
                            "inline PEM is not accepted: a private key belongs in a file, never in configuration; give key_file"
                        }
                        _ => {
                            "inline PEM is not accepted: certificates come from files; give client_ca_file"
                        }
                    },
                });
            }
        }
        if self.client_allowed_sans.is_some() {
            return Err(unsupported(
                "tls_server_config.client_allowed_sans",
                "restrict clients by the client CA instead (issue scraper certificates from a CA of their own)",
            ));
        }
        let enabled = self.cert_file.is_some()
            || self.key_file.is_some()
            || self.client_ca_file.is_some()
            || self.client_auth_type.is_some();
        if !enabled {
            return Ok(None);
        }
        let resolve = |p: &str| directory.join(p);
        let cert_file = self
            .cert_file
            .as_deref()
            .map(resolve)
            .ok_or(WebConfigError::Missing {
                key: "tls_server_config.cert_file",
                when: "when tls_server_config is given",
            })?;
        let key_file = self
            .key_file
            .as_deref()
            .map(resolve)
            .ok_or(WebConfigError::Missing {
                key: "tls_server_config.key_file",
                when: "when tls_server_config is given",
            })?;
        let mut settings = TlsSettings::new(cert_file, key_file);
        settings.client_auth = ClientAuth::parse(self.client_auth_type.as_deref().unwrap_or(""))?;
        settings.client_ca_file = self.client_ca_file.as_deref().map(resolve);
        if let Some(min) = &self.min_version {
            settings.min_version = parse_min_version(min)?;
        }
        if let Some(max) = &self.max_version {
            settings.max_version = parse_max_version(max)?;
        }
        settings.cipher_suites = self.cipher_suites.unwrap_or_default();
        settings.curve_preferences = self.curve_preferences.unwrap_or_default();
        settings.prefer_server_cipher_suites = self.prefer_server_cipher_suites.unwrap_or(true);
        Ok(Some(settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<WebConfig, WebConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.yml");
        std::fs::write(&path, yaml).unwrap();
        WebConfig::from_file(&path).map(|mut c| {
            // Paths relative to the file's directory: strip it for comparison.
            if let Some(tls) = &mut c.tls {
                tls.cert_file = tls.cert_file.strip_prefix(dir.path()).unwrap().to_owned();
                tls.key_file = tls.key_file.strip_prefix(dir.path()).unwrap().to_owned();
            }
            c
        })
    }

    #[test]
    fn the_toolkit_example_parses() {
        let config = parse(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: /etc/ca.pem\n  min_version: TLS12\n  max_version: TLS13\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n  curve_preferences: [X25519]\n  prefer_server_cipher_suites: true\nhttp_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: deny\nbasic_auth_users:\n  alice: $2y$10$abc\n",
        )
        .unwrap();
        let tls = config.tls.unwrap();
        assert_eq!(tls.cert_file, PathBuf::from("server.crt"));
        assert_eq!(tls.client_auth, ClientAuth::RequireAndVerifyClientCert);
        assert_eq!(tls.client_ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(config.users["alice"], "$2y$10$abc");
        assert_eq!(
            config.headers,
            vec![("X-Frame-Options".into(), "deny".into())]
        );
    }

    #[test]
    fn unknown_keys_and_unhonourable_settings_are_refused() {
        let err = parse("tls_server_config:\n  cert_flie: a\n").unwrap_err();
        assert!(
            matches!(err, WebConfigError::Syntax { .. }) && err.to_string().contains("cert_flie"),
            "{err}"
        );
        assert!(matches!(
            parse("basic_auth: {}\n"),
            Err(WebConfigError::Syntax { .. })
        ));
        for (yaml, key) in [
            (
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAnyClientCert\n",
                "client_auth_type",
            ),
            (
                "tls_server_config:\n  cert_file: a\n  key: |\n    secret\n",
                "tls_server_config.key",
            ),
            (
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  max_version: TLS11\n",
                "max_version",
            ),
            ("http_server_config:\n  http2: true\n", "http2"),
            ("rate_limit:\n  burst: 10\n", "rate_limit"),
            (
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_allowed_sans: [x]\n",
                "client_allowed_sans",
            ),
        ] {
            let err = parse(yaml).unwrap_err();
            assert!(
                matches!(err, WebConfigError::Unsupported { .. }),
                "{yaml}: {err}"
            );
            assert!(err.to_string().contains(key), "{err}");
        }
        assert!(matches!(
            parse(
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Sometimes\n"
            ),
            Err(WebConfigError::InvalidValue { .. })
        ));
        assert!(matches!(
            parse("tls_server_config:\n  cert_file: a\n"),
            Err(WebConfigError::Missing {
                key: "tls_server_config.key_file",
                ..
            })
        ));
        assert!(matches!(
            parse("http_server_config:\n  headers:\n    Server: x\n"),
            Err(WebConfigError::InvalidValue { .. })
        ));
        assert!(matches!(
            parse("http_server_config:\n  headers:\n    X-Frame-Options: allow\n"),
            Err(WebConfigError::InvalidValue { .. })
        ));
    }

    #[test]
    fn empty_sections_mean_plain_http() {
        assert_eq!(parse("").unwrap(), WebConfig::default());
        assert_eq!(parse("tls_server_config: {}\n").unwrap().tls, None);
        assert_eq!(
            parse("tls_server_config:\n  min_version: TLS10\n")
                .unwrap()
                .tls,
            None
        );
    }
}
