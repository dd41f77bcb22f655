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
pub(crate) mod certificate_url;
mod circleci;
mod cloudflare_stream;
mod coinbase_commerce;
mod contentful;
mod custom;
mod declared;
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
mod methods;
mod modern_treasury;
mod mollie;
mod mux;
mod name;
mod notion;
mod nylas;
mod paddle;
mod pagerduty;
pub(crate) mod paypal;
mod paystack;
#[macro_use]
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
#[cfg(test)]
mod tests;
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

pub use adyen::Adyen;
pub use custom::Custom;
pub use meta::Meta;
pub use name::UnknownScheme;
pub use notion::Notion;
pub use paypal::PayPal;
pub use square::Square;
/// The default replay tolerance, in each direction: 300 seconds, as Standard Webhooks, Stripe and Slack specify.
pub const DEFAULT_TOLERANCE: std::time::Duration = std::time::Duration::from_secs(300);

pub(crate) use event_type::EventTypeSource;
pub(crate) use id::IdSource;
pub(crate) use signed::{Message, Signed};
pub(crate) use tag::{Candidates, KeyKind};
pub use tag::{Encoding, MAX_PUBLIC_KEY_SIGNATURES, MAX_SIGNATURES, Tag};

use provider::Provider;
pub(crate) use provider::{CheckKeys, Context, Parsed, TokenCallback};

