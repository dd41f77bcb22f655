//! `hooksafe listen --ui`: an inspector page on a loopback port of its own, listing the deliveries `listen` received
//! (time, scheme, id, event type, verdict and why, headers with credentials masked, the body pretty-printed), updated
//! live by polling, with a replay button that sends a captured delivery to `listen` again, re-signed when asked.
//!
//! What the page shows came from the network, so it only ever sets it as text, never as markup, under a content
//! security policy that runs nothing but its own script. Every request to the inspector must name it as its `Host`
//! (a DNS name rebound to loopback does not), and every request for data must carry the token printed with its
//! address (in the URL's fragment, which the browser never sends and no other page or local user can read).
//!
//! A re-signed replay never signs what listen's keys did not sign already: only a delivery whose signature matches
//! them, whatever its age, is re-signed (a stale delivery, say; never an unsigned endpoint check), with its own id;
//! and every header the signer sets on it is masked on the page, so the command is no signing oracle.

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use bytes::Bytes;
use hooksafe::Verifier;
use hooksafe::sign::Signer;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Deliveries kept for the page at most; older ones are dropped.
const KEPT: usize = 500;
/// Bytes of bodies kept at most, whatever arrives: older deliveries are dropped first.
const BUDGET: usize = 64 * 1024 * 1024;
/// Bytes of a body the page shows; a replay sends the whole body.
const SHOWN: usize = 64 * 1024;
/// Deliveries one poll returns at most.
const PER_POLL: usize = 100;

/// Headers whose value is a credential as sent: always masked.
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "x-gitlab-token"];
/// Query parameters whose value is masked: a name containing one of these (Meta's `hub.verify_token`).
const SECRET_PARAMETERS: &[&str] = &["token", "secret", "key", "password", "signature", "sig"];
/// The header that marks a re-signed replay, so its signature headers are masked when listen records it.
const RESIGNED: &str = "hooksafe-replay";
const MASK: &str = "•••••••• (masked)";

/// What `listen` received, for the page.
pub(crate) struct Inspector {
    kept: Mutex<Kept>,
    next: std::sync::atomic::AtomicU64,
    /// Proves a request for data came from the page whose address was printed.
    token: String,
    /// Where `listen` receives: replays go there.
    target: SocketAddr,
    /// Signs a replay when asked, or why it cannot.
    signer: Result<Signer, String>,
    /// listen's keys without the timestamp check: whether they signed a captured delivery, however old.
    signed_by_keys: Option<Verifier>,
    scheme: String,
    /// The secrets `listen` verifies with, masked wherever they appear.
    secrets: Vec<String>,
    /// The inspector's own address, the only `Host` a request may name.
    address: Mutex<Option<SocketAddr>>,
    /// The headers a re-sign sets, masked on re-signed replays.
    resigned_headers: Mutex<HashSet<HeaderName>>,
}

/// The deliveries kept, and the bytes of their bodies.
#[derive(Default)]
struct Kept {
    deliveries: VecDeque<Captured>,
    bytes: usize,
}

/// One delivery as received, and how `listen` answered it.
#[derive(Clone)]
struct Captured {
    seq: u64,
    time: String,
    method: Method,
    path: String,
    id: Option<String>,
    event_type: Option<String>,
    verdict: &'static str,
    reason: Option<String>,
    status: u16,
    headers: HeaderMap,
    /// `None` when it was not read (too large).
    body: Option<Bytes>,
    /// Whether it is a re-signed replay from the page.
    resigned: bool,
}

/// How `listen` answered a delivery, for [`Inspector::record`].
pub(crate) struct Outcome {
    pub(crate) verdict: &'static str,
    pub(crate) reason: Option<String>,
    pub(crate) status: u16,
    pub(crate) id: Option<String>,
    pub(crate) event_type: Option<String>,
}

impl Inspector {
    /// An inspector for a `listen` receiving at `target`.
    ///
    /// # Errors
    /// When the operating system gives no random bytes for the token.
    pub(crate) fn new(
        target: SocketAddr,
        signer: Result<Signer, String>,
        signed_by_keys: Option<Verifier>,
        scheme: String,
        secrets: Vec<String>,
    ) -> Result<Self, getrandom::Error> {
        let mut random = [0_u8; 16];
        getrandom::fill(&mut random)?;
        Ok(Self {
            kept: Mutex::new(Kept::default()),
            next: std::sync::atomic::AtomicU64::new(1),
            token: hex::encode(random),
            target,
            signer,
            signed_by_keys,
            scheme,
            secrets,
            address: Mutex::new(None),
            resigned_headers: Mutex::new(HashSet::new()),
        })
    }

