//! `Limits` on real servers over loopback: a source or a tenant over its rate is refused with `429` and
//! `Retry-After` before its body is read or a key is looked up, deliveries beyond the in-flight bound are shed with
//! `503` at once, and genuine deliveries keep flowing through a flood of forged ones.
#![cfg(all(feature = "limits", feature = "axum"))]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use hooksafe::axum::{Webhook, WebhookLayer};
use hooksafe::limit::{Limits, Rate};
use hooksafe::sign::Signer;
use hooksafe::{Keys, MemoryStore, Receiver, RequestHead, Scheme, Verifier};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A verifier whose keys come from a resolver that counts its calls.
fn counted_verifier() -> (Verifier, Arc<AtomicUsize>) {
    let lookups = Arc::new(AtomicUsize::new(0));
    let counted = lookups.clone();
    let keys = Keys::builder(&Scheme::StandardWebhooks).secret(SECRET).tenant("acme").build().unwrap();
    let verifier = Verifier::builder(Scheme::StandardWebhooks)
        .resolver(move |_: &RequestHead<'_>| {
            counted.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(Some(keys.clone())))
        })
        .build()
        .unwrap();
    (verifier, lookups)
}

/// Serves one webhook route with `handler` behind `receiver` on a free loopback port, with connection addresses.
async fn serve<H, T>(receiver: Receiver<MemoryStore>, handler: H) -> SocketAddr
where
    H: axum::handler::Handler<T, ()>,
    T: 'static,
{
    let app = Router::new().route("/webhooks/{tenant}", post(handler)).route_layer(WebhookLayer::new(receiver));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    address
}

