//! Helpers shared by the statistics' unit tests.

/// `|got − want| ≤ rel · |want|`, and `None` exactly where `want` is.
#[track_caller]
pub(super) fn close_to(got: &[Option<f64>], want: &[Option<f64>], rel: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        match (g, w) {
            (Some(g), Some(w)) => {
                assert!(
                    (g - w).abs() <= rel * w.abs(),
                    "bar {i}: got {g:e}, want {w:e}"
                );
            }
            (None, None) => {}
            _ => panic!("bar {i}: got {g:?}, want {w:?}"),
        }
    }
}
