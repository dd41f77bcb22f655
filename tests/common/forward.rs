//! What every broker must show behind a `Forwarder` served by a real axum server on loopback, shared by the
//! forwarding test files: the server, copies sent at once, an outage, and the attacks.

use std::net::SocketAddr;
use std::time::Duration;

use hooksafe::forward::{Forwarder, Sink};
use hooksafe::{Scheme, Verifier};
use time::OffsetDateTime;

use super::SECRET;
use super::sender::send_all_at_once;
pub use super::sender::{Answer, Request, send, signed_with};

/// The largest body the forwarders of these tests accept.
pub const MAX_BODY: usize = 64 * 1024;

pub fn verifier() -> Verifier {
    Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(MAX_BODY).build().unwrap()
}

/// The forwarder on a free loopback port.
pub async fn serve<K: Sink>(forwarder: &Forwarder<K>) -> SocketAddr {
    let app = axum::Router::new().route_service("/webhooks", forwarder.service());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Delivery `id` of `body`, signed now with the test secret.
pub fn delivery(id: &str, body: &str) -> Request {
    signed_with(SECRET, id, body, OffsetDateTime::now_utc())
}

/// Sends `copies` copies of `request` all at once, each on its own connection, spread over `addresses` in turn.
pub async fn send_at_once(addresses: &[SocketAddr], request: &Request, copies: usize) -> Vec<Answer> {
    send_all_at_once((0..copies).map(|copy| (addresses[copy % addresses.len()], request.clone())).collect()).await
}

/// 32 copies of one delivery at once, over `addresses`: exactly one `202`; every other copy a duplicate (`200`) or,
/// should the first hold a store's claim past the publish timeout, `409`; none a failure. The caller then counts one
/// message in its broker.
pub async fn thirty_two_copies_are_acknowledged_once(addresses: &[SocketAddr], id: &str) -> Vec<Answer> {
    let answers =
        send_at_once(addresses, &delivery(id, &format!(r#"{{"type":"invoice.paid","id":"{id}"}}"#)), 32).await;
    let accepted = answers.iter().filter(|answer| answer.status == 202).count();
    assert_eq!(accepted, 1, "{answers:?}");
    for answer in &answers {
        assert!(
            answer.status == 202 || (answer.status == 200 && answer.duplicate) || answer.status == 409,
            "{answers:?}"
        );
    }
    answers
}

/// The answers that were duplicates.
pub fn duplicates(answers: &[Answer]) -> usize {
    answers.iter().filter(|answer| answer.status == 200 && answer.duplicate).count()
}

/// Forged, stale, unsigned and oversized deliveries are refused with a `4xx`. The caller then checks its broker
/// holds nothing.
pub async fn forged_stale_and_oversized_deliveries_are_refused(address: SocketAddr) {
    let body = r#"{"type":"invoice.paid"}"#;
    let forged =
        signed_with("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "msg_forged", body, OffsetDateTime::now_utc());
    let stale = signed_with(SECRET, "msg_stale", body, OffsetDateTime::now_utc() - time::Duration::hours(1));
    let oversized = delivery("msg_large", &format!(r#"{{"pad":"{}"}}"#, "x".repeat(MAX_BODY)));
    let mut tampered = delivery("msg_tampered", body);
    tampered.1 = br#"{"type":"invoice.PAID"}"#.to_vec();
    let unsigned = (
        format!(
            "POST /webhooks HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
            body.len()
        ),
        body.as_bytes().to_vec(),
    );
    for (what, request, status) in [
        ("forged", forged, 401),
        ("stale", stale, 401),
        ("tampered", tampered, 401),
        ("unsigned", unsigned, 400),
        ("oversized", oversized, 413),
    ] {
        assert_eq!(send(address, &request).await.status, status, "{what}");
    }
}

/// Five deliveries around a broker outage: the first before `stop` is `202`, the four sent while the broker is down
/// are `503` with `Retry-After` (none acknowledged), and after `start` each of the five, retried as a provider
/// retries, is a `202` or a duplicate (a publish the client held while the broker was down may land once it is
/// back). Returns how many were answered `202`; the caller counts one message per event in its broker.
pub async fn nothing_is_acknowledged_while_the_broker_is_down(
    address: SocketAddr,
    stop: impl FnOnce(),
    start: impl FnOnce(),
) -> usize {
    let requests: Vec<_> = (0..5).map(|n| delivery(&format!("msg_down_{n}"), r#"{"type":"invoice.paid"}"#)).collect();
    assert_eq!(send(address, &requests[0]).await.status, 202);
    stop();
    for request in &requests[1..] {
        let answer = send(address, request).await;
        assert_eq!((answer.status, answer.retry_after), (503, true), "{answer:?}");
    }
    start();
    let mut accepted = 1;
    for request in &requests {
        let answer = retried(address, request).await;
        accepted += usize::from(answer.status == 202);
        assert!(answer.status == 202 || answer.duplicate, "{answer:?}");
    }
    accepted
}

/// Sends `request` until it is answered otherwise than `503`, as a provider retries, for at most 100 tries.
pub async fn retried(address: SocketAddr, request: &Request) -> Answer {
    for _ in 0..100 {
        let answer = send(address, request).await;
        if answer.status != 503 {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("still refused after the broker came back");
}

/// The environment variable that makes a test binary a replica: its value configures the replica's forwarder.
const REPLICA: &str = "HOOKSAFE_TEST_REPLICA";

/// A forwarder in a process of its own (the test binary, running only the ignored test `entry`), serving on a
/// loopback port; killed on drop.
pub struct Replica {
    child: std::process::Child,
    pub address: SocketAddr,
}

impl Replica {
    /// Starts the replica and waits for the address it serves on. `config` reaches it as [`replica_config`].
    pub fn spawn(entry: &str, config: &str) -> Self {
        use std::io::BufRead as _;
        // Its standard input stays open while this handle lives: the replica exits when it closes, even if this
        // process is killed.
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", entry, "--nocapture", "--test-threads", "1"])
            .env(REPLICA, config)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap();
        // Read on a thread of its own, which drains the replica's output to its end (so it never meets a closed
        // pipe); the address is waited for at most 30 seconds. The test harness prints it after `test replica ... `.
        let output = child.stdout.take().unwrap();
        let (found, address) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(output).lines().map_while(Result::ok) {
                if let Some(address) = line.split("hooksafe-replica ").nth(1).and_then(|text| text.trim().parse().ok())
                {
                    let _: Result<(), _> = found.send(address);
                }
            }
        });
        let Ok(address) = address.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the replica did not say where it serves within 30 s (its error, if any, is above)");
        };
        Self { child, address }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// In a replica's process: its configuration. `None` in an ordinary test run.
pub fn replica_config() -> Option<String> {
    std::env::var(REPLICA).ok()
}

/// In a replica's process: serves `forwarder`, says where, and runs until its standard input closes (the test's
/// handle dropped, or the test's process gone).
pub async fn serve_as_replica<K: Sink>(forwarder: &Forwarder<K>) {
    let address = serve(forwarder).await;
    println!("hooksafe-replica {address}");
    let _ = tokio::task::spawn_blocking(|| std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new())).await;
}
