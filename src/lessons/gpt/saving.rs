//! Keeping the tiny GPT: its weights as a `.safetensors` file under nanoGPT's names and in
//! PyTorch's layout (a Linear's weight is `[outputs, inputs]`; the query, key and value
//! matrices stacked into one `c_attn`, as nanoGPT stores them), with the shape, the characters
//! and the steps trained in the metadata; and a PyTorch script that rebuilds the network and
//! writes with it. A file for another shape or other characters is refused, not misread.

use super::model::Shape;
use super::settings::{CONTEXTS, HEADS, LAYERS, WIDTHS};
use crate::engine::export::{read_safetensors, transpose, write_safetensors, NamedTensor};

const KIND: &str = "stepwise-tiny-gpt";

/// A trained model as a file: what it is, and how far it trained.
#[derive(Debug)]
pub struct Saved {
    pub shape: Shape,
    /// The weights in the engine's order and layout (see `Gpt::parameters`).
    pub parameters: Vec<Vec<f32>>,
    pub characters: Vec<char>,
    pub steps: u32,
}

/// The engine's parameters in order, each with its nanoGPT name; the three attention matrices
/// of a block are stacked under one name, so they come as one group.
fn named(shape: &Shape) -> Vec<(String, Vec<usize>)> {
    let (c, v) = (shape.width, shape.vocabulary);
    let mut names = vec![("transformer.wte.weight".to_string(), vec![v, c]), ("transformer.wpe.weight".to_string(), vec![shape.context, c])];
    for i in 0..shape.layers {
        let h = format!("transformer.h.{i}");
        names.extend([
            (format!("{h}.ln_1.weight"), vec![c]),
            (format!("{h}.ln_1.bias"), vec![c]),
            (format!("{h}.ln_2.weight"), vec![c]),
            (format!("{h}.ln_2.bias"), vec![c]),
            (format!("{h}.attn.c_attn.weight"), vec![3 * c, c]),
            (format!("{h}.attn.c_attn.bias"), vec![3 * c]),
            (format!("{h}.attn.c_proj.weight"), vec![c, c]),
            (format!("{h}.attn.c_proj.bias"), vec![c]),
            (format!("{h}.mlp.c_fc.weight"), vec![4 * c, c]),
            (format!("{h}.mlp.c_fc.bias"), vec![4 * c]),
            (format!("{h}.mlp.c_proj.weight"), vec![c, 4 * c]),
            (format!("{h}.mlp.c_proj.bias"), vec![c]),
        ]);
    }
    names.extend([("transformer.ln_f.weight".to_string(), vec![c]), ("transformer.ln_f.bias".to_string(), vec![c])]);
    if !shape.tied {
        names.push(("lm_head.weight".to_string(), vec![v, c]));
    }
    names
}

/// The engine's parameters in PyTorch's layout, one list per name of [`named`].
fn to_pytorch(shape: &Shape, p: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let c = shape.width;
    let mut out = vec![p[0].clone(), p[1].clone()];
    for b in 0..shape.layers {
        let q = &p[2 + 16 * b..2 + 16 * (b + 1)];
        // The engine's block order: ln_1 (2), ln_2 (2), query, key, value, mix, expand, contract (w, b each).
        let stacked: Vec<f32> = [&q[4], &q[6], &q[8]].iter().flat_map(|w| transpose(w, c, c)).collect();
        let biases: Vec<f32> = [&q[5], &q[7], &q[9]].iter().flat_map(|b| b.iter().copied()).collect();
        out.extend([q[0].clone(), q[1].clone(), q[2].clone(), q[3].clone(), stacked, biases]);
        out.extend([transpose(&q[10], c, c), q[11].clone(), transpose(&q[12], c, 4 * c), q[13].clone(), transpose(&q[14], 4 * c, c), q[15].clone()]);
    }
    let end = 2 + 16 * shape.layers;
    out.extend([p[end].clone(), p[end + 1].clone()]);
    if !shape.tied {
        // The engine's output matrix is [width, vocabulary]; nanoGPT's lm_head is [vocabulary, width].
        out.push(transpose(&p[end + 2], c, shape.vocabulary));
    }
    out
}

/// The reverse of [`to_pytorch`].
fn from_pytorch(shape: &Shape, t: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let c = shape.width;
    let mut out = vec![t[0].clone(), t[1].clone()];
    for b in 0..shape.layers {
        let q = &t[2 + 12 * b..2 + 12 * (b + 1)];
        out.extend([q[0].clone(), q[1].clone(), q[2].clone(), q[3].clone()]);
        for part in 0..3 {
            out.push(transpose(&q[4][part * c * c..(part + 1) * c * c], c, c));
            out.push(q[5][part * c..(part + 1) * c].to_vec());
        }
        out.extend([transpose(&q[6], c, c), q[7].clone(), transpose(&q[8], 4 * c, c), q[9].clone(), transpose(&q[10], c, 4 * c), q[11].clone()]);
    }
    let end = 2 + 12 * shape.layers;
    out.extend([t[end].clone(), t[end + 1].clone()]);
    if !shape.tied {
        out.push(transpose(&t[end + 2], shape.vocabulary, c));
    }
    out
}

