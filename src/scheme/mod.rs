//! Provider signature schemes: which to choose, and what each one does not protect.
//!
//! # Choosing a scheme
//!
//! Pick the [`Scheme`] variant of the provider you receive from (the README's scheme table lists them side by side);
//! [`Scheme::Custom`] describes any other HMAC scheme. How you verify depends on what the provider signs:
//!
//! - **Headers and body** (Standard Webhooks, Svix, Stripe, GitHub, Slack, Shopify, Paddle, Discord, SendGrid, Zoom,
//!   Twitch EventSub, Typeform, Lemon Squeezy, Vercel, Intercom, Coinbase Commerce, Calendly, WorkOS, Linear,
//!   Dropbox, HubSpot v1, and the body HMACs from Bitbucket to WooCommerce): [`Verifier::verify`](crate::Verifier::verify)
//!   with the headers and the raw body is enough.
//! - **The URL it called** (Twilio, HubSpot v3 and v2, a custom `{url}`): verify a whole request or its head
//!   ([`RequestView`](crate::RequestView)), and set
//!   [`public_url`](crate::VerifierBuilder::public_url) behind a proxy. Square signs the notification URL you give
//!   [`Scheme::square`], never the request's.
//! - **The provider's private key** (Standard Webhooks `v1a`, Discord, SendGrid): give the verifier the public key
//!   with [`public_key`](crate::VerifierBuilder::public_key).
//! - **A certificate the request names** (PayPal): pin it with [`certificate`](crate::VerifierBuilder::certificate),
//!   or fetch it through a [`certificate_source`](crate::VerifierBuilder::certificate_source) and the `async`
//!   methods; see [`crate::paypal`].
//! - **Inside the body** (Mailgun's signature block, Adyen's per-item signatures, Linear's timestamp): the body is
//!   parsed strictly (valid JSON, no repeated field among those read) and errors name no header.
//! - **Endpoint checks** (Slack, Discord, Zoom, Twitch EventSub, Dropbox): answered through
//!   [`Verified::handshake`](crate::Verified::handshake); the framework adapters answer them themselves. Dropbox's
//!   check is an unsigned `GET`, recognised only in a whole request or its head.
//!
//! # Unsigned checks
//!
//! **No unsigned request ever yields a MAC, a signature or any secret-derived value over bytes its sender chose**: an
//! endpoint check answered with one would be a signing oracle. Dropbox's, Nylas's and Meta's checks echo their
//! challenge (Meta's only with the configured Verify Token), Notion's hands its token to a setup callback and answers
//! with nothing; X's CRC answer is a MAC, so its token must be 1 to 128 characters of `A-Za-z0-9+/=_-` and an X
//! delivery must be a JSON object, which no such token is. The unsigned checks never reach a
//! [`KeyResolver`](crate::KeyResolver) unless their answer needs a key (X's, for a plain token; Notion's setup
//! callback, which takes the tenant). What they leave open: anyone can make an endpoint answer them, and Meta's and
//! Notion's say whether a token was accepted.
//!
//! # What each scheme does not protect
//!
//! - **No signed timestamp** (GitHub, Shopify, Twilio, Typeform, Lemon Squeezy, Vercel, Intercom, Coinbase Commerce,
//!   Square, Dropbox, HubSpot v1 and v2, Adyen, and the body HMACs from Bitbucket to WooCommerce): a captured
//!   delivery verifies forever. Only the dedup record of a
//!   [`Receiver`](crate::Receiver) stops a replay, and only while it is retained (7 days by default).
//! - **Unsigned ids** (GitHub's `X-GitHub-Delivery`, Shopify's `X-Shopify-Webhook-Id`, Twilio's idempotency token):
//!   whoever replays a delivery can change them, so the receiver deduplicates these schemes on the signed content:
//!   the raw body, or for Twilio's and Mandrill's forms the sorted, decoded parameters they sign, so a replay with
//!   its parameters reordered, repeated or re-encoded is still a duplicate.
//!   [`Verified::id_is_signed`](crate::Verified::id_is_signed) tells them apart.
//! - **Mailgun** signs only `timestamp` and `token`, **not the event data**: anyone who saw one delivery can pair its
//!   signature block with other event data. The token is the dedup id, so a block is accepted once; confirm events
//!   that matter through Mailgun's API.
//! - **Adyen** signs only `pspReference`, `originalReference`, `merchantAccountCode`, `merchantReference`, the amount,
//!   `eventCode` and `success`: `eventDate`, `reason`, `paymentMethod` and the rest of `additionalData` are unsigned.
//!   Each item is signed on its own, so a batch could be recombined from captured items: a notification of more than
//!   one item is refused unless the verifier allows it
//!   ([`dangerous_allow_adyen_batches`](crate::VerifierBuilder::dangerous_allow_adyen_batches)), and then each item
//!   must be deduplicated by the handler.
//! - **Bodies not wholly signed** (PayPal, Mailgun, Adyen): a duplicate whose body differs from the first one's is
//!   refused like any duplicate, and logged at warn and counted (`hooksafe_duplicates_with_another_body_total`).
//! - **HubSpot v1 and v2** and **Recharge** are bare SHA-256 hashes of the secret and the data, not MACs: length
//!   extension lets anyone who saw one signed request sign that body with anything appended (strict JSON parsing is
//!   the last defence). Use HubSpot v3 where you can.
//! - **Twitch EventSub's** `Twitch-Eventsub-Message-Type` is unsigned: the signed body decides what a message is, and
//!   a body with a `challenge` under any other type is refused.
//! - **PayPal's** `PAYPAL-CERT-URL` and `PAYPAL-AUTH-ALGO` are unsigned: the URL is accepted only on PayPal's
//!   certificate hosts, a fetched certificate only if it chains to a trusted root and is PayPal's, and the algorithm
//!   only from SHA-256 (and SHA-1 when allowed). PayPal signs only a **CRC-32 of the body**, which is not collision
//!   resistant: whoever sees one delivery in transit can build another body with the same CRC-32 and send it, under
//!   the same transmission id, inside the window. The receiver deduplicates on that id, so only one of the two is
//!   processed, but it may be the forged one: confirm events that move money through PayPal's API. Certificate
//!   fetches are bounded (see [`crate::paypal`]), so a request naming unknown certificates cannot multiply them.
//! - **Public-key schemes** (Standard Webhooks `v1a`, Discord, SendGrid, PayPal): a request may carry at most
//!   [`MAX_PUBLIC_KEY_SIGNATURES`] such signatures, each checked against every key of its kind, and Standard
//!   Webhooks' bodies are capped at 256 KiB by default, so a forged request's cost stays small.
//! - **Tokens** (GitLab's `X-Gitlab-Token`, Azure DevOps's and Bitbucket Server's Basic credentials) are not signatures: whoever has the token,
//!   from a log or a proxy, can send any body at any time. Only the dedup record stops a replay.
//! - **SendGrid's** ECDSA signatures are malleable: never deduplicate on a signature (the receiver never does).
//! - **Windows the providers do not check**: Discord, SendGrid, Zoom and Mailgun sign a timestamp their own SDKs
//!   ignore; hooksafe applies its ±300 s window to it anyway.
//! - **Batches** (SendGrid, HubSpot, Adyen, GoCardless, FastSpring, LINE): one request carries several events; deduplicate each event in
//!   your handler by its own id (`sg_event_id`, `eventId`, `pspReference`).

// Each provider lives in its own file, which states its whole scheme in one place: headers, signed parts, algorithm,
// tag encoding, key format, timestamp and id source. Shared helpers live in files named for their one job: `headers`
// (strict header values), `tag` (signature entries and their decoding), `signed` (the bytes a signature covers),
// `body_only`, `signed_list` and `v0` (the wire formats several providers share).

mod adyen;
mod airwallex;
mod bitbucket;
mod body_only;
mod box_com;
mod calendly;
mod circleci;
mod cloudflare_stream;
mod coinbase_commerce;
mod contentful;
mod custom;
mod discord;
mod docusign;
mod dropbox;
mod event_type;
mod expo;
mod fastspring;
mod fintoc;
mod gitea;
mod github;
mod gocardless;
pub(crate) mod headers;
mod hook0;
mod hubspot;
mod id;
mod intercom;
mod klaviyo;
mod launchdarkly;
mod lemon_squeezy;
mod line;
mod linear;
mod mailgun;
mod mandrill;
mod meta;
mod mollie;
mod mux;
mod notion;
mod nylas;
mod paddle;
mod pagerduty;
pub(crate) mod paypal;
mod paystack;
mod pusher;
mod query;
mod razorpay;
mod recharge;
mod ripple;
mod sendgrid;
mod sentry;
mod shopify;
mod signed;
mod signed_list;
mod slack;
mod square;
mod stamped;
mod standard;
mod stripe;
pub(crate) mod tag;
mod tailscale;
mod tally;
mod token;
mod twilio;
mod twitch;
mod typeform;
mod v0;
mod vercel;
mod versioned;
mod webflow;
mod woocommerce;
mod workos;
mod x;
mod xero;
mod zendesk;
mod zoom;

