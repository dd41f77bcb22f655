//! The deliveries a check run sends: signed as the provider signs, each made unique, and forged, tampered or stripped
//! on purpose.

use hooksafe::Verifier;
use hooksafe::sign::Signer;
use http::{HeaderName, HeaderValue, Request, Uri};
use time::OffsetDateTime;

use crate::{Failure, SigningKey};

/// The deliveries the checks send, each made unique so no check sees another's as a duplicate.
pub(super) struct Deliveries {
    pub(super) signer: Signer,
    /// The same scheme and settings with another key, for a forged signature; `None` when no other key of the same
    /// form can be made here (a private-key scheme).
    pub(super) forger: Option<Signer>,
    /// hooksafe's own verifier with the same key: what the endpoint should see (the delivery's id, the handshake's
    /// answer). It is never the judge of the endpoint's answers, only of the requests sent.
    pub(super) verifier: Option<Verifier>,
    pub(super) uri: Uri,
    pub(super) body: Vec<u8>,
    /// The unsigned headers the sample event comes with (`x-github-event`, `x-shopify-topic`).
    pub(super) extra: Vec<(&'static str, &'static str)>,
    pub(super) run: u128,
    pub(super) sent: std::sync::atomic::AtomicU32,
}

impl Deliveries {
    /// A fresh id for the next delivery.
    pub(super) fn next_id(&self) -> String {
        let n = self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        format!("msg_check_{}_{n}", self.run)
    }

    /// What `signer` sends for `body` as delivery `id` at `timestamp`, with the sample's unsigned headers.
    pub(super) fn request(
        &self,
        signer: &Signer,
        id: &str,
        timestamp: OffsetDateTime,
        body: Vec<u8>,
    ) -> Result<Request<Vec<u8>>, Failure> {
        let mut request = signer.request(self.uri.clone(), id, timestamp, body)?;
        for (name, value) in &self.extra {
            request.headers_mut().insert(*name, HeaderValue::from_static(value));
        }
        Ok(request)
    }

