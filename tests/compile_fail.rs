//! Compile-time guarantees, checked with `trybuild`: a [`hooksafe::sign::Tag`] has no `==` and no readable bytes,
//! so the constant-time [`Tag::matches`](hooksafe::sign::Tag::matches) is the only way to compare two.
//!
//! Runs in the default test build only (`cargo test`): each further feature set would compile the crate again for
//! nothing, since the type is the same in all of them. The expected compiler output is in `tests/compile-fail/*.stderr`; regenerate it with
//! `TRYBUILD=overwrite cargo test --test compile_fail` after a toolchain update changes the wording.
#![cfg(not(any(feature = "redis", feature = "tracing")))]

#[test]
fn tags_cannot_be_compared_except_in_constant_time() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
