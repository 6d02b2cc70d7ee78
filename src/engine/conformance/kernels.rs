//! Checks of the forward kernels, each against the f64 reference or known values.

use super::reference as r;
use super::{ensure_close, CheckResult, Tolerance};
use crate::engine::backend::*;
use crate::engine::rng::Pcg32;

pub(super) fn random(rng: &mut Pcg32, len: usize) -> Vec<f32> {
    (0..len).map(|_| rng.normal()).collect()
}

pub(super) fn wide(values: &[f32]) -> Vec<f64> {
    values.iter().map(|&v| v as f64).collect()
}

/// A dot product of k terms is about √k times larger than one term, and so is its rounding error.
pub(super) fn dot_product_tolerance(tolerance: Tolerance, k: usize) -> Tolerance {
    Tolerance { absolute: tolerance.absolute + tolerance.relative * (k as f64).sqrt(), ..tolerance }
}

/// Sizes that are multiples of no block size, down to 1×1, and one the size of an MNIST layer.
/// The last two have k and n multiples of 4 but are not multiples of the WebGPU kernels' blocks
/// (8×16 per invocation, 64×64 per workgroup): they test the vec4 kernel's partial blocks.
const MATMUL_SIZES: [(usize, usize, usize); 7] =
    [(1, 1, 1), (3, 5, 7), (65, 129, 33), (2, 300, 1), (64, 784, 100), (68, 72, 36), (70, 100, 132)];

pub async fn matmul_matches_the_naive_product_for_every_transpose<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(10);
    for (m, k, n) in MATMUL_SIZES {
        for (transpose_a, transpose_b) in [(false, false), (true, false), (false, true), (true, true)] {
            let (a, b) = (random(&mut rng, m * k), random(&mut rng, k * n));
            // Start from garbage: without accumulate the old contents must not matter.
            let c = backend.upload(&random(&mut rng, m * n));
            let shape = Matmul { m, k, n, transpose_a, transpose_b, accumulate: false };
            backend.matmul(&backend.upload(&a), &backend.upload(&b), &c, shape);
            let want = r::matmul(&wide(&a), &wide(&b), m, k, n, transpose_a, transpose_b);
            let what = format!("{m}×{k} · {k}×{n} (transpose_a {transpose_a}, transpose_b {transpose_b})");
            ensure_close(&what, &backend.read(&c, m * n).await, &want, dot_product_tolerance(tolerance, k))?;
        }
    }
    Ok(())
}

/// Attention's products: each batch item is its own product, for every transpose, with sizes
/// on both of WebGPU's kernels (4 × 8 · 8 × 12 takes the vec4 one, 3 × 5 · 5 × 7 the other),
/// and with accumulation.
pub async fn batched_matmul_multiplies_each_item_alone<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(15);
    let batch = 3;
    for (m, k, n) in [(4, 8, 12), (3, 5, 7), (64, 32, 64)] {
        for flags in 0..8 {
            let shape = Matmul { m, k, n, transpose_a: flags & 1 != 0, transpose_b: flags & 2 != 0, accumulate: flags & 4 != 0 };
            let (a, b, start) = (random(&mut rng, batch * m * k), random(&mut rng, batch * k * n), random(&mut rng, batch * m * n));
            let c = backend.upload(&start);
            backend.batched_matmul(&backend.upload(&a), &backend.upload(&b), &c, shape, batch);
            let mut want = Vec::new();
            for z in 0..batch {
                let item = r::matmul(&wide(&a[z * m * k..][..m * k]), &wide(&b[z * k * n..][..k * n]), m, k, n, shape.transpose_a, shape.transpose_b);
                want.extend(item.iter().zip(&start[z * m * n..]).map(|(p, &s)| if shape.accumulate { p + s as f64 } else { *p }));
            }
            ensure_close(&format!("{batch} × {shape:?}"), &backend.read(&c, batch * m * n).await, &want, dot_product_tolerance(tolerance, k))?;
        }
    }
    Ok(())
}

