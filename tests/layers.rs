//! The layers import downwards only (ARCHITECTURE.md): a plain scan of every `crate::…` path in
//! `src/`, failing with the file, the line and the rule it breaks.
//!
//! engine → data → catalog → lessons' models (and `worker::protocol`, which carries their
//! settings) → ui → lessons' views → app. `worker` is the training worker's entry: it runs the
//! lessons' models and never touches the page's UI.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::a::b` paths a line names: (`a`, `b`), `b` empty when there is none.
fn crate_paths(line: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let segment = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
        let first = segment(after);
        let second = after[first.len()..].strip_prefix("::").map(segment).unwrap_or_default();
        found.push((first, second));
        rest = after;
    }
    found
}

/// Why `file` may not name `crate::{first}::{second}`, or `None` when it may.
fn broken_rule(file: &str, is_view: bool, first: &str, second: &str) -> Option<&'static str> {
    let under = |folder: &str| file.starts_with(folder);
    if under("src/engine/") {
        let own = first == "engine" || first == "backend_conformance_suite"; // the suite's exported macro
        return (!own).then_some("the engine imports nothing but itself");
    }
    if under("src/data/") {
        return (!matches!(first, "data" | "engine")).then_some("data imports only the engine");
    }
    if file == "src/catalog.rs" {
        return Some("the catalog is data only and imports nothing");
    }
    if under("src/lessons/shared/") {
        let allowed = matches!(first, "engine" | "data" | "catalog") || (first == "lessons" && second == "shared");
        return (!allowed).then_some("lessons/shared imports no lesson, ui, worker or app");
    }
    if under("src/lessons/") {
        if first == "app" {
            return Some("a lesson never imports app (the routes import the lessons)");
        }
        if first == "ui" && !is_view {
            return Some("a lesson's model files (built natively, not only for wasm) do not import ui");
        }
        return None;
    }
    if under("src/ui/") {
        let allowed = match first {
            "engine" | "data" | "catalog" | "ui" => true,
            "lessons" => second == "shared",
            "worker" => second == "protocol",
            _ => false,
        };
        return (!allowed).then_some("ui imports engine, data, catalog, lessons::shared and worker::protocol only");
    }
    if under("src/worker/") {
        return matches!(first, "ui" | "app").then_some("the worker never imports the page's ui or app");
    }
    None
}

/// Whether the module at `path` is compiled only into the wasm build (a lesson's views and its
/// page-side training code): it, or a module it sits in, is declared under
/// `#[cfg(target_arch = "wasm32")]`.
fn wasm_only(path: &Path) -> bool {
    // The module's name and the folder its declaring file is in (`a/b.rs` and `a/b/mod.rs` are
    // both `b`, declared in `a/mod.rs`, `a.rs` or, at the top, `lib.rs`).
    let (name, folder) = if path.file_name().is_some_and(|n| n == "mod.rs") {
        let own = path.parent().unwrap();
        (own.file_name().unwrap().to_string_lossy().into_owned(), own.parent().unwrap().to_path_buf())
    } else {
        (path.file_stem().unwrap().to_string_lossy().into_owned(), path.parent().unwrap().to_path_buf())
    };
    let declaring = [folder.join("mod.rs"), folder.with_extension("rs"), folder.join("lib.rs")];
    let Some(parent) = declaring.into_iter().find(|p| p.is_file() && p != path) else { return false };
    let text = fs::read_to_string(&parent).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Inside a `page_files! { … }` block (lessons/mod.rs), every module is wasm-only.
    let mut in_page_files = false;
    let declared_for_wasm = lines.iter().enumerate().any(|(i, line)| {
        let trimmed = line.trim();
        if trimmed.ends_with("page_files! {") {
            in_page_files = true;
        } else if trimmed == "}" {
            in_page_files = false;
        }
        let declaration = trimmed.trim_start_matches("pub ").trim_start_matches("pub(crate) ").trim_start_matches("pub(super) ");
        declaration == format!("mod {name};")
            && (in_page_files || (i > 0 && (lines[i - 1].contains("cfg(target_arch = \"wasm32\")") || lines[i - 1].contains("cfg(all(target_arch = \"wasm32\""))))
    });
    declared_for_wasm || (parent.file_name().is_some_and(|n| n != "lib.rs") && wasm_only(&parent))
}

#[test]
fn layers_import_downwards_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut broken = Vec::new();
    for path in &files {
        let file = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text = fs::read_to_string(path).unwrap();
        let is_view = wasm_only(path);
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for (first, second) in crate_paths(code) {
                if let Some(rule) = broken_rule(&file, is_view, &first, &second) {
                    broken.push(format!("{file}:{}: crate::{first}::{second}: {rule}", number + 1));
                }
            }
        }
    }
    assert!(files.len() > 100, "found only {} files under src/", files.len());
    assert!(broken.is_empty(), "imports that go up a layer:\n{}", broken.join("\n"));
}

#[test]
fn the_scan_catches_an_import_upwards() {
    assert_eq!(crate_paths("use crate::app::routes; x(crate::ui::chart)"), vec![("app".into(), "routes".into()), ("ui".into(), "chart".into())]);
    assert!(broken_rule("src/ui/share.rs", true, "app", "link").is_some());
    assert!(broken_rule("src/ui/share.rs", true, "lessons", "mnist").is_some());
    assert!(broken_rule("src/lessons/gan/page.rs", true, "app", "embeds").is_some());
    assert!(broken_rule("src/lessons/gan/model.rs", false, "ui", "chart").is_some());
    assert!(broken_rule("src/engine/tensor.rs", false, "lessons", "shared").is_some());
    assert!(broken_rule("src/lessons/gan/page.rs", true, "ui", "chart").is_none());
    assert!(broken_rule("src/app/routes.rs", true, "lessons", "mnist").is_none());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(wasm_only(&root.join("src/lessons/functions/page/charts.rs")));
    assert!(wasm_only(&root.join("src/lessons/gan/gpu_run.rs")));
    assert!(!wasm_only(&root.join("src/lessons/gan/model.rs")));
    assert!(!wasm_only(&root.join("src/lessons/mnist/link.rs")));
}
