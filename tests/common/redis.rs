//! A `redis-server` of the test's own on a free loopback port, stopped on drop. Fails loudly, with the install
//! command, when the binary is missing.

use super::process;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};

/// A `redis-server` on a free loopback port, stopped on drop.
pub struct Server {
    child: Child,
    port: u16,
    args: Vec<String>,
}

impl Server {
    pub fn start(extra: &[&str]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let args: Vec<String> = extra.iter().map(|arg| (*arg).to_owned()).collect();
        let mut server = Self { child: spawn(port, &args), port, args };
        server.wait_until_ready();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn wait_until_ready(&mut self) {
        process::wait_until_listening(&mut self.child, self.port, "redis-server");
    }

    pub fn kill(&mut self) {
        process::stop(&mut self.child);
    }

    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(self.port, &self.args);
        self.wait_until_ready();
    }

    pub fn cli(&self, args: &[&str]) -> String {
        let output = Command::new("redis-cli").args(["-p", &self.port.to_string()]).args(args).output().unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(port: u16, extra: &[String]) -> Child {
    let port = port.to_string();
    Command::new("redis-server")
        .args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "the `redis` feature's tests need `redis-server` and `redis-cli` on PATH ({error}); \
                 install them with `apt-get install redis-server` (Debian/Ubuntu) or `brew install redis`"
            )
        })
}
