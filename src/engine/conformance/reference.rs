//! Reference arithmetic in f64, written as directly from the definitions as possible and
//! sharing no code with any backend: the oracle the conformance checks compare against.

/// `op(A)·op(B)` by the textbook triple loop; A is `m×k` (stored `k×m` if transposed), B `k×n`.
pub fn matmul(a: &[f64], b: &[f64], m: usize, k: usize, n: usize, transpose_a: bool, transpose_b: bool) -> Vec<f64> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            for p in 0..k {
                let a_ip = if transpose_a { a[p * m + i] } else { a[i * k + p] };
                let b_pj = if transpose_b { b[j * k + p] } else { b[p * n + j] };
                c[i * n + j] += a_ip * b_pj;
            }
        }
    }
    c
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// LayerNorm of each row of a `rows × cols` matrix, from its definition: `(x − μ)/√(σ² + ε)`,
/// times the gain, plus the bias; σ² divides by `cols`.
pub fn layer_norm(x: &[f64], gain: &[f64], bias: &[f64], cols: usize, epsilon: f64) -> Vec<f64> {
    x.chunks(cols)
        .flat_map(|row| {
            let mean = row.iter().sum::<f64>() / cols as f64;
            let variance = row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / cols as f64;
            row.iter().enumerate().map(move |(j, v)| (v - mean) / (variance + epsilon).sqrt() * gain[j] + bias[j]).collect::<Vec<_>>()
        })
        .collect()
}

/// GELU's tanh approximation, `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
pub fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x.powi(3))).tanh())
}

/// Softmax of each row of a `rows × cols` matrix, straight from `e^x / Σ e^x`.
pub fn softmax(x: &[f64], cols: usize) -> Vec<f64> {
    x.chunks(cols)
        .flat_map(|row| {
            let total: f64 = row.iter().map(|v| v.exp()).sum();
            row.iter().map(move |v| v.exp() / total).collect::<Vec<_>>()
        })
        .collect()
}

/// Attention's masked softmax: row r of a stack of `cols × cols` matrices is the softmax of its
/// first `r mod cols + 1` entries, then zeros.
pub fn causal_softmax(x: &[f64], cols: usize) -> Vec<f64> {
    x.chunks(cols)
        .enumerate()
        .flat_map(|(r, row)| {
            let seen = r % cols + 1;
            let total: f64 = row[..seen].iter().map(|v| v.exp()).sum();
            (0..cols).map(move |j| if j < seen { row[j].exp() / total } else { 0.0 }).collect::<Vec<_>>()
        })
        .collect()
}

pub fn softmax_cross_entropy(x: &[f64], t: &[f64], cols: usize) -> f64 {
    let p = softmax(x, cols);
    let rows = x.len() / cols;
    -p.iter().zip(t).map(|(p, t)| t * p.ln()).sum::<f64>() / rows as f64
}

/// Binary cross-entropy of `sigmoid(x)`, from its definition `−t log p − (1−t) log(1−p)`.
pub fn binary_cross_entropy(x: &[f64], t: &[f64]) -> f64 {
    let total: f64 = x.iter().zip(t).map(|(&x, &t)| -t * sigmoid(x).ln() - (1.0 - t) * (1.0 - sigmoid(x)).ln()).sum();
    total / x.len() as f64
}

pub fn mse(x: &[f64], t: &[f64]) -> f64 {
    x.iter().zip(t).map(|(x, t)| (x - t).powi(2)).sum::<f64>() / x.len() as f64
}

pub fn hinge(x: &[f64], t: &[f64]) -> f64 {
    x.iter().zip(t).map(|(x, t)| f64::max(0.0, 1.0 - t * x)).sum::<f64>() / x.len() as f64
}

/// Mean of the selected table rows for each bag (zeros for an empty bag).
pub fn embedding_bag(table: &[f64], dim: usize, bags: &[Vec<u32>]) -> Vec<f64> {
    let mut out = vec![0.0; bags.len() * dim];
    for (b, bag) in bags.iter().enumerate() {
        for &id in bag {
            for j in 0..dim {
                out[b * dim + j] += table[id as usize * dim + j] / bag.len() as f64;
            }
        }
    }
    out
}

/// The pixel `(y, x)` of an NHWC image, read at a signed position; `None` in the padding.
fn pixel(image: &[f64], [height, width, channels]: [usize; 3], n: usize, y: isize, x: isize, c: usize) -> Option<f64> {
    let inside = (0..height as isize).contains(&y) && (0..width as isize).contains(&x);
    inside.then(|| image[((n * height + y as usize) * width + x as usize) * channels + c])
}

