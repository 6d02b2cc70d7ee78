// Starts the training worker (src/worker/): loads wasm-bindgen's glue for the `trainer` binary,
// then its wasm. Both are beside this file (Trunk names worker files without a hash).
importScripts("./trainer.js");
// The exports are kept for bench/soak.mjs, which reads the worker's wasm memory size.
wasm_bindgen({ module_or_path: "./trainer_bg.wasm" }).then((exports) => { self.__wasm = exports; });
