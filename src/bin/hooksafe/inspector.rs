//! `hooksafe listen --ui`: an inspector page on a loopback port of its own, listing the deliveries `listen` received
//! (time, scheme, id, event type, verdict and why, headers with secrets masked, the body pretty-printed), updated
//! live by polling, with a replay button that sends a captured delivery to `listen` again, re-signed when asked.
//!
//! The page is one file with no external assets, served by the command itself. What it shows came from the network,
//! so the page only ever sets it as text, never as markup. A replay must carry the page's token (a page of another
//! origin cannot read it) and name this server as its `Host` (a rebound DNS name does not), so no other web page in
//! the browser can make the command sign and send a delivery.

use std::collections::VecDeque;
use std::hash::BuildHasher as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use hooksafe::sign::Signer;
use http::{HeaderMap, HeaderValue, StatusCode};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Deliveries kept for the page; older ones are dropped.
const KEPT: usize = 500;

/// Headers whose value is a credential as sent: always masked.
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "x-gitlab-token"];

/// What `listen` received, for the page.
pub(crate) struct Inspector {
    deliveries: Mutex<VecDeque<Captured>>,
    next: std::sync::atomic::AtomicU64,
    /// Proves a replay request came from the page this command served.
    token: String,
    /// Where `listen` receives: replays go there.
    target: SocketAddr,
    /// Signs a replay when asked; `None` when `listen` was given no secret (public keys only).
    signer: Option<Signer>,
    scheme: String,
    /// The secrets `listen` verifies with, masked wherever a header carries one as it is.
    secrets: Vec<String>,
    /// The inspector's own address, the only `Host` a replay may name.
    address: Mutex<Option<SocketAddr>>,
}

/// One delivery as received, and how `listen` answered it.
struct Captured {
    seq: u64,
    time: String,
    method: String,
    path: String,
    id: Option<String>,
    event_type: Option<String>,
    verdict: &'static str,
    reason: Option<String>,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
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
    pub(crate) fn new(target: SocketAddr, signer: Option<Signer>, scheme: String, secrets: Vec<String>) -> Self {
        let random = std::collections::hash_map::RandomState::new();
        let token = format!("{:016x}{:016x}", random.hash_one(1_u8), random.hash_one(2_u8));
        Self {
            deliveries: Mutex::new(VecDeque::new()),
            next: std::sync::atomic::AtomicU64::new(1),
            token,
            target,
            signer,
            scheme,
            secrets,
            address: Mutex::new(None),
        }
    }

    /// Keeps a received delivery for the page.
    pub(crate) fn record(&self, parts: &http::request::Parts, body: &Bytes, outcome: Outcome) {
        let seq = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let captured = Captured {
            seq,
            time: OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default(),
            method: parts.method.to_string(),
            path: parts.uri.path_and_query().map_or("/", |path| path.as_str()).to_owned(),
            id: outcome.id,
            event_type: outcome.event_type,
            verdict: outcome.verdict,
            reason: outcome.reason,
            status: outcome.status,
            headers: parts.headers.clone(),
            body: body.clone(),
        };
        let mut deliveries = self.deliveries.lock().unwrap_or_else(PoisonError::into_inner);
        if deliveries.len() == KEPT {
            deliveries.pop_front();
        }
        deliveries.push_back(captured);
    }

    /// A header's value as the page shows it: masked when it is a credential or carries a secret.
    fn shown(&self, name: &str, value: &HeaderValue) -> String {
        let text = String::from_utf8_lossy(value.as_bytes());
        let carries_secret = self.secrets.iter().any(|secret| secret.len() >= 4 && text.contains(secret.as_str()));
        if SECRET_HEADERS.contains(&name) || carries_secret {
            "•••••••• (masked)".to_owned()
        } else {
            text.into_owned()
        }
    }

    fn to_json(&self, captured: &Captured) -> serde_json::Value {
        let headers: Vec<_> = captured
            .headers
            .iter()
            .map(|(name, value)| serde_json::json!([name.as_str(), self.shown(name.as_str(), value)]))
            .collect();
        // As received; the page indents it where it is JSON, keeping the order of its keys.
        let body = String::from_utf8_lossy(&captured.body);
        serde_json::json!({
            "seq": captured.seq,
            "time": captured.time,
            "scheme": self.scheme,
            "method": captured.method,
            "path": captured.path,
            "id": captured.id,
            "event_type": captured.event_type,
            "verdict": captured.verdict,
            "reason": captured.reason,
            "status": captured.status,
            "headers": headers,
            "body": body,
        })
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

async fn page(State(inspector): State<Arc<Inspector>>) -> Response {
    let html = include_str!("inspector.html").replace("{{TOKEN}}", &inspector.token);
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    // Nothing but this page's own script and styles, and no framing by another site.
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; \
             img-src data:; frame-ancestors 'none'",
        ),
    );
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

/// The value of `name` in `uri`'s query, if present.
fn query_param<'a>(uri: &'a http::Uri, name: &str) -> Option<&'a str> {
    uri.query()?.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// `value` as a JSON response.
