//! The benches' open-loop load: signed deliveries sent on a schedule over keep-alive connections, each latency
//! measured from the moment its request was due (so a stall counts against every request it delays).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hooksafe::sign::Signer;

#[path = "http.rs"]
mod http;

/// Latency percentiles of one run, and the rate it sustained.
pub struct Latencies {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub rate: f64,
}

impl std::fmt::Display for Latencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", self.p50, self.p99, self.max)?;
        if self.rate > 0.0 { write!(f, ", sustained {:.0}/s", self.rate) } else { Ok(()) }
    }
}

/// The percentiles of `values`, and the rate if they took `elapsed`.
pub fn latencies(mut values: Vec<Duration>, elapsed: Option<Duration>) -> Latencies {
    values.sort_unstable();
    let percentile = |p: f64| millis(values[((values.len() as f64 * p) as usize).min(values.len() - 1)]);
    Latencies {
        p50: percentile(0.50),
        p99: percentile(0.99),
        max: millis(*values.last().unwrap()),
        rate: elapsed.map_or(0.0, |elapsed| values.len() as f64 / elapsed.as_secs_f64()),
    }
}

pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

pub fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// A signed delivery as HTTP/1.1 bytes on a keep-alive connection.
pub fn wire(signer: &Signer, id: &str, at: time::OffsetDateTime, body: &[u8]) -> Vec<u8> {
    let headers = signer.headers(id, at, body).unwrap();
    let mut head = String::from("POST /webhooks HTTP/1.1\r\nhost: bench\r\n");
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    [head.into_bytes(), body.to_vec()].concat()
}

/// Sends `requests` over `connections` keep-alive connections, request `index` due at `start + interval * index`
/// (a zero interval: as fast as the server answers), each answered `202`. Returns each request's latency from when
/// it was due, and records when each was acknowledged (nanoseconds from `base`) in `acknowledged`.
pub async fn send_all(
    address: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    connections: usize,
    (start, interval): (Instant, Duration),
    (base, acknowledged): (Instant, Arc<Vec<AtomicU64>>),
) -> Vec<Duration> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..connections {
        let (requests, next, acknowledged) = (requests.clone(), next.clone(), acknowledged.clone());
        clients.push(tokio::spawn(async move {
            let mut connection = tokio::net::TcpStream::connect(address).await.unwrap();
            connection.set_nodelay(true).unwrap();
            let mut latencies = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(request) = requests.get(index) else { return latencies };
                let due = start + interval * u32::try_from(index).unwrap();
                tokio::time::sleep_until(due.into()).await;
                http::exchange(&mut connection, request, 202).await;
                if let Some(slot) = acknowledged.get(index) {
                    slot.store(nanos(base.elapsed()), Ordering::SeqCst);
                }
                latencies.push(due.elapsed());
            }
        }));
    }
    let mut all = Vec::with_capacity(requests.len());
    for client in clients {
        all.extend(client.await.unwrap());
    }
    all
}
