//! `hooksafe listen --ui` in a real browser: Debian's Chromium, driven headless through its ChromeDriver (WebDriver
//! over HTTP on loopback), both started by the test. It receives three deliveries, one forged, and checks what the
//! page shows; then replays with the page's buttons: one as it was (a duplicate), the forged one re-signed (refused:
//! the command signs only what listen's keys signed), and a stale genuine one re-signed (processed, its new signature
//! masked). A screenshot of the page is kept in the test's output directory (`target/tmp/inspector.png`) for a
//! reviewer. The other tests drive the inspector's HTTP interface: its host and token checks, and what is re-signed.
#![cfg(feature = "cli")]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use hooksafe::Scheme;
use hooksafe::sign::Signer;
use serde_json::{Value, json};

const SECRET: &str = "whsec_inspector_test_secret";
const BEARER: &str = "Bearer inspector-credential-0123456789";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// One WebDriver session of a headless Chromium.
struct Browser {
    agent: ureq::Agent,
    base: String,
    _driver: Process,
}

impl Browser {
    fn start() -> Self {
        for binary in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(binary).exists(),
                "{binary} is missing: install Debian's `chromium` and `chromium-driver` (.ci/run does)"
            );
        }
        // Port 0: chromedriver takes a free port and says which.
        let mut driver = Process(
            Command::new(CHROMEDRIVER).arg("--port=0").stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap(),
        );
        let mut out = BufReader::new(driver.0.stdout.take().unwrap());
        let mut port = None;
        for _ in 0..20 {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if let Some(rest) = line.trim_end().strip_prefix("ChromeDriver was started successfully on port ") {
                port = rest.trim_end_matches('.').parse::<u16>().ok();
                break;
            }
        }
        let port = port.expect("chromedriver said on which port it listens");
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let agent = agent();
        let root = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while agent.get(&format!("{root}/status")).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--hide-scrollbars"],
        }}}});
        let session = send(&agent, "POST", &format!("{root}/session"), Some(&capabilities));
        let id = session["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {session}")).to_owned();
        Self { agent, base: format!("{root}/session/{id}"), _driver: driver }
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        send(&self.agent, method, &format!("{}{path}", self.base), body)
    }

    /// Runs `script` in the page; its return value.
    fn run(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(&json!({ "script": script, "args": [] })))
    }

    /// Clicks the element `selector` finds, as a user would.
    fn click(&self, selector: &str) {
        let found = self.call("POST", "/element", Some(&json!({ "using": "css selector", "value": selector })));
        let element = found.as_object().filter(|found| !found.contains_key("error"));
        let element = element.and_then(|found| found.values().next()).and_then(Value::as_str);
        let element = element.unwrap_or_else(|| panic!("no element {selector}: {found}"));
        let clicked = self.call("POST", &format!("/element/{element}/click"), Some(&json!({})));
        assert!(clicked.is_null(), "clicking {selector}: {clicked}");
    }

    /// Opens the delivery `seq`, clicks its replay button `action` (`replay`, `replay-resigned`) and waits for the
    /// answer the page shows.
    fn replay(&self, seq: u64, action: &str) -> String {
        self.open(seq);
        let delivery = format!("details.delivery[data-seq='{seq}']");
        self.click(&format!("{delivery} button[data-action={action}]"));
        let result = format!("document.querySelector(\"{delivery} [data-field=replay-result]\").textContent");
        self.wait_for(&format!("const t = {result}; return t !== '' && t !== 'sending…'"), "the replay's answer");
        self.run(&format!("return {result}")).as_str().unwrap().to_owned()
    }

    /// Opens the delivery `seq` by clicking its summary, unless it is open already.
    fn open(&self, seq: u64) {
        let selector = format!("details.delivery[data-seq='{seq}']");
        if self.run(&format!("return document.querySelector(\"{selector}\").open")) != Value::Bool(true) {
            self.click(&format!("{selector} > summary"));
        }
    }

    /// Waits until `script` returns `true`.
    fn wait_for(&self, script: &str, what: &str) {
        let started = Instant::now();
        while self.run(script) != Value::Bool(true) {
            assert!(started.elapsed() < Duration::from_secs(30), "the page never showed {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.base).call();
    }
}

/// A WebDriver call: its `value`.
fn send(agent: &ureq::Agent, method: &str, url: &str, body: Option<&Value>) -> Value {
    let response = match method {
        "POST" => agent.post(url).header("content-type", "application/json").send(body.unwrap().to_string()),
        _ => agent.get(url).call(),
    };
    let mut response = response.unwrap_or_else(|error| panic!("{method} {url}: {error}"));
    let text = response.body_mut().read_to_string().unwrap();
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {url}: {text}"));
    value["value"].clone()
}

/// `hooksafe listen --ui` for Stripe on free ports: the process, the receiving URL and the inspector's URL with its
/// token.
fn listen() -> (Process, String, String) {
    listen_for("stripe", SECRET)
}

/// [`listen`] for `scheme` with `secret`.
fn listen_for(scheme: &str, secret: &str) -> (Process, String, String) {
    let mut process = Process(
        Command::new(env!("CARGO_BIN_EXE_hooksafe"))
            .args(["listen", "--scheme", scheme, "--secret", secret, "--port", "0", "--ui"])
            .env_remove("HOOKSAFE_SECRET")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut out = BufReader::new(process.0.stdout.take().unwrap());
    let mut line = |prefix: &str| {
        let mut text = String::new();
        out.read_line(&mut text).unwrap();
        assert!(text.starts_with(prefix), "{text}");
        text.split_whitespace().nth(2).unwrap().to_owned()
    };
    let receiving = line("listening on");
    let page = line("inspector on");
    assert!(page.contains("/#token="), "{page}");
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (process, receiving, page)
}

/// Posts a Stripe delivery of `body` to `url`, signed with `secret`, with `extra` headers: the status.
fn deliver(url: &str, secret: &str, body: &str, extra: &[(&str, &str)]) -> u16 {
    deliver_at(url, secret, body, extra, time::OffsetDateTime::now_utc())
}

/// [`deliver`], signed at `at`.
fn deliver_at(url: &str, secret: &str, body: &str, extra: &[(&str, &str)], at: time::OffsetDateTime) -> u16 {
    let signer = Signer::new(Scheme::Stripe, secret).unwrap();
    let headers = signer.headers("", at, body.as_bytes()).unwrap();
    let agent = agent();
    let mut call = agent.post(url);
    for (name, value) in &headers {
        call = call.header(name.as_str(), value.to_str().unwrap());
    }
    for (name, value) in extra {
        call = call.header(*name, *value);
    }
    call.send(body).unwrap().status().as_u16()
}

#[test]
fn the_inspector_shows_each_delivery_with_its_verdict_and_replays_one_in_a_real_browser() {
    let (_listen, receiving, page) = listen();
    let url = format!("{receiving}webhooks/stripe");
    let paid = r#"{"id":"evt_paid_1","object":"event","type":"invoice.paid","data":{"object":{"amount_paid":4200}}}"#;
    let deleted = r#"{"id":"evt_sub_2","object":"event","type":"customer.subscription.deleted","data":{}}"#;
    let forged = r#"{"id":"evt_forged_3","object":"event","type":"payout.paid","data":{}}"#;
    assert_eq!(deliver(&url, SECRET, paid, &[]), 200);
    assert_eq!(deliver(&url, SECRET, deleted, &[]), 200);
    assert_eq!(deliver(&url, "whsec_not_the_secret", forged, &[("authorization", BEARER)]), 401);

    let browser = Browser::start();
    browser.call("POST", "/url", Some(&json!({ "url": page })));
    browser.wait_for("return document.querySelectorAll('details.delivery').length === 3", "three deliveries");

    let rows = browser.run(
        "return [...document.querySelectorAll('details.delivery')].map(d => ({
            verdict: d.dataset.verdict,
            id: d.querySelector('[data-field=id]').textContent,
            type: d.querySelector('[data-field=event-type]').textContent,
            reason: d.querySelector('[data-field=reason]').textContent,
            headers: d.querySelector('[data-field=headers]').textContent,
            body: d.querySelector('[data-field=body]').textContent,
        }))",
    );
    let rows = rows.as_array().unwrap();
    let (newest, middle, oldest) = (&rows[0], &rows[1], &rows[2]);
    assert_eq!(newest["verdict"], "rejected", "{rows:?}");
    let reason = newest["reason"].as_str().unwrap();
    assert!(reason.contains("invalid signature") && reason.contains("stripe-signature"), "{reason}");
    assert_eq!(newest["id"], "–", "an unverified id is not shown as the delivery's");
    let headers = newest["headers"].as_str().unwrap();
    assert!(headers.contains("authorization") && headers.contains("(masked)"), "{headers}");
    let text = browser.run("return document.body.textContent").as_str().unwrap().to_owned();
    assert!(text.contains("authorization") && !text.contains("inspector-credential"), "a credential is shown: {text}");
    assert_eq!((middle["verdict"].as_str(), middle["id"].as_str()), (Some("processed"), Some("evt_sub_2")));
    assert_eq!(middle["type"], "customer.subscription.deleted");
    assert_eq!((oldest["verdict"].as_str(), oldest["id"].as_str()), (Some("processed"), Some("evt_paid_1")));
    assert_eq!(oldest["type"], "invoice.paid");
    // Pretty-printed in the order it was sent.
    assert!(oldest["body"].as_str().unwrap().starts_with("{\n  \"id\": \"evt_paid_1\",\n  \"object\""), "{oldest}");

    // The first delivery, opened and replayed with its button: `listen` answers it as the duplicate it is, and the
    // replay appears on the page as a fourth delivery.
    assert_eq!(browser.replay(1, "replay"), "listen answered 200 (duplicate)");
    browser.wait_for("return document.querySelectorAll('details.delivery').length === 4", "the replayed delivery");
    let replayed = browser.run("return document.querySelector('details.delivery').dataset.verdict");
    assert_eq!(replayed, "duplicate");

    // The forged one cannot be re-signed: listen's keys did not sign it, and the command signs nothing else.
    let refused = browser.replay(3, "replay-resigned");
    assert!(refused.starts_with("replay failed: only a delivery that listen's keys signed"), "{refused}");

    // A genuine delivery that went stale is refused by listen, and processed once re-signed; the new signature is
    // masked on the page.
    let stale = r#"{"id":"evt_stale_5","object":"event","type":"invoice.paid","data":{}}"#;
    let an_hour_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    assert_eq!(deliver_at(&url, SECRET, stale, &[], an_hour_ago), 401);
    browser.wait_for("return document.querySelectorAll('details.delivery').length === 5", "the stale delivery");
    assert_eq!(browser.replay(5, "replay-resigned"), "listen answered 200");
    browser.wait_for("return document.querySelectorAll('details.delivery').length === 6", "the re-signed replay");
    let replayed = browser.run(
        "const d = document.querySelector('details.delivery');
         return [d.dataset.verdict, d.querySelector('[data-field=id]').textContent,
                 d.querySelector('[data-field=headers]').textContent]",
    );
    assert_eq!((replayed[0].as_str(), replayed[1].as_str()), (Some("processed"), Some("evt_stale_5")), "{replayed}");
    let headers = replayed[2].as_str().unwrap();
    assert!(headers.contains("stripe-signature••••••••"), "the new signature is masked: {headers}");
    browser.open(6);

    browser.run("window.scrollTo(0, 0)");
    let screenshot = browser.call("GET", "/screenshot", None);
    let png = base64::engine::general_purpose::STANDARD.decode(screenshot.as_str().unwrap()).unwrap();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("inspector.png");
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
}

