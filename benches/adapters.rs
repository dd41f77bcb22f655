//! An axum route with `Webhook<T>` (verify + in-memory dedup + JSON into `T`) against the same route taking the raw
//! body with no verification (still parsing the same `T`), for the same 1 KiB body, in one run. Bounds: over HTTP,
//! at least 0.85× the raw route's requests per second; in process, the verified route costs no more than the raw
//! route plus the receiver's own work (verification, the claim and its completion: `Receiver::receive` and
//! `Delivery::complete` called directly) plus 0.5 µs.
//!
//! Two groups: `http`, a real server on a loopback port driven over one keep-alive connection (what a deployment
//! sees, the target's measure), and `in-process`, the router called through `tower::ServiceExt::oneshot`, which
//! leaves out hyper and the network and so shows the adapter's own cost at its most exposed.
//!
//! The run ends with both bounds measured again with the sides alternating in batches (the median of 31 rounds),
//! steadier on a shared VM than separate criterion measurements. Two more routes place
//! the result: one verifying with a store that grants every claim shows what deduplication costs, and one that
//! passes the raw route through an empty axum middleware shows what any middleware at all costs over HTTP. Over
//! HTTP each round also calls the served receivers directly, which gives the **floor**: the ratio the verified
//! route would reach if the adapter cost nothing (raw route + the receiver's own work), and the adapter's own cost
//! (verified route − raw route − the receiver's own work). The receiver called directly copies the body into its
//! `Delivery`, which the route does not (it shares the buffered body): that copy, timed alone, is taken out of the
//! receiver's own work.
//!
//! `cargo bench --bench adapters --features axum`

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use axum::{Router, routing::post};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hooksafe::axum::{Webhook, WebhookLayer};
use hooksafe::sign::Signer;
use hooksafe::store::{Claim, DEFAULT_CAPACITY, DedupKey, Retention, Store, StoreError, Token};
use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
use tower::ServiceExt;

#[path = "common/http.rs"]
mod http;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    data: serde_json::Value,
}

async fn verified(Webhook(event): Webhook<Event>) -> StatusCode {
    std::hint::black_box(event);
    StatusCode::OK
}

