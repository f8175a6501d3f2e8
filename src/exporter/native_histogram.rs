//! One native (exponential-bucket) histogram, as Prometheus' `client_golang`
//! keeps it: schema 3 to begin with, a zero bucket, exact counts, and a
//! bucket limit enforced by halving the resolution (schema reduction).
//!
//! At schema `s`, positive bucket `k` holds the observations `v` with
//! `2^((k-1)/2^s) < v <= 2^(k/2^s)`; negative buckets mirror them for
//! `-v`. Observations with `|v| <=` the zero threshold count in the zero
//! bucket. Pure arithmetic: nothing here knows about recorders or protobuf.

use std::collections::BTreeMap;

/// Starting schema: each power of two split into 2^3 = 8 buckets, each
/// about 9 % wider than the last (Prometheus' and `client_golang`'s
/// default resolution).
pub(crate) const DEFAULT_SCHEMA: i32 = 3;
/// Most populated buckets (positive and negative together) a histogram
/// keeps; beyond it the schema is reduced.
pub(crate) const DEFAULT_MAX_BUCKETS: usize = 160;
/// Observations within ±1 ns count as zero (a latency below the resolution
/// of `Duration`).
pub(crate) const DEFAULT_ZERO_THRESHOLD: f64 = 1e-9;
/// The coarsest schema Prometheus accepts: 2^16 per bucket.
const MIN_SCHEMA: i32 = -4;

/// Lower bounds of the mantissa (in `[0.5, 1)`) of each bucket within an
/// octave at schema 3: `2^(j/8 - 1)`, the values of `client_golang`'s and
/// Prometheus' own table (`nativeHistogramBounds[3]`). Schemas 1 and 2 use
/// every 4th and 2nd entry.
#[allow(clippy::unreadable_literal, reason = "the reference table's spelling")]
const SCHEMA_3_BOUNDS: [f64; 8] = [
    0.5,
    0.5452538663326288,
    0.5946035575013605,
    0.6484197773255048,
    0.7071067811865475,
    0.7711054127039704,
    0.8408964152537144,
    0.9170040432046711,
];

const _: () = assert!(DEFAULT_SCHEMA <= 3 && DEFAULT_SCHEMA >= MIN_SCHEMA);

/// An exact native histogram.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NativeHistogram {
    schema: i32,
    zero_threshold: f64,
    max_buckets: usize,
    count: u64,
    sum: f64,
    zero_count: u64,
    positive: BTreeMap<i32, u64>,
    negative: BTreeMap<i32, u64>,
}

impl Default for NativeHistogram {
    fn default() -> Self {
        Self::new(DEFAULT_SCHEMA, DEFAULT_ZERO_THRESHOLD, DEFAULT_MAX_BUCKETS)
    }
}

impl NativeHistogram {
    /// An empty histogram; `schema` is clamped to `-4..=3`.
    pub(crate) fn new(schema: i32, zero_threshold: f64, max_buckets: usize) -> Self {
        Self {
            schema: schema.clamp(MIN_SCHEMA, 3),
            zero_threshold: zero_threshold.abs(),
            max_buckets: max_buckets.max(1),
            count: 0,
            sum: 0.0,
            zero_count: 0,
            positive: BTreeMap::new(),
            negative: BTreeMap::new(),
        }
    }

    /// Counts one observation. As in `client_golang`, `NaN` is counted (and
    /// makes the sum `NaN`, as in the classic histogram) but falls in no
    /// bucket; `±Inf` fall in the bucket just beyond the largest finite
    /// value.
    pub(crate) fn observe(&mut self, value: f64) {
        self.count += 1;
        self.sum += value;
        if value.is_nan() {
            return;
        }
        if value > self.zero_threshold {
            *self
                .positive
                .entry(bucket_index(value, self.schema))
                .or_insert(0) += 1;
        } else if value < -self.zero_threshold {
            *self
                .negative
                .entry(bucket_index(-value, self.schema))
                .or_insert(0) += 1;
        } else {
            self.zero_count += 1;
            return;
        }
        while self.positive.len() + self.negative.len() > self.max_buckets
            && self.schema > MIN_SCHEMA
        {
            self.reduce_schema();
        }
    }

    /// Halves the resolution: buckets `2k-1` and `2k` become bucket `k`.
    fn reduce_schema(&mut self) {
        self.schema -= 1;
        for buckets in [&mut self.positive, &mut self.negative] {
            let old = std::mem::take(buckets);
            for (index, count) in old {
                *buckets.entry((index + 1) >> 1).or_insert(0) += count;
            }
        }
    }

    pub(crate) fn schema(&self) -> i32 {
        self.schema
    }

