//! The typed fields, read into a network: one message per field that is wrong.

use super::*;

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
