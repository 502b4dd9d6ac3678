//! The element-wise loops of a training step, written so the compiler
//! vectorises them, and compiled three times: for baseline x86-64, for AVX2 +
//! FMA and for AVX-512, picked at run time (other CPUs, such as Apple's,
//! get the compiler's own vectors). The rules use no fused multiply-adds
//! (Rust never fuses on its own), so every build rounds alike: same bits. Reductions keep several independent lanes
//! (floating-point addition is not associative, so a single running sum
//! cannot be vectorised) and accumulate in f64: a norm or mean never
//! overflows, and tiny gradients keep their digits.

use super::activation::{Activation, LEAKY_SLOPE, sigmoid_f32, tanh_f32};

/// Defines `fn $name` that runs the body compiled for AVX-512 or AVX2 + FMA
/// when the CPU has them, and the baseline build otherwise. AVX-512 pays
/// off on the activations: a few per cent off a deep tanh landscape.
macro_rules! multiversion {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn generic($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
                fn avx512($($arg: $ty),*) $(-> $ret)? {
                    generic($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512vl") {
                    // SAFETY: the CPU supports the features `avx512` is compiled for.
                    return unsafe { avx512($($arg),*) };
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $ty),*) $(-> $ret)? {
                    generic($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU supports the features `avx2` is compiled for.
                    return unsafe { avx2($($arg),*) };
                }
            }
            generic($($arg),*)
        }
    };
}

/// The elements of an array the step allocated itself, in memory order.
/// Workspace, parameter and optimiser arrays are made in standard layout
/// and never reshaped or sliced, so they are always contiguous.
pub fn flat<D: ndarray::Dimension>(a: &ndarray::Array<f32, D>) -> &[f32] {
    a.as_slice()
        .expect("arrays made by the network are contiguous")
}

/// `flat`, mutable.
pub fn flat_mut<D: ndarray::Dimension>(a: &mut ndarray::Array<f32, D>) -> &mut [f32] {
    a.as_slice_mut()
        .expect("arrays made by the network are contiguous")
}

/// Lanes of the reductions: enough independent sums to fill two AVX2
/// registers of f64.
const LANES: usize = 8;

/// Smallest positive normal f32. Values below it (subnormals) are flushed
/// to zero in the backward pass: x86 CPUs slow down many-fold on subnormal
/// operands, which deep sigmoid nets produce in floods, and a gradient below
/// 1.2e-38 has vanished for every purpose of this program.
pub const FLUSH_BELOW: f32 = f32::MIN_POSITIVE;

multiversion! {
    /// out = g(pre), slope = g'(pre): the forward pass's hot loop.
    pub fn activate(act: Activation, pre: &[f32], out: &mut [f32], slope: &mut [f32]) {
        let lanes = pre.iter().zip(out.iter_mut()).zip(slope.iter_mut());
        match act {
            Activation::Sigmoid => {
                for ((&z, o), d) in lanes {
                    let s = sigmoid_f32(z);
                    *o = s;
                    *d = s * (1.0 - s);
                }
            }
            Activation::Tanh => {
                for ((&z, o), d) in lanes {
                    let t = tanh_f32(z);
                    *o = t;
                    *d = 1.0 - t * t;
                }
            }
            Activation::Relu => {
                for ((&z, o), d) in lanes {
                    let on = z > 0.0;
                    *o = if on { z } else { 0.0 };
                    *d = if on { 1.0 } else { 0.0 };
                }
            }
            Activation::LeakyRelu => {
                for ((&z, o), d) in lanes {
                    let on = z > 0.0;
                    *o = if on { z } else { LEAKY_SLOPE * z };
                    *d = if on { 1.0 } else { LEAKY_SLOPE };
                }
            }
        }
    }
}

multiversion! {
    /// out = g(pre) alone, for passes that need no backward (evaluation,
    /// the landscape): the same values as `activate`, bit for bit.
    pub fn activate_values(act: Activation, pre: &[f32], out: &mut [f32]) {
        let lanes = pre.iter().zip(out.iter_mut());
        match act {
            Activation::Sigmoid => lanes.for_each(|(&z, o)| *o = sigmoid_f32(z)),
            Activation::Tanh => lanes.for_each(|(&z, o)| *o = tanh_f32(z)),
            Activation::Relu => lanes.for_each(|(&z, o)| *o = if z > 0.0 { z } else { 0.0 }),
            Activation::LeakyRelu => {
                lanes.for_each(|(&z, o)| *o = if z > 0.0 { z } else { LEAKY_SLOPE * z });
            }
        }
    }
}

