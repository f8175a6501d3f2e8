//! The `reason` values of the metrics endpoint's own counters, as the types
//! the listener counts with: each variant is declared with its label value
//! once, and the closed sets the catalogue reports are read from them.
//!
//! They live beside the catalogue (always compiled), not in the `exporter`
//! module, because the catalogue lists these series whatever the features.

/// Declares a reason enum whose variants, label values, `ALL` and `LABELS`
/// come from one list, so no list can drift from the type.
macro_rules! reasons {
    ($(#[$doc:meta])* $ty:ident { $($(#[$vdoc:meta])* $variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(not(feature = "exporter"), allow(dead_code, reason = "counted by the exporter only"))]
        pub(crate) enum $ty {
            $($(#[$vdoc])* $variant),+
        }

        #[cfg_attr(not(feature = "exporter"), allow(dead_code, reason = "counted by the exporter only"))]
        impl $ty {
            /// Every reason, in declaration order.
            pub(crate) const ALL: [Self; [$($label),+].len()] = [$(Self::$variant),+];

            /// Every label value, in the order of [`Self::ALL`].
            pub(crate) const LABELS: [&'static str; [$($label),+].len()] = [$($label),+];

            /// The label value.
            pub(crate) const fn label(self) -> &'static str {
                Self::LABELS[self as usize]
            }

            /// Position in [`Self::ALL`].
            pub(crate) const fn index(self) -> usize {
                self as usize
            }
        }
    };
}

reasons! {
    /// Why the listener closed or refused a connection
    /// (`velocitytrader_endpoint_connections_dropped_total{reason}`).
    DropReason {
        /// Closed to make room for a new connection at the cap.
        Evicted => "evicted",
        /// Refused at the cap: every connection was mid-request.
        Refused => "refused",
        /// No request within the header timeout, or idle keep-alive too long.
        Timeout => "timeout",
        /// The TLS handshake failed or timed out.
        TlsHandshake => "tls_handshake",
        /// `accept` failed (e.g. out of descriptors).
        AcceptFailed => "accept_failed",
    }
}

reasons! {
    /// Why the listener answered a request without serving it
    /// (`velocitytrader_endpoint_requests_rejected_total{reason}`).
    RejectReason {
        /// Missing or wrong basic-auth credentials (401).
        Unauthorized => "unauthorized",
        /// Too many password checks queued; answered 401 unchecked.
        AuthBusy => "auth_busy",
        /// Client outside the allow-list (403).
        Forbidden => "forbidden",
        /// The publish outlasted the scraper's timeout (503).
        ScrapeTimeout => "scrape_timeout",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_has_its_own_label_at_its_own_index() {
        for (i, r) in DropReason::ALL.iter().enumerate() {
            assert_eq!((r.index(), r.label()), (i, DropReason::LABELS[i]));
        }
        for (i, r) in RejectReason::ALL.iter().enumerate() {
            assert_eq!((r.index(), r.label()), (i, RejectReason::LABELS[i]));
        }
        assert_eq!(DropReason::TlsHandshake.label(), "tls_handshake");
        assert_eq!(RejectReason::ScrapeTimeout.label(), "scrape_timeout");
    }
}
