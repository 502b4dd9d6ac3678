//! Activation functions g(z), their derivatives g'(z), and sampled curves.
//!
//! Every forward rule sits next to its backward rule. The vectorised loop
//! over a layer (`kernels::activate`) builds on the f32 rules here and
//! computes g and g' in one pass, so the backward pass never re-evaluates
//! `exp`; this module depends on nothing else of the core.

use serde::{Deserialize, Serialize};

/// The non-linearity applied after every hidden layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// 1 / (1 + e^-z): maps R onto (0, 1); its derivative is at most 0.25.
    Sigmoid,
    /// tanh(z): maps R onto (-1, 1); its derivative is at most 1.
    Tanh,
    /// max(0, z): derivative 1 for z > 0 and 0 otherwise.
    Relu,
    /// max(0.01 z, z): like ReLU but never exactly flat.
    LeakyRelu,
}

/// The slope of leaky ReLU for negative inputs.
pub const LEAKY_SLOPE: f32 = 0.01;

/// A unit counts as saturated when g'(z) falls below this share of g's
/// largest derivative (sigmoid and tanh only).
pub const SATURATION_SHARE: f32 = 0.1;

/// One sample of an activation curve, for plotting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    pub z: f64,
    pub value: f64,
    pub derivative: f64,
}

impl Activation {
    pub const ALL: [Activation; 4] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
    ];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky-relu",
        }
    }

    /// g(z) in f64, for curves, the textbook example and reference checks.
    pub fn value(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => sigmoid_f64(z),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    f64::from(LEAKY_SLOPE) * z
                }
            }
        }
    }

    /// g'(z) in f64. At z = 0 ReLU's derivative is taken as 0, as PyTorch does.
    pub fn derivative(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => {
                let s = sigmoid_f64(z);
                s * (1.0 - s)
            }
            Activation::Tanh => {
                let t = z.tanh();
                1.0 - t * t
            }
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    f64::from(LEAKY_SLOPE)
                }
            }
        }
    }

    /// The largest value g' takes: 0.25 for sigmoid, 1 for the others.
    pub fn max_derivative(self) -> f64 {
        match self {
            Activation::Sigmoid => 0.25,
            _ => 1.0,
        }
    }

    /// Whether "saturated" (sigmoid, tanh) or "dead" (ReLU family) is the
    /// failure this activation shows.
    pub fn saturates(self) -> bool {
        matches!(self, Activation::Sigmoid | Activation::Tanh)
    }

    /// `n` evenly spaced samples of g and g' over [lo, hi].
    pub fn curve(self, lo: f64, hi: f64, n: usize) -> Vec<CurvePoint> {
        let n = n.max(2);
        (0..n)
            .map(|i| {
                let z = lo + (hi - lo) * i as f64 / (n - 1) as f64;
                CurvePoint {
                    z,
                    value: self.value(z),
                    derivative: self.derivative(z),
                }
            })
            .collect()
    }
}