multiversion! {
    /// grad *= slope (dL/da into delta = dL/dz), subnormals flushed to zero.
    pub fn multiply_slope(grad: &mut [f32], slope: &[f32]) {
        for (g, &s) in grad.iter_mut().zip(slope) {
            let v = *g * s;
            *g = if v.abs() < FLUSH_BELOW { 0.0 } else { v };
        }
    }
}

/// The largest |value|, and whether any value is NaN or infinite.
fn max_abs(values: &[f32]) -> (f32, bool) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2.
        return unsafe { avx2::max_abs(values) };
    }
    let mut max = 0.0f32;
    let mut bad = false;
    for &v in values {
        max = max.max(v.abs());
        bad |= !v.is_finite();
    }
    (max, bad)
}

/// Sum and sum of squares of values * scale, folded into f64 every block.
fn scaled_moments(values: &[f32], scale: f32) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2.
        return unsafe { avx2::scaled_moments(values, scale) };
    }
    values.iter().fold((0.0, 0.0), |(s, q), &v| {
        let v = f64::from(v * scale);
        (s + v, q + v * v)
    })
}

/// Explicit AVX2 for the two reductions: LLVM will not vectorise a float
/// sum without permission to reorder it, even split into lanes by hand.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    const BLOCK: usize = 512;

    #[target_feature(enable = "avx2")]
    pub fn max_abs(values: &[f32]) -> (f32, bool) {
        let (chunks, tail) = values.as_chunks::<8>();
        let sign = _mm256_set1_ps(-0.0);
        let zero = _mm256_setzero_ps();
        let mut max = _mm256_setzero_ps();
        let mut bad = _mm256_setzero_ps();
        for c in chunks {
            // SAFETY: `c` is 8 readable floats; loadu has no alignment needs.
            let v = unsafe { _mm256_loadu_ps(c.as_ptr()) };
            max = _mm256_max_ps(max, _mm256_andnot_ps(sign, v));
            // v * 0 is 0 for finite v, NaN otherwise; NaN sticks in the sum.
            bad = _mm256_add_ps(bad, _mm256_mul_ps(v, zero));
        }
        let mut lanes = [0.0f32; 8];
        let mut bad_lanes = [0.0f32; 8];
        // SAFETY: both arrays hold 8 floats.
        unsafe {
            _mm256_storeu_ps(lanes.as_mut_ptr(), max);
            _mm256_storeu_ps(bad_lanes.as_mut_ptr(), bad);
        }
        let mut m = lanes.iter().fold(0.0f32, |m, &v| m.max(v));
        let mut b = bad_lanes.iter().any(|&v| v != 0.0);
        for &v in tail {
            m = m.max(v.abs());
            b |= !v.is_finite();
        }
        (m, b)
    }

    #[target_feature(enable = "avx2")]
    pub fn scaled_moments(values: &[f32], scale: f32) -> (f64, f64) {
        let k = _mm256_set1_ps(scale);
        let (mut total, mut total_sq) = (0.0f64, 0.0f64);
        for block in values.chunks(BLOCK) {
            let (chunks, tail) = block.as_chunks::<8>();
            let mut sum = _mm256_setzero_ps();
            let mut sq = _mm256_setzero_ps();
            for c in chunks {
                // SAFETY: `c` is 8 readable floats.
                let v = _mm256_mul_ps(unsafe { _mm256_loadu_ps(c.as_ptr()) }, k);
                sum = _mm256_add_ps(sum, v);
                sq = _mm256_add_ps(sq, _mm256_mul_ps(v, v));
            }
            let mut lanes = [0.0f32; 8];
            let mut sq_lanes = [0.0f32; 8];
            // SAFETY: both arrays hold 8 floats.
            unsafe {
                _mm256_storeu_ps(lanes.as_mut_ptr(), sum);
                _mm256_storeu_ps(sq_lanes.as_mut_ptr(), sq);
            }
            total += lanes.iter().map(|&v| f64::from(v)).sum::<f64>();
            total_sq += sq_lanes.iter().map(|&v| f64::from(v)).sum::<f64>();
            for &v in tail {
                let v = f64::from(v * scale);
                total += v;
                total_sq += v * v;
            }
        }
        (total, total_sq)
    }
}

