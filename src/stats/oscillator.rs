//! Damped-harmonic-oscillator parameters from an AR(2) fit.
//!
//! A mean-reverting deviation `x_t = φ₁x_{t−1} + φ₂x_{t−2} + ε_t` sampled
//! every `dt` is the discretisation of `ẍ + 2ζω_n ẋ + ω_n² x = u(t)`. The
//! roots `z₁, z₂` of `z² − φ₁z − φ₂ = 0` map to continuous poles
//! `s_i = ln(z_i)/dt`, giving `ω_n = √(s₁s₂)` and `ζ = −(s₁+s₂)/(2ω_n)`.

use std::f64::consts::TAU;

/// Damping ratio and natural frequency of a stable second-order system.
///
/// `natural_frequency` is in radians per time unit of the `dt` passed to
/// [`from_ar2`] (rad/bar for `dt = 1` bar, rad/s for `dt` in seconds).
///
/// ```
/// use velocity_metrics::stats::from_ar2;
///
/// // Chan's lynx fit: underdamped, quasi-period ≈ 9.8 samples.
/// let osc = from_ar2(1.38, -0.74, 1.0).unwrap();
/// assert!((osc.damping_ratio - 0.22900).abs() < 1e-5);
/// assert!((osc.natural_frequency - 0.65745).abs() < 1e-5);
/// assert!((osc.quasi_period().unwrap() - 9.818).abs() < 1e-3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Oscillator {
    /// Damping ratio ζ (dimensionless): < 1 underdamped, 1 critical, > 1
    /// overdamped.
    pub damping_ratio: f64,
    /// Natural (undamped, angular) frequency `ω_n` in rad per time unit.
    pub natural_frequency: f64,
}

impl Oscillator {
    /// Decay rate `σ = ζω_n` (1/time unit).
    #[must_use]
    pub fn decay_rate(&self) -> f64 {
        self.damping_ratio * self.natural_frequency
    }

    /// Damped angular frequency `ω_d = ω_n√(1 − ζ²)`; `None` unless ζ < 1.
    #[must_use]
    pub fn damped_frequency(&self) -> Option<f64> {
        (self.damping_ratio < 1.0)
            .then(|| self.natural_frequency * (1.0 - self.damping_ratio.powi(2)).sqrt())
    }

    /// Oscillation period `2π/ω_d` in time units; `None` unless 0 ≤ ζ < 1.
    #[must_use]
    pub fn quasi_period(&self) -> Option<f64> {
        let omega_d = self.damped_frequency()?;
        (omega_d > 0.0).then(|| TAU / omega_d)
    }

    /// Amplitude half-life `ln 2 / (ζω_n)` in time units; `None` unless the
    /// decay rate is positive.
    #[must_use]
    pub fn half_life(&self) -> Option<f64> {
        let sigma = self.decay_rate();
        (sigma > 0.0).then(|| std::f64::consts::LN_2 / sigma)
    }

    /// Quality factor `Q = 1/(2ζ)`; `None` unless ζ > 0.
    #[must_use]
    pub fn quality_factor(&self) -> Option<f64> {
        (self.damping_ratio > 0.0).then(|| 0.5 / self.damping_ratio)
    }
}

/// Oscillator parameters of a fitted AR(2) `(φ₁, φ₂)` sampled every `dt`.
///
/// - Complex roots (`φ₁² + 4φ₂ < 0`), underdamped: with `R = √(−φ₂)` and
///   `θ = arccos(φ₁ / 2R)`, `ω_n = √(ln²R + θ²)/dt`, `ζ = −ln R/√(ln²R + θ²)`.
/// - Two real roots, both in `(0, 1)`, overdamped: from the poles as in the
///   module docs.
/// - A repeated root in `(0, 1)`, critically damped: `ζ = 1`,
///   `ω_n = −ln z / dt`. An exactly zero discriminant is rare in fitted
///   data; classify "critical" with a tolerance band around ζ = 1.
///
/// `None` (undefined) for a real root ≤ 0 (alternating/aliased behaviour
/// with no continuous-time counterpart, e.g. `φ = (0.5, 0.2)`), for any root
/// with `|z| ≥ 1` (non-stationary, trending), for `dt ≤ 0` and for any
/// non-finite input.
#[must_use]
pub fn from_ar2(phi1: f64, phi2: f64, dt: f64) -> Option<Oscillator> {
    if !(phi1.is_finite() && phi2.is_finite() && dt.is_finite() && dt > 0.0) {
        return None;
    }
    let discriminant = phi1.mul_add(phi1, 4.0 * phi2);
    if discriminant < 0.0 {
        // Complex pair r·e^{±iθ}; φ₂ < 0 here, so r > 0.
        let r = (-phi2).sqrt();
        if r >= 1.0 {
            return None;
        }
        let theta = (phi1 / (2.0 * r)).clamp(-1.0, 1.0).acos();
        let ln_r = r.ln();
        let magnitude = ln_r.hypot(theta);
        return Some(Oscillator {
            damping_ratio: -ln_r / magnitude,
            natural_frequency: magnitude / dt,
        });
    }
    let root = discriminant.sqrt();
    let (z1, z2) = (0.5 * (phi1 + root), 0.5 * (phi1 - root));
    if !(z2 > 0.0 && z1 < 1.0) {
        return None;
    }
    let (s1, s2) = (z1.ln() / dt, z2.ln() / dt);
    let natural_frequency = (s1 * s2).sqrt();
    let damping_ratio = if discriminant == 0.0 {
        1.0
    } else {
        -(s1 + s2) / (2.0 * natural_frequency)
    };
    (natural_frequency > 0.0 && natural_frequency.is_finite()).then_some(Oscillator {
        damping_ratio,
        natural_frequency,
    })
}

