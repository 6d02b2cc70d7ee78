//! The numbers that choose a kernel's operation, written once: each is a Rust constant for the
//! dispatching code and, through `WGSL`, a WGSL constant of the same name put ahead of every
//! kernel's source, so the shaders say `case UNARY_TANH` rather than a bare `3u`.

macro_rules! op_codes {
    ($($name:ident = $value:literal),* $(,)?) => {
        $(pub const $name: u32 = $value;)*
        /// The same codes as WGSL `const` declarations.
        pub const WGSL: &str = concat!($("const ", stringify!($name), ": u32 = ", stringify!($value), "u;\n"),*);
    };
}

op_codes! {
    UNARY_RELU = 0,
    UNARY_LEAKY_RELU = 1,
    UNARY_SIGMOID = 2,
    UNARY_TANH = 3,
    UNARY_GELU = 4,
    UNARY_EXP = 5,
    BINARY_ADD = 0,
    BINARY_SUB = 1,
    BINARY_MUL = 2,
    SOFTMAX = 0,
    LOG_SOFTMAX = 1,
    CAUSAL_SOFTMAX = 2,
    REDUCE_SUM = 0,
    REDUCE_MEAN = 1,
    REDUCE_ADD_SUM_OF_SQUARES = 2,
    LOSS_SOFTMAX_CROSS_ENTROPY = 0,
    LOSS_BINARY_CROSS_ENTROPY = 1,
    LOSS_MEAN_SQUARED_ERROR = 2,
    LOSS_HINGE = 3,
    UPDATE_SGD = 0,
    UPDATE_MOMENTUM = 1,
    UPDATE_NESTEROV = 2,
    UPDATE_RMS_PROP = 3,
    UPDATE_ADAM = 4,
    POOL_MAX = 0,
    POOL_AVERAGE = 1,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_wgsl_constants_are_the_rust_ones() {
        assert!(super::WGSL.starts_with("const UNARY_RELU: u32 = 0u;\nconst UNARY_LEAKY_RELU: u32 = 1u;\n"));
        assert!(super::WGSL.contains("const UPDATE_ADAM: u32 = 4u;\n"));
        assert_eq!(super::WGSL.lines().count(), 26);
    }
}
