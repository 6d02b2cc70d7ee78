//! Looking into the learned word vectors: which words pull hardest each way, which words have
//! the most similar vectors (cosine similarity), and a flat map of frequent words (PCA).

use crate::data::{Vocabulary, UNKNOWN_ID};

use super::explain::word_score;
use super::model::Weights;

/// A word and a number about it (its score, or its similarity to another word).
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub word: String,
    pub value: f64,
}

/// Whether a vocabulary entry is a word (has a letter or digit), not punctuation or a reserved id.
pub fn is_word(id: u32, vocabulary: &Vocabulary) -> bool {
    id > UNKNOWN_ID && vocabulary.word(id).chars().any(char::is_alphanumeric)
}

/// The `count` words with the highest and the lowest scores (see [`word_score`]).
pub fn extremes(weights: &Weights, vocabulary: &Vocabulary, count: usize) -> (Vec<Ranked>, Vec<Ranked>) {
    let mut scored: Vec<(u32, f64)> =
        (0..weights.vocabulary as u32).filter(|&id| is_word(id, vocabulary)).map(|id| (id, word_score(weights, id))).collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let rank = |&(id, value): &(u32, f64)| Ranked { word: vocabulary.word(id).to_owned(), value };
    let positive = scored.iter().take(count).map(rank).collect();
    let negative = scored.iter().rev().take(count).map(rank).collect();
    (positive, negative)
}

/// Cosine similarity of two vectors; 0 when either is all zeros.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let (mut dot, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as f64, y as f64);
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        dot / (aa.sqrt() * bb.sqrt())
    }
}

/// The `count` words whose vectors point most nearly the same way as `id`'s.
pub fn neighbours(weights: &Weights, vocabulary: &Vocabulary, id: u32, count: usize) -> Vec<Ranked> {
    let target = weights.vector(id);
    let mut similar: Vec<(u32, f64)> = (0..weights.vocabulary as u32)
        .filter(|&other| other != id && is_word(other, vocabulary))
        .map(|other| (other, cosine(target, weights.vector(other))))
        .collect();
    similar.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    similar.into_iter().take(count).map(|(other, value)| Ranked { word: vocabulary.word(other).to_owned(), value }).collect()
}

/// The first `count` words in frequency order (ids are frequency ranks), skipping punctuation.
pub fn frequent_words(vocabulary: &Vocabulary, count: usize) -> Vec<u32> {
    (0..vocabulary.len() as u32).filter(|&id| is_word(id, vocabulary)).take(count).collect()
}

/// Points projected onto their two main directions.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// One `(x, y)` per input point.
    pub points: Vec<(f64, f64)>,
    /// The two directions (unit vectors), largest variance first.
    pub axes: [Vec<f64>; 2],
    /// Share of the total variance along each direction.
    pub explained: [f64; 2],
}

/// Principal component analysis to two dimensions: centre the points, take the two
/// eigenvectors of their covariance with the largest eigenvalues, and project. Each axis's
/// sign is chosen so that its largest component is positive, so the map does not flip as
/// training goes on.
pub fn pca_2d(rows: &[Vec<f64>]) -> Projection {
    let n = rows.len();
    let dim = rows.first().map_or(0, Vec::len);
    if n == 0 || dim == 0 {
        return Projection { points: Vec::new(), axes: [vec![0.0; dim], vec![0.0; dim]], explained: [0.0; 2] };
    }
    let mut mean = vec![0.0; dim];
    for row in rows {
        mean.iter_mut().zip(row).for_each(|(m, v)| *m += v / n as f64);
    }
    let mut covariance = vec![0.0; dim * dim];
    for row in rows {
        for i in 0..dim {
            for j in 0..dim {
                covariance[i * dim + j] += (row[i] - mean[i]) * (row[j] - mean[j]) / n as f64;
            }
        }
    }
    let (values, vectors) = symmetric_eigen(&covariance, dim);
    let mut order: Vec<usize> = (0..dim).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    let axis = |k: usize| -> Vec<f64> {
        let Some(&column) = order.get(k) else { return vec![0.0; dim] };
        let mut v: Vec<f64> = (0..dim).map(|i| vectors[i * dim + column]).collect();
        let largest = v.iter().copied().fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
        if largest < 0.0 {
            v.iter_mut().for_each(|x| *x = -*x);
        }
        v
    };
    let axes = [axis(0), axis(1)];
    let share = |k: usize| if total > 0.0 { order.get(k).map_or(0.0, |&c| values[c].max(0.0) / total) } else { 0.0 };
    let points = rows
        .iter()
        .map(|row| {
            let project = |a: &[f64]| row.iter().zip(&mean).zip(a).map(|((v, m), a)| (v - m) * a).sum::<f64>();
            (project(&axes[0]), project(&axes[1]))
        })
        .collect();
    Projection { points, axes, explained: [share(0), share(1)] }
}

