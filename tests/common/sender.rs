//! Signed Standard Webhooks deliveries sent to a test's server on raw loopback connections, one connection each, as
//! a provider sends them: shared by the inbox's and the forwarders' tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hooksafe::Scheme;
use hooksafe::sign::Signer;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A request: its head and body.
pub type Request = (String, Vec<u8>);

/// Delivery `id` of `body` signed with `secret` at `at`.
pub fn signed_with(secret: &str, id: &str, body: &str, at: OffsetDateTime) -> Request {
    let headers = Signer::new(Scheme::StandardWebhooks, secret).unwrap().headers(id, at, body.as_bytes()).unwrap();
    let mut head = format!(
        "POST /webhooks HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    (head, body.as_bytes().to_vec())
}

/// What the server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub duplicate: bool,
    pub retry_after: bool,
}

/// Sends a request on a connection of its own.
pub async fn send(address: SocketAddr, (head, body): &Request) -> Answer {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        // A server that answers before reading the whole body (413) may close first.
        let _ = stream.write_all(body).await;
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response).await;
        let text = String::from_utf8_lossy(&response).to_lowercase();
        let status = text.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
        Answer {
            status,
            duplicate: text.contains("hooksafe-outcome: duplicate"),
            retry_after: text.contains("\r\nretry-after: "),
        }
    };
    tokio::time::timeout(Duration::from_secs(20), exchange).await.expect("the server answered")
}

/// Sends every request at once, each to its address on a connection of its own: their answers, in order.
pub async fn send_all_at_once(requests: Vec<(SocketAddr, Request)>) -> Vec<Answer> {
    let start = Arc::new(tokio::sync::Barrier::new(requests.len()));
    let sends: Vec<_> = requests
        .into_iter()
        .map(|(address, request)| {
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                send(address, &request).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for send in sends {
        answers.push(send.await.unwrap());
    }
    answers
}