impl Saved {
    pub fn to_safetensors(&self) -> Vec<u8> {
        let s = &self.shape;
        let tensors: Vec<NamedTensor> = named(s).into_iter().zip(to_pytorch(s, &self.parameters)).map(|((name, shape), values)| NamedTensor { name, shape, values }).collect();
        let characters: String = self.characters.iter().collect();
        let characters = serde_json::to_string(&characters).expect("a string serialises");
        let numbers = [s.layers, s.heads, s.width, s.context, s.vocabulary, self.steps as usize].map(|n| n.to_string());
        let tied = if s.tied { "true" } else { "false" };
        write_safetensors(
            &tensors,
            &[
                ("kind", KIND),
                ("layers", &numbers[0]),
                ("heads", &numbers[1]),
                ("width", &numbers[2]),
                ("context", &numbers[3]),
                ("vocabulary", &numbers[4]),
                ("steps", &numbers[5]),
                ("tied", tied),
                ("characters", &characters),
            ],
        )
    }

    /// Reads a file written by [`Saved::to_safetensors`], for a page whose characters are
    /// `characters`.
    pub fn from_safetensors(bytes: &[u8], characters: &[char]) -> Result<Saved, String> {
        let (tensors, metadata) = read_safetensors(bytes)?;
        let meta = |key: &str| metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        if meta("kind") != Some(KIND) {
            return Err("it is not a GPT saved by this page".into());
        }
        let number = |key: &str, (low, high): (usize, usize)| -> Result<usize, String> {
            meta(key).and_then(|v| v.parse().ok()).filter(|n| (low..=high).contains(n)).ok_or(format!("its {key} is missing or outside {low} … {high}"))
        };
        let vocabulary = number("vocabulary", (1, 256))?;
        let shape = Shape {
            vocabulary,
            layers: number("layers", LAYERS)?,
            heads: number("heads", HEADS)?,
            width: number("width", WIDTHS)?,
            context: number("context", CONTEXTS)?,
            tied: meta("tied") == Some("true"),
        };
        if !shape.width.is_multiple_of(shape.heads) {
            return Err(format!("its width {} does not split into {} heads", shape.width, shape.heads));
        }
        let saved: Vec<char> = meta("characters").and_then(|c| serde_json::from_str::<String>(c).ok()).map(|c| c.chars().collect()).unwrap_or_default();
        if saved != characters {
            return Err("it was trained on other characters than this page's book".into());
        }
        let mut ordered = Vec::new();
        for (name, want) in named(&shape) {
            let t = tensors.iter().find(|t| t.name == name).ok_or(format!("it has no {name}"))?;
            if t.shape != want {
                return Err(format!("its {name} is {:?}, not {want:?}", t.shape));
            }
            if t.values.iter().any(|x| !x.is_finite()) {
                return Err(format!("some numbers of its {name} are not finite"));
            }
            ordered.push(t.values.clone());
        }
        let steps = meta("steps").and_then(|s| s.parse().ok()).unwrap_or(0);
        Ok(Saved { parameters: from_pytorch(&shape, &ordered), shape, characters: saved, steps })
    }
}

/// A PyTorch script that rebuilds this network (nanoGPT's blocks, with GELU's tanh form as
/// the engine computes it), loads `weights_file` and writes 200 characters after a prompt.
pub fn pytorch_script(shape: &Shape, weights_file: &str) -> String {
    let Shape { layers, heads, width, context, tied, .. } = *shape;
    let tied = if tied { "True" } else { "False" };
    format!(
        r#"# Rebuilds a tiny GPT trained in Stepwise (nanoGPT's blocks) and writes with it.
# Needs: pip install torch safetensors
import json, math
import torch
from torch import nn
from torch.nn import functional as F
from safetensors import safe_open
from safetensors.torch import load_file

LAYERS, HEADS, WIDTH, CONTEXT, TIED = {layers}, {heads}, {width}, {context}, {tied}

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(WIDTH)
        self.attn = nn.Module()
        self.attn.c_attn = nn.Linear(WIDTH, 3 * WIDTH)
        self.attn.c_proj = nn.Linear(WIDTH, WIDTH)
        self.ln_2 = nn.LayerNorm(WIDTH)
        self.mlp = nn.Module()
        self.mlp.c_fc = nn.Linear(WIDTH, 4 * WIDTH)
        self.mlp.c_proj = nn.Linear(4 * WIDTH, WIDTH)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.attn.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, HEADS, C // HEADS).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.attn.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))
        # Stepwise's GELU is the tanh approximation (nanoGPT's nn.GELU() is the exact one).
        return x + self.mlp.c_proj(F.gelu(self.mlp.c_fc(self.ln_2(x)), approximate="tanh"))

class GPT(nn.Module):
    def __init__(self, vocabulary):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(vocabulary, WIDTH)
        self.transformer.wpe = nn.Embedding(CONTEXT, WIDTH)
        self.transformer.h = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.transformer.ln_f = nn.LayerNorm(WIDTH)
        self.lm_head = nn.Linear(WIDTH, vocabulary, bias=False)
        if TIED:
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, ids):
        x = self.transformer.wte(ids) + self.transformer.wpe(torch.arange(ids.shape[1]))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))

