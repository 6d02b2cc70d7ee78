// One TensorFlow.js training step of the 784-500-10 ReLU MLP (Adam, softmax cross-entropy),
// repeated for 1 s per batch size, on the page's TF.js (already loaded) with `backend`:
// samples per second, { batch: rate }. Shared by bench/engine-vs-tfjs.mjs and bench/threads.mjs.
/// TF.js training rates for one backend: { batch: samples/s }.
export async function tfjsTraining(page, backend, batches) {
  return page.evaluate(async ({ backend, batches }) => {
    await tf.setBackend(backend);
    await tf.ready();
    const rates = {};
    for (const batch of batches) {
      const model = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [784], units: 500, activation: "relu" }),
        tf.layers.dense({ units: 10 }),
      ] });
      const optimizer = tf.train.adam(0.001);
      const x = tf.randomUniform([batch, 784]);
      const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32"), 10).toFloat();
      const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x)), true);
      let loss = step(); await loss.data(); loss.dispose(); // warm-up
      let steps = 0;
      const start = performance.now();
      for (;;) {
        loss = step();
        steps += 1;
        if (steps % 4 === 0) {
          await loss.data();
          loss.dispose();
          if (performance.now() - start >= 1000) break;
        } else loss.dispose();
      }
      rates[batch] = (steps * batch) / ((performance.now() - start) / 1000);
      x.dispose(); labels.dispose(); optimizer.dispose(); model.layers.forEach((l) => l.dispose());
    }
    return rates;
  }, { backend, batches });
}
