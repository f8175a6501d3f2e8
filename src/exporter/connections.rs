//! [`Connections`]: the open connections of the listener, capped.
//!
//! At the cap a new connection still gets in: the oldest connection that has
//! not completed a request is closed to make room (a scraper completes one
//! within milliseconds of connecting; a flood of idle sockets does not),
//! else the oldest connection idle between requests; only when every
//! connection is in the middle of a request is the new one refused. The
//! listener therefore holds at most `max` sockets whatever clients do, and
//! the engine's descriptors cannot run out through it.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::task::AbortHandle;

use super::self_metrics::{DropReason, EndpointCounters};

/// One open connection.
#[derive(Debug)]
struct Connection {
    task: Option<AbortHandle>,
    opened: Instant,
    completed: u64,
    in_request: bool,
    idle_since: Instant,
}

impl Connection {
    fn idle(&self) -> bool {
        !self.in_request
    }
}

/// What [`Connections::admit`] decided for a new connection.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Serve it under this id (call [`Connections::attach`] with its task).
    Admitted(u64),
    /// Close it: the cap is reached and every connection is mid-request.
    Refused,
}

/// The open connections, oldest first (ids grow with time).
#[derive(Debug)]
pub(crate) struct Connections {
    table: Mutex<Table>,
    max: usize,
    counters: EndpointCounters,
}

#[derive(Debug, Default)]
struct Table {
    open: BTreeMap<u64, Connection>,
    next_id: u64,
}

impl Connections {
    pub(crate) fn new(max: usize, counters: EndpointCounters) -> Self {
        Self {
            table: Mutex::new(Table::default()),
            max: max.max(1),
            counters,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn counters(&self) -> &EndpointCounters {
        &self.counters
    }

    /// Makes room for a new connection if the cap is reached, and registers it.
    pub(crate) fn admit(&self, now: Instant) -> Admission {
        let mut table = self.lock();
        let Table { open, next_id } = &mut *table;
        if open.len() >= self.max {
            let victim = open
                .iter()
                .find(|(_, c)| c.idle() && c.completed == 0)
                .or_else(|| open.iter().find(|(_, c)| c.idle()))
                .map(|(id, _)| *id);
            let Some(victim) = victim else {
                self.counters.dropped(DropReason::Refused);
                return Admission::Refused;
            };
            if let Some(task) = open.remove(&victim).and_then(|c| c.task) {
                task.abort();
            }
            self.counters.dropped(DropReason::Evicted);
        }
        let id = *next_id;
        *next_id += 1;
        open.insert(
            id,
            Connection {
                task: None,
                opened: now,
                completed: 0,
                in_request: false,
                idle_since: now,
            },
        );
        Admission::Admitted(id)
    }

    /// Records the task serving connection `id`, so it can be closed.
    pub(crate) fn attach(&self, id: u64, task: AbortHandle) {
        let mut table = self.lock();
        let open = &mut table.open;
        match open.get_mut(&id) {
            Some(connection) => connection.task = Some(task),
            // Closed before its task started: stop the task too.
            None => task.abort(),
        }
    }

    /// Connection `id` has read a request's headers.
    pub(crate) fn request_started(&self, id: u64) {
        let mut table = self.lock();
        let open = &mut table.open;
        if let Some(connection) = open.get_mut(&id) {
            connection.in_request = true;
        }
    }

    /// Connection `id` has answered a request.
    pub(crate) fn request_finished(&self, id: u64, now: Instant) {
        let mut table = self.lock();
        let open = &mut table.open;
        if let Some(connection) = open.get_mut(&id) {
            connection.in_request = false;
            connection.completed += 1;
            connection.idle_since = now;
        }
    }

    /// Connection `id` has closed (its task ended or was aborted).
    pub(crate) fn closed(&self, id: u64) {
        self.lock().open.remove(&id);
    }

    /// Closes connections that sent no complete request within
    /// `first_request` of opening, or sat idle between requests longer than
    /// `keep_alive`.
    pub(crate) fn close_idle(&self, now: Instant, first_request: Duration, keep_alive: Duration) {
        let mut table = self.lock();
        let open = &mut table.open;
        let expired: Vec<u64> = open
            .iter()
            .filter(|(_, c)| {
                c.idle()
                    && if c.completed == 0 {
                        now.duration_since(c.opened) > first_request
                    } else {
                        now.duration_since(c.idle_since) > keep_alive
                    }
            })
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if let Some(task) = open.remove(&id).and_then(|c| c.task) {
                task.abort();
            }
            self.counters.dropped(DropReason::Timeout);
        }
    }

    /// How many connections are open.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().open.len()
    }
}

/// Calls [`Connections::closed`] when the connection's task ends, however it
/// ends.
pub(crate) struct OpenGuard<'a> {
    pub(crate) connections: &'a Connections,
    pub(crate) id: u64,
}

impl Drop for OpenGuard<'_> {
    fn drop(&mut self) {
        self.connections.closed(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(max: usize) -> Connections {
        Connections::new(max, EndpointCounters::detached())
    }

    #[test]
    fn at_the_cap_the_oldest_connection_without_a_request_goes_first() {
        let connections = table(3);
        let t0 = Instant::now();
        let scraper = connections.admit(t0);
        let Admission::Admitted(scraper) = scraper else {
            panic!()
        };
        connections.request_started(scraper);
        connections.request_finished(scraper, t0);
        let idle_a = connections.admit(t0);
        let idle_b = connections.admit(t0);
        assert!(matches!(idle_b, Admission::Admitted(_)));
        assert_eq!(connections.len(), 3);
        // The scraper's keep-alive connection survives; the oldest idle one goes.
        assert!(matches!(connections.admit(t0), Admission::Admitted(3)));
        assert_eq!(connections.len(), 3);
        let open: Vec<u64> = connections.lock().open.keys().copied().collect();
        assert_eq!(open, vec![0, 2, 3]);
        assert_eq!(idle_a, Admission::Admitted(1));
        assert_eq!(connections.counters().dropped_count(DropReason::Evicted), 1);
    }

    #[test]
    fn refused_only_when_every_connection_is_mid_request() {
        let connections = table(2);
        let t0 = Instant::now();
        for id in 0..2 {
            assert_eq!(connections.admit(t0), Admission::Admitted(id));
            connections.request_started(id);
        }
        assert_eq!(connections.admit(t0), Admission::Refused);
        assert_eq!(connections.counters().dropped_count(DropReason::Refused), 1);
        connections.request_finished(0, t0);
        assert_eq!(connections.admit(t0), Admission::Admitted(2));
    }

    #[test]
    fn idle_connections_time_out() {
        let connections = table(8);
        let t0 = Instant::now();
        let silent = connections.admit(t0);
        let Admission::Admitted(kept) = connections.admit(t0) else {
            panic!()
        };
        connections.request_started(kept);
        connections.request_finished(kept, t0 + Duration::from_secs(5));
        connections.close_idle(
            t0 + Duration::from_secs(11),
            Duration::from_secs(10),
            Duration::from_secs(60),
        );
        assert_eq!(silent, Admission::Admitted(0));
        assert_eq!(connections.len(), 1, "the silent connection is closed");
        connections.close_idle(
            t0 + Duration::from_secs(70),
            Duration::from_secs(10),
            Duration::from_secs(60),
        );
        assert_eq!(connections.len(), 0, "idle keep-alive beyond its limit");
        assert_eq!(connections.counters().dropped_count(DropReason::Timeout), 2);
    }
}
