//! A native histogram written into a `Histogram` message beside the
//! classic buckets: schema, zero bucket, and the spans and deltas of the
//! populated buckets, as `client_golang` writes them.

use std::collections::BTreeMap;

use super::messages::{BucketSpan, Histogram};
use crate::exporter::native_histogram::NativeHistogram;

/// Empty buckets a span bridges (writing zero counts) rather than
/// starting a new span: `client_golang`'s choice, the smaller encoding.
const MAX_BRIDGED_GAP: i32 = 2;

/// Adds `native` to `histogram`, whose classic buckets came from the text.
/// The message's count and sum become the native ones (a native histogram
/// must agree with its own buckets); as the native samples were folded in
/// after the text was rendered, the classic buckets never exceed that
/// count, and are capped at it regardless. The `+Inf` bucket stays
/// implied by the count.
pub(crate) fn add_native(histogram: &mut Histogram, native: &NativeHistogram) {
    let count = native.count();
    histogram.sample_count = Some(count);
    histogram.sample_sum = Some(native.sum());
    for bucket in &mut histogram.bucket {
        if let Some(cumulative) = bucket.cumulative_count.as_mut() {
            *cumulative = (*cumulative).min(count);
        }
    }
    histogram.schema = Some(native.schema());
    histogram.zero_threshold = Some(native.zero_threshold());
    histogram.zero_count = Some(native.zero_count());
    (histogram.positive_span, histogram.positive_delta) = spans_and_deltas(native.positive());
    (histogram.negative_span, histogram.negative_delta) = spans_and_deltas(native.negative());
    let empty = histogram.positive_span.is_empty() && histogram.negative_span.is_empty();
    if empty && native.zero_threshold() == 0.0 && native.zero_count() == 0 {
        // metrics.proto: a no-op span marks a native histogram that has
        // no observation yet and no zero bucket width.
        histogram.positive_span.push(BucketSpan {
            offset: Some(0),
            length: Some(0),
        });
    }
}

/// The spans of `buckets` (index → count, ascending) and the delta of each
/// bucket's count to the previous one's (the first to zero).
#[allow(
    clippy::cast_possible_wrap,
    reason = "a bucket holds fewer than 2^63 observations"
)]
pub(crate) fn spans_and_deltas(buckets: &BTreeMap<i32, u64>) -> (Vec<BucketSpan>, Vec<i64>) {
    let mut spans: Vec<BucketSpan> = Vec::new();
    let mut deltas = Vec::with_capacity(buckets.len());
    let mut previous_count = 0_i64;
    let mut next_index = None;
    for (&index, &count) in buckets {
        let gap = next_index.map(|next| index - next);
        match gap {
            Some(gap) if gap <= MAX_BRIDGED_GAP => {
                for _ in 0..gap {
                    deltas.push(-previous_count);
                    previous_count = 0;
                }
                if let Some(span) = spans.last_mut() {
                    span.length = Some(span.length.unwrap_or(0) + gap.unsigned_abs() + 1);
                }
            }
            _ => spans.push(BucketSpan {
                offset: Some(gap.unwrap_or(index)),
                length: Some(1),
            }),
        }
        let count = count as i64;
        deltas.push(count - previous_count);
        previous_count = count;
        next_index = Some(index + 1);
    }
    (spans, deltas)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exporter::protobuf::messages::Bucket;

    fn span(offset: i32, length: u32) -> BucketSpan {
        BucketSpan {
            offset: Some(offset),
            length: Some(length),
        }
    }

    #[test]
    fn spans_bridge_small_gaps_and_start_anew_after_large_ones() {
        let buckets = BTreeMap::from([(-3, 2), (-2, 5), (0, 1), (3, 4), (7, 4)]);
        let (spans, deltas) = spans_and_deltas(&buckets);
        // -3, -2, (-1 empty), 0, (1, 2 empty), 3 in one span; 3 empty; 7.
        assert_eq!(spans, [span(-3, 7), span(3, 1)]);
        assert_eq!(deltas, [2, 3, -5, 1, -1, 0, 4, 0]);
        // Decoding gives back every bucket.
        let mut decoded = BTreeMap::new();
        let (mut index, mut count, mut delta) = (0, 0, deltas.iter());
        for s in &spans {
            index += s.offset.unwrap();
            for _ in 0..s.length.unwrap() {
                count += delta.next().unwrap();
                if count > 0 {
                    decoded.insert(index, u64::try_from(count).unwrap());
                }
                index += 1;
            }
        }
        assert_eq!(decoded, buckets);
        assert_eq!(spans_and_deltas(&BTreeMap::new()), (vec![], vec![]));
    }

    #[test]
    fn native_count_and_sum_win_and_cap_the_classic_buckets() {
        let mut native = NativeHistogram::default();
        for v in [0.0, 0.04, 0.04, 0.3] {
            native.observe(v);
        }
        let mut h = Histogram {
            sample_count: Some(9),
            sample_sum: Some(9.0),
            bucket: vec![Bucket {
                cumulative_count: Some(7),
                upper_bound: Some(0.5),
            }],
            ..Histogram::default()
        };
        add_native(&mut h, &native);
        assert_eq!(h.sample_count, Some(4));
        assert!((h.sample_sum.unwrap() - 0.38).abs() < 1e-12);
        assert_eq!(h.bucket[0].cumulative_count, Some(4));
        assert_eq!((h.schema, h.zero_count), (Some(3), Some(1)));
        assert_eq!(h.zero_threshold, Some(1e-9));
        // 0.04 in bucket -37, 0.3 in bucket -13 (2^(-14/8) < 0.3 <= 2^(-13/8)).
        assert_eq!(h.positive_span, [span(-37, 1), span(23, 1)]);
        assert_eq!(h.positive_delta, [2, -1]);
        assert!(h.negative_span.is_empty());
    }

    #[test]
    fn an_empty_histogram_without_zero_width_gets_the_no_op_span() {
        let mut h = Histogram::default();
        add_native(&mut h, &NativeHistogram::new(3, 0.0, 160));
        assert_eq!(h.positive_span, [span(0, 0)]);
        let mut h = Histogram::default();
        add_native(&mut h, &NativeHistogram::default());
        assert!(
            h.positive_span.is_empty(),
            "a zero threshold marks it already"
        );
    }
}