with safe_open("{weights_file}", framework="pt") as f:
    characters = json.loads(f.metadata()["characters"])
model = GPT(len(characters))
model.load_state_dict(load_file("{weights_file}"), strict=not TIED)
model.eval()

text = [characters.index(c) for c in "The whale " if c in characters]
with torch.no_grad():
    for _ in range(200):
        scores = model(torch.tensor([text[-CONTEXT:]]))[0, -1] / 0.8
        text.append(torch.multinomial(F.softmax(scores, dim=-1), 1).item())
print("".join(characters[i] for i in text))
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::Module;
    use crate::engine::poll::now_or_never;
    use crate::engine::CpuBackend;
    use crate::lessons::gpt::model::Gpt;

    fn saved(tied: bool) -> Saved {
        let shape = Shape { vocabulary: 5, layers: 2, heads: 2, width: 8, context: 3, tied };
        let gpt = Gpt::new(&CpuBackend::new(), shape, 4);
        let parameters = gpt.parameters().iter().map(|p| now_or_never(p.to_vec()).unwrap()).collect();
        Saved { shape, parameters, characters: "ab c\n".chars().collect(), steps: 321 }
    }

    #[test]
    fn a_saved_gpt_reads_back_exactly_tied_or_not() {
        for tied in [true, false] {
            let s = saved(tied);
            let back = Saved::from_safetensors(&s.to_safetensors(), &s.characters).unwrap();
            assert_eq!((back.shape, back.steps, &back.characters), (s.shape, 321, &s.characters));
            assert_eq!(back.parameters, s.parameters);
        }
    }

    /// nanoGPT's layout, checked on one block by hand: c_attn's first rows are W_Qᵀ's, its
    /// rows 8..16 W_Kᵀ's; c_fc is W_expandᵀ, `[32, 8]`.
    #[test]
    fn the_file_uses_nanogpts_names_and_pytorchs_layout() {
        let s = saved(true);
        let (tensors, _) = read_safetensors(&s.to_safetensors()).unwrap();
        let find = |name: &str| tensors.iter().find(|t| t.name == name).unwrap();
        let (query, key) = (&s.parameters[2 + 4], &s.parameters[2 + 6]);
        let c_attn = find("transformer.h.0.attn.c_attn.weight");
        assert_eq!(c_attn.shape, vec![24, 8]);
        for out in 0..8 {
            for input in 0..8 {
                assert_eq!(c_attn.values[out * 8 + input], query[input * 8 + out]);
                assert_eq!(c_attn.values[(8 + out) * 8 + input], key[input * 8 + out]);
            }
        }
        assert_eq!(find("transformer.h.1.mlp.c_fc.weight").shape, vec![32, 8]);
        assert!(tensors.iter().all(|t| t.name != "lm_head.weight"), "tied: the script ties lm_head to wte");
        assert_eq!(tensors.len(), 2 + 2 * 12 + 2);
    }

    #[test]
    fn a_file_for_other_characters_or_a_broken_one_is_refused() {
        let s = saved(true);
        let bytes = s.to_safetensors();
        assert!(Saved::from_safetensors(&bytes, &['a', 'b']).unwrap_err().contains("other characters"));
        assert!(Saved::from_safetensors(b"not a file", &s.characters).is_err());
        let mut bad = saved(true);
        bad.parameters[0][0] = f32::NAN;
        assert!(Saved::from_safetensors(&bad.to_safetensors(), &s.characters).unwrap_err().contains("not finite"));
    }

    #[test]
    fn the_script_rebuilds_this_shape_with_the_engines_gelu() {
        let script = pytorch_script(&saved(false).shape, "gpt.safetensors");
        assert!(script.contains("LAYERS, HEADS, WIDTH, CONTEXT, TIED = 2, 2, 8, 3, False"));
        assert!(script.contains(r#"approximate="tanh""#) && script.contains(r#"load_file("gpt.safetensors")"#));
    }
}
