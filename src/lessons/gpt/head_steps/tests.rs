use std::sync::Arc;

use super::*;
use crate::engine::layers::Module;
use crate::engine::poll::now_or_never;
use crate::engine::CpuBackend;
use crate::lessons::gpt::inside::Weights;
use crate::lessons::gpt::model::{Gpt, Shape};

/// A block of width 2 with one head: W_Q = W_K = I, W_V = [[1, 2], [3, 4]], W_mix = [[0, 1],
/// [1, 0]] (it swaps), every bias 0. The LayerNorms and the MLP are not used by the head.
fn hand_block() -> BlockWeights {
    let zero = || vec![0.0f32; 2];
    let identity = vec![1.0, 0.0, 0.0, 1.0];
    BlockWeights {
        attention_gain: vec![1.0; 2],
        attention_bias: zero(),
        mlp_gain: vec![1.0; 2],
        mlp_bias: zero(),
        query: (identity.clone(), zero()),
        key: (identity, zero()),
        value: (vec![1.0, 2.0, 3.0, 4.0], zero()),
        mix: (vec![0.0, 1.0, 1.0, 0.0], zero()),
        expand: (vec![0.0; 16], vec![0.0; 8]),
        contract: (vec![0.0; 16], zero()),
    }
}

/// x = [[1, 0], [0, 1]]: Q = K = x, V = [[1, 2], [3, 4]]. Scores x·xᵀ/√2 = [[1/√2, 0], [0, 1/√2]].
/// Row 0 sees itself only: weights [1, 0], mixed [1, 2]. Row 1 sees (0, 1/√2):
/// weights 1/(1 + e^{1/√2}) and e^{1/√2}/(1 + e^{1/√2}) = 0.330 and 0.670, mixed
/// 0.330·[1, 2] + 0.670·[3, 4]. The projection swaps the two numbers.
#[test]
fn the_stages_are_worked_by_hand() {
    let s = steps_on(vec![vec![1.0, 0.0], vec![0.0, 1.0]], &hand_block(), 0, 1);
    let r = 1.0 / 2f64.sqrt();
    assert_eq!(s.q, s.x);
    assert_eq!(s.k, s.x);
    assert_eq!(s.v, vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
    let near = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    near(s.scores[0][0], r);
    near(s.scores[1][1], r);
    assert_eq!((s.scores[0][1], s.scores[1][0]), (0.0, 0.0));
    assert_eq!(s.masked[0][1], None, "position 0 may not see position 1");
    assert_eq!(s.masked[1][0], Some(0.0));
    let (a, b) = (1.0 / (1.0 + r.exp()), r.exp() / (1.0 + r.exp()));
    assert_eq!(s.weights[0], vec![1.0, 0.0]);
    near(s.weights[1][0], a);
    near(s.weights[1][1], b);
    assert!((a - 0.330_23).abs() < 1e-5);
    let mixed = [a + 3.0 * b, 2.0 * a + 4.0 * b];
    near(s.mixed[1][0], mixed[0]);
    near(s.mixed[1][1], mixed[1]);
    assert_eq!(s.projected[0], vec![2.0, 1.0]);
    near(s.projected[1][0], mixed[1]);
    near(s.projected[1][1], mixed[0]);
}

/// On a real (fresh) model, the f64 stages agree with what the page's f32 pass recorded: the
/// softmax rows are its attention weights, and the heads' projected parts plus the bias are
/// what attention added to the stream.
#[test]
fn the_stages_agree_with_the_pages_pass_on_a_real_model() {
    let shape = Shape { vocabulary: 11, layers: 2, heads: 2, width: 8, context: 8, tied: true };
    let gpt = Gpt::new(&CpuBackend::new(), shape, 9);
    let values: Vec<Vec<f32>> = gpt.parameters().iter().map(|p| now_or_never(p.to_vec()).unwrap().iter().map(|v| v * 30.0).collect()).collect();
    let mut reader = Reader::new(Arc::new(Weights::from_parameters(shape, &values).unwrap()));
    reader.read(&[1, 5, 2, 2, 7]);
    for layer in 0..2 {
        for head in 0..2 {
            let s = head_steps(&reader, layer, head, 8);
            assert_eq!(s.x.len(), 5);
            for (row, recorded) in s.weights.iter().zip(&reader.attention[layer][head]) {
                for (a, &b) in row.iter().zip(recorded) {
                    assert!((a - b as f64).abs() < 1e-5, "layer {layer} head {head}: {a} vs {b}");
                }
                assert!(row[recorded.len()..].iter().all(|&w| w == 0.0));
            }
        }
    }
}

#[test]
fn habits_are_read_off_the_weights() {
    // Every row puts 0.8 on the previous character and 0.2 on itself (row 0: all on itself).
    let text: Vec<char> = "a (b) c".chars().collect();
    let weights: Vec<Vec<f32>> = (0..text.len())
        .map(|t| (0..=t).map(|j| if t == 0 { 1.0 } else if j + 1 == t { 0.8 } else if j == t { 0.2 } else { 0.0 }).collect())
        .collect();
    let h = habits(&weights, &text);
    assert!((h.previous - 0.8).abs() < 1e-6 && (h.itself - 0.2).abs() < 1e-6);
    // The first character only from row 1, where it is the previous one: 0.8 / 6.
    assert!((h.first - 0.8 / 6.0).abs() < 1e-6);
    // ')' at 4 closes '(' at 2: row 4 puts 0 there.
    assert_eq!(h.bracket, Some(0.0));
    // Spaces at 1 and 5: rows 1..6 all have one. Row 1: 0.2 (itself); row 2: 0.8; rows 3, 4: 0;
    // row 5: 0.2; row 6: 0.8. Mean 2.0 / 6.
    assert!((h.space.unwrap() - 2.0 / 6.0).abs() < 1e-6);
    assert_eq!(h.describe(0.5).unwrap(), "looks at the previous character (80% of its attention on average)");
    assert_eq!(h.describe(0.9), None);
    assert_eq!(habits(&weights[..2], &text[..2]).bracket, None);
}