providers! {
    // The providers whose variant carries their configuration, built by `Scheme::<provider>(..)`.
    configured {
    /// Square: `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 of the subscription's **configured**
    /// notification URL (byte for byte, a trailing slash included; never rebuilt from the request) followed by the
    /// body, keyed with the signature key as text. **No timestamp**. The dedup id is the event's `event_id` field.
    /// Build it with [`Scheme::square`].
    Square(Square),
    /// PayPal: `PAYPAL-TRANSMISSION-SIG`, RSASSA-PKCS1-v1_5 (SHA-256; SHA-1 only after [`PayPal::allow_sha1`]) of
    /// `{transmission id}|{transmission time}|{webhook id}|{CRC-32 of the body}`, by the certificate
    /// `PAYPAL-CERT-URL` names. Build it with [`Scheme::paypal`] and the subscription's webhook id; give a pinned
    /// [`certificate`](crate::VerifierBuilder::certificate) or a
    /// [`certificate_source`](crate::VerifierBuilder::certificate_source). See [`crate::paypal`].
    PayPal(PayPal),
    /// Meta (Facebook, Instagram, WhatsApp): `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body with the
    /// App Secret. **No timestamp**. The unsigned subscription check (`GET ?hub.mode=subscribe&hub.verify_token=…`) is
    /// answered as a [handshake](crate::Verified::handshake) when the token is the one given to
    /// [`Meta::verify_token`], and refused with `403` otherwise. Build it with [`Scheme::meta`].
    Meta(Meta),
    /// Notion: `X-Notion-Signature: sha256=<hex>`, HMAC-SHA256 of the body keyed with the verification token. **No
    /// timestamp**. Its unsigned verification request is handed to [`Notion::on_verification_token`] during setup
    /// and answered `200`. Build it with [`Scheme::notion`].
    Notion(Notion),
    /// Adyen: each notification item's `additionalData.hmacSignature`, base64 HMAC-SHA256 (keyed with the
    /// **hex-decoded** HMAC key) of `pspReference:originalReference:merchantAccountCode:merchantReference:`
    /// `amount.value:amount.currency:eventCode:success`. **Only those fields are signed** (not `eventDate`, `reason`,
    /// `paymentMethod` or the rest of `additionalData`), and there is **no timestamp**. Every item must verify. The
    /// dedup id is `pspReference:eventCode` (signed). Acknowledge with a 2xx (classically `[accepted]`). Build it
    /// with [`Scheme::adyen`].
    Adyen(Adyen),
    }
    /// [Standard Webhooks](https://www.standardwebhooks.com/) 1.0: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature: v1,<base64> v1a,<base64> …`, signing `{id}.{timestamp}.{body}`. `v1` entries are
    /// HMAC-SHA256, checked with `whsec_` secrets (base64 of 24 to 64 bytes, the prefix optional); `v1a` entries are
    /// Ed25519, checked with `whpk_` public keys. Other versions are skipped.
    StandardWebhooks => standard::WEBHOOK,
    /// Svix: Standard Webhooks sent with `svix-id`, `svix-timestamp` and `svix-signature`; the `webhook-` names are
    /// accepted too, header by header, as Svix's own libraries do.
    Svix => standard::SVIX,
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{body}`. The `whsec_…`
    /// secret is used verbatim. Only `v1` counts (a header with only `v0` fails). The dedup id is the event's `id`
    /// field, read from the signed body.
    Stripe => stripe::STRIPE,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body. **No timestamp**, so no replay window:
    /// rely on deduplication. `X-GitHub-Delivery` is reported as the id but is not signed. Never accepts `sha1=`.
    GitHub => github::GITHUB,
    /// GitHub's legacy `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body, for receivers that cannot use the
    /// SHA-256 header. Opt-in by name; no timestamp; `X-GitHub-Delivery` is not signed.
    GitHubSha1 => github::GITHUB_SHA1,
    /// Slack: `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of
    /// `v0:{timestamp}:{body}`. The Events API's `url_verification` is answered as a
    /// [handshake](crate::Verified::handshake).
    Slack => slack::SLACK,
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body. **No timestamp**, so no replay window.
    /// `X-Shopify-Webhook-Id` is reported as the id but is not signed.
    Shopify => shopify::Shopify,
    /// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 of `{ts}:{body}`. The dedup
    /// id is the event's `event_id` field, read from the signed body.
    Paddle => paddle::PADDLE,
    /// Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 with the Auth Token of the URL Twilio called followed by
    /// each POST parameter's name and value, sorted by name. A JSON body instead carries `bodySHA256` in the
    /// query, which must be the body's SHA-256. Signs the URL, so it verifies through
    /// a whole request or its head ([`RequestView`](crate::RequestView)), with
    /// [`public_url`](crate::VerifierBuilder::public_url) behind a proxy. **No timestamp**: rely on deduplication.
    /// `I-Twilio-Idempotency-Token` is reported as the id but is not signed.
    Twilio => twilio::Twilio,
    /// Discord interactions: `X-Signature-Ed25519: <hex>` over `X-Signature-Timestamp` followed by the body,
    /// checked with the application's hex public key. The dedup id is the interaction's `id` field. A `PING` is
    /// answered with a `PONG` as a [handshake](crate::Verified::handshake).
    Discord => discord::Discord,
    /// SendGrid Event Webhook: `X-Twilio-Email-Event-Webhook-Signature: <base64 DER>`, ECDSA P-256 / SHA-256 over
    /// `X-Twilio-Email-Event-Webhook-Timestamp` followed by the body (trailing `\r\n` included), checked with the
    /// base64 DER verification key SendGrid shows. The body is a batch with no delivery id: deduplicate per
    /// `sg_event_id` in your handler.
    SendGrid => sendgrid::SendGrid,
    /// Typeform: `Typeform-Signature: sha256=<base64>` (base64 despite the prefix), HMAC-SHA256 of the body. **No
    /// timestamp**. The dedup id is the event's `event_id` field, read from the signed body.
    Typeform => typeform::TYPEFORM,
    /// Lemon Squeezy: `X-Signature: <hex>`, HMAC-SHA256 of the body. **No timestamp** and no delivery id
    /// (deduplication on the body); `X-Event-Name` is not signed, so route on the body's `meta.event_name`.
    LemonSqueezy => lemon_squeezy::LEMON_SQUEEZY,
    /// Vercel: `x-vercel-signature: <hex>`, HMAC-**SHA1** of the body. **No timestamp**. The dedup id is the
    /// event's `id` field.
    Vercel => vercel::VERCEL,
    /// Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body with the app's client secret. **No
    /// timestamp**. The dedup id is the notification's `id` field.
    Intercom => intercom::INTERCOM,
    /// Coinbase Commerce: `X-CC-Webhook-Signature: <hex>`, HMAC-SHA256 of the body. **No timestamp**. The dedup id
    /// is the event's nested `event.id`, read from the signed body.
    CoinbaseCommerce => coinbase_commerce::COINBASE_COMMERCE,
    /// Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}`; 180 s window by
    /// default. No delivery id (deduplication on the body).
    Calendly => calendly::CALENDLY,
    /// WorkOS: `WorkOS-Signature: t=<unix ms>, v1=<hex>`, HMAC-SHA256 of `{t}.{body}` with `t` in milliseconds as
    /// sent; 180 s window by default. The dedup id is the event's `id` field.
    WorkOS => workos::WORK_OS,
    /// HubSpot, signature version 3: `X-HubSpot-Signature-v3: <base64>`, HMAC-SHA256 of the method, the URL
    /// HubSpot called, the body and `X-HubSpot-Request-Timestamp` (milliseconds, as sent), with no separators.
    /// Signs the URL: verify a whole request or its head ([`RequestView`](crate::RequestView)), with [`public_url`](crate::VerifierBuilder::public_url) behind
    /// a proxy. The body is an array of events: deduplicate per `eventId` in your handler.
    HubSpot => hubspot::HubSpot,
    /// HubSpot's legacy signature version 1: `X-HubSpot-Signature: <hex>`, a bare **SHA-256 (not an HMAC)** of the
    /// client secret followed by the body, with `X-HubSpot-Signature-Version: v1`. **No timestamp**, and a bare hash
    /// is open to length extension: whoever saw one signed request can sign that body with anything appended (only
    /// strict JSON parsing stands in the way). Use [`Scheme::HubSpot`] (v3) wherever the app allows it.
    HubSpotV1 => hubspot::HubSpotV1,
    /// HubSpot's legacy signature version 2: `X-HubSpot-Signature: <hex>`, a bare **SHA-256 (not an HMAC)** of the
    /// client secret, the method, the URL HubSpot called and the body, with `X-HubSpot-Signature-Version: v2`.
    /// **No timestamp**, open to length extension like [`Scheme::HubSpotV1`]; prefer [`Scheme::HubSpot`] (v3).
    /// Signs the URL: verify a whole request or its head ([`RequestView`](crate::RequestView)).
    HubSpotV2 => hubspot::HubSpotV2,
    /// Linear: `linear-signature: <hex>`, HMAC-SHA256 of the body; the timestamp is the body's `webhookTimestamp`
    /// (milliseconds), read from the verified body and checked against a 60 s window by default. No delivery id
    /// (deduplication on the body).
    Linear => linear::LINEAR,
    /// Zoom: `x-zm-request-timestamp` and `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:{timestamp}:{body}` with
    /// the app's secret token. No delivery id (deduplication on the body). An `endpoint.url_validation` is answered
    /// with its plain token and that token's HMAC as a [handshake](crate::Verified::handshake).
    Zoom => zoom::ZOOM,
    /// Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>`, HMAC-SHA256 of the message id, the
    /// RFC 3339 `Twitch-Eventsub-Message-Timestamp` (as sent) and the body; 600 s window by default. The dedup id is
    /// the signed message id. A `webhook_callback_verification` is answered with its challenge as a
    /// [handshake](crate::Verified::handshake); a `revocation` reaches the handler as an ordinary event.
    TwitchEventSub => twitch::TwitchEventSub,
    /// Dropbox: `X-Dropbox-Signature: <hex>`, HMAC-SHA256 of the body with the app secret. **No timestamp** and no
    /// delivery id. Dropbox's unsigned `GET ?challenge=` is answered as a [handshake](crate::Verified::handshake)
    /// when verifying a whole request or its head ([`RequestView`](crate::RequestView)).
    Dropbox => dropbox::DROPBOX,
    /// Mailgun: the JSON body's `signature` block (`timestamp`, `token`, hex `signature`), HMAC-SHA256 of
    /// `{timestamp}{token}` with the HTTP webhook signing key; the crate's 300 s window on that timestamp. **The
    /// signature does not cover `event-data`**: anyone who saw one delivery can pair its block with other event data.
    /// The signed token is the dedup id, so a block is accepted once whatever event data comes with it; confirm
    /// events that matter through Mailgun's API.
    Mailgun => mailgun::Mailgun,
    /// Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`, HMAC-SHA256 of the body. **No timestamp**; no signed id.
    BitbucketCloud => bitbucket::BITBUCKET_CLOUD,
    /// Bitbucket Server / Data Center: the same header and format as Bitbucket Cloud. **No timestamp**.
    BitbucketServer => bitbucket::BitbucketServer,
    /// CircleCI: `circleci-signature: v1=<hex>[,v2=…]`, HMAC-SHA256 of the body; only `v1` entries count. **No
    /// timestamp**. The dedup id is the event's `id`, from the signed body.
    CircleCI => circleci::CIRCLE_CI,
    /// Expo EAS: `expo-signature: sha1=<hex>`, HMAC-**SHA1** of the body, with a secret of at least 16 characters.
    /// **No timestamp**.
    Expo => expo::EXPO,
    /// FastSpring: `X-FS-Signature: <base64>`, HMAC-SHA256 of the body. **No timestamp**; a batch of events.
    FastSpring => fastspring::FAST_SPRING,
    /// GoCardless: `Webhook-Signature: <hex>`, HMAC-SHA256 of the body with the endpoint secret. **No timestamp**; a
    /// batch of `events`.
    GoCardless => gocardless::GO_CARDLESS,
    /// LaunchDarkly: `X-LD-Signature: <hex>`, HMAC-SHA256 of the body. **No timestamp**.
    LaunchDarkly => launchdarkly::LAUNCH_DARKLY,
    /// LINE Messaging API: `x-line-signature: <base64>`, HMAC-SHA256 of the body with the channel secret. **No
    /// timestamp**; a batch of `events`. The console's check (a verified body with no `events`) is answered `200` as a
    /// [handshake](crate::Verified::handshake).
    Line => line::LINE,
    /// Paystack: `x-paystack-signature: <hex>`, HMAC-**SHA512** of the body with the secret API key. **No timestamp**.
    Paystack => paystack::PAYSTACK,
    /// Razorpay: `X-Razorpay-Signature: <hex>`, HMAC-SHA256 of the body with the webhook secret. **No timestamp**.
    Razorpay => razorpay::RAZORPAY,
    /// Recharge: `X-Recharge-Hmac-Sha256: <hex>`, a bare **SHA-256 (not an HMAC)** of the client secret followed by
    /// the body, open to length extension. **No timestamp**.
    Recharge => recharge::RECHARGE,
    /// Sentry: `Sentry-Hook-Signature: <hex>`, HMAC-SHA256 of the body with the integration's client secret. **No
    /// timestamp**.
    Sentry => sentry::SENTRY,
    /// Tally: `Tally-Signature: <base64>`, HMAC-SHA256 of the body. **No timestamp**. The dedup id is the event's
    /// `eventId`, from the signed body.
    Tally => tally::TALLY,
    /// WooCommerce: `X-WC-Webhook-Signature: <base64>`, HMAC-SHA256 of the body. **No timestamp**.
    WooCommerce => woocommerce::WOO_COMMERCE,
    /// Fintoc: `Fintoc-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}` (the `whsec_` secret used as text).
    /// The dedup id is the event's `id`.
    Fintoc => fintoc::FINTOC,
    /// Mux: `Mux-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}`. The dedup id is the event's `id`.
    Mux => mux::MUX,
    /// Tailscale: `Tailscale-Webhook-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}`. A batch of events.
    Tailscale => tailscale::TAILSCALE,
    /// Cloudflare Stream: `Webhook-Signature: time=<unix>,sig1=<hex>`, HMAC-SHA256 of `{time}.{body}` (the secret used
    /// as text).
    CloudflareStream => cloudflare_stream::CLOUDFLARE_STREAM,
    /// Airwallex: `x-timestamp` (milliseconds) and `x-signature: <hex>`, HMAC-SHA256 of the timestamp followed by the
    /// body. The dedup id is the event's `id`.
    Airwallex => airwallex::AIRWALLEX,
    /// Webflow: `x-webflow-timestamp` (milliseconds) and `x-webflow-signature: <hex>`, HMAC-SHA256 of
    /// `{timestamp}:{body}`.
    Webflow => webflow::WEBFLOW,
    /// Zendesk: `X-Zendesk-Webhook-Signature-Timestamp` (RFC 3339) and `X-Zendesk-Webhook-Signature: <base64>`,
    /// HMAC-SHA256 of the timestamp followed by the body.
    Zendesk => zendesk::ZENDESK,
    /// Klaviyo: `Klaviyo-Timestamp` (HTTP date) and `Klaviyo-Signature: <hex>`, HMAC-SHA256 of the body **followed
    /// by** the timestamp.
    Klaviyo => klaviyo::KLAVIYO,
    /// X (Twitter) Account Activity: `x-twitter-webhooks-signature: sha256=<base64>`, HMAC-SHA256 of the body with
    /// the consumer secret. **No timestamp**. The unsigned CRC check (`GET ?crc_token=…`) is answered with its
    /// `response_token` as a [handshake](crate::Verified::handshake).
    X => x::X,
    /// Nylas v3: `x-nylas-signature: <hex>`, HMAC-SHA256 of the body with the webhook secret. **No timestamp**. The
    /// unsigned `GET ?challenge=` is answered as a [handshake](crate::Verified::handshake).
    Nylas => nylas::NYLAS,
    /// Xero: `x-xero-signature: <base64>`, HMAC-SHA256 of the body with the webhook key. **No timestamp**. A verified
    /// "Intent to Receive" (no `events`) is answered `200` as a [handshake](crate::Verified::handshake).
    Xero => xero::XERO,
    /// PagerDuty v3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>]`, HMAC-SHA256 of the body; any `v1` may match.
    /// **No timestamp**. The dedup id is the nested `event.id`.
    PagerDuty => pagerduty::PAGER_DUTY,
    /// Box: `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY: <base64>`, HMAC-SHA256 of the body followed by the
    /// RFC 3339 `BOX-DELIVERY-TIMESTAMP`; the first key is checked against the primary header only, the second against
    /// the secondary only. 600 s window by default. The dedup id is the body's `id`.
    Box => box_com::BoxCom,
    /// Pusher Channels: `X-Pusher-Signature: <hex>`, HMAC-SHA256 of the body with the secret whose id is the request's
    /// `X-Pusher-Key` (give each app's secret with `Secret::new(secret).id(app_key)`). **No timestamp**.
    Pusher => pusher::Pusher,
    /// Mollie: `X-Mollie-Signature: sha256=<hex>`, HMAC-SHA256 of the body; during a secret roll two header lines,
    /// each checked. **No timestamp**.
    Mollie => mollie::Mollie,
    /// DocuSign Connect: `X-DocuSign-Signature-1`, `-2`, … `: <base64>`, HMAC-SHA256 of the body; any header may match
    /// any key. **No timestamp**.
    DocuSign => docusign::DocuSign,
    /// Gitea (and Forgejo, Gogs): `X-Gitea-Signature: <hex>`, HMAC-SHA256 of the JSON body; a form-encoded body is a
    /// configuration mistake. **No timestamp**.
    Gitea => gitea::Gitea,
    /// GitLab's secret token: `X-Gitlab-Token` must equal the configured token. **Not a signature**: it protects
    /// neither the body nor against replays (for GitLab's signing token, use [`Scheme::StandardWebhooks`]). Compared
    /// in constant time.
    GitLab => gitlab::GITLAB,
    /// Azure DevOps service hooks: `Authorization: Basic <base64(user:password)>`, equal to the configured
    /// `user:password`. **Not a signature**: it protects neither the body nor against replays. Compared in constant
    /// time.
    AzureDevOps => azure_devops::AZURE_DEVOPS,
    /// Hook0, as Coinbase CDP sends it ([`Scheme::CoinbaseCdp`]): `X-Hook0-Signature: t=<unix>[,v0=<hex>][,h=<names>,
    /// v1=<hex>]`, HMAC-SHA256 of `{t}.{body}` (`v0`) or of `{t}.{h}.{the named headers' values}.{body}` (`v1`, which
    /// alone counts when sent). Named by `coinbase-cdp` (and `hook0`).
    Hook0 => hook0::Hook0,
    /// Ripple: `X-Webhook-Timestamp` (milliseconds) and `X-Webhook-Signature: t=<same>,v1=<hex>`, HMAC-SHA256 of
    /// `{timestamp}.{hex SHA-256 of the body}` keyed with the base64-decoded verification key.
    Ripple => ripple::Ripple,
    /// Mailchimp Transactional (Mandrill): `X-Mandrill-Signature: <base64>`, HMAC-**SHA1** of the webhook URL followed
    /// by the sorted form fields, as Twilio signs. Signs the URL: verify through
    /// a whole request or its head ([`RequestView`](crate::RequestView)), with
    /// [`public_url`](crate::VerifierBuilder::public_url) as entered in Mailchimp. **No timestamp**.
    Mandrill => mandrill::Mandrill,
    /// Contentful: `x-contentful-signature: <hex>`, HMAC-SHA256 of the method, the path as Contentful's toolkit escapes
    /// it, the headers `x-contentful-signed-headers` lists, and the body, with a millisecond `x-contentful-timestamp`
    /// among them; 30 s window by default. Signs the request line: verify through
    /// a whole request or its head ([`RequestView`](crate::RequestView)).
    Contentful => contentful::Contentful,
    /// Modern Treasury: `X-Signature: <hex>`, HMAC-SHA256 of the body with the webhook key. **No timestamp** and no
    /// delivery id (deduplication on the body).
    ModernTreasury => modern_treasury::MODERN_TREASURY,
}
