//! The conditional GAN: D's logit with labels recomputed in f64 from the formulas, and the
//! gradients that reach the label weights (D's input embedding and projection, G's one-hot
//! rows) checked by finite differences.

use super::*;
use crate::lessons::gan::model::labels::with_digits;
use crate::lessons::shared::reference::HostLayer;

fn conditional() -> Settings {
    Settings { conditional: true, ..tiny_settings() }
}

fn values(t: &Tensor<CpuBackend>) -> Vec<f64> {
    to_f64(&now_or_never(t.to_vec()).unwrap())
}

/// D's labelled logits in f64: `h = act(x·W₁ + b₁ + E[d])`, `logit = h·W₂ + b₂ + P[d]·h` for
/// D with one hidden layer (the tiny settings' D).
fn d_logits(d: &[HostLayer], e: &[f64], p: &[f64], x: &[f64], digits: &[u8]) -> Vec<f64> {
    let (first, last) = (&d[0], &d[1]);
    let width = first.outputs;
    digits
        .iter()
        .enumerate()
        .map(|(r, &digit)| {
            let row = &x[r * first.inputs..(r + 1) * first.inputs];
            let hidden: Vec<f64> = (0..width)
                .map(|j| {
                    let sum = first.bias[j] + e[digit as usize * width + j] + (0..first.inputs).map(|i| row[i] * first.weights[i * width + j]).sum::<f64>();
                    if sum > 0.0 { sum } else { 0.2 * sum }
                })
                .collect();
            last.bias[0] + (0..width).map(|j| hidden[j] * (last.weights[j] + p[digit as usize * width + j])).sum::<f64>()
        })
        .collect()
}

/// Central differences of `loss` in each of `at`'s entries of `values`.
fn finite_differences(values: &mut [f64], at: &[usize], loss: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    let h = 1e-6;
    at.iter()
        .map(|&i| {
            let keep = values[i];
            values[i] = keep + h;
            let up = loss(values);
            values[i] = keep - h;
            let down = loss(values);
            values[i] = keep;
            (up - down) / (2.0 * h)
        })
        .collect()
}

fn agree(got: &[f32], at: &[usize], want: &[f64], what: &str) {
    for (&i, &want) in at.iter().zip(want) {
        let got = got[i] as f64;
        assert!((got - want).abs() < 1e-5 + 1e-3 * want.abs(), "{what}[{i}]: engine {got}, finite differences {want}");
    }
}

#[test]
fn ds_labelled_logits_and_its_label_gradients_match_f64_and_finite_differences() {
    let cpu = CpuBackend::new();
    let gan = Gan::new(&cpu, conditional(), 10);
    let d = host_layers(&gan.discriminator);
    let (e, p) = (values(&gan.label_weights), values(&gan.projection));
    assert!(e.iter().any(|&v| v != 0.0) && p.iter().any(|&v| v != 0.0), "both label embeddings are drawn");
    let mut rng = Pcg32::from_seed(21);
    let x: Vec<f32> = (0..3 * IMAGE_PIXELS).map(|_| rng.uniform_between(-1.0, 1.0)).collect();
    let digits = [7u8, 2, 7];
    let no_dropout = vec![None; gan.discriminator.layers.len()];
    let logits = gan.discriminate_with(&Tensor::from_values(&cpu, &x, &[3, IMAGE_PIXELS]), &digits, true, &no_dropout);
    let want = d_logits(&d, &e, &p, &to_f64(&x), &digits);
    for (got, want) in values(&logits).iter().zip(&want) {
        close(*got, *want, 1e-5, "labelled logit");
    }
    // The same image with another label gets another logit: the label reaches D.
    assert_ne!(d_logits(&d, &e, &p, &to_f64(&x[..IMAGE_PIXELS]), &[3])[0], want[0]);

    logits.binary_cross_entropy_with_logits(&Tensor::from_values(&cpu, &[1.0; 3], &[3, 1])).backward();
    let loss_with = |e: &[f64], p: &[f64]| binary_cross_entropy(&d_logits(&d, e, p, &to_f64(&x), &digits), 1.0);
    let width = d[0].outputs;
    // Rows of digits 7 and 2 get gradients; a digit no image carries (5) gets none.
    let at = [7 * width, 7 * width + 3, 2 * width + 1, 5 * width + 2];
    let e_grad = now_or_never(gan.label_weights.grad_to_vec()).unwrap().unwrap();
    agree(&e_grad, &at, &finite_differences(&mut e.clone(), &at, |e| loss_with(e, &p)), "∂L/∂E");
    let p_grad = now_or_never(gan.projection.grad_to_vec()).unwrap().unwrap();
    agree(&p_grad, &at, &finite_differences(&mut p.clone(), &at, |p| loss_with(&e, p)), "∂L/∂P");
    assert_eq!((e_grad[5 * width + 2], p_grad[5 * width + 2]), (0.0, 0.0));
}

