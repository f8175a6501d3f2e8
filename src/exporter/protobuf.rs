//! The Prometheus protobuf exposition (feature `protobuf`): length-delimited
//! `io.prometheus.client.MetricFamily` messages, the two latency histograms
//! carrying their native buckets beside the classic ones.
//!
//! Every family is read from the Prometheus text the endpoint renders, so a
//! protobuf scrape holds exactly the series, values and help of a text
//! scrape at the same moment (label values as a text parser reads them);
//! the native buckets come from [`NativeHistograms`]. The messages are
//! declared with prost's derive macros: nothing needs `protoc`.

mod messages;
mod native;
mod sample_line;
mod text;

use prost::Message as _;

use super::native_histograms::{NATIVE_HISTOGRAMS, NativeHistograms, SeriesId};
use messages::{LabelPair, MetricFamily, MetricType};
pub(crate) use sample_line::unescape_label_value;

/// The protobuf exposition of `text` (Prometheus text as the endpoint
/// renders it, rendered before this call), with `natives` folded in now.
pub(crate) fn render(text: &str, natives: &NativeHistograms) -> Vec<u8> {
    let families = text::parse(text).families;
    // Folded after the text was rendered: a native count is never below
    // the classic one of the same scrape.
    let mut natives = natives.snapshot();
    let mut out = Vec::with_capacity(text.len() / 2);
    for mut family in families {
        if is_native(&family) {
            let name = family.name.clone().unwrap_or_default();
            for metric in &mut family.metric {
                let id: SeriesId = (name.clone(), label_pairs(&metric.label));
                if let (Some(native), Some(histogram)) =
                    (natives.remove(&id), metric.histogram.as_mut())
                {
                    native::add_native(histogram, &native);
                }
            }
        }
        // Encoding into a Vec cannot fail.
        let _ = family.encode_length_delimited(&mut out);
    }
    out
}

fn is_native(family: &MetricFamily) -> bool {
    family.r#type == Some(MetricType::Histogram as i32)
        && family
            .name
            .as_deref()
            .is_some_and(|name| NATIVE_HISTOGRAMS.contains(&name))
}

fn label_pairs(labels: &[LabelPair]) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|l| {
            (
                l.name.clone().unwrap_or_default(),
                l.value.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