use http::{HeaderMap, HeaderName};

pub use custom::Custom;
/// The default replay tolerance, in each direction: 300 seconds, as Standard Webhooks, Stripe and Slack specify.
pub const DEFAULT_TOLERANCE: std::time::Duration = std::time::Duration::from_secs(300);

pub(crate) use event_type::EventTypeSource;
pub(crate) use id::IdSource;
pub(crate) use signed::{Message, Signed};
pub(crate) use tag::{Candidates, KeyKind};
pub use tag::{Encoding, MAX_PUBLIC_KEY_SIGNATURES, MAX_SIGNATURES, Tag};

use crate::error::Error;
use crate::handshake::Handshake;
use crate::key::{Algorithm, Key, Mac, Material, PublicKeyFormat, SecretEncoding};
use crate::request::{Incoming, PublicUrl};

/// A provider's signature scheme.
///
/// Pick the provider you receive from; [`Scheme::Custom`] covers any other HMAC scheme. Each variant's documentation
/// states what it checks; the README's scheme table lists them side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant, reason = "built once per verifier; boxing would change the public variant")]
pub enum Scheme {
    /// [Standard Webhooks](https://www.standardwebhooks.com/) 1.0: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature: v1,<base64> v1a,<base64> …`, signing `{id}.{timestamp}.{body}`. `v1` entries are
    /// HMAC-SHA256, checked with `whsec_` secrets (base64 of 24 to 64 bytes, the prefix optional); `v1a` entries are
    /// Ed25519, checked with `whpk_` public keys. Other versions are skipped.
    StandardWebhooks,
    /// Svix: Standard Webhooks sent with `svix-id`, `svix-timestamp` and `svix-signature`; the `webhook-` names are
    /// accepted too, header by header, as Svix's own libraries do.
    Svix,
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{body}`. The `whsec_…`
    /// secret is used verbatim. Only `v1` counts (a header with only `v0` fails). The dedup id is the event's `id`
    /// field, read from the signed body.
    Stripe,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body. **No timestamp**, so no replay window:
    /// rely on deduplication. `X-GitHub-Delivery` is reported as the id but is not signed. Never accepts `sha1=`.
    GitHub,
    /// GitHub's legacy `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body, for receivers that cannot use the
    /// SHA-256 header. Opt-in by name; no timestamp; `X-GitHub-Delivery` is not signed.
    GitHubSha1,
    /// Slack: `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of
    /// `v0:{timestamp}:{body}`. The Events API's `url_verification` is answered as a
    /// [handshake](crate::Verified::handshake).
    Slack,
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body. **No timestamp**, so no replay window.
    /// `X-Shopify-Webhook-Id` is reported as the id but is not signed.
    Shopify,
    /// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 of `{ts}:{body}`. The dedup
    /// id is the event's `event_id` field, read from the signed body.
    Paddle,
    /// Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 with the Auth Token of the URL Twilio called followed by
    /// each POST parameter's name and value, sorted by name. A JSON body instead carries `bodySHA256` in the
    /// query, which must be the body's SHA-256. Signs the URL, so it verifies through
    /// a whole request or its head ([`RequestView`](crate::RequestView)), with
    /// [`public_url`](crate::VerifierBuilder::public_url) behind a proxy. **No timestamp**: rely on deduplication.
    /// `I-Twilio-Idempotency-Token` is reported as the id but is not signed.
    Twilio,
    /// Discord interactions: `X-Signature-Ed25519: <hex>` over `X-Signature-Timestamp` followed by the body,
    /// checked with the application's hex public key. The dedup id is the interaction's `id` field. A `PING` is
    /// answered with a `PONG` as a [handshake](crate::Verified::handshake).
    Discord,
    /// SendGrid Event Webhook: `X-Twilio-Email-Event-Webhook-Signature: <base64 DER>`, ECDSA P-256 / SHA-256 over
    /// `X-Twilio-Email-Event-Webhook-Timestamp` followed by the body (trailing `\r\n` included), checked with the
    /// base64 DER verification key SendGrid shows. The body is a batch with no delivery id: deduplicate per
    /// `sg_event_id` in your handler.
    SendGrid,
    /// Typeform: `Typeform-Signature: sha256=<base64>` (base64 despite the prefix), HMAC-SHA256 of the body. **No
    /// timestamp**. The dedup id is the event's `event_id` field, read from the signed body.
    Typeform,
    /// Lemon Squeezy: `X-Signature: <hex>`, HMAC-SHA256 of the body. **No timestamp** and no delivery id
    /// (deduplication on the body); `X-Event-Name` is not signed, so route on the body's `meta.event_name`.
    LemonSqueezy,
    /// Vercel: `x-vercel-signature: <hex>`, HMAC-**SHA1** of the body. **No timestamp**. The dedup id is the
    /// event's `id` field.
    Vercel,
    /// Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body with the app's client secret. **No
    /// timestamp**. The dedup id is the notification's `id` field.
    Intercom,
    /// Coinbase Commerce: `X-CC-Webhook-Signature: <hex>`, HMAC-SHA256 of the body. **No timestamp**. The dedup id
    /// is the event's nested `event.id`, read from the signed body.
    CoinbaseCommerce,
    /// Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}`; 180 s window by
    /// default. No delivery id (deduplication on the body).
    Calendly,
    /// WorkOS: `WorkOS-Signature: t=<unix ms>, v1=<hex>`, HMAC-SHA256 of `{t}.{body}` with `t` in milliseconds as
    /// sent; 180 s window by default. The dedup id is the event's `id` field.
    WorkOS,
    /// HubSpot, signature version 3: `X-HubSpot-Signature-v3: <base64>`, HMAC-SHA256 of the method, the URL
    /// HubSpot called, the body and `X-HubSpot-Request-Timestamp` (milliseconds, as sent), with no separators.
    /// Signs the URL: verify a whole request or its head ([`RequestView`](crate::RequestView)), with [`public_url`](crate::VerifierBuilder::public_url) behind
    /// a proxy. The body is an array of events: deduplicate per `eventId` in your handler.
    HubSpot,
    /// HubSpot's legacy signature version 1: `X-HubSpot-Signature: <hex>`, a bare **SHA-256 (not an HMAC)** of the
    /// client secret followed by the body, with `X-HubSpot-Signature-Version: v1`. **No timestamp**, and a bare hash
    /// is open to length extension: whoever saw one signed request can sign that body with anything appended (only
    /// strict JSON parsing stands in the way). Use [`Scheme::HubSpot`] (v3) wherever the app allows it.
    HubSpotV1,
    /// HubSpot's legacy signature version 2: `X-HubSpot-Signature: <hex>`, a bare **SHA-256 (not an HMAC)** of the
    /// client secret, the method, the URL HubSpot called and the body, with `X-HubSpot-Signature-Version: v2`.
    /// **No timestamp**, open to length extension like [`Scheme::HubSpotV1`]; prefer [`Scheme::HubSpot`] (v3).
    /// Signs the URL: verify a whole request or its head ([`RequestView`](crate::RequestView)).
    HubSpotV2,
    /// Square: `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 of the subscription's **configured**
    /// notification URL (byte for byte, a trailing slash included; never rebuilt from the request) followed by the
    /// body, keyed with the signature key as text. **No timestamp**. The dedup id is the event's `event_id` field.
    /// Build it with [`Scheme::square`].
    Square {
        /// The notification URL exactly as entered in the Square subscription.
        notification_url: String,
    },
    /// Linear: `linear-signature: <hex>`, HMAC-SHA256 of the body; the timestamp is the body's `webhookTimestamp`
    /// (milliseconds), read from the verified body and checked against a 60 s window by default. No delivery id
    /// (deduplication on the body).
    Linear,
    /// Zoom: `x-zm-request-timestamp` and `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:{timestamp}:{body}` with
    /// the app's secret token. No delivery id (deduplication on the body). An `endpoint.url_validation` is answered
    /// with its plain token and that token's HMAC as a [handshake](crate::Verified::handshake).
    Zoom,
    /// Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>`, HMAC-SHA256 of the message id, the
    /// RFC 3339 `Twitch-Eventsub-Message-Timestamp` (as sent) and the body; 600 s window by default. The dedup id is
    /// the signed message id. A `webhook_callback_verification` is answered with its challenge as a
    /// [handshake](crate::Verified::handshake); a `revocation` reaches the handler as an ordinary event.
    TwitchEventSub,
    /// Dropbox: `X-Dropbox-Signature: <hex>`, HMAC-SHA256 of the body with the app secret. **No timestamp** and no
    /// delivery id. Dropbox's unsigned `GET ?challenge=` is answered as a [handshake](crate::Verified::handshake)
    /// when verifying a whole request or its head ([`RequestView`](crate::RequestView)).
    Dropbox,
    /// Mailgun: the JSON body's `signature` block (`timestamp`, `token`, hex `signature`), HMAC-SHA256 of
    /// `{timestamp}{token}` with the HTTP webhook signing key; the crate's 300 s window on that timestamp. **The
    /// signature does not cover `event-data`**: anyone who saw one delivery can pair its block with other event data.
    /// The signed token is the dedup id, so a block is accepted once whatever event data comes with it; confirm
    /// events that matter through Mailgun's API.
    Mailgun,
    /// Adyen: each notification item's `additionalData.hmacSignature`, base64 HMAC-SHA256 (keyed with the
    /// **hex-decoded** HMAC key) of `pspReference:originalReference:merchantAccountCode:merchantReference:`
    /// `amount.value:amount.currency:eventCode:success`. **Only those fields are signed** (not `eventDate`, `reason`,
    /// `paymentMethod` or the rest of `additionalData`), and there is **no timestamp**. Every item must verify. The
    /// dedup id is `pspReference:eventCode` (signed). Acknowledge with a 2xx (classically `[accepted]`).
    Adyen,
    /// Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`, HMAC-SHA256 of the body. **No timestamp**; no signed id.
    BitbucketCloud,
    /// Bitbucket Server / Data Center: the same header and format as Bitbucket Cloud. **No timestamp**.
    BitbucketServer,
    /// CircleCI: `circleci-signature: v1=<hex>[,v2=…]`, HMAC-SHA256 of the body; only `v1` entries count. **No
    /// timestamp**. The dedup id is the event's `id`, from the signed body.
    CircleCI,
    /// Expo EAS: `expo-signature: sha1=<hex>`, HMAC-**SHA1** of the body, with a secret of at least 16 characters.
    /// **No timestamp**.
    Expo,
    /// FastSpring: `X-FS-Signature: <base64>`, HMAC-SHA256 of the body. **No timestamp**; a batch of events.
    FastSpring,
    /// GoCardless: `Webhook-Signature: <hex>`, HMAC-SHA256 of the body with the endpoint secret. **No timestamp**; a
    /// batch of `events`.
    GoCardless,
    /// LaunchDarkly: `X-LD-Signature: <hex>`, HMAC-SHA256 of the body. **No timestamp**.
    LaunchDarkly,
    /// LINE Messaging API: `x-line-signature: <base64>`, HMAC-SHA256 of the body with the channel secret. **No
    /// timestamp**; a batch of `events`. The console's check (a verified body with no `events`) is answered `200` as a
    /// [handshake](crate::Verified::handshake).
    Line,
    /// Paystack: `x-paystack-signature: <hex>`, HMAC-**SHA512** of the body with the secret API key. **No timestamp**.
    Paystack,
    /// Razorpay: `X-Razorpay-Signature: <hex>`, HMAC-SHA256 of the body with the webhook secret. **No timestamp**.
    Razorpay,
    /// Recharge: `X-Recharge-Hmac-Sha256: <hex>`, a bare **SHA-256 (not an HMAC)** of the client secret followed by
    /// the body, open to length extension. **No timestamp**.
    Recharge,
    /// Sentry: `Sentry-Hook-Signature: <hex>`, HMAC-SHA256 of the body with the integration's client secret. **No
    /// timestamp**.
    Sentry,
    /// Tally: `Tally-Signature: <base64>`, HMAC-SHA256 of the body. **No timestamp**. The dedup id is the event's
    /// `eventId`, from the signed body.
    Tally,
    /// WooCommerce: `X-WC-Webhook-Signature: <base64>`, HMAC-SHA256 of the body. **No timestamp**.
    WooCommerce,
    /// Fintoc: `Fintoc-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}` (the `whsec_` secret used as text).
    /// The dedup id is the event's `id`.
    Fintoc,
    /// Mux: `Mux-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}`. The dedup id is the event's `id`.
    Mux,
    /// Tailscale: `Tailscale-Webhook-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}`. A batch of events.
    Tailscale,
    /// Cloudflare Stream: `Webhook-Signature: time=<unix>,sig1=<hex>`, HMAC-SHA256 of `{time}.{body}` (the secret used
    /// as text).
    CloudflareStream,
    /// Airwallex: `x-timestamp` (milliseconds) and `x-signature: <hex>`, HMAC-SHA256 of the timestamp followed by the
    /// body. The dedup id is the event's `id`.
    Airwallex,
    /// Webflow: `x-webflow-timestamp` (milliseconds) and `x-webflow-signature: <hex>`, HMAC-SHA256 of
    /// `{timestamp}:{body}`.
    Webflow,
    /// Zendesk: `X-Zendesk-Webhook-Signature-Timestamp` (RFC 3339) and `X-Zendesk-Webhook-Signature: <base64>`,
    /// HMAC-SHA256 of the timestamp followed by the body.
    Zendesk,
    /// Klaviyo: `Klaviyo-Timestamp` (HTTP date) and `Klaviyo-Signature: <hex>`, HMAC-SHA256 of the body **followed
    /// by** the timestamp.
    Klaviyo,
    /// Meta (Facebook, Instagram, WhatsApp): `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body with the
    /// App Secret. **No timestamp**. The unsigned subscription check (`GET ?hub.mode=subscribe&hub.verify_token=…`) is
    /// answered as a [handshake](crate::Verified::handshake) when the token is the configured
    /// [`verify_token`](crate::VerifierBuilder::verify_token), and refused with `403` otherwise.
    Meta,
    /// X (Twitter) Account Activity: `x-twitter-webhooks-signature: sha256=<base64>`, HMAC-SHA256 of the body with
    /// the consumer secret. **No timestamp**. The unsigned CRC check (`GET ?crc_token=…`) is answered with its
    /// `response_token` as a [handshake](crate::Verified::handshake).
    X,
    /// Nylas v3: `x-nylas-signature: <hex>`, HMAC-SHA256 of the body with the webhook secret. **No timestamp**. The
    /// unsigned `GET ?challenge=` is answered as a [handshake](crate::Verified::handshake).
    Nylas,
    /// Xero: `x-xero-signature: <base64>`, HMAC-SHA256 of the body with the webhook key. **No timestamp**. A verified
    /// "Intent to Receive" (no `events`) is answered `200` as a [handshake](crate::Verified::handshake).
    Xero,
    /// PagerDuty v3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>]`, HMAC-SHA256 of the body; any `v1` may match.
    /// **No timestamp**. The dedup id is the nested `event.id`.
    PagerDuty,
    /// Box: `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY: <base64>`, HMAC-SHA256 of the body followed by the
    /// RFC 3339 `BOX-DELIVERY-TIMESTAMP`; the first key is checked against the primary header only, the second against
    /// the secondary only. 600 s window by default. The dedup id is the body's `id`.
    Box,
    /// Pusher Channels: `X-Pusher-Signature: <hex>`, HMAC-SHA256 of the body with the secret whose id is the request's
    /// `X-Pusher-Key` (give each app's secret with `Secret::new(secret).id(app_key)`). **No timestamp**.
    Pusher,
    /// Mollie: `X-Mollie-Signature: sha256=<hex>`, HMAC-SHA256 of the body; during a secret roll two header lines,
    /// each checked. **No timestamp**.
    Mollie,
    /// DocuSign Connect: `X-DocuSign-Signature-1`, `-2`, … `: <base64>`, HMAC-SHA256 of the body; any header may match
    /// any key. **No timestamp**.
    DocuSign,
    /// Gitea (and Forgejo, Gogs): `X-Gitea-Signature: <hex>`, HMAC-SHA256 of the JSON body; a form-encoded body is a
    /// configuration mistake. **No timestamp**.
    Gitea,
    /// GitLab's secret token: `X-Gitlab-Token` must equal the configured token. **Not a signature**: it protects
    /// neither the body nor against replays (for GitLab's signing token, use [`Scheme::StandardWebhooks`]). Compared
    /// in constant time.
    GitLab,
    /// Azure DevOps service hooks: `Authorization: Basic <base64(user:password)>`, equal to the configured
    /// `user:password`. **Not a signature**: it protects neither the body nor against replays. Compared in constant
    /// time.
    AzureDevOps,
    /// Hook0, as Coinbase CDP sends it ([`Scheme::CoinbaseCdp`]): `X-Hook0-Signature: t=<unix>[,v0=<hex>][,h=<names>,
    /// v1=<hex>]`, HMAC-SHA256 of `{t}.{body}` (`v0`) or of `{t}.{h}.{the named headers' values}.{body}` (`v1`, which
    /// alone counts when sent). Named by `coinbase-cdp` (and `hook0`).
    Hook0,
    /// Ripple: `X-Webhook-Timestamp` (milliseconds) and `X-Webhook-Signature: t=<same>,v1=<hex>`, HMAC-SHA256 of
    /// `{timestamp}.{hex SHA-256 of the body}` keyed with the base64-decoded verification key.
    Ripple,
    /// Mailchimp Transactional (Mandrill): `X-Mandrill-Signature: <base64>`, HMAC-**SHA1** of the webhook URL followed
    /// by the sorted form fields, as Twilio signs. Signs the URL: verify through
    /// a whole request or its head ([`RequestView`](crate::RequestView)), with
    /// [`public_url`](crate::VerifierBuilder::public_url) as entered in Mailchimp. **No timestamp**.
    Mandrill,
    /// Notion: `X-Notion-Signature: sha256=<hex>`, HMAC-SHA256 of the body keyed with the verification token. **No
    /// timestamp**. Its unsigned verification request is handed to
    /// [`on_verification_token`](crate::VerifierBuilder::on_verification_token) and answered `200`.
    Notion,
    /// Contentful: `x-contentful-signature: <hex>`, HMAC-SHA256 of the method, the path as Contentful's toolkit escapes
    /// it, the headers `x-contentful-signed-headers` lists, and the body, with a millisecond `x-contentful-timestamp`
    /// among them; 30 s window by default. Signs the request line: verify through
    /// a whole request or its head ([`RequestView`](crate::RequestView)).
    Contentful,
    /// PayPal: `PAYPAL-TRANSMISSION-SIG`, RSASSA-PKCS1-v1_5 (SHA-256; SHA-1 only after
    /// [`allow_sha1`](crate::VerifierBuilder::allow_sha1)) of `{transmission id}|{transmission time}|{webhook
    /// id}|{CRC-32 of the body}`, by the certificate `PAYPAL-CERT-URL` names. Needs the subscription's
    /// [`webhook_id`](crate::VerifierBuilder::webhook_id), and a pinned
    /// [`certificate`](crate::VerifierBuilder::certificate) or a
    /// [`certificate_source`](crate::VerifierBuilder::certificate_source). See [`crate::paypal`].
    PayPal,
    /// A scheme you describe: see [`Custom`].
    Custom(Custom),
}

