//! The table of lessons: one row per route. The home page, the header's navigation and the
//! router all read this table, so adding a lesson is one row here plus its folder.

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

