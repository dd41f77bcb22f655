//! A `nats-server` with JetStream of the test's own, on a free loopback port with its store in a fresh directory,
//! stopped (and the directory deleted) on drop. Fails loudly, with the install command, when the binary is missing.

use super::process;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use async_nats::jetstream::{self, stream};

pub struct NatsServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl NatsServer {
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("hooksafe-nats-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut server = Self { child: spawn(port, &dir), port, dir };
        server.wait_until_ready();
        server
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn wait_until_ready(&mut self) {
        process::wait_until_listening(&mut self.child, self.port, "nats-server");
    }

    pub fn kill(&mut self) {
        process::stop(&mut self.child);
    }

    /// Starts the server again on the same port and store.
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(self.port, &self.dir);
        self.wait_until_ready();
    }

    pub async fn jetstream(&self) -> jetstream::Context {
        jetstream::new(async_nats::connect(self.url()).await.unwrap())
    }

    /// Creates the stream `name` on `subjects` with file storage and this duplicate window.
    pub async fn create_stream(
        &self,
        name: &str,
        subjects: &str,
        duplicate_window: Duration,
        storage: stream::StorageType,
    ) {
        let config = stream::Config {
            name: name.to_owned(),
            subjects: vec![subjects.to_owned()],
            duplicate_window,
            storage,
            ..Default::default()
        };
        self.jetstream().await.create_stream(config).await.unwrap();
    }

    /// How many messages the stream `name` holds.
    pub async fn messages(&self, name: &str) -> u64 {
        self.jetstream().await.get_stream(name).await.unwrap().info().await.unwrap().state.messages
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn spawn(port: u16, dir: &std::path::Path) -> Child {
    Command::new("nats-server")
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd", dir.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "the `nats` feature's tests need `nats-server` on PATH ({error}); install it with \
                 `apt-get install nats-server` (Debian/Ubuntu) or `brew install nats-server`"
            )
        })
}