    pub(crate) fn zero_threshold(&self) -> f64 {
        self.zero_threshold
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    pub(crate) fn sum(&self) -> f64 {
        self.sum
    }

    pub(crate) fn zero_count(&self) -> u64 {
        self.zero_count
    }

    /// Populated positive buckets: index → count, ascending.
    pub(crate) fn positive(&self) -> &BTreeMap<i32, u64> {
        &self.positive
    }

    /// Populated negative buckets (by the index of `|v|`), ascending.
    pub(crate) fn negative(&self) -> &BTreeMap<i32, u64> {
        &self.negative
    }
}

/// The index of the bucket holding `magnitude` (> 0, not `NaN`) at
/// `schema` (`-4..=3`).
pub(crate) fn bucket_index(magnitude: f64, schema: i32) -> i32 {
    let (fraction, exponent) = frexp(magnitude.min(f64::MAX));
    let beyond_finite = i32::from(magnitude.is_infinite());
    let index = if schema > 0 {
        let stride = 1 << (3 - schema);
        let per_octave: i32 = 8 >> (3 - schema);
        // The first bucket of the octave whose upper bound reaches `fraction`.
        let within = SCHEMA_3_BOUNDS
            .iter()
            .step_by(stride)
            .position(|&bound| bound >= fraction);
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let within = within.map_or(per_octave, |j| j as i32);
        within + (exponent - 1) * per_octave
    } else {
        // Schema 0: the octave `(2^(e-1), 2^e]`; an exact power of two
        // (`fraction == 0.5`) closes the octave below.
        #[allow(
            clippy::float_cmp,
            reason = "frexp gives exactly 0.5 for a power of two"
        )]
        let octave = if fraction == 0.5 {
            exponent - 1
        } else {
            exponent
        };
        // Coarser schemas merge 2^-schema octaves: ceil(octave / 2^-schema),
        // rounding toward +∞ for negative octaves too.
        let width = 1 << -schema;
        (octave + width - 1) >> -schema
    };
    index + beyond_finite
}

