//! [`WebConfigError`]: a web configuration that cannot be served as given.

use std::path::PathBuf;

use thiserror::Error;

/// The web configuration (file or builder calls) was refused. Nothing is
/// served with a configuration that returned this.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WebConfigError {
    /// A file could not be read.
    #[error("cannot read {what} {path:?}: {reason}")]
    Read {
        /// What the file was for (`web config file`, `cert_file` …).
        what: &'static str,
        /// The path, as resolved.
        path: PathBuf,
        /// What the operating system said.
        reason: String,
    },
    /// The web configuration file is not valid YAML of the exporter-toolkit
    /// format (an unknown key included, as in the toolkit).
    #[error("invalid web config file {path:?}: {reason}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What the YAML parser said (it names the line and, for an
        /// unknown key, the keys allowed there).
        reason: String,
    },
    /// A value is not one the key takes.
    #[error("invalid {key} {value:?}: expected {expected}")]
    InvalidValue {
        /// The key, e.g. `tls_server_config.client_auth_type`.
        key: &'static str,
        /// The value given.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A setting of the exporter-toolkit format that this endpoint cannot
    /// honour; it is refused rather than ignored.
    #[error("{key} is not supported by velocity_metrics: {reason}")]
    Unsupported {
        /// The key (and value, where the value is the problem).
        key: String,
        /// Why, and what to use instead.
        reason: &'static str,
    },
    /// A required key is missing.
    #[error("{key} is required {when}")]
    Missing {
        /// The missing key.
        key: &'static str,
        /// When it is required.
        when: &'static str,
    },
    /// A certificate or key file holds no usable PEM item.
    #[error("{what} {path:?} holds no usable {expected}: {reason}")]
    Pem {
        /// `cert_file`, `key_file` or `client_ca_file`.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What was expected in it.
        expected: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A `basic_auth_users` entry is not a bcrypt hash.
    #[error(
        "basic_auth_users entry {user:?} is not a bcrypt hash ({reason}); generate one with `htpasswd -nBC 10 \"\" | tr -d ':\\n'` or Python's bcrypt"
    )]
    PasswordHash {
        /// The user whose hash was refused.
        user: String,
        /// What the bcrypt parser said.
        reason: String,
    },
    /// rustls refused the certificate, key or client CA.
    #[error("TLS configuration refused: {0}")]
    Tls(String),
}
