//! The worked-example checker: a teacher types a small network (one or two layers), an input,
//! a target, a loss and a learning rate; we compute the forward pass, the loss, every gradient
//! by the chain rule and the updated weights, as a numbered list of steps.

use serde::{Deserialize, Serialize};

use super::activations::Activation;
use crate::lessons::shared::numbers::fixed_ascii;

/// The activation a checker layer applies: one of the lesson's, or none (a linear output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerActivation {
    Linear,
    Apply(Activation),
}

impl LayerActivation {
    pub fn value(self, z: f64) -> f64 {
        match self {
            Self::Linear => z,
            Self::Apply(a) => a.value(z),
        }
    }
    pub fn derivative(self, z: f64) -> f64 {
        match self {
            Self::Linear => 1.0,
            Self::Apply(a) => a.derivative(z),
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Apply(a) => a.slug(),
        }
    }
    pub fn from_slug(slug: &str) -> Self {
        Activation::from_slug(slug).map(Self::Apply).unwrap_or(Self::Linear)
    }
    pub fn tex(self) -> &'static str {
        match self {
            Self::Linear => r"\operatorname{id}",
            Self::Apply(Activation::Sigmoid) => r"\sigma",
            Self::Apply(Activation::Tanh) => r"\tanh",
            Self::Apply(Activation::Relu) => r"\operatorname{ReLU}",
            Self::Apply(Activation::LeakyRelu) => r"\operatorname{LReLU}",
            Self::Apply(Activation::Softplus) => r"\operatorname{softplus}",
            Self::Apply(Activation::Gelu) => r"\operatorname{GELU}",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckerLoss {
    Mse,
    BinaryCrossEntropy,
}

/// What the teacher typed, kept verbatim so nothing is lost when a field is wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckerFields {
    pub inputs: String,
    pub weights1: String,
    pub biases1: String,
    pub activation1: LayerActivation,
    pub two_layers: bool,
    pub weights2: String,
    pub biases2: String,
    pub activation2: LayerActivation,
    pub target: String,
    pub loss: CheckerLoss,
    pub learning_rate: String,
}

impl Default for CheckerFields {
    /// The issue's example: x = [2, −3], w = [0.5, 0.7], b = 1, ReLU.
    fn default() -> Self {
        Self {
            inputs: "2, −3".into(),
            weights1: "0.5, 0.7".into(),
            biases1: "1".into(),
            activation1: LayerActivation::Apply(Activation::Relu),
            two_layers: false,
            weights2: "0.3, −0.2".into(),
            biases2: "0.1".into(),
            activation2: LayerActivation::Apply(Activation::Sigmoid),
            target: "1".into(),
            loss: CheckerLoss::Mse,
            learning_rate: "0.1".into(),
        }
    }
}

/// Which field a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Inputs,
    Weights1,
    Biases1,
    Weights2,
    Biases2,
    Target,
    LearningRate,
}

/// Numbers separated by commas, spaces or semicolons, optionally in brackets; accepts the
/// Unicode minus (−) and en dash a textbook may print.
pub fn parse_vector(text: &str) -> Result<Vec<f64>, String> {
    let cleaned: String = text.chars().map(|c| match c { '−' | '–' | '﹣' | '－' => '-', '[' | ']' | '(' | ')' => ' ', c => c }).collect();
    let parts: Vec<&str> = cleaned.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|s| !s.is_empty()).collect();
    if parts.is_empty() {
        return Err("This field is empty: type at least one number.".into());
    }
    parts
        .iter()
        .map(|part| {
            let value: f64 = part.parse().map_err(|_| format!("“{part}” is not a number."))?;
            if !value.is_finite() {
                return Err(format!("“{part}” is too large (or not finite): numbers must be finite."));
            }
            Ok(value)
        })
        .collect()
}

/// A weight matrix, one row per unit: rows separated by new lines, by “;” or written as
/// [[…], […]]. A single row is one unit.
pub fn parse_matrix(text: &str) -> Result<Vec<Vec<f64>>, String> {
    let trimmed = text.trim();
    let rows: Vec<String> = if trimmed.contains("],") || trimmed.contains("] ,") || trimmed.contains("][") || trimmed.contains("] [") {
        trimmed.split(']').map(|r| r.replace('[', "")).map(|r| r.trim().trim_start_matches(',').to_string()).filter(|r| !r.trim().is_empty()).collect()
    } else {
        trimmed.split(['\n', ';']).map(str::to_string).filter(|r| !r.trim().is_empty()).collect()
    };
    if rows.is_empty() {
        return Err("This field is empty: type one row of weights per unit.".into());
    }
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let values = parse_vector(row).map_err(|e| if rows.len() > 1 { format!("Row {}: {e}", i + 1) } else { e })?;
        out.push(values);
    }
    Ok(out)
}

