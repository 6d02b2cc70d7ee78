//! What Stepwise offers, as data only: the lessons (one route each) and the widgets a blog or
//! course page can embed alone (`/embed/<id>`). The home page, the header, the Share panel, the
//! host API and the router all read these tables; the views themselves are matched to them once,
//! in `app/routes.rs`. Adding a lesson or a widget is one row here plus one arm there.
//!
//! `/embed/<lesson>` (a whole lesson without the site's header) keeps working for every lesson;
//! a widget id never equals a lesson's slug, and the lesson embed answers the host API through
//! the first widget of that lesson listed here. Plain Rust, tested natively.

/// Whether a lesson's page is built yet. Placeholder pages say so plainly.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Built,
    Placeholder,
}

#[derive(Clone, Copy, Debug)]
pub struct Lesson {
    /// The route, without the leading slash: `gradient-descent` lives at `/gradient-descent`.
    pub slug: &'static str,
    pub title: &'static str,
    /// The one-line promise on the home page card.
    pub promise: &'static str,
    /// What the learner will be able to do, shown on the placeholder page until it is built.
    pub plan: &'static [&'static str],
    pub status: Status,
}

pub const LESSONS: &[Lesson] = &[
    Lesson {
        slug: "gradient-descent",
        title: "Gradient descent",
        promise: "Step through every update of a linear regression, with the formula showing live numbers.",
        plan: &[
            "Fit a line to points you can drag, one phase of one update at a time.",
            "Watch the path of the parameters on the loss surface, and rewind it.",
            "Race SGD, momentum, RMSProp and Adam on famous loss landscapes.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "information",
        title: "Information",
        promise: "Entropy, cross-entropy and KL divergence of distributions you shape, term by term.",
        plan: &[
            "Drag the bars of two distributions and read every term of H(P), H(P, Q) and KL(P‖Q).",
            "See why KL divergence is not symmetric, and where infinity comes from.",
            "Connect cross-entropy to the loss a classifier minimises.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "functions",
        title: "Functions",
        promise: "Activations and losses up close, and a checker for textbook worked examples.",
        plan: &[
            "Slide along sigmoid, tanh, ReLU and GELU and read their derivatives exactly.",
            "Compare MSE, MAE, Huber, cross-entropy and hinge losses and their gradients.",
            "Type in a worked example from a book and see every intermediate value, computed exactly.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "mnist",
        title: "Digits (MNIST)",
        promise: "Train a digit classifier on the real 60,000 images, live, then draw your own digit.",
        plan: &[
            "Train a neural network on all 60,000 MNIST images while you watch.",
            "See the first layer's weights, the confusion matrix and the digits it gets wrong.",
            "Draw a digit and watch the prediction change stroke by stroke.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "cnn",
        // Short: the header's one line of lesson links at 1280 px has about 50 px to spare.
        title: "CNN",
        promise: "A convolutional network learns to read digits with 66 times fewer weights; see what its filters see.",
        plan: &[
            "Train a small convolutional network (LeNet's shape) on the 60,000 MNIST digits, live.",
            "Watch its 5×5 filters turn from noise into stroke detectors, and see every feature map of one digit.",
            "Step through one convolution in real numbers, and see how much of the digit each layer's units can see.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "gan",
        title: "GAN",
        promise: "A generator learns to draw digits while a discriminator learns to catch it.",
        plan: &[
            "Train a GAN on MNIST live, stepping the discriminator and the generator apart.",
            "Walk through the latent space between two noise vectors.",
            "Let the digit classifier judge the digits, and watch for mode collapse.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "text",
        title: "Text",
        promise: "A sentiment classifier trained live on 50,000 movie reviews, explained word by word.",
        plan: &[
            "Train a classifier on 25,000 IMDB reviews in under a minute.",
            "Type a review and see each word push the prediction up or down.",
            "Explore the word embedding it learned, and teach it the sarcasm it gets wrong.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "gpt",
        title: "Tiny GPT",
        promise: "A Transformer learns to write like Moby-Dick in your browser; look inside its attention.",
        plan: &[
            "Train a 0.8-million-number GPT on Moby-Dick live, and watch it pass what counting characters achieves.",
            "Read what it writes as it learns, with temperature and top-k.",
            "See what every attention head looks at, and step through one in real numbers.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "vae",
        title: "VAE",
        promise: "Squeeze every digit into two numbers, then walk the map of all digits and draw from anywhere on it.",
        plan: &[
            "Train a variational autoencoder on MNIST live, with both terms of its loss on the curves.",
            "Drag across the 2-D latent map and watch the decoder morph one digit into another.",
            "Step one image through μ, σ, ε and z, and see the KL term the Information lesson taught.",
        ],
        status: Status::Built,
    },
    Lesson {
        slug: "lab",
        title: "Lab",
        promise: "Our WebGPU and CPU engines side by side, measured on your own machine.",
        plan: &[
            "Time matrix multiplication and a full training step on the GPU and on the CPU.",
            "See when the GPU wins, and when its overhead makes it lose.",
        ],
        status: Status::Built,
    },
];

pub struct Widget {
    /// The route: `/embed/<id>`.
    pub id: &'static str,
    /// What the embed's title bar, the Share snippet and the iframe's title say.
    pub title: &'static str,
    /// The lesson page the widget lives on (its full page, and its link's path).
    pub lesson: &'static str,
    /// The lesson's CSS class (its stylesheet is scoped to it).
    pub class: &'static str,
    /// The iframe height the Share panel suggests, in CSS pixels (hosts resize it anyway from
    /// the `stepwise:height` message).
    pub height: u32,
    /// Whether the light embed build (no datasets, no training) has it.
    pub light: bool,
}

/// The light widgets come first; the light embed build (Cargo.toml's `full` feature off;
/// scripts/build-site.sh lists their ids) holds only those.
pub const WIDGETS: &[Widget] = &[
    Widget {
        id: "stepper",
        title: "Gradient descent, one step at a time",
        lesson: "gradient-descent",
        class: "gd",
        height: 1500,
        light: true,
    },
    Widget {
        id: "optimiser-race",
        title: "Optimisers race on a landscape",
        lesson: "gradient-descent",
        class: "gd",
        height: 1300,
        light: true,
    },
    Widget {
        id: "entropy",
        title: "Entropy, cross-entropy and KL divergence",
        lesson: "information",
        class: "information",
        height: 2400,
        light: true,
    },
    Widget {
        id: "softmax",
        title: "Softmax and the classification loss",
        lesson: "information",
        class: "information",
        height: 900,
        light: true,
    },
    Widget {
        id: "gaussians",
        title: "KL divergence between two Gaussians",
        lesson: "information",
        class: "information",
        height: 1500,
        light: true,
    },
    Widget {
        id: "activations",
        title: "Activation explorer",
        lesson: "functions",
        class: "functions",
        height: 900,
        light: true,
    },
    Widget {
        id: "losses",
        title: "Loss explorer",
        lesson: "functions",
        class: "functions",
        height: 950,
        light: true,
    },
    Widget {
        id: "checker",
        title: "Worked-example checker",
        lesson: "functions",
        class: "functions",
        height: 1200,
        light: true,
    },
    Widget {
        id: "mnist-trainer",
        title: "Train a digit classifier (MNIST)",
        lesson: "mnist",
        class: "mnist",
        height: 1400,
        light: false,
    },
    Widget {
        id: "draw-digit",
        title: "Draw a digit for a network you train",
        lesson: "mnist",
        class: "mnist",
        height: 1100,
        light: false,
    },
    Widget {
        id: "gan-trainer",
        title: "A GAN learns to draw digits",
        lesson: "gan",
        class: "gan",
        height: 1300,
        light: false,
    },
    Widget {
        id: "text-classifier",
        title: "A sentiment classifier, explained word by word",
        lesson: "text",
        class: "text-lesson",
        height: 1500,
        light: false,
    },
    Widget {
        id: "gpt-trainer",
        title: "Train a tiny GPT on Moby-Dick",
        lesson: "gpt",
        class: "gpt-lesson",
        height: 2600,
        light: false,
    },
    Widget {
        id: "cnn-trainer",
        title: "Train a convolutional network and see its feature maps",
        lesson: "cnn",
        class: "mnist",
        height: 2400,
        light: false,
    },
    Widget {
        id: "vae-map",
        title: "A VAE's latent map of the digits",
        lesson: "vae",
        class: "vae-lesson",
        height: 2200,
        light: false,
    },
    Widget {
        id: "attention",
        title: "Step through attention in a tiny GPT",
        lesson: "gpt",
        class: "gpt-lesson",
        height: 2000,
        light: false,
    },
];

/// The lesson at `/<slug>`.
pub fn lesson(slug: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.slug == slug)
}

/// The widget at `/embed/<id>`.
pub fn widget(id: &str) -> Option<&'static Widget> {
    WIDGETS.iter().find(|w| w.id == id)
}

/// The widget that speaks for a whole-lesson embed (`/embed/<lesson>`): the lesson's first.
pub fn first_widget_of(lesson: &str) -> Option<&'static Widget> {
    WIDGETS.iter().find(|w| w.lesson == lesson)
}

/// The title of `widget`, or of the first widget of `lesson` when there is none.
pub fn title_of(lesson: &str, widget: Option<&str>) -> &'static str {
    widget.and_then(self::widget).or_else(|| first_widget_of(lesson)).map_or("", |w| w.title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn slugs_and_ids_are_unique_and_never_collide() {
        let slugs: HashSet<_> = LESSONS.iter().map(|l| l.slug).collect();
        assert_eq!(slugs.len(), LESSONS.len());
        let ids: HashSet<_> = WIDGETS.iter().map(|w| w.id).collect();
        assert_eq!(ids.len(), WIDGETS.len());
        assert!(slugs.is_disjoint(&ids), "a widget id equals a lesson slug");
    }

    #[test]
    fn every_widget_lives_on_a_built_lesson() {
        for w in WIDGETS {
            let lesson = lesson(w.lesson).unwrap_or_else(|| panic!("{} names no lesson", w.id));
            assert_eq!(lesson.status, Status::Built, "{}", w.id);
            assert!(!w.title.is_empty() && w.height > 0);
        }
    }

    #[test]
    fn light_widgets_come_first() {
        let first_full = WIDGETS.iter().position(|w| !w.light).unwrap_or(WIDGETS.len());
        assert!(WIDGETS[first_full..].iter().all(|w| !w.light));
    }

    #[test]
    fn the_light_build_script_lists_the_light_widgets() {
        let script = include_str!("../scripts/build-site.sh");
        let line = script.lines().find_map(|l| l.strip_prefix("LIGHT_WIDGETS=")).expect("LIGHT_WIDGETS in build-site.sh");
        let listed: Vec<&str> = line.trim_matches('"').split_whitespace().collect();
        let light: Vec<&str> = WIDGETS.iter().filter(|w| w.light).map(|w| w.id).collect();
        assert_eq!(listed, light, "scripts/build-site.sh builds an entry page for each light widget");
    }

    #[test]
    fn titles_follow_the_widget_or_the_lessons_first_widget() {
        assert_eq!(title_of("information", None), "Entropy, cross-entropy and KL divergence");
        assert_eq!(title_of("information", Some("softmax")), "Softmax and the classification loss");
        assert_eq!(first_widget_of("mnist").map(|w| w.id), Some("mnist-trainer"));
    }
}
