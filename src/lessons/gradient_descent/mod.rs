//! `/gradient-descent`: linear regression fitted one gradient-descent step at a time, each
//! step shown as its phases (predictions → residuals → loss → gradient → update); then
//! optimisers racing on 2-D landscapes.

pub mod csv;
pub mod landscape;
pub mod one_sample;
pub mod race;
pub mod race_link;
pub mod regression;
pub mod descent;

#[cfg(target_arch = "wasm32")]
mod charts;
#[cfg(target_arch = "wasm32")]
mod data_view;
#[cfg(target_arch = "wasm32")]
mod one_sample_view;
#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
mod stepper;
#[cfg(target_arch = "wasm32")]
mod stepper_controls;
#[cfg(target_arch = "wasm32")]
mod stepper_views;
#[cfg(target_arch = "wasm32")]
mod race_charts;
#[cfg(target_arch = "wasm32")]
mod race_panels;
#[cfg(target_arch = "wasm32")]
mod race_state;
#[cfg(target_arch = "wasm32")]
pub mod race_view;
#[cfg(target_arch = "wasm32")]
mod step_view;
