//! The `hooksafe` command end to end: its subcommands against its own `listen` server and an axum receiver built as
//! the examples build theirs, all on loopback.
#![cfg(feature = "cli")]

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use hooksafe::{Scheme, Verifier};

const SECRET: &str = "whsec_cli_test_secret";

fn hooksafe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hooksafe")).args(args).env_remove("HOOKSAFE_SECRET").output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `hooksafe listen` on a free port, and the URL it printed.
struct Listener {
    child: Child,
    url: String,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Listener {
    fn start(scheme: &str) -> Self {
        Self::start_with(scheme, SECRET)
    }

    fn start_with(scheme: &str, secret: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hooksafe"))
            .args(["listen", "--scheme", scheme, "--secret", secret, "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let first = lines.recv_timeout(Duration::from_secs(30)).expect("listen printed its address");
        let url = first.split_whitespace().nth(2).unwrap().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{first}");
        Self { child, url, lines }
    }

    fn next_line(&self) -> String {
        self.lines.recv_timeout(Duration::from_secs(10)).expect("listen printed a delivery")
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn sign_prints_what_the_library_verifies() {
    let body = r#"{"id":"evt_1","type":"invoice.paid"}"#;
    let output = hooksafe(&["sign", "--scheme", "stripe", "--secret", SECRET, "--body", body]);
    assert!(output.status.success(), "{output:?}");
    let mut headers = http::HeaderMap::new();
    for line in stdout(&output).lines() {
        let (name, value) = line.split_once(": ").unwrap();
        headers.insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
    }
    let verifier = Verifier::builder(Scheme::Stripe).secret(SECRET).build().unwrap();
    assert_eq!(verifier.verify((&headers, body.as_bytes())).unwrap().id(), Some("evt_1"));
    assert!(!stdout(&output).contains(SECRET));

    let curl = hooksafe(&[
        "sign",
        "--scheme",
        "github",
        "--secret",
        SECRET,
        "--body",
        "{}",
        "--curl",
        "http://127.0.0.1:1/hook",
    ]);
    let text = stdout(&curl);
    assert!(
        text.starts_with("curl -i -X POST 'http://127.0.0.1:1/hook'")
            && text.contains("-H 'x-hub-signature-256: sha256="),
        "{text}"
    );
    let unknown = hooksafe(&["sign", "--scheme", "strpe", "--secret", SECRET, "--body", "{}"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("standard-webhooks, svix, stripe"));
}

#[test]
fn send_and_listen_show_processing_duplicates_and_each_kind_of_refusal() {
    let listener = Listener::start("stripe");
    let url = format!("{}webhooks/stripe", listener.url);
    let send = |extra: &[&str]| {
        let mut args = vec!["send", url.as_str(), "--scheme", "stripe", "--secret", SECRET];
        args.extend_from_slice(extra);
        hooksafe(&args)
    };
    let first = send(&["--from-fixture", "stripe-invoice-paid", "--repeat", "3"]);
    assert!(first.status.success(), "{first:?}");
    assert_eq!(stdout(&first), "200\n200 (duplicate)\n200 (duplicate)\n");
    let seen: Vec<String> = (0..3).map(|_| listener.next_line()).collect();
    assert!(seen[0].contains("id=evt_1PqR2sT3uV4wX5yZ type=invoice.paid key=1 outcome=processed"), "{seen:?}");
    assert!(seen[1..].iter().all(|line| line.contains("a duplicate")), "{seen:?}");

    // Concurrent retries: one is processed; each other one is a duplicate, or in progress (409) while it runs.
    let racing = send(&["--from-fixture", "stripe-subscription-deleted", "--repeat", "4", "--concurrency", "4"]);
    let answers = stdout(&racing);
    assert!(answers.lines().all(|line| ["200", "200 (duplicate)", "409"].contains(&line)), "{answers}");
    assert_eq!(answers.lines().filter(|line| *line == "200").count(), 1, "{answers}");
    let seen: Vec<String> = (0..4).map(|_| listener.next_line()).collect();
    assert_eq!(seen.iter().filter(|line| line.contains("outcome=processed")).count(), 1, "{seen:?}");

    for tamper in ["body", "signature", "timestamp"] {
        let refused = send(&["--body", r#"{"id":"evt_2","type":"x"}"#, "--tamper", tamper]);
        assert_eq!((refused.status.code(), stdout(&refused).trim()), (Some(1), "401"), "{tamper}");
        assert!(listener.next_line().contains("✗"), "{tamper}");
    }
    let stale = send(&["--body", r#"{"id":"evt_3"}"#, "--stale", "600"]);
    assert_eq!(stdout(&stale).trim(), "401");
    assert!(listener.next_line().contains("timestamp too old"));

    let remote = hooksafe(&["send", "http://192.0.2.1/hook", "--scheme", "stripe", "--secret", SECRET, "--body", "{}"]);
    assert_eq!(remote.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&remote.stderr).contains("--allow-remote"));
    let wrong_fixture = send(&["--from-fixture", "github-push"]);
    assert_eq!(wrong_fixture.status.code(), Some(2));
}

#[test]
fn verify_explains_a_captured_request_in_plain_words() {
    let body = r#"{"id":"evt_1","type":"invoice.paid"}"#;
    let signed = stdout(&hooksafe(&["sign", "--scheme", "stripe", "--secret", SECRET, "--body", body]));
    let mut capture =
        format!("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n", body.len());
    for line in signed.lines() {
        capture.push_str(line);
        capture.push_str("\r\n");
    }
    capture.push_str("\r\n");
    capture.push_str(body);
    let path = std::env::temp_dir().join(format!("hooksafe-capture-{}.http", std::process::id()));
    std::fs::write(&path, &capture).unwrap();
    let file = path.to_str().unwrap();

    let verified = hooksafe(&[
        "verify",
        "--scheme",
        "stripe",
        "--secret",
        "whsec_old_secret",
        "--secret",
        SECRET,
        "--request",
        file,
    ]);
    let text = stdout(&verified);
    assert!(
        verified.status.success() && text.contains("matches key 2") && text.contains("event type: invoice.paid"),
        "{text}"
    );
    let wrong = hooksafe(&[
        "verify",
        "--scheme",
        "stripe",
        "--secret",
        "whsec_a_secret",
        "--secret",
        "whsec_b_secret",
        "--request",
        file,
    ]);
    let text = stdout(&wrong);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text.contains("the signature matches none of the 2 configured keys"), "{text}");
    assert!(!text.contains("whsec_") && !text.contains(SECRET), "{text}");
    let late = hooksafe(&[
        "verify",
        "--scheme",
        "stripe",
        "--secret",
        SECRET,
        "--request",
        file,
        "--at",
        "2099-01-01T00:00:00Z",
    ]);
    let text = stdout(&late);
    assert!(text.contains("older than the replay window") && text.contains("the tolerance is 300 s"), "{text}");
    let missing = hooksafe(&["verify", "--scheme", "github", "--secret", SECRET, "--request", file]);
    assert!(stdout(&missing).contains("no `x-hub-signature-256` header"));
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn send_reaches_an_axum_receiver_built_like_the_examples() {
    use axum::routing::post;
    use hooksafe::axum::{Webhook, WebhookLayer};
    use hooksafe::{MemoryStore, Receiver};

    let handler = |Webhook(event): Webhook<serde_json::Value>| async move {
        if event["type"] == "invoice.paid" { http::StatusCode::OK } else { http::StatusCode::UNPROCESSABLE_ENTITY }
    };
    let receiver = Receiver::new(Verifier::builder(Scheme::Stripe).secret(SECRET).build().unwrap(), MemoryStore::new());
    let app = axum::Router::new().route("/webhooks/stripe", post(handler)).route_layer(WebhookLayer::new(receiver));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://{address}/webhooks/stripe");
    let output = tokio::task::spawn_blocking(move || {
        hooksafe(&[
            "send",
            &url,
            "--scheme",
            "stripe",
            "--secret",
            SECRET,
            "--from-fixture",
            "stripe-invoice-paid",
            "--repeat",
            "2",
        ])
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "200\n200 (duplicate)\n");
}

#[test]
fn sign_masks_a_secret_sent_as_it_is_unless_asked() {
    for (scheme, header) in [("gitlab", "x-gitlab-token"), ("azure-devops", "authorization")] {
        let secret = "user:glpat-cli-token-0123456789";
        let masked = hooksafe(&["sign", "--scheme", scheme, "--secret", secret, "--body", "{}"]);
        assert!(masked.status.success(), "{masked:?}");
        let printed = stdout(&masked);
        assert!(printed.contains(&format!("{header}: ********")), "{scheme}: {printed}");
        assert!(!printed.contains("glpat-cli-token") && !printed.contains("Basic "), "{scheme}: {printed}");
        assert!(String::from_utf8_lossy(&masked.stderr).contains("--show-secret"));
        let curl = hooksafe(&["sign", "--scheme", scheme, "--secret", secret, "--body", "{}", "--curl", "http://x/"]);
        assert!(!stdout(&curl).contains("glpat-cli-token") && !stdout(&curl).contains("Basic "), "{scheme}");
        let shown = hooksafe(&["sign", "--scheme", scheme, "--secret", secret, "--body", "{}", "--show-secret"]);
        assert!(!stdout(&shown).contains("********"), "{scheme}: {}", stdout(&shown));
    }
}

#[test]
fn send_never_goes_through_a_proxy() {
    // A "proxy" that counts the connections it gets.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    proxy.set_nonblocking(true).unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let listener = Listener::start("stripe");
    let url = format!("{}webhooks/stripe", listener.url);
    let output = Command::new(env!("CARGO_BIN_EXE_hooksafe"))
        .args(["send", &url, "--scheme", "stripe", "--secret", SECRET, "--body", r#"{"id":"evt_proxy"}"#])
        .env_remove("HOOKSAFE_SECRET")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("HTTP_PROXY", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env("all_proxy", &proxy_url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output).trim(), "200");
    assert!(listener.next_line().contains("id=evt_proxy"));
    assert!(proxy.accept().is_err(), "the proxy was connected to");
}

/// `hooksafe check --json` against `url`: its exit code and the verdict of each check, by name.
fn check(url: &str, scheme: &str, extra: &[&str]) -> (Option<i32>, std::collections::BTreeMap<String, String>) {
    let mut args = vec!["check", url, "--scheme", scheme, "--secret", SECRET, "--json"];
    args.extend_from_slice(extra);
    let output = hooksafe(&args);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{output:?}"));
    let verdicts = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["check"].as_str().unwrap().to_owned(), row["verdict"].as_str().unwrap().to_owned()))
        .collect();
    (output.status.code(), verdicts)
}

/// The checks whose verdict is `verdict`.
fn with_verdict<'a>(verdicts: &'a std::collections::BTreeMap<String, String>, verdict: &str) -> Vec<&'a str> {
    verdicts.iter().filter(|(_, v)| *v == verdict).map(|(check, _)| check.as_str()).collect()
}

/// The crate's own axum example (`examples/axum.rs`), built by `cargo test` beside this test, on a free port.
#[cfg(feature = "metrics")]
struct Example(Child, u16);

#[cfg(feature = "metrics")]
impl Example {
    fn start() -> Self {
        let binary = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("examples/axum");
        assert!(binary.exists(), "{} is missing: `cargo test --all-features` builds it", binary.display());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new(binary)
            .env("PORT", port.to_string())
            .env("STRIPE_WEBHOOK_SECRET", SECRET)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert!(first.starts_with("listening on"), "{first}");
        // The example prints each delivery: keep reading, so it never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Self(child, port)
    }
}

#[cfg(feature = "metrics")]
impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[cfg(feature = "metrics")]
fn check_passes_every_check_against_the_crates_axum_example() {
    let example = Example::start();
    let url = format!("http://127.0.0.1:{}/webhooks/stripe", example.1);
    let failing = r#"{"id":"evt_fail","type":"invoice.payment_failed","data":{}}"#;
    let (code, verdicts) = check(&url, "stripe", &["--failing-body", failing]);
    assert_eq!(with_verdict(&verdicts, "fail"), Vec::<&str>::new(), "{verdicts:?}");
    assert_eq!(code, Some(0));
    assert_eq!(with_verdict(&verdicts, "skip"), Vec::<&str>::new(), "everything is checked: {verdicts:?}");
    assert_eq!(with_verdict(&verdicts, "n/a"), ["handshake"], "Stripe has no handshake");
    assert_eq!(verdicts.len(), 12, "{verdicts:?}");
}

#[test]
fn check_answers_a_handshake_as_the_provider_expects_against_listen() {
    for scheme in ["slack", "x", "line"] {
        let listener = Listener::start(scheme);
        // listen never fails a delivery, so the retry check is skipped.
        let (code, verdicts) = check(&listener.url, scheme, &["--allow-skipped"]);
        assert_eq!(verdicts["retry after 5xx"], "skip");
        assert_eq!(verdicts["handshake"], "pass", "{scheme}: {verdicts:?}");
        assert_eq!(with_verdict(&verdicts, "fail"), Vec::<&str>::new(), "{scheme}: {verdicts:?}");
        assert_eq!(code, Some(0));
    }
    // X's CRC answer is a MAC: described, never printed.
    let listener = Listener::start("x");
    let output = hooksafe(&["check", &listener.url, "--scheme", "x", "--secret", SECRET]);
    assert!(!stdout(&output).contains("sha256="), "{}", stdout(&output));
}

/// A receiver that gets the signature right and three things wrong: it checks no timestamp, it claims a delivery
/// with a check-then-insert race, and it records a delivery as done before its handler runs, so a retry after a
/// failure is acknowledged without being processed. `GET /effects?id=` counts the completed processings of an id.
#[tokio::test]
async fn check_reports_exactly_the_checks_a_broken_receiver_breaks() {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use axum::extract::State;
    use axum::routing::{get, post};

    #[derive(Default)]
    struct Books {
        done: Mutex<std::collections::HashSet<String>>,
        processed: Mutex<HashMap<String, u64>>,
    }
    let books = Arc::new(Books::default());
    let verifier =
        Arc::new(Verifier::builder(Scheme::Stripe).secret(SECRET).dangerous_skip_timestamp_check().build().unwrap());
    let receive = move |State(books): State<Arc<Books>>, headers: http::HeaderMap, body: axum::body::Bytes| {
        let verifier = verifier.clone();
        async move {
            let Ok(verified) = verifier.verify((&headers, &body[..])) else { return http::StatusCode::UNAUTHORIZED };
            let event: serde_json::Value = verified.json().unwrap();
            let id = event["id"].as_str().unwrap().to_owned();
            if books.done.lock().unwrap().contains(&id) {
                return http::StatusCode::OK;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            books.done.lock().unwrap().insert(id.clone());
            if event["type"] == "invoice.payment_failed" {
                return http::StatusCode::SERVICE_UNAVAILABLE;
            }
            *books.processed.lock().unwrap().entry(id).or_default() += 1;
            http::StatusCode::OK
        }
    };
    // The ids `check` sends are of `A-Za-z0-9_`, so none is percent-encoded.
    let effects = |State(books): State<Arc<Books>>, uri: http::Uri| async move {
        let id = uri.query().and_then(|query| query.strip_prefix("id=")).unwrap_or_default().to_owned();
        books.processed.lock().unwrap().get(&id).copied().unwrap_or(0).to_string()
    };
    let app = axum::Router::new().route("/hook", post(receive)).route("/effects", get(effects)).with_state(books);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (code, verdicts) = tokio::task::spawn_blocking(move || {
        let effects = format!("http://{address}/effects");
        let failing = r#"{"id":"evt_fail","type":"invoice.payment_failed"}"#;
        check(&format!("http://{address}/hook"), "stripe", &["--effects-url", &effects, "--failing-body", failing])
    })
    .await
    .unwrap();
    assert_eq!(
        with_verdict(&verdicts, "fail"),
        ["concurrent copies", "retry after 5xx", "timestamp too new", "timestamp too old"],
        "{verdicts:?}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn check_forges_with_a_key_of_the_secrets_own_form_and_reaches_localhost() {
    // Ripple's secret is base64: the forger's key is made in that form, and `localhost` is tried at each address.
    let secret = "c2VjcmV0LWJ5dGVzLWZvci1yaXBwbGUtdGVzdGluZw==";
    let listener = Listener::start_with("ripple", secret);
    let url = listener.url.replace("127.0.0.1", "localhost");
    let output = hooksafe(&["check", &url, "--scheme", "ripple", "--secret", secret, "--json", "--allow-skipped"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{output:?}"));
    let verdict = |check: &str| {
        let rows = report["checks"].as_array().unwrap();
        rows.iter().find(|row| row["check"] == check).map(|row| row["verdict"].as_str().unwrap().to_owned())
    };
    assert_eq!(verdict("wrong secret").as_deref(), Some("pass"), "{report}");
    assert_eq!(verdict("oversized body").as_deref(), Some("pass"), "{report}");
    assert_eq!(report["passed"], true, "{report}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
    // Without --allow-skipped, a check that could not run (the retry after a 5xx) fails the run.
    let strict = hooksafe(&["check", &url, "--scheme", "ripple", "--secret", secret, "--json"]);
    assert_eq!(strict.status.code(), Some(1));
}
