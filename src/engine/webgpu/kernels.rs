//! The WGSL kernels and their pipelines. One WGSL file per kernel family; every entry point of a
//! family shares one bind group layout: binding 0 is the `info` uniform, then the family's
//! read-only buffers, then its read-write buffers.

use std::collections::HashMap;

/// A kernel family: one WGSL file.
struct Family {
    source: &'static str,
    reads: usize,
    writes: usize,
    entry_points: &'static [&'static str],
}

/// A family's source: `common.wgsl`, then its files (a kernel file and what it shares with others).
macro_rules! wgsl {
    ($($file:literal),+) => {
        concat!(include_str!("../../../shaders/common.wgsl"), $(include_str!(concat!("../../../shaders/", $file))),+)
    };
}

const FAMILIES: [Family; 8] = [
    Family {
        source: wgsl!("matmul.wgsl"),
        reads: 2,
        writes: 1,
        entry_points: &["matmul", "matmul_transpose_a", "matmul_transpose_b", "matmul_transpose_both"],
    },
    Family {
        source: wgsl!("matmul_unaligned.wgsl"),
        reads: 2,
        writes: 1,
        entry_points: &["matmul_unaligned", "matmul_unaligned_transpose_a", "matmul_unaligned_transpose_b", "matmul_unaligned_transpose_both"],
    },
    Family {
        source: wgsl!("elementwise.wgsl"),
        reads: 3,
        writes: 1,
        entry_points: &["unary", "unary_backward", "binary", "scale", "add_bias", "mul_columns", "swap_middle_axes", "clip", "fill", "broadcast_add"],
    },
    Family {
        source: wgsl!("rows.wgsl", "in0_rows.wgsl"),
        reads: 3,
        writes: 2,
        entry_points: &["reduce", "sum_rows", "softmax", "softmax_backward", "normalize_rows", "normalize_rows_backward"],
    },
    Family { source: wgsl!("losses.wgsl", "in0_rows.wgsl"), reads: 3, writes: 1, entry_points: &["loss", "loss_backward"] },
    Family { source: wgsl!("embedding.wgsl"), reads: 3, writes: 1, entry_points: &["embedding_bag", "embedding_bag_backward"] },
    Family { source: wgsl!("update.wgsl"), reads: 1, writes: 3, entry_points: &["update"] },
    Family { source: wgsl!("windows.wgsl"), reads: 3, writes: 1, entry_points: &["patches", "patches_backward", "pool", "pool_backward"] },
];

/// A compiled entry point and the shape of its bind group.
pub(super) struct Kernel {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
    pub reads: usize,
    pub writes: usize,
}

fn storage_entry(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// Compiles every kernel, keyed by entry point name.
pub(super) fn compile(device: &wgpu::Device) -> HashMap<&'static str, Kernel> {
    let mut kernels = HashMap::new();
    for family in &FAMILIES {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(family.entry_points[0]),
            source: wgpu::ShaderSource::Wgsl(format!("{}{}", super::op_codes::WGSL, family.source).into()),
        });
        let mut entries = vec![wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer { ty: wgpu::BufferBindingType::Uniform, has_dynamic_offset: false, min_binding_size: None },
            count: None,
        }];
        for i in 0..family.reads + family.writes {
            entries.push(storage_entry(1 + i as u32, i < family.reads));
        }
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: None, entries: &entries });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: None,
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        for &entry_point in family.entry_points {
            let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry_point),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some(entry_point),
                compilation_options: Default::default(),
                cache: None,
            });
            let kernel = Kernel { pipeline, layout: layout.clone(), reads: family.reads, writes: family.writes };
            kernels.insert(entry_point, kernel);
        }
    }
    kernels
}
