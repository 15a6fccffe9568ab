//! The server as its own process pinned to one core (`taskset`), and
//! what `/proc` says it used.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The first workspace's key (a fixed secret: the bench is its only user).
pub const BOOTSTRAP_KEY: &str = "hania_sk_b3c4b3c4b3c4b3c4b3c4b3c4b3c4b3c4b3c4b3c4";

/// A running `hania serve`.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

/// Where the `hania` binary is: `HANIA_BENCH_SERVER` (to compare builds
/// back to back), else beside this one (both are built by `cargo xtask
/// bench`).
pub fn hania_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("HANIA_BENCH_SERVER") {
        return PathBuf::from(path);
    }
    let me = std::env::current_exe().unwrap();
    let binary = me.with_file_name("hania");
    assert!(
        binary.exists(),
        "{} not found: build it with `cargo build --release -p hania-server`",
        binary.display()
    );
    binary
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl ServerProcess {
    /// Starts the server on `core` against `database_url` and the mock at
    /// `llm`, with the settings in `extra`, and waits until it is ready.
    pub async fn start(
        database_url: &str,
        llm: &str,
        core: usize,
        extra: &[(&str, &str)],
        log: &Path,
    ) -> Self {
        let port = free_port();
        let mut command = Command::new("taskset");
        command
            .arg("-c")
            .arg(core.to_string())
            .arg(hania_binary())
            .arg("serve")
            .env_clear()
            .env("HANIA_BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database_url)
            .env("HANIA_LLM_BASE_URL", llm)
            .env("HANIA_BOOTSTRAP_KEY", BOOTSTRAP_KEY)
            .env("HANIA_BOOTSTRAP_BALANCE", "100000000")
            .env("HANIA_SCHEDULER", "off")
            .env("HANIA_JOBS", "off")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap());
        for (name, value) in extra {
            command.env(name, value);
        }
        let child = command.spawn().unwrap();
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        // Long enough for migrations over a large data set.
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            let ready = client.get(format!("{}/readyz", server.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                server.assert_store(database_url, log);
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start: see {}",
                log.display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the bench if the server opened another store than the one
    /// asked for (its first log line names the store).
    fn assert_store(&self, database_url: &str, log: &Path) {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let opened = text
            .lines()
            .find_map(|line| line.split("store=").nth(1))
            .unwrap_or("(no store line)");
        let wanted = database_url.rsplit('@').next().unwrap_or(database_url);
        assert!(
            opened.contains(wanted),
            "the server opened {opened}, not {database_url}: see {}",
            log.display()
        );
    }

    /// The process id (`taskset` execs the server in its place).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time the server has used, user and system, all threads.
    pub fn cpu(&self) -> Duration {
        cpu_of(self.pid())
    }

    /// Resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// `utime + stime` of a process: fields 14 and 15 of `/proc/<pid>/stat`,
/// counted after the parenthesised command name (which may hold spaces).
pub fn cpu_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // After the name, field 3 (state) is index 0: utime is field 14.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    Duration::from_secs_f64(ticks / clock_ticks())
}