#[test]
fn gs_label_weights_get_the_gradient_through_a_frozen_labelled_d() {
    let cpu = CpuBackend::new();
    let gan = Gan::new(&cpu, conditional(), 10);
    let (g, d) = (host_layers(&gan.generator), host_layers(&gan.discriminator));
    let (e, p) = (values(&gan.label_weights), values(&gan.projection));
    assert_eq!(g[0].inputs, 3 + 10, "G's input is z and the one-hot");
    let z = noise(&mut Pcg32::from_seed(12), 2, 3);
    let digits = [4u8, 9];
    let input = with_digits(&z, 3, &digits);
    let images = gan.generator.forward(&Tensor::from_values(&cpu, &input, &[2, 13]));
    let no_dropout = vec![None; gan.discriminator.layers.len()];
    let logits = gan.discriminate_with(&images, &digits, false, &no_dropout);
    logits.binary_cross_entropy_with_logits(&Tensor::from_values(&cpu, &[1.0, 1.0], &[2, 1])).backward();
    let first = gan.generator.layers[0].dense();
    let grad = now_or_never(first.weights.grad_to_vec()).unwrap().unwrap();
    assert!(gan.label_weights.grad().is_none() && gan.projection.grad().is_none(), "D's label weights get no gradient in G's phase");

    let loss = |w: &[f64]| {
        let mut g: Vec<HostLayer> = host_layers(&gan.generator);
        g[0].weights = w.to_vec();
        binary_cross_entropy(&d_logits(&d, &e, &p, &forward(&g, &to_f64(&input), 2), &digits), 1.0)
    };
    // W is [13, 5]: rows 3 + 4 and 3 + 9 are the asked digits' weights, row 3 + 0 (digit 0,
    // not asked) gets none, row 1 is a noise weight.
    let width = g[0].outputs;
    let at = [(3 + 4) * width, (3 + 9) * width + 2, width + 1, 3 * width + 4];
    agree(&grad, &at, &finite_differences(&mut g[0].weights.clone(), &at, loss), "∂L/∂W");
    assert_eq!(grad[3 * width + 4], 0.0);
}

#[test]
fn real_digits_carry_their_labels_and_forgeries_the_digits_g_was_asked_for() {
    let cpu = CpuBackend::new();
    let set = tiny_set(); // image i is labelled i
    let mut gan = Gan::new(&cpu, conditional(), set.count);
    let (d, e, p) = (host_layers(&gan.discriminator), values(&gan.label_weights), values(&gan.projection));
    let order: Vec<u8> = gan.cursor.order()[..4].iter().map(|&i| i as u8).collect();
    let real = gan.train_discriminator_on_real(&set);
    assert_eq!((&gan.real_digits, &real.digits), (&order, &order), "the report carries the labels");
    let want = binary_cross_entropy(&d_logits(&d, &e, &p, &to_f64(&real.images), &order), 1.0);
    close(real.loss, want, 1e-5, "D's loss on labelled real digits");

    let (d, e, p) = (host_layers(&gan.discriminator), values(&gan.label_weights), values(&gan.projection));
    let fake = gan.train_discriminator_on_fake();
    let asked = gan.fake_digits.clone();
    assert_eq!((asked.len(), &fake.digits), (4, &asked));
    let want = binary_cross_entropy(&d_logits(&d, &e, &p, &to_f64(&fake.images), &asked), 0.0);
    close(fake.loss, want, 1e-5, "D's loss on forgeries labelled as asked");
    gan.train_generator();
    assert_eq!(gan.fake_digits, asked, "G's step judges the batch with the digits it was drawn for");
}

#[test]
fn a_conditional_snapshot_resumes_bit_for_bit() {
    use crate::engine::training::Snapshot;
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut original = Gan::new(&cpu, conditional(), set.count);
    for _ in 0..5 {
        original.iterate(&set);
    }
    let bytes = now_or_never(original.snapshot()).unwrap().to_bytes();
    let mut copy = Gan::new(&cpu, conditional(), set.count);
    copy.restore(&Snapshot::from_bytes(&bytes).unwrap());
    for _ in 0..6 {
        let (a, b) = (original.run_phase(original.next_phase, &set), copy.run_phase(copy.next_phase, &set));
        assert_eq!(a.loss.to_bits(), b.loss.to_bits(), "{:?}", a.phase);
    }
    let z = noise(&mut Pcg32::from_seed(5), 2, 3);
    assert_eq!(original.generate_averaged(&z, &[1, 8]), copy.generate_averaged(&z, &[1, 8]));
    assert_ne!(copy.generate(&z, &[1, 8]), copy.generate(&z, &[8, 1]), "the label changes the drawing");
}
