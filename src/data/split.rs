//! A deterministic, label-balanced train/test split in which identical texts stay together.
//!
//! 1. Reviews with the same grouping text form a group. For IMDB that text is the review's
//!    stored tokens (`convert::grouping_key`), so exact duplicates stay together, and so do
//!    copies that differ only in case, spacing, HTML breaks or after the token cap.
//! 2. Each group gets a key: a seeded 64-bit FNV-1a hash of its grouping text, finished with the
//!    SplitMix64 mixer. Groups are visited in key order (ties by text), which acts as a shuffle
//!    that is the same on every machine and in every run.
//! 3. Groups of two or more reviews go first: to train when the key's top bit is 0, to test
//!    when it is 1, or to the other side when that side has no room for their labels.
//! 4. Single reviews follow in key order: each goes to train while train still has room for
//!    its label, then to test. Train gets half of each label (rounded down).
//!
//! Step 4 can always finish, because the room left on both sides together equals the reviews
//! left; step 3 only fails if duplicate groups alone overflow a side.

use super::error::DataError;
use std::collections::HashMap;

/// "STEPWISE" in ASCII. Changing it reshuffles the split (and invalidates trained models).
pub const SPLIT_SEED: u64 = 0x5354_4550_5749_5345;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Split {
    Train,
    Test,
}

/// The shuffle key of a text: seeded FNV-1a, then SplitMix64's finaliser for well-mixed bits.
pub fn review_key(text: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ SPLIT_SEED;
    for &b in text.as_bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Assigns each review to a side; `texts` are the grouping texts, `labels` class indices
/// below `classes`.
pub fn split_balanced(
    texts: &[&str],
    labels: &[u8],
    classes: usize,
) -> Result<Vec<Split>, DataError> {
    assert_eq!(texts.len(), labels.len());
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut totals = vec![0usize; classes];
    for (i, (&text, &label)) in texts.iter().zip(labels).enumerate() {
        groups.entry(text).or_default().push(i);
        totals[label as usize] += 1;
    }
    let mut ordered: Vec<(u64, &str, Vec<usize>)> = groups
        .into_iter()
        .map(|(text, members)| (review_key(text), text, members))
        .collect();
    ordered.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

    let train_room: Vec<usize> = totals.iter().map(|t| t / 2).collect();
    let test_room: Vec<usize> = totals.iter().zip(&train_room).map(|(t, r)| t - r).collect();
    let mut room = [train_room, test_room];
    let mut sides = vec![Split::Train; texts.len()];

    let mut place = |members: &[usize], preferred: Split| -> bool {
        let mut need = vec![0usize; classes];
        for &i in members {
            need[labels[i] as usize] += 1;
        }
        let other = if preferred == Split::Train {
            Split::Test
        } else {
            Split::Train
        };
        for side in [preferred, other] {
            let free = &mut room[side as usize];
            if need.iter().zip(free.iter()).all(|(n, f)| n <= f) {
                free.iter_mut().zip(&need).for_each(|(f, n)| *f -= n);
                members.iter().for_each(|&i| sides[i] = side);
                return true;
            }
        }
        false
    };
    let (duplicates, singles): (Vec<_>, Vec<_>) = ordered.iter().partition(|g| g.2.len() > 1);
    for (key, _, members) in duplicates {
        let preferred = if key >> 63 == 0 {
            Split::Train
        } else {
            Split::Test
        };
        if !place(members, preferred) {
            return Err(DataError::bad_input(
                "IMDB",
                "duplicate reviews alone overflow one side of the split",
            ));
        }
    }
    for (_, _, members) in singles {
        if !place(members, Split::Train) {
            return Err(DataError::bad_input("IMDB", "the split ran out of room"));
        }
    }
    Ok(sides)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_of(texts: &[String], labels: &[u8]) -> Vec<Split> {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        split_balanced(&refs, labels, 2).unwrap()
    }

    #[test]
    fn each_label_is_halved_exactly() {
        let texts: Vec<String> = (0..1000).map(|i| format!("review {i}")).collect();
        let labels: Vec<u8> = (0..1000).map(|i| (i % 3 == 0) as u8).collect();
        let sides = split_of(&texts, &labels);
        for label in [0, 1] {
            let of_label = |side| {
                (0..1000)
                    .filter(|&i| labels[i] == label && sides[i] == side)
                    .count()
            };
            let total = labels.iter().filter(|&&l| l == label).count();
            assert_eq!(of_label(Split::Train), total / 2);
            assert_eq!(of_label(Split::Test), total - total / 2);
        }
    }

    #[test]
    fn identical_texts_land_on_the_same_side() {
        let mut texts: Vec<String> = (0..400).map(|i| format!("review {}", i % 150)).collect();
        texts.extend((0..200).map(|i| format!("unique {i}")));
        let labels: Vec<u8> = texts.iter().map(|t| (t.len() % 2) as u8).collect();
        let sides = split_of(&texts, &labels);
        let mut side_of: HashMap<&str, Split> = HashMap::new();
        for (text, side) in texts.iter().zip(&sides) {
            assert_eq!(
                *side_of.entry(text).or_insert(*side),
                *side,
                "{text} spans both sides"
            );
        }
    }

    #[test]
    fn the_split_depends_on_texts_not_on_their_order() {
        let texts: Vec<String> = (0..300).map(|i| format!("r{i}")).collect();
        let labels: Vec<u8> = (0..300).map(|i| (i % 2) as u8).collect();
        let sides = split_of(&texts, &labels);
        let (rev_texts, rev_labels): (Vec<String>, Vec<u8>) = texts
            .iter()
            .cloned()
            .zip(labels.iter().copied())
            .rev()
            .unzip();
        let mut rev_sides = split_of(&rev_texts, &rev_labels);
        rev_sides.reverse();
        assert_eq!(sides, rev_sides);
        assert_eq!(review_key("r1"), review_key("r1"));
        assert_ne!(review_key("r1"), review_key("r2"));
    }
}
