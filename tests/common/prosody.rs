//! A throw-away Prosody XMPP server on loopback for integration tests.
//!
//! Every [`Prosody`] gets its own temporary directory (config, data, log, self-signed
//! certificate) and its own free ports, so several instances can run side by side
//! (also within one test). The server is killed when the value is dropped.
//!
//! The server is Prosody 13 (tests/run.sh installs it from Debian's
//! backports with the community modules); the compatibility job runs part of
//! the suite against 0.12 (`PLAUSCH_TEST_PROSODY_ROOT`, see [`program`]).
//! Quirks handled here (seen with 0.12, still true of 13):
//! * as root it refuses to start unless the config says `run_as_root = true`;
//! * `prosody --version` does not print-and-exit, it starts a server, so it is never
//!   used to probe for the installation (we look the binaries up on `PATH` instead);
//! * a port that cannot be bound is only logged ("Failed to open server port"), the
//!   server keeps running, so the log is checked after startup;
//! * `daemonize = false` is deprecated in favour of `-F`; both are given (the config
//!   option only causes a warning in the log).

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use tempfile::TempDir;

const DOMAIN: &str = "localhost";
const MISSING: &str = "Prosody is missing: run tests/run.sh or apt-get install prosody";
/// How long to wait for a (re)started server to answer on its c2s port.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for the server to exit after SIGTERM before SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts with fresh ports when another process grabbed one of ours meanwhile.
const START_ATTEMPTS: usize = 5;

/// With this set (tests/run.sh's compatibility job), the server is the
/// older Prosody unpacked under it by tests/prosody-0.12.sh instead of the
/// installed one (Prosody 13).
const OLD_SERVER_ROOT: &str = "PLAUSCH_TEST_PROSODY_ROOT";

/// The path of one of the server's programs.
fn program(name: &str) -> PathBuf {
    match std::env::var_os(OLD_SERVER_ROOT) {
        Some(root) => Path::new(&root).join("usr/bin").join(name),
        None => PathBuf::from(name),
    }
}

/// Whether the tests run against the older server (see [`OLD_SERVER_ROOT`]):
/// it lacks the modules Prosody 13 has, which are then not configured.
pub fn old_server() -> bool {
    std::env::var_os(OLD_SERVER_ROOT).is_some()
}

/// A running (or stopped) Prosody instance on 127.0.0.1.
pub struct Prosody {
    dir: TempDir,
    c2s_port: u16,
    direct_tls_port: u16,
    http_port: u16,
    https_port: u16,
    /// The SOCKS5 bytestreams proxy (XEP-0065, `mod_proxy65`).
    proxy65_port: u16,
    cert_sha256: String,
    cert: ServerCert,
    child: Option<Child>,
    /// `http_file_share_size_limit` in bytes (None: Prosody's 10 MiB).
    upload_size_limit: Option<u64>,
    upload: Upload,
}

/// How the upload service (`upload.localhost`) hands out its URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// `http://localhost:<port>/` (the account's own domain: allowed, marked).
    PlainHttp,
    /// `https://localhost:<port>/` with the test CA's certificate, which the
    /// test accounts trust through their CA file.
    Https,
    /// `https://…` with a self-signed certificate nobody trusts.
    HttpsUntrusted,
}

/// The certificate the server presents on its XMPP and HTTPS ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerCert {
    /// For `localhost` and its components, signed by the private test CA
    /// (like a staging server with its own CA).
    PrivateCa,
    /// Self-signed with `CA:TRUE`, as `openssl req -x509` makes it by
    /// default (and many appliances), for these DNS names (subjectAltName;
    /// the first is also the CN).
    SelfSigned(&'static [&'static str]),
}

/// Why a start attempt failed.
enum StartError {
    /// A port was taken by someone else: worth trying again with other ports.
    PortInUse(String),
    /// Anything else: give up.
    Fatal(String),
}

impl Prosody {
    /// Starts a fresh Prosody: temp dir, free ports, self-signed cert.
    ///
    /// Panics with a clear message if Prosody (or openssl) is not installed or the
    /// server does not come up.
    pub fn start() -> Prosody {
        Prosody::start_with_upload_limit(None)
    }

    /// Like [`start`](Self::start), with the upload service
    /// (`upload.localhost`) accepting files up to `limit` bytes (and a
    /// daily quota of a hundred of them).
    pub fn start_with_upload_limit(limit: Option<u64>) -> Prosody {
        Prosody::start_with_upload(limit, Upload::PlainHttp)
    }