/// Sum and sum of squares, accurate over the whole f32 range: values are
/// scaled by 1/max|value| first, so squares neither overflow (a gradient of
/// 1e25) nor underflow (a vanished gradient of 1e-25). NaN if any value is
/// NaN or infinite.
pub fn moments(values: &[f32]) -> (f64, f64) {
    let (max, bad) = max_abs(values);
    if bad {
        return (f64::NAN, f64::NAN);
    }
    if max < FLUSH_BELOW {
        return (0.0, 0.0);
    }
    let (sum, sq) = scaled_moments(values, 1.0 / max);
    let max = f64::from(max);
    (sum * max, sq * max * max)
}

/// Sum of squares.
pub fn sum_squares(values: &[f32]) -> f64 {
    moments(values).1
}

multiversion! {
    /// Σ (a − b)²: the squared norm of a difference, without storing it.
    pub fn sum_squared_difference(a: &[f32], b: &[f32]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| f64::from(x - y).powi(2))
            .sum()
    }
}

multiversion! {
    /// How many values are below `threshold`.
    pub fn count_below(values: &[f32], threshold: f32) -> usize {
        values.iter().map(|&v| usize::from(v < threshold)).sum()
    }
}

multiversion! {
    /// Columns (of a row-major [rows, columns] matrix) with no positive
    /// entry; `column_max` is scratch space of `columns` floats.
    pub fn dead_columns(values: &[f32], columns: usize, column_max: &mut [f32]) -> usize {
        column_max.fill(f32::NEG_INFINITY);
        for row in values.chunks_exact(columns) {
            for (m, &v) in column_max.iter_mut().zip(row) {
                *m = if v > *m { v } else { *m };
            }
        }
        column_max.iter().filter(|&&m| m <= 0.0).count()
    }
}

multiversion! {
    /// sum += row, for every row: the bias gradient.
    pub fn add_rows(values: &[f32], columns: usize, sum: &mut [f32]) {
        sum.fill(0.0);
        for row in values.chunks_exact(columns) {
            for (s, &v) in sum.iter_mut().zip(row) {
                *s += v;
            }
        }
    }
}

multiversion! {
    /// SGD: w -= step * g.
    pub fn sgd(w: &mut [f32], g: &[f32], step: f32) {
        for (w, &g) in w.iter_mut().zip(g) {
            *w -= step * g;
        }
    }
}

multiversion! {
    /// Momentum: v = mu v + scale g; w -= lr v.
    pub fn momentum(w: &mut [f32], g: &[f32], v: &mut [f32], mu: f32, scale: f32, lr: f32) {
        for ((w, &g), v) in w.iter_mut().zip(g).zip(v.iter_mut()) {
            *v = mu * *v + scale * g;
            *w -= lr * *v;
        }
    }
}

/// Adam's constants for one step.
#[derive(Clone, Copy, Debug)]
pub struct AdamStep {
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    /// Clipping factor applied to the gradient.
    pub scale: f32,
    /// lr / (1 - beta1^t).
    pub step: f32,
    /// 1 / sqrt(1 - beta2^t).
    pub inv_bc2_sqrt: f32,
}