pub async fn matmul_accumulates_into_the_output<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(11);
    for (m, k, n) in MATMUL_SIZES {
        for (transpose_a, transpose_b) in [(false, false), (true, false), (false, true), (true, true)] {
            let (a, b, start) = (random(&mut rng, m * k), random(&mut rng, k * n), random(&mut rng, m * n));
            let c = backend.upload(&start);
            let shape = Matmul { m, k, n, transpose_a, transpose_b, accumulate: true };
            backend.matmul(&backend.upload(&a), &backend.upload(&b), &c, shape);
            let product = r::matmul(&wide(&a), &wide(&b), m, k, n, transpose_a, transpose_b);
            let want: Vec<f64> = product.iter().zip(&start).map(|(p, &s)| p + s as f64).collect();
            let what = format!("C += {m}×{k} · {k}×{n} (transpose_a {transpose_a}, transpose_b {transpose_b})");
            ensure_close(&what, &backend.read(&c, m * n).await, &want, dot_product_tolerance(tolerance, k))?;
        }
    }
    Ok(())
}

pub async fn elementwise_kernels_match_their_definitions<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(12);
    let (rows, cols) = (7, 5);
    let len = rows * cols;
    let (a, b) = (random(&mut rng, len), random(&mut rng, len));
    let (wa, wb) = (wide(&a), wide(&b));
    let (da, db) = (backend.upload(&a), backend.upload(&b));
    let out = backend.zeros(len);
    let unaries: [(Unary, fn(f64) -> f64); 6] = [
        (Unary::Relu, |x| x.max(0.0)),
        (Unary::LeakyRelu { slope: 0.1 }, |x| if x > 0.0 { x } else { 0.1 * x }),
        (Unary::Sigmoid, r::sigmoid),
        (Unary::Tanh, f64::tanh),
        (Unary::Gelu, r::gelu),
        (Unary::Exp, f64::exp),
    ];
    for (op, f) in unaries {
        backend.unary(op, &da, &out, len);
        ensure_close(&format!("{op:?}"), &backend.read(&out, len).await, &wa.iter().map(|&x| f(x)).collect::<Vec<_>>(), tolerance)?;
    }
    // GELU far from zero: x itself on the right, 0 on the left, never NaN (a GPU's tanh can
    // overflow there).
    let far = [-30.0, -12.0, -6.0, 6.0, 12.0, 30.0];
    let (d_far, far_out, ones) = (backend.upload(&far), backend.zeros(far.len()), backend.upload(&[1.0; 6]));
    backend.unary(Unary::Gelu, &d_far, &far_out, far.len());
    ensure_close("Gelu far from zero", &backend.read(&far_out, far.len()).await, &wide(&far).iter().map(|&x| r::gelu(x)).collect::<Vec<_>>(), tolerance)?;
    let slopes = backend.zeros(far.len());
    backend.unary_backward(Unary::Gelu, &d_far, &far_out, &ones, &slopes, far.len());
    ensure_close("Gelu's slope far from zero", &backend.read(&slopes, far.len()).await, &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0], tolerance)?;
    let binaries: [(Binary, fn(f64, f64) -> f64); 3] =
        [(Binary::Add, |a, b| a + b), (Binary::Sub, |a, b| a - b), (Binary::Mul, |a, b| a * b)];
    for (op, f) in binaries {
        backend.binary(op, &da, &db, &out, len, false);
        let want: Vec<f64> = wa.iter().zip(&wb).map(|(&a, &b)| f(a, b)).collect();
        ensure_close(&format!("{op:?}"), &backend.read(&out, len).await, &want, tolerance)?;
        backend.binary(op, &da, &db, &out, len, true);
        let twice: Vec<f64> = want.iter().map(|w| 2.0 * w).collect();
        ensure_close(&format!("{op:?}, accumulated"), &backend.read(&out, len).await, &twice, tolerance)?;
    }
    backend.scale(&da, -2.5, &out, len, false);
    ensure_close("scale", &backend.read(&out, len).await, &wa.iter().map(|a| -2.5 * a).collect::<Vec<_>>(), tolerance)?;
    backend.scale(&db, 3.0, &out, len, true);
    let want: Vec<f64> = wa.iter().zip(&wb).map(|(a, b)| -2.5 * a + 3.0 * b).collect();
    ensure_close("scale, accumulated", &backend.read(&out, len).await, &want, tolerance)?;

    let bias = random(&mut rng, cols);
    backend.add_bias(&da, &backend.upload(&bias), &out, rows, cols);
    let want: Vec<f64> = (0..len).map(|i| wa[i] + bias[i % cols] as f64).collect();
    ensure_close("add_bias", &backend.read(&out, len).await, &want, tolerance)?;

    let sums = backend.upload(&[100.0; 5]);
    let column_sums: Vec<f64> = (0..cols).map(|j| (0..rows).map(|i| wa[i * cols + j]).sum()).collect();
    backend.sum_rows(&da, &sums, rows, cols, false);
    ensure_close("sum_rows", &backend.read(&sums, cols).await, &column_sums, tolerance)?;
    backend.sum_rows(&da, &sums, rows, cols, true);
    let doubled: Vec<f64> = column_sums.iter().map(|s| 2.0 * s).collect();
    ensure_close("sum_rows, accumulated", &backend.read(&sums, cols).await, &doubled, tolerance)?;

    let total = backend.zeros(1);
    backend.reduce(Reduce::Sum, &da, &total, len);
    ensure_close("sum", &backend.read(&total, 1).await, &[wa.iter().sum()], tolerance)?;
    backend.reduce(Reduce::Mean, &da, &total, len);
    ensure_close("mean", &backend.read(&total, 1).await, &[wa.iter().sum::<f64>() / len as f64], tolerance)
}

