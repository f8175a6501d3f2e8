//! The generated test credentials are what a real TLS client accepts: the
//! server and client certificates verify against their authority with
//! `openssl verify` (Debian's `openssl`), not against a stranger's, and the
//! bcrypt hashes verify.

#[path = "common/tls.rs"]
mod tls;

use std::path::Path;
use std::process::Command;

fn openssl_verify(ca: &Path, cert: &Path, purpose: &str) -> bool {
    Command::new("openssl")
        .arg("verify")
        .arg("-purpose")
        .arg(purpose)
        .arg("-CAfile")
        .arg(ca)
        .arg(cert)
        .output()
        .expect("run openssl")
        .status
        .success()
}

#[test]
#[ignore = "needs openssl (Debian package openssl)"]
fn certificates_verify_against_their_authority_only() {
    let dir = tempfile::tempdir().unwrap();
    let creds = tls::generate(dir.path());
    assert!(openssl_verify(
        &creds.ca_cert,
        &creds.server_cert,
        "sslserver"
    ));
    assert!(openssl_verify(
        &creds.ca_cert,
        &creds.client_cert,
        "sslclient"
    ));
    assert!(!openssl_verify(
        &creds.stranger_ca_cert,
        &creds.server_cert,
        "sslserver"
    ));
    let key = std::fs::read_to_string(&creds.server_key).unwrap();
    assert!(key.contains("PRIVATE KEY"), "{key}");
}

#[test]
fn bcrypt_hashes_verify_their_password_only() {
    let hash = tls::bcrypt_hash("s3cret");
    assert!(hash.starts_with("$2"), "{hash}");
    assert!(bcrypt::verify("s3cret", &hash).unwrap());
    assert!(!bcrypt::verify("wrong", &hash).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = tls::password_file(dir.path(), "pw", "s3cret");
    assert_eq!(std::fs::read_to_string(file).unwrap(), "s3cret");
}