/// One layer, parsed: W (units × inputs), b (units).
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub weights: Vec<Vec<f64>>,
    pub biases: Vec<f64>,
    pub activation: LayerActivation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub inputs: Vec<f64>,
    pub layers: Vec<Layer>,
    pub target: Vec<f64>,
    pub loss: CheckerLoss,
    pub learning_rate: f64,
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Parses every field; either a network or one message per field that is wrong.
pub fn parse(fields: &CheckerFields) -> Result<Network, Vec<(Field, String)>> {
    let mut problems = Vec::new();
    let mut take = |field: Field, result: Result<Vec<f64>, String>| match result {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push((field, e));
            None
        }
    };
    let inputs = take(Field::Inputs, parse_vector(&fields.inputs));
    let biases1 = take(Field::Biases1, parse_vector(&fields.biases1));
    let target = take(Field::Target, parse_vector(&fields.target));
    let rate = take(Field::LearningRate, parse_vector(&fields.learning_rate));
    let (biases2, w2) = if fields.two_layers {
        (take(Field::Biases2, parse_vector(&fields.biases2)), Some(parse_matrix(&fields.weights2)))
    } else {
        (None, None)
    };
    let w1 = parse_matrix(&fields.weights1);
    let mut problems = problems;
    let mut check_matrix = |field: Field, m: Result<Vec<Vec<f64>>, String>, width: Option<usize>, biases: &Option<Vec<f64>>, what: &str| -> Option<Vec<Vec<f64>>> {
        match m {
            Err(e) => {
                problems.push((field, e));
                None
            }
            Ok(m) => {
                if let Some(width) = width {
                    if let Some(bad) = m.iter().position(|r| r.len() != width) {
                        let row = if m.len() > 1 { format!("Row {} has", bad + 1) } else { "This row has".into() };
                        problems.push((field, format!("{row} {} but {what} has {}: each unit needs one weight per input.", plural(m[bad].len(), "weight"), plural(width, "value"))));
                        return None;
                    }
                }
                if let Some(b) = biases {
                    if b.len() != m.len() {
                        let bias_field = if field == Field::Weights1 { Field::Biases1 } else { Field::Biases2 };
                        problems.push((bias_field, format!("{} given, but the weights describe {}: one bias per unit (per row of weights).", plural(b.len(), "bias").replace("biass", "biases"), plural(m.len(), "unit"))));
                    }
                }
                Some(m)
            }
        }
    };
    let w1 = check_matrix(Field::Weights1, w1, inputs.as_ref().map(Vec::len), &biases1, "x");
    let w2 = match w2 {
        Some(m) => check_matrix(Field::Weights2, m, w1.as_ref().map(Vec::len), &biases2, "layer 1's output"),
        None => None,
    };
    let outputs = if fields.two_layers { w2.as_ref().map(Vec::len) } else { w1.as_ref().map(Vec::len) };
    if let (Some(t), Some(k)) = (&target, outputs) {
        if t.len() != k {
            problems.push((Field::Target, format!("{} given, but the network has {}: one target per output.", plural(t.len(), "target"), plural(k, "output"))));
        } else if fields.loss == CheckerLoss::BinaryCrossEntropy && t.iter().any(|&y| !(0.0..=1.0).contains(&y)) {
            problems.push((Field::Target, "Binary cross-entropy needs targets between 0 and 1.".into()));
        }
    }
    if let Some(r) = &rate {
        if r.len() != 1 {
            problems.push((Field::LearningRate, "The learning rate is one number.".into()));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut layers = vec![Layer { weights: w1.unwrap(), biases: biases1.unwrap(), activation: fields.activation1 }];
    if fields.two_layers {
        layers.push(Layer { weights: w2.unwrap(), biases: biases2.unwrap(), activation: fields.activation2 });
    }
    Ok(Network { inputs: inputs.unwrap(), layers, target: target.unwrap(), loss: fields.loss, learning_rate: rate.unwrap()[0] })
}

/// Everything computed for one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerPass {
    pub input: Vec<f64>,
    pub z: Vec<f64>,
    pub a: Vec<f64>,
    pub grad_a: Vec<f64>,
    pub grad_z: Vec<f64>,
    pub grad_w: Vec<Vec<f64>>,
    pub grad_b: Vec<f64>,
    pub new_w: Vec<Vec<f64>>,
    pub new_b: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    pub layers: Vec<LayerPass>,
    pub loss: f64,
}