/// LayerNorm's pieces: each row to mean 0 and variance 1 (and its 1/σ kept), including a
/// constant row, whose variance is 0 and which ε keeps finite; then the gain on each column.
pub async fn layer_norm_rows_match_their_definition<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(14);
    let (rows, cols, epsilon) = (4, 6, 1e-5);
    let mut x = random(&mut rng, rows * cols);
    x[18..24].fill(0.75);
    let (out, rstd) = (backend.zeros(rows * cols), backend.zeros(rows));
    backend.normalize_rows(&backend.upload(&x), &out, &rstd, rows, cols, epsilon);
    let want = r::layer_norm(&wide(&x), &[1.0; 6], &[0.0; 6], cols, epsilon as f64);
    ensure_close("normalize_rows", &backend.read(&out, rows * cols).await, &want, tolerance)?;
    let want_rstd: Vec<f64> = wide(&x)
        .chunks(cols)
        .map(|row| {
            let mean = row.iter().sum::<f64>() / cols as f64;
            1.0 / (row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / cols as f64 + epsilon as f64).sqrt()
        })
        .collect();
    ensure_close("normalize_rows: 1/σ per row", &backend.read(&rstd, rows).await, &want_rstd, tolerance)?;

    let scale = random(&mut rng, cols);
    let (dx, ds) = (backend.upload(&x), backend.upload(&scale));
    let scaled: Vec<f64> = (0..rows * cols).map(|i| x[i] as f64 * scale[i % cols] as f64).collect();
    backend.mul_columns(&dx, &ds, &out, rows, cols, false);
    ensure_close("mul_columns", &backend.read(&out, rows * cols).await, &scaled, tolerance)?;
    backend.mul_columns(&dx, &ds, &out, rows, cols, true);
    ensure_close("mul_columns, accumulated", &backend.read(&out, rows * cols).await, &scaled.iter().map(|v| 2.0 * v).collect::<Vec<_>>(), tolerance)
}

/// Two stacked 5 × 5 score matrices: row i of each is a softmax over entries 0..=i and 0 after,
/// even where a masked entry is huge (it must not leak in) or a seen one is.
pub async fn causal_softmax_sees_only_the_past<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(16);
    let (rows, cols) = (10, 5);
    let mut x = random(&mut rng, rows * cols);
    x[1] = 500.0; // row 0 sees only entry 0
    x[7 * cols + 2] = 80.0;
    let out = backend.zeros(rows * cols);
    backend.softmax(Softmax::Causal, &backend.upload(&x), &out, rows, cols);
    ensure_close("causal softmax", &backend.read(&out, rows * cols).await, &r::causal_softmax(&wide(&x), cols), tolerance)
}

