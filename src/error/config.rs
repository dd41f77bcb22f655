//! [`ConfigError`]: what a builder reports, never a request.

/// A verifier or scheme that cannot be built as configured. Returned by the builders, never at request time.
///
/// Messages say which setting is wrong; they never contain the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `build()` was called without any key.
    #[error("no key configured: call `.secret(..)` (or `.public_key(..)` for an asymmetric scheme) at least once")]
    NoSecret,
    /// Every key is [on trial](crate::Secret::report_only): no delivery could ever be accepted.
    #[error("every key is report-only: give at least one key that is trusted (without `.report_only()`)")]
    OnlyReportOnlyKeys,
    /// [`report_only`](crate::VerifierBuilder::report_only) for a scheme that cannot be watched that way.
    #[error("report-only cannot be used here: {0}")]
    ReportOnlyRefused(&'static str),
    /// A key of a kind the scheme does not accept: a secret for Discord or SendGrid, a public key for an HMAC
    /// scheme.
    #[error("key #{index} is a {given}, which this scheme does not accept")]
    KeyKindNotAccepted {
        /// Position of the key in the order it was added, from 1.
        index: usize,
        /// `secret` or `public key`.
        given: &'static str,
    },
    /// A public key that does not decode to a valid key of the scheme's kind.
    #[error("public key #{index} {why}")]
    InvalidPublicKey {
        /// Position of the key in the order it was added, from 1.
        index: usize,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Two keys carry the same id, so a match could not say which one it was.
    #[error("two keys have the id `{id}`")]
    DuplicateKeyId {
        /// The repeated id.
        id: String,
    },
    /// HTTP Basic credentials (Azure DevOps) that are not `user:password` with exactly one `:`.
    #[error("secret #{index} is not `user:password` with exactly one `:`")]
    BasicCredentials {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
    },
    /// [`Verifier::replace_keys`](crate::Verifier::replace_keys) was given keys prepared for another scheme.
    #[error("the keys were prepared for the scheme `{prepared_for}`, not this verifier's")]
    KeysForAnotherScheme {
        /// The scheme the keys were prepared for.
        prepared_for: String,
    },
    /// [`Verifier::replace_keys`](crate::Verifier::replace_keys) on a verifier whose resolver supplies the keys.
    #[error("this verifier resolves its keys per request; update what the resolver returns instead")]
    KeysAreResolved,
    /// A verifier was given both keys and a resolver: it takes one or the other.
    #[error("a verifier takes fixed keys or a resolver, not both")]
    KeysAndResolver,
    /// A public URL that is not an `http`/`https` origin with an optional path prefix.
    #[error("the public URL {0}")]
    InvalidPublicUrl(&'static str),
    /// A secret is empty (or only a prefix such as `whsec_`).
    #[error("secret #{index} is empty")]
    EmptySecret {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
    },
    /// A secret starts or ends with white space: usually a newline pasted from a file or an environment variable.
    #[error("secret #{index} starts or ends with white space")]
    SecretWhitespace {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
    },
    /// A secret that must be base64 or hex (Standard Webhooks, Svix, or a custom scheme) does not decode.
    #[error("secret #{index} is not valid {encoding}")]
    UndecodableSecret {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// The encoding the scheme expects.
        encoding: &'static str,
    },
    /// A decoded secret is outside the lengths the scheme allows (Standard Webhooks: 24 to 64 bytes).
    #[error("secret #{index} decodes to {len} bytes; the scheme requires {min} to {max}")]
    SecretLength {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// Decoded length.
        len: usize,
        /// Minimum decoded length.
        min: usize,
        /// Maximum decoded length.
        max: usize,
    },
    /// A secret shorter than any provider issues (at least 6 bytes; Standard Webhooks has its own 24-byte floor).
    /// Test secrets can be allowed with
    /// [`VerifierBuilder::dangerous_allow_short_secrets`](crate::VerifierBuilder::dangerous_allow_short_secrets).
    #[error("secret #{index} is {len} bytes long; a real signing secret has at least {min}")]
    WeakSecret {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// Its length in bytes, as the key.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// A secret not in the format the provider issues: for Stripe, a `whsec_…` signing secret (an API key such as
    /// `sk_live_…` pasted by mistake would never verify).
    #[error("secret #{index} does not start with `{expected}`, as this provider's signing secrets do")]
    UnexpectedSecretFormat {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// The prefix the provider's secrets carry.
        expected: &'static str,
    },
    /// More secrets than a rotation needs.
    #[error("{count} secrets configured; at most {max} are allowed")]
    TooManySecrets {
        /// Secrets configured.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A tolerance below one second or above one hour (a window that long lets a captured delivery be replayed
    /// for as long). To skip the time check altogether, say so with
    /// [`VerifierBuilder::dangerous_skip_timestamp_check`](crate::VerifierBuilder::dangerous_skip_timestamp_check).
    #[error("the {which} tolerance must be between one second and one hour")]
    InvalidTolerance {
        /// `past` or `future`.
        which: &'static str,
    },
    /// A maximum body size of zero.
    #[error("the maximum body size must be at least one byte")]
    InvalidMaxBodySize,
    /// The dedup retention does not outlast the replay window, so a replay could arrive after its record expired.
    #[error("retention of {retention_secs} s must exceed the replay window of {window_secs} s")]
    RetentionTooShort {
        /// The configured retention, in seconds.
        retention_secs: u64,
        /// The verifier's past + future tolerance, in seconds.
        window_secs: u64,
    },
    /// A lease shorter than one second or not shorter than the retention.
    #[error("the claim lease must be at least one second and shorter than the retention")]
    InvalidLease,
    /// A handler deadline of zero, or not shorter than the lease: a handler still running when its lease lapses
    /// could run a second time, concurrently.
    #[error("the handler deadline must be above zero and shorter than the claim lease")]
    InvalidHandlerDeadline,
    /// A PayPal certificate (pinned, or a trusted root) that cannot be used.
    #[error("certificate #{index} {why}")]
    InvalidCertificate {
        /// Position of the certificate in the order it was added, from 1.
        index: usize,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A PayPal verifier configured incompletely or inconsistently, or a PayPal setting given to another scheme.
    #[error("PayPal: {0}")]
    PayPal(&'static str),
    /// `KeysBuilder::notion_setup` given with a secret, or for another scheme than Notion.
    #[error("Notion setup {0}")]
    NotionSetup(&'static str),
    /// A source address range that is not `address/prefix` (or a bare address).
    #[error("`{range}` is not an IP address range (`192.0.2.0/24`, `2001:db8::/32`)")]
    InvalidCidr {
        /// The range as given.
        range: String,
    },
    /// [`AllowedSources::new`](crate::tower::AllowedSources::new) with no range, which would refuse everything.
    #[error("no source address range: give at least one")]
    NoSourceRanges,
    /// [`Limits`](crate::limit::Limits) that would admit nothing.
    #[error("limits: {0}")]
    InvalidLimits(&'static str),
    /// An [`Inbox`](crate::inbox::Inbox) configured inconsistently.
    #[error("inbox: {0}")]
    InvalidInbox(&'static str),
    /// A [`Forwarder`](crate::forward::Forwarder) configured inconsistently.
    #[error("forwarder: {0}")]
    InvalidForwarder(&'static str),
    /// A [`Forwarder`](crate::forward::Forwarder) whose verifier accepts bodies larger than its broker takes: such a
    /// delivery could never be published.
    #[error(
        "forwarder: the verifier accepts bodies of up to {max_body_size} bytes, and the broker takes messages of at \
         most {broker_max} (headers included): lower the verifier's `max_body_size` or raise the broker's limit"
    )]
    BodyTooLargeForBroker {
        /// The verifier's largest body.
        max_body_size: usize,
        /// The broker's largest message.
        broker_max: usize,
    },
    /// A [`Forwarder`](crate::forward::Forwarder)'s sink does not deduplicate and no store was given.
    #[error("forwarder: this broker does not deduplicate: give the forwarder a store (`.store(..)`)")]
    StoreRequired,
    /// A [`Forwarder`](crate::forward::Forwarder) without a store, whose broker forgets a message id sooner than a
    /// replay could arrive.
    #[error(
        "forwarder: the broker's duplicate window ({window_secs} s) is shorter than the {required_secs} s a replay \
         could reach: lengthen it, or give the forwarder a store (`.store(..)`)"
    )]
    DedupWindowTooShort {
        /// The broker's duplicate window, in seconds.
        window_secs: u64,
        /// What it must cover: the verifier's replay window, or the default retention for a scheme without a
        /// signed timestamp.
        required_secs: u64,
    },
    /// A custom scheme's definition is inconsistent.
    #[error("custom scheme: {0}")]
    InvalidScheme(&'static str),
}
