//! Where each scheme's deliveries say what happened: the event type a [`Router`](crate::Router) dispatches on.

use http::{HeaderMap, HeaderName};

use super::Scheme;
use crate::json_field::field_at;

/// Where a scheme's event type lives.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EventTypeSource {
    /// The scheme carries none (or one per item of a batch).
    None,
    /// A string field of the signed body, at this path of keys.
    Body(&'static [&'static str]),
    /// A header (not covered by the signature).
    Header(&'static str),
    /// A header, then `.` and a body field when the body has it (GitHub's event and `action`).
    HeaderAndBody(&'static str, &'static str),
}

impl EventTypeSource {
    /// The event type of a delivery with `headers` and `body`.
    pub(crate) fn read(self, headers: Option<&HeaderMap>, body: &[u8]) -> Option<String> {
        let header = self.header().and_then(|name| headers?.get(HeaderName::from_static(name))?.to_str().ok());
        self.read_with(header, body)
    }

    /// The header this source reads, if it reads one.
    pub(crate) const fn header(self) -> Option<&'static str> {
        match self {
            Self::Header(name) | Self::HeaderAndBody(name, _) => Some(name),
            Self::None | Self::Body(_) => None,
        }
    }

    /// The event type from the value of [`header`](Self::header) and the body.
    pub(crate) fn read_with(self, header: Option<&str>, body: &[u8]) -> Option<String> {
        let header = header.filter(|value| !value.is_empty());
        match self {
            Self::None => None,
            Self::Body(path) => field_at::<String>(body, path),
            Self::Header(_) => header.map(str::to_owned),
            Self::HeaderAndBody(_, field) => {
                let event = header?;
                Some(match field_at::<String>(body, &[field]) {
                    Some(action) => format!("{event}.{action}"),
                    None => event.to_owned(),
                })
            }
        }
    }

    /// Whether the type is covered by the signature.
    pub(crate) const fn is_signed(self) -> bool {
        matches!(self, Self::Body(_))
    }
}

impl Scheme {
    /// Where this scheme's event type lives.
    pub(crate) const fn event_type_source(&self) -> EventTypeSource {
        use EventTypeSource::{Body, Header, HeaderAndBody, None};
        match self {
            Self::StandardWebhooks | Self::Svix | Self::Stripe | Self::Square { .. } | Self::Linear => Body(&["type"]),
            Self::Vercel | Self::CircleCI | Self::Fintoc | Self::Mux | Self::Zendesk | Self::Nylas => Body(&["type"]),
            Self::Mollie | Self::Notion => Body(&["type"]),
            Self::Slack => Body(&["event", "type"]),
            Self::Paddle | Self::Typeform | Self::PayPal => Body(&["event_type"]),
            Self::LemonSqueezy => Body(&["meta", "event_name"]),
            Self::Intercom => Body(&["topic"]),
            Self::CoinbaseCommerce => Body(&["event", "type"]),
            Self::Calendly | Self::WorkOS | Self::Zoom | Self::Paystack | Self::Razorpay | Self::DocuSign => {
                Body(&["event"])
            }
            Self::Mailgun => Body(&["event-data", "event"]),
            Self::Tally => Body(&["eventType"]),
            Self::AzureDevOps => Body(&["eventType"]),
            Self::Airwallex => Body(&["name"]),
            Self::Webflow => Body(&["triggerType"]),
            Self::Meta => Body(&["object"]),
            Self::PagerDuty => Body(&["event", "event_type"]),
            Self::Box => Body(&["trigger"]),
            Self::GitHub | Self::GitHubSha1 => HeaderAndBody("x-github-event", "action"),
            Self::Sentry => HeaderAndBody("sentry-hook-resource", "action"),
            Self::Shopify => Header("x-shopify-topic"),
            Self::TwitchEventSub => Header("twitch-eventsub-subscription-type"),
            Self::BitbucketCloud | Self::BitbucketServer => Header("x-event-key"),
            Self::Recharge => Header("x-recharge-topic"),
            Self::WooCommerce => Header("x-wc-webhook-topic"),
            Self::Gitea => Header("x-gitea-event"),
            Self::GitLab => Header("x-gitlab-event"),
            Self::Hook0 => Header("x-event-type"),
            Self::Contentful => Header("x-contentful-topic"),
            // Batches (one type per item), numeric types (Discord), or none at all.
            Self::Twilio | Self::Discord | Self::SendGrid | Self::HubSpot | Self::HubSpotV1 | Self::HubSpotV2 => None,
            Self::Dropbox | Self::Adyen | Self::Expo | Self::FastSpring | Self::GoCardless | Self::LaunchDarkly => None,
            Self::Line | Self::Tailscale | Self::CloudflareStream | Self::Klaviyo | Self::X | Self::Xero => None,
            Self::Pusher | Self::Ripple | Self::Mandrill | Self::Custom(_) => None,
        }
    }
}
