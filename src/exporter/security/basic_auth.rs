//! [`BasicAuth`]: HTTP basic authentication against bcrypt hashes.
//!
//! bcrypt at cost 10 takes 50–100 ms of CPU, on purpose. So that a scraper
//! every few seconds does not pay it each time, a verified (user, password)
//! pair is remembered — by its SHA-256, never in clear — as the
//! exporter-toolkit does; wrong pairs are remembered too, so repeating one
//! costs nothing. So that a flood of guesses cannot take the engine's CPU,
//! one check runs at a time, at most [`MAX_QUEUED_CHECKS`] wait, and the rest
//! are answered 401 unchecked (counted as `auth_busy`). An unknown user is
//! checked against a decoy hash of the same cost, so the answer takes as
//! long as for a known one.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use base64::Engine as _;
use tokio::sync::Semaphore;

use super::WebConfigError;

/// Password checks that may wait for the one running.
pub(crate) const MAX_QUEUED_CHECKS: usize = 8;

/// Remembered outcomes; the memory is cleared when it holds this many.
const CACHE_LIMIT: usize = 1024;

/// The outcome of checking a request's `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthOutcome {
    /// A configured user with the right password.
    Allowed,
    /// Missing, malformed or wrong credentials.
    Denied,
    /// Not checked: too many checks queued.
    Busy,
}

/// The configured users and the memory of checked credentials.
#[derive(Debug)]
pub(crate) struct BasicAuth {
    users: BTreeMap<String, String>,
    decoy_cost: u32,
    decoy: OnceLock<String>,
    remembered: Mutex<HashMap<[u8; 32], bool>>,
    running: Semaphore,
    queued: AtomicUsize,
}

impl BasicAuth {
    /// Checks every hash up front.
    pub(crate) fn new(users: BTreeMap<String, String>) -> Result<Self, WebConfigError> {
        let mut decoy_cost = bcrypt::DEFAULT_COST;
        for (user, hash) in &users {
            let parts: bcrypt::HashParts =
                hash.parse()
                    .map_err(|e: bcrypt::BcryptError| WebConfigError::PasswordHash {
                        user: user.clone(),
                        reason: e.to_string(),
                    })?;
            decoy_cost = decoy_cost.max(parts.get_cost());
        }
        Ok(Self {
            users,
            decoy_cost,
            decoy: OnceLock::new(),
            remembered: Mutex::new(HashMap::new()),
            running: Semaphore::new(1),
            queued: AtomicUsize::new(0),
        })
    }

    /// Checks an `Authorization` header value.
    pub(crate) async fn check(self: &Arc<Self>, authorization: Option<&[u8]>) -> AuthOutcome {
        let Some((user, password)) = authorization.and_then(credentials) else {
            return AuthOutcome::Denied;
        };
        let key = fingerprint(&user, &password);
        if let Some(known) = self.remembered(&key) {
            return outcome(known);
        }
        if self.queued.fetch_add(1, Ordering::AcqRel) >= MAX_QUEUED_CHECKS {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            return AuthOutcome::Busy;
        }
        let permit = self.running.acquire().await;
        // A twin request may have been checked while this one waited.
        let verdict = if let Some(known) = self.remembered(&key) {
            known
        } else {
            let this = Arc::clone(self);
            tokio::task::spawn_blocking(move || this.verify(&user, &password))
                .await
                .unwrap_or(false)
        };
        drop(permit);
        self.queued.fetch_sub(1, Ordering::AcqRel);
        self.remember(key, verdict);
        outcome(verdict)
    }

    fn verify(&self, user: &str, password: &[u8]) -> bool {
        if let Some(hash) = self.users.get(user) {
            bcrypt::verify(password, hash).unwrap_or(false)
        } else {
            let decoy = self.decoy.get_or_init(|| {
                bcrypt::hash("velocity_metrics decoy", self.decoy_cost).unwrap_or_default()
            });
            let _ = bcrypt::verify(password, decoy);
            false
        }
    }

    fn remembered(&self, key: &[u8; 32]) -> Option<bool> {
        self.remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .copied()
    }

    fn remember(&self, key: [u8; 32], verdict: bool) {
        let mut remembered = self
            .remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if remembered.len() >= CACHE_LIMIT {
            remembered.clear();
        }
        remembered.insert(key, verdict);
    }
}

fn outcome(allowed: bool) -> AuthOutcome {
    if allowed {
        AuthOutcome::Allowed
    } else {
        AuthOutcome::Denied
    }
}

