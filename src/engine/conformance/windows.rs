//! Checks of convolution and pooling: forward against the f64 definitions in `reference`,
//! backward against finite differences of them, on sizes that are multiples of no tile and
//! with every stride and padding case (a window that hangs over the edge, one that skips
//! pixels, one the size of the image).

use super::gradients::{check_gradients, weighted_sum, weighted_sum_reference};
use super::kernels::{dot_product_tolerance, random, wide};
use super::reference as r;
use super::{ensure_close, CheckResult, Tolerance};
use crate::engine::backend::{Backend, Pooling, Window};
use crate::engine::rng::Pcg32;
use crate::engine::tensor::Tensor;

/// `[batch, height, width, channels in]`, kernel size, channels out, stride, padding.
type Case = ([usize; 4], usize, usize, usize, usize);

/// Convolutions to check: the Digits CNN's two layers, and odd shapes around them.
const CONVOLUTIONS: [Case; 6] = [
    ([2, 7, 6, 3], 3, 5, 1, 0),
    ([1, 9, 9, 2], 5, 4, 2, 2),
    ([3, 5, 8, 1], 2, 3, 2, 0),
    ([1, 4, 4, 3], 4, 2, 3, 1),
    ([2, 28, 28, 1], 5, 8, 1, 0),
    ([3, 12, 12, 8], 5, 16, 1, 0),
];

/// Convolutions small enough for finite differences of every input.
const SMALL_CONVOLUTIONS: usize = 4;

pub async fn convolution_matches_its_definition<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(30);
    for (shape, size, outputs, stride, padding) in CONVOLUTIONS {
        let (x, k, b) = (random(&mut rng, shape.iter().product()), random(&mut rng, size * size * shape[3] * outputs), random(&mut rng, outputs));
        let y = Tensor::from_values(backend, &x, &shape).conv2d(
            &Tensor::from_values(backend, &k, &[size, size, shape[3], outputs]),
            &Tensor::from_values(backend, &b, &[outputs]),
            stride,
            padding,
        );
        let want = r::conv2d(&wide(&x), &wide(&k), &wide(&b), shape, size, outputs, stride, padding);
        let what = format!("{size}×{size} convolution, stride {stride}, padding {padding}, over {shape:?}");
        ensure_close(&what, &y.to_vec().await, &want, dot_product_tolerance(tolerance, size * size * shape[3]))?;
    }
    Ok(())
}

pub async fn convolution_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(31);
    for (shape, size, outputs, stride, padding) in &CONVOLUTIONS[..SMALL_CONVOLUTIONS] {
        let (shape, size, outputs, stride, padding) = (*shape, *size, *outputs, *stride, *padding);
        let kernel_shape = vec![size, size, shape[3], outputs];
        let inputs = [
            (shape.to_vec(), random(&mut rng, shape.iter().product())),
            (kernel_shape.clone(), random(&mut rng, kernel_shape.iter().product())),
            (vec![outputs], random(&mut rng, outputs)),
        ];
        let window = Window { batch: shape[0], height: shape[1], width: shape[2], channels: shape[3], size, stride, padding };
        let w = random(&mut rng, window.positions() * outputs);
        check_gradients(
            backend,
            &format!("{size}×{size} convolution, stride {stride}, padding {padding}, over {shape:?}"),
            &inputs,
            |p| weighted_sum(&p[0].conv2d(&p[1], &p[2], stride, padding), &w),
            |v| weighted_sum_reference(&r::conv2d(&v[0], &v[1], &v[2], shape, size, outputs, stride, padding), &w),
            tolerance,
        )
        .await?;
    }
    Ok(())
}

/// Transposed convolutions to check: `[batch, height, width, channels in]`, kernel size,
/// channels out, stride, padding. The last is a DCGAN generator's 7 × 7 → 14 × 14 step.
const TRANSPOSED: [Case; 4] = [([1, 2, 2, 2], 2, 1, 1, 0), ([2, 3, 4, 3], 3, 2, 2, 1), ([1, 3, 2, 2], 3, 3, 1, 1), ([2, 7, 7, 6], 4, 5, 2, 1)];

/// Transposed convolutions small enough for finite differences of every input.
const SMALL_TRANSPOSED: usize = 3;