    /// Like [`start_with_upload_limit`](Self::start_with_upload_limit), with
    /// the upload service's URLs as `upload` says.
    pub fn start_with_upload(limit: Option<u64>, upload: Upload) -> Prosody {
        Prosody::start_with(limit, upload, ServerCert::PrivateCa)
    }

    /// Like [`start`](Self::start), presenting the certificate `cert`.
    pub fn start_with_cert(cert: ServerCert) -> Prosody {
        Prosody::start_with(None, Upload::PlainHttp, cert)
    }

    fn start_with(limit: Option<u64>, upload: Upload, cert: ServerCert) -> Prosody {
        for tool in ["prosody", "prosodyctl"] {
            if find_on_path(tool).is_none() {
                panic!("{MISSING} (`{tool}` not found on PATH)");
            }
        }
        if find_on_path("openssl").is_none() {
            panic!("openssl is missing: run tests/run.sh or apt-get install openssl");
        }

        let dir = tempfile::Builder::new()
            .prefix("plausch-prosody-")
            .tempdir()
            .expect("create temp dir for Prosody");
        fs::create_dir_all(dir.path().join("data")).expect("create Prosody data dir");
        fs::create_dir_all(dir.path().join("certs")).expect("create Prosody certs dir");
        let certs = dir.path().join("certs");
        let (server_cert, server_key) = (certs.join("localhost.crt"), certs.join("localhost.key"));
        match cert {
            ServerCert::PrivateCa => make_certificate(&certs),
            ServerCert::SelfSigned(names) => self_signed_ca(names, &server_cert, &server_key),
        }
        let cert_sha256 = sha256_fingerprint(&server_cert);
        if upload == Upload::HttpsUntrusted {
            make_self_signed(&dir.path().join("untrusted"));
        }

        let mut server = Prosody {
            dir,
            c2s_port: 0,
            direct_tls_port: 0,
            http_port: 0,
            https_port: 0,
            proxy65_port: 0,
            cert_sha256,
            cert,
            child: None,
            upload_size_limit: limit,
            upload,
        };
        for attempt in 1..=START_ATTEMPTS {
            let [c2s, direct_tls, http, https, proxy65] = free_ports();
            server.proxy65_port = proxy65;
            server.c2s_port = c2s;
            server.direct_tls_port = direct_tls;
            server.http_port = http;
            server.https_port = https;
            server.write_config();
            match server.spawn_and_wait() {
                Ok(()) => return server,
                Err(StartError::PortInUse(msg)) if attempt < START_ATTEMPTS => {
                    eprintln!("Prosody: port clash ({msg}), retrying with other ports");
                    server.stop();
                }
                Err(StartError::PortInUse(msg) | StartError::Fatal(msg)) => {
                    server.stop();
                    panic!("{msg}");
                }
            }
        }
        unreachable!("the last attempt either returns or panics")
    }

    /// The XMPP domain of the single virtual host: `"localhost"`.
    pub fn domain(&self) -> &str {
        DOMAIN
    }

    /// The MUC service domain (`conference.localhost`).
    pub fn muc_domain(&self) -> String {
        format!("conference.{DOMAIN}")
    }

    /// The HTTP file upload (XEP-0363) service domain (`upload.localhost`).
    pub fn upload_domain(&self) -> String {
        format!("upload.{DOMAIN}")
    }

    /// The client port offering STARTTLS (encryption is required).
    pub fn c2s_port(&self) -> u16 {
        self.c2s_port
    }

    /// The XEP-0368 direct TLS client port.
    pub fn direct_tls_port(&self) -> u16 {
        self.direct_tls_port
    }

    /// The plain HTTP port (serves the upload component).
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// What to trust the server through (PEM), via the account's `ca_file`:
    /// the private test CA that signed the server certificate, or a
    /// self-signed server certificate itself.
    pub fn ca_file(&self) -> PathBuf {
        match self.cert {
            ServerCert::PrivateCa => self.dir.path().join("ca").join("ca.crt"),
            ServerCert::SelfSigned(_) => self.dir.path().join("certs").join("localhost.crt"),
        }
    }

    /// SHA-256 fingerprint of the server certificate, upper-case hex with `:` separators.
    pub fn cert_sha256(&self) -> String {
        self.cert_sha256.clone()
    }