    /// `body` made unique with `id`. Where hooksafe reads the delivery's id from the body, every string equal to it is
    /// changed (and it is an error if the id then read is the same); otherwise a JSON object (or an array's first
    /// object) gets a field `hooksafe_check`, and a form body a parameter of that name.
    pub(super) fn unique(&self, body: &[u8], id: &str) -> Result<Vec<u8>, Failure> {
        let before = self.body_id(body);
        let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) else {
            let text = String::from_utf8_lossy(body);
            let trimmed = text.trim_end();
            if !trimmed.is_empty() && !trimmed.contains(['{', '[', '<', ' ']) {
                return Ok(format!("{trimmed}&hooksafe_check={id}").into_bytes());
            }
            return Ok(body.to_vec());
        };
        match &before {
            Some(body_id) => replace_strings(&mut json, body_id, &format!("{body_id}_{id}")),
            None => {
                let object = match &mut json {
                    serde_json::Value::Array(items) => items.first_mut().and_then(serde_json::Value::as_object_mut),
                    other => other.as_object_mut(),
                };
                if let Some(object) = object {
                    object.insert("hooksafe_check".into(), id.into());
                }
            }
        }
        let unique = serde_json::to_vec(&json)?;
        if before.is_some() && self.body_id(&unique) == before {
            return Err(Failure(format!(
                "cannot make the deliveries unique: the id hooksafe reads from this body ({}) is not a JSON string \
                 it can change; give a --body whose id is one",
                before.unwrap_or_default()
            )));
        }
        Ok(unique)
    }

    /// The id hooksafe reads from this body, when it reads one from the body rather than from a header.
    pub(super) fn body_id(&self, body: &[u8]) -> Option<String> {
        let request = self.request(&self.signer, "msg_probe", OffsetDateTime::now_utc(), body.to_vec()).ok()?;
        let verified = self.verifier.as_ref()?.verify(&request).ok()?;
        verified.id().filter(|id| *id != "msg_probe").map(str::to_owned)
    }

    /// The delivery id the endpoint sees for `request`: as hooksafe reads it, else the id it was signed with.
    pub(super) fn seen_id(&self, request: &Request<Vec<u8>>, signed_with: &str) -> String {
        let verified = self.verifier.as_ref().and_then(|verifier| verifier.verify(request).ok());
        verified.and_then(|verified| verified.id().map(str::to_owned)).unwrap_or_else(|| signed_with.to_owned())
    }

    /// A valid, unique delivery of `body` signed at `timestamp`, and the id the endpoint will see.
    pub(super) fn signed(&self, body: &[u8], timestamp: OffsetDateTime) -> Result<(Request<Vec<u8>>, String), Failure> {
        let id = self.next_id();
        let body = self.unique(body, &id)?;
        let request = self.request(&self.signer, &id, timestamp, body)?;
        let seen = self.seen_id(&request, &id);
        Ok((request, seen))
    }

    /// The headers that carry the signature: those that change when the body does (with the id and time the same),
    /// or when another key signs (a shared token, Basic credentials).
    pub(super) fn signature_headers(
        &self,
        request: &Request<Vec<u8>>,
        id: &str,
        timestamp: OffsetDateTime,
    ) -> Vec<HeaderName> {
        let mut other = request.body().clone();
        other.push(b' ');
        let mut variants: Vec<Request<Vec<u8>>> =
            self.request(&self.signer, id, timestamp, other).into_iter().collect();
        if let Some(forger) = &self.forger {
            variants.extend(self.request(forger, id, timestamp, request.body().clone()));
        }
        request
            .headers()
            .iter()
            .filter(|(name, value)| variants.iter().any(|variant| variant.headers().get(*name) != Some(*value)))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// Replaces every string in `json` equal to `from` with `to`.
fn replace_strings(json: &mut serde_json::Value, from: &str, to: &str) {
    match json {
        serde_json::Value::String(text) if text == from => *text = to.to_owned(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| replace_strings(item, from, to)),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(|value| replace_strings(value, from, to)),
        _ => {}
    }
}

/// hooksafe's own verifier for the key the deliveries are signed with (`None` where it cannot be built here, such
/// as PayPal's certificates).
pub(super) fn local_verifier(key: &SigningKey, signer: &Signer) -> Option<Verifier> {
    let scheme = crate::configured(&key.scheme, key.public_url.as_deref(), key.webhook_id.as_deref());
    let mut builder = Verifier::builder(scheme);
    builder = match (&key.secret, signer.public_key()) {
        (Some(secret), _) => builder.secret(secret.as_str()),
        (None, Some(public)) => builder.public_key(public),
        (None, None) => return None,
    };
    if let Some(url) = &key.public_url {
        builder = builder.public_url(url);
    }
    builder.build().ok()
}

/// A body for a scheme without a sample: a small JSON event with an id, or form parameters for a scheme that sends
/// forms.
pub(super) fn default_body(signer: &Signer, uri: &Uri) -> Vec<u8> {
    let probe = signer.request(uri.clone(), "msg_probe", OffsetDateTime::now_utc(), Vec::new());
    let form = probe.ok().is_some_and(|probe| {
        probe
            .headers()
            .get(http::header::CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().starts_with(b"application/x-www-form-urlencoded"))
    });
    if form {
        b"EventType=hooksafe.check".to_vec()
    } else {
        br#"{"id":"evt_check","type":"hooksafe.check","data":{}}"#.to_vec()
    }
}

/// A header value with one character changed in the middle of its longest run of signature characters (base64, hex),
/// its format kept. In the middle, every bit of the character counts: the last character of base64 may carry only
/// padding bits, which a lenient decoder ignores.
pub(super) fn flip_middle(value: &[u8]) -> Vec<u8> {
    let is_signature = |byte: &u8| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'-' | b'_');
    let (mut best, mut start) = ((0, 0), None);
    for (index, byte) in value.iter().chain(std::iter::once(&b' ')).enumerate() {
        match (is_signature(byte), start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                if index - from > best.1 - best.0 {
                    best = (from, index);
                }
                start = None;
            }
            _ => {}
        }
    }
    let mut value = value.to_vec();
    if best.1 > best.0 {
        let middle = best.0 + (best.1 - best.0) / 2;
        value[middle] = match value[middle] {
            b'0' => b'1',
            b'a' => b'b',
            b'A' => b'B',
            b'+' => b'/',
            b'-' => b'_',
            byte if byte.is_ascii_digit() => b'0',
            byte if byte.is_ascii_lowercase() => b'a',
            byte if byte.is_ascii_uppercase() => b'A',
            _ => b'+',
        };
    }
    value
}