impl std::fmt::Display for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Numerically stable sigmoid in f64: e^z is only taken for z <= 0, so it
/// never overflows.
pub fn sigmoid_f64(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Sigmoid in f32 for any finite input: 1 / (1 + e^-z) with e^-z clamped,
/// so z = -1e4 gives 0 and z = 1e4 gives 1, never NaN. NaN stays NaN.
#[inline(always)]
pub fn sigmoid_f32(z: f32) -> f32 {
    1.0 / (1.0 + exp_f32(-z))
}

/// tanh in f32 as a 13/6-degree rational function of z on [-9, 9] (the
/// interpolant Eigen, XLA and ONNX Runtime use; beyond 9, tanh is 1 to f32's
/// precision). Within 5 ulps of the true value everywhere, including near 0
/// where 2 sigmoid(2z) - 1 would lose every digit, and about half the work
/// of the exponential: ten multiply-adds and one division, so the loops over
/// it vectorise and the hidden layers of a deep tanh network cost little
/// more than their matrix products. Plain multiplies and adds, not fused
/// ones: every CPU rounds them alike (same bits with AVX-512, AVX2 or
/// neither), and a CPU without FMA units (many a school laptop's Celeron)
/// still vectorises them instead of calling libm's fmaf per element.
#[inline(always)]
pub fn tanh_f32(z: f32) -> f32 {
    const ALPHA: [f32; 7] = [
        4.893_524_6e-3,
        6.372_619_5e-4,
        1.485_722_35e-5,
        5.122_297_3e-8,
        -8.604_672e-11,
        2.000_188e-13,
        -2.760_768_4e-16,
    ];
    const BETA: [f32; 4] = [4.893_525e-3, 2.268_434_7e-3, 1.185_347_1e-4, 1.198_258_4e-6];
    // clamp keeps NaN, so NaN propagates.
    let x = z.clamp(-9.0, 9.0);
    let x2 = x * x;
    let mut p = ALPHA[6];
    for &a in ALPHA[..6].iter().rev() {
        p = p * x2 + a;
    }
    let mut q = BETA[3];
    for &b in BETA[..3].iter().rev() {
        q = q * x2 + b;
    }
    (x * p / q).clamp(-1.0, 1.0)
}

/// e^x in f32 without a libm call, so loops over it vectorise.
///
/// Range reduction x = n ln2 + r with |r| <= ln2/2, a degree-6 polynomial
/// for e^r (Cephes' coefficients, relative error about 1 ulp), and 2^n built
/// in the exponent bits. Inputs are clamped to [-86.6, 88.7]: below that the
/// result would be subnormal, above it infinite; returning the clamp's value
/// keeps the sigmoid exact to f32 and free of slow subnormals. NaN propagates.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // Adding 1.5 * 2^23 rounds to the nearest integer with plain float
    // adds (round() is a libm call on baseline x86-64, and would stop the
    // loop from vectorising); the integer then sits in the low mantissa bits.
    const ROUNDER: f32 = 12_582_912.0;
    let x = x.clamp(-86.6, 88.7);
    let shifted = x * LOG2E + ROUNDER;
    let n = shifted - ROUNDER;
    let r = x - n * LN2_HI - n * LN2_LO;
    let r2 = r * r;
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let er = p * r2 + r + 1.0;
    // n is in [-125, 128]; 2^n via the exponent bits. n = 128 only when
    // x = 88.7 rounds up, so build 2^(n-1) and double it to stay finite.
    let n_bits = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    let scale = f32::from_bits(n_bits.wrapping_add(126) << 23);
    er * scale * 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_libm_to_a_few_ulps() {
        let mut z = -86.5_f32;
        while z < 88.5 {
            let want = f64::from(z).exp();
            let got = f64::from(exp_f32(z));
            assert!(
                ((got - want) / want).abs() < 4e-7,
                "exp({z}) = {got}, want {want}"
            );
            z += 0.0137;
        }
    }

    /// Every f32 from 1e-30 to 12 in steps of a few ulps, both signs: the
    /// rational tanh stays within 5 ulps of f64's tanh rounded to f32, is
    /// odd, and is exactly ±1 where tanh rounds to ±1.
    #[test]
    fn tanh_matches_libm_to_a_few_ulps() {
        let mut worst = 0u32;
        let mut bits = 1e-30_f32.to_bits();
        while f32::from_bits(bits) < 12.0 {
            let z = f32::from_bits(bits);
            let want = f64::from(z).tanh() as f32;
            let got = tanh_f32(z);
            assert_eq!(tanh_f32(-z), -got, "tanh is odd at {z}");
            worst = worst.max(got.to_bits().abs_diff(want.to_bits()));
            bits += 997;
        }
        assert!(worst <= 5, "tanh is {worst} ulps off somewhere");
        assert_eq!(tanh_f32(9.5), 1.0);
        assert_eq!(tanh_f32(-1e30), -1.0);
        assert_eq!(tanh_f32(0.0), 0.0);
        assert!(tanh_f32(f32::NAN).is_nan());
    }

    #[test]
    fn sigmoid_is_finite_for_huge_inputs() {
        for z in [
            -1e4_f32,
            -1e30,
            -88.0,
            0.0,
            88.0,
            1e4,
            1e30,
            f32::MAX,
            f32::MIN,
        ] {
            let s = sigmoid_f32(z);
            assert!(
                s.is_finite() && (0.0..=1.0).contains(&s),
                "sigmoid({z}) = {s}"
            );
            let t = tanh_f32(z);
            assert!(
                t.is_finite() && (-1.0..=1.0).contains(&t),
                "tanh({z}) = {t}"
            );
        }
        assert!(sigmoid_f32(-1e4) < 1e-37);
        assert_eq!(sigmoid_f32(1e4), 1.0);
        assert!(sigmoid_f32(f32::NAN).is_nan());
        assert_eq!(sigmoid_f64(-1e4), 0.0);
        assert_eq!(sigmoid_f64(1e4), 1.0);
    }

    #[test]
    fn derivative_maximum_is_where_the_slides_say() {
        let curve = Activation::Sigmoid.curve(-8.0, 8.0, 1601);
        let peak = curve.iter().map(|p| p.derivative).fold(0.0, f64::max);
        assert!((peak - 0.25).abs() < 1e-12);
        assert_eq!(Activation::Sigmoid.max_derivative(), 0.25);
        assert_eq!(Activation::Tanh.derivative(0.0), 1.0);
    }
}
