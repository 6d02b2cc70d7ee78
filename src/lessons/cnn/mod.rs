//! `/cnn`, "What a convolution sees": the Digits lesson's training (its trainer, background
//! worker, curves, confusion matrix, drawing pad and saving) on a convolutional network, and
//! what only a convolutional network has to show: its filters, the feature maps of one digit,
//! one convolution stepped through in real numbers, and each unit's receptive field. The
//! numbers are plain Rust, tested here; the page is `page.rs` and its views.

pub mod link;
pub mod maps;
pub mod one_convolution;

crate::lessons::page_files! {
    pub mod page;
    mod maps_view;
    mod step_view;
}

use crate::lessons::mnist::Settings;

/// The multilayer perceptron the page compares against: the Digits lesson's default.
pub fn digits_mlp() -> Settings {
    Settings::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogs_66_times_fewer_weights_is_lenets_count() {
        // 397,510 weights and biases against 5,994 (worked by hand in mnist/mod.rs's tests).
        let (mlp, cnn) = (digits_mlp().parameter_count(), Settings::lenet().parameter_count());
        assert_eq!((mlp, cnn), (397_510, 5_994));
        assert_eq!(mlp / cnn, 66);
        assert!(crate::catalog::lesson("cnn").unwrap().promise.contains("66 times fewer weights"));
    }
}
