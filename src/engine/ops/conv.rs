//! Convolution and pooling over NHWC image batches (see `engine::window` for the layout and
//! why). A convolution is built from ops that exist already: the images are cut into patches,
//! and one matrix product with the kernel gives every output pixel at once.

use crate::engine::backend::{Backend, Pooling, Window};
use crate::engine::tensor::Tensor;

/// The window of a `size`-wide kernel over a `[batch, height, width, channels]` tensor;
/// panics naming the problem if it cannot slide there (callers check `Window::problem` first,
/// so the learner sees the message before training starts).
fn window_over(shape: &[usize], size: usize, stride: usize, padding: usize) -> Window {
    let &[batch, height, width, channels] = shape else { panic!("a window needs [batch, height, width, channels], got {shape:?}") };
    let window = Window { batch, height, width, channels, size, stride, padding };
    if let Some(problem) = window.problem() {
        panic!("{problem}");
    }
    window
}

impl<B: Backend> Tensor<B> {
    /// `[batch, height, width, channels]` images → `[positions, size · size · channels]`, one
    /// row per output pixel: the numbers its window sees (see `Backend::patches`).
    pub fn patches(&self, size: usize, stride: usize, padding: usize) -> Tensor<B> {
        let window = window_over(self.shape(), size, stride, padding);
        let backend = self.backend();
        let out = backend.zeros(window.positions() * window.patch_len());
        backend.patches(self.value(), &out, window);
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().patches_backward(grad, &parents[0].grad_buffer(), window);
        };
        Tensor::from_op("patches", out, vec![window.positions(), window.patch_len()], &[self], Box::new(backward))
    }

    /// A 2-D convolution (strictly, a cross-correlation, as in every framework):
    /// `[batch, height, width, channels in]` with a kernel `[size, size, channels in, channels
    /// out]` and a bias `[channels out]` → `[batch, out height, out width, channels out]`.
    pub fn conv2d(&self, kernel: &Tensor<B>, bias: &Tensor<B>, stride: usize, padding: usize) -> Tensor<B> {
        let &[size, size2, inputs, outputs] = kernel.shape() else { panic!("a kernel is [size, size, channels in, channels out], got {:?}", kernel.shape()) };
        assert_eq!(size, size2, "kernels are square, got {:?}", kernel.shape());
        let window = window_over(self.shape(), size, stride, padding);
        assert_eq!(inputs, window.channels, "the kernel takes {inputs} channels, the images have {}", window.channels);
        let flat_kernel = kernel.reshape(&[window.patch_len(), outputs]);
        let out = self.patches(size, stride, padding).matmul(&flat_kernel).add(bias);
        out.reshape(&[window.batch, window.out_height(), window.out_width(), outputs])
    }

    /// The largest number of each `size × size` window, `stride` apart, channel by channel.
    pub fn max_pool(&self, size: usize, stride: usize) -> Tensor<B> {
        self.pool(Pooling::Max, size, stride)
    }

    /// The mean of each `size × size` window, `stride` apart, channel by channel.
    pub fn average_pool(&self, size: usize, stride: usize) -> Tensor<B> {
        self.pool(Pooling::Average, size, stride)
    }

    fn pool(&self, op: Pooling, size: usize, stride: usize) -> Tensor<B> {
        let window = window_over(self.shape(), size, stride, 0);
        let backend = self.backend();
        let out = backend.zeros(window.positions() * window.channels);
        backend.pool(op, self.value(), &out, window);
        let (x, y) = (self.value().clone(), out.clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().pool_backward(op, &x, &y, grad, &parents[0].grad_buffer(), window);
        };
        let shape = vec![window.batch, window.out_height(), window.out_width(), window.channels];
        Tensor::from_op(if op == Pooling::Max { "max_pool" } else { "average_pool" }, out, shape, &[self], Box::new(backward))
    }
}

impl<B: Backend> Tensor<B> {
    /// The inverse arrangement of [`Tensor::patches`]: `[positions, size · size · channels]`
    /// rows, one per window of `window`, added back onto the pixels each window covers, giving
    /// `[batch, height, width, channels]` images (col2im). Where windows overlap, their numbers
    /// add up. Its backward cuts the gradient into patches again.
    pub fn from_patches(&self, window: Window) -> Tensor<B> {
        assert_eq!(self.shape(), [window.positions(), window.patch_len()], "from_patches: rows do not match {window:?}");
        let backend = self.backend();
        let out = backend.zeros(window.input_len());
        backend.patches_backward(self.value(), &out, window);
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let backend = parents[0].backend();
            let len = window.positions() * window.patch_len();
            // The patches kernel writes its output; a gradient must be added on.
            let cut = backend.zeros(len);
            backend.patches(grad, &cut, window);
            backend.scale(&cut, 1.0, &parents[0].grad_buffer(), len, true);
        };
        Tensor::from_op("from_patches", out, vec![window.batch, window.height, window.width, window.channels], &[self], Box::new(backward))
    }

    /// A transposed convolution (a generator's upsampling layer): each input pixel spreads its
    /// channels through the kernel onto a `size × size` patch of the output, patches `stride`
    /// apart, overlaps added, `padding` cropped from each edge. `[batch, h, w, channels in]`
    /// with a kernel `[size, size, channels out, channels in]` and a bias `[channels out]` gives
    /// `[batch, (h − 1)·stride − 2·padding + size, (w − 1)·stride − 2·padding + size, channels
    /// out]`: the shape a convolution with the same kernel, stride and padding maps back to h × w,
    /// and the very operation that is that convolution's input gradient (PyTorch's
    /// `ConvTranspose2d` with the kernel stored `[in, out, size, size]`).
    pub fn conv_transpose2d(&self, kernel: &Tensor<B>, bias: &Tensor<B>, stride: usize, padding: usize) -> Tensor<B> {
        let &[batch, height, width, inputs] = self.shape() else { panic!("conv_transpose2d needs [batch, height, width, channels], got {:?}", self.shape()) };
        let &[size, size2, outputs, inputs2] = kernel.shape() else { panic!("a transposed kernel is [size, size, channels out, channels in], got {:?}", kernel.shape()) };
        assert!(size == size2 && inputs == inputs2, "kernel {:?} for images {:?}", kernel.shape(), self.shape());
        let grown = |len: usize| ((len - 1) * stride + size).checked_sub(2 * padding).filter(|&l| l > 0);
        let (Some(out_height), Some(out_width)) = (grown(height), grown(width)) else { panic!("padding {padding} crops the whole output") };
        let window = Window { batch, height: out_height, width: out_width, channels: outputs, size, stride, padding };
        assert_eq!((window.out_height(), window.out_width()), (height, width), "{window:?} does not map back to {height} × {width}");
        let rows = self.reshape(&[1, batch * height * width, inputs]);
        let flat_kernel = kernel.reshape(&[1, window.patch_len(), inputs]);
        let patches = rows.batched_matmul(&flat_kernel, true).reshape(&[window.positions(), window.patch_len()]);
        let images = patches.from_patches(window);
        images.reshape(&[batch * out_height * out_width, outputs]).add(bias).reshape(&[batch, out_height, out_width, outputs])
    }
}
