//! Compiles the `legal-rules/` folder into the binary, so `relance` runs anywhere with the
//! law it was released with; `--rules DIR` loads an updated copy instead.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new("legal-rules");
    println!("cargo:rerun-if-changed=legal-rules");
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix(root).expect("under legal-rules");
        let rel = rel.to_str().expect("UTF-8 file names").replace('\\', "/");
        let abs = std::fs::canonicalize(path).expect("readable rule file");
        writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("]\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded_rules.rs");
    std::fs::write(dest, out).unwrap();
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}
