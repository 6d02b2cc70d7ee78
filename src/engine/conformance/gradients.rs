//! Checks of `backward()`: every op's gradient against central finite differences of an
//! independent f64 reference of the same computation.

use super::kernels::{random, reference_loss, targets_for, wide, LOSSES};
use super::reference as r;
use super::{ensure_close, CheckResult, Tolerance};
use crate::engine::backend::Backend;
use crate::engine::ops::Bags;
use crate::engine::rng::Pcg32;
use crate::engine::tensor::Tensor;

/// Builds the engine's scalar from `inputs` (made parameters), compares its value with
/// `reference`, runs `backward()`, and compares each input's gradient with finite differences
/// of `reference`.
pub(super) async fn check_gradients<B: Backend>(
    backend: &B,
    what: &str,
    inputs: &[(Vec<usize>, Vec<f32>)],
    engine: impl Fn(&[Tensor<B>]) -> Tensor<B>,
    reference: impl Fn(&[Vec<f64>]) -> f64,
    tolerance: Tolerance,
) -> CheckResult {
    let parameters: Vec<Tensor<B>> = inputs.iter().map(|(shape, values)| Tensor::parameter(backend, values, shape)).collect();
    let wide_inputs: Vec<Vec<f64>> = inputs.iter().map(|(_, values)| wide(values)).collect();
    let output = engine(&parameters);
    ensure_close(&format!("{what}: value"), &output.to_vec().await, &[reference(&wide_inputs)], tolerance)?;
    output.backward();
    for (i, parameter) in parameters.iter().enumerate() {
        let along_input = |x: &[f64]| {
            let mut all = wide_inputs.clone();
            all[i] = x.to_vec();
            reference(&all)
        };
        let numerical = r::numerical_gradient(along_input, &wide_inputs[i]);
        let got = parameter.grad_to_vec().await.ok_or_else(|| format!("{what}: input {i} received no gradient"))?;
        ensure_close(&format!("{what}: gradient of input {i}"), &got, &numerical, tolerance)?;
    }
    Ok(())
}

/// Turns an op's array output into one number, `Σ wᵢ yᵢ`, with fixed random weights so that
/// every output element sends back a different upstream gradient.
pub(super) fn weighted_sum<B: Backend>(y: &Tensor<B>, weights: &[f32]) -> Tensor<B> {
    y.mul(&Tensor::from_values(y.backend(), weights, y.shape())).sum()
}

pub(super) fn weighted_sum_reference(y: &[f64], weights: &[f32]) -> f64 {
    y.iter().zip(weights).map(|(y, &w)| y * w as f64).sum()
}

pub async fn matmul_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(20);
    // The second size is large enough for the CPU's packed path in both directions.
    for (m, k, n) in [(3, 4, 5), (20, 30, 10)] {
        let (a, b, w) = (random(&mut rng, m * k), random(&mut rng, k * n), random(&mut rng, m * n));
        check_gradients(
            backend,
            &format!("matmul {m}×{k} · {k}×{n}"),
            &[(vec![m, k], a), (vec![k, n], b)],
            |p| weighted_sum(&p[0].matmul(&p[1]), &w),
            |x| weighted_sum_reference(&r::matmul(&x[0], &x[1], m, k, n, false, false), &w),
            tolerance,
        )
        .await?;
    }
    Ok(())
}

pub async fn elementwise_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(21);
    let shape = vec![3, 4];
    let (a, b, w) = (random(&mut rng, 12), random(&mut rng, 12), random(&mut rng, 12));
    let inputs = [(shape.clone(), a.clone()), (shape.clone(), b.clone())];
    let zip = |x: &[Vec<f64>], f: fn(f64, f64) -> f64| x[0].iter().zip(&x[1]).map(|(&a, &b)| f(a, b)).collect::<Vec<_>>();
    check_gradients(backend, "add", &inputs, |p| weighted_sum(&p[0].add(&p[1]), &w), |x| weighted_sum_reference(&zip(x, |a, b| a + b), &w), tolerance).await?;
    check_gradients(backend, "sub", &inputs, |p| weighted_sum(&p[0].sub(&p[1]), &w), |x| weighted_sum_reference(&zip(x, |a, b| a - b), &w), tolerance).await?;
    check_gradients(backend, "mul", &inputs, |p| weighted_sum(&p[0].mul(&p[1]), &w), |x| weighted_sum_reference(&zip(x, |a, b| a * b), &w), tolerance).await?;
    let scaled = |x: &[Vec<f64>]| weighted_sum_reference(&x[0].iter().map(|v| -1.5 * v).collect::<Vec<_>>(), &w);
    check_gradients(backend, "scale", &inputs[..1], |p| weighted_sum(&p[0].scale(-1.5), &w), scaled, tolerance).await
}

