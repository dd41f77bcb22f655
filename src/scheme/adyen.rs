//! Adyen (standard notification webhooks, HMAC signatures).
//!
//! - No header and no signed timestamp. Each `notificationItems[].NotificationRequestItem` carries
//!   `additionalData.hmacSignature`: base64 HMAC-SHA256, keyed with the **hex-decoded** HMAC key, of
//!   `pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:amount.currency:eventCode:success`,
//!   joined by `:` without escaping, an absent field as the empty string, `amount.value` as its integer digits.
//! - **Only those fields are covered**: `eventDate`, `reason`, `paymentMethod` and the rest of `additionalData` are
//!   not signed. Every item of a batch must verify under the same key, or the request is refused.
//! - **One item per notification**, as Adyen sends: each item is signed on its own, so a batch could be recombined
//!   from captured items (`[B, A]`, `[A, A]`, `[A]` out of `[A, B]`) and claimed again. A notification with more than
//!   one item is refused unless the scheme allows it (`Scheme::adyen().dangerous_allow_batches()`); then the batch is
//!   deduplicated on the set of its items, and each item must be deduplicated by the handler.
//! - Id: `pspReference:eventCode` of the item (signed); for an allowed batch, each item's, sorted, repeats removed,
//!   space-separated. No timestamp: rely on the
//!   dedup record. Adyen expects a 2xx acknowledgement (classically the body `[accepted]`).
//! - The body is parsed strictly: valid JSON throughout, no repeated field among those read; `hmacSignature` must
//!   be a plain string (no escapes).
//!
//! Sources: `Adyen/adyen-node-api-library` `src/utils/hmacValidator.ts` and its test,
//! <https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures>.

use serde::Deserialize;

use super::IdSource;
use super::Parsed;
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

#[derive(Deserialize)]
struct Notification<'a> {
    #[serde(rename = "notificationItems", borrow)]
    items: Vec<Wrapper<'a>>,
}

#[derive(Deserialize)]
struct Wrapper<'a> {
    #[serde(rename = "NotificationRequestItem", borrow)]
    item: Item<'a>,
}

/// The fields of an item that are read: the signed ones, and the signature.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    #[serde(borrow)]
    additional_data: Additional<'a>,
    psp_reference: Option<String>,
    original_reference: Option<String>,
    merchant_account_code: Option<String>,
    merchant_reference: Option<String>,
    amount: Option<Amount>,
    event_code: Option<String>,
    success: Option<String>,
}

#[derive(Deserialize)]
struct Additional<'a> {
    #[serde(rename = "hmacSignature")]
    hmac_signature: &'a str,
}

#[derive(Deserialize)]
struct Amount {
    value: Option<i64>,
    currency: Option<String>,
}

impl Item<'_> {
    /// The signed string, and the item's part of the id.
    fn signed(&self) -> Result<(Vec<u8>, String), Error> {
        let (Some(psp_reference), Some(event_code)) = (&self.psp_reference, &self.event_code) else {
            return Err(Error::malformed_body("has a notification item without `pspReference` or `eventCode`"));
        };
        let text = |field: &Option<String>| field.clone().unwrap_or_default();
        let value = self.amount.as_ref().and_then(|amount| amount.value).map(|value| value.to_string());
        let currency = self.amount.as_ref().and_then(|amount| amount.currency.clone());
        let fields = [
            psp_reference.clone(),
            text(&self.original_reference),
            text(&self.merchant_account_code),
            text(&self.merchant_reference),
            value.unwrap_or_default(),
            currency.unwrap_or_default(),
            event_code.clone(),
            text(&self.success),
        ];
        Ok((fields.join(":").into_bytes(), format!("{psp_reference}:{event_code}")))
    }
}

