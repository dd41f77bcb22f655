//! The exchanges with the endpoint: through an HTTP client that never uses a proxy or follows a redirect, or over a
//! connection of its own where the endpoint may answer before the body is sent; and the effects URL.

use std::time::{Duration, Instant};

use http::{Request, Uri};

use crate::{Answered, Failure};

impl Answered {
    pub(super) const fn is_success(&self) -> bool {
        self.status >= 200 && self.status < 300
    }

    pub(super) fn is_duplicate(&self) -> bool {
        self.outcome.as_deref() == Some("duplicate")
    }

    /// The status, with the outcome the endpoint declared.
    pub(super) fn describe(&self) -> String {
        self.outcome.as_ref().map_or_else(|| self.status.to_string(), |outcome| format!("{} ({outcome})", self.status))
    }
}

/// Sends `request` and reads the answer (its body up to 64 KiB).
pub(super) fn exchange(agent: &ureq::Agent, request: &Request<Vec<u8>>) -> Result<Answered, String> {
    crate::exchange(agent, &request.uri().to_string(), request, 64 * 1024)
}

/// Sends `request` over plain HTTP/1.1 on a connection of its own, and reads the status even when the endpoint
/// answers before the whole body is sent and stops reading (as a receiver refusing a declared length over its limit
/// does: an HTTP client that writes the whole body first would only see the connection reset).
pub(super) fn send_raw(request: &Request<Vec<u8>>, timeout: Duration) -> Result<Answered, String> {
    use std::io::{Read as _, Write as _};
    let started = Instant::now();
    // One deadline for the whole exchange, however slowly the endpoint reads or answers.
    let remaining = || (started + timeout).saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    let uri = request.uri();
    let host = uri.host().ok_or("no host")?;
    let port = uri.port_u16().unwrap_or(80);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<_> =
        std::net::ToSocketAddrs::to_socket_addrs(&(bare, port)).map_err(|error| error.to_string())?.collect();
    // Every address the name has (`localhost` is `::1` and `127.0.0.1`), as an HTTP client tries them.
    let mut stream = addresses
        .iter()
        .find_map(|address| std::net::TcpStream::connect_timeout(address, remaining()).ok())
        .ok_or_else(|| format!("could not connect to {host}:{port}"))?;
    let target = uri.path_and_query().map_or("/", |path| path.as_str());
    let mut head = format!("{} {target} HTTP/1.1\r\nhost: {host}:{port}\r\n", request.method());
    for (name, value) in request.headers() {
        if name != http::header::CONTENT_LENGTH && name != http::header::HOST {
            head.push_str(&format!("{name}: {}\r\n", value.to_str().map_err(|error| error.to_string())?));
        }
    }
    head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", request.body().len()));
    stream.set_write_timeout(Some(remaining())).map_err(|error| error.to_string())?;
    stream.write_all(head.as_bytes()).map_err(|error| error.to_string())?;
    // A write that fails once the endpoint stopped reading is expected: its answer is read below.
    for chunk in request.body().chunks(64 * 1024) {
        if stream.set_write_timeout(Some(remaining())).is_err() || stream.write_all(chunk).is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        stream.set_read_timeout(Some(remaining())).map_err(|error| error.to_string())?;
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
        }
        let mut headers = [httparse::EMPTY_HEADER; 64];
        if !matches!(httparse::Response::new(&mut headers).parse(&answer), Ok(httparse::Status::Partial))
            || answer.len() > 64 * 1024
        {
            break;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    response.parse(&answer).map_err(|error| format!("no HTTP answer ({error})"))?;
    let status = response.code.ok_or("no HTTP answer (the connection closed)")?;
    let outcome = response
        .headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case("hooksafe-outcome"))
        .map(|header| String::from_utf8_lossy(header.value).into_owned());
    Ok(Answered { status, outcome, body: Vec::new(), elapsed: started.elapsed() })
}

/// `GET effects?id=ID`: the number the endpoint's effects URL reports, read until it is not zero (for up to five
/// seconds, for an endpoint that processes after it answers) and once more a little later.
pub(super) fn effects_count(agent: &ureq::Agent, effects: &str, id: &str) -> Result<u64, Failure> {
    let encoded: String = id
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect();
    let separator = if effects.contains('?') { '&' } else { '?' };
    let url = format!("{effects}{separator}id={encoded}");
    let read = || -> Result<u64, Failure> {
        let mut response =
            agent.get(&url).call().map_err(|error| Failure(format!("the effects URL did not answer: {error}")))?;
        let text = response.body_mut().with_config().limit(1024).read_to_string().unwrap_or_default();
        text.trim().parse().map_err(|_| Failure(format!("the effects URL answered `{}`, not a count", text.trim())))
    };
    let started = Instant::now();
    while read()? == 0 && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    read()
}

/// `uri` with `query` added to its query.
pub(super) fn with_query(uri: &Uri, query: &str) -> Result<Uri, Failure> {
    let scheme = uri.scheme_str().unwrap_or("http");
    let authority = uri.authority().map_or("", |authority| authority.as_str());
    let query = uri.query().map_or_else(|| query.to_owned(), |existing| format!("{existing}&{query}"));
    format!("{scheme}://{authority}{}?{query}", uri.path())
        .parse()
        .map_err(|_| Failure("cannot add the challenge to the URL".into()))
}