/// A 2-D convolution by its definition, the sum over the window written out:
/// `y[n, oy, ox, o] = b[o] + Σ_{ky, kx, c} x[n, oy·s − p + ky, ox·s − p + kx, c] · k[ky, kx, c, o]`,
/// with `x` `[batch, height, width, channels]` (0 outside it) and `k` `[size, size, channels, outputs]`.
#[allow(clippy::too_many_arguments)]
pub fn conv2d(x: &[f64], k: &[f64], b: &[f64], [batch, height, width, channels]: [usize; 4], size: usize, outputs: usize, stride: usize, padding: usize) -> Vec<f64> {
    let (oh, ow) = ((height + 2 * padding - size) / stride + 1, (width + 2 * padding - size) / stride + 1);
    let mut y = Vec::with_capacity(batch * oh * ow * outputs);
    for n in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for o in 0..outputs {
                    let mut sum = b[o];
                    for ky in 0..size {
                        for kx in 0..size {
                            for c in 0..channels {
                                let (sy, sx) = ((oy * stride + ky) as isize - padding as isize, (ox * stride + kx) as isize - padding as isize);
                                if let Some(v) = pixel(x, [height, width, channels], n, sy, sx, c) {
                                    sum += v * k[((ky * size + kx) * channels + c) * outputs + o];
                                }
                            }
                        }
                    }
                    y.push(sum);
                }
            }
        }
    }
    y
}

/// A transposed convolution by its definition, input pixel by input pixel: each scatters
/// `x[n, iy, ix, ci] · k[ky, kx, co, ci]` onto output `(iy·s − p + ky, ix·s − p + kx, co)`
/// (dropped outside the output), then the bias is added. `x` is `[batch, height, width,
/// inputs]`, `k` `[size, size, outputs, inputs]`.
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose2d(x: &[f64], k: &[f64], b: &[f64], [batch, height, width, inputs]: [usize; 4], size: usize, outputs: usize, stride: usize, padding: usize) -> Vec<f64> {
    let (oh, ow) = ((height - 1) * stride + size - 2 * padding, (width - 1) * stride + size - 2 * padding);
    let mut y: Vec<f64> = (0..batch * oh * ow * outputs).map(|i| b[i % outputs]).collect();
    for n in 0..batch {
        for iy in 0..height {
            for ix in 0..width {
                for ci in 0..inputs {
                    let v = x[((n * height + iy) * width + ix) * inputs + ci];
                    for ky in 0..size {
                        for kx in 0..size {
                            let (y_, x_) = ((iy * stride + ky) as isize - padding as isize, (ix * stride + kx) as isize - padding as isize);
                            if !(0..oh as isize).contains(&y_) || !(0..ow as isize).contains(&x_) {
                                continue;
                            }
                            for co in 0..outputs {
                                y[((n * oh + y_ as usize) * ow + x_ as usize) * outputs + co] += v * k[((ky * size + kx) * outputs + co) * inputs + ci];
                            }
                        }
                    }
                }
            }
        }
    }
    y
}

/// Max- or average-pooling by its definition: each output is the max (ignoring the padding)
/// or the mean (counting the padding as zeros) of its `size × size` window.
pub fn pool(x: &[f64], [batch, height, width, channels]: [usize; 4], size: usize, stride: usize, padding: usize, max: bool) -> Vec<f64> {
    let (oh, ow) = ((height + 2 * padding - size) / stride + 1, (width + 2 * padding - size) / stride + 1);
    let mut y = Vec::with_capacity(batch * oh * ow * channels);
    for n in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for c in 0..channels {
                    let seen: Vec<f64> = (0..size * size)
                        .filter_map(|i| {
                            let (sy, sx) = ((oy * stride + i / size) as isize - padding as isize, (ox * stride + i % size) as isize - padding as isize);
                            pixel(x, [height, width, channels], n, sy, sx, c)
                        })
                        .collect();
                    y.push(if max { seen.iter().cloned().fold(f64::NEG_INFINITY, f64::max) } else { seen.iter().sum::<f64>() / (size * size) as f64 });
                }
            }
        }
    }
    y
}

/// Central finite differences of `f` at `x`: `(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h` for every i.
pub fn numerical_gradient(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..x.len())
        .map(|i| {
            let (mut up, mut down) = (x.to_vec(), x.to_vec());
            up[i] += h;
            down[i] -= h;
            (f(&up) - f(&down)) / (2.0 * h)
        })
        .collect()
}