impl Network {
    /// The forward pass: (z, a) per layer.
    pub fn forward(&self) -> Vec<(Vec<f64>, Vec<f64>)> {
        let mut input = self.inputs.clone();
        let mut out = Vec::new();
        for layer in &self.layers {
            let z: Vec<f64> = layer.weights.iter().zip(&layer.biases).map(|(w, b)| w.iter().zip(&input).map(|(w, x)| w * x).sum::<f64>() + b).collect();
            let a: Vec<f64> = z.iter().map(|&z| layer.activation.value(z)).collect();
            out.push((z, a.clone()));
            input = a;
        }
        out
    }

    pub fn loss_of(&self, output: &[f64]) -> f64 {
        let k = output.len() as f64;
        match self.loss {
            CheckerLoss::Mse => output.iter().zip(&self.target).map(|(a, y)| (a - y) * (a - y)).sum::<f64>() / k,
            CheckerLoss::BinaryCrossEntropy => {
                output.iter().zip(&self.target).map(|(&a, &y)| super::losses::Loss::BinaryCrossEntropy.value(y, a)).sum::<f64>() / k
            }
        }
    }

    fn loss_gradient(&self, output: &[f64]) -> Vec<f64> {
        let k = output.len() as f64;
        output
            .iter()
            .zip(&self.target)
            .map(|(&a, &y)| match self.loss {
                CheckerLoss::Mse => 2.0 * (a - y) / k,
                CheckerLoss::BinaryCrossEntropy => super::losses::Loss::BinaryCrossEntropy.gradient(y, a) / k,
            })
            .collect()
    }

    /// Forward, loss, backward by the chain rule, and one gradient-descent update.
    pub fn run(&self) -> Pass {
        let forward = self.forward();
        let output = &forward.last().unwrap().1;
        let loss = self.loss_of(output);
        let mut grad_a = self.loss_gradient(output);
        let mut layers: Vec<LayerPass> = Vec::new();
        for (l, layer) in self.layers.iter().enumerate().rev() {
            let input = if l == 0 { self.inputs.clone() } else { forward[l - 1].1.clone() };
            let (z, a) = forward[l].clone();
            let grad_z: Vec<f64> = grad_a.iter().zip(&z).map(|(g, &z)| g * layer.activation.derivative(z)).collect();
            let grad_w: Vec<Vec<f64>> = grad_z.iter().map(|d| input.iter().map(|x| d * x).collect()).collect();
            let grad_b = grad_z.clone();
            let rate = self.learning_rate;
            let new_w = layer.weights.iter().zip(&grad_w).map(|(w, g)| w.iter().zip(g).map(|(w, g)| w - rate * g).collect()).collect();
            let new_b = layer.biases.iter().zip(&grad_b).map(|(b, g)| b - rate * g).collect();
            let previous_grad: Vec<f64> = (0..input.len()).map(|i| layer.weights.iter().zip(&grad_z).map(|(w, d)| w[i] * d).sum()).collect();
            layers.push(LayerPass { input, z, a, grad_a: grad_a.clone(), grad_z, grad_w, grad_b, new_w, new_b });
            grad_a = previous_grad;
        }
        layers.reverse();
        Pass { layers, loss }
    }
}

/// A number as a step shows it: six decimals, trailing zeros dropped, ASCII minus (for TeX).
pub fn short(x: f64) -> String {
    let text = fixed_ascii(x, 6);
    if text.contains('.') && x.is_finite() {
        let t = text.trim_end_matches('0').trim_end_matches('.').to_string();
        if t == "-0" { "0".into() } else { t }
    } else {
        text
    }
}

/// A number in TeX, bracketed when negative so products read right.
fn term(x: f64) -> String {
    let s = short(x);
    if s.starts_with('-') { format!("({s})") } else { s }
}

/// A value a learner can copy.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub label: String,
    pub value: f64,
}

/// One step of the walk-through.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: String,
    pub tex: String,
    pub note: Option<String>,
    pub values: Vec<Value>,
}