fn json(value: &serde_json::Value) -> Response {
    ([(http::header::CONTENT_TYPE, "application/json")], value.to_string()).into_response()
}

/// The deliveries after `?after=N` (default 0), oldest first.
async fn list(State(inspector): State<Arc<Inspector>>, uri: http::Uri) -> Response {
    let after: u64 = query_param(&uri, "after").and_then(|after| after.parse().ok()).unwrap_or(0);
    let deliveries = inspector.deliveries.lock().unwrap_or_else(PoisonError::into_inner);
    let items: Vec<_> = deliveries.iter().filter(|d| d.seq > after).map(|d| inspector.to_json(d)).collect();
    json(&serde_json::json!({ "deliveries": items }))
}

/// Sends a captured delivery to `listen` again, re-signed now when asked; answers with `listen`'s status.
async fn replay(
    State(inspector): State<Arc<Inspector>>,
    Path(seq): Path<u64>,
    uri: http::Uri,
    headers: HeaderMap,
) -> Response {
    let resign = query_param(&uri, "resign") == Some("1");
    let own = *inspector.address.lock().unwrap_or_else(PoisonError::into_inner);
    let host_ok = headers.get(http::header::HOST).and_then(|host| host.to_str().ok()).is_some_and(|host| {
        own.is_some_and(|own| host == own.to_string() || host == format!("localhost:{}", own.port()))
    });
    let token_ok = headers.get("x-hooksafe-token").is_some_and(|token| token.as_bytes() == inspector.token.as_bytes());
    if !host_ok || !token_ok {
        return (StatusCode::FORBIDDEN, "replays are sent only from the inspector page").into_response();
    }
    let found = {
        let deliveries = inspector.deliveries.lock().unwrap_or_else(PoisonError::into_inner);
        deliveries
            .iter()
            .find(|d| d.seq == seq)
            .map(|d| (d.path.clone(), d.headers.clone(), d.body.clone(), d.id.clone()))
    };
    let Some((path, mut sent, body, id)) = found else {
        return (StatusCode::NOT_FOUND, "no such delivery (only the latest 500 are kept)").into_response();
    };
    if resign {
        let Some(signer) = &inspector.signer else {
            return (StatusCode::CONFLICT, "cannot re-sign: listen was given no secret").into_response();
        };
        let id = id.unwrap_or_else(|| format!("msg_replay_{seq}"));
        match signer.headers(&id, OffsetDateTime::now_utc(), &body) {
            Ok(signed) => {
                for (name, value) in &signed {
                    sent.insert(name.clone(), value.clone());
                }
            }
            Err(error) => return (StatusCode::CONFLICT, format!("cannot re-sign: {error}")).into_response(),
        }
    }
    let url = format!("http://{}{path}", inspector.target);
    let answer = tokio::task::spawn_blocking(move || post(&url, &sent, &body)).await;
    match answer {
        Ok(Ok((status, outcome))) => json(&serde_json::json!({ "status": status, "outcome": outcome })),
        Ok(Err(error)) => (StatusCode::BAD_GATEWAY, format!("listen did not answer: {error}")).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Posts `body` with `headers` to `url` on loopback, never through a proxy: the status and `hooksafe-outcome`.
fn post(url: &str, headers: &HeaderMap, body: &[u8]) -> Result<(u16, Option<String>), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut call = agent.post(url);
    for (name, value) in headers {
        // Set by the client itself for the body it sends.
        if name == http::header::HOST || name == http::header::CONTENT_LENGTH || name == http::header::TRANSFER_ENCODING
        {
            continue;
        }
        call = call.header(name.as_str(), value.to_str().map_err(|error| error.to_string())?);
    }
    let response = call.send(body).map_err(|error| error.to_string())?;
    let outcome = response.headers().get("hooksafe-outcome").and_then(|value| value.to_str().ok()).map(str::to_owned);
    Ok((response.status().as_u16(), outcome))
}
