//! What [`Scheme`] offers beyond its variants: the constructors of the providers that carry their configuration, and
//! the questions about a scheme's contract its users ask. Each answer comes from the provider's own file, through
//! the one table.

use std::time::Duration;

use http::HeaderMap;

use super::provider::Context;
use super::{Adyen, KeyKind, Meta, Notion, PayPal, Scheme, Square, Tag};

impl Scheme {
    /// Coinbase CDP's webhooks: [`Scheme::Hook0`], the scheme they are signed with.
    #[allow(non_upper_case_globals, reason = "it reads as the variant it stands for")]
    pub const CoinbaseCdp: Self = Self::Hook0;

    /// [`Scheme::Square`] for the subscription whose notification URL is `notification_url`, exactly as entered.
    pub fn square(notification_url: impl Into<String>) -> Square {
        Square::new(notification_url.into())
    }

    /// [`Scheme::PayPal`] for the subscription whose webhook id is `webhook_id` (`WH-…` in the developer dashboard,
    /// or the id the webhooks API returned), part of every message PayPal signs; see [`PayPal`] for its options.
    pub fn paypal(webhook_id: impl Into<String>) -> PayPal {
        PayPal::new(webhook_id.into())
    }

    /// [`Scheme::Meta`], without a Verify Token until [`Meta::verify_token`] gives it.
    #[must_use]
    pub const fn meta() -> Meta {
        Meta::UNCONFIGURED
    }

    /// [`Scheme::Notion`], without a setup callback until [`Notion::on_verification_token`] gives it.
    #[must_use]
    pub const fn notion() -> Notion {
        Notion::UNCONFIGURED
    }

    /// [`Scheme::Adyen`], one item per notification unless [`Adyen::dangerous_allow_batches`].
    #[must_use]
    pub const fn adyen() -> Adyen {
        Adyen::UNCONFIGURED
    }

    /// Whether `other` is the same provider, whatever its configuration (keys prepared for one check the other's
    /// deliveries): the same variant, or the same custom scheme.
    pub(crate) fn same_provider(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Custom(mine), Self::Custom(theirs)) => mine == theirs,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }

    /// The replay tolerance a verifier for this scheme uses unless told otherwise, in each direction: 180 s for
    /// Calendly and WorkOS, 60 s for Linear, 600 s for Twitch EventSub and Box, 30 s for Contentful (what each
    /// documents), 300 s for every other scheme with a timestamp.
    #[must_use]
    pub fn default_tolerance(&self) -> Duration {
        self.provider().default_tolerance()
    }

    /// The largest body a verifier for this scheme accepts unless told otherwise: 25 MiB for GitHub (its documented
    /// payload cap), 256 KiB for Standard Webhooks and Svix (the specification recommends payloads under 20 kB, and
    /// their `v1a` signatures are Ed25519, which hashes the whole body for each check), 5 MiB for every other scheme.
    #[must_use]
    pub fn default_max_body_size(&self) -> usize {
        self.provider().default_max_body_size()
    }

    /// Whether requests of this scheme carry a signed timestamp, and so get a replay window.
    #[must_use]
    pub fn has_timestamp(&self) -> bool {
        self.provider().has_timestamp()
    }

    /// Whether a verified delivery's whole body is what the provider signed. Not for PayPal (a CRC-32 of the body),
    /// Mailgun (its signature block only), Adyen (some fields of each item), Twilio and Mandrill (form parameters
    /// joined without separators), nor for the shared tokens of GitLab and Azure DevOps, which sign nothing, nor for
    /// Bitbucket Server, which may be configured with such Basic credentials instead of a secret: for those, confirm
    /// what matters through the provider's API.
    #[must_use]
    pub fn signs_whole_body(&self) -> bool {
        self.provider().signs_whole_body()
    }

    /// The names of the headers this provider sends its signature, timestamp, id and event type in, as its test kit
    /// renders them, for storing a delivery's own headers by allow-list (the inbox).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn own_headers(&self) -> Vec<http::HeaderName> {
        let provider = self.provider();
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
            let _ =
                provider.render(&mut headers, ("msg_1", "1700000000"), &Tag(vec![1; len]), kind, Context::default());
        }
        let mut names: Vec<http::HeaderName> = headers.keys().cloned().collect();
        if let Some(name) = provider.event_type().header() {
            names.push(http::HeaderName::from_static(name));
        }
        names
    }
}
