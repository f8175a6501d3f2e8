//! Execution quality: order outcomes per symbol, order-to-fill latency,
//! slippage and the spread at each fill.

use metrics::Counter;

use crate::catalogue as cat;
use crate::error::RecordError;
use crate::model::{Fill, OrderRejectReason, Symbol};
use crate::telemetry::{LazyGauge, LazyHistogram, Sink, Telemetry};

/// Handles of one symbol's orders. The outcome counters (every rejection
/// reason included) exist at 0 from the symbol's first order event, so
/// ratios such as rejected / submitted are defined at once and `increase()`
/// sees the first rejection of each reason.
pub(crate) struct OrderHandles {
    submitted: Counter,
    filled: Counter,
    partially_filled: Counter,
    cancelled: Counter,
    rejected: [Counter; OrderRejectReason::ALL.len()],
    slippage: LazyHistogram,
    fill_spread: LazyGauge,
}

impl OrderHandles {
    fn new(sink: &Sink, symbol: &str) -> Self {
        let l = [symbol];
        Self {
            submitted: sink.counter(&cat::ORDERS_SUBMITTED_TOTAL, &l),
            filled: sink.counter(&cat::ORDERS_FILLED_TOTAL, &l),
            partially_filled: sink.counter(&cat::ORDERS_PARTIALLY_FILLED_TOTAL, &l),
            cancelled: sink.counter(&cat::ORDERS_CANCELLED_TOTAL, &l),
            rejected: std::array::from_fn(|i| {
                let reason = OrderRejectReason::ALL[i].as_str();
                sink.counter(&cat::ORDERS_REJECTED_TOTAL, &[symbol, reason])
            }),
            slippage: LazyHistogram::new(sink, &cat::ORDER_SLIPPAGE, &l),
            fill_spread: LazyGauge::new(sink, &cat::ORDER_FILL_SPREAD, &l),
        }
    }
}

/// The label-free execution series.
pub(crate) struct ExecutionHandles {
    fill_duration: LazyHistogram,
}

impl ExecutionHandles {
    pub(crate) fn new(sink: &Sink) -> Self {
        Self {
            fill_duration: LazyHistogram::new(sink, &cat::ORDER_FILL_DURATION_SECONDS, &[]),
        }
    }
}

impl Telemetry {
    /// Runs `f` on `symbol`'s order handles, telling it whether the symbol is
    /// beyond the cardinality limit: counters and the slippage distribution
    /// then go to `__overflow__` (totals stay exact), the last-value spread
    /// is dropped.
    fn with_orders(&self, symbol: Symbol, f: impl FnOnce(&Sink, &OrderHandles, bool)) {
        let inner = &*self.inner;
        let slot = inner.symbols.resolve(symbol.value());
        inner.orders.with(
            slot.index,
            || OrderHandles::new(&inner.sink, inner.symbols.label(slot.index)),
            |h| f(&inner.sink, h, slot.overflow),
        );
    }

    /// Counts one order submitted for `symbol`.
    pub fn record_order_submitted(&self, symbol: Symbol) {
        self.with_orders(symbol, |_, h, _| h.submitted.increment(1));
    }

    /// Records one fill of an order in `symbol`: counts it as filled (or
    /// partially filled), records the order-to-fill latency (histogram, no
    /// labels: one objective for the engine) and the signed slippage
    /// (histogram per symbol), and sets the spread at the fill. Every fill
    /// reported counts, so an order filled in three parts adds three
    /// latencies.
    ///
    /// # Errors
    /// [`RecordError`] when [`Fill::validate`] fails; nothing is recorded.
    pub fn record_order_filled(&self, symbol: Symbol, fill: &Fill) -> Result<(), RecordError> {
        fill.validate().map_err(|e| self.reject(e))?;
        self.with_orders(symbol, |sink, h, overflow| {
            if fill.partial {
                h.partially_filled.increment(1);
            } else {
                h.filled.increment(1);
            }
            h.slippage.record(sink, fill.slippage);
            if !overflow {
                h.fill_spread.set(sink, Some(fill.spread));
            }
        });
        let execution = &self.inner.execution;
        execution
            .fill_duration
            .record(&self.inner.sink, fill.latency.as_secs_f64());
        Ok(())
    }

    /// Counts one order for `symbol` cancelled before a complete fill.
    pub fn record_order_cancelled(&self, symbol: Symbol) {
        self.with_orders(symbol, |_, h, _| h.cancelled.increment(1));
    }

    /// Counts one order for `symbol` rejected for `reason`.
    pub fn record_order_rejected(&self, symbol: Symbol, reason: OrderRejectReason) {
        self.with_orders(symbol, |_, h, _| {
            h.rejected[reason.index()].increment(1);
        });
    }
}
