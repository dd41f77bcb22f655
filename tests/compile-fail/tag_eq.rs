// A tag cannot be compared with `==`: the only comparison is `Tag::matches`, in constant time.
use hooksafe::{Scheme, sign::Signer};

fn main() {
    let signer = Signer::new(Scheme::GitHub, "secret").unwrap();
    let now = time::OffsetDateTime::now_utc();
    let received = signer.tag("", now, b"{}").unwrap();
    let expected = signer.tag("", now, b"{}").unwrap();
    assert!(received == expected);
}
