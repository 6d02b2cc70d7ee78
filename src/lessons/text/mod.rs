//! `/text`: a sentiment classifier trained live on the 25,000 IMDB training reviews, then
//! explained word by word. The settings, the model, the training loop and every number the
//! page shows (word shares, word scores, neighbours, the PCA map) are plain Rust, tested
//! natively; the page files (`page.rs`, `*_view.rs`) are compiled only into the wasm build.

pub mod choosing;
pub mod explain;
pub mod explore;
pub mod settings;
pub mod highlight;
pub mod link;
pub mod model;
pub mod saving;
pub mod trainer;

crate::lessons::page_files! {
    pub mod page;
    mod explore_view;
    mod gpu_run;
    mod review_view;
    mod saving_view;
    mod settings_view;
    mod run;
    mod teach_view;
    mod worker_run;
}

use serde::{Deserialize, Serialize};

/// What the learner chooses: embedding width, an optional hidden ReLU layer, Adam's learning
/// rate, weight decay, the batch size and the seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Numbers per word vector.
    pub embedding_dim: usize,
    /// Units of the hidden ReLU layer; 0 means none (the mean word vector goes straight to the
    /// output, and each word's share of the logit is exact and simple).
    pub hidden: usize,
    pub learning_rate: f32,
    pub batch_size: usize,
    pub seed: u64,
    /// AdamW's λ: each step shrinks the word vectors and weights by `1 − lr·λ`, which slows
    /// memorising (0: none).
    pub weight_decay: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { embedding_dim: 16, hidden: 0, learning_rate: 0.005, batch_size: 32, seed: 1, weight_decay: 0.0 }
    }
}

impl Settings {
    /// Word vectors, hidden weights and biases, output weights and bias.
    pub fn parameter_count(&self, vocabulary: usize) -> usize {
        let d = self.embedding_dim;
        let into_output = if self.hidden > 0 { self.hidden } else { d };
        vocabulary * d + if self.hidden > 0 { d * self.hidden + self.hidden } else { 0 } + into_output + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_counts_worked_by_hand() {
        // 20,000 words × 16 + 16 output weights + 1 bias.
        assert_eq!(Settings::default().parameter_count(20_000), 320_017);
        // With 64 hidden units: 320,000 + 16·64 + 64 + 64 + 1.
        let s = Settings { hidden: 64, ..Settings::default() };
        assert_eq!(s.parameter_count(20_000), 320_000 + 1_024 + 64 + 64 + 1);
    }

    #[test]
    fn settings_survive_json_and_fill_in_missing_fields() {
        let s = Settings { hidden: 32, ..Settings::default() };
        let back: Settings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let partial: Settings = serde_json::from_str(r#"{"embedding_dim": 32}"#).unwrap();
        assert_eq!(partial, Settings { embedding_dim: 32, ..Settings::default() });
    }
}