multiversion! {
    /// Adam, PyTorch's formulation; returns the sum of squared updates.
    pub fn adam(w: &mut [f32], g: &[f32], m: &mut [f32], s: &mut [f32], c: AdamStep) -> f64 {
        let mut acc = [0.0f32; LANES];
        let body = |w: &mut f32, g: f32, m: &mut f32, s: &mut f32| -> f32 {
            let g = g * c.scale;
            *m = c.beta1 * *m + (1.0 - c.beta1) * g;
            *s = c.beta2 * *s + (1.0 - c.beta2) * g * g;
            let update = c.step * *m / (s.sqrt() * c.inv_bc2_sqrt + c.eps);
            *w -= update;
            update * update
        };
        let n = w.len();
        let full = n - n % LANES;
        for i in (0..full).step_by(LANES) {
            for k in 0..LANES {
                acc[k] += body(&mut w[i + k], g[i + k], &mut m[i + k], &mut s[i + k]);
            }
        }
        let mut tail = 0.0f32;
        for i in full..n {
            tail += body(&mut w[i], g[i], &mut m[i], &mut s[i]);
        }
        acc.iter().map(|&v| f64::from(v)).sum::<f64>() + f64::from(tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectorised kernels (AVX-512, AVX2 + FMA or baseline, whichever
    /// this CPU takes) give the bits of the scalar rules element by element,
    /// so a run is the same on every machine.
    #[test]
    fn activations_are_the_scalar_rules_bit_for_bit() {
        let pre: Vec<f32> = (0..1037)
            .map(|i| ((i * 7919 % 2003) as f32 - 1001.0) * 0.013)
            .chain([0.0, -0.0, 1e-30, -1e-30, 1e30, -1e30, f32::NAN])
            .collect();
        for act in [
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Relu,
            Activation::LeakyRelu,
        ] {
            let mut out = vec![0.0; pre.len()];
            let mut slope = vec![0.0; pre.len()];
            let mut values = vec![0.0; pre.len()];
            activate(act, &pre, &mut out, &mut slope);
            activate_values(act, &pre, &mut values);
            for (i, &z) in pre.iter().enumerate() {
                let want = match act {
                    Activation::Sigmoid => sigmoid_f32(z),
                    Activation::Tanh => tanh_f32(z),
                    Activation::Relu => z.max(0.0),
                    Activation::LeakyRelu => {
                        if z > 0.0 {
                            z
                        } else {
                            LEAKY_SLOPE * z
                        }
                    }
                };
                let same =
                    |got: f32| got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan());
                assert!(
                    same(out[i]) && same(values[i]),
                    "{act} at {z}: {} / {} vs {want}",
                    out[i],
                    values[i]
                );
            }
        }
    }

    #[test]
    fn reductions_match_plain_loops() {
        let values: Vec<f32> = (0..1003)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) * 0.01)
            .collect();
        for scale in [1.0f32, 1e-25, 1e25] {
            let scaled: Vec<f32> = values.iter().map(|v| v * scale).collect();
            let (s, q) = moments(&scaled);
            let s_ref: f64 = scaled.iter().map(|&v| f64::from(v)).sum();
            let q_ref: f64 = scaled.iter().map(|&v| f64::from(v).powi(2)).sum();
            let abs_sum: f64 = scaled.iter().map(|&v| f64::from(v).abs()).sum();
            assert!(
                (s - s_ref).abs() < 1e-6 * abs_sum,
                "sum at scale {scale}: {s} vs {s_ref}"
            );
            assert!(
                (q - q_ref).abs() < 1e-6 * q_ref,
                "squares at scale {scale}: {q} vs {q_ref}"
            );
        }
        assert!(moments(&[1.0, f32::NAN]).0.is_nan());
        assert!(moments(&[1.0, f32::INFINITY, 2.0]).1.is_nan());
        assert_eq!(moments(&[0.0; 5]), (0.0, 0.0));
        assert_eq!(
            count_below(&values, 0.0),
            values.iter().filter(|&&v| v < 0.0).count()
        );
        // No overflow for huge finite values.
        assert!(sum_squares(&[1e30, 1e30]).is_finite());
    }

    #[test]
    fn f32_kernels_agree_with_f64_rules() {
        for act in Activation::ALL {
            let zs: Vec<f32> = (-400..=400).map(|i| i as f32 * 0.025).collect();
            let mut out = vec![0.0; zs.len()];
            let mut slope = vec![0.0; zs.len()];
            activate(act, &zs, &mut out, &mut slope);
            for ((&z, &o), &d) in zs.iter().zip(&out).zip(&slope) {
                let z64 = f64::from(z);
                assert!((f64::from(o) - act.value(z64)).abs() < 2e-6, "{act} g({z})");
                assert!(
                    (f64::from(d) - act.derivative(z64)).abs() < 2e-6,
                    "{act} g'({z})"
                );
            }
        }
    }

    #[test]
    fn slope_product_flushes_subnormals() {
        let mut g = vec![1e-30f32, 2.0, -1e-20, 3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0];
        let s = vec![1e-10f32, 0.5, 1e-19, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1e-39];
        multiply_slope(&mut g, &s);
        // 1e-40, -1e-39 and 5e-39 are subnormal: flushed.
        assert_eq!(g, vec![0.0, 1.0, 0.0, 6.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn dead_columns_counts_columns_never_positive() {
        let values = [-1.0, 2.0, 0.0, -3.0, -1.0, 0.0];
        let mut scratch = [0.0; 3];
        assert_eq!(dead_columns(&values, 3, &mut scratch), 2);
    }
}
