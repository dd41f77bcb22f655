//! Dropbox.
//!
//! - Header: `X-Dropbox-Signature: <hex HMAC-SHA256(app secret, body)>`, no prefix.
//! - No timestamp and no delivery id: a notification only says that something changed, so handle it idempotently
//!   (deduplication is on the signed body).
//! - Handshake: the **unsigned** `GET ?challenge=<value>` Dropbox sends when the URL is saved is answered with the
//!   value as plain text (`nosniff`: the text is the caller's). Only a `GET` whose query has exactly one `challenge`;
//!   it never reaches a handler or the dedup store. It needs the request line: verify through
//!   a whole request or its head ([`RequestView`](crate::RequestView)).
//!
//! Source: <https://www.dropbox.com/developers/reference/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-dropbox-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Dropbox`](crate::Scheme::Dropbox) provider.
pub(super) static DROPBOX: Declared = Declared::new("dropbox", Wire::Body(&TAG)).query_challenge();
