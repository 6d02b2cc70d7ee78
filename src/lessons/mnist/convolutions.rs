//! The convolution blocks as text, one format for the settings form and the link:
//! `5x8 pool 2, 5x16 pool 2` is LeNet's two blocks (5 × 5 kernels, 8 of them, then 2 × 2
//! max-pooling; and again with 16). `×` may stand for `x`, `pool 1` or no `pool` means no
//! pooling, and an empty text or `none` means no convolutions at all.

use super::ConvBlock;

pub const MAX_BLOCKS: usize = 4;
pub const MAX_KERNEL: usize = 28;
pub const MAX_FILTERS: usize = 128;
pub const MAX_POOL: usize = 14;

/// `5x8 pool 2, 5x16 pool 2`, or `none`.
pub fn to_text(blocks: &[ConvBlock]) -> String {
    if blocks.is_empty() {
        return "none".into();
    }
    let text: Vec<String> = blocks
        .iter()
        .map(|b| if b.pool > 1 { format!("{}x{} pool {}", b.size, b.filters, b.pool) } else { format!("{}x{}", b.size, b.filters) })
        .collect();
    text.join(", ")
}

fn whole(text: &str, low: usize, high: usize, what: &str, block: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (low..=high).contains(&n) => Ok(n),
        Ok(_) => Err(format!("In \"{block}\": {what} must be {low} to {high}.")),
        Err(_) => Err(format!("In \"{block}\": \"{}\" is not a whole number of {what}.", text.trim())),
    }
}

/// The blocks the text describes, or what is wrong with it, in the learner's words.
pub fn parse(text: &str) -> Result<Vec<ConvBlock>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let blocks: Vec<&str> = text.split([',', ';']).map(str::trim).filter(|b| !b.is_empty()).collect();
    if blocks.len() > MAX_BLOCKS {
        return Err(format!("At most {MAX_BLOCKS} convolution blocks."));
    }
    blocks
        .iter()
        .map(|&block| {
            let lower = block.to_lowercase().replace('×', "x");
            let (kernel, pool) = match lower.split_once("pool") {
                Some((kernel, pool)) => (kernel, Some(pool)),
                None => (lower.as_str(), None),
            };
            let Some((size, filters)) = kernel.split_once('x') else {
                return Err(format!("Write each block as kernel size x filters, like \"5x8 pool 2\"; \"{block}\" has no x."));
            };
            Ok(ConvBlock {
                size: whole(size, 1, MAX_KERNEL, "kernel size", block)?,
                filters: whole(filters, 1, MAX_FILTERS, "filters", block)?,
                pool: pool.map_or(Ok(1), |p| whole(p, 1, MAX_POOL, "pooling", block))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::mnist::LENET;

    #[test]
    fn lenet_reads_and_writes_as_the_learner_would_type_it() {
        assert_eq!(to_text(&LENET), "5x8 pool 2, 5x16 pool 2");
        assert_eq!(parse("5x8 pool 2, 5x16 pool 2").unwrap(), LENET);
        assert_eq!(parse(" 5×8 Pool 2 ; 5 x 16 pool 2 ").unwrap(), LENET);
        assert_eq!(parse("3x4").unwrap(), [ConvBlock { size: 3, filters: 4, pool: 1 }]);
        assert_eq!(to_text(&parse("3x4 pool 1").unwrap()), "3x4");
        assert_eq!(parse("none").unwrap(), []);
        assert_eq!(parse("").unwrap(), []);
        assert_eq!(to_text(&[]), "none");
    }

    #[test]
    fn bad_blocks_say_which_and_why() {
        assert!(parse("5 8").unwrap_err().contains("has no x"));
        assert!(parse("5x0").unwrap_err().contains("filters must be 1 to 128"));
        assert!(parse("0x8").unwrap_err().contains("kernel size must be 1 to 28"));
        assert!(parse("5x8 pool two").unwrap_err().contains("\"two\" is not a whole number of pooling"));
        assert!(parse("3x4, 3x4, 3x4, 3x4, 3x4").unwrap_err().contains("At most 4"));
        assert!(parse("5x8x2").is_err());
    }
}