pub async fn bias_gradient_is_the_column_sum<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(22);
    let (rows, cols) = (4, 3);
    let (x, bias, w) = (random(&mut rng, rows * cols), random(&mut rng, cols), random(&mut rng, rows * cols));
    let reference = |v: &[Vec<f64>]| {
        let y: Vec<f64> = (0..rows * cols).map(|i| v[0][i] + v[1][i % cols]).collect();
        weighted_sum_reference(&y, &w)
    };
    for bias_shape in [vec![cols], vec![1, cols]] {
        check_gradients(
            backend,
            &format!("[{rows}, {cols}] + bias {bias_shape:?}"),
            &[(vec![rows, cols], x.clone()), (bias_shape, bias.clone())],
            |p| weighted_sum(&p[0].add(&p[1]), &w),
            reference,
            tolerance,
        )
        .await?;
    }
    Ok(())
}

pub async fn activation_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(23);
    let (x, w) = (random(&mut rng, 15), random(&mut rng, 15));
    let cases: [(&str, fn(&Tensor<B>) -> Tensor<B>, fn(f64) -> f64); 6] = [
        ("relu", |t| t.relu(), |x| x.max(0.0)),
        ("leaky_relu(0.1)", |t| t.leaky_relu(0.1), |x| if x > 0.0 { x } else { 0.1 * x }),
        ("sigmoid", |t| t.sigmoid(), r::sigmoid),
        ("tanh", |t| t.tanh(), f64::tanh),
        ("gelu", |t| t.gelu(), r::gelu),
        ("exp", |t| t.exp(), f64::exp),
    ];
    for (name, op, f) in cases {
        let reference = |v: &[Vec<f64>]| weighted_sum_reference(&v[0].iter().map(|&x| f(x)).collect::<Vec<_>>(), &w);
        check_gradients(backend, name, &[(vec![3, 5], x.clone())], |p| weighted_sum(&op(&p[0]), &w), reference, tolerance).await?;
    }
    Ok(())
}

pub async fn batched_matmul_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(27);
    let (z, m, k, n) = (2, 3, 4, 5);
    for transpose_other in [false, true] {
        let (a, b, w) = (random(&mut rng, z * m * k), random(&mut rng, z * k * n), random(&mut rng, z * m * n));
        let other_shape = if transpose_other { vec![z, n, k] } else { vec![z, k, n] };
        let reference = |v: &[Vec<f64>]| {
            let products: Vec<f64> = (0..z).flat_map(|i| r::matmul(&v[0][i * m * k..][..m * k], &v[1][i * k * n..][..k * n], m, k, n, false, transpose_other)).collect();
            weighted_sum_reference(&products, &w)
        };
        check_gradients(
            backend,
            &format!("batched_matmul (other transposed: {transpose_other})"),
            &[(vec![z, m, k], a), (other_shape, b)],
            |p| weighted_sum(&p[0].batched_matmul(&p[1], transpose_other), &w),
            reference,
            tolerance,
        )
        .await?;
    }
    Ok(())
}