#[test]
fn the_inspector_answers_only_its_own_host_name_and_gives_data_only_for_its_token() {
    let (_listen, receiving, page) = listen();
    assert_eq!(deliver(&format!("{receiving}hook"), SECRET, r#"{"id":"evt_1","type":"a"}"#, &[]), 200);
    let (base, token) = page.split_once("#token=").unwrap();
    let agent = agent();
    let status = |method: &str, path: &str, headers: &[(&str, &str)]| {
        let url = format!("{base}{path}");
        let mut call = http::Request::builder().method(method).uri(&url);
        for (name, value) in headers {
            call = call.header(*name, *value);
        }
        agent.run(call.body(Vec::new()).unwrap()).unwrap().status().as_u16()
    };
    let rebound = ("host", "attacker.example:80");
    // The page itself carries no token, but only under this server's name (a rebound DNS name is not).
    assert_eq!(status("GET", "", &[]), 200);
    assert_eq!(status("GET", "", &[rebound]), 421);
    // Data and replays need the token, which only the printed address holds.
    assert_eq!(status("GET", "deliveries", &[]), 403);
    assert_eq!(status("GET", "deliveries", &[("x-hooksafe-token", "0123456789abcdef0123456789abcdef")]), 403);
    assert_eq!(status("GET", "deliveries", &[("x-hooksafe-token", token), rebound]), 421);
    assert_eq!(status("GET", "deliveries", &[("x-hooksafe-token", token)]), 200);
    assert_eq!(status("POST", "deliveries/1/replay", &[]), 403);
    assert_eq!(status("POST", "deliveries/1/replay", &[("x-hooksafe-token", token), rebound]), 421);
    assert_eq!(status("POST", "deliveries/1/replay", &[("x-hooksafe-token", token)]), 200);
    let html = agent.get(base).call().unwrap().body_mut().read_to_string().unwrap();
    assert!(!html.contains(token), "the page does not carry the token");
}

/// `POST {page}deliveries/{seq}/replay?resign=1` with the page's token: the status and the answer's text.
fn resign(page: &str, seq: u64) -> (u16, String) {
    let (base, token) = page.split_once("#token=").unwrap();
    let mut response = agent()
        .post(&format!("{base}deliveries/{seq}/replay?resign=1"))
        .header("x-hooksafe-token", token)
        .send_empty()
        .unwrap();
    (response.status().as_u16(), response.body_mut().read_to_string().unwrap())
}

/// The deliveries the page would show, newest last.
fn shown(page: &str) -> Vec<Value> {
    let (base, token) = page.split_once("#token=").unwrap();
    let mut response = agent().get(&format!("{base}deliveries")).header("x-hooksafe-token", token).call().unwrap();
    let list: Value = serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    list["deliveries"].as_array().unwrap().clone()
}

#[test]
fn a_stale_delivery_is_re_signed_with_its_own_id_and_an_endpoint_check_is_never_re_signed() {
    // Standard Webhooks carries its id in a header: the re-signed replay keeps it.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let (_listen, receiving, page) = listen_for("standard-webhooks", secret);
    let signer = Signer::new(Scheme::StandardWebhooks, secret).unwrap();
    let an_hour_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let body = br#"{"type":"user.created"}"#;
    let headers = signer.headers("msg_stale", an_hour_ago, body).unwrap();
    let mut call = agent().post(&receiving);
    for (name, value) in &headers {
        call = call.header(name.as_str(), value.to_str().unwrap());
    }
    assert_eq!(call.send(&body[..]).unwrap().status().as_u16(), 401);
    assert_eq!(resign(&page, 1), (200, r#"{"outcome":null,"status":200}"#.to_owned()));
    let deliveries = shown(&page);
    let replayed = deliveries.last().unwrap();
    assert_eq!((replayed["verdict"].as_str(), replayed["id"].as_str()), (Some("processed"), Some("msg_stale")));

    // Dropbox's unsigned `GET ?challenge=` "verifies" with no signature over its body: never re-signed.
    let (_listen, receiving, page) = listen_for("dropbox", "dropbox-app-secret-0123456789");
    let address = receiving.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let chosen = r#"{"list_folder":{"accounts":["attacker-chosen"]}}"#;
    let request = format!(
        "GET /?challenge=abc HTTP/1.1\r\nhost: {address}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{chosen}",
        chosen.len()
    );
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let started = Instant::now();
    while shown(&page).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the check was not recorded");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(shown(&page)[0]["verdict"], "handshake");
    let (status, why) = resign(&page, 1);
    assert_eq!(status, 409, "{why}");
    assert_eq!(shown(&page).len(), 1, "nothing was sent");
}
