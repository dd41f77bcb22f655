//! What every framework adapter shares: reading the body, verifying and claiming it, and running the handler for a
//! claimed delivery (deadline, panic capture, settlement by the core's rule).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{BufMut as _, Bytes, BytesMut};
use futures_core::Stream;

use crate::error::Error;
use crate::receiver::{ClaimHandle, Delivery};
use crate::store::Store;
use crate::telemetry::{Observer, Outcome, Stopwatch};
use crate::verified::Unverified;

/// The one body reader of the adapters: checks the head (declared length, encoding), then buffers the body's chunks,
/// stopping at the first chunk past the verifier's cap. A limit met in an inner body (axum's `DefaultBodyLimit`) is
/// `PayloadTooLarge` too, wherever it sits in the error's chain; any other read error is `UnreadableBody`.
pub(crate) async fn read_body<D, E>(
    verifier: &crate::verifier::Verifier,
    headers: &http::HeaderMap,
    chunks: impl Stream<Item = Result<D, E>>,
) -> Result<Bytes, Error>
where
    D: bytes::Buf,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    verifier.check_head(headers)?;
    let max = verifier.max_body_size();
    let mut chunks = std::pin::pin!(chunks);
    // A body that arrives in one chunk (the usual case) is kept as it came, not copied; a second chunk starts a
    // buffer holding both.
    let mut single: Option<Bytes> = None;
    let mut body = BytesMut::new();
    while let Some(chunk) = std::future::poll_fn(|cx| chunks.as_mut().poll_next(cx)).await {
        let mut chunk = chunk.map_err(|error| {
            let error: Box<dyn std::error::Error + Send + Sync> = error.into();
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*error);
            while let Some(current) = cause {
                if current.is::<http_body_util::LengthLimitError>() {
                    return Error::too_large(max);
                }
                cause = current.source();
            }
            Error::unreadable_body()
        })?;
        let read = single.as_ref().map_or(body.len(), Bytes::len);
        if read + chunk.remaining() > max {
            return Err(Error::too_large(max));
        }
        match single.take() {
            None if body.is_empty() => single = Some(chunk.copy_to_bytes(chunk.remaining())),
            first => {
                if let Some(first) = first {
                    body.extend_from_slice(&first);
                }
                body.put(chunk);
            }
        }
    }
    Ok(single.unwrap_or_else(|| body.freeze()))
}

/// An endpoint that answers once it has handed a delivery over durably, with no handler of the application's behind
/// it: the [inbox](crate::inbox::Inbox) and a [forwarder](crate::forward::Forwarder). Their tower services and
/// actix-web handlers answer through [`hand_over`].
pub(crate) trait HandOver: Clone + Send + Sync + 'static {
    /// The verifier, whose cap the body reader applies.
    fn verifier(&self) -> &crate::verifier::Verifier;

    /// Whether the route's path parameters are read (a key resolver, a per-tenant rate).
    #[cfg(any(feature = "axum", feature = "actix-web"))]
    fn reads_path_params(&self) -> bool;

    /// Applies the limits to the head.
    fn admit(&self, parts: &http::request::Parts) -> Result<crate::receiver::Admitted, Error>;

    /// Verifies the buffered request and hands it over, reporting to `observer`.
    fn accept(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        observer: &Observer,
    ) -> impl Future<Output = Result<HandedOver, Error>> + Send;
}

/// What a [`HandOver`] endpoint did with a request it accepted.
pub(crate) enum HandedOver {
    /// Written, or taken by the broker: answer `202`.
    Taken,
    /// The provider's endpoint check: answer it.
    Handshake(crate::handshake::Handshake),
}

/// Answers one request to a [`HandOver`] endpoint: refuses a request the limits did not admit, reads its body with
/// `read`, verifies and hands it over, holding the admission until then; `202` once it is handed over.
pub(crate) async fn hand_over<E, B, R>(
    endpoint: &E,
    parts: &http::request::Parts,
    read: impl FnOnce() -> R,
) -> http::Response<B>
where
    E: HandOver,
    B: From<&'static str> + From<Vec<u8>>,
    R: Future<Output = Result<Bytes, Error>>,
{
    let observer = Observer::start(endpoint.verifier().scheme());
    let read = match endpoint.admit(parts) {
        Ok(admitted) => read().await.map(|body| (admitted, body)),
        Err(error) => Err(error),
    };
    let handed_over = match read {
        Ok((_admitted, body)) => endpoint.accept(parts, body, &observer).await,
        Err(error) => {
            observer.rejected(&error, None);
            Err(error)
        }
    };
    match handed_over {
        Ok(HandedOver::Taken) => {
            let mut response = http::Response::new(B::from("accepted"));
            *response.status_mut() = http::StatusCode::ACCEPTED;
            response
        }
        Ok(HandedOver::Handshake(handshake)) => handshake.to_response(),
        Err(error) => error.to_response(),
    }
}

