//! `hooksafe sign`: the headers a provider sends with a body, or a complete curl command; secrets masked.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Args;
use http::Uri;

use super::{Delivery, Failure, SigningKey, signed_request};

#[derive(Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    key: SigningKey,
    #[command(flatten)]
    delivery: Delivery,
    /// Print a complete curl command that posts the delivery to URL.
    #[arg(long, value_name = "URL")]
    curl: Option<String>,
    /// Print headers that carry the secret itself (GitLab's token, Basic credentials) instead of masking them.
    #[arg(long)]
    show_secret: bool,
}

pub(crate) fn run(args: &SignArgs) -> Result<ExitCode, Failure> {
    let signer = args.key.signer()?;
    let prepared = args.delivery.prepare(&args.key.scheme)?;
    let uri: Uri = args.curl.as_deref().unwrap_or("/").parse()?;
    let request = signed_request(&signer, &prepared, uri)?;
    let mut headers = Vec::new();
    let mut masked = false;
    for (name, value) in request.headers() {
        let value = value.to_str()?;
        if !args.show_secret && carries_secret(name, value, args.key.secret.as_deref()) {
            masked = true;
            headers.push((name, "********"));
        } else {
            headers.push((name, value));
        }
    }
    let mut out = std::io::stdout().lock();
    match &args.curl {
        Some(url) => {
            write!(out, "curl -i -X POST {}", shell_quote(url))?;
            for (name, value) in &headers {
                write!(out, " -H {}", shell_quote(&format!("{name}: {value}")))?;
            }
            writeln!(out, " --data-binary {}", shell_quote(&String::from_utf8_lossy(request.body())))?;
        }
        None => {
            for (name, value) in &headers {
                writeln!(out, "{name}: {value}")?;
            }
        }
    }
    if masked {
        eprintln!("hooksafe: a header carries the secret itself and is masked; --show-secret prints it");
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether a header sends the secret as it is (a token or Basic credentials) rather than a MAC of the message.
fn carries_secret(name: &http::HeaderName, value: &str, secret: Option<&str>) -> bool {
    let credential = [http::header::AUTHORIZATION, http::header::PROXY_AUTHORIZATION];
    credential.contains(name)
        || name.as_str() == "x-gitlab-token"
        || secret.is_some_and(|secret| !secret.is_empty() && value.contains(secret))
}

/// `text` in single quotes for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