pub(super) fn parse<'a>(request: &Incoming<'a>, batches: bool) -> Result<Parsed<'a, 'a>, Error> {
    let notification: Notification<'a> = serde_json::from_slice(request.body).map_err(|_| {
        Error::malformed_body(
            "is not an Adyen notification: `notificationItems` of `NotificationRequestItem`s, each with a plain string \
             `additionalData.hmacSignature`",
        )
    })?;
    if notification.items.len() > 1 && !batches {
        return Err(Error::malformed_body(
            "carries more than one notification item; Adyen sends one, and a batch of separately signed items can be \
             recombined from captured ones (see `Scheme::adyen().dangerous_allow_batches()`)",
        ));
    }
    let mut items = notification.items.into_iter().map(|wrapper| wrapper.item);
    let first = items.next().ok_or_else(|| Error::malformed_body("has no notification item"))?;
    let (signed, first_id) = first.signed()?;
    let mut ids = vec![first_id];
    let mut batch = Vec::new();
    for item in items {
        let (bytes, item_id) = item.signed()?;
        ids.push(item_id);
        batch.push((Signed::new(&[Piece::Built]).with_built(bytes), signature(item)));
    }
    // A batch's id is the set of its items': the same items in another order, or repeated, are the same delivery.
    ids.sort_unstable();
    ids.dedup();
    Ok(Parsed {
        id: IdSource::Built(ids.join(" ")),
        timestamp: None,
        signature_header: None,
        candidates: signature(first),
        signed: Signed::new(&[Piece::Built]).with_built(signed),
        batch,
    })
}

/// An item's signature, borrowed from the body rather than from the item.
fn signature(item: Item<'_>) -> Candidates<'_> {
    let text = item.additional_data.hmac_signature.as_bytes();
    Candidates::single(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Base64, text })
}

/// The body Adyen sends for `body` (a notification whose items lack signatures, or carry placeholders), each item's
/// `additionalData.hmacSignature` set to `sign` of its signed string.
///
/// # Errors
/// [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) when `body` is not such a notification.
pub(super) fn render_body(body: &[u8], sign: &dyn Fn(&[u8]) -> Tag) -> Result<Vec<u8>, Error> {
    let not_a_notification = || Error::malformed_body("is not an Adyen notification with `notificationItems`");
    let mut notification: serde_json::Value = serde_json::from_slice(body).map_err(|_| not_a_notification())?;
    let items = notification.get_mut("notificationItems").and_then(serde_json::Value::as_array_mut);
    for wrapper in items.ok_or_else(not_a_notification)? {
        let item = wrapper.get_mut("NotificationRequestItem").ok_or_else(not_a_notification)?;
        let object = item.as_object_mut().ok_or_else(not_a_notification)?;
        let additional = object.entry("additionalData").or_insert_with(|| serde_json::json!({}));
        additional
            .as_object_mut()
            .ok_or_else(not_a_notification)?
            .insert("hmacSignature".into(), serde_json::Value::String(String::new()));
        let text = item.to_string();
        let (signed, _) = serde_json::from_str::<Item<'_>>(&text).map_err(|_| not_a_notification())?.signed()?;
        item["additionalData"]["hmacSignature"] = serde_json::Value::String(sign(&signed).to_base64());
    }
    Ok(notification.to_string().into_bytes())
}

/// Adyen's configuration, as [`Scheme::adyen`](crate::Scheme::adyen) starts it: whether a notification may carry
/// more than one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adyen {
    batches: bool,
}

impl Adyen {
    /// One item per notification.
    pub(super) const UNCONFIGURED: Self = Self { batches: false };

    /// **Dangerous**: accepts notifications that carry more than one item. Each item is signed on its own, so a
    /// batch can be recombined from captured items (`[B, A]`, `[A, A]` or `[A]` out of `[A, B]`); by default a
    /// notification with more than one item is refused (`400`), as Adyen sends one item per notification. With
    /// this, a batch is deduplicated on the set of its items' `pspReference:eventCode` (order and repeats ignored),
    /// but a subset of a processed batch is new to the receiver: **deduplicate each item in your handler** by its
    /// `pspReference`.
    #[must_use]
    pub const fn dangerous_allow_batches(mut self) -> Self {
        self.batches = true;
        self
    }
}

impl From<Adyen> for super::Scheme {
    fn from(adyen: Adyen) -> Self {
        Self::Adyen(adyen)
    }
}

impl Provider for Adyen {
    fn name(&self) -> Cow<'static, str> {
        "adyen".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn signs_body_weakly(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Hex))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        // The test kit signs batches to test their refusal.
        parse(request, self.batches || context.signing)
    }

    fn render(
        &self,
        _headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        _tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        Ok(())
    }

    fn render_body(
        &self,
        (_id, _timestamp): (&str, &str),
        body: &[u8],
        _tag: &Tag,
        sign: &dyn Fn(&[u8]) -> Tag,
    ) -> Result<Option<Vec<u8>>, Error> {
        render_body(body, sign).map(Some)
    }
}
