//! Real network peers from Debian's packages: tinyproxy (an HTTP proxy, optionally with basic
//! auth or CONNECT limited to port 443) and stunnel4 (a TLS front for moto, with a private CA
//! made by openssl for the test).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, wait_for_port, Guard};

/// Finds a program in PATH or the sbin folders Debian installs daemons to.
fn program(name: &str) -> PathBuf {
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("{name} is not installed (run `make test`, which installs it)"))
}

/// How a tinyproxy is set up.
#[derive(Debug, Clone, Default)]
pub struct ProxyOptions {
    /// `BasicAuth user password`.
    pub basic_auth: Option<(String, String)>,
    /// Allow CONNECT only to port 443 (so a tunnel to any test port is refused).
    pub connect_443_only: bool,
}

/// A tinyproxy on 127.0.0.1, logging every request it handles.
pub struct Tinyproxy {
    guard: Option<Guard>,
    dir: tempfile::TempDir,
    pub port: u16,
    pub url: String,
}

impl Tinyproxy {
    pub fn start(options: ProxyOptions) -> Tinyproxy {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 100\nLogFile \"{}\"\nLogLevel Connect\nDisableViaHeader Yes\n",
            dir.path().join("access.log").display()
        );
        if let Some((user, password)) = &options.basic_auth {
            conf.push_str(&format!("BasicAuth {user} {password}\n"));
        }
        if options.connect_443_only {
            conf.push_str("ConnectPort 443\n");
        }
        std::fs::write(dir.path().join("tinyproxy.conf"), conf).unwrap();
        let mut proxy = Tinyproxy {
            guard: None,
            dir,
            port,
            url: format!("http://127.0.0.1:{port}"),
        };
        proxy.resume();
        proxy
    }

    /// Starts it again on the same port after [`Tinyproxy::stop`].
    pub fn resume(&mut self) {
        let child = Command::new(program("tinyproxy"))
            .arg("-d")
            .arg("-c")
            .arg(self.dir.path().join("tinyproxy.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tinyproxy");
        self.guard = Some(Guard(child));
        wait_for_port(self.port, "tinyproxy");
    }

    /// Stops it; the port stays free for [`Tinyproxy::resume`].
    pub fn stop(&mut self) {
        self.guard = None;
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "tinyproxy did not stop"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The requests it handled: `GET http://host/path`, `POST http://...` or
    /// `CONNECT host:port`, in order.
    pub fn requests(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default();
        log.lines()
            .filter_map(|l| l.split_once("]: Request (file descriptor ").map(|(_, r)| r))
            .filter_map(|r| r.split_once("): ").map(|(_, req)| req))
            .map(|req| {
                req.trim_end_matches(" HTTP/1.1")
                    .trim_end_matches(" HTTP/1.0")
                    .to_string()
            })
            .collect()
    }

    /// The whole log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

/// A private CA and a server certificate for 127.0.0.1 and localhost, made with openssl.
pub struct PrivateCa {
    pub dir: tempfile::TempDir,
}

impl PrivateCa {
    pub fn new() -> PrivateCa {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .expect("openssl");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Stratus test private CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(
            d.join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        PrivateCa { dir }
    }

    /// The CA certificate (PEM), what clients must trust.
    pub fn ca_path(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    pub fn ca_pem(&self) -> String {
        std::fs::read_to_string(self.ca_path()).unwrap()
    }
}

/// stunnel4 serving TLS on 127.0.0.1 with the private CA's server certificate, in front of an
/// HTTP upstream (moto).
pub struct TlsFront {
    _guard: Guard,
    _dir: tempfile::TempDir,
    pub port: u16,
    /// `https://localhost:PORT`.
    pub endpoint: String,
}

impl TlsFront {
    pub fn start(ca: &PrivateCa, upstream: &str) -> TlsFront {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let upstream = upstream.trim_start_matches("http://");
        let conf = format!(
            "foreground = yes\npid =\nsyslog = no\noutput = {}\n[moto]\naccept = 127.0.0.1:{port}\nconnect = {upstream}\ncert = {}\nkey = {}\n",
            dir.path().join("stunnel.log").display(),
            ca.dir.path().join("server.pem").display(),
            ca.dir.path().join("server.key").display(),
        );
        let conf_path = dir.path().join("stunnel.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(program("stunnel4"))
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start stunnel4");
        let guard = Guard(child);
        wait_for_port(port, "stunnel4");
        TlsFront {
            _guard: guard,
            _dir: dir,
            port,
            endpoint: format!("https://localhost:{port}"),
        }
    }
}
