//! The rustls server configuration for [`TlsSettings`]: the ring provider,
//! built for this endpoint alone (a library never installs a process-wide
//! default provider).

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, SupportedCipherSuite};

use super::WebConfigError;
use super::web_config::{ClientAuth, TlsSettings, TlsVersion};

fn tls_error(error: impl std::fmt::Display) -> WebConfigError {
    WebConfigError::Tls(error.to_string())
}

fn pem_error(
    what: &'static str,
    path: &Path,
    expected: &'static str,
    reason: impl std::fmt::Display,
) -> WebConfigError {
    WebConfigError::Pem {
        what,
        path: path.to_owned(),
        expected,
        reason: reason.to_string(),
    }
}

fn read_certificates(
    what: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, WebConfigError> {
    std::fs::metadata(path).map_err(|e| WebConfigError::Read {
        what,
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let certificates = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| pem_error(what, path, "PEM certificate", e))?;
    if certificates.is_empty() {
        return Err(pem_error(
            what,
            path,
            "PEM certificate",
            "no CERTIFICATE block",
        ));
    }
    Ok(certificates)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, WebConfigError> {
    std::fs::metadata(path).map_err(|e| WebConfigError::Read {
        what: "key_file",
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    PrivateKeyDer::from_pem_file(path)
        .map_err(|e| pem_error("key_file", path, "PEM private key", e))
}

/// The ring provider, narrowed to the configured suites and groups.
fn provider(settings: &TlsSettings) -> Result<CryptoProvider, WebConfigError> {
    let mut provider = rustls::crypto::ring::default_provider();
    if !settings.cipher_suites.is_empty() {
        let mut chosen: Vec<SupportedCipherSuite> = provider
            .cipher_suites
            .iter()
            .filter(|s| matches!(s, SupportedCipherSuite::Tls13(_)))
            .copied()
            .collect();
        for name in &settings.cipher_suites {
            let suite = provider
                .cipher_suites
                .iter()
                .find(|s| {
                    matches!(s, SupportedCipherSuite::Tls12(_))
                        && format!("{:?}", s.suite()) == *name
                })
                .ok_or_else(|| WebConfigError::Unsupported {
                    key: format!("tls_server_config.cipher_suites {name}"),
                    reason: "not a TLS 1.2 suite rustls offers (ECDHE with AES-GCM or ChaCha20-Poly1305, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)",
                })?;
            chosen.push(*suite);
        }
        provider.cipher_suites = chosen;
    }
    if !settings.curve_preferences.is_empty() {
        let mut groups = Vec::new();
        for name in &settings.curve_preferences {
            let wanted = match name.as_str() {
                "X25519" => rustls::NamedGroup::X25519,
                "CurveP256" => rustls::NamedGroup::secp256r1,
                "CurveP384" => rustls::NamedGroup::secp384r1,
                "CurveP521" => {
                    return Err(WebConfigError::Unsupported {
                        key: "tls_server_config.curve_preferences CurveP521".into(),
                        reason: "the ring provider has no P-521 key exchange; use X25519, CurveP256 or CurveP384",
                    });
                }
                other => {
                    return Err(WebConfigError::InvalidValue {
                        key: "tls_server_config.curve_preferences",
                        value: other.to_owned(),
                        expected: "X25519, CurveP256, CurveP384 or CurveP521",
                    });
                }
            };
            groups.extend(provider.kx_groups.iter().filter(|g| g.name() == wanted));
        }
        provider.kx_groups = groups;
    }
    Ok(provider)
}

/// Builds the server configuration, reading every file now.
pub(crate) fn server_config(settings: &TlsSettings) -> Result<Arc<ServerConfig>, WebConfigError> {
    if settings.min_version > settings.max_version {
        return Err(WebConfigError::InvalidValue {
            key: "tls_server_config.min_version",
            value: format!(
                "{:?} above max_version {:?}",
                settings.min_version, settings.max_version
            ),
            expected: "a minimum no higher than the maximum",
        });
    }
    let versions: Vec<&'static rustls::SupportedProtocolVersion> = [
        (TlsVersion::Tls12, &rustls::version::TLS12),
        (TlsVersion::Tls13, &rustls::version::TLS13),
    ]
    .into_iter()
    .filter(|(v, _)| (settings.min_version..=settings.max_version).contains(v))
    .map(|(_, version)| version)
    .collect();
    let certificates = read_certificates("cert_file", &settings.cert_file)?;
    let key = read_key(&settings.key_file)?;
    let provider = Arc::new(provider(settings)?);
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&versions)
        .map_err(tls_error)?;
    let builder = match (settings.client_auth, &settings.client_ca_file) {
        (ClientAuth::NoClientCert, None) => builder.with_no_client_auth(),
        (ClientAuth::NoClientCert, Some(_)) => {
            return Err(WebConfigError::Missing {
                key: "tls_server_config.client_auth_type",
                when: "when client_ca_file is given (VerifyClientCertIfGiven or RequireAndVerifyClientCert)",
            });
        }
        (_, None) => {
            return Err(WebConfigError::Missing {
                key: "tls_server_config.client_ca_file",
                when: "to verify client certificates",
            });
        }
        (auth, Some(ca_file)) => {
            let mut roots = RootCertStore::empty();
            for certificate in read_certificates("client_ca_file", ca_file)? {
                roots
                    .add(certificate)
                    .map_err(|e| pem_error("client_ca_file", ca_file, "CA certificate", e))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = match auth {
                ClientAuth::VerifyClientCertIfGiven => verifier.allow_unauthenticated(),
                _ => verifier,
            };
            builder.with_client_cert_verifier(verifier.build().map_err(tls_error)?)
        }
    };
    let mut config = builder
        .with_single_cert(certificates, key)
        .map_err(tls_error)?;
    config.ignore_client_order = settings.prefer_server_cipher_suites;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed certificate and its key as PEM files in `dir`.
    fn credentials(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, certified.cert.pem()).unwrap();
        std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
        (cert, key)
    }

    #[test]
    fn files_and_settings_are_checked_when_given() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = credentials(dir.path());
        let mut settings = TlsSettings::new(cert.clone(), key.clone());
        assert!(server_config(&settings).is_ok());

        settings.cipher_suites = vec!["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256".into()];
        settings.curve_preferences = vec!["X25519".into(), "CurveP256".into()];
        assert!(server_config(&settings).is_ok());
        settings.cipher_suites = vec!["TLS_RSA_WITH_AES_128_CBC_SHA".into()];
        assert!(matches!(
            server_config(&settings),
            Err(WebConfigError::Unsupported { .. })
        ));
        settings.cipher_suites.clear();
        settings.curve_preferences = vec!["CurveP521".into()];
        assert!(matches!(
            server_config(&settings),
            Err(WebConfigError::Unsupported { .. })
        ));
        settings.curve_preferences.clear();

        settings.client_ca_file = Some(cert.clone());
        assert!(matches!(
            server_config(&settings),
            Err(WebConfigError::Missing {
                key: "tls_server_config.client_auth_type",
                ..
            })
        ));
        settings.client_auth = ClientAuth::RequireAndVerifyClientCert;
        assert!(server_config(&settings).is_ok());
        settings.client_ca_file = None;
        assert!(matches!(
            server_config(&settings),
            Err(WebConfigError::Missing {
                key: "tls_server_config.client_ca_file",
                ..
            })
        ));

        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "not a key").unwrap();
        let missing = dir.path().join("missing.pem");
        assert!(matches!(
            server_config(&TlsSettings::new(cert.clone(), garbage)),
            Err(WebConfigError::Pem {
                what: "key_file",
                ..
            })
        ));
        assert!(matches!(
            server_config(&TlsSettings::new(missing, key.clone())),
            Err(WebConfigError::Read {
                what: "cert_file",
                ..
            })
        ));
        let mut versions = TlsSettings::new(cert, key);
        versions.min_version = TlsVersion::Tls13;
        versions.max_version = TlsVersion::Tls12;
        assert!(matches!(
            server_config(&versions),
            Err(WebConfigError::InvalidValue { .. })
        ));
    }
}
