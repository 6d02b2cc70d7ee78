//! The conformance suite (see `src/engine/conformance/`) on the CPU backend.

use stepwise::engine::conformance::Tolerance;
use stepwise::engine::CpuBackend;

stepwise::backend_conformance_suite!(CpuBackend::new(), Tolerance::CPU);
