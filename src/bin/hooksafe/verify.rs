//! `hooksafe verify`: whether a captured HTTP request verifies, and if not, why, in plain words.

use std::process::ExitCode;

use clap::Args;
use hooksafe::ErrorKind;
use http::Request;
use time::OffsetDateTime;

use super::{Failure, VerifyingKeys, text_or_file, time_arg};

#[derive(Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    keys: VerifyingKeys,
    /// The raw HTTP request as captured (request line, headers, blank line, body), or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    request: String,
    /// Verify as of this time (unix seconds or RFC 3339) instead of now, for an old capture.
    #[arg(long)]
    at: Option<String>,
}

/// A raw HTTP/1.1 request as captured: the head, then the body (its `Content-Length`, or the rest).
fn parse_request(bytes: &[u8]) -> Result<Request<Vec<u8>>, Failure> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Err(Failure("the request ends inside its head".into())),
        Err(error) => return Err(Failure(format!("the request is not HTTP/1.1: {error}"))),
    };
    let mut request = Request::builder().method(parsed.method.unwrap_or("POST")).uri(parsed.path.unwrap_or("/"));
    for header in parsed.headers.iter() {
        request = request.header(header.name, header.value);
    }
    let mut body = bytes[head_len..].to_vec();
    let request = request.body(())?;
    if request.headers().get(http::header::TRANSFER_ENCODING).is_some() {
        return Err(Failure("a chunked capture cannot be verified: capture the decoded body".into()));
    }
    if let Some(length) = request.headers().get(http::header::CONTENT_LENGTH) {
        let length: usize = length.to_str()?.trim().parse()?;
        if body.len() < length {
            return Err(Failure(format!(
                "the body is {} bytes, shorter than its Content-Length of {length}",
                body.len()
            )));
        }
        body.truncate(length);
    }
    Ok(request.map(|()| body))
}

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let verifier = args.keys.verifier()?;
    let bytes = if args.request == "-" { text_or_file("@-")? } else { text_or_file(&format!("@{}", args.request))? };
    let request = parse_request(&bytes)?;
    let now = args.at.as_deref().map(time_arg).transpose()?.unwrap_or_else(OffsetDateTime::now_utc);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match runtime.block_on(verifier.verify_async_at(&request, now)) {
        Ok(verified) => {
            println!("verified: the signature matches key {}", verified.key_id());
            println!("  id:         {}", verified.id().unwrap_or("(none)"));
            println!("  event type: {}", verified.event_type().as_deref().unwrap_or("(none)"));
            if let Some(signed) = verified.timestamp() {
                println!("  signed:     {} s before the verification time", (now - signed).whole_seconds());
            }
            if verified.handshake().is_some() {
                println!("  this is the provider's endpoint check, answered without calling a handler");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("rejected: {}", explain(&error, args.keys.key_count()));
            println!("  ({error})");
            Ok(ExitCode::from(1))
        }
    }
}

/// The decision in plain words.
fn explain(error: &hooksafe::Error, keys: usize) -> String {
    let header = error.header_name().map_or_else(String::new, |name| format!("`{name}`"));
    match error.kind() {
        ErrorKind::MissingHeader => format!("the request has no {header} header, which this scheme always sends"),
        ErrorKind::MalformedHeader => format!("the {header} header is not in the form this scheme sends"),
        ErrorKind::InvalidTimestamp => format!("the timestamp in {header} is not a time"),
        ErrorKind::TimestampTooOld => "the timestamp is older than the replay window allows".into(),
        ErrorKind::TimestampTooNew => "the timestamp is further in the future than the window allows".into(),
        ErrorKind::InvalidSignature => {
            let plural = if keys == 1 { "" } else { "s" };
            format!("the signature matches none of the {keys} configured key{plural}")
        }
        ErrorKind::MalformedBody => {
            "the body is not what this scheme signs (its signature or timestamp lives there)".into()
        }
        ErrorKind::PublicUrlRequired => "this scheme signs the URL: give --public-url".into(),
        ErrorKind::PayloadTooLarge => "the body is larger than the verifier accepts".into(),
        kind => kind.as_str().to_owned(),
    }
}
