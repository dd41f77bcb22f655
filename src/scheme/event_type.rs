//! Where each scheme's deliveries say what happened: the event type a [`Router`](crate::Router) dispatches on.

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
    /// Read at verification and carried by a broker's message, percent-encoded, with whether it was signed.
    #[cfg_attr(not(feature = "forward"), allow(dead_code))]
    Forwarded(bool),
}

impl EventTypeSource {
    /// The header this source reads, if it reads one.
    pub(crate) const fn header(self) -> Option<&'static str> {
        match self {
            Self::Header(name) | Self::HeaderAndBody(name, _) => Some(name),
            Self::None | Self::Body(_) | Self::Forwarded(_) => None,
        }
    }

    /// The event type from the value of [`header`](Self::header) and the body.
    pub(crate) fn read_with(self, header: Option<&str>, body: &[u8]) -> Option<String> {
        let header = header.filter(|value| !value.is_empty());
        match self {
            Self::None => None,
            Self::Body(path) => field_at::<String>(body, path),
            Self::Header(_) => header.map(str::to_owned),
            Self::Forwarded(_) => Some(percent_encoding::percent_decode_str(header?).decode_utf8_lossy().into_owned()),
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
        matches!(self, Self::Body(_) | Self::Forwarded(true))
    }
}