    /// The temporary directory holding config, data, certs and logs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The Prosody log file (level info and above; debug with
    /// `PLAUSCH_TEST_PROSODY_DEBUG=1`).
    pub fn log_file(&self) -> PathBuf {
        self.dir.path().join("prosody.log")
    }

    /// Whether the server process is currently running.
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Starts a server with these `(user, password)` accounts.
    pub fn with_users(users: &[(&str, &str)]) -> Prosody {
        let server = Prosody::start();
        for (user, password) in users {
            server.register(user, password);
        }
        server
    }

    /// Creates the account `user@localhost` (works whether the server runs or not).
    pub fn register(&self, user: &str, password: &str) {
        let output = Command::new(program("prosodyctl"))
            .arg("--config")
            .arg(self.config_file())
            .args(["register", user, DOMAIN, password])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{MISSING} (running prosodyctl failed: {e})"));
        if !output.status.success() {
            panic!(
                "prosodyctl register {user} {DOMAIN} failed ({}):\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    /// Runs Lua inside the server (`prosodyctl shell`, global environment)
    /// and returns what it printed; panics if the shell fails.
    pub fn lua(&self, code: &str) -> String {
        let output = Command::new(program("prosodyctl"))
            .arg("--config")
            .arg(self.config_file())
            .arg("shell")
            .arg(format!(">{code}"))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("running prosodyctl shell failed: {e}"));
        let out = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            panic!(
                "prosodyctl shell failed ({}):\n{out}{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        out
    }

    /// Makes room `room` (bare JID) forget the occupant `nick` without
    /// telling anyone, as a room does after a restart or a netsplit: the
    /// occupant's client still thinks it is in.
    pub fn forget_occupant(&self, room: &str, nick: &str) {
        let host = room.split_once('@').map_or(room, |(_, h)| h);
        self.lua(&format!(
            "local r = prosody.hosts[{host:?}].modules.muc.get_room_from_jid({room:?}); \
             local o = {room:?} .. '/' .. {nick:?}; \
             for real, n in pairs(r._jid_nick) do if n == o then r._jid_nick[real] = nil end end; \
             r._occupants[o] = nil; return 'forgotten'"
        ));
    }

    /// Stops the server: SIGTERM, wait (up to 5 s), then SIGKILL. Idempotent.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        // Through `sh` (whose `kill` is a builtin): minimal Debian images lack /bin/kill.
        let _ = Command::new("sh")
            .args(["-c", "kill -TERM \"$1\"", "sh", &child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            sleep(Duration::from_millis(25));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the server process: its sockets
    /// stay open but nothing answers, like a connection that died silently.
    pub fn freeze(&mut self, frozen: bool) {
        let Some(child) = &self.child else { return };
        let signal = if frozen { "-STOP" } else { "-CONT" };
        let _ = Command::new("sh")
            .args([
                "-c",
                &format!("kill {signal} \"$1\""),
                "sh",
                &child.id().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Stops and starts the server again, on the same ports and with the same data.
    pub fn restart(&mut self) {
        self.stop();
        // The listening sockets are closed by now; a fresh bind may still race with the
        // kernel releasing them, so retry briefly on a port clash.
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match self.spawn_and_wait() {
                Ok(()) => return,
                Err(StartError::PortInUse(msg)) if Instant::now() < deadline => {
                    eprintln!("Prosody restart: {msg}; retrying");
                    self.stop();
                    sleep(Duration::from_millis(200));
                }
                Err(StartError::PortInUse(msg) | StartError::Fatal(msg)) => {
                    self.stop();
                    panic!("{msg}");
                }
            }
        }
    }

    fn config_file(&self) -> PathBuf {
        self.dir.path().join("prosody.cfg.lua")
    }

    fn console_file(&self) -> PathBuf {
        self.dir.path().join("console.log")
    }

    fn write_config(&self) {
        let dir = self.dir.path();
        let cert = dir.join("certs").join("localhost.crt");
        let key = dir.join("certs").join("localhost.key");
        let ssl = format!(
            "ssl = {{ certificate = {}; key = {} }}",
            lua_str(&cert),
            lua_str(&key)
        );
        let mut cfg = String::new();
        let _ = write!(
            cfg,
            r#"-- Generated by tests/common/prosody.rs
run_as_root = true
daemonize = false
pidfile = {pidfile}
data_path = {data}
log = {{ {level} = {log} }}
interfaces = {{ "127.0.0.1" }}
local_interfaces = {{ "127.0.0.1" }}
http_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {c2s} }}
c2s_direct_tls_ports = {{ {direct_tls} }}
legacy_ssl_ports = {{}}
s2s_ports = {{}}
s2s_direct_tls_ports = {{}}
component_ports = {{}}
proxy65_ports = {{ {proxy65} }}
proxy65_interfaces = {{ "127.0.0.1" }}
http_ports = {{ {http} }}
https_ports = {{ {https} }}
https_ssl = {https_ssl}

modules_enabled = {{
    "roster"; "saslauth"; "tls"; "disco"; "carbons"; "pep"; "private"; "blocklist";
    "vcard4"; "vcard_legacy"; "version"; "ping"; "register"; "mam"; "csi_simple";
    "smacks"; "bookmarks"; "lastactivity"; "admin_shell"; {modern_modules}
}}
modules_disabled = {{ "s2s"; "offline" }}

allow_registration = true
archive_expires_after = "never"
csi_resume_inactive_delay = 1
-- tests/avatars.rs sends avatar items just over the client's 1 MiB limit
-- (base64: 1.4 MB); Prosody's default stanza limit is 256 KiB.
c2s_stanza_size_limit = 4 * 1024 * 1024
default_archive_policy = true
-- Prosody's internal archive store holds 10,000 items per user by default;
-- above that every append rewrites the whole archive file (truncating it
-- to 9,900), which made the benchmarks' repeated floods (2,000 messages
-- and 2,000 archived receipts each) slower with every run.
storage_archive_item_limit = 1000000
c2s_require_encryption = true
authentication = "internal_hashed"
storage = "internal"
certificates = {certs}

VirtualHost "localhost"
    {ssl}

Component "conference.localhost" "muc"
    modules_enabled = {{ {muc_modules} }}
    {ssl}

-- SOCKS5 bytestreams proxy for direct file transfers (XEP-0065).
Component "proxy.localhost" "proxy65"
    proxy65_address = "127.0.0.1"

Component "upload.localhost" "http_file_share"
    http_host = "localhost"
    http_external_url = "{upload_url}"
    {upload_limit}
    {ssl}
"#,
            // SASL2 with Bind2, inline stream resumption and FAST (XEP-0388,
            // 0386, 0198, 0484) from Prosody 13's community modules: offered
            // beside the classic login, as servers in the field do.
            modern_modules = if old_server() {
                ""
            } else {
                r#""sasl2"; "sasl2_bind2"; "sasl2_sm"; "sasl2_fast";"#
            },
            // Moderation (XEP-0425) comes with Prosody 13's community modules.
            muc_modules = if old_server() {
                r#""muc_mam""#
            } else {
                r#""muc_mam"; "muc_moderation""#
            },
            upload_limit = match self.upload_size_limit {
                Some(n) => format!(
                    "http_file_share_size_limit = {n}\n    http_file_share_daily_quota = {}",
                    n * 100
                ),
                None => String::new(),
            },
            pidfile = lua_str(&dir.join("prosody.pid")),
            data = lua_str(&dir.join("data")),
            log = lua_str(&self.log_file()),
            // PLAUSCH_TEST_PROSODY_DEBUG=1: every stanza in the log (slow; for
            // finding out what the server saw, e.g. in the chaos soak).
            level = if std::env::var_os("PLAUSCH_TEST_PROSODY_DEBUG").is_some() {
                "debug"
            } else {
                "info"
            },
            certs = lua_str(&dir.join("certs")),
            c2s = self.c2s_port,
            direct_tls = self.direct_tls_port,
            http = self.http_port,
            https = self.https_port,
            proxy65 = self.proxy65_port,
            https_ssl = {
                let (cert, key) = match self.upload {
                    Upload::HttpsUntrusted => (
                        dir.join("untrusted").join("cert.pem"),
                        dir.join("untrusted").join("key.pem"),
                    ),
                    Upload::PlainHttp | Upload::Https => (cert.clone(), key.clone()),
                };
                format!(
                    "{{ certificate = {}; key = {} }}",
                    lua_str(&cert),
                    lua_str(&key)
                )
            },
            upload_url = match self.upload {
                Upload::PlainHttp => format!("http://localhost:{}/", self.http_port),
                Upload::Https | Upload::HttpsUntrusted => {
                    format!("https://localhost:{}/", self.https_port)
                }
            },
        );
        fs::write(self.config_file(), cfg).expect("write Prosody config");
    }

    /// Spawns `prosody` and waits until its c2s port answers with a stream header.
    fn spawn_and_wait(&mut self) -> Result<(), StartError> {
        assert!(self.child.is_none(), "Prosody is already running");
        let log_offset = file_len(&self.log_file());
        let console = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.console_file())
            .expect("open Prosody console log");
        let console_err = console.try_clone().expect("clone console log handle");
        let child = Command::new(program("prosody"))
            .arg("-F")
            .arg("--config")
            .arg(self.config_file())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(console)
            .stderr(console_err)
            .spawn()
            .map_err(|e| StartError::Fatal(format!("{MISSING} (spawning prosody failed: {e})")))?;
        self.child = Some(child);

        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let new_log = read_from(&self.log_file(), log_offset);
            if let Some(line) = new_log
                .lines()
                .find(|l| l.contains("Failed to open server port"))
            {
                return Err(StartError::PortInUse(line.to_owned()));
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                return Err(StartError::Fatal(
                    self.failure(&format!("Prosody exited during startup ({status})")),
                ));
            }
            if stream_answers(self.c2s_port) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(StartError::Fatal(self.failure(&format!(
                    "Prosody did not answer on 127.0.0.1:{} within {:?}",
                    self.c2s_port, READY_TIMEOUT
                ))));
            }
            sleep(Duration::from_millis(50));
        }
    }

    /// A panic message with the tails of the log files.
    fn failure(&self, what: &str) -> String {
        format!(
            "{what}\n--- config: {}\n--- tail of {}:\n{}\n--- tail of {}:\n{}",
            self.config_file().display(),
            self.log_file().display(),
            tail(&self.log_file(), 40),
            self.console_file().display(),
            tail(&self.console_file(), 20),
        )
    }
}

impl Drop for Prosody {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Opens an XMPP client stream and checks that the server answers with its stream
/// header and features (proves the event loop runs, not just that the socket listens).
fn stream_answers(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let header = format!(
        "<?xml version='1.0'?><stream:stream to='{DOMAIN}' version='1.0' \
         xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
    );
    if stream.write_all(header.as_bytes()).is_err() {
        return false;
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => {
                received.extend_from_slice(&buf[..n]);
                if String::from_utf8_lossy(&received).contains("</stream:features>") {
                    let _ = stream.write_all(b"</stream:stream>");
                    return true;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return false,
        }
    }
    false
}

/// Three distinct free TCP ports on 127.0.0.1 (all bound at once, then released).
fn free_ports() -> [u16; 5] {
    let listeners: Vec<TcpListener> = (0..5)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind a free port on 127.0.0.1"))
        .collect();
    let port = |i: usize| listeners[i].local_addr().expect("local addr").port();
    [port(0), port(1), port(2), port(3), port(4)]
}

/// A self-signed certificate for `localhost` in `dir` (`cert.pem`,
/// `key.pem`), signed by no CA the tests trust.
fn make_self_signed(dir: &Path) {
    fs::create_dir_all(dir).expect("create dir for the untrusted certificate");
    self_signed(
        "/CN=localhost",
        // A server certificate, not a CA: refused for its unknown issuer.
        &[
            "subjectAltName=DNS:localhost",
            "basicConstraints=critical,CA:FALSE",
        ],
        &dir.join("key.pem"),
        &dir.join("cert.pem"),
    );
}

/// `openssl req -x509`: a new RSA key and a self-signed certificate for
/// `subject` with the extensions `exts`, valid for two days.
fn self_signed(subject: &str, exts: &[&str], key: &Path, cert: &Path) {
    let mut args: Vec<&std::ffi::OsStr> = ["req", "-x509", "-newkey", "rsa:2048", "-nodes"]
        .into_iter()
        .chain(["-days", "2", "-subj", subject])
        .map(std::ffi::OsStr::new)
        .collect();
    for ext in exts {
        args.push(std::ffi::OsStr::new("-addext"));
        args.push(std::ffi::OsStr::new(ext));
    }
    args.extend([
        std::ffi::OsStr::new("-keyout"),
        key.as_os_str(),
        std::ffi::OsStr::new("-out"),
        cert.as_os_str(),
    ]);
    openssl(&args);
}

/// Runs openssl with `args`, panicking with its stderr on failure.
fn openssl(args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let output = Command::new("openssl")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    assert!(
        output.status.success(),
        "openssl {:?} failed: {}",
        args,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A self-signed certificate `cert` (key `key`) with `CA:TRUE`, as
/// `openssl req -x509` makes them by default, for the DNS names `names`
/// (subjectAltName; the first is also the CN).
pub fn self_signed_ca(names: &[&str], cert: &Path, key: &Path) {
    let first = names.first().expect("at least one name");
    let dns: Vec<String> = names.iter().map(|n| format!("DNS:{n}")).collect();
    let san = format!("subjectAltName={}", dns.join(","));
    self_signed(
        &format!("/CN={first}"),
        &[&san, "basicConstraints=critical,CA:TRUE"],
        key,
        cert,
    );
    // Prosody may run as another user than the test (e.g. the `prosody` user).
    for file in [cert, key] {
        set_mode(file, 0o644);
    }
}

/// Creates a private test CA in `certs/../ca` and `localhost.crt`/`localhost.key`
/// signed by it in `certs` (like a staging server with its own CA).
fn make_certificate(certs: &Path) {
    let ca_dir = certs.parent().expect("certs has a parent").join("ca");
    fs::create_dir_all(&ca_dir).expect("create ca dir");
    let ca_cert = ca_dir.join("ca.crt");
    let ca_key = ca_dir.join("ca.key");
    let cert = certs.join("localhost.crt");
    let key = certs.join("localhost.key");
    let csr = ca_dir.join("localhost.csr");
    let ext = ca_dir.join("leaf.ext");
    fs::write(
        &ext,
        "subjectAltName=DNS:localhost,DNS:conference.localhost,DNS:upload.localhost\n\
         basicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\n",
    )
    .expect("write extensions");
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    self_signed(
        "/CN=Plausch Test CA",
        &[
            "basicConstraints=critical,CA:TRUE",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        &ca_key,
        &ca_cert,
    );
    openssl(&[
        os("req"),
        os("-new"),
        os("-newkey"),
        os("rsa:2048"),
        os("-nodes"),
        os("-subj"),
        os("/CN=localhost"),
        os("-keyout"),
        key.as_os_str(),
        os("-out"),
        csr.as_os_str(),
    ]);
    openssl(&[
        os("x509"),
        os("-req"),
        os("-in"),
        csr.as_os_str(),
        os("-CA"),
        ca_cert.as_os_str(),
        os("-CAkey"),
        ca_key.as_os_str(),
        os("-CAcreateserial"),
        os("-days"),
        os("2"),
        os("-extfile"),
        ext.as_os_str(),
        os("-out"),
        cert.as_os_str(),
    ]);
    // Prosody may run as another user than the test (e.g. the `prosody` user).
    for file in [&cert, &key] {
        set_mode(file, 0o644);
    }
}

/// The SHA-256 fingerprint of the PEM certificate `cert`, upper-case hex
/// with `:` separators.
fn sha256_fingerprint(cert: &Path) -> String {
    let os = std::ffi::OsStr::new;
    let output = openssl(&[
        os("x509"),
        os("-noout"),
        os("-fingerprint"),
        os("-sha256"),
        os("-in"),
        cert.as_os_str(),
    ]);
    // "sha256 Fingerprint=AB:CD:..." (older openssl: "SHA256 Fingerprint=...")
    let text = String::from_utf8_lossy(&output);
    let hex = text
        .trim()
        .rsplit('=')
        .next()
        .expect("fingerprint output")
        .trim()
        .to_ascii_uppercase();
    assert!(
        hex.len() == 32 * 3 - 1 && hex.split(':').all(|b| b.len() == 2),
        "unexpected openssl fingerprint output: {text:?}"
    );
    hex
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

/// A path as a double-quoted Lua string literal.
fn lua_str(path: &Path) -> String {
    let s = path.to_str().expect("temp paths are UTF-8");
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The contents of `path` from byte `offset` on (empty if missing).
fn read_from(path: &Path, offset: u64) -> String {
    use std::io::{Seek, SeekFrom};
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(offset)).is_ok() {
        let _ = file.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The last `lines` lines of a file.
fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_else(|e| format!("(cannot read: {e})"));
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
