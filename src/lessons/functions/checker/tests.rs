use super::*;

fn issue_example() -> Network {
    parse(&CheckerFields::default()).unwrap()
}

fn two_layer() -> Network {
    parse(&CheckerFields {
        inputs: "[0.5, −1.2, 2]".into(),
        weights1: "0.1, 0.4, -0.3\n-0.5, 0.2, 0.6".into(),
        biases1: "0.05, -0.1".into(),
        activation1: LayerActivation::Apply(ActivationFunction::Tanh),
        two_layers: true,
        weights2: "0.7, -0.9".into(),
        biases2: "0.2".into(),
        activation2: LayerActivation::Apply(ActivationFunction::Sigmoid),
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
    for activation in ActivationFunction::ALL {
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
