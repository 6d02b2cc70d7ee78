//! The tiny GPT lesson (issue #17), being built. So far: the reference lines its curves will be
//! drawn against, what counting characters achieves on the book (`counting.rs`). The model, its
//! trainer and the page come next; until then the lesson is not in the catalog.

pub mod batches;
pub mod counting;
pub mod model;
pub mod sampling;
pub mod trainer;