/// The step list for a network.
pub fn steps(network: &Network) -> Vec<Step> {
    let pass = network.run();
    let layers = pass.layers.len();
    let sup = |l: usize| if layers > 1 { format!("^{{({})}}", l + 1) } else { String::new() };
    let unit = |l: usize, j: usize, n: usize| if n > 1 || layers > 1 { format!("unit {}{}", j + 1, if layers > 1 { format!(" of layer {}", l + 1) } else { String::new() }) } else { "the unit".into() };
    let input_name = |l: usize| if l == 0 { "x".to_string() } else { format!("a^{{({})}}", l) };
    let mut out = Vec::new();
    for (l, (layer, p)) in network.layers.iter().zip(&pass.layers).enumerate() {
        let n = layer.biases.len();
        for j in 0..n {
            let s = sup(l);
            let sub = if n > 1 { format!("_{}", j + 1) } else { String::new() };
            let products: Vec<String> = p.input.iter().zip(&layer.weights[j]).map(|(x, w)| format!(r"{} \times {}", term(*x), term(*w))).collect();
            let inp = input_name(l);
            out.push(Step {
                title: format!("Forward: weighted sum of {}", unit(l, j, n)),
                tex: format!(r"z{sub}{s} = {inp} \cdot w{sub}{s} + b{sub}{s} = {} + {} = {}", products.join(" + "), term(layer.biases[j]), short(p.z[j])),
                note: None,
                values: vec![Value { label: format!("z{}", label_suffix(l, j, n, layers)), value: p.z[j] }],
            });
            let f = layer.activation.tex();
            let dead = matches!(layer.activation, LayerActivation::Apply(Activation::Relu)) && p.z[j] <= 0.0;
            out.push(Step {
                title: format!("Forward: activation of {}", unit(l, j, n)),
                tex: format!(r"a{sub}{s} = {f}(z{sub}{s}) = {f}({}) = {}", short(p.z[j]), short(p.a[j])),
                note: dead.then(|| "z ≤ 0, so ReLU outputs 0: this unit is “dead” for this input.".into()),
                values: vec![Value { label: format!("a{}", label_suffix(l, j, n, layers)), value: p.a[j] }],
            });
        }
    }
    let output = &pass.layers.last().unwrap().a;
    let k = output.len();
    let a_name = if layers > 1 { format!("a^{{({layers})}}") } else { "a".into() };
    let loss_tex = match network.loss {
        CheckerLoss::Mse => {
            let terms: Vec<String> = output.iter().zip(&network.target).map(|(a, y)| format!("({} - {})^2", short(*a), term(*y))).collect();
            let pre = if k > 1 { format!(r"\frac{{1}}{{{k}}}\left[") } else { String::new() };
            let post = if k > 1 { r"\right]" } else { "" };
            format!(r"L = {}({a_name} - y)^2 = {pre}{}{post} = {}", if k > 1 { format!(r"\frac{{1}}{{{k}}}\sum ") } else { String::new() }, terms.join(" + "), short(pass.loss))
        }
        CheckerLoss::BinaryCrossEntropy => {
            let terms: Vec<String> = output.iter().zip(&network.target).map(|(a, y)| format!(r"{} \ln {} + {} \ln {}", short(*y), short(*a), short(1.0 - y), short(1.0 - a))).collect();
            format!(r"L = -[y \ln {a_name} + (1 - y)\ln(1 - {a_name})] = -[{}]{} = {}", terms.join("] - ["), if k > 1 { format!(r" \div {k}") } else { String::new() }, short(pass.loss))
        }
    };
    out.push(Step { title: "Loss".into(), tex: loss_tex, note: None, values: vec![Value { label: "L".into(), value: pass.loss }] });

    for l in (0..layers).rev() {
        let layer = &network.layers[l];
        let p = &pass.layers[l];
        let n = layer.biases.len();
        let s = sup(l);
        let f = layer.activation.tex();
        for j in 0..n {
            let sub = if n > 1 { format!("_{}", j + 1) } else { String::new() };
            let suffix = label_suffix(l, j, n, layers);
            let why = if l == layers - 1 {
                match network.loss {
                    CheckerLoss::Mse if k == 1 => format!(r"2({} - {})", short(p.a[j]), term(network.target[j])),
                    CheckerLoss::Mse => format!(r"\frac{{2}}{{{k}}}({} - {})", short(p.a[j]), term(network.target[j])),
                    CheckerLoss::BinaryCrossEntropy => format!(r"\frac{{1}}{{{k}}}\left(-\frac{{{}}}{{{}}} + \frac{{{}}}{{{}}}\right)", short(network.target[j]), short(p.a[j]), short(1.0 - network.target[j]), short(1.0 - p.a[j])),
                }
            } else {
                let next = &network.layers[l + 1];
                let np = &pass.layers[l + 1];
                let parts: Vec<String> = next.weights.iter().zip(&np.grad_z).map(|(w, d)| format!(r"{} \times {}", term(w[j]), term(*d))).collect();
                format!(r"\sum_k w_{{k{}}}^{{({})}} \frac{{\partial L}}{{\partial z_k^{{({})}}}} = {}", j + 1, l + 2, l + 2, parts.join(" + "))
            };
            out.push(Step {
                title: format!("Backward: ∂L/∂a for {}", unit(l, j, n)),
                tex: format!(r"\frac{{\partial L}}{{\partial a{sub}{s}}} = {why} = {}", short(p.grad_a[j])),
                note: None,
                values: vec![Value { label: format!("∂L/∂a{suffix}"), value: p.grad_a[j] }],
            });
            let derivative = layer.activation.derivative(p.z[j]);
            let dead = derivative == 0.0;
            out.push(Step {
                title: format!("Backward: ∂L/∂z for {} (chain rule)", unit(l, j, n)),
                tex: format!(r"\frac{{\partial L}}{{\partial z{sub}{s}}} = \frac{{\partial L}}{{\partial a{sub}{s}}} \cdot {f}'(z{sub}{s}) = {} \times {} = {}", term(p.grad_a[j]), term(derivative), short(p.grad_z[j])),
                note: dead.then(|| format!("{f_name}′({}) = 0: no gradient flows back through this unit, so its weights and bias do not change for this input (a “dead” unit).", short(p.z[j]), f_name = activation_name(layer.activation))),
                values: vec![Value { label: format!("∂L/∂z{suffix}"), value: p.grad_z[j] }],
            });
            let grads: Vec<String> = p.input.iter().zip(&p.grad_w[j]).map(|(x, g)| format!(r"{} \times {} = {}", term(p.grad_z[j]), term(*x), short(*g))).collect();
            let mut values: Vec<Value> = p.grad_w[j].iter().enumerate().map(|(i, g)| Value { label: format!("∂L/∂w{suffix}[{}]", i + 1), value: *g }).collect();
            values.push(Value { label: format!("∂L/∂b{suffix}"), value: p.grad_b[j] });
            out.push(Step {
                title: format!("Backward: gradients of the weights and bias of {}", unit(l, j, n)),
                tex: format!(r"\frac{{\partial L}}{{\partial w{sub}{s}}} = \frac{{\partial L}}{{\partial z{sub}{s}}}\, {} :\; {} ;\quad \frac{{\partial L}}{{\partial b{sub}{s}}} = {}", input_name(l), grads.join(r",\; "), short(p.grad_b[j])),
                note: None,
                values,
            });
        }
    }
    let rate = network.learning_rate;
    for (l, (layer, p)) in network.layers.iter().zip(&pass.layers).enumerate() {
        let n = layer.biases.len();
        let s = sup(l);
        for j in 0..n {
            let sub = if n > 1 { format!("_{}", j + 1) } else { String::new() };
            let suffix = label_suffix(l, j, n, layers);
            let ws: Vec<String> = layer.weights[j].iter().zip(&p.grad_w[j]).zip(&p.new_w[j]).map(|((w, g), nw)| format!(r"{} - {} \times {} = {}", short(*w), short(rate), term(*g), short(*nw))).collect();
            let mut values: Vec<Value> = p.new_w[j].iter().enumerate().map(|(i, w)| Value { label: format!("new w{suffix}[{}]", i + 1), value: *w }).collect();
            values.push(Value { label: format!("new b{suffix}"), value: p.new_b[j] });
            let unchanged = p.grad_z[j] == 0.0;
            out.push(Step {
                title: format!("Update: new weights and bias of {}", unit(l, j, n)),
                tex: format!(r"w{sub}{s} \leftarrow w{sub}{s} - \eta \frac{{\partial L}}{{\partial w{sub}{s}}}:\; {} ;\quad b{sub}{s} \leftarrow {} - {} \times {} = {}", ws.join(r",\; "), short(layer.biases[j]), short(rate), term(p.grad_b[j]), short(p.new_b[j])),
                note: unchanged.then(|| "The gradient is zero, so nothing changes: this step does not help this unit learn.".into()),
                values,
            });
        }
    }
    out
}

