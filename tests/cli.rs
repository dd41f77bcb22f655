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
        let mut child = Command::new(env!("CARGO_BIN_EXE_hooksafe"))
            .args(["listen", "--scheme", scheme, "--secret", SECRET, "--port", "0"])
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
