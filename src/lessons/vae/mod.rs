//! `/vae`: a variational autoencoder on MNIST (Kingma and Welling 2014). An encoder reads a
//! digit as a Gaussian in a small latent space, a decoder draws a digit from a point of it, and
//! the loss adds the Information lesson's KL divergence between two Gaussians to the
//! reconstruction's cross-entropy. The settings and the model are plain Rust, tested natively.

pub mod curves;
pub mod link;
pub mod map;
pub mod model;
pub mod settings;
pub mod step;

crate::lessons::page_files! {
    pub mod page;
    mod lesson;
    mod worker_run;
    mod map_view;
    mod step_view;
    mod curves_view;
}

use serde::{Deserialize, Serialize};

/// Latent sizes a learner may choose (the bounds: 2 draws as a map; 32 is plenty).
pub const LATENT_SIZES: std::ops::RangeInclusive<usize> = 1..=32;

/// What the learner chooses. Defaults are the issue's: the MLP VAE of Kingma and Welling's
/// MNIST experiments, with one hidden layer of 512 on each side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Length of z, the point a digit is encoded as.
    pub latent: usize,
    /// Width of the encoder's and the decoder's hidden layer.
    pub hidden: usize,
    /// The KL term's weight (β-VAE, Higgins et al. 2017): 0 is a plain autoencoder, 1 the VAE.
    pub beta: f32,
    pub learning_rate: f32,
    pub batch_size: usize,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { latent: 2, hidden: 512, beta: 1.0, learning_rate: 1e-3, batch_size: 100, seed: 1 }
    }
}

impl Settings {
    /// How many numbers the VAE learns: five dense layers, weights and biases (the page's
    /// architecture line; tested against the model's own parameters).
    pub fn parameter_count(&self) -> usize {
        let dense = |i: usize, o: usize| i * o + o;
        let pixels = crate::data::mnist::IMAGE_PIXELS;
        dense(pixels, self.hidden) + 2 * dense(self.hidden, self.latent) + dense(self.latent, self.hidden) + dense(self.hidden, pixels)
    }

    /// What is wrong with these settings for training, in the learner's words.
    pub fn check(&self) -> Result<(), String> {
        if !LATENT_SIZES.contains(&self.latent) {
            return Err(format!("The latent size must be between {} and {}.", LATENT_SIZES.start(), LATENT_SIZES.end()));
        }
        if !(1..=settings::MAX_HIDDEN).contains(&self.hidden) {
            return Err(format!("The hidden layer must have between 1 and {} units.", settings::MAX_HIDDEN));
        }
        if !(self.beta.is_finite() && self.beta >= 0.0) {
            return Err("β must be a number of 0 or more.".into());
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err("The learning rate must be a positive number.".into());
        }
        if !(1..=1000).contains(&self.batch_size) {
            return Err("The batch size must be between 1 and 1,000.".into());
        }
        Ok(())
    }
}

/// β as a lesson: three settings of the KL term's weight, with what to watch for.
pub struct Preset {
    pub name: &'static str,
    /// Its name in a link (`preset=autoencoder`).
    pub slug: &'static str,
    pub beta: f32,
    pub watch_for: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "β = 0: an autoencoder",
        slug: "autoencoder",
        beta: 0.0,
        watch_for: "No KL term: nothing pulls the codes towards N(0, I). Reconstructions get sharp, but the map spreads out with gaps between the digits, and points in the gaps (or drawn from N(0, I)) decode to smudges that are no digit at all.",
    },
    Preset {
        name: "β = 1: the VAE",
        slug: "vae",
        beta: 1.0,
        watch_for: "The ELBO as Kingma and Welling wrote it: the digits fill a round cloud around 0 with few gaps, and every point of it decodes to something digit-like.",
    },
    Preset {
        name: "β = 4: a smoother map",
        slug: "smooth",
        beta: 4.0,
        watch_for: "The KL term weighs four times as much: the cloud is packed tight around 0 and the manifold changes smoothly, but reconstructions blur and similar digits (4 and 9, 3 and 5) merge.",
    },
];
