//! Test rig: the moto AWS emulator in auth mode, the IMDSv2 and counting-proxy fixtures, and
//! the built `gpx_stratus` binary started the way Grafana starts it and called over gRPC.
#![allow(dead_code)] // each test binary uses a different part of the rig

pub mod dashboard;
pub mod network;
pub mod sources;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use grafana_current::pluginv2::{
    self, data_client::DataClient, diagnostics_client::DiagnosticsClient,
    resource_client::ResourceClient,
};
use serde_json::{json, Value};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// The venv's Python (the Makefile passes it; a local `.venv` works too).
pub fn python() -> PathBuf {
    std::env::var_os("STRATUS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"))
}

/// The first fenced block of `lang` in a Markdown text.
pub fn fenced<'a>(markdown: &'a str, lang: &str) -> &'a str {
    markdown
        .split(&format!("```{lang}"))
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap_or_else(|| panic!("no ```{lang} block"))
}

/// A path in the repository.
pub fn repo_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A test helper script.
pub fn support(script: &str) -> PathBuf {
    repo_path("tests/support").join(script)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One HTTP/1.1 request to a fixture on this machine; returns the status line and the body.
/// (The fixtures' control endpoints, not AWS: no client library needed.)
pub fn http(endpoint: &str, method: &str, path: &str, body: &str) -> (String, String) {
    let port = endpoint.rsplit(':').next().unwrap();
    let mut s = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
    (
        head.lines().next().unwrap_or_default().to_string(),
        body.to_string(),
    )
}

/// The JSON body of an HTTP request to a fixture.
pub fn http_json(endpoint: &str, method: &str, path: &str, body: &str) -> Value {
    serde_json::from_str(&http(endpoint, method, path, body).1).unwrap()
}

/// A child process killed when dropped.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A helper script that prints its port on the first stdout line.
pub fn start_script(args: &[&str]) -> (Guard, u16) {
    let mut child = Command::new(python())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start python helper (run `make test` to create the venv)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("helper {args:?} printed {line:?}"));
    (Guard(child), port)
}

/// A moto server in auth mode, speaking CloudWatch's current protocol (Smithy RPC v2 CBOR)
/// through its CBOR front (tests/support/moto_cbor.py).
pub struct Moto {
    _guard: Guard,
    pub endpoint: String,
}

impl Moto {
    pub fn start() -> Moto {
        let port = free_port();
        Moto::spawn(
            &[support("moto_cbor.py").to_str().unwrap(), "127.0.0.1"],
            port,
        )
    }

    /// moto as it ships, with no CBOR front: an endpoint that does not speak CloudWatch's
    /// current protocol (it answers a CBOR request with 404).
    pub fn start_without_cbor() -> Moto {
        let port = free_port();
        Moto::spawn(&["-m", "moto.server", "-H", "127.0.0.1", "-p"], port)
    }