impl Scheme {
    /// Coinbase CDP's webhooks: [`Scheme::Hook0`], the scheme they are signed with.
    #[allow(non_upper_case_globals, reason = "it reads as the variant it stands for")]
    pub const CoinbaseCdp: Self = Self::Hook0;

    /// [`Scheme::Square`] for the subscription whose notification URL is `notification_url`, exactly as entered.
    pub fn square(notification_url: impl Into<String>) -> Self {
        Self::Square { notification_url: notification_url.into() }
    }

    /// The replay tolerance a verifier for this scheme uses unless told otherwise, in each direction: 180 s for
    /// Calendly and WorkOS, 60 s for Linear, 600 s for Twitch EventSub (what each documents), 300 s for every other
    /// scheme with a timestamp.
    pub const fn default_tolerance(&self) -> std::time::Duration {
        match self {
            Self::Calendly | Self::WorkOS => std::time::Duration::from_secs(180),
            Self::TwitchEventSub | Self::Box => std::time::Duration::from_secs(600),
            Self::Linear => std::time::Duration::from_secs(60),
            Self::Contentful => std::time::Duration::from_secs(30),
            _ => DEFAULT_TOLERANCE,
        }
    }

    /// The largest body a verifier for this scheme accepts unless told otherwise: 25 MiB for GitHub (its documented
    /// payload cap), 256 KiB for Standard Webhooks and Svix (the specification recommends payloads under 20 kB, and
    /// their `v1a` signatures are Ed25519, which hashes the whole body for each check), 5 MiB for every other scheme.
    pub const fn default_max_body_size(&self) -> usize {
        match self {
            Self::GitHub | Self::GitHubSha1 => 25 * 1024 * 1024,
            Self::StandardWebhooks | Self::Svix => 256 * 1024,
            _ => 5 * 1024 * 1024,
        }
    }

