//! A server process of a test's own: waiting for it to listen, and stopping it.

use std::process::Child;
use std::time::{Duration, Instant};

/// Waits up to ten seconds for `child` (the server `name`) to accept connections on the loopback `port`; panics if
/// it exits first or never does.
pub fn wait_until_listening(child: &mut Child, port: u16, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{name} did not start on port {port}");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{name} exited with {status}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Kills `child` and waits for it to end.
pub fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}
