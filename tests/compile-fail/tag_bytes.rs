// Nor can its bytes be taken out and compared with a slice `==`.
use hooksafe::{Scheme, sign::Signer};

fn main() {
    let signer = Signer::new(Scheme::GitHub, "secret").unwrap();
    let now = time::OffsetDateTime::now_utc();
    let received = signer.tag("", now, b"{}").unwrap();
    let expected = signer.tag("", now, b"{}").unwrap();
    assert!(received.0 == expected.0);
}
