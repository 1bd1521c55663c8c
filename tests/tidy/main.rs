//! Tidy checks on the source tree, so the code map cannot fall behind the code:
//!
//! - every source file starts with its header comment: `//!` in Rust, a `//` comment in
//!   JavaScript, a `#` comment (after any `#!` line) in shell scripts;
//! - every source folder and file is named in ARCHITECTURE.md, in the section of its part of
//!   the tree, by its path relative to that part's root in backticks (`engine/client.rs`,
//!   `engine/`).
//!
//! Each part of the tree is its own test, and a failure lists exactly what is missing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One part of the tree: its section in ARCHITECTURE.md is the `##`/`###` heading that names
/// `heading` (such as `` `backend/` ``), and its files are named relative to `root`.
struct Part {
    heading: &'static str,
    root: &'static str,
    /// Files outside `root` that belong to the part, named by their path relative to the
    /// part's folder (such as `build.rs`).
    extra: &'static [&'static str],
    extensions: &'static [&'static str],
}

const BACKEND: Part = Part {
    heading: "`backend/`",
    root: "backend/src",
    extra: &["build.rs"],
    extensions: &["rs"],
};
const SHARED: Part = Part {
    heading: "`shared/`",
    root: "shared/src",
    extra: &[],
    extensions: &["rs"],
};
const FRONTEND: Part = Part {
    heading: "`frontend/`",
    root: "frontend/src",
    extra: &[],
    extensions: &["rs"],
};
const TESTS: Part = Part {
    heading: "`tests/`",
    root: "tests",
    extra: &[],
    extensions: &["rs", "mjs"],
};
const SCRIPTS: Part = Part {
    heading: "`scripts/`",
    root: "scripts",
    extra: &[],
    extensions: &["sh"],
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the backend sits in the workspace")
        .to_owned()
}

/// Every file with one of `extensions` under `dir`, and every folder that holds one (at any
/// depth), relative to `dir`. Folders of other files only (screenshots, data) are not code.
fn walk(dir: &Path, extensions: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("a readable folder") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|extension| extension.to_str())
                .is_some_and(|extension| extensions.contains(&extension))
            {
                let relative = path.strip_prefix(dir).expect("under the root");
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    let folders: BTreeSet<String> = files
        .iter()
        .flat_map(|file| {
            file.match_indices('/')
                .map(|(end, _)| format!("{}/", &file[..end]))
                .collect::<Vec<_>>()
        })
        .collect();
    (files, folders.into_iter().collect())
}

/// The text of the section of ARCHITECTURE.md whose heading contains `heading`, up to the
/// next heading of the same or a higher level.
fn section<'a>(map: &'a str, heading: &str) -> Option<&'a str> {
    let mut start = None;
    let mut level = 0;
    let mut offset = 0;
    for line in map.split_inclusive('\n') {
        let hashes = line.bytes().take_while(|byte| *byte == b'#').count();
        let is_heading = hashes > 0 && line.as_bytes().get(hashes) == Some(&b' ');
        match start {
            None if is_heading && line.contains(heading) => {
                start = Some(offset + line.len());
                level = hashes;
            }
            Some(begin) if is_heading && hashes <= level => return Some(&map[begin..offset]),
            _ => {}
        }
        offset += line.len();
    }
    start.map(|begin| &map[begin..])
}

/// What of `part` ARCHITECTURE.md does not name.
fn unnamed(part: &Part) -> Result<Vec<String>, String> {
    let repo = repo();
    let map = std::fs::read_to_string(repo.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let Some(text) = section(&map, part.heading) else {
        return Err(format!(
            "ARCHITECTURE.md has no section whose heading names {}",
            part.heading
        ));
    };
    let (files, folders) = walk(&repo.join(part.root), part.extensions);
    let named: BTreeSet<&str> = text.split('`').skip(1).step_by(2).collect();
    Ok(folders
        .into_iter()
        .chain(files)
        .chain(part.extra.iter().map(|extra| (*extra).to_owned()))
        .filter(|path| !named.contains(path.as_str()))
        .collect())
}

fn assert_mapped(part: &Part) {
    match unnamed(part) {
        Ok(missing) => assert!(
            missing.is_empty(),
            "ARCHITECTURE.md's section {} does not name these {} paths (relative to {}/, in \
             backticks):\n{}",
            part.heading,
            missing.len(),
            part.root,
            missing.join("\n")
        ),
        Err(reason) => panic!("{reason}"),
    }
}

#[test]
fn the_backend_is_in_the_code_map() {
    assert_mapped(&BACKEND);
}

#[test]
fn the_shared_crate_is_in_the_code_map() {
    assert_mapped(&SHARED);
}

#[test]
fn the_frontend_is_in_the_code_map() {
    assert_mapped(&FRONTEND);
}

#[test]
fn the_tests_are_in_the_code_map() {
    assert_mapped(&TESTS);
}

#[test]
fn the_scripts_are_in_the_code_map() {
    assert_mapped(&SCRIPTS);
}

/// Whether a file starts with its language's header comment.
fn has_header(path: &Path, text: &str) -> bool {
    let mut lines = text.lines();
    match path.extension().and_then(|extension| extension.to_str()) {
        Some("rs") => text.starts_with("//!"),
        Some("mjs" | "js") => text.starts_with("//") || text.starts_with("/*"),
        Some("sh") => {
            let first = lines.next().unwrap_or_default();
            let header = if first.starts_with("#!") {
                lines.next().unwrap_or_default()
            } else {
                first
            };
            header.starts_with("# ")
        }
        _ => true,
    }
}

#[test]
fn every_source_file_starts_with_its_header_comment() {
    let repo = repo();
    let mut missing = Vec::new();
    for part in [&BACKEND, &SHARED, &FRONTEND, &TESTS, &SCRIPTS] {
        let root = repo.join(part.root);
        let (files, _) = walk(&root, part.extensions);
        let extra = part
            .extra
            .iter()
            .map(|extra| root.parent().expect("a crate folder").join(extra));
        for path in files.iter().map(|file| root.join(file)).chain(extra) {
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            if !has_header(&path, &text) {
                missing.push(
                    path.strip_prefix(&repo)
                        .expect("in the repo")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "these files do not start with a header comment (`//!` in Rust, `//` in JavaScript, \
         `#` after the `#!` line in shell):\n{}",
        missing.join("\n")
    );
}