/// Eigenvalues and eigenvectors (as columns, row-major `dim × dim`) of a symmetric matrix, by
/// cyclic Jacobi rotations: each rotation zeroes one off-diagonal pair, and sweeps repeat until
/// what is left off the diagonal is negligible.
pub fn symmetric_eigen(matrix: &[f64], dim: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = matrix.to_vec();
    let mut v = vec![0.0; dim * dim];
    (0..dim).for_each(|i| v[i * dim + i] = 1.0);
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _sweep in 0..100 {
        let off: f64 = (0..dim).flat_map(|i| (0..dim).filter(move |&j| j != i).map(move |j| (i, j))).map(|(i, j)| a[i * dim + j].powi(2)).sum();
        if off <= 1e-24 * scale {
            break;
        }
        for p in 0..dim {
            for q in p + 1..dim {
                let apq = a[p * dim + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * dim + q] - a[p * dim + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..dim {
                    let (akp, akq) = (a[k * dim + p], a[k * dim + q]);
                    a[k * dim + p] = c * akp - s * akq;
                    a[k * dim + q] = s * akp + c * akq;
                }
                for k in 0..dim {
                    let (apk, aqk) = (a[p * dim + k], a[q * dim + k]);
                    a[p * dim + k] = c * apk - s * aqk;
                    a[q * dim + k] = s * apk + c * aqk;
                }
                for k in 0..dim {
                    let (vkp, vkq) = (v[k * dim + p], v[k * dim + q]);
                    v[k * dim + p] = c * vkp - s * vkq;
                    v[k * dim + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..dim).map(|i| a[i * dim + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_finds_the_eigenvalues_of_a_matrix_worked_by_hand() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3, eigenvectors (1, −1)/√2 and (1, 1)/√2.
        let (mut values, vectors) = symmetric_eigen(&[2.0, 1.0, 1.0, 2.0], 2);
        let three = if values[0] > values[1] { 0 } else { 1 };
        assert!((vectors[three].abs() - 0.5f64.sqrt()).abs() < 1e-12);
        assert!((vectors[2 + three] - vectors[three]).abs() < 1e-12, "(1, 1) direction");
        values.sort_by(f64::total_cmp);
        assert!((values[0] - 1.0).abs() < 1e-12 && (values[1] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn jacobi_eigenpairs_satisfy_av_equals_lambda_v_on_a_random_symmetric_matrix() {
        let dim = 7;
        let mut rng = crate::engine::rng::Pcg32::from_seed(5);
        let mut m = vec![0.0; dim * dim];
        for i in 0..dim {
            for j in i..dim {
                let x = rng.uniform_between(-1.0, 1.0) as f64;
                m[i * dim + j] = x;
                m[j * dim + i] = x;
            }
        }
        let (values, vectors) = symmetric_eigen(&m, dim);
        for k in 0..dim {
            for i in 0..dim {
                let av: f64 = (0..dim).map(|j| m[i * dim + j] * vectors[j * dim + k]).sum();
                assert!((av - values[k] * vectors[i * dim + k]).abs() < 1e-10);
            }
        }
    }

    #[test]
    fn pca_of_points_along_a_known_line_finds_that_line() {
        // Points t·(1, 2, 0)/√5 plus a smaller spread s along (0, 0, 1), centred at (5, 5, 5).
        let u = [1.0 / 5f64.sqrt(), 2.0 / 5f64.sqrt(), 0.0];
        let spread = [(-2.0, 0.25), (-1.0, -0.5), (0.0, 0.0), (1.0, 0.5), (2.0, -0.25)];
        let rows: Vec<Vec<f64>> = spread.iter().map(|&(t, s)| vec![5.0 + t * u[0], 5.0 + t * u[1], 5.0 + s]).collect();
        let p = pca_2d(&rows);
        for i in 0..3 {
            assert!((p.axes[0][i] - u[i]).abs() < 1e-12, "first axis {:?}", p.axes[0]);
        }
        assert!((p.axes[1][2].abs() - 1.0).abs() < 1e-12, "second axis {:?}", p.axes[1]);
        // By hand: t and s have mean 0 and Σ t·s = 0; var t = 10/5 = 2, var s = 0.625/5 = 0.125.
        assert!((p.explained[0] - 2.0 / 2.125).abs() < 1e-12 && (p.explained[1] - 0.125 / 2.125).abs() < 1e-12);
        for (point, &(t, s)) in p.points.iter().zip(&spread) {
            assert!((point.0 - t).abs() < 1e-12 && (point.1.abs() - f64::abs(s)).abs() < 1e-12);
        }
    }

    #[test]
    fn pca_of_nothing_is_empty_not_a_panic() {
        assert!(pca_2d(&[]).points.is_empty());
        let same = pca_2d(&[vec![1.0, 1.0], vec![1.0, 1.0]]);
        assert_eq!(same.points, vec![(0.0, 0.0), (0.0, 0.0)]);
    }

    #[test]
    fn cosine_and_neighbours_worked_by_hand() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 1.0]) - 0.5f64.sqrt()).abs() < 1e-7);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
        let vocabulary = Vocabulary::from_counts([("good", 4), ("great", 3), ("bad", 2), ("!", 1)], 6);
        let weights = Weights {
            vocabulary: 6,
            dim: 2,
            // <pad>, <unk>, good, great, bad, !
            table: vec![0.0, 0.0, 0.0, 0.0, 1.0, 0.1, 0.9, 0.2, -1.0, 0.0, 1.0, 0.1],
            hidden: None,
            output: vec![1.0, 0.0],
            output_bias: 0.0,
        };
        let good = vocabulary.id("good");
        let near = neighbours(&weights, &vocabulary, good, 2);
        assert_eq!(near.iter().map(|r| r.word.as_str()).collect::<Vec<_>>(), ["great", "bad"], "\"!\" is not a word");
        let (positive, negative) = extremes(&weights, &vocabulary, 1);
        assert_eq!((positive[0].word.as_str(), positive[0].value), ("good", 1.0));
        assert_eq!((negative[0].word.as_str(), negative[0].value), ("bad", -1.0));
        assert_eq!(frequent_words(&vocabulary, 10), vec![2, 3, 4]);
    }
}