    /// Whether this scheme's signature leaves part of the body unbound: PayPal signs a CRC-32 of it, Mailgun only
    /// its signature block, Adyen only some fields of each item. A receiver compares the body of a duplicate with
    /// the first one's and warns when they differ.
    pub(crate) const fn signs_body_weakly(&self) -> bool {
        matches!(self, Self::PayPal | Self::Mailgun | Self::Adyen)
    }

    /// Whether requests of this scheme carry a signed timestamp, and so get a replay window.
    pub fn has_timestamp(&self) -> bool {
        match self {
            Self::StandardWebhooks | Self::Svix | Self::Stripe | Self::Slack | Self::Paddle => true,
            Self::Discord | Self::SendGrid | Self::Calendly | Self::WorkOS | Self::HubSpot | Self::Linear => true,
            Self::Zoom | Self::TwitchEventSub | Self::Mailgun => true,
            Self::Fintoc | Self::Mux | Self::Tailscale | Self::CloudflareStream => true,
            Self::Airwallex | Self::Webflow | Self::Zendesk | Self::Klaviyo | Self::Box | Self::Hook0 => true,
            Self::Ripple | Self::Contentful | Self::PayPal => true,
            Self::GitHub | Self::GitHubSha1 | Self::Shopify | Self::Twilio => false,
            Self::Typeform | Self::LemonSqueezy | Self::Vercel | Self::Intercom | Self::CoinbaseCommerce => false,
            Self::Square { .. } | Self::Dropbox | Self::HubSpotV1 | Self::HubSpotV2 | Self::Adyen => false,
            Self::BitbucketCloud | Self::BitbucketServer | Self::CircleCI | Self::Expo | Self::FastSpring => false,
            Self::GoCardless | Self::LaunchDarkly | Self::Line | Self::Paystack | Self::Razorpay => false,
            Self::Recharge | Self::Sentry | Self::Tally | Self::WooCommerce => false,
            Self::Meta | Self::X | Self::Nylas | Self::Xero | Self::PagerDuty => false,
            Self::Pusher | Self::Mollie | Self::DocuSign | Self::Gitea | Self::GitLab | Self::AzureDevOps => false,
            Self::Mandrill | Self::Notion => false,
            Self::Custom(custom) => custom.has_timestamp(),
        }
    }

