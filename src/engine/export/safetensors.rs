//! The `.safetensors` format, written out by hand (it is small, and this keeps the crate's
//! dependencies wasm-friendly): an 8-byte little-endian header length, a JSON header mapping
//! each name to `{dtype, shape, data_offsets}` (plus optional string `__metadata__`), then the
//! raw little-endian data. Only `F32` is written or read. The tests check the output against
//! the reference `safetensors` crate.

use super::NamedTensor;
use serde_json::{json, Map, Value};

/// Serialises tensors (in the given order) with string metadata.
pub fn write_safetensors(tensors: &[NamedTensor], metadata: &[(&str, &str)]) -> Vec<u8> {
    let mut header = Map::new();
    if !metadata.is_empty() {
        let metadata: Map<String, Value> = metadata.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        header.insert("__metadata__".into(), Value::Object(metadata));
    }
    let mut offset = 0;
    for tensor in tensors {
        assert_eq!(tensor.values.len(), tensor.shape.iter().product::<usize>(), "{}: shape and values disagree", tensor.name);
        let end = offset + 4 * tensor.values.len();
        header.insert(tensor.name.clone(), json!({ "dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, end] }));
        offset = end;
    }
    let mut header = serde_json::to_vec(&Value::Object(header)).expect("a JSON map serialises");
    // Pad with spaces so the data starts 8-byte aligned, as the format recommends.
    while header.len() % 8 != 0 {
        header.push(b' ');
    }
    let mut bytes = Vec::with_capacity(8 + header.len() + offset);
    bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&header);
    for tensor in tensors {
        tensor.values.iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
    }
    bytes
}

/// Parses a file of `F32` tensors; returns them in file order and the metadata pairs.
pub fn read_safetensors(bytes: &[u8]) -> Result<(Vec<NamedTensor>, Vec<(String, String)>), String> {
    let length_bytes: [u8; 8] = bytes.get(..8).ok_or("the file is shorter than its 8-byte header length")?.try_into().unwrap();
    let header_len = u64::from_le_bytes(length_bytes) as usize;
    let header = bytes.get(8..8usize.saturating_add(header_len)).ok_or("the header runs past the end of the file")?;
    let data = &bytes[8 + header_len..];
    let header: Map<String, Value> = serde_json::from_slice(header).map_err(|e| format!("the header is not a JSON object: {e}"))?;
    let mut tensors = Vec::new();
    let mut metadata = Vec::new();
    for (name, entry) in header {
        if name == "__metadata__" {
            for (key, value) in entry.as_object().ok_or("__metadata__ is not an object")? {
                metadata.push((key.clone(), value.as_str().ok_or("metadata values must be strings")?.to_string()));
            }
            continue;
        }
        if entry["dtype"] != "F32" {
            return Err(format!("{name}: only F32 tensors are supported, found {}", entry["dtype"]));
        }
        let numbers = |key: &str| -> Result<Vec<usize>, String> {
            let list = entry[key].as_array().ok_or(format!("{name}: missing {key}"))?;
            list.iter().map(|v| v.as_u64().map(|v| v as usize).ok_or(format!("{name}: bad {key}"))).collect()
        };
        let (shape, offsets) = (numbers("shape")?, numbers("data_offsets")?);
        let [start, end] = offsets[..] else { return Err(format!("{name}: data_offsets needs two numbers")) };
        let raw = data.get(start..end).ok_or(format!("{name}: data runs past the end of the file"))?;
        if raw.len() != 4 * shape.iter().product::<usize>() {
            return Err(format!("{name}: {} bytes do not fill shape {shape:?}", raw.len()));
        }
        let values = raw.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
        tensors.push((start, NamedTensor { name, shape, values }));
    }
    tensors.sort_by_key(|(start, _)| *start);
    Ok((tensors.into_iter().map(|(_, t)| t).collect(), metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<NamedTensor> {
        vec![
            NamedTensor { name: "0.weight".into(), shape: vec![2, 3], values: vec![1.0, -2.0, 3.5, 0.0, 1e-8, -7.25] },
            NamedTensor { name: "0.bias".into(), shape: vec![2], values: vec![0.5, -0.5] },
        ]
    }

    #[test]
    fn writing_then_reading_gives_back_the_same_tensors_and_metadata() {
        let bytes = write_safetensors(&sample(), &[("note", "hello")]);
        let (tensors, metadata) = read_safetensors(&bytes).unwrap();
        assert_eq!(tensors, sample());
        assert_eq!(metadata, [("note".to_string(), "hello".to_string())]);
    }

    #[test]
    fn the_reference_safetensors_crate_reads_our_files() {
        let bytes = write_safetensors(&sample(), &[("note", "hello")]);
        let file = ::safetensors::SafeTensors::deserialize(&bytes).expect("valid safetensors");
        for expected in sample() {
            let view = file.tensor(&expected.name).unwrap();
            assert_eq!(view.dtype(), ::safetensors::Dtype::F32);
            assert_eq!(view.shape(), expected.shape.as_slice());
            let values: Vec<f32> = view.data().chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
            assert_eq!(values, expected.values);
        }
    }

    #[test]
    fn we_read_files_the_reference_crate_writes() {
        let tensors = sample();
        let raw: Vec<Vec<u8>> = tensors.iter().map(|t| t.values.iter().flat_map(|v| v.to_le_bytes()).collect()).collect();
        let views: Vec<(&str, ::safetensors::tensor::TensorView<'_>)> = tensors
            .iter()
            .zip(&raw)
            .map(|(t, raw)| (t.name.as_str(), ::safetensors::tensor::TensorView::new(::safetensors::Dtype::F32, t.shape.clone(), raw).unwrap()))
            .collect();
        let bytes = ::safetensors::serialize(views, None).unwrap();
        let (mut read, _) = read_safetensors(&bytes).unwrap();
        read.sort_by(|a, b| a.name.cmp(&b.name));
        let mut want = sample();
        want.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(read, want);
    }

    #[test]
    fn truncated_files_are_errors_not_panics() {
        let bytes = write_safetensors(&sample(), &[]);
        for cut in [0, 4, 8, 20, bytes.len() - 1] {
            assert!(read_safetensors(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
