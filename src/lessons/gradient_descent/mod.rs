//! `/gradient-descent`: linear regression fitted one gradient-descent step at a time, each
//! step shown as its phases (predictions → residuals → loss → gradient → update).

pub mod regression;
pub mod run;

#[cfg(target_arch = "wasm32")]
mod charts;
#[cfg(target_arch = "wasm32")]
pub mod page;
