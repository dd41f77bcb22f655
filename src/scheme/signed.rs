//! The bytes a signature covers, as the pieces they are made of: borrowed from the request where they can be, so
//! nothing is concatenated for schemes that sign only headers and body.

/// The most pieces one signed message has (a custom template's literals and placeholders included).
pub(crate) const MAX_PIECES: usize = 10;

/// One piece of a signed message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece<'a> {
    /// Bytes of the request, or of the scheme's definition.
    Bytes(&'a [u8]),
    /// The URL the provider called (one of [`Signed`]'s alternatives).
    Url,
    /// Bytes the scheme built from the request, such as Twilio's sorted form parameters.
    Built,
}

/// What a signature covers: a sequence of pieces, and where a piece is the URL, each URL the provider may have
/// signed (Twilio: with and without the port). The signature matches if it matches any of them.
#[derive(Debug)]
pub(crate) struct Signed<'a> {
    pieces: [Piece<'a>; MAX_PIECES],
    len: usize,
    urls: Vec<String>,
    built: Vec<u8>,
    /// Where the built bytes, not the raw body, are what the signature covers of the content (Twilio's and
    /// Mandrill's sorted, decoded form parameters): the signed path and query that go with them in the dedup key.
    dedup_path: Option<String>,
}

impl<'a> Signed<'a> {
    /// The pieces, in order. At most [`MAX_PIECES`]; a custom scheme's template is checked against it at build.
    pub(crate) fn new(pieces: &[Piece<'a>]) -> Self {
        let mut signed = Self {
            pieces: [Piece::Bytes(b""); MAX_PIECES],
            len: pieces.len(),
            urls: Vec::new(),
            built: Vec::new(),
            dedup_path: None,
        };
        signed.pieces[..pieces.len()].copy_from_slice(pieces);
        signed
    }

    /// The URLs that [`Piece::Url`] may stand for, the likeliest first.
    pub(crate) fn with_urls(mut self, urls: Vec<String>) -> Self {
        self.urls = urls;
        self
    }

    /// The bytes [`Piece::Built`] stands for.
    pub(crate) fn with_built(mut self, built: Vec<u8>) -> Self {
        self.built = built;
        self
    }

    /// The content the signature covers instead of the raw body: form parameters it signs sorted and decoded, so
    /// that two encodings of one delivery (reordered, repeated, `%20` for `+`) verify alike, under the URL whose
    /// `path_and_query` it also signs. The dedup key of a delivery without a signed id derives from both (a `GET`
    /// carries its parameters in the query and has no body).
    pub(crate) fn with_built_content(mut self, built: Vec<u8>, path_and_query: &str) -> Self {
        self.built = built;
        self.dedup_path = Some(path_and_query.to_owned());
        self
    }

    /// What the dedup key derives from when the delivery has no signed id, where it is not the raw body: the signed
    /// path and query, a line break (which neither contains), and the signed parameters.
    pub(crate) fn dedup_content(&self) -> Option<Vec<u8>> {
        let path = self.dedup_path.as_deref()?;
        Some([path.as_bytes(), b"\n", &self.built].concat())
    }

    /// Each message the signature may cover: one, or one per URL.
    pub(crate) fn messages(&self) -> impl Iterator<Item = Message<'_>> {
        let count = self.urls.len().max(1);
        (0..count).map(move |index| Message {
            pieces: &self.pieces[..self.len],
            url: self.urls.get(index).map_or("", String::as_str),
            built: &self.built,
        })
    }
}

/// One message a signature may cover.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message<'m> {
    pieces: &'m [Piece<'m>],
    url: &'m str,
    built: &'m [u8],
}

impl<'m> Message<'m> {
    /// Its pieces' bytes, in order.
    pub(crate) fn parts(&self) -> impl Iterator<Item = &'m [u8]> + '_ {
        self.pieces.iter().map(|piece| match piece {
            Piece::Bytes(bytes) => *bytes,
            Piece::Url => self.url.as_bytes(),
            Piece::Built => self.built,
        })
    }

    /// The whole message in one buffer, for algorithms that cannot take it in pieces (Ed25519).
    pub(crate) fn concatenated(self) -> Vec<u8> {
        let mut whole = Vec::with_capacity(self.parts().map(<[u8]>::len).sum());
        self.parts().for_each(|part| whole.extend_from_slice(part));
        whole
    }
}