/// User and password of a `Basic` header value.
fn credentials(header: &[u8]) -> Option<(String, Vec<u8>)> {
    let header = std::str::from_utf8(header).ok()?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let colon = decoded.iter().position(|b| *b == b':')?;
    let user = String::from_utf8(decoded[..colon].to_vec()).ok()?;
    Some((user, decoded[colon + 1..].to_vec()))
}

/// SHA-256 of the pair, length-prefixed so no two pairs collide by
/// concatenation.
fn fingerprint(user: &str, password: &[u8]) -> [u8; 32] {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    context.update(&(user.len() as u64).to_le_bytes());
    context.update(user.as_bytes());
    context.update(password);
    let mut key = [0; 32];
    key.copy_from_slice(context.finish().as_ref());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(user: &str, password: &str) -> Vec<u8> {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        format!("Basic {encoded}").into_bytes()
    }

    fn auth() -> Arc<BasicAuth> {
        let users = BTreeMap::from([("prometheus".to_owned(), bcrypt::hash("s3cret", 4).unwrap())]);
        Arc::new(BasicAuth::new(users).unwrap())
    }

    #[tokio::test]
    async fn right_wrong_and_missing_credentials() {
        let auth = auth();
        assert_eq!(
            auth.check(Some(&header("prometheus", "s3cret"))).await,
            AuthOutcome::Allowed
        );
        assert_eq!(
            auth.check(Some(&header("prometheus", "s3cret"))).await,
            AuthOutcome::Allowed
        );
        assert_eq!(
            auth.check(Some(&header("prometheus", "wrong"))).await,
            AuthOutcome::Denied
        );
        assert_eq!(
            auth.check(Some(&header("nobody", "s3cret"))).await,
            AuthOutcome::Denied
        );
        assert_eq!(auth.check(None).await, AuthOutcome::Denied);
        assert_eq!(auth.check(Some(b"Bearer abc")).await, AuthOutcome::Denied);
        assert_eq!(auth.check(Some(b"Basic !!!")).await, AuthOutcome::Denied);
        assert_eq!(auth.remembered.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_flood_of_guesses_waits_in_a_bounded_queue_or_is_refused_unchecked() {
        let auth = auth();
        // The test holds the one check's turn, so no guess can finish and
        // free a place in the queue while the flood arrives.
        let turn = auth.running.acquire().await.unwrap();
        let guesses: Vec<_> = (0..40)
            .map(|i| {
                let auth = Arc::clone(&auth);
                tokio::spawn(async move {
                    auth.check(Some(&header("prometheus", &format!("guess-{i}"))))
                        .await
                })
            })
            .collect();
        let refused_at_once = 40 - MAX_QUEUED_CHECKS;
        for _ in 0..10_000 {
            if guesses.iter().filter(|g| g.is_finished()).count() >= refused_at_once {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(
            guesses.iter().filter(|g| g.is_finished()).count(),
            refused_at_once,
            "guesses beyond the queue are answered without waiting"
        );
        assert_eq!(auth.queued.load(Ordering::Acquire), MAX_QUEUED_CHECKS);
        drop(turn);
        let mut outcomes = Vec::new();
        for guess in guesses {
            outcomes.push(guess.await.unwrap());
        }
        let count = |wanted: AuthOutcome| outcomes.iter().filter(|o| **o == wanted).count();
        // The queued guesses reach bcrypt one at a time; the rest never do.
        assert_eq!(count(AuthOutcome::Busy), refused_at_once);
        assert_eq!(count(AuthOutcome::Denied), MAX_QUEUED_CHECKS);
        assert_eq!(count(AuthOutcome::Allowed), 0);
        assert_eq!(auth.queued.load(Ordering::Acquire), 0);
        // The queue drained: the right password still gets in.
        assert_eq!(
            auth.check(Some(&header("prometheus", "s3cret"))).await,
            AuthOutcome::Allowed
        );
    }

    #[test]
    fn hashes_are_checked_up_front() {
        let users = BTreeMap::from([("x".to_owned(), "plaintext".to_owned())]);
        assert!(matches!(
            BasicAuth::new(users),
            Err(WebConfigError::PasswordHash { user, .. }) if user == "x"
        ));
    }

    #[test]
    fn a_colon_belongs_to_the_password() {
        let (user, password) = credentials(&header("a", "b:c")).unwrap();
        assert_eq!(
            (user.as_str(), password.as_slice()),
            ("a", b"b:c".as_slice())
        );
    }
}
