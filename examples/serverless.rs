//! A serverless handler in the shape `lambda_http` and similar runtimes use: an `http::Request` with a buffered body
//! in, an `http::Response` out. No web framework and no async runtime: the core's one call does the work.
//!
//! `cargo run --example serverless` simulates three invocations. In a real function, build the `Verifier` once,
//! outside the handler, and call `handler` from the runtime's entry point.

use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use http::{Request, Response, StatusCode};

#[derive(Debug, serde::Deserialize)]
struct Push {
    #[serde(rename = "ref")]
    reference: String,
}

/// The function body: verify, parse, answer. Dedup here would use a shared store (see `Receiver`).
fn handler(verifier: &Verifier, request: &Request<Vec<u8>>) -> Response<String> {
    let answer = |status: StatusCode, text: String| {
        let mut response = Response::new(text);
        *response.status_mut() = status;
        response
    };
    let verified = match verifier.verify(request) {
        Ok(verified) => verified,
        Err(error) => {
            eprintln!("rejected: {error}"); // the detail goes to logs; the sender only learns the category
            return answer(error.status(), error.kind().to_string());
        }
    };
    match verified.json::<Push>() {
        Ok(push) => answer(StatusCode::OK, format!("push to {} ({})", push.reference, verified.id().unwrap_or("-"))),
        Err(error) => answer(error.status(), error.kind().to_string()),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = "It's a Secret to Everybody";
    let verifier = Verifier::builder(Scheme::GitHub).secret(secret).build()?;
    let github = Signer::new(Scheme::GitHub, secret)?;
    let now = time::OffsetDateTime::now_utc();
    let body = br#"{"ref":"refs/heads/main"}"#.to_vec();

    let genuine = github.request("/api/github".parse()?, "72d3162e-cc78-11e3-81ab-4c9367dc0958", now, body.clone())?;
    let mut forged = genuine.clone();
    *forged.body_mut() = br#"{"ref":"refs/heads/evil"}"#.to_vec();
    let not_json = github.request("/api/github".parse()?, "guid-2", now, b"ref=main".to_vec())?;

    for (name, request) in [("genuine", &genuine), ("forged", &forged), ("not JSON", &not_json)] {
        let response = handler(&verifier, request);
        println!("{name:>9}: {} {}", response.status(), response.body());
    }
    Ok(())
}
