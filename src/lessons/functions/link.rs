//! The functions lesson in a link: the activation and x (`fa`, `fx`), the loss, target and
//! prediction (`fl`, `fy`, `fp`), and the checker's fields as typed (`cx`, `cw1`, `cb1`, `ca1`,
//! `cn` layers, `cw2`, `cb2`, `ca2`, `cy`, `cl` mse|bce, `ce` learning rate). Only values that
//! differ from the defaults are written, so the plain lesson has a plain address. The checker's
//! text is kept as typed (the checker itself marks a field it cannot read); a choice or number
//! a link gets wrong is replaced or clamped with a note.

use super::activations::ActivationFunction;
use super::checker::{CheckerFields, CheckerLoss, LayerActivation};
use super::losses::Loss;
use super::{FunctionsState, X_MAX, X_MIN};
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

/// Every key this lesson writes (the address keeps any other, like `present=1`).
pub const KEYS: &[&str] = &["fa", "fx", "fl", "fy", "fp", "cx", "cw1", "cb1", "ca1", "cn", "cw2", "cb2", "ca2", "cy", "cl", "ce"];

/// Longest checker field a link may hold (a 2-layer example is well under 100 characters).
pub const MAX_FIELD: usize = 300;
/// Targets and predictions the loss explorer reads (its chart shows a few units around them).
pub const VALUE_RANGE: (f64, f64) = (-1000.0, 1000.0);

fn layer_options() -> Vec<(&'static str, LayerActivation)> {
    let mut options = vec![("linear", LayerActivation::Linear)];
    options.extend(ActivationFunction::ALL.iter().map(|a| (a.slug(), LayerActivation::Apply(*a))));
    options
}

fn loss_slug(loss: CheckerLoss) -> &'static str {
    match loss {
        CheckerLoss::Mse => "mse",
        CheckerLoss::BinaryCrossEntropy => "bce",
    }
}

impl LinkState for FunctionsState {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        let d = FunctionsState::default();
        let (c, dc) = (&self.checker, &d.checker);
        let mut w = QueryWriter::new();
        let pairs: [(&str, String, bool); 16] = [
            ("fa", self.activation.slug().into(), self.activation != d.activation),
            ("fx", format!("{}", self.x), self.x != d.x),
            ("fl", self.loss.slug().into(), self.loss != d.loss),
            ("fy", format!("{}", self.target), self.target != d.target),
            ("fp", format!("{}", self.prediction), self.prediction != d.prediction),
            ("cx", c.inputs.clone(), c.inputs != dc.inputs),
            ("cw1", c.weights1.clone(), c.weights1 != dc.weights1),
            ("cb1", c.biases1.clone(), c.biases1 != dc.biases1),
            ("ca1", c.activation1.slug().into(), c.activation1 != dc.activation1),
            ("cn", if c.two_layers { "2" } else { "1" }.into(), c.two_layers != dc.two_layers),
            ("cw2", c.weights2.clone(), c.weights2 != dc.weights2),
            ("cb2", c.biases2.clone(), c.biases2 != dc.biases2),
            ("ca2", c.activation2.slug().into(), c.activation2 != dc.activation2),
            ("cy", c.target.clone(), c.target != dc.target),
            ("cl", loss_slug(c.loss).into(), c.loss != dc.loss),
            ("ce", c.learning_rate.clone(), c.learning_rate != dc.learning_rate),
        ];
        for (key, value, differs) in pairs {
            if differs {
                w = w.text(key, &value);
            }
        }
        w.finish()
    }

    /// The state a link describes, and a note for each value it replaced.
    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut q = Query::parse(search);
        let d = FunctionsState::default();
        let activations: Vec<(&str, ActivationFunction)> = ActivationFunction::ALL.iter().map(|a| (a.slug(), *a)).collect();
        let losses: Vec<(&str, Loss)> = Loss::ALL.iter().map(|l| (l.slug(), *l)).collect();
        let layers = layer_options();
        let dc = d.checker.clone();
        let checker = CheckerFields {
            inputs: q.text("cx", &dc.inputs, MAX_FIELD),
            weights1: q.text("cw1", &dc.weights1, MAX_FIELD),
            biases1: q.text("cb1", &dc.biases1, MAX_FIELD),
            activation1: q.choice("ca1", dc.activation1, &layers),
            two_layers: q.integer("cn", if dc.two_layers { 2 } else { 1 }, 1, 2) == 2,
            weights2: q.text("cw2", &dc.weights2, MAX_FIELD),
            biases2: q.text("cb2", &dc.biases2, MAX_FIELD),
            activation2: q.choice("ca2", dc.activation2, &layers),
            target: q.text("cy", &dc.target, MAX_FIELD),
            loss: q.choice("cl", dc.loss, &[("mse", CheckerLoss::Mse), ("bce", CheckerLoss::BinaryCrossEntropy)]),
            learning_rate: q.text("ce", &dc.learning_rate, MAX_FIELD),
        };
        let state = FunctionsState {
            activation: q.choice("fa", d.activation, &activations),
            x: q.number("fx", d.x, X_MIN, X_MAX),
            loss: q.choice("fl", d.loss, &losses),
            target: q.number("fy", d.target, VALUE_RANGE.0, VALUE_RANGE.1),
            prediction: q.number("fp", d.prediction, VALUE_RANGE.0, VALUE_RANGE.1),
            checker,
        };
        (state, q.notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_survives_the_link() {
        let mut s = FunctionsState { activation: ActivationFunction::Gelu, x: 1.25, loss: Loss::Huber, target: -0.5, prediction: 2.75, ..Default::default() };
        s.checker = CheckerFields {
            inputs: "[1, −2]".into(),
            weights1: "0.1, 0.2\n0.3, 0.4".into(),
            biases1: "0; 0".into(),
            activation1: LayerActivation::Apply(ActivationFunction::Tanh),
            two_layers: true,
            weights2: "1, −1".into(),
            biases2: "0.5".into(),
            activation2: LayerActivation::Linear,
            target: "0".into(),
            loss: CheckerLoss::BinaryCrossEntropy,
            learning_rate: "0.5".into(),
        };
        let link = s.to_query();
        let (back, notes) = FunctionsState::from_query(&link);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, s, "{link}");
    }

    #[test]
    fn bad_values_are_replaced_or_clamped_with_notes_and_text_is_cut() {
        let long = "1,".repeat(400);
        let (s, notes) = FunctionsState::from_query(&format!("fa=swish&fx=99&fl=&fy=NaN&cn=7&ca1=soft&cl=xent&cx={long}"));
        let d = FunctionsState::default();
        assert_eq!(s.activation, d.activation);
        assert_eq!(s.x, X_MAX);
        assert_eq!(s.loss, d.loss);
        assert_eq!(s.target, d.target);
        assert!(s.checker.two_layers, "7 layers is clamped to 2");
        assert_eq!(s.checker.activation1, d.checker.activation1);
        assert_eq!(s.checker.loss, d.checker.loss);
        assert_eq!(s.checker.inputs.chars().count(), MAX_FIELD);
        assert_eq!(notes.len(), 8, "{notes:?}");
    }
}
