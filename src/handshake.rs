//! [`Handshake`]: the answer to a provider's endpoint check, recognised and built by the core.
//!
//! Some providers prove an endpoint before (and while) they deliver to it: Slack's `url_verification`, Discord's
//! `PING`, Zoom's `endpoint.url_validation`, Twitch EventSub's `webhook_callback_verification` (each signed like any
//! delivery, and verified first) and Dropbox's unsigned `GET ?challenge=`. A [`Verified`](crate::Verified) for one of
//! them carries its [`Handshake`]: answer with [`to_response`](Handshake::to_response) and do not process it as an
//! event. The tower, axum and actix-web adapters do this themselves, without calling the handler or claiming a dedup
//! record.

use http::{HeaderValue, StatusCode};

/// A response a provider expects to its endpoint check: `200`, a content type and a body.
#[derive(Clone, PartialEq, Eq)]
pub struct Handshake {
    content_type: &'static str,
    body: Vec<u8>,
}

impl Handshake {
    /// Text echoed back as the whole body (Slack, Twitch, Dropbox), sent as `text/plain` with `nosniff`, since the
    /// text is the sender's.
    pub(crate) fn text(text: impl Into<Vec<u8>>) -> Self {
        Self { content_type: "text/plain; charset=utf-8", body: text.into() }
    }

    /// An empty acknowledgement (Xero's Intent to Receive, LINE's console check).
    pub(crate) fn empty() -> Self {
        Self::text(Vec::new())
    }

    /// A JSON document (Discord, Zoom, X).
    pub(crate) fn json(value: &serde_json::Value) -> Self {
        Self { content_type: "application/json", body: value.to_string().into_bytes() }
    }

    /// The content type of the answer.
    pub const fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body of the answer.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The answer as an HTTP response: `200`, `Content-Type`, `X-Content-Type-Options: nosniff`, and the body. The
    /// body type is any that takes a `Vec<u8>` (axum's, `http_body_util::Full`, `lambda_http::Body`).
    pub fn to_response<B: From<Vec<u8>>>(&self) -> http::Response<B> {
        let mut response = http::Response::new(B::from(self.body.clone()));
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        headers.insert(http::header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        response
    }
}

impl std::fmt::Debug for Handshake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handshake")
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}
