//! Keeping a trained text model: its weights as a `.safetensors` file (names `embedding`,
//! `hidden.weight`, `hidden.bias`, `output.weight`, `output.bias`), with the vocabulary size in
//! the metadata so a file made for another vocabulary is refused rather than misread.

use crate::engine::export::{read_safetensors, write_safetensors, NamedTensor};

use super::settings::{DIMS, MAX_HIDDEN};
use super::model::{Hidden, Weights};
use super::Settings;

const KIND: &str = "stepwise-text-sentiment";

impl Weights {
    pub fn to_safetensors(&self) -> Vec<u8> {
        let tensor = |name: &str, shape: Vec<usize>, values: &[f32]| NamedTensor { name: name.into(), shape, values: values.to_vec() };
        let mut tensors = vec![tensor("embedding", vec![self.vocabulary, self.dim], &self.table)];
        if let Some(h) = &self.hidden {
            tensors.push(tensor("hidden.weight", vec![self.dim, h.units], &h.weights));
            tensors.push(tensor("hidden.bias", vec![h.units], &h.bias));
        }
        tensors.push(tensor("output.weight", vec![self.output.len(), 1], &self.output));
        tensors.push(tensor("output.bias", vec![1], &[self.output_bias]));
        let vocabulary = self.vocabulary.to_string();
        write_safetensors(&tensors, &[("kind", KIND), ("vocabulary", &vocabulary)])
    }

    /// Reads a file written by [`Weights::to_safetensors`] for a vocabulary of `vocabulary` ids.
    pub fn from_safetensors(bytes: &[u8], vocabulary: usize) -> Result<Weights, String> {
        let (tensors, metadata) = read_safetensors(bytes)?;
        if !metadata.iter().any(|(k, v)| k == "kind" && v == KIND) {
            return Err("it is not a text model saved by this page".into());
        }
        let find = |name: &str| tensors.iter().find(|t| t.name == name);
        let embedding = find("embedding").ok_or("it has no word vectors")?;
        let &[rows, dim] = embedding.shape.as_slice() else { return Err("its word vectors are not a table".into()) };
        if rows != vocabulary {
            return Err(format!("it has vectors for {rows} words, but this page's vocabulary has {vocabulary}"));
        }
        if !(DIMS.0..=DIMS.1).contains(&dim) {
            return Err(format!("its word vectors have {dim} numbers; this page allows {} to {}", DIMS.0, DIMS.1));
        }
        let hidden = match (find("hidden.weight"), find("hidden.bias")) {
            (Some(w), Some(b)) => {
                let units = b.values.len();
                if w.shape != [dim, units] || b.shape != [units] || units == 0 || units > MAX_HIDDEN {
                    return Err("its hidden layer has the wrong shape".into());
                }
                Some(Hidden { weights: w.values.clone(), bias: b.values.clone(), units })
            }
            (None, None) => None,
            _ => return Err("its hidden layer is incomplete".into()),
        };
        let into_output = hidden.as_ref().map_or(dim, |h| h.units);
        let output = find("output.weight").filter(|t| t.shape == [into_output, 1]).ok_or("its output layer has the wrong shape")?;
        let bias = find("output.bias").filter(|t| t.shape == [1]).ok_or("its output bias is missing")?;
        let all = [&embedding.values, &output.values, &bias.values];
        if all.iter().any(|v| v.iter().any(|x| !x.is_finite())) || hidden.as_ref().is_some_and(|h| h.weights.iter().chain(&h.bias).any(|x| !x.is_finite())) {
            return Err("some of its numbers are not finite".into());
        }
        Ok(Weights { vocabulary, dim, table: embedding.values.clone(), hidden, output: output.values.clone(), output_bias: bias.values[0] })
    }

    /// `settings` with the shape of these weights (vector width, hidden units).
    pub fn settings(&self, settings: &Settings) -> Settings {
        Settings { embedding_dim: self.dim, hidden: self.hidden.as_ref().map_or(0, |h| h.units), ..settings.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::poll::now_or_never;
    use crate::engine::rng::Pcg32;
    use crate::engine::CpuBackend;
    use crate::lessons::text::model::TextModel;

    fn weights(hidden: usize) -> Weights {
        let settings = Settings { embedding_dim: 4, hidden, ..Settings::default() };
        now_or_never(TextModel::new(&CpuBackend::new(), 30, &settings, &mut Pcg32::from_seed(3)).weights()).unwrap()
    }

    #[test]
    fn weights_survive_the_file_bit_for_bit_and_rebuild_the_same_model() {
        for hidden in [0, 6] {
            let w = weights(hidden);
            let back = Weights::from_safetensors(&w.to_safetensors(), 30).unwrap();
            assert_eq!(back, w);
            let model = TextModel::from_weights(&CpuBackend::new(), &back);
            assert_eq!(now_or_never(model.weights()).unwrap(), w);
            assert_eq!(back.settings(&Settings::default()).hidden, hidden);
        }
    }

    #[test]
    fn a_bad_or_foreign_file_is_refused_with_a_reason() {
        let w = weights(0);
        assert!(Weights::from_safetensors(b"not a model", 30).is_err());
        assert!(Weights::from_safetensors(&w.to_safetensors(), 20_000).unwrap_err().contains("30 words"));
        let foreign = write_safetensors(&[NamedTensor { name: "x".into(), shape: vec![1], values: vec![1.0] }], &[]);
        assert!(Weights::from_safetensors(&foreign, 30).unwrap_err().contains("not a text model"));
        let mut broken = w.clone();
        broken.table[5] = f32::NAN;
        assert!(Weights::from_safetensors(&broken.to_safetensors(), 30).unwrap_err().contains("not finite"));
    }
}