    /// Every built-in scheme (all but [`Scheme::Custom`]), each as its name parses: Square's notification URL is
    /// empty, to be set with [`Scheme::square`]. For iterating over the catalogue, as the crate's own tests do.
    ///
    /// ```
    /// use hooksafe::Scheme;
    ///
    /// for scheme in Scheme::ALL {
    ///     assert_eq!(scheme.to_string().parse::<Scheme>().as_ref(), Ok(scheme));
    /// }
    /// ```
    pub const ALL: &'static [Scheme] = &[
        Self::StandardWebhooks,
        Self::Svix,
        Self::Stripe,
        Self::GitHub,
        Self::GitHubSha1,
        Self::Slack,
        Self::Shopify,
        Self::Paddle,
        Self::Twilio,
        Self::Discord,
        Self::SendGrid,
        Self::Square { notification_url: String::new() },
        Self::Linear,
        Self::Zoom,
        Self::TwitchEventSub,
        Self::HubSpot,
        Self::HubSpotV1,
        Self::HubSpotV2,
        Self::Mailgun,
        Self::Intercom,
        Self::Typeform,
        Self::LemonSqueezy,
        Self::WorkOS,
        Self::Calendly,
        Self::Dropbox,
        Self::Vercel,
        Self::CoinbaseCommerce,
        Self::Adyen,
        Self::BitbucketCloud,
        Self::BitbucketServer,
        Self::CircleCI,
        Self::Expo,
        Self::FastSpring,
        Self::GoCardless,
        Self::LaunchDarkly,
        Self::Line,
        Self::Paystack,
        Self::Razorpay,
        Self::Recharge,
        Self::Sentry,
        Self::Tally,
        Self::WooCommerce,
        Self::Fintoc,
        Self::Mux,
        Self::Tailscale,
        Self::CloudflareStream,
        Self::Airwallex,
        Self::Webflow,
        Self::Zendesk,
        Self::Klaviyo,
        Self::Meta,
        Self::X,
        Self::Nylas,
        Self::Xero,
        Self::PagerDuty,
        Self::Box,
        Self::Pusher,
        Self::Mollie,
        Self::DocuSign,
        Self::Gitea,
        Self::GitLab,
        Self::AzureDevOps,
        Self::Hook0,
        Self::Ripple,
        Self::Mandrill,
        Self::Notion,
        Self::Contentful,
        Self::PayPal,
    ];

    /// A stable name for the scheme, independent of any key: what [`FromStr`](std::str::FromStr) parses and
    /// [`Display`](std::fmt::Display) writes, and part of the default dedup namespace, so that receivers of different
    /// schemes sharing a store never share records, and a key rotation forgets nothing. A custom scheme is
    /// `custom:<signature header>`, which does not parse.
    pub(crate) fn name(&self) -> std::borrow::Cow<'static, str> {
        let name = match self {
            Self::StandardWebhooks => "standard-webhooks",
            Self::Svix => "svix",
            Self::Stripe => "stripe",
            Self::GitHub => "github",
            Self::GitHubSha1 => "github-sha1",
            Self::Slack => "slack",
            Self::Shopify => "shopify",
            Self::Paddle => "paddle",
            Self::Twilio => "twilio",
            Self::Discord => "discord",
            Self::SendGrid => "sendgrid",
            Self::Typeform => "typeform",
            Self::LemonSqueezy => "lemon-squeezy",
            Self::Vercel => "vercel",
            Self::Intercom => "intercom",
            Self::CoinbaseCommerce => "coinbase-commerce",
            Self::Calendly => "calendly",
            Self::WorkOS => "workos",
            Self::HubSpot => "hubspot",
            Self::HubSpotV1 => "hubspot-v1",
            Self::HubSpotV2 => "hubspot-v2",
            Self::Square { .. } => "square",
            Self::Linear => "linear",
            Self::Zoom => "zoom",
            Self::TwitchEventSub => "twitch-eventsub",
            Self::Dropbox => "dropbox",
            Self::Mailgun => "mailgun",
            Self::Adyen => "adyen",
            Self::BitbucketCloud => "bitbucket-cloud",
            Self::BitbucketServer => "bitbucket-server",
            Self::CircleCI => "circleci",
            Self::Expo => "expo",
            Self::FastSpring => "fastspring",
            Self::GoCardless => "gocardless",
            Self::LaunchDarkly => "launchdarkly",
            Self::Line => "line",
            Self::Paystack => "paystack",
            Self::Razorpay => "razorpay",
            Self::Recharge => "recharge",
            Self::Sentry => "sentry",
            Self::Tally => "tally",
            Self::WooCommerce => "woocommerce",
            Self::Fintoc => "fintoc",
            Self::Mux => "mux",
            Self::Tailscale => "tailscale",
            Self::CloudflareStream => "cloudflare-stream",
            Self::Airwallex => "airwallex",
            Self::Webflow => "webflow",
            Self::Zendesk => "zendesk",
            Self::Klaviyo => "klaviyo",
            Self::Meta => "meta",
            Self::X => "x",
            Self::Nylas => "nylas",
            Self::Xero => "xero",
            Self::PagerDuty => "pagerduty",
            Self::Box => "box",
            Self::Pusher => "pusher",
            Self::Mollie => "mollie",
            Self::DocuSign => "docusign",
            Self::Gitea => "gitea",
            Self::GitLab => "gitlab",
            Self::AzureDevOps => "azure-devops",
            Self::Hook0 => "coinbase-cdp",
            Self::Ripple => "ripple",
            Self::Mandrill => "mailchimp-transactional",
            Self::Notion => "notion",
            Self::Contentful => "contentful",
            Self::PayPal => "paypal",
            Self::Custom(custom) => return format!("custom:{}", custom.signature_header_name()).into(),
        };
        name.into()
    }

    /// The mistakes in a scheme's own description: a custom scheme's, or Square without a notification URL.
    pub(crate) fn validate(&self) -> Result<(), crate::error::ConfigError> {
        match self {
            Self::Custom(custom) => custom.validate(),
            Self::Square { notification_url } if notification_url.trim().is_empty() => {
                Err(crate::error::ConfigError::InvalidScheme("Square needs the subscription's notification URL"))
            }
            _ => Ok(()),
        }
    }

    /// The top-level body field that carries the timestamp in milliseconds, for schemes that put it there (Linear):
    /// read only once the signature over the whole body has matched.
    pub(crate) const fn body_timestamp_field(&self) -> Option<&'static str> {
        match self {
            Self::Linear => Some(linear::TIMESTAMP_FIELD),
            _ => None,
        }
    }

    /// What this scheme's secrets compute and how their text becomes the key, if it takes secrets.
    pub(crate) fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        let algorithm = match self {
            Self::StandardWebhooks | Self::Svix => {
                return Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::StandardWebhooks));
            }
            Self::HubSpotV1 | Self::HubSpotV2 | Self::Recharge => {
                return Some((Mac::SecretPrefixedSha256, SecretEncoding::Utf8));
            }
            Self::Paystack => Algorithm::HmacSha512,
            Self::Adyen => return Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Hex)),
            Self::Ripple => return Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Base64)),
            Self::Custom(custom) => return Some((Mac::Hmac(custom.algorithm_value()), custom.secret_encoding_value())),
            Self::Discord | Self::SendGrid | Self::GitLab | Self::AzureDevOps | Self::PayPal => return None,
            Self::GitHubSha1 | Self::Twilio | Self::Vercel | Self::Intercom | Self::Expo | Self::Mandrill => {
                Algorithm::HmacSha1
            }
            Self::Stripe
            | Self::GitHub
            | Self::Slack
            | Self::Shopify
            | Self::Paddle
            | Self::Typeform
            | Self::LemonSqueezy
            | Self::CoinbaseCommerce
            | Self::Calendly
            | Self::WorkOS
            | Self::HubSpot
            | Self::Square { .. }
            | Self::Linear
            | Self::Zoom
            | Self::TwitchEventSub
            | Self::Dropbox
            | Self::Mailgun
            | Self::BitbucketCloud
            | Self::BitbucketServer
            | Self::CircleCI
            | Self::FastSpring
            | Self::GoCardless
            | Self::LaunchDarkly
            | Self::Line
            | Self::Razorpay
            | Self::Sentry
            | Self::Tally
            | Self::WooCommerce
            | Self::Fintoc
            | Self::Mux
            | Self::Tailscale
            | Self::CloudflareStream
            | Self::Airwallex
            | Self::Webflow
            | Self::Zendesk
            | Self::Klaviyo
            | Self::Meta
            | Self::X
            | Self::Nylas
            | Self::Xero
            | Self::PagerDuty
            | Self::Box
            | Self::Pusher
            | Self::Mollie
            | Self::DocuSign
            | Self::Gitea
            | Self::Hook0
            | Self::Notion
            | Self::Contentful => Algorithm::HmacSha256,
        };
        Some((Mac::Hmac(algorithm), SecretEncoding::Utf8))
    }

    /// For the schemes that send a shared token instead of a signature (GitLab, Azure DevOps), the token's wire form
    /// from the configured secret; `None` for every other scheme.
    ///
    /// # Errors
    /// [`ConfigError::BasicCredentials`](crate::ConfigError::BasicCredentials) for Basic credentials without exactly
    /// one `:`.
    pub(crate) fn token_wire_form(
        &self,
        secret: &str,
        index: usize,
    ) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, crate::error::ConfigError> {
        match self {
            Self::GitLab => token::wire_form(token::Token::GitLab, secret, index).map(Some),
            Self::AzureDevOps => token::wire_form(token::Token::Basic, secret, index).map(Some),
            _ => Ok(None),
        }
    }

    /// For the schemes that take HTTP Basic credentials (Azure DevOps always, Bitbucket Server instead of a secret),
    /// their wire form; `None` for every other scheme.
    ///
    /// # Errors
    /// [`ConfigError::BasicCredentials`](crate::ConfigError::BasicCredentials) without exactly one `:`.
    pub(crate) fn basic_auth_wire_form(
        &self,
        credentials: &str,
        index: usize,
    ) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, crate::error::ConfigError> {
        match self {
            Self::AzureDevOps | Self::BitbucketServer => {
                token::wire_form(token::Token::Basic, credentials, index).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// How this scheme's public keys are written, if it takes any.
    pub(crate) const fn public_key_format(&self) -> Option<PublicKeyFormat> {
        match self {
            Self::StandardWebhooks | Self::Svix => Some(PublicKeyFormat::StandardWebhooks),
            Self::Discord => Some(PublicKeyFormat::Ed25519Hex),
            Self::SendGrid => Some(PublicKeyFormat::P256Der),
            _ => None,
        }
    }

    /// Reads what the scheme needs from the request: id, timestamp, signature entries, and the signed bytes.
    pub(crate) fn parse<'s, 'a: 's>(
        &'s self,
        request: &Incoming<'a>,
        context: Context<'s>,
    ) -> Result<Parsed<'s, 'a>, Error> {
        let public_url = context.public_url;
        match self {
            Self::StandardWebhooks => standard::parse(request, &standard::WEBHOOK),
            Self::Svix => standard::parse_svix(request),
            Self::Stripe => signed_list::parse(request, &stripe::LIST, IdSource::BodyField(&["id"])),
            Self::GitHub => github::parse(request, &github::SHA256),
            Self::GitHubSha1 => github::parse(request, &github::SHA1),
            Self::Slack => v0::parse(request, &slack::HEADERS),
            Self::Shopify => shopify::parse(request),
            Self::Paddle => signed_list::parse(request, &paddle::LIST, IdSource::BodyField(&["event_id"])),
            Self::Twilio => twilio::parse(request, public_url),
            Self::Discord => discord::parse(request),
            Self::SendGrid => sendgrid::parse(request),
            Self::Typeform => body_only::parse(request, &typeform::TAG, IdSource::BodyField(&["event_id"])),
            Self::LemonSqueezy => body_only::parse(request, &lemon_squeezy::TAG, IdSource::None),
            Self::Vercel => body_only::parse(request, &vercel::TAG, IdSource::BodyField(&["id"])),
            Self::Intercom => body_only::parse(request, &intercom::TAG, IdSource::BodyField(&["id"])),
            Self::CoinbaseCommerce => {
                body_only::parse(request, &coinbase_commerce::TAG, IdSource::BodyField(&["event", "id"]))
            }
            Self::Calendly => signed_list::parse(request, &calendly::LIST, IdSource::None),
            Self::WorkOS => signed_list::parse(request, &workos::LIST, IdSource::BodyField(&["id"])),
            Self::HubSpot => hubspot::parse(request, public_url),
            Self::HubSpotV1 => hubspot::parse_legacy(request, &hubspot::V1, None),
            Self::HubSpotV2 => hubspot::parse_legacy(request, &hubspot::V2, public_url),
            Self::Square { notification_url } => square::parse(request, notification_url),
            Self::Linear => body_only::parse(request, &linear::TAG, IdSource::None),
            Self::Zoom => v0::parse(request, &zoom::HEADERS),
            Self::TwitchEventSub => twitch::parse(request),
            Self::Dropbox => body_only::parse(request, &dropbox::TAG, IdSource::None),
            Self::Mailgun => mailgun::parse(request),
            Self::Adyen => adyen::parse(request, context.adyen_batches),
            Self::BitbucketCloud => body_only::parse(request, &bitbucket::TAG, IdSource::None),
            Self::BitbucketServer => bitbucket::parse_server(request),
            Self::Expo => body_only::parse(request, &expo::TAG, IdSource::None),
            Self::FastSpring => body_only::parse(request, &fastspring::TAG, IdSource::None),
            Self::GoCardless => body_only::parse(request, &gocardless::TAG, IdSource::None),
            Self::LaunchDarkly => body_only::parse(request, &launchdarkly::TAG, IdSource::None),
            Self::Line => body_only::parse(request, &line::TAG, IdSource::None),
            Self::Paystack => body_only::parse(request, &paystack::TAG, IdSource::None),
            Self::Razorpay => body_only::parse(request, &razorpay::TAG, IdSource::None),
            Self::Recharge => body_only::parse(request, &recharge::TAG, IdSource::None),
            Self::Sentry => body_only::parse(request, &sentry::TAG, IdSource::None),
            Self::Tally => body_only::parse(request, &tally::TAG, IdSource::BodyField(&["eventId"])),
            Self::WooCommerce => body_only::parse(request, &woocommerce::TAG, IdSource::None),
            Self::CircleCI => versioned::parse(request, &circleci::HEADER, IdSource::BodyField(&["id"])),
            Self::PagerDuty => versioned::parse(request, &pagerduty::HEADER, IdSource::BodyField(&["event", "id"])),
            Self::Box => box_com::parse(request),
            Self::Pusher => pusher::parse(request),
            Self::Mollie => mollie::parse(request),
            Self::DocuSign => docusign::parse(request),
            Self::Gitea => gitea::parse(request),
            Self::GitLab => token::parse(request, token::Token::GitLab),
            Self::AzureDevOps => token::parse(request, token::Token::Basic),
            Self::Hook0 => hook0::parse(request),
            Self::Ripple => ripple::parse(request),
            Self::Mandrill => mandrill::parse(request, public_url),
            Self::Notion => body_only::parse(request, &notion::TAG, IdSource::None),
            Self::Contentful => contentful::parse(request),
            Self::Fintoc => signed_list::parse(request, &fintoc::LIST, IdSource::BodyField(&["id"])),
            Self::Mux => signed_list::parse(request, &mux::LIST, IdSource::BodyField(&["id"])),
            Self::Tailscale => signed_list::parse(request, &tailscale::LIST, IdSource::None),
            Self::CloudflareStream => signed_list::parse(request, &cloudflare_stream::LIST, IdSource::None),
            Self::Airwallex => stamped::parse(request, &airwallex::HEADERS, IdSource::BodyField(&["id"])),
            Self::Webflow => stamped::parse(request, &webflow::HEADERS, IdSource::None),
            Self::Zendesk => stamped::parse(request, &zendesk::HEADERS, IdSource::None),
            Self::Klaviyo => stamped::parse(request, &klaviyo::HEADERS, IdSource::None),
            Self::Meta => body_only::parse(request, &meta::TAG, IdSource::None),
            Self::X => x::parse(request),
            Self::Nylas => body_only::parse(request, &nylas::TAG, IdSource::None),
            Self::Xero => body_only::parse(request, &xero::TAG, IdSource::None),
            Self::PayPal => paypal::parse(request, context.paypal),
            Self::Custom(custom) => custom.parse(request, public_url),
        }
    }

    /// Writes the headers this provider sends for a delivery with `id` and `timestamp` (unix seconds, as text)
    /// signed by `tag`, a signature of kind `kind`. Ignores what the scheme does not carry.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedHeader`](crate::ErrorKind::MalformedHeader) when the id cannot be sent in its header.
    pub(crate) fn render(
        &self,
        headers: &mut HeaderMap,
        (id, timestamp): (&str, &str),
        tag: &Tag,
        kind: KeyKind,
        context: Context<'_>,
    ) -> Result<(), Error> {
        match self {
            Self::StandardWebhooks => standard::render(&standard::WEBHOOK, headers, id, timestamp, tag, kind),
            Self::Svix => standard::render(&standard::SVIX, headers, id, timestamp, tag, kind),
            Self::Stripe => signed_list::render(&stripe::LIST, headers, timestamp, tag),
            Self::GitHub => github::render(&github::SHA256, headers, id, tag),
            Self::GitHubSha1 => github::render(&github::SHA1, headers, id, tag),
            Self::Slack => v0::render(&slack::HEADERS, headers, timestamp, tag),
            Self::Shopify => shopify::render(headers, id, tag),
            Self::Paddle => signed_list::render(&paddle::LIST, headers, timestamp, tag),
            Self::Twilio => twilio::render(headers, id, tag),
            Self::Discord => discord::render(headers, timestamp, tag),
            Self::SendGrid => sendgrid::render(headers, timestamp, tag),
            Self::HubSpot => hubspot::render(headers, timestamp, tag),
            Self::HubSpotV1 => hubspot::render_legacy(&hubspot::V1, headers, tag),
            Self::HubSpotV2 => hubspot::render_legacy(&hubspot::V2, headers, tag),
            Self::Square { .. } => square::render(headers, tag),
            Self::Linear => body_only::render(&linear::TAG, headers, tag),
            Self::Typeform => body_only::render(&typeform::TAG, headers, tag),
            Self::LemonSqueezy => body_only::render(&lemon_squeezy::TAG, headers, tag),
            Self::Vercel => body_only::render(&vercel::TAG, headers, tag),
            Self::Intercom => body_only::render(&intercom::TAG, headers, tag),
            Self::CoinbaseCommerce => body_only::render(&coinbase_commerce::TAG, headers, tag),
            Self::Calendly => signed_list::render(&calendly::LIST, headers, timestamp, tag),
            Self::WorkOS => signed_list::render(&workos::LIST, headers, timestamp, tag),
            Self::Zoom => v0::render(&zoom::HEADERS, headers, timestamp, tag),
            Self::TwitchEventSub => twitch::render(headers, id, timestamp, tag),
            Self::Dropbox => body_only::render(&dropbox::TAG, headers, tag),
            // Its signature travels in the body: see `render_body`.
            Self::Mailgun | Self::Adyen => Ok(()),
            Self::BitbucketCloud => body_only::render(&bitbucket::TAG, headers, tag),
            Self::BitbucketServer if kind == KeyKind::Token => token::render(token::Token::Basic, headers, tag),
            Self::BitbucketServer => body_only::render(&bitbucket::TAG, headers, tag),
            Self::Expo => body_only::render(&expo::TAG, headers, tag),
            Self::FastSpring => body_only::render(&fastspring::TAG, headers, tag),
            Self::GoCardless => body_only::render(&gocardless::TAG, headers, tag),
            Self::LaunchDarkly => body_only::render(&launchdarkly::TAG, headers, tag),
            Self::Line => body_only::render(&line::TAG, headers, tag),
            Self::Paystack => body_only::render(&paystack::TAG, headers, tag),
            Self::Razorpay => body_only::render(&razorpay::TAG, headers, tag),
            Self::Recharge => body_only::render(&recharge::TAG, headers, tag),
            Self::Sentry => body_only::render(&sentry::TAG, headers, tag),
            Self::Tally => body_only::render(&tally::TAG, headers, tag),
            Self::WooCommerce => body_only::render(&woocommerce::TAG, headers, tag),
            Self::CircleCI => versioned::render(&circleci::HEADER, headers, tag),
            Self::PagerDuty => versioned::render(&pagerduty::HEADER, headers, tag),
            Self::Box => box_com::render(headers, timestamp, tag),
            Self::Pusher => pusher::render(headers, id, tag),
            Self::Mollie => mollie::render(headers, tag),
            Self::DocuSign => docusign::render(headers, tag),
            Self::Gitea => gitea::render(headers, tag),
            Self::GitLab => token::render(token::Token::GitLab, headers, tag),
            Self::AzureDevOps => token::render(token::Token::Basic, headers, tag),
            Self::Hook0 => hook0::render(headers, timestamp, tag),
            Self::Ripple => ripple::render(headers, timestamp, tag),
            Self::Mandrill => mandrill::render(headers, tag),
            Self::Notion => body_only::render(&notion::TAG, headers, tag),
            Self::Contentful => contentful::render(headers, timestamp, tag),
            Self::PayPal => paypal::render(headers, (id, timestamp), tag, context.paypal),
            Self::Fintoc => signed_list::render(&fintoc::LIST, headers, timestamp, tag),
            Self::Mux => signed_list::render(&mux::LIST, headers, timestamp, tag),
            Self::Tailscale => signed_list::render(&tailscale::LIST, headers, timestamp, tag),
            Self::CloudflareStream => signed_list::render(&cloudflare_stream::LIST, headers, timestamp, tag),
            Self::Airwallex => stamped::render(&airwallex::HEADERS, headers, timestamp, tag),
            Self::Webflow => stamped::render(&webflow::HEADERS, headers, timestamp, tag),
            Self::Zendesk => stamped::render(&zendesk::HEADERS, headers, timestamp, tag),
            Self::Klaviyo => stamped::render(&klaviyo::HEADERS, headers, timestamp, tag),
            Self::Meta => body_only::render(&meta::TAG, headers, tag),
            Self::X => body_only::render(&x::TAG, headers, tag),
            Self::Nylas => body_only::render(&nylas::TAG, headers, tag),
            Self::Xero => body_only::render(&xero::TAG, headers, tag),
            Self::Custom(custom) => custom.render(headers, id, timestamp, tag),
        }
    }

    /// The names of the headers this provider sends its signature, timestamp, id and event type in, as its test kit
    /// renders them, for storing a delivery's own headers by allow-list (the inbox).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn own_headers(&self) -> Vec<HeaderName> {
        let mut headers = HeaderMap::new();
        let kinds = [
            (KeyKind::Hmac, 32),
            (KeyKind::Ed25519, 64),
            (KeyKind::P256, 70),
            (KeyKind::Token, 16),
            (KeyKind::RsaSha256, 256),
        ];
        for (kind, len) in kinds {
            // A kind the scheme does not sign with may fail to render: only the names rendered matter.
            let _ = self.render(&mut headers, ("msg_1", "1700000000"), &Tag(vec![1; len]), kind, Context::default());
        }
        let mut names: Vec<HeaderName> = headers.keys().cloned().collect();
        if let Some(name) = self.event_type_source().header() {
            names.push(HeaderName::from_static(name));
        }
        names
    }

    /// The body this provider sends for `body`, when its signature travels in the body (Mailgun: the signature block,
    /// signed by `tag`, around `body` as the event data; Adyen: each item's signature, made with `sign`); `None` when
    /// the body is sent as given.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) when `body` cannot be wrapped.
    pub(crate) fn render_body(
        &self,
        (id, timestamp): (&str, &str),
        body: &[u8],
        tag: &Tag,
        sign: &dyn Fn(&[u8]) -> Tag,
    ) -> Result<Option<Vec<u8>>, Error> {
        match self {
            Self::Mailgun => mailgun::render_body(id, timestamp, body, tag).map(Some),
            Self::Adyen => adyen::render_body(body, sign).map(Some),
            _ => Ok(None),
        }
    }

    /// Whether `request` is an endpoint check the provider sends unsigned (Dropbox's and Nylas's `GET ?challenge=`,
    /// X's `GET ?crc_token=`, Meta's `GET ?hub.mode=`, Notion's `verification_token`), answered before any signature
    /// is looked for.
    pub(crate) fn is_unsigned_check(&self, request: &Incoming<'_>) -> bool {
        match self {
            Self::Dropbox | Self::Nylas => query::is_challenge(request),
            Self::X => x::is_check(request),
            Self::Meta => meta::is_check(request),
            Self::Notion => notion::is_check(request),
            _ => false,
        }
    }

    /// Whether answering the unsigned endpoint check `request` needs the keys (X's CRC answer is a MAC; Notion's
    /// setup callback takes the tenant and runs only while it has no key). Every other check is answered without
    /// them, so an unauthenticated check never reaches a [`KeyResolver`](crate::KeyResolver).
    ///
    /// # Errors
    /// [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) for an X check whose token is not plain,
    /// before any key is looked up.
    pub(crate) fn unsigned_check_needs_keys(
        &self,
        request: &Incoming<'_>,
        config: &CheckConfig<'_>,
    ) -> Result<bool, Error> {
        match self {
            Self::X => x::check_token(request).map(|()| true),
            Self::Notion => Ok(config.on_verification_token.is_some()),
            _ => Ok(false),
        }
    }

    /// The answer to an unsigned endpoint check, with `keys` (the first valid now, the tenant) where it needs them,
    /// Meta's Verify Token and the callback that receives Notion's verification token.
    ///
    /// # Errors
    /// [`ErrorKind::HandshakeRefused`](crate::ErrorKind::HandshakeRefused) for a Meta check with another token, or a
    /// Notion check outside setup; [`ErrorKind::InvalidSignature`](crate::ErrorKind::InvalidSignature) when X's check
    /// finds no key valid now; [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) for an X token that is
    /// not plain.
    pub(crate) fn unsigned_handshake(
        &self,
        request: &Incoming<'_>,
        keys: &CheckKeys<'_>,
        config: &CheckConfig<'_>,
    ) -> Result<Handshake, Error> {
        match self {
            Self::Notion => notion::answer(request, keys, config.on_verification_token),
            Self::X => x::answer(request, keys.key),
            Self::Meta => meta::answer(request, config.verify_token),
            Self::Dropbox | Self::Nylas => Ok(query::echo_challenge(request)),
            _ => Err(Error::malformed_body("is no endpoint check of this scheme")),
        }
    }

    /// The answer to a signed endpoint check (Slack, Discord, Zoom, Twitch), once `key` verified the request; `None`
    /// for an ordinary event.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) or
    /// [`ErrorKind::MalformedHeader`](crate::ErrorKind::MalformedHeader) for a check without what it must carry.
    pub(crate) fn handshake(&self, request: &Incoming<'_>, key: &Key) -> Result<Option<Handshake>, Error> {
        match (self, &key.material) {
            (Self::Slack, _) => slack::handshake(request.body),
            (Self::Discord, _) => Ok(discord::handshake(request.body)),
            (Self::Zoom, Material::Hmac(mac)) => zoom::handshake(request.body, mac),
            (Self::TwitchEventSub, _) => twitch::handshake(request.headers, request.body),
            (Self::Xero | Self::Line, _) => Ok(no_events(request.body).then(Handshake::empty)),
            _ => Ok(None),
        }
    }

    /// The content type this provider sends its body with.
    pub(crate) const fn content_type(&self) -> &'static str {
        match self {
            Self::Slack | Self::Twilio | Self::Mandrill => "application/x-www-form-urlencoded",
            _ => "application/json",
        }
    }
}

