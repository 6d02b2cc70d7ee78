//! Batches of character windows, as nanoGPT draws them: a window of `time` characters is the
//! input, and the same window shifted one character on is what the model should predict.

use super::model::Windows;
use crate::engine::rng::Pcg32;

/// `batch` windows starting at random places in `text`, and the next character after each
/// position of each window.
pub fn random_windows(text: &[u8], batch: usize, time: usize, rng: &mut Pcg32) -> (Windows, Vec<u32>) {
    assert!(text.len() > time, "a text of {} characters holds no window of {time}", text.len());
    let starts: Vec<usize> = (0..batch).map(|_| rng.below((text.len() - time) as u32) as usize).collect();
    windows_at(text, &starts, time)
}

/// Windows laid end to end from the start of `text`, as many as fit (at most `most`): scoring
/// them scores each of their characters once.
pub fn consecutive_windows(text: &[u8], time: usize, most: usize) -> (Windows, Vec<u32>) {
    let count = ((text.len() - 1) / time).min(most);
    let starts: Vec<usize> = (0..count).map(|w| w * time).collect();
    windows_at(text, &starts, time)
}

/// `count` windows spread evenly over `text`, first at its start and last at its end: a fixed
/// sample of all of it.
pub fn spread_windows(text: &[u8], time: usize, count: usize) -> (Windows, Vec<u32>) {
    assert!(text.len() > time, "a text of {} characters holds no window of {time}", text.len());
    let last = text.len() - time - 1;
    let starts: Vec<usize> = (0..count).map(|w| if count == 1 { 0 } else { w * last / (count - 1) }).collect();
    windows_at(text, &starts, time)
}

fn windows_at(text: &[u8], starts: &[usize], time: usize) -> (Windows, Vec<u32>) {
    let ids = starts.iter().flat_map(|&s| text[s..s + time].iter().map(|&c| c as u32)).collect();
    let next = starts.iter().flat_map(|&s| text[s + 1..s + time + 1].iter().map(|&c| c as u32)).collect();
    (Windows { ids, batch: starts.len() }, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_targets_are_the_inputs_shifted_by_one() {
        let text = [0, 1, 2, 3, 4, 5, 6];
        let (windows, next) = consecutive_windows(&text, 3, 10);
        assert_eq!((windows.ids, windows.batch), (vec![0, 1, 2, 3, 4, 5], 2));
        assert_eq!(next, vec![1, 2, 3, 4, 5, 6]);
        let (windows, _) = spread_windows(&text, 3, 3);
        assert_eq!(windows.ids, vec![0, 1, 2, 1, 2, 3, 3, 4, 5], "starts 0, 1 and 3: the last window ends at the last target");
        let (windows, next) = random_windows(&text, 4, 3, &mut Pcg32::from_seed(1));
        for (w, n) in windows.ids.chunks(3).zip(next.chunks(3)) {
            assert_eq!(&w[1..], &n[..2]);
            assert_eq!(n[2], w[2] + 1);
        }
    }
}