    /// The page's token, for the address printed.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// Keeps a received delivery for the page (`body`: `None` when it was not read).
    pub(crate) fn record(&self, parts: &http::request::Parts, body: Option<&Bytes>, outcome: Outcome) {
        let seq = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let captured = Captured {
            seq,
            time: OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default(),
            method: parts.method.clone(),
            path: parts.uri.path_and_query().map_or("/", |path| path.as_str()).to_owned(),
            id: outcome.id,
            event_type: outcome.event_type,
            verdict: outcome.verdict,
            reason: outcome.reason,
            status: outcome.status,
            resigned: parts.headers.get(RESIGNED).is_some_and(|value| value == "resigned"),
            headers: parts.headers.clone(),
            body: body.cloned(),
        };
        let size = captured.body.as_ref().map_or(0, Bytes::len);
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.bytes += size;
        kept.deliveries.push_back(captured);
        while kept.deliveries.len() > KEPT || (kept.bytes > BUDGET && kept.deliveries.len() > 1) {
            let dropped = kept.deliveries.pop_front().and_then(|dropped| dropped.body).map_or(0, |body| body.len());
            kept.bytes -= dropped;
        }
    }

    /// `text` with every configured secret masked.
    fn without_secrets(&self, text: &str) -> String {
        self.secrets
            .iter()
            .filter(|secret| !secret.is_empty())
            .fold(text.to_owned(), |text, secret| text.replace(secret.as_str(), MASK))
    }

    /// A header's value as the page shows it: masked when it is a credential, a re-signed replay's signature, or
    /// carries a secret.
    fn shown_header(&self, captured: &Captured, name: &HeaderName, value: &HeaderValue) -> String {
        let resigned =
            captured.resigned && self.resigned_headers.lock().unwrap_or_else(PoisonError::into_inner).contains(name);
        if SECRET_HEADERS.contains(&name.as_str()) || resigned {
            return MASK.to_owned();
        }
        self.without_secrets(&String::from_utf8_lossy(value.as_bytes()))
    }

    /// The path and query as the page shows them: the values of parameters that name a secret masked.
    fn shown_path(&self, path: &str) -> String {
        let Some((path, query)) = path.split_once('?') else { return self.without_secrets(path) };
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if SECRET_PARAMETERS.iter().any(|word| name.to_ascii_lowercase().contains(word)) => {
                    format!("{name}={MASK}")
                }
                _ => pair.to_owned(),
            })
            .collect();
        self.without_secrets(&format!("{path}?{}", query.join("&")))
    }

    fn to_json(&self, captured: &Captured) -> serde_json::Value {
        let headers: Vec<_> = captured
            .headers
            .iter()
            .map(|(name, value)| serde_json::json!([name.as_str(), self.shown_header(captured, name, value)]))
            .collect();
        let body = captured.body.as_ref().map(|body| {
            // As received (the page indents JSON); the first `SHOWN` bytes.
            self.without_secrets(&String::from_utf8_lossy(&body[..body.len().min(SHOWN)]))
        });
        serde_json::json!({
            "seq": captured.seq,
            "time": captured.time,
            "scheme": self.scheme,
            "method": captured.method.as_str(),
            "path": self.shown_path(&captured.path),
            "id": captured.id,
            "event_type": captured.event_type,
            "verdict": captured.verdict,
            "reason": captured.reason,
            "status": captured.status,
            "headers": headers,
            "body": body,
            "body_length": captured.body.as_ref().map(Bytes::len),
            "replayable": captured.body.is_some(),
        })
    }

    /// `Some(refusal)` unless `headers` name this server as `Host` and, when `token` is asked for, carry the token.
    fn refuse(&self, headers: &HeaderMap, token: bool) -> Option<Response> {
        let own = *self.address.lock().unwrap_or_else(PoisonError::into_inner);
        let host = headers.get(http::header::HOST).and_then(|host| host.to_str().ok()).map(str::to_ascii_lowercase);
        let host_ok = own.zip(host).is_some_and(|(own, host)| {
            let port = own.port();
            let names = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
            names.contains(&host) || (port == 80 && (host == "127.0.0.1" || host == "localhost"))
        });
        if !host_ok {
            return Some((StatusCode::MISDIRECTED_REQUEST, "not this server's name").into_response());
        }
        let sent = headers.get("x-hooksafe-token").map_or(&[][..], HeaderValue::as_bytes);
        if token && !bool::from(sent.ct_eq(self.token.as_bytes())) {
            return Some((StatusCode::FORBIDDEN, "open the inspector at the address listen printed").into_response());
        }
        None
    }
}

