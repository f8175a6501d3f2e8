//! [`Auth`]: the credentials a batch run presents to a Pushgateway or a
//! store — basic auth or a bearer token, given directly, read from a file
//! (secrets stay out of the code and the repository), or taken from the
//! URL's `user:password@`.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hyper::header::HeaderValue;

use super::PushError;

/// Credentials for a Pushgateway or a store behind authentication.
///
/// Secrets are read once, when the `Auth` is made (a missing or empty file
/// is an error then, not at the end of a backtest), and are never printed:
/// `Debug` shows `<redacted>`, and the `Authorization` header is marked
/// sensitive.
///
/// ```
/// use velocity_metrics::exporter::{Auth, PushTarget};
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("pgw-password");
/// # std::fs::write(&path, "s3cret\n")?;
/// let target = PushTarget::new("https://pushgateway.example:9091")?
///     .auth(Auth::password_file("backtests", &path)?);
/// assert!(!format!("{target:?}").contains("s3cret"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// HTTP basic authentication.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: SecretText,
    },
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The token.
        token: SecretText,
    },
}

/// A password or token inside an [`Auth`]; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// Reads a secret file: its content without the trailing line break, which
/// editors and `echo` add.
fn read_secret(path: &Path) -> Result<String, PushError> {
    let refused = |reason: String| PushError::Credentials {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| refused(e.to_string()))?;
    let secret = text.strip_suffix('\n').unwrap_or(&text);
    let secret = secret.strip_suffix('\r').unwrap_or(secret);
    if secret.is_empty() {
        return Err(refused("the file is empty".to_owned()));
    }
    if secret.contains(['\n', '\r']) {
        return Err(refused("the secret spans several lines".to_owned()));
    }
    Ok(secret.to_owned())
}

impl Auth {
    /// Basic authentication with a password given in the code (prefer
    /// [`password_file`](Self::password_file)).
    #[must_use]
    pub fn basic(user: &str, password: &str) -> Self {
        Auth::Basic {
            user: user.to_owned(),
            password: SecretText(password.to_owned()),
        }
    }

    /// Basic authentication with the password read from `path` (one line;
    /// a final line break is ignored), like Prometheus' `password_file`.
    ///
    /// # Errors
    /// [`PushError::Credentials`] when the file cannot be read, is empty or
    /// holds several lines.
    pub fn password_file(user: &str, path: impl AsRef<Path>) -> Result<Self, PushError> {
        Ok(Self::basic(user, &read_secret(path.as_ref())?))
    }

    /// A bearer token given in the code (prefer
    /// [`bearer_token_file`](Self::bearer_token_file)).
    #[must_use]
    pub fn bearer(token: &str) -> Self {
        Auth::Bearer {
            token: SecretText(token.to_owned()),
        }
    }

    /// A bearer token read from `path`, like Prometheus' `bearer_token_file`
    /// (`authorization.credentials_file`).
    ///
    /// # Errors
    /// As [`password_file`](Self::password_file).
    pub fn bearer_token_file(path: impl AsRef<Path>) -> Result<Self, PushError> {
        Ok(Self::bearer(&read_secret(path.as_ref())?))
    }

    /// The `Authorization` header, marked sensitive.
    ///
    /// # Errors
    /// [`PushError::Credentials`] when the credentials hold characters no
    /// header may carry (a token with a control character).
    pub(super) fn header(&self) -> Result<HeaderValue, PushError> {
        let text = match self {
            Auth::Basic { user, password } => {
                let pair = format!("{user}:{}", password.0);
                format!("Basic {}", STANDARD.encode(pair))
            }
            Auth::Bearer { token } => format!("Bearer {}", token.0),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| PushError::Credentials {
            path: PathBuf::from("-"),
            reason: "the credentials hold a character an HTTP header cannot carry".to_owned(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_rfc_7617() {
        // RFC 7617 §2's example.
        let header = Auth::basic("Aladdin", "open sesame").header().unwrap();
        assert_eq!(header, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(header.is_sensitive());
        assert_eq!(Auth::bearer("t0k").header().unwrap(), "Bearer t0k");
    }

    #[test]
    fn secret_files_are_read_once_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "abc\r\n").unwrap();
        assert_eq!(Auth::bearer_token_file(&path).unwrap(), Auth::bearer("abc"));
        std::fs::write(&path, "\n").unwrap();
        assert!(matches!(
            Auth::bearer_token_file(&path),
            Err(PushError::Credentials { .. })
        ));
        std::fs::write(&path, "a\nb\n").unwrap();
        assert!(Auth::password_file("u", &path).is_err());
        let missing = Auth::password_file("u", dir.path().join("absent")).unwrap_err();
        assert!(missing.to_string().contains("absent"), "{missing}");
    }

    #[test]
    fn debug_never_shows_a_secret() {
        for auth in [Auth::basic("ci", "hunter2"), Auth::bearer("hunter2")] {
            let shown = format!("{auth:?}");
            assert!(
                !shown.contains("hunter2") && shown.contains("redacted"),
                "{shown}"
            );
        }
    }
}
