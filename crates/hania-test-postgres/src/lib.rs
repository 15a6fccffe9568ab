//! # hania-test-postgres
//!
//! A real, throwaway PostgreSQL server for tests: a fresh cluster in a temp
//! dir on a free loopback port, stopped and deleted on drop. Never a mock.
//!
//! `initdb` runs once per machine and user into a cached template (in the
//! system temp dir); each [`TempPostgres`] copies it, so a cluster starts in
//! a fraction of a second even when every test runs in its own process
//! (as under nextest). When the process is root, the server runs as the
//! `postgres` OS user through `runuser`, since PostgreSQL refuses root.
//! The binaries are found on `PATH`, else under `/usr/lib/postgresql/*/bin`.

#![allow(clippy::expect_used)] // Test support: a broken environment should fail loudly.

use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// Server settings for tests: durability off, so tests are fast.
const FAST_SETTINGS: &[&str] = &[
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
];

/// A running throwaway cluster. Dropping it stops the server and deletes
/// its files.
pub struct TempPostgres {
    dir: TempDir,
    port: u16,
    bin: PathBuf,
    as_postgres: bool,
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn find_bin_dir() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Ok(dir);
            }
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| {
            format!("PostgreSQL binaries not found on PATH nor in /usr/lib/postgresql: {e}")
        })?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| "no PostgreSQL installation found (apt-get install postgresql)".into())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn run(as_postgres: bool, program: &Path, args: &[&str]) -> Result<Output, String> {
    let mut command = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let output = command
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{} {args:?} failed: {}{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn open_dir(path: &Path) -> Result<(), String> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777))
        .map_err(|e| e.to_string())
}

/// The cached, freshly initialised data directory, made once.
fn template(bin: &Path, as_postgres: bool) -> Result<PathBuf, String> {
    let version = run(false, &bin.join("initdb"), &["--version"])?;
    let tag: String = String::from_utf8_lossy(&version.stdout)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let user = if as_postgres {
        "root-as-postgres".to_owned()
    } else {
        std::env::var("USER").unwrap_or_default()
    };
    let root = std::env::temp_dir().join(format!("hania-pg-template-{tag}-{user}"));
    let data = root.join("data");
    if data.join("PG_VERSION").is_file() {
        return Ok(data);
    }
    // Build beside, then rename into place: concurrent test processes
    // either win the rename or find the finished template.
    let scratch = tempfile::Builder::new()
        .prefix("hania-pg-init-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    open_dir(scratch.path())?;
    let scratch_data = scratch.path().join("data");
    let target = scratch_data.to_string_lossy().into_owned();
    run(
        as_postgres,
        &bin.join("initdb"),
        &[
            "-D",
            &target,
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ],
    )?;
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    open_dir(&root)?;
    if std::fs::rename(&scratch_data, &data).is_err() && !data.join("PG_VERSION").is_file() {
        return Err(format!(
            "could not install the template at {}",
            data.display()
        ));
    }
    Ok(data)
}

/// Starts the cluster in `dir` on `port` and waits until it accepts
/// connections.
fn pg_ctl_start(dir: &Path, port: u16, bin: &Path, as_postgres: bool) -> Result<(), String> {
    let data = dir.join("data");
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 {}",
        dir.display(),
        FAST_SETTINGS.join(" ")
    );
    let log = dir.join("server.log").to_string_lossy().into_owned();
    run(
        as_postgres,
        &bin.join("pg_ctl"),
        &[
            "-D",
            &data.to_string_lossy(),
            "-o",
            &options,
            "-l",
            &log,
            "-w",
            "-t",
            "60",
            "start",
        ],
    )
    .map(drop)
    .map_err(|e| format!("{e}\n{}", std::fs::read_to_string(&log).unwrap_or_default()))
}

impl TempPostgres {
    /// Starts a fresh cluster. Panics with the reason when PostgreSQL is
    /// missing or will not start: a test that needs it cannot run without.
    pub fn start() -> Self {
        Self::try_start().expect("start a throwaway PostgreSQL")
    }

    /// Starts a fresh cluster.
    pub fn try_start() -> Result<Self, String> {
        let bin = find_bin_dir()?;
        let as_postgres = is_root();
        let template = template(&bin, as_postgres)?;
        let dir = tempfile::Builder::new()
            .prefix("hania-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        open_dir(dir.path())?;
        let data = dir.path().join("data");
        let cp = Path::new("cp");
        run(
            as_postgres,
            cp,
            &["-a", &template.to_string_lossy(), &data.to_string_lossy()],
        )?;
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port()?;
            match pg_ctl_start(dir.path(), port, &bin, as_postgres) {
                Ok(()) => {
                    return Ok(Self {
                        dir,
                        port,
                        bin,
                        as_postgres,
                    });
                }
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }

    /// Stops the server (fast shutdown: open sessions are ended), keeping
    /// its data, as an outage would. [`TempPostgres::restart`] brings it
    /// back on the same port.
    pub fn stop(&self) {
        let data = self.dir.path().join("data");
        run(
            self.as_postgres,
            &self.bin.join("pg_ctl"),
            &["-D", &data.to_string_lossy(), "-m", "fast", "-w", "stop"],
        )
        .expect("stop the throwaway PostgreSQL");
    }

    /// Starts a stopped server again on the same port and data.
    pub fn restart(&self) {
        pg_ctl_start(self.dir.path(), self.port, &self.bin, self.as_postgres)
            .expect("restart the throwaway PostgreSQL");
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// URL of the default `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = run(
            self.as_postgres,
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                &data.to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpStream;

    use super::*;

    #[test]
    fn a_cluster_listens_until_dropped() {
        let pg = TempPostgres::start();
        let port = pg.port();
        assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
        assert!(pg.url().ends_with(&format!(":{port}/postgres")));
        drop(pg);
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    }

    #[test]
    fn a_stopped_cluster_comes_back_on_its_port() {
        let pg = TempPostgres::start();
        let port = pg.port();
        pg.stop();
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
        pg.restart();
        assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    }
}
