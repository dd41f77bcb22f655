//! A PostgreSQL server of the test's own: `initdb` into a fresh directory, listening on a free loopback port, stopped
//! and deleted on drop. Runs the server binaries as the `postgres` user when the tests run as root (PostgreSQL
//! refuses to run as root). Fails loudly, with the install command, when the binaries are missing.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Whether commits are flushed to disk (`fsync`), as in production; the tests turn it off for speed.
    durable: bool,
}

/// The directory holding `initdb` and `pg_ctl`: on `PATH`, or Debian's `/usr/lib/postgresql/<version>/bin`.
fn binaries() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file());
    let debian = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|versions| {
        let mut dirs: Vec<PathBuf> = versions.filter_map(|entry| Some(entry.ok()?.path().join("bin"))).collect();
        dirs.sort();
        dirs.into_iter().rev().find(|dir| dir.join("initdb").is_file())
    });
    on_path.or(debian).unwrap_or_else(|| {
        panic!(
            "the `postgres` feature's tests need the PostgreSQL server binaries (initdb, pg_ctl); install them with \
             `apt-get install -y postgresql` (Debian/Ubuntu) or `brew install postgresql`"
        )
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|output| output.stdout.starts_with(b"0\n"))
}

impl Postgres {
    /// A server for tests: commits are not flushed to disk.
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// A server that flushes every commit to disk, as a production server does: for measurements.
    pub fn start_durable() -> Self {
        Self::start_with(true)
    }

    fn start_with(durable: bool) -> Self {
        let bin = binaries();
        let unique = format!("hooksafe-pg-{}-{}", std::process::id(), hooksafe::store::Token::new().to_hex());
        let dir = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().unwrap();
            assert!(status.success(), "could not hand {} to the postgres user", dir.display());
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = Self { dir, bin, port, durable };
        let data = server.dir.join("data");
        server.run("initdb", &["-D", path(&data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        server.start_again();
        server
    }

    /// Runs one of the server's binaries, as the `postgres` user when the tests run as root.
    fn run(&self, binary: &str, args: &[&str]) {
        let program = self.bin.join(binary);
        let mut command = if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        let output = command.args(args).output().unwrap_or_else(|error| panic!("could not run {binary}: {error}"));
        assert!(
            output.status.success(),
            "{binary} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts the server (again), on the same port and data.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync={} -c max_connections=200 \
             -c shared_preload_libraries=pg_stat_statements",
            self.port,
            path(&self.dir),
            if self.durable { "on" } else { "off" }
        );
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        self.run("pg_ctl", &["-D", path(&data), "-l", path(&log), "-w", "-t", "30", "-o", &options, "start"]);
    }

    /// Stops the server at once, disconnecting every client.
    pub fn stop(&self) {
        let data = self.dir.join("data");
        self.run("pg_ctl", &["-D", path(&data), "-m", "fast", "-w", "stop"]);
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let program = self.bin.join("pg_ctl");
        let args = ["-D", path(&data), "-m", "immediate", "-w", "stop"];
        let _ = if is_root() {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&program).args(args).output()
        } else {
            Command::new(&program).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
