//! The source address layer on a real axum server over loopback: admitted ranges, refusals before the body is read,
//! and forwarding headers believed only from trusted proxies.
#![cfg(feature = "axum")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use hooksafe::axum::{Webhook, WebhookLayer};
use hooksafe::sign::Signer;
use hooksafe::tower::{AllowedSources, ProxyHeader};
use hooksafe::{ConfigError, MemoryStore, Receiver, Scheme, Verifier};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Serves one webhook route behind `sources` on a free loopback port; counts handler runs.
async fn serve(sources: AllowedSources) -> (SocketAddr, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let handler = move |Webhook(_): Webhook<serde_json::Value>| async move {
        counted.fetch_add(1, Ordering::SeqCst);
        http::StatusCode::NO_CONTENT
    };
    let receiver =
        Receiver::new(Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap(), MemoryStore::new());
    let app = Router::new()
        .route("/webhooks", post(handler))
        .route_layer(WebhookLayer::new(receiver))
        .route_layer(sources.layer());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    (address, runs)
}

/// Sends `head` and `body` on a fresh connection and returns the status line's code.
async fn status(address: SocketAddr, head: &str, body: &[u8]) -> u16 {
    let exchange = async {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(body).await.unwrap();
        let mut response = vec![0; 1024];
        let read = stream.read(&mut response).await.unwrap();
        let text = String::from_utf8_lossy(&response[..read]).into_owned();
        text.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
    };
    tokio::time::timeout(Duration::from_secs(10), exchange).await.expect("the server answered")
}

/// A signed delivery's request head (with `extra` header lines) and body.
fn delivery(id: &str, extra: &str) -> (String, Vec<u8>) {
    let body = br#"{"type":"ping"}"#.to_vec();
    let headers = Signer::new(Scheme::StandardWebhooks, SECRET)
        .unwrap()
        .headers(id, time::OffsetDateTime::now_utc(), &body)
        .unwrap();
    let mut head = format!(
        "POST /webhooks HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str(extra);
    head.push_str("\r\n");
    (head, body)
}

#[tokio::test]
async fn an_admitted_source_is_served_and_any_other_is_refused_before_its_body() {
    let (open, runs) = serve(AllowedSources::new(["127.0.0.0/8", "::1"]).unwrap()).await;
    let (head, body) = delivery("msg_1", "");
    assert_eq!(status(open, &head, &body).await, 204);
    assert_eq!(runs.load(Ordering::SeqCst), 1);

    let (closed, runs) = serve(AllowedSources::new(["192.0.2.0/24"]).unwrap()).await;
    assert_eq!(status(closed, &head, &body).await, 403);
    // The refusal comes before the body: a request announcing 10 MB and sending none is answered at once.
    let announced = "POST /webhooks HTTP/1.1\r\nhost: localhost\r\ncontent-length: 10000000\r\n\r\n";
    assert_eq!(status(closed, announced, b"").await, 403);
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn forwarding_headers_count_only_from_a_trusted_proxy() {
    let behind_proxy = AllowedSources::new(["192.0.2.0/24"])
        .unwrap()
        .trust_proxies(ProxyHeader::XForwardedFor, ["127.0.0.1"])
        .unwrap();
    let (address, runs) = serve(behind_proxy).await;
    let (head, body) = delivery("msg_1", "x-forwarded-for: 192.0.2.44\r\n");
    assert_eq!(status(address, &head, &body).await, 204);
    let (head, body) = delivery("msg_2", "forwarded: for=198.51.100.1\r\n");
    assert_eq!(status(address, &head, &body).await, 403);
    // Behind a proxy that appends only X-Forwarded-For, a client's own `Forwarded` header picks nothing.
    let (head, body) = delivery("msg_5", "forwarded: for=192.0.2.44\r\nx-forwarded-for: 198.51.100.1\r\n");
    assert_eq!(status(address, &head, &body).await, 403);
    // A client cannot put an admitted address first: the proxy's own hop is the one believed.
    let (head, body) = delivery("msg_3", "x-forwarded-for: 192.0.2.44, 198.51.100.1\r\n");
    assert_eq!(status(address, &head, &body).await, 403);
    assert_eq!(runs.load(Ordering::SeqCst), 1);

    // The same header from an untrusted connection is ignored.
    let (address, runs) = serve(AllowedSources::new(["192.0.2.0/24"]).unwrap()).await;
    let (head, body) = delivery("msg_4", "x-forwarded-for: 192.0.2.44\r\n");
    assert_eq!(status(address, &head, &body).await, 403);
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn without_a_connection_address_nothing_is_admitted() {
    use tower::ServiceExt as _;
    let app = Router::new()
        .route("/webhooks", post(|| async { http::StatusCode::NO_CONTENT }))
        .route_layer(AllowedSources::new(["0.0.0.0/0", "::/0"]).unwrap().layer());
    let request = http::Request::post("/webhooks").body(axum::body::Body::empty()).unwrap();
    assert_eq!(app.oneshot(request).await.unwrap().status(), 403);
}

#[test]
fn ranges_are_checked_when_configured() {
    assert!(matches!(AllowedSources::new(["192.0.2.0/33"]), Err(ConfigError::InvalidCidr { .. })));
    assert!(matches!(AllowedSources::new(Vec::<String>::new()), Err(ConfigError::NoSourceRanges)));
    let proxies = AllowedSources::new(["192.0.2.0/24"]).unwrap().trust_proxies(ProxyHeader::Forwarded, ["not a range"]);
    assert!(matches!(proxies, Err(ConfigError::InvalidCidr { range }) if range == "not a range"));
}