fn activation_name(a: LayerActivation) -> &'static str {
    match a {
        LayerActivation::Linear => "id",
        LayerActivation::Apply(Activation::Relu) => "ReLU",
        LayerActivation::Apply(Activation::LeakyRelu) => "leaky ReLU",
        LayerActivation::Apply(Activation::Sigmoid) => "σ",
        LayerActivation::Apply(Activation::Tanh) => "tanh",
        LayerActivation::Apply(Activation::Softplus) => "softplus",
        LayerActivation::Apply(Activation::Gelu) => "GELU",
    }
}

fn label_suffix(l: usize, j: usize, n: usize, layers: usize) -> String {
    let mut s = String::new();
    if n > 1 {
        s.push_str(&format!("{}", j + 1));
    }
    if layers > 1 {
        s.push_str(&format!("⁽{}⁾", if l == 0 { "¹" } else { "²" }));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue_example() -> Network {
        parse(&CheckerFields::default()).unwrap()
    }

    fn two_layer() -> Network {
        parse(&CheckerFields {
            inputs: "[0.5, −1.2, 2]".into(),
            weights1: "0.1, 0.4, -0.3\n-0.5, 0.2, 0.6".into(),
            biases1: "0.05, -0.1".into(),
            activation1: LayerActivation::Apply(Activation::Tanh),
            two_layers: true,
            weights2: "0.7, -0.9".into(),
            biases2: "0.2".into(),
            activation2: LayerActivation::Apply(Activation::Sigmoid),
            target: "1".into(),
            loss: CheckerLoss::BinaryCrossEntropy,
            learning_rate: "0.5".into(),
        })
        .unwrap()
    }

    /// Every ∂L/∂w and ∂L/∂b against a central difference of the loss, computed by re-running
    /// the forward pass with that one parameter nudged.
    fn check_against_finite_differences(net: &Network) {
        let pass = net.run();
        let h = 1e-6;
        let loss_with = |edit: &dyn Fn(&mut Network)| {
            let mut n = net.clone();
            edit(&mut n);
            n.loss_of(&n.forward().last().unwrap().1)
        };
        for l in 0..net.layers.len() {
            for j in 0..net.layers[l].biases.len() {
                for i in 0..net.layers[l].weights[j].len() {
                    let up = loss_with(&|n| n.layers[l].weights[j][i] += h);
                    let down = loss_with(&|n| n.layers[l].weights[j][i] -= h);
                    let numeric = (up - down) / (2.0 * h);
                    assert!((numeric - pass.layers[l].grad_w[j][i]).abs() < 1e-8, "w[{l}][{j}][{i}]: {} vs {numeric}", pass.layers[l].grad_w[j][i]);
                }
                let up = loss_with(&|n| n.layers[l].biases[j] += h);
                let down = loss_with(&|n| n.layers[l].biases[j] -= h);
                assert!(((up - down) / (2.0 * h) - pass.layers[l].grad_b[j]).abs() < 1e-8);
            }
        }
    }

    #[test]
    fn the_issues_example_gives_z_minus_one_tenth_and_a_dead_relu() {
        let net = issue_example();
        let pass = net.run();
        // 2 × 0.5 + (−3) × 0.7 + 1 = 1 − 2.1 + 1 = −0.1
        assert!((pass.layers[0].z[0] - (-0.1)).abs() < 1e-15);
        assert_eq!(pass.layers[0].a[0], 0.0);
        // MSE with target 1: (0 − 1)² = 1, ∂L/∂a = 2(0 − 1) = −2, ∂L/∂z = −2 × 0 = 0.
        assert_eq!(pass.loss, 1.0);
        assert_eq!(pass.layers[0].grad_a[0], -2.0);
        assert_eq!(pass.layers[0].grad_z[0], 0.0);
        assert_eq!(pass.layers[0].new_w[0], vec![0.5, 0.7]);
        assert_eq!(pass.layers[0].new_b[0], 1.0);
        check_against_finite_differences(&net);
        let steps = steps(&net);
        assert!(steps[0].tex.ends_with("= -0.1"), "{}", steps[0].tex);
        assert!(steps.iter().any(|s| s.note.as_deref().is_some_and(|n| n.contains("dead"))));
    }

    #[test]
    fn a_two_layer_network_matches_finite_differences() {
        let net = two_layer();
        check_against_finite_differences(&net);
        // Forward by hand: z₁ = 0.05 − 0.48 − 0.6 + 0.05 = −0.98, z₂ = −0.25 − 0.24 + 1.2 − 0.1 = 0.61.
        let pass = net.run();
        assert!((pass.layers[0].z[0] - (-0.98)).abs() < 1e-15);
        assert!((pass.layers[0].z[1] - 0.61).abs() < 1e-15);
        let h = [(-0.98f64).tanh(), 0.61f64.tanh()];
        let z = 0.7 * h[0] - 0.9 * h[1] + 0.2;
        let out = 1.0 / (1.0 + (-z).exp());
        assert!((pass.loss - (-out.ln())).abs() < 1e-15);
        // BCE after a sigmoid: ∂L/∂z = a − y.
        assert!((pass.layers[1].grad_z[0] - (out - 1.0)).abs() < 1e-12);
        // The update moves each weight against its gradient.
        assert!((pass.layers[0].new_w[1][2] - (0.6 - 0.5 * pass.layers[0].grad_w[1][2])).abs() < 1e-15);
    }

    #[test]
    fn other_shapes_and_losses_match_finite_differences() {
        for activation in Activation::ALL {
            let mut fields = CheckerFields { two_layers: true, weights2: "0.3, -0.2; 0.5 0.1".into(), biases2: "0.1; -0.2".into(), target: "0.5, -1".into(), ..CheckerFields::default() };
            fields.weights1 = "0.5, 0.7; -0.4, 0.2".into();
            fields.biases1 = "1, 0.3".into();
            fields.activation1 = LayerActivation::Apply(activation);
            fields.activation2 = LayerActivation::Linear;
            check_against_finite_differences(&parse(&fields).unwrap());
        }
    }

    #[test]
    fn parses_what_textbooks_print() {
        assert_eq!(parse_vector("[2, −3]").unwrap(), vec![2.0, -3.0]);
        assert_eq!(parse_vector(" 2 -3 ").unwrap(), vec![2.0, -3.0]);
        assert_eq!(parse_vector("1e-3").unwrap(), vec![0.001]);
        assert_eq!(parse_matrix("[[1, 2], [3, −4]]").unwrap(), vec![vec![1.0, 2.0], vec![3.0, -4.0]]);
        assert_eq!(parse_matrix("1 2\n3 4").unwrap(), vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert_eq!(parse_matrix("1, 2; 3, 4").unwrap().len(), 2);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        assert!(parse_vector("").unwrap_err().contains("empty"));
        assert!(parse_vector("2, abc").unwrap_err().contains("“abc” is not a number"));
        assert!(parse_vector("1e999").unwrap_err().contains("finite"));
        let fields = CheckerFields { inputs: "2, −3, 4".into(), target: "".into(), learning_rate: "fast".into(), ..CheckerFields::default() };
        let problems = parse(&fields).unwrap_err();
        let of = |f: Field| problems.iter().find(|(g, _)| *g == f).map(|(_, m)| m.clone());
        assert!(of(Field::Weights1).unwrap().contains("2 weights but x has 3 values"), "{problems:?}");
        assert!(of(Field::Target).unwrap().contains("empty"));
        assert!(of(Field::LearningRate).unwrap().contains("not a number"));
        let fields = CheckerFields { biases1: "1, 2".into(), ..CheckerFields::default() };
        assert!(parse(&fields).unwrap_err()[0].1.contains("2 biases given"));
    }

    #[test]
    fn every_step_formula_renders() {
        use crate::lessons::shared::math::{mathml, Layout};
        for net in [issue_example(), two_layer()] {
            for step in steps(&net) {
                let out = mathml(&step.tex, Layout::Block).unwrap_or_else(|e| panic!("{}: {e}", step.tex));
                assert!(!out.contains("nbsp"), "{out}");
            }
        }
    }

    #[test]
    fn short_numbers_drop_trailing_zeros() {
        assert_eq!(short(-0.10000000000000009), "-0.1");
        assert_eq!(short(2.0), "2");
        assert_eq!(short(-0.0000001), "0");
        assert_eq!(short(0.1234567), "0.123457");
    }
}
