//! Exact historical value at risk and expected shortfall over a bounded window.

/// The most recent `capacity` finite returns, kept in a ring buffer that is
/// allocated once, for exact historical Value-at-Risk and expected
/// shortfall (quantiles cannot be computed exactly in O(1) state).
///
/// Both statistics are reported as **returns**, so a loss is negative
/// (the empyrical and Nautilus sign). [`push`](Self::push) is O(1) and
/// allocation-free; the queries sort a copy in a caller-owned scratch buffer,
/// O(n log n), allocating only when that buffer first grows.
///
/// ```
/// use velocity_metrics::stats::ReturnWindow;
///
/// let mut w = ReturnWindow::with_capacity(250);
/// for r in [0.02, -0.05, 0.01, -0.08, 0.03, -0.02, 0.04, -0.10, 0.015, -0.03] {
///     w.push(r);
/// }
/// let mut scratch = Vec::new();
/// let var = w.historical_var(0.95, &mut scratch).unwrap();
/// let es = w.expected_shortfall(0.95, &mut scratch).unwrap();
/// assert!((var - -0.091).abs() < 1e-12);
/// assert!((es - -0.10).abs() < 1e-12);
/// ```
#[derive(Debug, Clone)]
pub struct ReturnWindow {
    buf: Vec<f64>,
    capacity: usize,
    next: usize,
}

/// Linear-interpolated quantile of ascending `sorted` data at `q ∈ [0, 1]`,
/// matching numpy's default `percentile(a, 100·q)` (`method="linear"`,
/// including its two-sided lerp).
///
/// `None` when `sorted` is empty or `q` is outside `[0, 1]` or NaN. The slice
/// is not checked for order; unsorted input gives an unspecified value (never
/// a panic). The result never leaves the two neighbouring data points.
///
/// ```
/// use velocity_metrics::stats::percentile_linear;
///
/// assert_eq!(percentile_linear(&[1.0, 81.0, 82.0, 83.0, 84.0, 85.0], 0.1), Some(41.0));
/// ```
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "0 ≤ position ≤ len − 1, far below 2^53"
)]
#[must_use]
pub fn percentile_linear(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let last = sorted.len() - 1;
    let position = q * last as f64;
    let lo = (position.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    let t = position - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let diff = b - a;
    let value = if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    };
    // Rounding in `b - diff·(1 − t)` can step one ulp outside [a, b].
    Some(if value < a {
        a
    } else if value > b {
        b
    } else {
        value
    })
}

fn tail_probability(confidence: f64) -> Option<f64> {
    (0.0..=1.0)
        .contains(&confidence)
        .then_some(1.0 - confidence)
}

/// `(value at risk, expected shortfall)` at `confidence` of returns already
/// sorted ascending: the numpy-linear percentile at `1 − confidence`, and the
/// mean of the returns at or below it (see [`ReturnWindow`]). `None` when
/// `sorted` is empty or `confidence` is outside `[0, 1]` or NaN.
///
/// ```
/// use velocity_metrics::stats::tail_risk_of_sorted;
/// let mut r = vec![0.02, -0.05, 0.01, -0.08, 0.03, -0.02, 0.04, -0.10, 0.015, -0.03];
/// r.sort_by(f64::total_cmp);
/// let (var, es) = tail_risk_of_sorted(&r, 0.95).unwrap();
/// assert!((var - -0.091).abs() < 1e-12 && (es - -0.10).abs() < 1e-12);
/// ```
#[allow(
    clippy::cast_precision_loss,
    reason = "window lengths stay far below 2^53"
)]
#[must_use]
pub fn tail_risk_of_sorted(sorted: &[f64], confidence: f64) -> Option<(f64, f64)> {
    let q = tail_probability(confidence)?;
    let var = percentile_linear(sorted, q)?;
    let tail = &sorted[..sorted.partition_point(|&x| x <= var)];
    if tail.is_empty() {
        return Some((var, var));
    }
    Some((var, tail.iter().sum::<f64>() / tail.len() as f64))
}