/// A signed delivery (or, `forged`, one whose signature does not match) as HTTP/1.1 bytes for `path`.
fn delivery(path: &str, id: &str, body: &[u8], forged: bool) -> Vec<u8> {
    let signed: &[u8] = if forged { b"something else" } else { body };
    let headers =
        Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers(id, time::OffsetDateTime::now_utc(), signed);
    let mut head = format!("POST {path} HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in &headers.unwrap() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    [head.into_bytes(), body.to_vec()].concat()
}

/// A response's status and `Retry-After`, read to the end of its body from a keep-alive connection.
async fn response(stream: &mut TcpStream) -> (u16, Option<u64>) {
    let mut buffer = Vec::with_capacity(512);
    let mut chunk = [0u8; 4096];
    loop {
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the server closed the connection");
        buffer.extend_from_slice(&chunk[..read]);
        let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let header = |name: &str| head.lines().find_map(|line| line.strip_prefix(name)).map(str::trim);
        let length: usize = header("content-length:").map_or(0, |value| value.parse().unwrap());
        if buffer.len() >= end + 4 + length {
            let status = head.split(' ').nth(1).unwrap().parse().unwrap();
            return (status, header("retry-after:").map(|value| value.parse().unwrap()));
        }
    }
}

/// A connection to `address` from the loopback address `from` (127.0.0.2, …: each its own source).
async fn connect(address: SocketAddr, from: IpAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let stream = socket.connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_over_its_rate_is_refused_before_its_body_is_read_or_a_key_looked_up() {
    let (verifier, lookups) = counted_verifier();
    let limits = Limits::new().per_source(Rate::per_minute(2));
    let receiver = Receiver::builder(verifier, MemoryStore::new()).limits(limits).build().unwrap();
    let address =
        serve(receiver, |Webhook(_): Webhook<serde_json::Value>| async { http::StatusCode::NO_CONTENT }).await;
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let mut stream = connect(address, loopback).await;
    for index in 0..2 {
        let request = delivery("/webhooks/acme", &format!("msg_{index}"), b"{}", false);
        stream.write_all(&request).await.unwrap();
        assert_eq!(response(&mut stream).await, (204, None));
    }
    assert_eq!(lookups.load(Ordering::SeqCst), 2);

    // Only the head is sent, announcing a body that never comes: the answer cannot have waited for it.
    let request = delivery("/webhooks/acme", "msg_2", &[b' '; 1000], false);
    let head_end = request.windows(4).position(|window| window == b"\r\n\r\n").unwrap() + 4;
    let mut stream = connect(address, loopback).await;
    stream.write_all(&request[..head_end]).await.unwrap();
    let (status, retry_after) = tokio::time::timeout(Duration::from_secs(5), response(&mut stream)).await.unwrap();
    assert_eq!(status, 429);
    assert!(retry_after.is_some_and(|seconds| (1..=30).contains(&seconds)), "{retry_after:?}");
    assert_eq!(lookups.load(Ordering::SeqCst), 2, "no key was looked up for the refused request");

    // Another source has its own allowance.
    let mut other = connect(address, "127.0.0.2".parse().unwrap()).await;
    other.write_all(&delivery("/webhooks/acme", "msg_3", b"{}", false)).await.unwrap();
    assert_eq!(response(&mut other).await.0, 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_over_its_rate_is_refused_and_other_tenants_are_not() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let limits = Limits::new().per_tenant(Rate::per_minute(1), |head| head.path_param("tenant").map(str::to_owned));
    let receiver = Receiver::builder(verifier, MemoryStore::new()).limits(limits).build().unwrap();
    let address =
        serve(receiver, |Webhook(_): Webhook<serde_json::Value>| async { http::StatusCode::NO_CONTENT }).await;
    let mut stream = connect(address, "127.0.0.1".parse().unwrap()).await;
    let mut send = async |path: &str, id: &str| {
        stream.write_all(&delivery(path, id, b"{}", false)).await.unwrap();
        response(&mut stream).await.0
    };
    assert_eq!(send("/webhooks/acme", "msg_1").await, 204);
    assert_eq!(send("/webhooks/acme", "msg_2").await, 429);
    assert_eq!(send("/webhooks/globex", "msg_3").await, 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_beyond_the_in_flight_bound_are_shed_at_once_with_503() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let receiver =
        Receiver::builder(verifier, MemoryStore::new()).limits(Limits::new().max_in_flight(2)).build().unwrap();
    let release = Arc::new(tokio::sync::Semaphore::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    let (gate, count) = (release.clone(), started.clone());
    let handler = move |Webhook(_): Webhook<serde_json::Value>| async move {
        count.fetch_add(1, Ordering::SeqCst);
        gate.acquire().await.unwrap().forget();
        http::StatusCode::NO_CONTENT
    };
    let address = serve(receiver, handler).await;
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let mut held = Vec::new();
    for index in 0..2 {
        let mut stream = connect(address, loopback).await;
        stream.write_all(&delivery("/webhooks/acme", &format!("msg_{index}"), b"{}", false)).await.unwrap();
        held.push(stream);
    }
    while started.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut third = connect(address, loopback).await;
    third.write_all(&delivery("/webhooks/acme", "msg_2", b"{}", false)).await.unwrap();
    let shed = tokio::time::timeout(Duration::from_secs(5), response(&mut third)).await.unwrap();
    assert_eq!(shed, (503, Some(1)));

    release.add_permits(2);
    for stream in &mut held {
        assert_eq!(response(stream).await.0, 204);
    }
    // The shed delivery's retry is processed once places are free again.
    third.write_all(&delivery("/webhooks/acme", "msg_2", b"{}", false)).await.unwrap();
    release.add_permits(1);
    assert_eq!(response(&mut third).await.0, 204);
}

/// The resident set size of this process, in bytes (Linux).
fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    statm.split(' ').nth(1).unwrap().parse::<usize>().unwrap() * 4096
}

/// Six sources send forged deliveries as fast as they can for three seconds, while one provider sends a genuine
/// delivery every 20 ms: every genuine one is acknowledged within GitHub's 10 s timeout, and memory stays bounded.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genuine_deliveries_keep_flowing_through_a_flood_of_forged_ones() {
    const FLOOD: Duration = Duration::from_secs(3);
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let limits = Limits::new().per_source(Rate::per_second(100).burst(100)).max_in_flight(64);
    let receiver = Receiver::builder(verifier, MemoryStore::new()).limits(limits).build().unwrap();
    let address =
        serve(receiver, |Webhook(_): Webhook<serde_json::Value>| async { http::StatusCode::NO_CONTENT }).await;
    let body = format!(r#"{{"type":"invoice.paid","pad":"{}"}}"#, "x".repeat(1000));
    let before = resident_bytes();

    let stop = Arc::new(AtomicBool::new(false));
    let mut flooders = Vec::new();
    for source in 2..8u8 {
        let (stop, body) = (stop.clone(), body.clone());
        flooders.push(tokio::spawn(async move {
            let mut stream = connect(address, IpAddr::from([127, 0, 0, source])).await;
            let request = delivery("/webhooks/acme", "msg_forged", body.as_bytes(), true);
            let (mut sent, mut limited) = (0usize, 0usize);
            while !stop.load(Ordering::Relaxed) {
                stream.write_all(&request).await.unwrap();
                let (status, _) = response(&mut stream).await;
                assert!(status == 429 || status == 401, "a forged delivery is refused: {status}");
                sent += 1;
                limited += usize::from(status == 429);
            }
            (sent, limited)
        }));
    }

    let started = Instant::now();
    let mut genuine = Vec::new();
    let mut index = 0;
    while started.elapsed() < FLOOD {
        let request = delivery("/webhooks/acme", &format!("msg_{index}"), body.as_bytes(), false);
        index += 1;
        genuine.push(tokio::spawn(async move {
            let sent = Instant::now();
            let mut stream = connect(address, "127.0.0.1".parse().unwrap()).await;
            stream.write_all(&request).await.unwrap();
            let answered = tokio::time::timeout(Duration::from_secs(10), response(&mut stream)).await;
            answered.ok().map(|(status, _)| (status, sent.elapsed()))
        }));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let (mut forged, mut limited) = (0, 0);
    for flooder in flooders {
        let (sent, refused) = flooder.await.unwrap();
        forged += sent;
        limited += refused;
    }
    let mut latencies = Vec::new();
    for delivery in genuine {
        if let Some((204, latency)) = delivery.await.unwrap() {
            latencies.push(latency);
        }
    }
    latencies.sort_unstable();
    let p99 = latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)];
    let grown = resident_bytes().saturating_sub(before);
    println!(
        "flood: {forged} forged deliveries in {FLOOD:?} ({:.0}/s, {limited} refused with 429); genuine: {} of {index} \
         acknowledged within 10 s, p99 {p99:?}; resident memory grew by {} KiB",
        forged as f64 / FLOOD.as_secs_f64(),
        latencies.len(),
        grown / 1024
    );
    assert_eq!(latencies.len(), index, "every genuine delivery acknowledged within the provider's timeout");
    assert!(limited * 2 > forged, "most of the flood was refused before verification: {limited} of {forged}");
    assert!(grown < 64 << 20, "memory stays bounded: grew by {grown} bytes");
}
