//! Bounded vocabularies of the advanced recorders, exported as lower-case
//! label values: [`BreakerReason`], [`RiskDecision`], [`OrderRejectReason`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

macro_rules! label_enum {
    (
        $(#[$doc:meta])* $ty:ident, $err:ident,
        $( $(#[$vdoc:meta])* $variant:ident => $text:literal ),+ $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $ty {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// Every label value, in declaration order (`ALL` as strings).
            pub const LABELS: &'static [&'static str] = &[$($text),+];

            /// The label value exported to Prometheus (lower case).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }

            /// Dense index, for per-value handles.
            pub(crate) const fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = ParseError;
            /// Parses the label value in any letter case, with `-` or a
            /// space for `_` (`REDUCE_SIZE`, `reduce-size`).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let normalised: String = s
                    .trim()
                    .chars()
                    .map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() })
                    .collect();
                match normalised.as_str() {
                    $( $text => Ok($ty::$variant), )+
                    _ => Err(ParseError::$err(s.to_owned())),
                }
            }
        }
    };
}

label_enum!(
    /// Why the circuit breaker tripped (`reason` of
    /// `velocitytrader_circuit_breaker_trips_total`).
    ///
    /// ```
    /// use velocity_metrics::BreakerReason;
    /// assert_eq!("DAILY_LOSS".parse::<BreakerReason>().unwrap(), BreakerReason::DailyLoss);
    /// assert_eq!(BreakerReason::Vpin.as_str(), "vpin");
    /// ```
    BreakerReason, BreakerReason,
    /// The daily loss limit was reached.
    DailyLoss => "daily_loss",
    /// The drawdown limit was reached.
    Drawdown => "drawdown",
    /// The consecutive-loss limit was reached.
    ConsecutiveLosses => "consecutive_losses",
    /// Volatility beyond its limit.
    Volatility => "volatility",
    /// Spread beyond its limit (spread stress).
    Spread => "spread",
    /// VPIN beyond its threshold.
    Vpin => "vpin",
    /// An operator tripped it.
    Manual => "manual",
    /// Any other reason.
    Other => "other",
);

label_enum!(
    /// A risk-engine decision on a proposed order (`decision` of
    /// `velocitytrader_risk_decision_total`).
    ///
    /// ```
    /// use velocity_metrics::RiskDecision;
    /// assert_eq!("REDUCE_SIZE".parse::<RiskDecision>().unwrap(), RiskDecision::ReduceSize);
    /// assert_eq!(RiskDecision::Approve.to_string(), "approve");
    /// ```
    RiskDecision, RiskDecision,
    /// The order goes ahead as proposed.
    Approve => "approve",
    /// The order goes ahead with a smaller size.
    ReduceSize => "reduce_size",
    /// The order is refused.
    Reject => "reject",
    /// The order is refused and trading stops.
    Halt => "halt",
);

label_enum!(
    /// Why an order was rejected (`reason` of
    /// `velocitytrader_orders_rejected_total`).
    ///
    /// ```
    /// use velocity_metrics::OrderRejectReason;
    /// assert_eq!("market closed".parse::<OrderRejectReason>().unwrap(), OrderRejectReason::MarketClosed);
    /// ```
    OrderRejectReason, OrderRejectReason,
    /// Not enough free margin.
    InsufficientMargin => "insufficient_margin",
    /// Price invalid or off market.
    InvalidPrice => "invalid_price",
    /// The market is closed.
    MarketClosed => "market_closed",
    /// Refused by the engine's own risk limits before reaching the broker.
    RiskLimit => "risk_limit",
    /// Refused by the broker for another reason.
    Broker => "broker",
    /// No answer in time.
    Timeout => "timeout",
    /// Any other reason.
    Other => "other",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_lower_case_and_parse_back_in_any_case() {
        let reasons: Vec<&str> = BreakerReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(reasons, BreakerReason::LABELS);
        for reason in BreakerReason::ALL {
            assert_eq!(reason.as_str(), reason.as_str().to_lowercase());
            let upper = reason.as_str().to_uppercase();
            assert_eq!(upper.parse::<BreakerReason>().unwrap(), *reason);
        }
        for (i, decision) in RiskDecision::ALL.iter().enumerate() {
            assert_eq!(decision.index(), i);
            assert_eq!(
                decision.as_str().parse::<RiskDecision>().unwrap(),
                *decision
            );
        }
        assert_eq!(
            "nope".parse::<OrderRejectReason>(),
            Err(ParseError::OrderRejectReason("nope".into()))
        );
        assert_eq!(
            serde_json::to_string(&OrderRejectReason::InsufficientMargin).unwrap(),
            "\"insufficient_margin\""
        );
    }
}
