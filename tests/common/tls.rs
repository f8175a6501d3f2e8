//! Test credentials made fresh for each test, never committed: a private
//! certificate authority, a server certificate for the loopback names, a
//! client certificate for mutual TLS, and bcrypt hashes for basic auth.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// PEM files written into a test's directory.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The authority that signed both certificates (the scraper's
    /// `ca_file`, the server's `client_ca_file`).
    pub ca_cert: PathBuf,
    /// Server certificate for `localhost`, `127.0.0.1` and `::1`.
    pub server_cert: PathBuf,
    /// The server certificate's private key.
    pub server_key: PathBuf,
    /// Client certificate (common name `scraper`) for mutual TLS.
    pub client_cert: PathBuf,
    /// The client certificate's private key.
    pub client_key: PathBuf,
    /// A certificate authority nobody trusts, for negative cases.
    pub stranger_ca_cert: PathBuf,
}

fn authority(name: &str) -> (CertificateParams, KeyPair) {
    let key = KeyPair::generate().expect("generate CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    (params, key)
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write credential file");
    path
}

/// Generates a certificate authority, a loopback server certificate and a
/// client certificate, all written as PEM files into `dir`.
pub fn generate(dir: &Path) -> Credentials {
    let (ca_params, ca_key) = authority("velocity_metrics test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign CA");
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().expect("server key");
    let mut server = CertificateParams::new(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ])
    .expect("server params");
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server
        .signed_by(&server_key, &issuer)
        .expect("sign server certificate");

    let client_key = KeyPair::generate().expect("client key");
    let mut client = CertificateParams::new(Vec::<String>::new()).expect("client params");
    client
        .distinguished_name
        .push(DnType::CommonName, "scraper");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client
        .signed_by(&client_key, &issuer)
        .expect("sign client certificate");

    let (stranger_params, stranger_key) = authority("nobody trusts this CA");
    let stranger = stranger_params
        .self_signed(&stranger_key)
        .expect("self-sign stranger CA");

    Credentials {
        ca_cert: write(dir, "ca.pem", &ca_cert.pem()),
        server_cert: write(dir, "server.pem", &server_cert.pem()),
        server_key: write(dir, "server-key.pem", &server_key.serialize_pem()),
        client_cert: write(dir, "client.pem", &client_cert.pem()),
        client_key: write(dir, "client-key.pem", &client_key.serialize_pem()),
        stranger_ca_cert: write(dir, "stranger-ca.pem", &stranger.pem()),
    }
}

/// A bcrypt hash of `password` at the lowest cost bcrypt allows (4): the
/// hash format is what matters to the server, and tests stay fast.
pub fn bcrypt_hash(password: &str) -> String {
    bcrypt::hash(password, 4).expect("bcrypt hash")
}

/// Writes `password` to `dir/name` (no trailing newline, as
/// `password_file` readers expect either way) and returns its path.
pub fn password_file(dir: &Path, name: &str, password: &str) -> PathBuf {
    write(dir, name, password)
}