    fn spawn(args: &[&str], port: u16) -> Moto {
        let child = Command::new(python())
            .args(args)
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto (run `make test` to create the venv)");
        let guard = Guard(child);
        wait_for_port(port, "moto");
        Moto {
            _guard: guard,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Lets the next `n` requests through without SigV4 checks. moto's auth mode fails with
    /// a 500 on requests that carry no signature at all, such as AssumeRoleWithWebIdentity,
    /// which AWS accepts unsigned; later requests are checked again.
    pub fn allow_unsigned(&self, n: u32) {
        let (status, body) = http(
            &self.endpoint,
            "POST",
            "/moto-api/reset-auth",
            &n.to_string(),
        );
        assert!(status.starts_with("HTTP/1.1 200"), "{status} {body}");
    }

    /// Runs the demo stack's seeder (provisioning/demo/seeder.py) with `spec`; returns what
    /// it created.
    pub fn seed(&self, spec: Value) -> Value {
        let mut cmd = Command::new(python());
        cmd.arg(repo_path("provisioning/demo/seeder.py"))
            .arg("seed")
            .arg(&self.endpoint);
        json_script(cmd, &spec)
    }
}

/// The IMDSv2 fixture, serving credentials of `role_arn` minted by moto's STS.
pub struct Imds {
    _guard: Guard,
    pub endpoint: String,
}

impl Imds {
    pub fn start(moto: &Moto, role_arn: &str, user: &Value, duration_s: u32) -> Imds {
        let (guard, port) = start_script(&[
            support("imds.py").to_str().unwrap(),
            &moto.endpoint,
            role_arn,
            user["access_key_id"].as_str().unwrap(),
            user["secret_access_key"].as_str().unwrap(),
            &duration_s.to_string(),
        ]);
        Imds {
            _guard: guard,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// The counting proxy in front of moto.
pub struct Proxy {
    _guard: Guard,
    pub endpoint: String,
}

impl Proxy {
    pub fn start(upstream: &str) -> Proxy {
        Self::start_with(&[support("proxy.py").to_str().unwrap(), upstream])
    }

    /// A proxy that also appends every exchange to `file` (JSON lines).
    pub fn recording(upstream: &str, file: &Path) -> Proxy {
        Self::start_with(&[
            support("proxy.py").to_str().unwrap(),
            upstream,
            "--record",
            file.to_str().unwrap(),
        ])
    }

    fn start_with(args: &[&str]) -> Proxy {
        let (guard, port) = start_script(args);
        Proxy {
            _guard: guard,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Forgets the counts so far.
    pub fn reset(&self) {
        http(&self.endpoint, "POST", "/__reset", "");
    }

    fn get(&self, path: &str) -> Value {
        http_json(&self.endpoint, "GET", path, "")
    }

    /// Calls per AWS action so far.
    pub fn counts(&self) -> HashMap<String, u64> {
        serde_json::from_value(self.get("/__counts")).unwrap()
    }

    /// The form fields of every recorded request of `action`.
    pub fn requests(&self, action: &str) -> Vec<HashMap<String, String>> {
        serde_json::from_value(self.get(&format!("/__requests/{action}"))).unwrap()
    }

    /// The User-Agent header of every recorded request of `action`.
    pub fn user_agents(&self, action: &str) -> Vec<String> {
        serde_json::from_value(self.get(&format!("/__agents/{action}"))).unwrap()
    }

    pub fn count(&self, action: &str) -> u64 {
        self.counts().get(action).copied().unwrap_or(0)
    }
}

/// A local CloudWatch stand-in answering recorded requests from memory (the benchmark's
/// GetMetricData recording). Any other request gets a 400 naming the problem, so a changed
/// request fails loudly instead of skewing a measurement.
pub struct Replay {
    pub endpoint: String,
}

impl Replay {
    /// Serves `answers` (request body -> status, Content-Type, body) on a local port, in
    /// CloudWatch's CBOR protocol.
    pub async fn start(answers: HashMap<bytes::Bytes, (u16, String, bytes::Bytes)>) -> Replay {
        use http_body_util::{BodyExt, Full};
        use hyper::{server::conn::http1, service::service_fn, Request, Response};
        let answers = Arc::new(answers);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let answers = answers.clone();
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let answers = answers.clone();
                    async move {
                        let body = req.into_body().collect().await?.to_bytes();
                        let (status, content_type, answer) = match answers.get(&body) {
                            Some((s, c, a)) => (*s, c.as_str(), a.clone()),
                            None => (400, "application/cbor", no_recording()),
                        };
                        let response = Response::builder()
                            .status(status)
                            .header("Content-Type", content_type)
                            .header("smithy-protocol", "rpc-v2-cbor")
                            .body(Full::new(answer))?;
                        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(response)
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                tokio::spawn(http1::Builder::new().serve_connection(io, service));
            }
        });
        Replay { endpoint }
    }
}

/// The error a request without a recorded answer gets, as AWS writes CBOR errors (encoded by
/// the SDK's own encoder).
fn no_recording() -> bytes::Bytes {
    let mut e = aws_smithy_cbor::Encoder::new(Vec::new());
    e.map(2).str("__type").str("NoRecording").str("message");
    e.str("no recorded answer for this request; run make bench-record");
    bytes::Bytes::from(e.into_writer())
}

/// The plugin binary, started as Grafana starts it.
pub struct Plugin {
    child: Child,
    pub addr: String,
    pub handshake: Duration,
    pub home: tempfile::TempDir,
    output: Arc<Mutex<Vec<String>>>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(stream: impl Read + Send + 'static, sink: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        // Byte lines, so one non-UTF-8 line cannot stop the reader (and block the plugin).
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        while reader
            .read_until(b'\n', &mut buf)
            .map(|n| n > 0)
            .unwrap_or(false)
        {
            sink.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf).trim_end().to_string());
            buf.clear();
        }
    });
}

impl Plugin {
    /// Starts the plugin with a fresh HOME and only the environment Grafana would pass plus
    /// `env`. Instance metadata is off unless `env` sets it.
    pub fn start(env: &[(&str, &str)]) -> Plugin {
        Self::start_with_home(tempfile::tempdir().unwrap(), env)
    }

    /// Starts the built plugin, or the one `STRATUS_PLUGIN_BIN` names (`make bench-profile`'s
    /// build with symbols).
    pub fn start_with_home(home: tempfile::TempDir, env: &[(&str, &str)]) -> Plugin {
        let binary = std::env::var_os("STRATUS_PLUGIN_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_gpx_stratus").into());
        let mut cmd = Command::new(binary);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("grafana_plugin_type", "datasource")
            .env("PLUGIN_PROTOCOL_VERSIONS", "2")
            .env("GF_VERSION", "11.3.0")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let started = Instant::now();
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        collect(child.stderr.take().unwrap(), output.clone());
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let handshake = started.elapsed();
        let parts: Vec<&str> = line.trim().split('|').collect();
        assert_eq!(parts.len(), 5, "handshake line {line:?}");
        assert_eq!(
            (parts[0], parts[1], parts[2], parts[4]),
            ("1", "2", "tcp", "grpc"),
            "handshake {line:?}"
        );
        collect(stdout, output.clone());
        Plugin {
            child,
            addr: format!("http://{}", parts[3]),
            handshake,
            home,
            output,
        }
    }

    /// Everything the plugin wrote to stdout (after the handshake) and stderr.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// One gRPC connection to share between clients, as Grafana keeps one per plugin.
    pub async fn channel(&self) -> tonic::transport::Channel {
        tonic::transport::Endpoint::from_shared(self.addr.clone())
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub async fn health(&self, ctx: pluginv2::PluginContext) -> pluginv2::CheckHealthResponse {
        let mut c = DiagnosticsClient::connect(self.addr.clone()).await.unwrap();
        c.check_health(pluginv2::CheckHealthRequest {
            plugin_context: Some(ctx),
            headers: HashMap::new(),
        })
        .await
        .unwrap()
        .into_inner()
    }

    pub async fn query(
        &self,
        ctx: pluginv2::PluginContext,
        queries: Vec<pluginv2::DataQuery>,
    ) -> pluginv2::QueryDataResponse {
        self.query_with_headers(ctx, queries, &[]).await
    }

    /// QueryData with the request headers Grafana sets (`FromAlert` for an alert rule).
    pub async fn query_with_headers(
        &self,
        ctx: pluginv2::PluginContext,
        queries: Vec<pluginv2::DataQuery>,
        headers: &[(&str, &str)],
    ) -> pluginv2::QueryDataResponse {
        let mut c = DataClient::connect(self.addr.clone())
            .await
            .unwrap()
            .max_decoding_message_size(usize::MAX);
        c.query_data(pluginv2::QueryDataRequest {
            plugin_context: Some(ctx),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            queries,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
    }

    /// GET a resource; returns the status and the JSON body.
    pub async fn resource(&self, ctx: pluginv2::PluginContext, path: &str) -> (i32, Value) {
        resource_on(self.channel().await, ctx, path).await
    }
}

/// GET a resource over an existing gRPC connection; returns the status and the JSON body.
pub async fn resource_on(
    channel: tonic::transport::Channel,
    ctx: pluginv2::PluginContext,
    path: &str,
) -> (i32, Value) {
    let mut c = ResourceClient::new(channel);
    let mut stream = c
        .call_resource(pluginv2::CallResourceRequest {
            plugin_context: Some(ctx),
            path: path.to_string(),
            method: "GET".into(),
            url: format!("/api/datasources/uid/x/resources/{path}"),
            headers: HashMap::new(),
            body: Default::default(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = stream
        .message()
        .await
        .unwrap()
        .expect("one resource response");
    (
        first.code,
        serde_json::from_slice(&first.body).unwrap_or(Value::Null),
    )
}

/// A HOME holding `files` (path relative to HOME, content), as the Grafana server user's.
pub fn home_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let p = home.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
    }
    home
}

/// A shared credentials file profile with a seeded user's keys.
pub fn profile_block(name: &str, user: &Value) -> String {
    format!(
        "[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        user["access_key_id"].as_str().unwrap(),
        user["secret_access_key"].as_str().unwrap()
    )
}

/// A PluginContext for a data source, as Grafana sends it.
pub fn ds(uid: &str, json_data: Value, secure: &[(&str, &str)]) -> pluginv2::PluginContext {
    ds_as(uid, json_data, secure, "Admin")
}

pub fn ds_as(
    uid: &str,
    json_data: Value,
    secure: &[(&str, &str)],
    role: &str,
) -> pluginv2::PluginContext {
    pluginv2::PluginContext {
        org_id: 1,
        plugin_id: "stratus-cloudwatch-datasource".into(),
        user: Some(pluginv2::User {
            login: "tester".into(),
            name: "Tester".into(),
            email: "t@example.com".into(),
            role: role.into(),
        }),
        app_instance_settings: None,
        data_source_instance_settings: Some(pluginv2::DataSourceInstanceSettings {
            id: 7,
            name: format!("CloudWatch {uid}"),
            uid: uid.into(),
            json_data: json_data.to_string().into_bytes(),
            decrypted_secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            last_updated_ms: 1_700_000_000_000,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// jsonData for a data source pointed at `endpoint`.
pub fn json_data(auth_type: &str, endpoint: &str) -> Value {
    json!({ "authType": auth_type, "defaultRegion": REGION, "endpoint": endpoint })
}

/// The static keys of a seeded user as secureJsonData pairs.
pub fn keys(user: &Value) -> [(&'static str, String); 2] {
    [
        (
            "accessKey",
            user["access_key_id"].as_str().unwrap().to_string(),
        ),
        (
            "secretKey",
            user["secret_access_key"].as_str().unwrap().to_string(),
        ),
    ]
}

pub fn secure<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub fn details(resp: &pluginv2::CheckHealthResponse) -> Value {
    serde_json::from_slice(&resp.json_details).unwrap()
}

pub const OK: i32 = 1;
pub const ERROR: i32 = 2;

/// A DataQuery with Grafana's envelope.
pub fn data_query(ref_id: &str, json: Value, from_ms: i64, to_ms: i64) -> pluginv2::DataQuery {
    pluginv2::DataQuery {
        ref_id: ref_id.into(),
        max_data_points: 1000,
        interval_ms: 60_000,
        time_range: Some(pluginv2::TimeRange {
            from_epoch_ms: from_ms,
            to_epoch_ms: to_ms,
        }),
        json: json.to_string().into_bytes(),
        query_type: String::new(),
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A data frame decoded with arrow-rs's IPC file reader.
#[derive(Debug, Clone)]
pub struct Frame {
    pub name: String,
    pub ref_id: String,
    pub meta: Value,
    pub labels: std::collections::BTreeMap<String, String>,
    pub config: Value,
    pub times_ms: Vec<i64>,
    pub values: Vec<Option<f64>>,
}

pub fn decode(bytes: &[u8]) -> Frame {
    use arrow::array::{Array, Float64Array, TimestampNanosecondArray};
    let reader =
        arrow::ipc::reader::FileReader::try_new(std::io::Cursor::new(bytes.to_vec()), None)
            .unwrap();
    let schema = reader.schema();
    let md = schema.metadata();
    let field = schema.field(1);
    let mut frame = Frame {
        name: md.get("name").cloned().unwrap_or_default(),
        ref_id: md.get("refId").cloned().unwrap_or_default(),
        meta: md
            .get("meta")
            .map(|m| serde_json::from_str(m).unwrap())
            .unwrap_or(Value::Null),
        labels: serde_json::from_str(&field.metadata()["labels"]).unwrap(),
        config: field
            .metadata()
            .get("config")
            .map(|c| serde_json::from_str(c).unwrap())
            .unwrap_or(Value::Null),
        times_ms: Vec::new(),
        values: Vec::new(),
    };
    for batch in reader {
        let batch = batch.unwrap();
        let t = batch
            .column(0)
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .unwrap();
        let v = batch
            .column(1)
            .as_any()
            .downcast_ref::<Float64Array>()
            .unwrap();
        frame
            .times_ms
            .extend((0..t.len()).map(|i| t.value(i) / 1_000_000));
        frame
            .values
            .extend((0..v.len()).map(|i| (!v.is_null(i)).then(|| v.value(i))));
    }
    frame
}

/// Runs tests/support/gmd.py: boto3's GetMetricData with the same parameters.
pub fn boto3_get_metric_data(
    endpoint: &str,
    user: &Value,
    queries: Value,
    start_ms: i64,
    end_ms: i64,
) -> Value {
    let mut cmd = Command::new(python());
    cmd.arg(support("gmd.py")).args([
        endpoint,
        user["access_key_id"].as_str().unwrap(),
        user["secret_access_key"].as_str().unwrap(),
        &start_ms.to_string(),
        &end_ms.to_string(),
    ]);
    json_script(cmd, &queries)
}

/// Runs a helper script with `input` as JSON on stdin; returns its JSON stdout.
pub fn json_script(mut cmd: Command, input: &Value) -> Value {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{cmd:?} failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The fault-injecting proxy in front of moto (tests/support/faults.py).
pub struct Faults {
    _guard: Guard,
    pub endpoint: String,
}

impl Faults {
    pub fn start(upstream: &str) -> Faults {
        let (guard, port) = start_script(&[support("faults.py").to_str().unwrap(), upstream]);
        Faults {
            _guard: guard,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    fn call(&self, method: &str, path: &str, body: &str) -> Value {
        http_json(&self.endpoint, method, path, body)
    }

    /// Injects `mode` for the next `count` requests (all when None).
    pub fn set(&self, mode: &str, count: Option<u32>, delay_s: f64) {
        self.call(
            "POST",
            "/__fault",
            &json!({ "mode": mode, "count": count, "delay": delay_s }).to_string(),
        );
    }

    /// Attempts per AWS action since the last `set`.
    pub fn attempts(&self, action: &str) -> u64 {
        self.call("GET", "/__attempts", "")[action]
            .as_u64()
            .unwrap_or(0)
    }
}

impl Imds {
    /// (credentials minted, credentials served) so far.
    pub fn stats(&self) -> (u64, u64) {
        let v = http_json(&self.endpoint, "GET", "/__stats", "");
        (v["minted"].as_u64().unwrap(), v["served"].as_u64().unwrap())
    }
}

impl Faults {
    /// Rewrites AssumeRole answers to expire `seconds` from now.
    pub fn short_sessions(&self, seconds: u32) {
        self.call(
            "POST",
            "/__fault",
            &json!({ "mode": "pass", "session_seconds": seconds }).to_string(),
        );
    }
}

/// The context with server settings in its grafanaConfig, as current Grafana sends them.
pub fn with_grafana_config(
    mut ctx: pluginv2::PluginContext,
    settings: &[(&str, &str)],
) -> pluginv2::PluginContext {
    ctx.grafana_config = settings
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ctx
}

/// A variable's options from its answer frame: (text, value) rows, decoded with arrow-rs.
pub fn variable_options(bytes: &[u8]) -> Vec<(String, String)> {
    let t = decode_table(bytes);
    let names: Vec<(&str, &str)> = t.fields.iter().map(|f| (f.name.as_str(), f.kind)).collect();
    assert_eq!(names, [("text", "string"), ("value", "string")]);
    let text = |v: &Value| v.as_str().unwrap().to_string();
    t.fields[0]
        .values
        .iter()
        .zip(&t.fields[1].values)
        .map(|(a, b)| (text(a), text(b)))
        .collect()
}

/// Runs tests/support/lookup.py: boto3's answers to the questions variables ask.
pub fn boto3_lookups(endpoint: &str, user: &Value, questions: &Value) -> Vec<Vec<String>> {
    let mut cmd = Command::new(python());
    cmd.arg(support("lookup.py")).args([
        endpoint,
        user["access_key_id"].as_str().unwrap(),
        user["secret_access_key"].as_str().unwrap(),
    ]);
    serde_json::from_value(json_script(cmd, questions)).unwrap()
}

/// tests/support/missing_apis.py: DescribeAlarmHistory, OAM and ListMetrics' linked accounts in
/// front of `upstream`.
pub struct MissingApis {
    _guard: Guard,
    pub endpoint: String,
}

impl MissingApis {
    pub fn start(upstream: &str) -> MissingApis {
        let (guard, port) = start_script(&[support("missing_apis.py").to_str().unwrap(), upstream]);
        MissingApis {
            _guard: guard,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    fn post(&self, path: &str, body: &Value) {
        let (status, answer) = http(&self.endpoint, "POST", path, &body.to_string());
        assert!(status.starts_with("HTTP/1.1 200"), "{status} {answer}");
    }

    /// Replaces the alarm history DescribeAlarmHistory answers from.
    pub fn history(&self, items: &Value) {
        self.post("/__history", items);
    }

    /// Sets the sinks, links, linked accounts' metrics and keys OAM knows.
    pub fn oam(&self, spec: &Value) {
        self.post("/__oam", spec);
    }

    /// Sets the Logs Insights scripts and the log group fields the Logs calls answer from.
    pub fn logs(&self, spec: &Value) {
        self.post("/__logs", spec);
    }

    /// The StartQuery parameters of the scripted queries, in order.
    pub fn started_queries(&self) -> Vec<Value> {
        serde_json::from_value(http_json(&self.endpoint, "GET", "/__started", "")).unwrap()
    }

    /// The calls this fixture answered, by action.
    pub fn counts(&self) -> HashMap<String, u64> {
        serde_json::from_value(http_json(&self.endpoint, "GET", "/__counts", "")).unwrap()
    }
}

/// One annotation row as Grafana reads it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Annotation {
    pub time_ms: i64,
    pub time_end_ms: Option<i64>,
    pub title: String,
    pub tags: String,
    pub text: String,
}

/// The rows of an annotation frame, decoded with arrow-rs; the fields must be Grafana's.
pub fn annotations(bytes: &[u8]) -> Vec<Annotation> {
    let t = decode_table(bytes);
    let names: Vec<(&str, &str)> = t.fields.iter().map(|f| (f.name.as_str(), f.kind)).collect();
    assert_eq!(
        names,
        [
            ("time", "time"),
            ("timeEnd", "time"),
            ("title", "string"),
            ("tags", "string"),
            ("text", "string")
        ]
    );
    let column = |i: usize| &t.fields[i].values;
    let text = |v: &Value| v.as_str().unwrap().to_string();
    (0..column(0).len())
        .map(|i| Annotation {
            time_ms: column(0)[i].as_i64().unwrap(),
            time_end_ms: column(1)[i].as_i64(),
            title: text(&column(2)[i]),
            tags: text(&column(3)[i]),
            text: text(&column(4)[i]),
        })
        .collect()
}

/// One field of a table frame as Grafana reads it: name, values as JSON (times in ms),
/// labels and config, decoded with arrow-rs.
#[derive(Debug, Clone)]
pub struct TableField {
    pub name: String,
    pub kind: &'static str,
    pub values: Vec<Value>,
    pub labels: std::collections::BTreeMap<String, String>,
    pub config: Value,
}

/// A table frame: its name, meta and fields.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub ref_id: String,
    pub meta: Value,
    pub fields: Vec<TableField>,
}

impl Table {
    pub fn field(&self, name: &str) -> &TableField {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name} in {:?}", self.fields))
    }
}

pub fn decode_table(bytes: &[u8]) -> Table {
    use arrow::array::{Array, Float64Array, StringArray, TimestampNanosecondArray};
    use arrow::datatypes::DataType;
    let reader =
        arrow::ipc::reader::FileReader::try_new(std::io::Cursor::new(bytes.to_vec()), None)
            .unwrap();
    let schema = reader.schema();
    let md = schema.metadata().clone();
    let mut fields: Vec<TableField> = schema
        .fields()
        .iter()
        .map(|f| {
            let m = f.metadata();
            TableField {
                name: f.name().clone(),
                kind: match f.data_type() {
                    DataType::Utf8 => "string",
                    DataType::Float64 => "number",
                    DataType::Timestamp(..) => "time",
                    other => panic!("unexpected field type {other}"),
                },
                values: Vec::new(),
                labels: m
                    .get("labels")
                    .map(|l| serde_json::from_str(l).unwrap())
                    .unwrap_or_default(),
                config: m
                    .get("config")
                    .map(|c| serde_json::from_str(c).unwrap())
                    .unwrap_or(Value::Null),
            }
        })
        .collect();
    for batch in reader {
        let batch = batch.unwrap();
        for (i, f) in fields.iter_mut().enumerate() {
            let col = batch.column(i);
            for r in 0..col.len() {
                f.values.push(if col.is_null(r) {
                    Value::Null
                } else {
                    match f.kind {
                        "string" => {
                            json!(col.as_any().downcast_ref::<StringArray>().unwrap().value(r))
                        }
                        "number" => json!(col
                            .as_any()
                            .downcast_ref::<Float64Array>()
                            .unwrap()
                            .value(r)),
                        _ => json!(
                            col.as_any()
                                .downcast_ref::<TimestampNanosecondArray>()
                                .unwrap()
                                .value(r)
                                / 1_000_000
                        ),
                    }
                });
            }
        }
    }
    Table {
        name: md.get("name").cloned().unwrap_or_default(),
        ref_id: md.get("refId").cloned().unwrap_or_default(),
        meta: md
            .get("meta")
            .map(|m| serde_json::from_str(m).unwrap())
            .unwrap_or(Value::Null),
        fields,
    }
}