/// `(fraction, exponent)` with `value = fraction · 2^exponent` and
/// `fraction` in `[0.5, 1)`, for finite `value > 0` (subnormals included),
/// as C's and Go's `frexp`.
fn frexp(value: f64) -> (f64, i32) {
    const MANTISSA: u64 = (1 << 52) - 1;
    let (value, shift) = if value < f64::MIN_POSITIVE {
        (value * 2f64.powi(64), 64)
    } else {
        (value, 0)
    };
    let bits = value.to_bits();
    #[allow(clippy::cast_possible_truncation, reason = "11 bits")]
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = f64::from_bits((bits & MANTISSA) | (1022 << 52));
    (fraction, biased - 1022 - shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upper bound of bucket `index` at `schema`.
    fn upper_bound(index: i32, schema: i32) -> f64 {
        (f64::from(index) * 2f64.powi(-schema)).exp2()
    }

    #[test]
    fn frexp_matches_its_definition() {
        assert_eq!(frexp(1.0), (0.5, 1));
        assert_eq!(frexp(0.75), (0.75, 0));
        assert_eq!(frexp(3.0), (0.75, 2));
        assert_eq!(frexp(f64::MAX).1, 1024);
        assert_eq!(frexp(f64::MIN_POSITIVE), (0.5, -1021));
        assert_eq!(frexp(5e-324), (0.5, -1073));
    }

    #[test]
    fn powers_of_two_close_their_bucket_at_every_schema() {
        // Hand-computed: 1 is the upper bound of bucket 0; 2 of bucket 2^s
        // (s > 0: 2^s buckets per octave) or 1 (s = 0); 0.5 of bucket -2^s.
        assert_eq!(bucket_index(1.0, 3), 0);
        assert_eq!(bucket_index(2.0, 3), 8);
        assert_eq!(bucket_index(0.5, 3), -8);
        assert_eq!(bucket_index(2.0, 2), 4);
        assert_eq!(bucket_index(2.0, 1), 2);
        assert_eq!(bucket_index(2.0, 0), 1);
        assert_eq!(bucket_index(4.0, 0), 2);
        assert_eq!(bucket_index(4.0, -1), 1);
        assert_eq!(bucket_index(16.0, -2), 1);
        assert_eq!(bucket_index(0.25, -1), -1);
        assert_eq!(bucket_index(0.125, -1), -1);
        assert_eq!(bucket_index(0.0625, -1), -2);
        // Just above a power of two: the next bucket.
        assert_eq!(bucket_index(1.000_000_1, 3), 1);
        assert_eq!(bucket_index(1.000_000_1, 0), 1);
        assert_eq!(bucket_index(2.000_001, -1), 1);
        assert_eq!(bucket_index(4.000_001, -1), 2);
    }

    #[test]
    fn schema_3_boundaries_fall_in_the_bucket_they_close() {
        // 2^(1/8) = 1.0905077326652577: the upper bound of bucket 1.
        let bound = 2f64.powf(0.125);
        assert_eq!(bucket_index(bound, 3), 1);
        assert_eq!(bucket_index(bound * (1.0 + 1e-12), 3), 2);
        assert_eq!(bucket_index(bound * (1.0 - 1e-12), 3), 1);
        // A typical fill: 40 ms lies in (2^(-38/8), 2^(-37/8)].
        assert_eq!(bucket_index(0.04, 3), -37);
        assert!(upper_bound(-38, 3) < 0.04 && 0.04 <= upper_bound(-37, 3));
        // Every value lies within the bounds of its bucket.
        for i in 1..2_000 {
            let v = f64::from(i) * 0.000_731;
            for schema in -4..=3 {
                let k = bucket_index(v, schema);
                assert!(
                    upper_bound(k - 1, schema) < v && v <= upper_bound(k, schema) * (1.0 + 1e-15),
                    "{v} at schema {schema}: bucket {k}"
                );
            }
        }
    }

    #[test]
    fn infinities_and_extremes_have_buckets() {
        let max = bucket_index(f64::MAX, 3);
        assert_eq!(max, 8192);
        assert_eq!(bucket_index(f64::INFINITY, 3), max + 1);
        assert_eq!(bucket_index(5e-324, 3), -8592);
        let mut h = NativeHistogram::default();
        h.observe(f64::INFINITY);
        h.observe(f64::NEG_INFINITY);
        assert_eq!(h.positive().get(&(max + 1)), Some(&1));
        assert_eq!(h.negative().get(&(max + 1)), Some(&1));
    }

    #[test]
    fn zero_bucket_negative_buckets_and_nan() {
        let mut h = NativeHistogram::default();
        for v in [0.0, -0.0, 1e-10, -1e-9, 0.04, -0.04, f64::NAN] {
            h.observe(v);
        }
        assert_eq!(h.count(), 7);
        assert!(h.sum().is_nan(), "NaN is in the sum, as in the classic one");
        assert_eq!(h.zero_count(), 4);
        assert_eq!(h.positive().iter().collect::<Vec<_>>(), [(&-37, &1)]);
        assert_eq!(h.negative().iter().collect::<Vec<_>>(), [(&-37, &1)]);
    }

    #[test]
    fn counts_are_exact() {
        let mut h = NativeHistogram::default();
        for i in 0..10_000u32 {
            h.observe(0.02 + f64::from(i % 97) * 0.0008);
        }
        assert_eq!(h.count(), 10_000);
        assert_eq!(h.positive().values().sum::<u64>(), 10_000);
        assert_eq!(h.schema(), 3);
    }

    #[test]
    fn the_bucket_limit_reduces_the_schema_and_keeps_every_count() {
        // The middles of schema-3 buckets 0 … 199 (1 … 2^25): 200
        // buckets, over a limit of 160.
        let mut h = NativeHistogram::new(3, 1e-9, 160);
        let values: Vec<f64> = (0..200)
            .map(|k| ((f64::from(k) - 0.5) / 8.0).exp2())
            .collect();
        for &v in &values {
            h.observe(v);
        }
        assert_eq!(h.schema(), 2, "one halving brings 200 buckets to 101");
        assert_eq!(h.positive().len(), 101);
        assert_eq!(h.positive().values().sum::<u64>(), 200);
        // Each value sits where a histogram started at schema 2 puts it.
        let mut direct = NativeHistogram::new(2, 1e-9, 1_000);
        for &v in &values {
            direct.observe(v);
        }
        assert_eq!(h.positive(), direct.positive());
        // A tiny limit coarsens all the way, never below schema -4.
        let mut tiny = NativeHistogram::new(3, 0.0, 1);
        for v in [1e-300, 1.0, 1e300] {
            tiny.observe(v);
        }
        assert_eq!(tiny.schema(), MIN_SCHEMA);
        assert_eq!(tiny.positive().values().sum::<u64>(), 3);
    }

    #[test]
    fn reduction_merges_odd_and_even_neighbours() {
        let mut h = NativeHistogram::new(1, 0.0, 3);
        // Schema 1 buckets -1, 0, 1, 2 (upper bounds 2^-0.5, 1, 2^0.5, 2).
        for v in [0.6, 0.9, 1.2, 1.9] {
            h.observe(v);
        }
        // Schema 0: (0.5, 1] is bucket 0, (1, 2] bucket 1.
        assert_eq!(h.schema(), 0);
        assert_eq!(
            h.positive().iter().collect::<Vec<_>>(),
            [(&0, &2), (&1, &2)]
        );
    }
}
