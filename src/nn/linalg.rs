//! Matrix products on ndarray views, computed by the `gemm` crate (its
//! AVX-512 and AVX2 kernels are picked at run time). Views may be
//! transposed: strides are passed through, nothing is copied.

use ndarray::{ArrayView2, ArrayViewMut2};

/// c = a b + beta c.
///
/// Panics if the shapes do not chain: a caller's bug, never user input.
pub fn matmul(
    a: ArrayView2<'_, f32>,
    b: ArrayView2<'_, f32>,
    beta: f32,
    mut c: ArrayViewMut2<'_, f32>,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(
        k == k2 && c.dim() == (m, n),
        "matmul shapes {:?} x {:?} -> {:?}",
        a.dim(),
        b.dim(),
        c.dim()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.mapv_inplace(|v| beta * v);
        return;
    }
    let [a_rs, a_cs] = [a.strides()[0], a.strides()[1]];
    let [b_rs, b_cs] = [b.strides()[0], b.strides()[1]];
    let [c_rs, c_cs] = [c.strides()[0], c.strides()[1]];
    // SAFETY: the three views are valid for their shapes and strides, which
    // were checked to chain; `c` is borrowed mutably, so it aliases neither
    // input. gemm computes dst = alpha dst + beta lhs rhs, reading dst only
    // when `read_dst` is set.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cs,
            c_rs,
            beta != 0.0,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            beta,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, linalg::general_mat_mul};

    #[test]
    fn agrees_with_ndarray_for_every_layout() {
        let a = Array2::from_shape_fn((37, 19), |(i, j)| ((i * 7 + j * 3) % 11) as f32 - 5.0);
        let b = Array2::from_shape_fn((19, 23), |(i, j)| ((i * 5 + j) % 13) as f32 * 0.5 - 3.0);
        let at = a.t().to_owned();
        let bt = b.t().to_owned();
        for beta in [0.0f32, 1.0, 0.5] {
            let start = Array2::from_shape_fn((37, 23), |(i, j)| (i + j) as f32);
            let mut want = start.clone();
            general_mat_mul(1.0, &a, &b, beta, &mut want);
            for (lhs, rhs) in [
                (a.view(), b.view()),
                (at.t(), b.view()),
                (a.view(), bt.t()),
                (at.t(), bt.t()),
            ] {
                let mut got = start.clone();
                matmul(lhs, rhs, beta, got.view_mut());
                assert_eq!(got, want, "beta {beta}");
            }
        }
    }
}