/// Attention's head split, scores, mask, weighted sum and merge, end to end: `[1, 4, 2, 3]`
/// (4 positions, 2 heads of 3) for q, k and v.
pub async fn attention_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(28);
    let (t, h, d) = (4, 2, 3);
    let len = t * h * d;
    let (q, k, v, w) = (random(&mut rng, len), random(&mut rng, len), random(&mut rng, len), random(&mut rng, len));
    let shape = vec![1, t, h, d];
    let engine = |p: &[Tensor<B>]| {
        let heads: Vec<Tensor<B>> = p.iter().map(|x| x.swap_middle_axes().reshape(&[h, t, d])).collect();
        let scores = heads[0].batched_matmul(&heads[1], true).scale(1.0 / (d as f32).sqrt()).reshape(&[h * t, t]);
        let mixed = scores.causal_softmax().reshape(&[h, t, t]).batched_matmul(&heads[2], false);
        weighted_sum(&mixed.reshape(&[1, h, t, d]).swap_middle_axes(), &w)
    };
    let reference = |p: &[Vec<f64>]| {
        // out[i][head] = Σ_{j ≤ i} softmax_j(q_i · k_j / √d) v_j, head by head.
        let at = |x: &[f64], i: usize, head: usize| x[(i * h + head) * d..][..d].to_vec();
        let mut out = vec![0.0; len];
        for head in 0..h {
            for i in 0..t {
                let scores: Vec<f64> = (0..=i).map(|j| at(&p[0], i, head).iter().zip(at(&p[1], j, head)).map(|(a, b)| a * b).sum::<f64>() / (d as f64).sqrt()).collect();
                let total: f64 = scores.iter().map(|s| s.exp()).sum();
                for (j, s) in scores.iter().enumerate() {
                    for (e, value) in at(&p[2], j, head).iter().enumerate() {
                        out[(i * h + head) * d + e] += s.exp() / total * value;
                    }
                }
            }
        }
        weighted_sum_reference(&out, &w)
    };
    let inputs = [(shape.clone(), q), (shape.clone(), k), (shape, v)];
    check_gradients(backend, "causal attention", &inputs, engine, reference, tolerance).await
}

pub async fn layer_norm_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(26);
    let (rows, cols) = (3, 5);
    let (x, w) = (random(&mut rng, rows * cols), random(&mut rng, rows * cols));
    let gain: Vec<f32> = random(&mut rng, cols).iter().map(|g| 1.0 + g).collect();
    let bias = random(&mut rng, cols);
    let epsilon = crate::engine::LAYER_NORM_EPSILON as f64;
    check_gradients(
        backend,
        "layer_norm",
        &[(vec![rows, cols], x), (vec![cols], gain), (vec![cols], bias)],
        |p| weighted_sum(&p[0].layer_norm(&p[1], &p[2]), &w),
        |v| weighted_sum_reference(&r::layer_norm(&v[0], &v[1], &v[2], cols, epsilon), &w),
        tolerance,
    )
    .await
}

pub async fn reduction_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(24);
    let x = random(&mut rng, 10);
    let input = [(vec![2, 5], x)];
    check_gradients(backend, "sum", &input, |p| p[0].sum(), |v| v[0].iter().sum(), tolerance).await?;
    check_gradients(backend, "mean", &input, |p| p[0].mean(), |v| v[0].iter().sum::<f64>() / 10.0, tolerance).await
}

pub async fn softmax_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(25);
    let (rows, cols) = (3, 5);
    let (x, w) = (random(&mut rng, rows * cols), random(&mut rng, rows * cols));
    let input = [(vec![rows, cols], x)];
    let softmax = |v: &[Vec<f64>]| weighted_sum_reference(&r::softmax(&v[0], cols), &w);
    let log_softmax = |v: &[Vec<f64>]| weighted_sum_reference(&r::softmax(&v[0], cols).iter().map(|p| p.ln()).collect::<Vec<_>>(), &w);
    check_gradients(backend, "softmax", &input, |p| weighted_sum(&p[0].softmax(), &w), softmax, tolerance).await?;
    let stacked = [(vec![2 * cols, cols], random(&mut rng, 2 * cols * cols))];
    let w_stacked = random(&mut rng, 2 * cols * cols);
    let causal = |v: &[Vec<f64>]| weighted_sum_reference(&r::causal_softmax(&v[0], cols), &w_stacked);
    check_gradients(backend, "causal softmax", &stacked, |p| weighted_sum(&p[0].causal_softmax(), &w_stacked), causal, tolerance).await?;
    check_gradients(backend, "log_softmax", &input, |p| weighted_sum(&p[0].log_softmax(), &w), log_softmax, tolerance).await
}

