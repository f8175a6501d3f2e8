//! [`Remote`]: where a batch run sends — an `http://` or `https://` URL
//! (parsed by the `url` crate, its `user:password@` turned into
//! credentials), the credentials, extra trusted certificate authorities and
//! the timeout. Shared by the Pushgateway and the store import.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use url::Url;

use super::{Auth, PushError};

/// Default timeout of one request, connection included.
pub(super) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A parsed destination and how to reach it.
#[derive(Clone, PartialEq)]
pub(super) struct Remote {
    /// Without credentials, query or fragment; safe to show.
    url: Url,
    pub(super) auth: Option<Auth>,
    pub(super) ca_file: Option<PathBuf>,
    pub(super) ca_certs: Vec<CertificateDer<'static>>,
    pub(super) timeout: Duration,
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote")
            .field("url", &self.url.as_str())
            .field("auth", &self.auth)
            .field("ca_file", &self.ca_file)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// `text` with any `user:password@` replaced, for messages.
fn redacted(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

impl Remote {
    /// Parses `text`: `http://` or `https://`, a host, an optional port and
    /// path; `user:password@` become basic-auth credentials.
    pub(super) fn parse(text: &str) -> Result<Self, PushError> {
        let invalid = |reason: String| PushError::InvalidUrl {
            url: redacted(text),
            reason,
        };
        let no_scheme = || {
            invalid(format!(
                "no scheme: write http://{0} (or https://{0})",
                redacted(text)
            ))
        };
        if !text.contains("://") {
            return Err(no_scheme());
        }
        let mut url = Url::parse(text).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "unsupported scheme {:?}: use http or https",
                url.scheme()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("no host".to_owned()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a query or fragment has no place here".to_owned()));
        }
        let auth = if url.username().is_empty() && url.password().is_none() {
            None
        } else {
            let decode = |s: &str| {
                percent_decode_str(s)
                    .decode_utf8()
                    .map(std::borrow::Cow::into_owned)
                    .map_err(|_| invalid("the credentials are not UTF-8".to_owned()))
            };
            let user = decode(url.username())?;
            let password = decode(url.password().unwrap_or(""))?;
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Some(Auth::basic(&user, &password))
        };
        Ok(Self {
            url,
            auth,
            ca_file: None,
            ca_certs: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Trusts the certificate authorities in the PEM file at `path` besides
    /// the system's.
    pub(super) fn add_ca_file(&mut self, path: &Path) -> Result<(), PushError> {
        let refused = |reason: String| PushError::CaFile {
            path: path.to_path_buf(),
            reason,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| refused(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| refused(e.to_string()))?;
        if certs.is_empty() {
            return Err(refused("no PEM certificate in it".to_owned()));
        }
        self.ca_file = Some(path.to_path_buf());
        self.ca_certs = certs;
        Ok(())
    }

    /// The URL as given, without its credentials.
    #[cfg(test)]
    pub(super) fn url(&self) -> &Url {
        &self.url
    }

    /// Whether the connection is TLS.
    pub(super) fn https(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// `host:port`, for messages.
    pub(super) fn address(&self) -> String {
        let host = self.url.host_str().unwrap_or("");
        match self.url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// The URL with `segments` appended to its path (each percent-encoded
    /// as a path segment).
    pub(super) fn join<'a>(&self, segments: impl IntoIterator<Item = &'a str>) -> Url {
        let mut url = self.url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

/// The connection settings every batch-mode target has: timeout,
/// credentials, extra certificate authorities. One definition for
/// [`PushTarget`](super::PushTarget) and [`ImportTarget`](super::ImportTarget).
macro_rules! connection_settings {
    () => {
        /// Timeout of each request, connection and TLS handshake included
        /// (default 5 s, at least 10 ms).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.remote.timeout = timeout.max(std::time::Duration::from_millis(10));
            self
        }

        /// Credentials to present (basic auth or a bearer token, see
        /// [`Auth`](crate::exporter::Auth)); they replace any taken from the
        /// URL's `user:password@`. Over `http://` they travel in clear: use
        /// `https://` beyond a trusted network.
        pub fn auth(mut self, auth: crate::exporter::Auth) -> Self {
            self.remote.auth = Some(auth);
            self
        }

        /// Also trusts the certificate authorities of the PEM file at
        /// `path` (a private CA), besides the system's roots.
        ///
        /// # Errors
        /// [`PushError::CaFile`](crate::exporter::PushError::CaFile) when
        /// the file cannot be read or holds no certificate.
        pub fn ca_file(
            mut self,
            path: impl AsRef<std::path::Path>,
        ) -> Result<Self, crate::exporter::PushError> {
            self.remote.add_ca_file(path.as_ref())?;
            Ok(self)
        }
    };
}

pub(super) use connection_settings;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_and_their_credentials_taken() {
        let remote = Remote::parse("https://ci%40corp:p%3Ass@pgw.example:9443/gw/").unwrap();
        assert!(remote.https());
        assert_eq!(remote.address(), "pgw.example:9443");
        assert_eq!(remote.url().as_str(), "https://pgw.example:9443/gw/");
        assert_eq!(remote.auth, Some(Auth::basic("ci@corp", "p:ss")));
        assert_eq!(
            remote.join(["metrics", "job", "a b"]).as_str(),
            "https://pgw.example:9443/gw/metrics/job/a%20b"
        );
        let plain = Remote::parse("http://[::1]:9091").unwrap();
        assert_eq!(
            (plain.address().as_str(), plain.https()),
            ("[::1]:9091", false)
        );
        assert_eq!(Remote::parse("http://gw").unwrap().address(), "gw:80");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (text, says) in [
            ("127.0.0.1:9091", "no scheme: write http://127.0.0.1:9091"),
            ("localhost:9091", "no scheme"),
            ("ftp://gw:21", "unsupported scheme \"ftp\""),
            ("http://:9091", "empty host"),
            ("http://gw:x", "invalid port"),
            ("http://gw/?a=1", "query"),
        ] {
            let error = Remote::parse(text).unwrap_err().to_string();
            assert!(error.contains(says), "{text}: {error}");
        }
        let error = Remote::parse("http://u:secret@gw:x")
            .unwrap_err()
            .to_string();
        assert!(
            !error.contains("secret") && error.contains("***@gw:x"),
            "{error}"
        );
    }
}
