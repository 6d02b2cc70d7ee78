//! The tiny GPT lesson (issue #17): a decoder-only Transformer over the characters of
//! Moby-Dick, trained live, with what counting characters achieves as reference lines
//! (`counting.rs`), the host-side pass the page writes and looks inside with (`inside.rs`),
//! and one head's attention stepped through (`head_steps.rs`).

pub mod attention_link;
pub mod batches;
pub mod counting;
pub mod head_steps;
pub mod inside;
pub mod link;
pub mod model;
pub mod reading;
pub mod saving;
pub mod sampling;
pub mod settings;
pub mod trainer;
pub mod your_text;

crate::lessons::page_files! {
    pub mod page;
    mod attention_view;
    mod compare_run;
    mod compare_view;
    mod curves_view;
    mod gpu_run;
    mod looking;
    mod run;
    mod saving_view;
    mod settings_view;
    mod steps_view;
    mod writing_view;
    pub mod widget;
}