/// Serves the page on `listener` until the process ends.
pub(crate) async fn serve(inspector: Arc<Inspector>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    *inspector.address.lock().unwrap_or_else(PoisonError::into_inner) = Some(listener.local_addr()?);
    let app = axum::Router::new()
        .route("/", axum::routing::get(page))
        .route("/deliveries", axum::routing::get(list))
        .route("/deliveries/{seq}/replay", axum::routing::post(replay))
        .with_state(inspector);
    axum::serve(listener, app).await
}

const PAGE: &str = include_str!("inspector.html");

/// The content security policy: nothing but the page's own script (by its hash) and styles, requests to this server
/// only, no framing, no forms, no base URL.
fn content_security_policy() -> String {
    let script = PAGE.split_once("<script>").and_then(|(_, rest)| rest.split_once("</script>")).map_or("", |s| s.0);
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; connect-src 'self'; \
         img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// The headers every answer of the inspector carries.
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(http::header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn page(State(inspector): State<Arc<Inspector>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = inspector.refuse(&headers, false) {
        return refusal;
    }
    let mut response = Html(PAGE).into_response();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy()) {
        response.headers_mut().insert(http::header::CONTENT_SECURITY_POLICY, policy);
    }
    private(response)
}

/// The value of `name` in `uri`'s query, if present.
fn query_param<'a>(uri: &'a http::Uri, name: &str) -> Option<&'a str> {
    uri.query()?.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// `value` as a JSON response.
fn json(value: &serde_json::Value) -> Response {
    private(([(http::header::CONTENT_TYPE, "application/json")], value.to_string()).into_response())
}

/// Up to [`PER_POLL`] deliveries after `?after=N` (default 0), oldest first.
async fn list(State(inspector): State<Arc<Inspector>>, uri: http::Uri, headers: HeaderMap) -> Response {
    if let Some(refusal) = inspector.refuse(&headers, true) {
        return refusal;
    }
    let after: u64 = query_param(&uri, "after").and_then(|after| after.parse().ok()).unwrap_or(0);
    // Copied under the lock (the bodies are shared, not copied), serialized outside it.
    let picked: Vec<Captured> = {
        let kept = inspector.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.deliveries.iter().filter(|d| d.seq > after).take(PER_POLL).cloned().collect()
    };
    let items: Vec<_> = picked.iter().map(|captured| inspector.to_json(captured)).collect();
    json(&serde_json::json!({ "deliveries": items }))
}