/// AR(2) coefficients `(φ₁, φ₂)` of an oscillator sampled every `dt`: the
/// inverse of [`from_ar2`].
///
/// `φ₂ = −e^{−2ζω_n·dt}` and `φ₁ = 2e^{−ζω_n·dt}·cos(ω_n√(1−ζ²)·dt)` for
/// ζ < 1, or `·cosh(ω_n√(ζ²−1)·dt)` for ζ ≥ 1. The round trip through
/// [`from_ar2`] recovers the inputs when ζ > 0 and the damped frequency is
/// below Nyquist (`ω_n√(1−ζ²)·dt < π`); beyond it the samples alias.
///
/// `None` for ζ < 0, `ω_n ≤ 0`, `dt ≤ 0` or any non-finite input.
///
/// ```
/// use velocity_metrics::stats::to_ar2;
///
/// let (phi1, phi2) = to_ar2(0.2, 0.5, 1.0).unwrap();
/// assert!((phi1 - 1.596822478107).abs() < 1e-9);
/// assert!((phi2 - -0.818730753078).abs() < 1e-9);
/// ```
#[must_use]
pub fn to_ar2(damping_ratio: f64, natural_frequency: f64, dt: f64) -> Option<(f64, f64)> {
    let finite = damping_ratio.is_finite() && natural_frequency.is_finite() && dt.is_finite();
    if !finite || damping_ratio < 0.0 || natural_frequency <= 0.0 || dt <= 0.0 {
        return None;
    }
    let w = natural_frequency * dt;
    let decay = (-damping_ratio * w).exp();
    let zeta_sq = damping_ratio * damping_ratio;
    let phi1 = if damping_ratio < 1.0 {
        2.0 * decay * (w * (1.0 - zeta_sq).sqrt()).cos()
    } else {
        2.0 * decay * (w * (zeta_sq - 1.0).sqrt()).cosh()
    };
    let phi2 = -decay * decay;
    (phi1.is_finite() && phi2.is_finite()).then_some((phi1, phi2))
}

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "these expected values are exact in binary floating point"
)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// `statistics.md` §5: (ζ, `ω_n`, φ₁, φ₂) at Δt = 1 bar.
    const TABLE: [(f64, f64, f64, f64); 4] = [
        (0.2, 0.5, 1.596_822_478_107, -0.818_730_753_078),
        (1.0, 0.3, 1.481_636_441_363, -0.548_811_636_094),
        (2.0, 0.3, 1.249_166_596_007, -0.301_194_211_912),
        (0.05, 2.0 * PI / 20.0, 1.872_707_074_612, -0.969_072_426_305),
    ];

    #[test]
    fn table_phi_values() {
        for (zeta, omega, phi1, phi2) in TABLE {
            let (p1, p2) = to_ar2(zeta, omega, 1.0).unwrap();
            assert!((p1 - phi1).abs() < 1e-9, "φ₁ for ζ={zeta}: {p1}");
            assert!((p2 - phi2).abs() < 1e-9, "φ₂ for ζ={zeta}: {p2}");
        }
    }

    #[test]
    fn table_round_trips() {
        for (zeta, omega, phi1, phi2) in TABLE {
            let (p1, p2) = to_ar2(zeta, omega, 1.0).unwrap();
            let osc = from_ar2(p1, p2, 1.0).unwrap();
            assert!((osc.damping_ratio - zeta).abs() < 1e-9, "ζ={zeta}: {osc:?}");
            assert!(
                (osc.natural_frequency - omega).abs() < 1e-9,
                "ζ={zeta}: {osc:?}"
            );
            // The published 12-decimal φ values map back to the table row too.
            let osc = from_ar2(phi1, phi2, 1.0).unwrap();
            assert!((osc.damping_ratio - zeta).abs() < 1e-9, "ζ={zeta}: {osc:?}");
            assert!(
                (osc.natural_frequency - omega).abs() < 1e-9,
                "ζ={zeta}: {osc:?}"
            );
        }
    }

    #[test]
    fn dt_scales_frequency() {
        let (p1, p2) = to_ar2(0.3, 0.02, 60.0).unwrap();
        let osc = from_ar2(p1, p2, 60.0).unwrap();
        assert!((osc.damping_ratio - 0.3).abs() < 1e-9);
        assert!((osc.natural_frequency - 0.02).abs() < 1e-9);
        let per_bar = from_ar2(p1, p2, 1.0).unwrap();
        assert!((per_bar.natural_frequency - 1.2).abs() < 1e-9);
    }

    #[test]
    fn lynx() {
        let osc = from_ar2(1.38, -0.74, 1.0).unwrap();
        assert!((osc.damping_ratio - 0.22900).abs() < 1e-5, "{osc:?}");
        assert!((osc.natural_frequency - 0.65745).abs() < 1e-5, "{osc:?}");
        assert!((osc.quasi_period().unwrap() - 9.818).abs() < 1e-3);
    }

    #[test]
    fn exact_repeated_root_is_critical() {
        // z = 0.5 twice: φ₁ = 1, φ₂ = −0.25, discriminant exactly 0.
        let osc = from_ar2(1.0, -0.25, 1.0).unwrap();
        assert_eq!(osc.damping_ratio, 1.0);
        assert!((osc.natural_frequency - std::f64::consts::LN_2).abs() < 1e-15);
        assert_eq!(osc.damped_frequency(), None);
        assert_eq!(osc.quasi_period(), None);
        assert!((osc.half_life().unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn undefined_fits() {
        assert_eq!(from_ar2(0.5, 0.2, 1.0), None); // negative real root
        assert_eq!(from_ar2(-0.5, 0.0, 1.0), None); // AR(1) with negative φ
        assert_eq!(from_ar2(0.5, 0.0, 1.0), None); // zero root
        assert_eq!(from_ar2(1.2, -0.2, 1.0), None); // real root 1.0
        assert_eq!(from_ar2(1.5, -0.4, 1.0), None); // real root > 1 (trending)
        assert_eq!(from_ar2(1.0, -1.0, 1.0), None); // complex, |z| = 1
        assert_eq!(from_ar2(1.0, -1.5, 1.0), None); // complex, |z| > 1
        assert_eq!(from_ar2(1.38, -0.74, 0.0), None);
        assert_eq!(from_ar2(1.38, -0.74, -1.0), None);
        assert_eq!(from_ar2(f64::NAN, -0.74, 1.0), None);
        assert_eq!(from_ar2(1.38, f64::INFINITY, 1.0), None);
        assert_eq!(from_ar2(1.38, -0.74, f64::NAN), None);
    }

    #[test]
    fn to_ar2_rejects_bad_input() {
        assert_eq!(to_ar2(-0.1, 0.5, 1.0), None);
        assert_eq!(to_ar2(0.2, 0.0, 1.0), None);
        assert_eq!(to_ar2(0.2, 0.5, 0.0), None);
        assert_eq!(to_ar2(f64::NAN, 0.5, 1.0), None);
        assert_eq!(to_ar2(0.2, f64::INFINITY, 1.0), None);
        assert!(to_ar2(0.0, 0.5, 1.0).is_some_and(|(_, p2)| p2 == -1.0));
    }

    #[test]
    fn derived_quantities() {
        let osc = Oscillator {
            damping_ratio: 0.5,
            natural_frequency: 2.0,
        };
        assert_eq!(osc.decay_rate(), 1.0);
        assert!((osc.damped_frequency().unwrap() - 3.0_f64.sqrt()).abs() < 1e-15);
        assert_eq!(osc.quality_factor(), Some(1.0));
        let over = Oscillator {
            damping_ratio: 2.0,
            natural_frequency: 1.0,
        };
        assert_eq!(over.damped_frequency(), None);
        let still = Oscillator {
            damping_ratio: 0.0,
            natural_frequency: 1.0,
        };
        assert_eq!(still.half_life(), None);
        assert_eq!(still.quality_factor(), None);
    }
}