/// How a handler run ended, for the adapter to answer.
pub(crate) enum Ran<R> {
    /// The handler answered (its result may still be an error).
    Answered(R),
    /// It panicked: answer `500`.
    Panicked,
    /// It ran past the deadline and was stopped (never polled again): answer with [`Error::handler_timeout`].
    TimedOut,
}

/// What an adapter hands its handler.
#[allow(clippy::large_enum_variant, reason = "moved once per request; boxing the delivery would allocate on each")]
pub(crate) enum Received<S: Store> {
    /// Verified and claimed (or a handshake, to answer).
    Delivery(Delivery<S>),
    /// Failed verification and was [let through](crate::Verifier::let_through) by a report-only verifier: nothing
    /// is claimed.
    Unverified(Unverified),
}

/// Verifies and claims a buffered delivery for an adapter, reporting it to `observer`: the delivery, one a
/// report-only verifier let through, or the error to answer with (already reported).
///
/// A function returning an `async` block, not an `async fn`, so its future keeps each argument once.
#[allow(clippy::manual_async_fn, reason = "an `async fn` future would hold each argument twice")]
pub(crate) fn receive<'r, S: Store>(
    receiver: &'r crate::receiver::Receiver<S>,
    observer: &'r Observer,
    parts: &'r http::request::Parts,
    body: &'r Bytes,
) -> impl Future<Output = Result<Received<S>, Error>> + 'r {
    async move {
        let started = Stopwatch::start();
        let verified = match receiver.verifier().verify_async((parts, body)).await {
            // The delivery holds the buffered body itself, shared, not a copy.
            Ok(verified) => verified.into_shared(body.clone()),
            // A failure a report-only verifier lets through is reported there, and the handler still runs.
            Err(error) => match receiver.verifier().let_through(error, (parts, body)) {
                Ok(unverified) => return Ok(Received::Unverified(unverified)),
                Err(error) => {
                    observer.rejected(&error, Some(started.elapsed()));
                    return Err(error);
                }
            },
        };
        let verify = started.elapsed();
        let delivery = match receiver.claim(verified).await {
            Ok(delivery) => delivery,
            Err(error) => {
                observer.rejected(&error, Some(verify));
                return Err(error);
            }
        };
        if delivery.handshake().is_some() {
            observer.handshake();
        } else {
            observer.verified(delivery.verified(), verify, started.elapsed().saturating_sub(verify));
        }
        Ok(Received::Delivery(delivery))
    }
}

/// Runs the handler's call for a claimed delivery (`handler`, made with [`CatchUnwind::call`] where the caller keeps
/// the handler's future), with panics caught and within the receiver's handler deadline counted from its start; then
/// settles `claim` by the core's rule ([`Delivery::settle`]) on the status `status_of` reads from the result (`None`:
/// not an answer), and reports how it ended to `observer`. If this future is dropped first (the client went away),
/// the claim is released without waiting.
///
/// A function returning an `async` block, not an `async fn`, and the handler's run ends before the claim is settled:
/// the future (part of the adapters' per-request allocation) keeps each argument once and never holds the run and
/// the settlement at the same time.
#[allow(clippy::manual_async_fn, reason = "an `async fn` future would hold each argument twice")]
pub(crate) fn run_claimed<S, F, R>(
    claim: ClaimHandle<S>,
    (id, observer): (Option<Arc<str>>, Observer),
    mut handler: CatchUnwind<'_, F>,
    status_of: impl FnOnce(&R) -> Option<http::StatusCode>,
) -> impl Future<Output = Ran<R>>
where
    S: Store,
    F: Future<Output = R>,
{
    async move {
        let (ran, status) = {
            // `None`: stopped at the deadline.
            let run = async {
                let end = tokio::time::Instant::now().checked_add(claim.handler_deadline());
                // The timer is built only for a handler that waits: one that answers at once needs none. A handler
                // that worked past its deadline before it first waited is stopped there, not polled again.
                // (`CatchUnwind` is `Unpin`: it is polled where it is.)
                match std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut handler).poll(cx))).await {
                    Poll::Ready(output) => Some(output),
                    Poll::Pending => match end {
                        Some(end) if tokio::time::Instant::now() >= end => None,
                        Some(end) => tokio::time::timeout_at(end, &mut handler).await.ok(),
                        None => Some((&mut handler).await),
                    },
                }
            };
            #[cfg(feature = "tracing")]
            let run = tracing::Instrument::instrument(run, observer.span());
            let started = Stopwatch::start();
            let outcome = run.await;
            let handler = started.elapsed();
            match outcome {
                Some(Ok(result)) => {
                    let status = status_of(&result);
                    let ended = if status.is_some_and(|status| status.is_success()) {
                        Outcome::Processed
                    } else {
                        Outcome::Failed
                    };
                    observer.finished(ended, handler);
                    (Ran::Answered(result), status)
                }
                Some(Err(_panic)) => {
                    observer.finished(Outcome::Panicked, handler);
                    crate::log::warning!("the handler for delivery {id:?} panicked; the claim was released");
                    (Ran::Panicked, None)
                }
                None => {
                    observer.finished(Outcome::TimedOut, handler);
                    crate::log::warning!(
                        "the handler for delivery {id:?} ran past its deadline; the claim was released"
                    );
                    (Ran::TimedOut, None)
                }
            }
        };
        if let Err(error) = claim.settle(status).await {
            // Completing: the record lapses with its lease, so a redelivery runs again. Releasing: the same.
            crate::log::warning!("could not settle delivery {id:?}: {error}");
        }
        ran
    }
}

