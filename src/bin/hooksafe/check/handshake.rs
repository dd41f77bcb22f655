//! The handshake check: the provider's endpoint check sent, and the answer compared with hooksafe's own.

use http::{HeaderValue, Method, Request};
use time::OffsetDateTime;

use super::report::{Row, Verdict};
use super::transport::with_query;
use super::{Checker, Failure};

impl Checker<'_> {
    /// The scheme's endpoint check, answered as hooksafe's own verifier answers it.
    pub(super) fn handshake(&self) -> Result<Row, Failure> {
        let scheme = self.args.key.scheme.to_string();
        let Some(request) = self.handshake_request(&scheme)? else {
            if ["meta", "notion"].contains(&scheme.as_str()) {
                let why = "this scheme's handshake needs settings the command does not take";
                return Ok(Row::new("handshake", "-", why, Verdict::NotApplicable));
            }
            return Ok(Row::new("handshake", "-", "the scheme has no handshake", Verdict::NotApplicable));
        };
        let expected = match self.deliveries.verifier.as_ref().map(|verifier| verifier.verify(&request)) {
            Some(Ok(verified)) => match verified.handshake() {
                Some(handshake) => handshake.to_response::<Vec<u8>>(),
                None => return Ok(Row::new("handshake", "-", "skipped: not a handshake here", Verdict::Skip)),
            },
            _ => return Ok(Row::new("handshake", "-", "skipped: the key cannot answer it", Verdict::Skip)),
        };
        // The answers are described, never printed: some are MACs (X's CRC, Zoom's token).
        let want = match expected.body().len() {
            0 => format!("{}", expected.status().as_u16()),
            _ => format!("{} with the provider's expected answer", expected.status().as_u16()),
        };
        let answer = match self.send(&request) {
            Ok(answer) => answer,
            Err(error) => return Ok(Row::new("handshake", want, format!("no answer: {error}"), Verdict::Fail)),
        };
        // Slack also takes the challenge as `{"challenge": …}`, as its Bolt framework answers.
        let slack_json = scheme == "slack"
            && serde_json::from_slice::<serde_json::Value>(&answer.body).is_ok_and(|json| {
                json.get("challenge").and_then(serde_json::Value::as_str).map(str::as_bytes) == Some(expected.body())
            });
        // An empty expected body (LINE, Xero) asks only for the status.
        let same_body =
            expected.body().is_empty() || slack_json || trim_json(&answer.body) == trim_json(expected.body());
        let verdict =
            if answer.status == expected.status().as_u16() && same_body { Verdict::Pass } else { Verdict::Fail };
        let got = match (same_body, answer.body.len()) {
            (true, 0) => format!("{}", answer.status),
            (true, _) => format!("{} with that answer", answer.status),
            (false, length) => format!("{} with another answer ({length} bytes)", answer.status),
        };
        Ok(Row::new("handshake", want, got, verdict))
    }

    /// The provider's endpoint check for the schemes that send a signed one in a delivery, or an unsigned `GET`.
    fn handshake_request(&self, scheme: &str) -> Result<Option<Request<Vec<u8>>>, Failure> {
        let d = &self.deliveries;
        let challenge = format!("hooksafe_check_{}", d.run);
        let now = OffsetDateTime::now_utc();
        let id = d.next_id();
        let signed = |body: String| d.signer.request(d.uri.clone(), &id, now, body.into_bytes());
        Ok(Some(match scheme {
            "slack" => signed(format!(r#"{{"token":"t","challenge":"{challenge}","type":"url_verification"}}"#))?,
            "discord" => signed(r#"{"id":"1","application_id":"1","type":1,"version":1}"#.to_owned())?,
            "zoom" => signed(format!(
                r#"{{"event":"endpoint.url_validation","payload":{{"plainToken":"{challenge}"}},"event_ts":{}}}"#,
                now.unix_timestamp() * 1000
            ))?,
            "twitch-eventsub" => {
                let body = format!(
                    r#"{{"challenge":"{challenge}","subscription":{{"id":"{id}","type":"channel.follow","status":"webhook_callback_verification_pending"}}}}"#
                );
                let mut request = d.signer.request(d.uri.clone(), &id, now, body.into_bytes())?;
                request
                    .headers_mut()
                    .insert("twitch-eventsub-message-type", HeaderValue::from_static("webhook_callback_verification"));
                // The type header is not signed: set after signing, as Twitch sends it.
                request
            }
            // LINE's "Verify" and Xero's "Intent to Receive": signed, with no events.
            "line" => signed(r#"{"destination":"U0000000000000000000000000000000","events":[]}"#.to_owned())?,
            "xero" => signed(format!(
                r#"{{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"{challenge}"}}"#
            ))?,
            "x" => {
                let mut request = Request::new(Vec::new());
                *request.method_mut() = Method::GET;
                *request.uri_mut() = with_query(&d.uri, &format!("crc_token={challenge}"))?;
                request
            }
            "dropbox" | "nylas" => {
                let mut request = Request::new(Vec::new());
                *request.method_mut() = Method::GET;
                *request.uri_mut() = with_query(&d.uri, &format!("challenge={challenge}"))?;
                request
            }
            _ => return Ok(None),
        }))
    }
}

/// A body compared as JSON where both are JSON, else byte for byte (trimmed).
fn trim_json(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .map_or_else(|_| String::from_utf8_lossy(body).trim().to_owned(), |json| json.to_string())
}