pub async fn loss_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(26);
    let (rows, cols) = (4, 3);
    for op in LOSSES {
        let x = random(&mut rng, rows * cols);
        let t = targets_for(op, &mut rng, rows * cols, cols);
        let targets = Tensor::from_values(backend, &t, &[rows, cols]);
        let wide_t = wide(&t);
        check_gradients(
            backend,
            &format!("{op:?}"),
            &[(vec![rows, cols], x)],
            |p| p[0].loss(op, &targets, "loss"),
            |v| reference_loss(op, &v[0], &wide_t, cols),
            tolerance,
        )
        .await?;
    }
    Ok(())
}

pub async fn embedding_bag_gradient_matches_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(27);
    let (vocabulary, dim) = (6, 4);
    // Token 1 appears twice in one bag and also in another; token 5 is never used.
    let bags: Vec<Vec<u32>> = vec![vec![0, 1, 1], vec![], vec![3, 1, 2, 4]];
    let (table, w) = (random(&mut rng, vocabulary * dim), random(&mut rng, bags.len() * dim));
    let uploaded = Bags::new(backend, &bags);
    check_gradients(
        backend,
        "embedding_bag",
        &[(vec![vocabulary, dim], table)],
        |p| weighted_sum(&p[0].embedding_bag(&uploaded), &w),
        |v| weighted_sum_reference(&r::embedding_bag(&v[0], dim, &bags), &w),
        tolerance,
    )
    .await
}

pub async fn reshape_passes_gradients_through<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(28);
    let (x, m, w) = (random(&mut rng, 12), random(&mut rng, 8), random(&mut rng, 6));
    // [2, 6] viewed as [3, 4], then multiplied by a [4, 2] matrix.
    check_gradients(
        backend,
        "reshape [2, 6] → [3, 4]",
        &[(vec![2, 6], x), (vec![4, 2], m)],
        |p| weighted_sum(&p[0].reshape(&[3, 4]).matmul(&p[1]), &w),
        |v| weighted_sum_reference(&r::matmul(&v[0], &v[1], 3, 4, 2, false, false), &w),
        tolerance,
    )
    .await
}

pub async fn a_tensor_used_twice_receives_both_gradients<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let x = vec![1.0, -2.0, 3.0];
    // d/dx Σ (x·x + x) = 2x + 1: the gradient arrives along three paths and must be summed.
    check_gradients(
        backend,
        "x·x + x",
        &[(vec![3], x)],
        |p| p[0].mul(&p[0]).add(&p[0]).sum(),
        |v| v[0].iter().map(|x| x * x + x).sum(),
        tolerance,
    )
    .await
}

pub async fn two_layer_network_gradients_match_finite_differences<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(29);
    let (batch, inputs, hidden, classes) = (5, 4, 6, 3);
    let x = random(&mut rng, batch * inputs);
    let t = targets_for(crate::engine::backend::Loss::SoftmaxCrossEntropy, &mut rng, batch * classes, classes);
    let (x_data, t_data) = (Tensor::from_values(backend, &x, &[batch, inputs]), Tensor::from_values(backend, &t, &[batch, classes]));
    let (wide_x, wide_t) = (wide(&x), wide(&t));
    let parameters = [
        (vec![inputs, hidden], random(&mut rng, inputs * hidden)),
        (vec![hidden], random(&mut rng, hidden)),
        (vec![hidden, classes], random(&mut rng, hidden * classes)),
        (vec![classes], random(&mut rng, classes)),
    ];
    let reference = |p: &[Vec<f64>]| {
        let mut h = r::matmul(&wide_x, &p[0], batch, inputs, hidden, false, false);
        h.iter_mut().enumerate().for_each(|(i, v)| *v = (*v + p[1][i % hidden]).tanh());
        let mut logits = r::matmul(&h, &p[2], batch, hidden, classes, false, false);
        logits.iter_mut().enumerate().for_each(|(i, v)| *v += p[3][i % classes]);
        r::softmax_cross_entropy(&logits, &wide_t, classes)
    };
    check_gradients(
        backend,
        "tanh network with softmax cross-entropy",
        &parameters,
        |p| x_data.matmul(&p[0]).add(&p[1]).tanh().matmul(&p[2]).add(&p[3]).softmax_cross_entropy(&t_data),
        reference,
        tolerance,
    )
    .await
}
