//! Acknowledgement latency through axum with the `Inbox`: a PostgreSQL server of the bench's own (started as the
//! tests start theirs, but flushing every commit to disk as in production), the inbox's receiving side on a loopback
//! port, and an open-loop client sending signed 1 KiB Standard Webhooks deliveries at a fixed rate over keep-alive
//! connections, each latency measured from the moment its request was due (so a stall counts against every request
//! it delays). Client, server and PostgreSQL share the machine. Target: p99 under 10 ms at 1,000 deliveries/s.
//! Prints p50, p99, max and the sustained rate.
//!
//! `cargo bench --bench inbox --features postgres,axum` (10 s at 1,000/s); `-- --test` runs 1 s at 200/s.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hooksafe::inbox::Inbox;
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};

#[path = "common/http.rs"]
mod http;

#[path = "../tests/common/postgres.rs"]
#[allow(dead_code)] // the bench starts the server; it never stops it early
mod postgres;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Keep-alive connections the client spreads its requests over.
const CONNECTIONS: usize = 32;

fn main() {
    let smoke = std::env::args().any(|arg| arg == "--test");
    let (rate, seconds) = if smoke { (200, 1) } else { (1_000, 10) };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = postgres::Postgres::start_durable();
    runtime.block_on(run(&server, rate, seconds));
}

async fn run(server: &postgres::Postgres, rate: u64, seconds: u64) {
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(20).connect(&server.url()).await.unwrap();
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let inbox = Inbox::builder(verifier, pool).build().unwrap();
    inbox.migrate().await.unwrap();
    let app = axum::Router::new().route_service("/webhooks", inbox.service());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let total = usize::try_from(rate * seconds).unwrap();
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let body = format!(r#"{{"type":"invoice.paid","data":{{"pad":"{}"}}}}"#, "x".repeat(1024 - 40));
    let now = time::OffsetDateTime::now_utc();
    // Signed before the clock starts: the client's own work stays out of the measurement.
    let requests: Vec<Vec<u8>> =
        (0..total).map(|index| wire(&signer, &format!("msg_{index}"), now, body.as_bytes())).collect();
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));
    let interval = Duration::from_secs(1) / u32::try_from(rate).unwrap();
    let start = Instant::now() + Duration::from_millis(100);
    let mut clients = Vec::new();
    for _ in 0..CONNECTIONS {
        clients.push(tokio::spawn(client(address, requests.clone(), next.clone(), start, interval)));
    }
    let mut latencies = Vec::with_capacity(total);
    for client in clients {
        latencies.extend(client.await.unwrap());
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let percentile = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "inbox acknowledgement over HTTP, {total} deliveries offered at {rate}/s: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; \
         sustained {:.0}/s",
        millis(percentile(0.50)),
        millis(percentile(0.99)),
        millis(*latencies.last().unwrap()),
        latencies.len() as f64 / elapsed.as_secs_f64(),
    );
    let stored = inbox.counts().await.unwrap().pending;
    assert_eq!(usize::try_from(stored).unwrap(), total, "every acknowledged delivery is in the inbox");
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One keep-alive connection: takes the next request (by its position in the schedule), waits until it is due, sends it, and records the time from
/// when it was due to the end of the `202`.
async fn client(
    address: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    next: Arc<AtomicUsize>,
    start: Instant,
    interval: Duration,
) -> Vec<Duration> {
    let mut connection = tokio::net::TcpStream::connect(address).await.unwrap();
    connection.set_nodelay(true).unwrap();
    let mut latencies = Vec::new();
    loop {
        let index = next.fetch_add(1, Ordering::SeqCst);
        let Some(request) = requests.get(index) else { return latencies };
        let due = start + interval * u32::try_from(index).unwrap();
        tokio::time::sleep_until(due.into()).await;
        http::exchange(&mut connection, request, 202).await;
        latencies.push(due.elapsed());
    }
}

/// A signed delivery as HTTP/1.1 bytes on a keep-alive connection.
fn wire(signer: &Signer, id: &str, at: time::OffsetDateTime, body: &[u8]) -> Vec<u8> {
    let headers = signer.headers(id, at, body).unwrap();
    let mut head = String::from("POST /webhooks HTTP/1.1\r\nhost: bench\r\n");
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    [head.into_bytes(), body.to_vec()].concat()
}