/// What a verifier is configured with for the unsigned endpoint checks: Meta's Verify Token, and the callback that
/// receives Notion's verification token.
pub(crate) struct CheckConfig<'c> {
    pub verify_token: Option<&'c [u8]>,
    pub on_verification_token: Option<&'c TokenCallback>,
}

/// The callback that receives Notion's verification token: the tenant (if any) and the token.
pub(crate) type TokenCallback = dyn Fn(Option<&str>, &str) + Send + Sync;

/// What an unsigned endpoint check that needs keys is answered with: the first key valid now, the tenant, and
/// whether they are configured keys, not a Notion subscription's explicit setup (which has none).
#[derive(Default)]
pub(crate) struct CheckKeys<'k> {
    pub key: Option<&'k Key>,
    pub tenant: Option<&'k str>,
    pub configured: bool,
}

/// Whether the verified body is a check with no events (`"events": []`): Xero's Intent to Receive, LINE's console
/// check.
fn no_events(body: &[u8]) -> bool {
    crate::json_field::field_at::<Vec<serde::de::IgnoredAny>>(body, &["events"]).is_some_and(|events| events.is_empty())
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl std::str::FromStr for Scheme {
    type Err = UnknownScheme;

    /// A built-in scheme by its name (`"stripe"`, `"twitch-eventsub"`, …), as [`Display`](std::fmt::Display) writes
    /// it, for configuration files. `"square"` parses with an empty notification URL: give it with
    /// [`Scheme::square`] instead, or the verifier will not build.
    ///
    /// ```
    /// use hooksafe::Scheme;
    ///
    /// let scheme: Scheme = "stripe".parse()?;
    /// assert_eq!(scheme, Scheme::Stripe);
    /// assert_eq!(scheme.to_string(), "stripe");
    /// assert!("strype".parse::<Scheme>().unwrap_err().to_string().contains("stripe"));
    /// # Ok::<(), hooksafe::scheme::UnknownScheme>(())
    /// ```
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if name == "hook0" {
            return Ok(Self::Hook0);
        }
        Self::ALL.iter().find(|scheme| scheme.name() == name).cloned().ok_or_else(|| UnknownScheme(name.to_owned()))
    }
}

