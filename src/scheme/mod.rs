#![doc = include_str!("guide.md")]

// Each provider lives in its own file, which states its whole scheme in one place: headers, signed parts, algorithm,
// tag encoding, key format, timestamp and id source. Shared helpers live in files named for their one job: `headers`
// (strict header values), `tag` (signature entries and their decoding), `signed` (the bytes a signature covers),
// `body_only`, `signed_list` and `v0` (the wire formats several providers share).

mod adyen;
mod airwallex;
mod azure_devops;
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
mod gitlab;
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
mod provider;
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

use http::HeaderName;

pub use custom::Custom;
pub use square::Square;
/// The default replay tolerance, in each direction: 300 seconds, as Standard Webhooks, Stripe and Slack specify.
pub const DEFAULT_TOLERANCE: std::time::Duration = std::time::Duration::from_secs(300);

pub(crate) use event_type::EventTypeSource;
pub(crate) use id::IdSource;
pub(crate) use signed::{Message, Signed};
pub(crate) use tag::{Candidates, KeyKind};
pub use tag::{Encoding, MAX_PUBLIC_KEY_SIGNATURES, MAX_SIGNATURES, Tag};

use crate::key::Key;
use crate::request::PublicUrl;
use provider::Provider;

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
    Square(Square),
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
        Self::Square(square::Square::new(notification_url.into()))
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
        Self::Square(square::Square::new(String::new())),
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

    /// The one table: each provider's whole contract, stated in its own file.
    pub(crate) fn provider(&self) -> &dyn Provider {
        match self {
            Self::StandardWebhooks => &standard::StandardWebhooks,
            Self::Svix => &standard::Svix,
            Self::Stripe => &stripe::Stripe,
            Self::GitHub => &github::GitHub,
            Self::GitHubSha1 => &github::GitHubSha1,
            Self::Slack => &slack::Slack,
            Self::Shopify => &shopify::Shopify,
            Self::Paddle => &paddle::Paddle,
            Self::Twilio => &twilio::Twilio,
            Self::Discord => &discord::Discord,
            Self::SendGrid => &sendgrid::SendGrid,
            Self::Square(square) => square,
            Self::Linear => &linear::Linear,
            Self::Zoom => &zoom::Zoom,
            Self::TwitchEventSub => &twitch::TwitchEventSub,
            Self::HubSpot => &hubspot::HubSpot,
            Self::HubSpotV1 => &hubspot::HubSpotV1,
            Self::HubSpotV2 => &hubspot::HubSpotV2,
            Self::Mailgun => &mailgun::Mailgun,
            Self::Intercom => &intercom::Intercom,
            Self::Typeform => &typeform::Typeform,
            Self::LemonSqueezy => &lemon_squeezy::LemonSqueezy,
            Self::WorkOS => &workos::WorkOS,
            Self::Calendly => &calendly::Calendly,
            Self::Dropbox => &dropbox::Dropbox,
            Self::Vercel => &vercel::Vercel,
            Self::CoinbaseCommerce => &coinbase_commerce::CoinbaseCommerce,
            Self::Adyen => &adyen::Adyen,
            Self::BitbucketCloud => &bitbucket::BitbucketCloud,
            Self::BitbucketServer => &bitbucket::BitbucketServer,
            Self::CircleCI => &circleci::CircleCI,
            Self::Expo => &expo::Expo,
            Self::FastSpring => &fastspring::FastSpring,
            Self::GoCardless => &gocardless::GoCardless,
            Self::LaunchDarkly => &launchdarkly::LaunchDarkly,
            Self::Line => &line::Line,
            Self::Paystack => &paystack::Paystack,
            Self::Razorpay => &razorpay::Razorpay,
            Self::Recharge => &recharge::Recharge,
            Self::Sentry => &sentry::Sentry,
            Self::Tally => &tally::Tally,
            Self::WooCommerce => &woocommerce::WooCommerce,
            Self::Fintoc => &fintoc::Fintoc,
            Self::Mux => &mux::Mux,
            Self::Tailscale => &tailscale::Tailscale,
            Self::CloudflareStream => &cloudflare_stream::CloudflareStream,
            Self::Airwallex => &airwallex::Airwallex,
            Self::Webflow => &webflow::Webflow,
            Self::Zendesk => &zendesk::Zendesk,
            Self::Klaviyo => &klaviyo::Klaviyo,
            Self::Meta => &meta::Meta,
            Self::X => &x::X,
            Self::Nylas => &nylas::Nylas,
            Self::Xero => &xero::Xero,
            Self::PagerDuty => &pagerduty::PagerDuty,
            Self::Box => &box_com::BoxCom,
            Self::Pusher => &pusher::Pusher,
            Self::Mollie => &mollie::Mollie,
            Self::DocuSign => &docusign::DocuSign,
            Self::Gitea => &gitea::Gitea,
            Self::GitLab => &gitlab::GitLab,
            Self::AzureDevOps => &azure_devops::AzureDevOps,
            Self::Hook0 => &hook0::Hook0,
            Self::Ripple => &ripple::Ripple,
            Self::Mandrill => &mandrill::Mandrill,
            Self::Notion => &notion::Notion,
            Self::Contentful => &contentful::Contentful,
            Self::PayPal => &paypal::PayPal,
            Self::Custom(custom) => custom,
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
        f.write_str(&self.provider().name())
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
        let named = |scheme: &&Self| {
            let provider = scheme.provider();
            provider.name() == name || provider.aliases().contains(&name)
        };
        Self::ALL.iter().find(named).cloned().ok_or_else(|| UnknownScheme(name.to_owned()))
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
            write!(f, "{} {}", if index == 0 { "" } else { "," }, scheme.provider().name())?;
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
        let mut names: Vec<_> = Scheme::ALL.iter().map(|scheme| scheme.provider().name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Scheme::ALL.len());
    }

    #[test]
    fn what_each_scheme_renders_parses_back_to_the_same_entry_and_timestamp() {
        let tag = Tag(vec![0x5a; 32]);
        for scheme in header_schemes() {
            let kind = if scheme.provider().hmac().is_some() { KeyKind::Hmac } else { KeyKind::Ed25519 };
            let mut headers = http::HeaderMap::new();
            scheme.provider().render(&mut headers, ("msg_1", "1700000000"), &tag, kind, Context::default()).unwrap();
            let request = Incoming { method: None, uri: None, headers: &headers, body: br#"{"id":"evt"}"# };
            let parsed = scheme.provider().parse(&request, Context::default()).unwrap();
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
