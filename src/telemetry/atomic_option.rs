//! [`AtomicOptionF64`]: an `Option<f64>` any thread may set and read.

use std::sync::atomic::{AtomicU64, Ordering};

/// Bits meaning "none": a NaN payload no arithmetic produces, so every
/// `f64` — NaN included — can still be stored as `Some`.
const NONE: u64 = 0x7ff8_0000_0000_0001;

/// An optional `f64` in one atomic word, for values the engine reports from
/// one thread and the publisher reads from another.
#[derive(Debug)]
pub(crate) struct AtomicOptionF64(AtomicU64);

impl AtomicOptionF64 {
    /// Starts as `None`.
    pub(crate) const fn none() -> Self {
        Self(AtomicU64::new(NONE))
    }

    pub(crate) fn set(&self, value: Option<f64>) {
        self.0
            .store(value.map_or(NONE, f64::to_bits), Ordering::Release);
    }

    pub(crate) fn get(&self) -> Option<f64> {
        let bits = self.0.load(Ordering::Acquire);
        (bits != NONE).then(|| f64::from_bits(bits))
    }
}

/// The bits [`AtomicOptionF64`] stores for `value`, for callers that pack
/// several optional values into one wider word.
pub(crate) fn option_bits(value: Option<f64>) -> u64 {
    value.map_or(NONE, f64::to_bits)
}

/// The value of bits made by [`option_bits`].
pub(crate) fn from_option_bits(bits: u64) -> Option<f64> {
    (bits != NONE).then(|| f64::from_bits(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_is_distinct_from_every_value() {
        let cell = AtomicOptionF64::none();
        assert_eq!(cell.get(), None);
        for value in [0.0, -0.0, 1.5, f64::INFINITY, -1e300] {
            cell.set(Some(value));
            assert_eq!(cell.get().map(f64::to_bits), Some(value.to_bits()));
        }
        cell.set(Some(f64::NAN));
        assert!(cell.get().is_some_and(f64::is_nan));
        cell.set(None);
        assert_eq!(cell.get(), None);
        assert_eq!(from_option_bits(option_bits(Some(2.0))), Some(2.0));
        assert_eq!(from_option_bits(option_bits(None)), None);
    }
}