/// `[2, 3, 4, 5]` → `[2, 4, 3, 5]`, element by element from the definition, then added onto.
pub async fn swapping_the_middle_axes_moves_every_number<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(17);
    let [a, b, c, d] = [2, 3, 4, 5];
    let x = random(&mut rng, a * b * c * d);
    let mut want = vec![0.0; x.len()];
    for ia in 0..a {
        for ib in 0..b {
            for ic in 0..c {
                for id in 0..d {
                    want[((ia * c + ic) * b + ib) * d + id] = x[((ia * b + ib) * c + ic) * d + id] as f64;
                }
            }
        }
    }
    let (dx, out) = (backend.upload(&x), backend.upload(&random(&mut rng, x.len())));
    backend.swap_middle_axes(&dx, &out, [a, b, c, d], false);
    ensure_close("swap_middle_axes", &backend.read(&out, x.len()).await, &want, tolerance)?;
    backend.swap_middle_axes(&dx, &out, [a, b, c, d], true);
    ensure_close("swap_middle_axes, accumulated", &backend.read(&out, x.len()).await, &want.iter().map(|w| 2.0 * w).collect::<Vec<_>>(), tolerance)
}

pub async fn softmax_rows_are_probabilities_even_for_huge_logits<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(13);
    let (rows, cols) = (4, 6);
    let x = random(&mut rng, rows * cols);
    let out = backend.zeros(rows * cols);
    backend.softmax(Softmax::Softmax, &backend.upload(&x), &out, rows, cols);
    let want = r::softmax(&wide(&x), cols);
    ensure_close("softmax", &backend.read(&out, rows * cols).await, &want, tolerance)?;
    backend.softmax(Softmax::LogSoftmax, &backend.upload(&x), &out, rows, cols);
    let want_log: Vec<f64> = want.iter().map(|p| p.ln()).collect();
    ensure_close("log_softmax", &backend.read(&out, rows * cols).await, &want_log, tolerance)?;

    // e^1000 overflows f32 and f64 alike; a stable softmax subtracts the row maximum first.
    let huge = backend.upload(&[1000.0, 1000.0, 1000.0, 0.0, -1000.0, -1000.0]);
    let out = backend.zeros(6);
    backend.softmax(Softmax::Softmax, &huge, &out, 3, 2);
    ensure_close("softmax of huge logits", &backend.read(&out, 6).await, &[0.5, 0.5, 1.0, 0.0, 0.5, 0.5], tolerance)?;
    backend.softmax(Softmax::LogSoftmax, &huge, &out, 3, 2);
    let ln_half = 0.5f64.ln();
    ensure_close("log_softmax of huge logits", &backend.read(&out, 6).await, &[ln_half, ln_half, 0.0, -1000.0, ln_half, ln_half], tolerance)
}

/// Targets of the kind each loss expects, for `len` predictions in rows of `cols`.
pub(super) fn targets_for(op: Loss, rng: &mut Pcg32, len: usize, cols: usize) -> Vec<f32> {
    match op {
        Loss::SoftmaxCrossEntropy => {
            let mut t = vec![0.0; len];
            for row in 0..len / cols {
                t[row * cols + rng.below(cols as u32) as usize] = 1.0;
            }
            t
        }
        Loss::BinaryCrossEntropyWithLogits => (0..len).map(|_| rng.uniform()).collect(),
        Loss::MeanSquaredError => random(rng, len),
        Loss::Hinge => (0..len).map(|_| if rng.uniform() < 0.5 { -1.0 } else { 1.0 }).collect(),
    }
}

pub(super) fn reference_loss(op: Loss, x: &[f64], t: &[f64], cols: usize) -> f64 {
    match op {
        Loss::SoftmaxCrossEntropy => r::softmax_cross_entropy(x, t, cols),
        Loss::BinaryCrossEntropyWithLogits => r::binary_cross_entropy(x, t),
        Loss::MeanSquaredError => r::mse(x, t),
        Loss::Hinge => r::hinge(x, t),
    }
}