/// Runs the inner service's call and polls the future it returns, turning a panic in either into an `Err`, so the
/// claim can be released. The future is stored in a slot pinned where it is awaited (`std::pin::pin!(None)`), not
/// boxed, and nothing else (the service, the request) is kept beside it.
pub(crate) struct CatchUnwind<'a, F> {
    future: Pin<&'a mut Option<F>>,
    panic: Option<Box<dyn Any + Send>>,
}

impl<'a, F: Future> CatchUnwind<'a, F> {
    /// Calls `call` now, keeping the future it returns in `slot`.
    pub(crate) fn call(mut slot: Pin<&'a mut Option<F>>, call: impl FnOnce() -> F) -> Self {
        match std::panic::catch_unwind(AssertUnwindSafe(call)) {
            Ok(future) => {
                slot.set(Some(future));
                Self { future: slot, panic: None }
            }
            Err(panic) => Self { future: slot, panic: Some(panic) },
        }
    }
}

impl<F: Future> Future for CatchUnwind<'_, F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(panic) = self.panic.take() {
            return Poll::Ready(Err(panic));
        }
        // Empty only once the panic above was reported: a finished future is not polled again.
        let Some(future) = self.future.as_mut().as_pin_mut() else { return Poll::Pending };
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(chunks: Vec<&'static [u8]>, max: usize) -> Result<Bytes, Error> {
        let verifier = crate::Verifier::builder(crate::Scheme::GitHub)
            .secret("a github secret")
            .max_body_size(max)
            .build()
            .unwrap();
        let stream = futures_util::stream::iter(
            chunks.into_iter().map(|chunk| Ok::<_, std::convert::Infallible>(Bytes::from_static(chunk))),
        );
        let headers = http::HeaderMap::new();
        let future = read_body(&verifier, &headers, stream);
        let mut context = Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(future).poll(&mut context) {
            Poll::Ready(result) => result,
            Poll::Pending => unreachable!("a ready stream"),
        }
    }

    #[test]
    fn a_body_in_one_chunk_is_kept_as_it_came_and_chunks_are_joined_in_order() {
        static ONE: &[u8] = b"{\"one\":\"chunk\"}";
        let body = read(vec![ONE], 64).unwrap();
        assert_eq!(body.as_ptr(), ONE.as_ptr(), "not copied");
        assert_eq!(&read(vec![b"{\"a\":", b"", b"1", b"}"], 64).unwrap()[..], b"{\"a\":1}");
        assert_eq!(&read(vec![b"", b"{}"], 64).unwrap()[..], b"{}");
        assert_eq!(&read(vec![], 64).unwrap()[..], b"");
        assert_eq!(read(vec![b"12345", b"678"], 7).unwrap_err().kind(), crate::ErrorKind::PayloadTooLarge);
        assert_eq!(read(vec![b"12345678"], 7).unwrap_err().kind(), crate::ErrorKind::PayloadTooLarge);
        assert_eq!(&read(vec![b"1234", b"567"], 7).unwrap()[..], b"1234567");
    }
}
