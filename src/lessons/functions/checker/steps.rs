//! The walk-through: each step's formula in TeX with the numbers put in, and the values a
//! learner can copy.

use super::*;

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
            let dead = matches!(layer.activation, LayerActivation::Apply(ActivationFunction::Relu)) && p.z[j] <= 0.0;
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
        LayerActivation::Apply(ActivationFunction::Relu) => "ReLU",
        LayerActivation::Apply(ActivationFunction::LeakyRelu) => "leaky ReLU",
        LayerActivation::Apply(ActivationFunction::Sigmoid) => "σ",
        LayerActivation::Apply(ActivationFunction::Tanh) => "tanh",
        LayerActivation::Apply(ActivationFunction::Softplus) => "softplus",
        LayerActivation::Apply(ActivationFunction::Gelu) => "GELU",
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
