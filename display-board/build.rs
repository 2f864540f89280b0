//! Embeds the announcement clips of `clips/` in the crate, so the server and the board
//! agent speak offline with nothing beside the binary.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("clips");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("display-board/clips exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    names.sort();
    let mut code = String::from(
        "/// The built-in clips: (name, WAV bytes).\npub static BUILTIN: &[(&str, &[u8])] = &[\n",
    );
    for path in &names {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 clip name");
        writeln!(
            code,
            "    ({stem:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("clips.rs");
    std::fs::write(out, code).expect("write clips.rs");
}