/// A name that is no built-in scheme; its message lists the names there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScheme(String);

impl std::fmt::Display for UnknownScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not a scheme hooksafe knows; the names are:", self.0)?;
        let names = Scheme::ALL.iter();
        for (index, scheme) in names.enumerate() {
            write!(f, "{} {}", if index == 0 { "" } else { "," }, scheme.name())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownScheme {}

/// What a verifier or signer holds beside the scheme that some schemes' signed bytes need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'c> {
    /// The URL the provider called, for the schemes that sign it.
    pub public_url: Option<&'c PublicUrl>,
    /// PayPal's webhook id and certificate policy (the defaults for every other scheme).
    pub paypal: &'c paypal::Settings,
    /// Whether an Adyen notification may carry more than one item.
    pub adyen_batches: bool,
}

impl Default for Context<'_> {
    fn default() -> Self {
        Self { public_url: None, paypal: &paypal::NO_SETTINGS, adyen_batches: false }
    }
}

/// What a scheme read off one request: the id borrows the request (`'a`); the rest may also borrow the scheme
/// (`'s`: a custom scheme's header names and literals).
#[derive(Debug)]
pub(crate) struct Parsed<'s, 'a> {
    pub id: IdSource<'a>,
    /// The signed timestamp in unix seconds, and the header that carried it (`None`: the body did).
    pub timestamp: Option<(i64, Option<&'s HeaderName>)>,
    /// The header the signature entries came from, for error messages (`None`: the body).
    pub signature_header: Option<&'s HeaderName>,
    pub candidates: Candidates<'s>,
    pub signed: Signed<'s>,
    /// Further messages, each with its own signature, that the key matching the first must also have signed (the
    /// other items of an Adyen batch); empty for every other scheme.
    pub batch: Vec<(Signed<'s>, Candidates<'s>)>,
}

impl<'s, 'a: 's> Parsed<'s, 'a> {
    /// What a scheme that signs the body alone read: its id, the header its entries came from, and the entries.
    pub(crate) fn over_body(
        id: IdSource<'a>,
        signature_header: &'s HeaderName,
        candidates: Candidates<'s>,
        body: &'a [u8],
    ) -> Self {
        Self {
            id,
            timestamp: None,
            signature_header: Some(signature_header),
            batch: Vec::new(),
            candidates,
            signed: Signed::new(&[signed::Piece::Bytes(body)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Context, KeyKind, Scheme, Tag};
    use crate::request::Incoming;

    /// Every scheme that signs no URL, with one custom scheme of each tag encoding.
    fn header_schemes() -> Vec<Scheme> {
        use super::{Custom, Encoding};
        let custom = |encoding| {
            Custom::new("x-acme-signature")
                .prefix("sig=")
                .encoding(encoding)
                .id_header("x-acme-id")
                .timestamp_header("x-acme-timestamp")
                .signed_content("{id}:{timestamp}:{body}")
        };
        vec![
            Scheme::StandardWebhooks,
            Scheme::Svix,
            Scheme::Stripe,
            Scheme::GitHub,
            Scheme::GitHubSha1,
            Scheme::Slack,
            Scheme::Shopify,
            Scheme::Paddle,
            Scheme::Discord,
            Scheme::SendGrid,
            Scheme::Typeform,
            Scheme::LemonSqueezy,
            Scheme::Vercel,
            Scheme::Intercom,
            Scheme::CoinbaseCommerce,
            Scheme::Calendly,
            Scheme::WorkOS,
            Scheme::Zoom,
            Scheme::TwitchEventSub,
            Scheme::Dropbox,
            Scheme::HubSpotV1,
            Scheme::CircleCI,
            Scheme::PagerDuty,
            Scheme::Box,
            Scheme::Mollie,
            Scheme::DocuSign,
            Scheme::Gitea,
            Scheme::Hook0,
            Scheme::Ripple,
            Scheme::Line,
            Scheme::Paystack,
            Scheme::Fintoc,
            Scheme::Mux,
            Scheme::Tailscale,
            Scheme::CloudflareStream,
            Scheme::Airwallex,
            Scheme::Webflow,
            Scheme::Zendesk,
            Scheme::Klaviyo,
            Scheme::Custom(custom(Encoding::Hex)),
            Scheme::Custom(custom(Encoding::Base64)),
        ]
    }

    #[test]
    fn every_built_in_scheme_parses_from_the_name_it_displays() {
        for scheme in Scheme::ALL {
            let name = scheme.to_string();
            assert_eq!(name.parse::<Scheme>().as_ref(), Ok(scheme), "{name}");
        }
        let custom = Scheme::Custom(super::Custom::new("x-signature"));
        assert!(custom.to_string().parse::<Scheme>().is_err());
        // One name per scheme, even if a variant is added to the enum and not to the list: the names are distinct.
        let mut names: Vec<_> = Scheme::ALL.iter().map(Scheme::name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Scheme::ALL.len());
    }

    #[test]
    fn what_each_scheme_renders_parses_back_to_the_same_entry_and_timestamp() {
        let tag = Tag(vec![0x5a; 32]);
        for scheme in header_schemes() {
            let kind = if scheme.hmac().is_some() { KeyKind::Hmac } else { KeyKind::Ed25519 };
            let mut headers = http::HeaderMap::new();
            scheme.render(&mut headers, ("msg_1", "1700000000"), &tag, kind, Context::default()).unwrap();
            let request = Incoming { method: None, uri: None, headers: &headers, body: br#"{"id":"evt"}"# };
            let parsed = scheme.parse(&request, Context::default()).unwrap();
            let entries: Vec<_> = parsed.candidates.iter().map(|candidate| candidate.text.to_vec()).collect();
            let encoding = parsed.candidates.iter().next().unwrap().encoding;
            assert_eq!(entries, vec![tag.encode(encoding).into_bytes()], "{scheme:?}");
            if scheme.has_timestamp() {
                assert_eq!(parsed.timestamp.map(|(seconds, _)| seconds), Some(1_700_000_000), "{scheme:?}");
            }
        }
    }
}

#[cfg(test)]
mod own_headers_tests {
    use super::Scheme;

    fn names(scheme: &Scheme) -> Vec<String> {
        scheme.own_headers().iter().map(|name| name.as_str().to_owned()).collect()
    }

    #[test]
    fn each_schemes_own_headers_are_the_ones_it_sends() {
        assert_eq!(names(&Scheme::Stripe), ["stripe-signature"]);
        let github = names(&Scheme::GitHub);
        for name in ["x-hub-signature-256", "x-github-delivery", "x-github-event"] {
            assert!(github.contains(&name.to_owned()), "{github:?}");
        }
        let paypal = names(&Scheme::PayPal);
        for name in ["paypal-transmission-id", "paypal-transmission-time", "paypal-transmission-sig", "paypal-cert-url"]
        {
            assert!(paypal.contains(&name.to_owned()), "{paypal:?}");
        }
        assert!(names(&Scheme::Twilio).contains(&"i-twilio-idempotency-token".to_owned()));
        let empty: Vec<String> =
            Scheme::ALL.iter().filter(|scheme| names(scheme).is_empty()).map(Scheme::to_string).collect();
        // Mailgun and Adyen sign in the body; Azure DevOps sends only Basic credentials, which are never stored.
        assert_eq!(empty, ["mailgun", "adyen", "azure-devops"]);
    }
}
