//! Running mean and variance (Welford 1962) with Chan et al. (1979) merging.

/// Streaming count, mean and sample variance of a series of `f64`.
///
/// Uses Welford's update, which is numerically stable and O(1) per value,
/// and Chan et al.'s pairwise formula to [`merge`](Self::merge) two
/// accumulators (for example, per-agent totals into a portfolio total).
///
/// Non-finite inputs (NaN, ±∞) are ignored by [`push`](Self::push). Finite
/// values so large that their squares overflow (|x| ≳ 1e154) make the
/// variance infinite; nothing in a trading series comes close.
///
/// ```
/// use velocity_metrics::stats::RunningMoments;
///
/// let mut m = RunningMoments::new();
/// for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
///     m.push(x);
/// }
/// assert_eq!(m.count(), 8);
/// assert_eq!(m.mean(), Some(5.0));
/// assert!((m.sample_variance().unwrap() - 32.0 / 7.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningMoments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl RunningMoments {
    /// An empty accumulator.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            n: 0,
            mean: 0.0,
            m2: 0.0,
        }
    }

    /// Adds one value. O(1), no allocation. NaN and ±∞ are ignored.
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Number of finite values pushed (or merged in).
    #[must_use]
    pub const fn count(&self) -> u64 {
        self.n
    }

    /// Arithmetic mean; `None` when empty.
    #[must_use]
    pub const fn mean(&self) -> Option<f64> {
        if self.n == 0 { None } else { Some(self.mean) }
    }

    /// Sum of squared deviations from the mean (Welford's `M2`).
    #[must_use]
    pub const fn sum_squared_deviations(&self) -> f64 {
        self.m2
    }

    /// Sample variance (ddof = 1, as quantstats, empyrical and Nautilus use);
    /// `None` when fewer than two values.
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    #[must_use]
    pub fn sample_variance(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        Some((self.m2 / (self.n - 1) as f64).max(0.0))
    }

    /// Sample standard deviation (ddof = 1); `None` when fewer than two values.
    #[must_use]
    pub fn sample_std(&self) -> Option<f64> {
        self.sample_variance().map(f64::sqrt)
    }

    /// Population variance (ddof = 0); `None` when empty.
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    #[must_use]
    pub fn population_variance(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        Some((self.m2 / self.n as f64).max(0.0))
    }

    /// Folds `other` into `self` (Chan et al. 1979). The result equals, up to
    /// rounding, an accumulator that saw both series.
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    pub fn merge(&mut self, other: &Self) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n_a = self.n as f64;
        let n_b = other.n as f64;
        let n = self.n + other.n;
        let n_f = n as f64;
        let delta = other.mean - self.mean;
        self.mean += delta * (n_b / n_f);
        self.m2 += other.m2 + delta * delta * (n_a * n_b / n_f);
        self.n = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(xs: &[f64]) -> RunningMoments {
        let mut m = RunningMoments::new();
        for &x in xs {
            m.push(x);
        }
        m
    }

    #[test]
    fn empty_and_single() {
        let m = RunningMoments::new();
        assert_eq!(m, RunningMoments::default());
        assert_eq!(m.count(), 0);
        assert_eq!(m.mean(), None);
        assert_eq!(m.sample_variance(), None);
        assert_eq!(m.population_variance(), None);
        let m = of(&[3.5]);
        assert_eq!(m.mean(), Some(3.5));
        assert_eq!(m.sample_variance(), None);
        assert_eq!(m.sample_std(), None);
        assert_eq!(m.population_variance(), Some(0.0));
    }

    #[test]
    fn matches_two_pass() {
        let xs = [0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10];
        let m = of(&xs);
        let mean = xs.iter().sum::<f64>() / 8.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 7.0;
        assert!((m.mean().unwrap() - mean).abs() < 1e-15);
        assert!((m.sample_variance().unwrap() - var).abs() < 1e-15);
        assert!((m.sample_std().unwrap() - var.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn constant_series_has_exactly_zero_variance() {
        let m = of(&[0.01; 9]);
        assert_eq!(m.sample_variance(), Some(0.0));
    }

    #[test]
    fn non_finite_is_ignored() {
        let clean = of(&[1.0, 2.0, 4.0]);
        let dirty = of(&[f64::NAN, 1.0, f64::INFINITY, 2.0, f64::NEG_INFINITY, 4.0]);
        assert_eq!(clean, dirty);
    }

    #[test]
    fn merge_equals_concatenation() {
        let a = [1.0, 2.0, 3.5, -7.0];
        let b = [10.0, 0.25, 3.0];
        let all: Vec<f64> = a.iter().chain(&b).copied().collect();
        let mut m = of(&a);
        m.merge(&of(&b));
        let whole = of(&all);
        assert_eq!(m.count(), 7);
        assert!((m.mean().unwrap() - whole.mean().unwrap()).abs() < 1e-12);
        assert!((m.sample_variance().unwrap() - whole.sample_variance().unwrap()).abs() < 1e-12);
    }

    #[test]
    fn merge_with_empty_sides() {
        let a = of(&[1.0, 2.0]);
        let mut m = a;
        m.merge(&RunningMoments::new());
        assert_eq!(m, a);
        let mut e = RunningMoments::new();
        e.merge(&a);
        assert_eq!(e, a);
    }
}
