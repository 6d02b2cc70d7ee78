// Starts the threaded training worker (src/worker/, built by scripts/build-threads.sh): a module
// worker, because wasm-bindgen-rayon starts its helper Workers from ES modules. The page uses it
// only when it is cross-origin isolated (app/worker_client.rs).
//
// The helpers load the same module, and wasm-bindgen runs its start function in each of them;
// this flag tells the one worker that talks to the page apart from its helpers.
import init from "./trainer.js";

self.stepwiseTrainer = true;
// The exports are kept for bench/soak.mjs, which reads the worker's wasm memory size.
self.__wasm = await init({ module_or_path: new URL("./trainer_bg.wasm", import.meta.url) });