/// Sends a captured delivery to `listen` again, as it was or re-signed now; answers with `listen`'s status.
async fn replay(
    State(inspector): State<Arc<Inspector>>,
    Path(seq): Path<u64>,
    uri: http::Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = inspector.refuse(&headers, true) {
        return refusal;
    }
    let found = {
        let kept = inspector.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.deliveries.iter().find(|d| d.seq == seq).cloned()
    };
    let Some(captured) = found else {
        return (StatusCode::NOT_FOUND, "no such delivery (the oldest are dropped)").into_response();
    };
    let Some(body) = captured.body.clone() else {
        return (StatusCode::CONFLICT, "its body was not kept (it was not read): nothing to replay").into_response();
    };
    let request = match query_param(&uri, "resign") {
        Some("1") => match resigned(&inspector, &captured, body) {
            Ok(request) => request,
            Err(refusal) => return refusal.into_response(),
        },
        _ => {
            let mut request = http::Request::new(body.to_vec());
            *request.method_mut() = captured.method.clone();
            *request.headers_mut() = captured.headers.clone();
            request
        }
    };
    let url = format!("http://{}{}", inspector.target, captured.path);
    match tokio::task::spawn_blocking(move || send(&url, &request)).await {
        Ok(Ok((status, outcome))) => json(&serde_json::json!({ "status": status, "outcome": outcome })),
        Ok(Err(error)) => (StatusCode::BAD_GATEWAY, format!("listen did not answer: {error}")).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `captured` signed anew, now, with its id: only when listen's keys signed it already (a stale delivery, say), so
/// nothing a sender chose is ever signed. Marked, so listen's record of it masks the headers the signer set.
fn resigned(
    inspector: &Inspector,
    captured: &Captured,
    body: Bytes,
) -> Result<http::Request<Vec<u8>>, (StatusCode, String)> {
    let signer = inspector.signer.as_ref().map_err(|why| (StatusCode::CONFLICT, format!("cannot re-sign: {why}")))?;
    let mut original = http::Request::new(body.to_vec());
    *original.method_mut() = captured.method.clone();
    *original.uri_mut() = captured.path.parse().unwrap_or_default();
    *original.headers_mut() = captured.headers.clone();
    // A delivery, not an unsigned endpoint check (which verifies without any signature over its body).
    let verified = inspector.signed_by_keys.as_ref().and_then(|keys| keys.verify(&original).ok());
    let Some(verified) = verified.filter(|verified| verified.handshake().is_none()) else {
        let why = "only a delivery that listen's keys signed (a stale one, say) is re-signed: this one's signature \
                   does not match them. Replay it as it was.";
        return Err((StatusCode::CONFLICT, why.to_owned()));
    };
    // Its own id, as the keys read it (a stale delivery was recorded without one).
    let id = verified.id().map(str::to_owned).unwrap_or_else(|| format!("msg_replay_{}", captured.seq));
    let path: http::Uri = captured.path.parse().unwrap_or_default();
    let mut request = signer
        .request(path, &id, OffsetDateTime::now_utc(), body.to_vec())
        .map_err(|error| (StatusCode::CONFLICT, format!("cannot re-sign: {error}")))?;
    inspector
        .resigned_headers
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .extend(request.headers().keys().filter(|name| *name != http::header::CONTENT_TYPE).cloned());
    // The captured headers that the signer does not set (the event type, the user agent), kept.
    for (name, value) in &captured.headers {
        if !request.headers().contains_key(name) {
            request.headers_mut().append(name.clone(), value.clone());
        }
    }
    request.headers_mut().insert(RESIGNED, HeaderValue::from_static("resigned"));
    Ok(request)
}

/// Sends `request` to `url` on loopback, never through a proxy: the status and `hooksafe-outcome`.
fn send(url: &str, request: &http::Request<Vec<u8>>) -> Result<(u16, Option<String>), String> {
    let agent = super::loopback_agent(std::time::Duration::from_secs(30));
    super::exchange(&agent, url, request, 0).map(|answered| (answered.status, answered.outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspector() -> Inspector {
        let target = SocketAddr::from(([127, 0, 0, 1], 9));
        let secrets = vec!["whsec_the_listen_secret".to_owned()];
        Inspector::new(target, Err("none".into()), None, "stripe".into(), secrets).unwrap()
    }

    #[test]
    fn secrets_are_masked_in_the_query_and_wherever_a_configured_one_appears() {
        let inspector = inspector();
        assert_eq!(
            inspector.shown_path("/meta?hub.mode=subscribe&hub.verify_token=tok123&hub.challenge=42"),
            format!("/meta?hub.mode=subscribe&hub.verify_token={MASK}&hub.challenge=42")
        );
        assert_eq!(inspector.shown_path("/hook?Key=abc&page=2"), format!("/hook?Key={MASK}&page=2"));
        assert_eq!(inspector.shown_path("/plain"), "/plain");
        assert_eq!(inspector.shown_path("/x/whsec_the_listen_secret"), format!("/x/{MASK}"));
        let body = inspector.without_secrets(r#"{"note":"whsec_the_listen_secret"}"#);
        assert_eq!(body, format!(r#"{{"note":"{MASK}"}}"#));
    }

    #[test]
    fn the_kept_bodies_stay_within_the_budget_and_the_count() {
        let inspector = inspector();
        let (parts, ()) = http::Request::post("/hook").body(()).unwrap().into_parts();
        let outcome = || Outcome { verdict: "rejected", reason: None, status: 401, id: None, event_type: None };
        let big = Bytes::from(vec![b'x'; BUDGET / 3]);
        for _ in 0..5 {
            inspector.record(&parts, Some(&big), outcome());
        }
        let kept = inspector.kept.lock().unwrap();
        assert!(kept.bytes <= BUDGET && kept.deliveries.len() == 3, "{} bytes", kept.bytes);
        drop(kept);
        for _ in 0..KEPT + 10 {
            inspector.record(&parts, None, outcome());
        }
        assert_eq!(inspector.kept.lock().unwrap().deliveries.len(), KEPT);
    }
}
