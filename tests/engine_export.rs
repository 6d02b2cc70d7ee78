//! Saving, loading and exporting models: every route gives back a model that predicts the same.

use stepwise::engine::layers::Module;
use stepwise::engine::export::{pytorch_script, SavedModel};
use stepwise::engine::layers::{Activation, LayerSpec, Sequential};
use stepwise::engine::poll::now_or_never;
use stepwise::engine::rng::Pcg32;
use stepwise::engine::{CpuBackend, Tensor};

fn trained_looking_model(cpu: &CpuBackend) -> Sequential<CpuBackend> {
    let specs = [
        LayerSpec::Dense { inputs: 5, outputs: 4, activation: Activation::LeakyRelu { slope: 0.2 } },
        LayerSpec::Dense { inputs: 4, outputs: 3, activation: Activation::Tanh },
        LayerSpec::Dense { inputs: 3, outputs: 2, activation: Activation::Identity },
    ];
    let model = Sequential::new(cpu, &specs, &mut Pcg32::from_seed(5));
    // Non-zero biases, so a bias lost on the way would show.
    for (i, p) in model.parameters().iter().enumerate() {
        if p.shape().len() == 1 {
            p.set_values(&(0..p.len()).map(|j| 0.1 * (i + j) as f32).collect::<Vec<_>>());
        }
    }
    model
}

fn predictions(model: &Sequential<CpuBackend>, cpu: &CpuBackend) -> Vec<f32> {
    let x: Vec<f32> = (0..15).map(|i| (i as f32 * 0.37).sin()).collect();
    now_or_never(model.predict(&Tensor::from_values(cpu, &x, &[3, 5])).to_vec()).unwrap()
}

/// A trained-looking model passed through `round_trip` comes back with the same layers and the
/// same predictions, bit for bit.
fn survives(round_trip: fn(&CpuBackend, &Sequential<CpuBackend>) -> Sequential<CpuBackend>) {
    let cpu = CpuBackend::new();
    let model = trained_looking_model(&cpu);
    let loaded = round_trip(&cpu, &model);
    assert_eq!(loaded.specs(), model.specs());
    assert_eq!(predictions(&loaded, &cpu), predictions(&model, &cpu));
}

#[test]
fn a_model_saved_as_json_loads_back_with_identical_predictions() {
    survives(|cpu, model| {
        let json = serde_json::to_string(&now_or_never(model.save()).unwrap()).unwrap();
        let saved: SavedModel = serde_json::from_str(&json).unwrap();
        Sequential::load(cpu, &saved).unwrap()
    });
}

#[test]
fn a_model_exported_as_safetensors_loads_back_with_identical_predictions() {
    survives(|cpu, model| Sequential::from_safetensors(cpu, &now_or_never(model.to_safetensors()).unwrap()).unwrap());
}

#[test]
fn safetensors_use_pytorch_names_and_linear_weight_layout() {
    let cpu = CpuBackend::new();
    let model = trained_looking_model(&cpu);
    let bytes = now_or_never(model.to_safetensors()).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    // nn.Sequential(Linear, LeakyReLU, Linear, Tanh, Linear): parameters at modules 0, 2 and 4.
    let mut names = file.names();
    names.sort();
    assert_eq!(names, ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]);
    // nn.Linear(5, 4).weight is [out, in] = [4, 5]; ours is [in, out], so it is transposed.
    let weight = file.tensor("0.weight").unwrap();
    assert_eq!(weight.shape(), [4, 5]);
    let ours = now_or_never(model.parameters()[0].to_vec()).unwrap();
    let theirs: Vec<f32> = weight.data().chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
    for input in 0..5 {
        for output in 0..4 {
            assert_eq!(theirs[output * 5 + input], ours[input * 4 + output]);
        }
    }
}

#[test]
fn the_pytorch_script_rebuilds_the_same_module_list() {
    let cpu = CpuBackend::new();
    let script = pytorch_script(&trained_looking_model(&cpu).specs(), "model.safetensors");
    let expected = "nn.Sequential(\n    nn.Linear(5, 4),\n    nn.LeakyReLU(negative_slope=0.2),\n    nn.Linear(4, 3),\n    nn.Tanh(),\n    nn.Linear(3, 2),\n)";
    assert!(script.contains(expected), "{script}");
}

#[test]
fn a_file_with_missing_weights_is_refused_with_a_reason() {
    let cpu = CpuBackend::new();
    let mut saved = now_or_never(trained_looking_model(&cpu).save()).unwrap();
    saved.weights.pop();
    let error = Sequential::load(&cpu, &saved).err().unwrap();
    assert!(error.contains("6 parameters but 5 were saved"), "{error}");
}

/// The CNN lesson's network, saved every way, predicts the same, bit for bit; its file holds
/// `nn.Conv2d`'s `[out, in, size, size]` kernels under PyTorch's module indices.
#[test]
fn a_cnn_survives_json_and_safetensors_with_pytorch_kernel_layout() {
    let cpu = CpuBackend::new();
    let specs = stepwise::lessons::mnist::Settings::lenet().specs();
    let model = Sequential::new(&cpu, &specs, &mut Pcg32::from_seed(9));
    for p in model.parameters().iter().filter(|p| p.shape().len() == 1) {
        p.set_values(&(0..p.len()).map(|j| 0.01 * j as f32).collect::<Vec<_>>());
    }
    let x: Vec<f32> = (0..2 * 784).map(|i| ((i * 13) % 256) as f32 / 255.0).collect();
    let predict = |m: &Sequential<CpuBackend>| now_or_never(m.predict(&Tensor::from_values(&cpu, &x, &[2, 784])).to_vec()).unwrap();
    let json = serde_json::to_string(&now_or_never(model.save()).unwrap()).unwrap();
    let from_json = Sequential::load(&cpu, &serde_json::from_str(&json).unwrap()).unwrap();
    let bytes = now_or_never(model.to_safetensors()).unwrap();
    let from_file = Sequential::from_safetensors(&cpu, &bytes).unwrap();
    assert_eq!(from_json.specs(), specs);
    assert_eq!(from_file.specs(), specs);
    assert_eq!(predict(&from_json), predict(&model));
    assert_eq!(predict(&from_file), predict(&model));

    // Modules: Unflatten, Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, ChannelsLastFlatten, Linear.
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort();
    assert_eq!(names, ["1.bias", "1.weight", "4.bias", "4.weight", "8.bias", "8.weight"]);
    let kernel = file.tensor("4.weight").unwrap();
    assert_eq!(kernel.shape(), [16, 8, 5, 5]);
    let theirs: Vec<f32> = kernel.data().chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
    let ours = now_or_never(model.parameters()[2].to_vec()).unwrap(); // [5, 5, 8, 16]
    let (ky, kx, i, o) = (3, 1, 6, 11);
    assert_eq!(theirs[((o * 8 + i) * 5 + ky) * 5 + kx], ours[((ky * 5 + kx) * 8 + i) * 16 + o]);
    let script = pytorch_script(&specs, "cnn.safetensors");
    assert!(script.contains("class ChannelsLastFlatten(nn.Module):") && script.contains("torch.zeros(1, 784)"), "{script}");
}
