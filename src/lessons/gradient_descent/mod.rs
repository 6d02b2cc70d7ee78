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

crate::lessons::page_files! {
    mod charts;
    mod data_view;
    mod one_sample_view;
    pub mod page;
    mod stepper;
    mod stepper_controls;
    mod stepper_views;
    mod race_charts;
    mod race_panels;
    mod race_state;
    pub mod race_view;
    mod step_view;
}
