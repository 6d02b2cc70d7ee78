//! Unsigned LEB128: 7 bits per byte, high bit set on all but the last byte. Token ids are
//! frequency ranks, so the 126 most frequent tokens take one byte and the rest of a
//! 20,000-word vocabulary two.

pub fn write(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads one value at `*at` and advances; `None` if the bytes end early or overflow a u32.
pub fn read(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value = 0u32;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        let bits = (byte & 0x7f) as u32;
        if shift == 28 && bits > 0x0f {
            return None;
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_in_the_expected_number_of_bytes() {
        for (value, len) in [
            (0, 1),
            (127, 1),
            (128, 2),
            (16_383, 2),
            (16_384, 3),
            (u32::MAX, 5),
        ] {
            let mut out = Vec::new();
            write(&mut out, value);
            assert_eq!(out.len(), len, "{value}");
            let mut at = 0;
            assert_eq!(read(&out, &mut at), Some(value));
            assert_eq!(at, len);
        }
    }

    #[test]
    fn cut_or_oversized_values_are_refused() {
        assert_eq!(read(&[0x80], &mut 0), None);
        assert_eq!(read(&[0xff, 0xff, 0xff, 0xff, 0x1f], &mut 0), None);
        assert_eq!(read(&[], &mut 0), None);
    }
}