impl ReturnWindow {
    /// An empty window holding at most `capacity` returns (0 is taken as 1).
    /// This is the only allocation the window makes.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            buf: Vec::with_capacity(capacity),
            capacity,
            next: 0,
        }
    }

    /// Adds a return, evicting the oldest once full. O(1), no allocation.
    /// NaN and ±∞ are ignored.
    pub fn push(&mut self, r: f64) {
        if !r.is_finite() {
            return;
        }
        if self.buf.len() < self.capacity {
            self.buf.push(r);
        } else {
            self.buf[self.next] = r;
            self.next = (self.next + 1) % self.capacity;
        }
    }

    /// Number of returns held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether no return is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Maximum number of returns held.
    #[must_use]
    pub const fn capacity(&self) -> usize {
        self.capacity
    }

    /// Empties the window, keeping its allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.next = 0;
    }

    /// Historical value at risk at `confidence` (e.g. 0.95): the numpy-linear
    /// percentile at `100·(1 − confidence)` of the window, as a return
    /// (negative = loss), matching empyrical `value_at_risk(cutoff = 1 −
    /// confidence)` and Nautilus. `None` when the window is empty or
    /// `confidence` is outside `[0, 1]` or NaN.
    pub fn historical_var(&self, confidence: f64, scratch: &mut Vec<f64>) -> Option<f64> {
        let q = tail_probability(confidence)?;
        percentile_linear(self.sorted_into(scratch), q)
    }

    /// Historical expected shortfall (conditional value at risk) at
    /// `confidence`: the mean of the returns ≤
    /// [`historical_var`](Self::historical_var), selected by threshold as
    /// Nautilus' `expected_shortfall` and quantstats' historical CVaR do.
    /// empyrical's `conditional_value_at_risk` instead averages a fixed count
    /// (the `⌊(n−1)·(1−confidence)⌋ + 1` smallest returns); the two differ
    /// when returns tie at the VaR or that count falls short of the
    /// threshold. `None` in the same cases as the value at risk.
    pub fn expected_shortfall(&self, confidence: f64, scratch: &mut Vec<f64>) -> Option<f64> {
        self.tail_risk(confidence, scratch)
            .map(|(_, shortfall)| shortfall)
    }

    /// `(value at risk, expected shortfall)` at `confidence` from a single
    /// sort of the window; each equals its own method's result.
    pub fn tail_risk(&self, confidence: f64, scratch: &mut Vec<f64>) -> Option<(f64, f64)> {
        let sorted = self.sorted_into(scratch);
        tail_risk_of_sorted(sorted, confidence)
    }

    /// Appends the window's returns, oldest first, to `out` (for callers
    /// that copy under a lock and sort after releasing it).
    pub fn copy_into(&self, out: &mut Vec<f64>) {
        let (newer, older) = self.buf.split_at(self.next.min(self.buf.len()));
        out.extend_from_slice(older);
        out.extend_from_slice(newer);
    }

    /// Copies the window into `scratch` and sorts it ascending.
    fn sorted_into<'a>(&self, scratch: &'a mut Vec<f64>) -> &'a [f64] {
        scratch.clear();
        scratch.extend_from_slice(&self.buf);
        scratch.sort_unstable_by(f64::total_cmp);
        scratch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: [f64; 10] = [
        0.02, -0.05, 0.01, -0.08, 0.03, -0.02, 0.04, -0.10, 0.015, -0.03,
    ];

    fn window(rs: &[f64]) -> ReturnWindow {
        let mut w = ReturnWindow::with_capacity(rs.len());
        for &r in rs {
            w.push(r);
        }
        w
    }

    #[track_caller]
    fn near(got: Option<f64>, want: f64, tol: f64) {
        let got = got.expect("value");
        assert!((got - want).abs() <= tol, "got {got:.17}, want {want:.17}");
    }

    #[test]
    fn empyrical_percentile_vectors() {
        let a = [1.0, 81.0, 82.0, 83.0, 84.0, 85.0];
        near(percentile_linear(&a, 0.1), 41.0, 1e-9);
        near(percentile_linear(&a, 0.2), 81.0, 1e-9);
        near(percentile_linear(&a, 0.3), 81.5, 1e-9);
        near(percentile_linear(&[1.0, 2.0], 0.3), 1.3, 1e-9);
        // Through the window, confidence = 1 − cutoff.
        let w = window(&[85.0, 1.0, 83.0, 81.0, 84.0, 82.0]);
        let mut s = Vec::new();
        near(w.historical_var(0.9, &mut s), 41.0, 1e-9);
        near(w.historical_var(0.8, &mut s), 81.0, 1e-9);
        near(w.historical_var(0.7, &mut s), 81.5, 1e-9);
        near(window(&[2.0, 1.0]).historical_var(0.7, &mut s), 1.3, 1e-9);
    }

    #[test]
    fn percentile_edges() {
        assert_eq!(percentile_linear(&[], 0.5), None);
        assert_eq!(percentile_linear(&[1.0], f64::NAN), None);
        assert_eq!(percentile_linear(&[1.0], -0.1), None);
        assert_eq!(percentile_linear(&[1.0], 1.1), None);
        assert_eq!(percentile_linear(&[7.0], 0.3), Some(7.0));
        assert_eq!(percentile_linear(&[1.0, 2.0, 3.0], 0.0), Some(1.0));
        assert_eq!(percentile_linear(&[1.0, 2.0, 3.0], 1.0), Some(3.0));
        assert_eq!(percentile_linear(&[1.0, 2.0, 3.0], 0.5), Some(2.0));
        // NaN data yields a value, never a panic.
        let _ = percentile_linear(&[f64::NAN, f64::NAN], 0.5);
    }

    #[test]
    fn nautilus_var_and_es() {
        let w = window(&V3);
        let mut s = Vec::new();
        near(w.historical_var(0.95, &mut s), -0.091, 1e-12);
        near(w.expected_shortfall(0.95, &mut s), -0.10, 1e-12);
        near(w.historical_var(0.60, &mut s), -0.024, 1e-12);
        near(w.expected_shortfall(0.60, &mut s), -0.065, 1e-12);
        let (var, es) = w.tail_risk(0.95, &mut s).unwrap();
        near(Some(var), -0.091, 1e-12);
        near(Some(es), -0.10, 1e-12);
    }

    #[test]
    fn empyrical_mixed_returns_var() {
        let w = window(&[0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10]);
        let mut s = Vec::new();
        near(w.historical_var(0.95, &mut s), -0.079, 1e-9);
        near(w.expected_shortfall(0.95, &mut s), -0.10, 1e-9);
    }

    #[test]
    fn eviction() {
        let mut w = ReturnWindow::with_capacity(3);
        let mut s = Vec::new();
        for r in [1.0, 2.0, 3.0, 4.0, 5.0] {
            w.push(r);
        }
        assert_eq!((w.len(), w.capacity()), (3, 3));
        assert_eq!(w.historical_var(1.0, &mut s), Some(3.0));
        assert_eq!(w.historical_var(0.0, &mut s), Some(5.0));
        assert_eq!(w.historical_var(0.5, &mut s), Some(4.0));
        w.push(-1.0);
        assert_eq!(w.historical_var(1.0, &mut s), Some(-1.0));
        assert_eq!(w.historical_var(0.0, &mut s), Some(5.0));
        assert_eq!(w.expected_shortfall(1.0, &mut s), Some(-1.0));
        assert_eq!(w.expected_shortfall(0.0, &mut s), Some(8.0 / 3.0));
    }

    #[test]
    fn empty_invalid_and_zero_capacity() {
        let mut w = ReturnWindow::with_capacity(0);
        let mut s = Vec::new();
        assert_eq!(w.capacity(), 1);
        assert!(w.is_empty());
        assert_eq!(w.historical_var(0.95, &mut s), None);
        assert_eq!(w.expected_shortfall(0.95, &mut s), None);
        w.push(f64::NAN);
        w.push(f64::INFINITY);
        assert!(w.is_empty());
        w.push(0.5);
        w.push(-0.5);
        assert_eq!(w.len(), 1);
        assert_eq!(w.historical_var(0.95, &mut s), Some(-0.5));
        for c in [f64::NAN, -0.01, 1.01, f64::INFINITY] {
            assert_eq!(w.historical_var(c, &mut s), None);
            assert_eq!(w.expected_shortfall(c, &mut s), None);
        }
        w.clear();
        assert!(w.is_empty());
    }

    #[test]
    fn scratch_is_reused() {
        let w = window(&V3);
        let mut s = Vec::with_capacity(V3.len());
        let ptr = s.as_ptr();
        let _ = w.historical_var(0.95, &mut s);
        let _ = w.expected_shortfall(0.95, &mut s);
        assert_eq!(s.as_ptr(), ptr);
    }
}
