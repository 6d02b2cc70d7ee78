//! A PyTorch script that rebuilds a Stepwise model, so a learner can carry a trained network
//! from the browser into the tool they will use next.

use super::pytorch_modules;
use crate::engine::layers::{Activation, LayerSpec};

pub(super) fn activation_module(activation: Activation) -> Option<String> {
    match activation {
        Activation::Identity => None,
        Activation::Relu => Some("nn.ReLU()".into()),
        Activation::LeakyRelu { slope } => Some(format!("nn.LeakyReLU(negative_slope={slope:?})")),
        Activation::Sigmoid => Some("nn.Sigmoid()".into()),
        Activation::Tanh => Some("nn.Tanh()".into()),
    }
}

/// Stepwise stores images (row, column, channel); PyTorch's are (channel, row, column). Before
/// a dense layer the images are flattened in Stepwise's order, so its weights load as they are.
const CHANNELS_LAST_FLATTEN: &str = r#"

class ChannelsLastFlatten(nn.Module):
    """Flattens (channel, row, column) images in (row, column, channel) order, as Stepwise does."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1)

"#;

/// Python source that builds the same `nn.Sequential` and loads `weights_file` (written by
/// `Sequential::to_safetensors`) into it. Needs `pip install torch safetensors`.
pub fn pytorch_script(specs: &[LayerSpec], weights_file: &str) -> String {
    let (modules, _) = pytorch_modules(specs);
    let inputs = specs.first().map_or(1, LayerSpec::inputs);
    let body: String = modules.iter().map(|m| format!("    {m},\n")).collect();
    let flatten = if modules.iter().any(|m| m.starts_with("ChannelsLastFlatten")) { CHANNELS_LAST_FLATTEN } else { "" };
    format!(
        r#"# Rebuilds a model trained in Stepwise and loads its weights.
# Needs: pip install torch safetensors
import torch
from torch import nn
from safetensors.torch import load_file
{flatten}
model = nn.Sequential(
{body})
model.load_state_dict(load_file({weights_file:?}))
model.eval()

if __name__ == "__main__":
    print(model)
    with torch.no_grad():
        print(model(torch.zeros(1, {inputs})))
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::mlp_specs;

    #[test]
    fn the_script_lists_one_module_per_layer_and_activation() {
        let script = pytorch_script(&mlp_specs(&[784, 500, 10], Activation::Relu), "mnist.safetensors");
        assert!(script.contains("    nn.Linear(784, 500),\n    nn.ReLU(),\n    nn.Linear(500, 10),\n)"), "{script}");
        assert!(script.contains(r#"load_file("mnist.safetensors")"#));
        assert!(script.contains("torch.zeros(1, 784)"));
    }

    #[test]
    fn the_script_is_valid_python_when_python_is_installed() {
        let script = pytorch_script(&mlp_specs(&[2, 3, 1], Activation::LeakyRelu { slope: 0.1 }), "w.safetensors");
        assert!(script.contains("nn.LeakyReLU(negative_slope=0.1)"));
        let Ok(mut python) = std::process::Command::new("python3")
            .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
            .stdin(std::process::Stdio::piped())
            .spawn()
        else {
            return; // no Python here: the text checks above still ran
        };
        use std::io::Write;
        python.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        assert!(python.wait().unwrap().success(), "python3 could not parse:\n{script}");
    }
}
