//! The conformance suite: one set of checks that every backend must pass, each comparing the
//! backend with arithmetic done another way (f64 reference code, finite differences, numbers
//! worked out by hand). `tests/engine_cpu.rs` runs it on the CPU backend, and the WebGPU
//! backend runs the same list, so a new backend is correct when this suite is green.
//!
//! Each check is an async function (reads from a device are async) that returns a description
//! of the first mismatch, so the same checks can also run in the browser as a self-test.
//! [`backend_conformance_suite!`](crate::backend_conformance_suite) turns the list into
//! `#[test]`s.

mod gradients;
mod kernels;
mod optimisers;
pub mod reference;
mod windows;

pub use gradients::*;
pub use kernels::*;
pub use optimisers::*;
pub use windows::*;

/// How far a backend may stray from the f64 reference: `|got − want| ≤ absolute + relative·|want|`.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    pub relative: f64,
    pub absolute: f64,
}

impl Tolerance {
    /// For plain f32 arithmetic done in order (the CPU).
    pub const CPU: Tolerance = Tolerance { relative: 1e-4, absolute: 1e-5 };
    /// For GPUs: `exp`, `log` and `tanh` there are not correctly rounded, and reductions add in
    /// another order.
    pub const GPU: Tolerance = Tolerance { relative: 1e-3, absolute: 1e-4 };
}

/// What a failed check reports.
pub type CheckResult = Result<(), String>;

/// Compares values elementwise and names the first that is out of tolerance.
pub fn ensure_close(what: &str, got: &[f32], want: &[f64], tolerance: Tolerance) -> CheckResult {
    if got.len() != want.len() {
        return Err(format!("{what}: got {} values, expected {}", got.len(), want.len()));
    }
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let allowed = tolerance.absolute + tolerance.relative * w.abs();
        if !((g as f64 - w).abs() <= allowed) {
            return Err(format!("{what}: element {i} is {g}, expected {w} (allowed error {allowed:e})"));
        }
    }
    Ok(())
}

/// Runs every check on `backend` (one after another) and returns each check's name and result:
/// the browser's self-test for a device.
pub async fn run_all<B: crate::engine::Backend>(backend: &B, tolerance: Tolerance) -> Vec<(&'static str, CheckResult)> {
    let results = crate::backend_conformance_suite!(@checks run_all (backend, tolerance));
    results
}

/// Expands to one `#[test]` per conformance check, each running on the backend that
/// `$make_backend` builds, within `$tolerance`. Native only (it blocks with `pollster`).
/// The list of checks below is the suite's table of contents.
///
/// ```ignore
/// stepwise::backend_conformance_suite!(stepwise::engine::CpuBackend::new(), Tolerance::CPU);
/// ```
#[macro_export]
macro_rules! backend_conformance_suite {
    ($make_backend:expr, $tolerance:expr) => {
        $crate::backend_conformance_suite!{@checks tests ($make_backend, $tolerance)}
    };
    (@checks $mode:ident $args:tt) => {
        $crate::backend_conformance_suite!{@$mode $args;
            matmul_matches_the_naive_product_for_every_transpose,
            matmul_accumulates_into_the_output,
            batched_matmul_multiplies_each_item_alone,
            elementwise_kernels_match_their_definitions,
            layer_norm_rows_match_their_definition,
            softmax_rows_are_probabilities_even_for_huge_logits,
            causal_softmax_sees_only_the_past,
            swapping_the_middle_axes_moves_every_number,
            losses_match_their_definitions,
            losses_stay_finite_for_huge_logits,
            embedding_bag_averages_selected_rows,
            reads_return_what_was_written,
            matmul_gradients_match_finite_differences,
            elementwise_gradients_match_finite_differences,
            bias_gradient_is_the_column_sum,
            activation_gradients_match_finite_differences,
            layer_norm_gradients_match_finite_differences,
            batched_matmul_gradients_match_finite_differences,
            attention_gradients_match_finite_differences,
            reduction_gradients_match_finite_differences,
            softmax_gradients_match_finite_differences,
            loss_gradients_match_finite_differences,
            embedding_bag_gradient_matches_finite_differences,
            reshape_passes_gradients_through,
            a_tensor_used_twice_receives_both_gradients,
            two_layer_network_gradients_match_finite_differences,
            convolution_matches_its_definition,
            convolution_gradients_match_finite_differences,
            pooling_matches_its_definition_and_its_gradient,
            pooling_ops_pass_gradients_back,
            max_pooling_gives_a_tie_to_the_first_pixel,
            transposed_convolution_matches_its_definition_and_gradients,
            hand_computed_linear_regression_step,
            sgd_matches_hand_computed_steps,
            momentum_matches_hand_computed_steps,
            nesterov_matches_hand_computed_steps,
            rms_prop_matches_hand_computed_steps,
            adam_matches_hand_computed_steps,
            adamw_matches_hand_computed_steps,
            clipping_scales_all_gradients_by_their_joint_norm,
        }
    };
    (@tests ($make_backend:expr, $tolerance:expr); $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                let backend = $make_backend;
                let result = ::pollster::block_on($crate::engine::conformance::$check(&backend, $tolerance));
                if let Err(mismatch) = result {
                    panic!("{}", mismatch);
                }
            }
        )*
    };
    (@run_all ($backend:expr, $tolerance:expr); $($check:ident),* $(,)?) => {
        vec![$( (stringify!($check), $crate::engine::conformance::$check($backend, $tolerance).await) ),*]
    };
}
