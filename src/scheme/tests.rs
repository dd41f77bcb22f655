//! The catalogue's own checks: every provider's name parses back, what it renders parses back, its own headers.

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
    let paypal = names(&Scheme::paypal("WH-1").into());
    for name in ["paypal-transmission-id", "paypal-transmission-time", "paypal-transmission-sig", "paypal-cert-url"] {
        assert!(paypal.contains(&name.to_owned()), "{paypal:?}");
    }
    assert!(names(&Scheme::Twilio).contains(&"i-twilio-idempotency-token".to_owned()));
    let mut empty: Vec<String> =
        Scheme::ALL.iter().filter(|scheme| names(scheme).is_empty()).map(Scheme::to_string).collect();
    empty.sort();
    // Mailgun and Adyen sign in the body; Azure DevOps sends only Basic credentials, which are never stored.
    assert_eq!(empty, ["adyen", "azure-devops", "mailgun"]);
}