pub async fn transposed_convolution_matches_its_definition_and_gradients<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(34);
    for (case, (shape, size, outputs, stride, padding)) in TRANSPOSED.into_iter().enumerate() {
        let kernel_shape = vec![size, size, outputs, shape[3]];
        let (x, k, b) = (random(&mut rng, shape.iter().product()), random(&mut rng, kernel_shape.iter().product()), random(&mut rng, outputs));
        let what = format!("{size}×{size} transposed convolution, stride {stride}, padding {padding}, over {shape:?}");
        let y = Tensor::from_values(backend, &x, &shape).conv_transpose2d(
            &Tensor::from_values(backend, &k, &kernel_shape),
            &Tensor::from_values(backend, &b, &[outputs]),
            stride,
            padding,
        );
        let want = r::conv_transpose2d(&wide(&x), &wide(&k), &wide(&b), shape, size, outputs, stride, padding);
        ensure_close(&what, &y.to_vec().await, &want, dot_product_tolerance(tolerance, size * size * shape[3]))?;
        if case < SMALL_TRANSPOSED {
            let w = random(&mut rng, want.len());
            let inputs = [(shape.to_vec(), x), (kernel_shape, k), (vec![outputs], b)];
            check_gradients(
                backend,
                &what,
                &inputs,
                |p| weighted_sum(&p[0].conv_transpose2d(&p[1], &p[2], stride, padding), &w),
                |v| weighted_sum_reference(&r::conv_transpose2d(&v[0], &v[1], &v[2], shape, size, outputs, stride, padding), &w),
                tolerance,
            )
            .await?;
        }
    }
    Ok(())
}

/// Poolings to check: `[batch, height, width, channels]`, size, stride, padding. Odd sizes
/// leave a last row that no window reaches; overlapping windows share pixels.
const POOLINGS: [([usize; 4], usize, usize, usize); 4] = [([2, 6, 6, 3], 2, 2, 0), ([1, 7, 5, 2], 2, 2, 0), ([2, 5, 6, 2], 3, 2, 1), ([1, 5, 5, 3], 3, 1, 0)];

/// The kernels directly (the op has no padding), forward and backward: each pixel's gradient
/// against finite differences of the definition, upstream gradients all different.
pub async fn pooling_matches_its_definition_and_its_gradient<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(32);
    for (shape, size, stride, padding) in POOLINGS {
        let window = Window { batch: shape[0], height: shape[1], width: shape[2], channels: shape[3], size, stride, padding };
        for (op, max) in [(Pooling::Max, true), (Pooling::Average, false)] {
            let what = format!("{op:?} pooling {size}×{size}, stride {stride}, padding {padding}, over {shape:?}");
            let x = random(&mut rng, window.input_len());
            let outputs = window.positions() * window.channels;
            let (dx, out) = (backend.upload(&x), backend.upload(&random(&mut rng, outputs)));
            backend.pool(op, &dx, &out, window);
            let want = r::pool(&wide(&x), shape, size, stride, padding, max);
            ensure_close(&what, &backend.read(&out, outputs).await, &want, tolerance)?;

            let upstream = random(&mut rng, outputs);
            let start = random(&mut rng, x.len());
            let grad = backend.upload(&start);
            backend.pool_backward(op, &dx, &out, &backend.upload(&upstream), &grad, window);
            let numerical = r::numerical_gradient(|v| weighted_sum_reference(&r::pool(v, shape, size, stride, padding, max), &upstream), &wide(&x));
            let want: Vec<f64> = numerical.iter().zip(&start).map(|(n, &s)| n + s as f64).collect();
            ensure_close(&format!("{what}: gradient added on"), &backend.read(&grad, x.len()).await, &want, tolerance)?;
        }
    }
    Ok(())
}

/// Ties, as ReLU makes them (a window of zeros): the whole gradient goes to the window's first
/// pixel in scan order, as PyTorch sends it, never to several. Worked by hand: two 2 × 2
/// windows side by side, `[[0, 0, 5, 5], [0, 0, 5, 1]]`, upstream gradients 1 and 2.
pub async fn max_pooling_gives_a_tie_to_the_first_pixel<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let window = Window { batch: 1, height: 2, width: 4, channels: 1, size: 2, stride: 2, padding: 0 };
    let x = backend.upload(&[0.0, 0.0, 5.0, 5.0, 0.0, 0.0, 5.0, 1.0]);
    let y = backend.zeros(2);
    backend.pool(Pooling::Max, &x, &y, window);
    ensure_close("max of each window", &backend.read(&y, 2).await, &[0.0, 5.0], tolerance)?;
    let grad = backend.zeros(8);
    backend.pool_backward(Pooling::Max, &x, &y, &backend.upload(&[1.0, 2.0]), &grad, window);
    ensure_close("gradient of tied windows", &backend.read(&grad, 8).await, &[1.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0], tolerance)
}

/// The ops, through `backward()`: a small CNN's pooling after a convolution.
pub async fn pooling_ops_pass_gradients_back<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(33);
    let shape = [2, 6, 7, 3];
    let x = random(&mut rng, shape.iter().product());
    let w = random(&mut rng, 2 * 3 * 3 * 3);
    for (name, max) in [("max_pool", true), ("average_pool", false)] {
        check_gradients(
            backend,
            name,
            &[(shape.to_vec(), x.clone())],
            |p| weighted_sum(&if max { p[0].max_pool(2, 2) } else { p[0].average_pool(2, 2) }, &w),
            |v| weighted_sum_reference(&r::pool(&v[0], shape, 2, 2, 0, max), &w),
            tolerance,
        )
        .await?;
    }
    Ok(())
}