pub(super) const LOSSES: [Loss; 4] =
    [Loss::SoftmaxCrossEntropy, Loss::BinaryCrossEntropyWithLogits, Loss::MeanSquaredError, Loss::Hinge];

pub async fn losses_match_their_definitions<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(14);
    let (rows, cols) = (5, 4);
    for op in LOSSES {
        let x = random(&mut rng, rows * cols);
        let t = targets_for(op, &mut rng, rows * cols, cols);
        let out = backend.zeros(1);
        backend.loss(op, &backend.upload(&x), &backend.upload(&t), &out, rows, cols);
        let want = reference_loss(op, &wide(&x), &wide(&t), cols);
        ensure_close(&format!("{op:?}"), &backend.read(&out, 1).await, &[want], tolerance)?;
    }
    Ok(())
}

pub async fn losses_stay_finite_for_huge_logits<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let out = backend.zeros(1);
    // The right class has logit 0 and the wrong one 1000: the loss is 1000, not infinity.
    let (x, t) = (backend.upload(&[1000.0, 0.0]), backend.upload(&[0.0, 1.0]));
    backend.loss(Loss::SoftmaxCrossEntropy, &x, &t, &out, 1, 2);
    ensure_close("softmax cross-entropy of logits (1000, 0)", &backend.read(&out, 1).await, &[1000.0], tolerance)?;
    let grad = backend.zeros(2);
    backend.loss_backward(Loss::SoftmaxCrossEntropy, &x, &t, &backend.upload(&[1.0]), &grad, 1, 2);
    ensure_close("its gradient", &backend.read(&grad, 2).await, &[1.0, -1.0], tolerance)?;

    // Logits ±100 with targets 1, 0, 1, 0: the two confident mistakes cost 100 each.
    let (x, t) = (backend.upload(&[100.0, -100.0, -100.0, 100.0]), backend.upload(&[1.0, 0.0, 1.0, 0.0]));
    backend.loss(Loss::BinaryCrossEntropyWithLogits, &x, &t, &out, 1, 4);
    ensure_close("binary cross-entropy of logits ±100", &backend.read(&out, 1).await, &[50.0], tolerance)
}

pub async fn embedding_bag_averages_selected_rows<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let mut rng = Pcg32::from_seed(15);
    let (vocabulary, dim) = (5, 3);
    let table = random(&mut rng, vocabulary * dim);
    let bags: Vec<Vec<u32>> = vec![vec![0, 2], vec![4], vec![], vec![1, 1, 3]];
    let ids: Vec<u32> = bags.iter().flatten().copied().collect();
    let offsets = [0, 2, 3, 3, 6];
    let out = backend.upload(&[9.0; 12]);
    let (ids, offsets) = (backend.upload_indices(&ids), backend.upload_indices(&offsets));
    backend.embedding_bag(&backend.upload(&table), &ids, &offsets, &out, bags.len(), dim);
    let want = r::embedding_bag(&wide(&table), dim, &bags);
    ensure_close("embedding_bag (an empty bag gives zeros)", &backend.read(&out, 12).await, &want, tolerance)
}

pub async fn reads_return_what_was_written<B: Backend>(backend: &B, _tolerance: Tolerance) -> CheckResult {
    let buffer = backend.upload(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    backend.write(&buffer, &[-1.0, -2.0]);
    let got = backend.read(&buffer, 5).await;
    if got != [-1.0, -2.0, 3.0, 4.0, 5.0] {
        return Err(format!("after upload and a partial write, read gave {got:?}"));
    }
    backend.fill(&buffer, 3, 7.5);
    let got = backend.read(&buffer, 5).await;
    if got != [7.5, 7.5, 7.5, 4.0, 5.0] {
        return Err(format!("after filling 3 numbers, read gave {got:?}"));
    }
    let zeros = backend.read(&backend.zeros(4), 4).await;
    if zeros != [0.0; 4] {
        return Err(format!("a new buffer read {zeros:?}"));
    }
    Ok(())
}
