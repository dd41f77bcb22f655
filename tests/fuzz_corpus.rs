//! Replays the fuzz corpus kept in `fuzz/corpus/` through the same harnesses the fuzz targets run, so every
//! `cargo test` re-checks every input the fuzzer ever found interesting. (Run the fuzzer itself with
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run verify --sanitizer none`.)

#[path = "fuzz/harness.rs"]
mod harness;

fn replay(target: &str, harness: fn(&[u8])) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("fuzz/Cargo.toml").exists() {
        // The published crate ships the harness but not the corpus (it lives in the repository only).
        eprintln!("no fuzz corpus outside the repository: nothing to replay for {target}");
        return;
    }
    let directory = root.join("fuzz/corpus").join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&directory).unwrap_or_else(|error| panic!("{}: {error}", directory.display())) {
        let path = entry.unwrap().path();
        harness(&std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count > 0, "the corpus for {target} is empty");
}

#[test]
fn the_verify_corpus_never_panics() {
    replay("verify", harness::verify);
}

#[test]
fn the_configure_corpus_never_panics() {
    replay("configure", harness::configure);
}