async fn unverified(body: Bytes) -> StatusCode {
    match serde_json::from_slice::<Event>(&body) {
        Ok(event) => {
            std::hint::black_box(event);
            StatusCode::OK
        }
        Err(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let body = event_body();
    // Every request is a new delivery, so the store (the default capacity, 1 000 000 records) fills in a long run:
    // a one-second tolerance (a two-second replay window) lets a full store evict its oldest records, as it does in
    // a long-running process, rather than refuse.
    let app = || {
        let verifier = Verifier::builder(Scheme::StandardWebhooks)
            .secret(SECRET)
            .tolerance(Duration::from_secs(1))
            .build()
            .unwrap();
        let receiver = Receiver::new(verifier.clone(), MemoryStore::with_capacity(DEFAULT_CAPACITY));
        let routed = receiver.clone();
        // The same route verifying without deduplication, to show what the store costs.
        let granting = Receiver::new(verifier, NoDedup);
        let no_dedup =
            Router::new().route("/verified-no-dedup", post(verified)).route_layer(WebhookLayer::new(granting.clone()));
        // The raw route behind a middleware that does nothing: the floor of any layer.
        let pass_through = Router::new()
            .route("/pass-through", post(unverified))
            .route_layer(axum::middleware::from_fn(|request, next: axum::middleware::Next| next.run(request)));
        let router = Router::new()
            .route("/verified", post(verified))
            .route_layer(WebhookLayer::new(routed))
            .route("/unverified", post(unverified))
            .merge(no_dedup)
            .merge(pass_through);
        (router, receiver, granting)
    };
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let next = AtomicU64::new(0);
    let request = |path: &str| {
        let id = format!("msg_{}", next.fetch_add(1, Ordering::Relaxed));
        let request = signer.request(path.parse().unwrap(), &id, time::OffsetDateTime::now_utc(), body.clone());
        request.unwrap().map(Body::from)
    };

    // The receiver the verified route uses, also called directly below: the same store, in the same state. The
    // router is prepared as `axum::serve` prepares it for each connection (`with_state`), so each request is routed
    // to handlers built once, not rebuilt with their layers on every call.
    let (in_process, receiver, _) = app();
    let in_process = in_process.with_state(());
    let mut group = c.benchmark_group("adapters/axum-1KiB");
    group.throughput(Throughput::Elements(1));
    for path in ["/unverified", "/verified"] {
        group.bench_function(&path[1..], |b| {
            b.to_async(&runtime).iter_batched(
                || (in_process.clone(), request(path)),
                |(app, request): (Router, Request<Body>)| async move {
                    let response = app.oneshot(request).await.unwrap();
                    assert_eq!(response.status(), StatusCode::OK);
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();

    let mut group = c.benchmark_group("adapters/axum-1KiB-http");
    group.throughput(Throughput::Elements(1));
    let (served, served_receiver, served_granting) = app();
    let address = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, served).await.unwrap() });
        address
    });
    let mut connection = runtime.block_on(tokio::net::TcpStream::connect(address)).unwrap();
    for path in ["/unverified", "/verified"] {
        group.bench_function(&path[1..], |b| {
            b.iter_batched(
                || wire(&request(path)),
                |bytes| runtime.block_on(http::exchange(&mut connection, &bytes, 200)),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();

    // Criterion measures each route over its own few seconds, and this VM's speed drifts between them: measure the
    // bounds again with the sides alternating, in batches of requests prepared beforehand.
    // `cargo bench -- --test` (CI's smoke run) checks that this part runs, in one short round.
    let smoke = std::env::args().any(|arg| arg == "--test");
    let (rounds, batch) = if smoke { (1, 2) } else { (31, 2000) };
    let mut overheads = Vec::new();
    for _ in 0..rounds {
        let time_routes = |path: &str| {
            let requests: Vec<_> = (0..batch).map(|_| (in_process.clone(), request(path))).collect();
            let start = std::time::Instant::now();
            runtime.block_on(async {
                for (app, request) in requests {
                    assert_eq!(app.oneshot(request).await.unwrap().status(), StatusCode::OK);
                }
            });
            start.elapsed().as_secs_f64() / batch as f64
        };
        let raw = time_routes("/unverified");
        let verified_route = time_routes("/verified");
        let requests: Vec<_> = (0..batch).map(|_| request("/verified").into_parts().0).collect();
        let own = own_work(&runtime, &receiver, &requests, &body);
        overheads.push(verified_route - raw - own);
    }
    overheads.sort_by(f64::total_cmp);
    let [quartile, median, upper] = [rounds / 4, rounds / 2, rounds * 3 / 4].map(|at| overheads[at] * 1e6);
    println!(
        "\nin process, the verified route's cost beyond the raw route and the receiver's own work (verify, claim, \
         complete), alternating batches of {batch} (median of {rounds}): {median:.3} µs (quartiles {quartile:.3} and \
         {upper:.3} µs)"
    );

    // Over HTTP, the same alternation, and the served receivers called directly in each round: the ratio the
    // verified routes would reach if the adapter cost nothing (the raw route's time plus the receiver's own work)
    // is the floor the bound is read against.
    let (rounds, batch) = if smoke { (1, 2) } else { (31, 300) };
    let mut ratios: [Vec<f64>; 5] = Default::default();
    let mut adapter_costs: [Vec<f64>; 2] = Default::default();
    for _ in 0..rounds {
        let paths = ["/unverified", "/verified", "/verified-no-dedup", "/pass-through"];
        let [unverified, verified, no_dedup, pass_through] = paths.map(|path| {
            let requests: Vec<Vec<u8>> = (0..batch).map(|_| wire(&request(path))).collect();
            let start = std::time::Instant::now();
            for bytes in &requests {
                runtime.block_on(http::exchange(&mut connection, bytes, 200));
            }
            start.elapsed().as_secs_f64() / batch as f64
        });
        let requests: Vec<_> = (0..batch).map(|_| request("/verified").into_parts().0).collect();
        let own = own_work(&runtime, &served_receiver, &requests, &body);
        let own_no_dedup = own_work(&runtime, &served_granting, &requests, &body);
        let round = [
            unverified / verified,
            unverified / (unverified + own),
            unverified / no_dedup,
            unverified / (unverified + own_no_dedup),
            unverified / pass_through,
        ];
        for (ratios, ratio) in ratios.iter_mut().zip(round) {
            ratios.push(ratio);
        }
        adapter_costs[0].push(verified - unverified - own);
        adapter_costs[1].push(no_dedup - unverified - own_no_dedup);
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!(
        "\nrequests per second over HTTP against the raw route, alternating batches of {batch} (median of {rounds}):"
    );
    let [with_dedup, floor, without_dedup, floor_without_dedup, empty_middleware] = ratios.map(median);
    let [cost, cost_without_dedup] = adapter_costs.map(|costs| median(costs) * 1e6);
    println!("verified, memory dedup: {with_dedup:.3}× (floor {floor:.3}×; the adapter's own cost {cost:.3} µs)");
    println!(
        "verified, no dedup: {without_dedup:.3}× (floor {floor_without_dedup:.3}×; the adapter's own cost \
         {cost_without_dedup:.3} µs)"
    );
    println!("raw body behind an empty middleware: {empty_middleware:.3}×");
}

/// The receiver's own work per delivery, called directly on `requests` (each with `body`): verification, the claim
/// and its completion. The receiver copies the body into its `Delivery`, which a route does not (it shares the
/// buffered body): that copy, timed alone, is taken out.
fn own_work<S: Store>(
    runtime: &tokio::runtime::Runtime,
    receiver: &Receiver<S>,
    requests: &[axum::http::request::Parts],
    body: &[u8],
) -> f64 {
    let start = std::time::Instant::now();
    runtime.block_on(async {
        for parts in requests {
            receiver.receive((parts, body)).await.unwrap().complete().await.unwrap();
        }
    });
    let received = start.elapsed();
    let start = std::time::Instant::now();
    for _ in requests {
        drop(std::hint::black_box(Bytes::copy_from_slice(std::hint::black_box(body))));
    }
    received.saturating_sub(start.elapsed()).as_secs_f64() / requests.len() as f64
}

/// A store that grants every claim: the verified route without deduplication, for comparison only.
#[derive(Debug)]
struct NoDedup;

impl Store for NoDedup {
    async fn claim(&self, _: DedupKey, _: Token, _: Duration) -> Result<Claim, StoreError> {
        Ok(Claim::Claimed)
    }

    async fn complete(&self, _: DedupKey, _: Token, _: Retention) -> Result<bool, StoreError> {
        Ok(true)
    }

    async fn release(&self, _: DedupKey, _: Token) -> Result<(), StoreError> {
        Ok(())
    }
}

/// The request as HTTP/1.1 bytes on a keep-alive connection.
fn wire(request: &Request<Body>) -> Vec<u8> {
    let mut head = format!("POST {} HTTP/1.1\r\nhost: bench\r\n", request.uri());
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    let body = event_body();
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    [head.into_bytes(), body].concat()
}

/// The bench's 1 KiB event, which every request carries.
fn event_body() -> Vec<u8> {
    format!(r#"{{"type":"invoice.paid","data":{{"pad":"{}"}}}}"#, "x".repeat(1024 - 40)).into_bytes()
}

criterion_group!(benches, bench);
criterion_main!(benches);
