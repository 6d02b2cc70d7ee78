use super::*;
use crate::engine::layers::Module;
use crate::engine::poll::now_or_never;
use crate::engine::CpuBackend;
use crate::lessons::gpt::model::{Gpt, Windows};

fn small(tied: bool) -> Shape {
    Shape { vocabulary: 11, layers: 2, heads: 2, width: 8, context: 6, tied }
}

/// A fresh model's weights, made larger than nanoGPT's σ = 0.02 so the scores differ clearly
/// from position to position (a sterner test of the wiring).
fn weights_of(gpt: &Gpt<CpuBackend>, scale: f32) -> Vec<Vec<f32>> {
    gpt.parameters().iter().map(|p| now_or_never(p.to_vec()).unwrap().iter().map(|v| v * scale).collect()).collect()
}

fn model(tied: bool, scale: f32) -> (Gpt<CpuBackend>, Arc<Weights>) {
    let gpt = Gpt::new(&CpuBackend::new(), small(tied), 5);
    let values = weights_of(&gpt, scale);
    for (p, v) in gpt.parameters().iter().zip(&values) {
        p.set_values(v);
    }
    let weights = Arc::new(Weights::from_parameters(gpt.shape, &values).unwrap());
    (gpt, weights)
}

/// The page's pass, one character at a time with its cache, gives the scores the engine's
/// batched pass gives at every position of a window, tied or not (within 1e-4: both are f32,
/// summed in different orders).
#[test]
fn reading_a_character_at_a_time_gives_the_engines_scores() {
    for tied in [true, false] {
        let (gpt, weights) = model(tied, 20.0);
        let ids = [3u8, 1, 4, 1, 5, 9];
        let engine = now_or_never(gpt.forward(&Windows { ids: ids.iter().map(|&i| i as u32).collect(), batch: 1 }).to_vec()).unwrap();
        let mut reader = Reader::new(weights);
        for (t, &id) in ids.iter().enumerate() {
            let scores = reader.push(id);
            for (a, b) in scores.iter().zip(&engine[t * 11..(t + 1) * 11]) {
                assert!((a - b).abs() < 1e-4 * (1.0 + b.abs()), "tied {tied}, position {t}: {a} vs {b}");
            }
        }
        // Each head's weights: one per position so far (the mask), summing to 1.
        for head in &reader.attention[1] {
            for (t, row) in head.iter().enumerate() {
                assert_eq!(row.len(), t + 1);
                assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            }
        }
    }
}

#[test]
fn weights_of_the_wrong_shape_are_refused_plainly() {
    let (gpt, _) = model(true, 1.0);
    let values = weights_of(&gpt, 1.0);
    assert!(Weights::from_parameters(small(false), &values).unwrap_err().contains("weight tables"));
    let mut short = values.clone();
    short[3].pop();
    assert!(Weights::from_parameters(small(true), &short).unwrap_err().contains("weight table 3"));
}

/// The same seed writes the same text; another seed, another text; temperature 0 is the
/// likeliest character every time, whatever the seed. Writing runs past the context (6) and
/// from a prompt longer than it.
#[test]
fn writing_is_deterministic_for_a_seed_and_runs_past_the_context() {
    // nanoGPT's own small weights: nearly even odds, so another seed surely draws otherwise.
    let (_, weights) = model(true, 1.0);
    let write = |prompt: &[u8], sampling: Sampling| {
        let mut writer = Writer::new(weights.clone(), prompt, 0, sampling);
        (0..20).for_each(|_| {
            writer.next();
        });
        writer.written().to_vec()
    };
    let warm = Sampling { temperature: 1.5, top_k: 0, seed: 7 };
    assert_eq!(write(&[1, 2, 3], warm), write(&[1, 2, 3], warm));
    assert_ne!(write(&[1, 2, 3], warm), write(&[1, 2, 3], Sampling { seed: 8, ..warm }));
    let greedy = Sampling { temperature: 0.0, ..warm };
    assert_eq!(write(&[1, 2, 3], greedy), write(&[1, 2, 3], Sampling { seed: 8, ..greedy }));
    let long: Vec<u8> = (0..15).map(|i| i % 11).collect();
    let text = write(&long, warm);
    assert_eq!(text.len(), 20);
    assert!(text.iter().all(|&c| c < 11));
    // An empty prompt starts from the start character.
    assert_eq!(Writer::new(weights.clone(), &[], 4, warm).text, vec![4]);
}

/// The greedy choice after each character is the engine's likeliest next character, for the
/// first characters written (all within the context, where both passes read the same text).
#[test]
fn greedy_writing_follows_the_engines_likeliest_character() {
    let (gpt, weights) = model(false, 20.0);
    let mut writer = Writer::new(weights, &[2, 7], 0, Sampling { temperature: 0.0, top_k: 0, seed: 1 });
    for _ in 0..4 {
        let text = writer.text.clone();
        let scores = now_or_never(gpt.forward(&Windows { ids: text.iter().map(|&i| i as u32).collect(), batch: 1 }).to_vec()).unwrap();
        let last = &scores[(text.len() - 1) * 11..];
        let best = (0..11).fold(0, |b, i| if last[i] > last[b] { i } else { b });
        assert_eq!(writer.next() as usize, best);
    }
}
