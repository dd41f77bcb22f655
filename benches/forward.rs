//! Forwarding under load, per broker, each against a server of the bench's own on this machine: Redis with
//! append-only persistence (`appendfsync everysec`, Redis's default for it), `nats-server -js` with file storage, and
//! librdkafka's mock cluster (three brokers in process: no Kafka server is packaged for Debian). The forwarder is
//! behind axum on a loopback port; client, server and broker share the machine's cores.
//!
//! For each broker, three runs of an open-loop client sending signed 1 KiB Standard Webhooks deliveries at 1,000/s
//! for 10 s over 32 keep-alive connections, each acknowledgement (the `202`, sent once the broker has the message)
//! measured from the moment its request was due; target p99 under 10 ms. Then the sustained rate: 10,000
//! deliveries sent as fast as the forwarder acknowledges them.
//!
//! `cargo bench --bench forward --features axum,redis-streams,nats,kafka` (about two minutes); `-- --test` runs each
//! part once, small; `-- redis`, `-- nats` or `-- kafka` runs that broker alone.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::stream;
use hooksafe::forward::kafka::KafkaSink;
use hooksafe::forward::nats::JetStreamSink;
use hooksafe::forward::redis_streams::RedisStreamSink;
use hooksafe::forward::{Forwarder, Sink};
use hooksafe::sign::Signer;
use hooksafe::{MemoryStore, Scheme, Verifier};

#[path = "common/load.rs"]
mod load;

#[path = "../tests/common/process.rs"]
mod process;

#[path = "../tests/common/redis.rs"]
#[allow(dead_code)] // the bench starts the server; it never restarts it
mod redis;

#[path = "../tests/common/nats.rs"]
#[allow(dead_code)]
mod nats;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const CONNECTIONS: usize = 32;

struct Size {
    runs: usize,
    rate: u64,
    seconds: u64,
    burst: usize,
}

fn main() {
    let smoke = std::env::args().any(|arg| arg == "--test");
    let parts: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    let size = if smoke {
        Size { runs: 1, rate: 200, seconds: 1, burst: 500 }
    } else {
        Size { runs: 3, rate: 1_000, seconds: 10, burst: 10_000 }
    };
    let part = |name: &str| parts.is_empty() || parts.iter().any(|part| part == name);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        if part("redis") {
            let dir = std::env::temp_dir().join(format!("hooksafe-bench-redis-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let server = redis::Server::start(&[
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--dir",
                dir.to_str().unwrap(),
            ]);
            let sink = RedisStreamSink::connect(&server.url(), "webhooks").await.unwrap();
            assert!(sink.is_durable());
            bench("Redis Streams", Forwarder::builder(verifier(), sink).build().unwrap(), &size).await;
            drop(server);
            let _ = std::fs::remove_dir_all(dir);
        }
        if part("nats") {
            let server = nats::NatsServer::start();
            server.create_stream("WEBHOOKS", "webhooks.>", Duration::from_secs(600), stream::StorageType::File).await;
            let sink = JetStreamSink::connect(&server.url(), "WEBHOOKS", "webhooks").await.unwrap();
            bench("NATS JetStream", Forwarder::builder(verifier(), sink).build().unwrap(), &size).await;
        }
        if part("kafka") {
            let cluster = rdkafka::mocking::MockCluster::new(3).unwrap();
            cluster.create_topic("webhooks", 3, 3).unwrap();
            let sink = KafkaSink::connect(&cluster.bootstrap_servers(), "webhooks").unwrap();
            let forwarder = Forwarder::builder(verifier(), sink).store(MemoryStore::new()).build().unwrap();
            bench("Kafka (mock cluster, memory store)", forwarder, &size).await;
        }
    });
}

/// Bodies up to 512 KiB: under NATS's and Kafka's 1 MB message limit with the headers.
fn verifier() -> Verifier {
    Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(512 * 1024).build().unwrap()
}

/// The runs at a steady rate, then the sustained rate, for one broker.
async fn bench<K: Sink>(name: &str, forwarder: Forwarder<K>, size: &Size) {
    let app = axum::Router::new().route_service("/webhooks", forwarder.service());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let total = usize::try_from(size.rate * size.seconds).unwrap();
    let mut p99 = Vec::new();
    for run in 1..=size.runs {
        let interval = Duration::from_secs(1) / u32::try_from(size.rate).unwrap();
        let latencies = send(address, &format!("run{run}"), total, interval).await;
        println!("{name}, run {run} at {}/s: acknowledgement {latencies}", size.rate);
        p99.push(format!("{:.2}", latencies.p99));
    }
    println!("{name} at {}/s, acknowledgement p99 of each run: {} ms", size.rate, p99.join(", "));
    let sustained = send(address, "burst", size.burst, Duration::ZERO).await;
    println!("{name}, {} deliveries as fast as acknowledged: {sustained}", size.burst);
    server.abort();
}

/// Sends `total` fresh deliveries, one due every `interval`: their acknowledgement latencies.
async fn send(address: SocketAddr, prefix: &str, total: usize, interval: Duration) -> load::Latencies {
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let body = format!(r#"{{"type":"invoice.paid","data":{{"pad":"{}"}}}}"#, "x".repeat(1024 - 40));
    let now = time::OffsetDateTime::now_utc();
    // Signed before the clock starts: the client's own work stays out of the measurement.
    let requests: Vec<Vec<u8>> =
        (0..total).map(|index| load::wire(&signer, &format!("msg_{prefix}_{index}"), now, body.as_bytes())).collect();
    let start = Instant::now() + Duration::from_millis(100);
    let acks =
        load::send_all(address, Arc::new(requests), CONNECTIONS, (start, interval), (start, Arc::default())).await;
    load::latencies(acks, Some(start.elapsed()))
}
