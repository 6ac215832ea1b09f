//! The parts of `tests/prism.rs` that know nothing about this crate: where
//! Prism and the upstream specs are, a Prism process per spec (killed on
//! drop, panics included), the loopback proxy that puts the spec's base path
//! in front of Prism and records every exchange, and a reader for the
//! upstream documents (single- or multi-file) that lists their operations.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;

// ---- Where things are ----

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `path` if it exists. Otherwise under `CI=true` the test fails with
/// `how` as the remedy; elsewhere it is skipped with the reason printed.
fn required(path: PathBuf, what: &str, how: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    if under_ci() {
        panic!("{what} is missing: {} does not exist ({how})", path.display());
    }
    eprintln!("skipping the Prism conformance test: {what} is missing ({} does not exist; {how})", path.display());
    None
}

/// The upstream specs (`../shared/reference` beside the project) and the
/// pinned Prism binary (`tools/prism`), or `None` when the test is skipped.
pub struct Setup {
    pub reference: PathBuf,
    pub prism: PathBuf,
}

pub fn setup() -> Option<Setup> {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generated/ is inside the project");
    let reference = required(
        project.parent().expect("the project has a parent directory").join("shared/reference"),
        "the upstream reference specs",
        "clone the project next to shared/",
    )?;
    let prism = required(
        project.join("tools/prism/node_modules/.bin/prism"),
        "the pinned Stoplight Prism",
        "install it with `(cd tools/prism && npm ci)`",
    )?;
    Some(Setup { reference, prism })
}

// ---- Prism ----

/// Runs `"$0" "$@"` (Prism) and kills it as soon as this shell's stdin
/// reaches end of file: when the guard below drops the pipe, and equally
/// when the test process dies without unwinding (abort, SIGKILL by a CI
/// timeout), since the kernel then closes the pipe. The shell itself exits
/// when Prism does, so an early exit (a lost port) shows. Background jobs of
/// a script read /dev/null, hence the pipe is kept on fd 3.
const WATCHDOG: &str = r#"exec 3<&0; "$0" "$@" </dev/null & prism=$!; (read -r _ <&3; kill "$prism" 2>/dev/null) & wait "$prism""#;

/// One `prism mock` process (under the watchdog shell); stopped, and its
/// log removed, when dropped (panics included).
pub struct Prism {
    child: Child,
    /// Closing this stops Prism.
    lifeline: Option<ChildStdin>,
    pub port: u16,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        drop(self.lifeline.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("its address").port()
}

impl Prism {
    /// Start `prism mock <spec> -h 127.0.0.1 -p <port>` (with `--dynamic` if
    /// asked) on a free loopback port and wait until it listens. A start
    /// that loses its port to another process is retried on a new one.
    pub async fn start(binary: &Path, spec: &Path, dynamic: bool, name: &str) -> Prism {
        let mut last_failure = String::new();
        for attempt in 1..=3 {
            let port = free_port();
            let log = std::env::temp_dir().join(format!(
                "sailpoint-rm-prism-{}-{name}-{}-{attempt}.log",
                std::process::id(),
                if dynamic { "dynamic" } else { "static" }
            ));
            let out = std::fs::File::create(&log).expect("create the Prism log");
            let err = out.try_clone().expect("clone the Prism log handle");
            let mut command = Command::new("sh");
            command.args(["-c", WATCHDOG]).arg(binary).arg("mock").arg(spec);
            command.args(["-h", "127.0.0.1", "-p", &port.to_string()]);
            if dynamic {
                command.arg("--dynamic");
            }
            // NODE_ENV=production would make Prism fork a worker process
            // that stopping this one would leave behind.
            command.env_remove("NODE_ENV").stdin(Stdio::piped()).stdout(out).stderr(err);
            let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot run sh for {}: {e}", binary.display()));
            let lifeline = child.stdin.take();
            let mut prism = Prism { child, lifeline, port, log };
            match prism.wait_until_listening().await {
                Ok(()) => return prism,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("Prism did not start for {}: {last_failure}", spec.display());
    }

    async fn wait_until_listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(120);
        let banner = format!("listening on http://127.0.0.1:{}", self.port);
        loop {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited ({status}) before listening; its output:\n{log}"));
            }
            if log.contains(&banner) && tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("it was not listening after 120 s; its output:\n{log}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

// ---- The proxy ----

/// One entry of Prism's `sl-violations` header.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Where: `["request", "path"]`, `["response", "body", "0", "id"]`, ...
    pub location: Vec<String>,
    pub severity: String,
    pub message: String,
}

impl Violation {
    pub fn on_request(&self) -> bool {
        self.location.first().is_some_and(|l| l == "request")
    }

    /// The body location of a response violation (`["0", "id"]`).
    pub fn response_body_location(&self) -> Option<&[String]> {
        match self.location.as_slice() {
            [response, body, rest @ ..] if response == "response" && body == "body" => Some(rest),
            _ => None,
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.severity, self.location.join("."), self.message)
    }
}

/// One request the client sent through the proxy, and Prism's answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    /// The path as the client sent it (base path included).
    pub path: String,
    pub query: Option<String>,
    /// The path forwarded to Prism: `path` without the spec's base path;
    /// `None` when `path` was not under the base path (not forwarded).
    pub forwarded: Option<String>,
    pub status: u16,
    pub violations: Vec<Violation>,
    pub body: Bytes,
}

impl Exchange {
    /// Prism took the request as valid: a success status and no complaint
    /// about the request.
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status) && !self.violations.iter().any(Violation::on_request)
    }

    pub fn request_violations(&self) -> Vec<&Violation> {
        self.violations.iter().filter(|v| v.on_request()).collect()
    }

    pub fn response_violations(&self) -> Vec<&Violation> {
        self.violations.iter().filter(|v| !v.on_request()).collect()
    }

    pub fn describe(&self) -> String {
        let query = self.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
        format!("{} {}{query} -> {}", self.method, self.path, self.status)
    }
}

struct ProxyState {
    base_path: String,
    upstream: u16,
    http: reqwest::Client,
    log: Mutex<Vec<Exchange>>,
}

/// A loopback reverse proxy: takes requests at `{base_path}/...` (the
/// server path of the spec), forwards them to Prism at `/...`, answers with
/// Prism's response, and records each exchange. Requests outside the base
/// path get a 404 from the proxy itself (and are recorded).
pub struct Proxy {
    pub addr: SocketAddr,
    state: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    pub async fn start(base_path: &str, prism_port: u16) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let state = Arc::new(ProxyState {
            base_path: base_path.to_owned(),
            upstream: prism_port,
            http: reqwest::Client::builder().no_proxy().build().expect("the proxy's HTTP client"),
            log: Mutex::default(),
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let state = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(state.forward(request).await) }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Proxy { addr, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The exchanges recorded since the last call, oldest first.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.state.log.lock().unwrap())
    }
}

fn hop_by_hop(name: &HeaderName) -> bool {
    [CONNECTION, TRANSFER_ENCODING, CONTENT_LENGTH, HOST].contains(name) || name.as_str() == "keep-alive"
}

fn parse_violations(header: Option<&str>) -> Vec<Violation> {
    let Some(text) = header else { return Vec::new() };
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) else {
        return vec![Violation { location: vec!["?".into()], severity: "?".into(), message: text.to_owned() }];
    };
    items
        .iter()
        .map(|item| Violation {
            location: item["location"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_owned))
                .collect(),
            severity: item["severity"].as_str().unwrap_or("?").to_owned(),
            message: item["message"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

impl ProxyState {
    async fn forward(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        let path = parts.uri.path().to_owned();
        let query = parts.uri.query().map(str::to_owned);
        let forwarded = path
            .strip_prefix(self.base_path.as_str())
            .filter(|rest| rest.starts_with('/'))
            .map(str::to_owned);
        let mut exchange = Exchange {
            method: parts.method.to_string(),
            path,
            query: query.clone(),
            forwarded: forwarded.clone(),
            status: 404,
            violations: Vec::new(),
            body: Bytes::new(),
        };
        let response = match forwarded {
            None => {
                exchange.body = Bytes::from(format!("proxy: not under the spec's base path {:?}", self.base_path));
                Response::builder().status(StatusCode::NOT_FOUND).body(Full::new(exchange.body.clone())).unwrap()
            }
            Some(rest) => {
                let url = match &query {
                    Some(q) => format!("http://127.0.0.1:{}{rest}?{q}", self.upstream),
                    None => format!("http://127.0.0.1:{}{rest}", self.upstream),
                };
                let mut upstream = self.http.request(parts.method.clone(), url);
                for (name, value) in &parts.headers {
                    if !hop_by_hop(name) {
                        upstream = upstream.header(name, value);
                    }
                }
                match upstream.body(body).send().await {
                    Ok(answer) => {
                        exchange.status = answer.status().as_u16();
                        exchange.violations =
                            parse_violations(answer.headers().get("sl-violations").and_then(|v| v.to_str().ok()));
                        let mut response = Response::builder().status(answer.status());
                        for (name, value) in answer.headers() {
                            if !hop_by_hop(name) {
                                response = response.header(name, value);
                            }
                        }
                        exchange.body = answer.bytes().await.unwrap_or_default();
                        response.body(Full::new(exchange.body.clone())).unwrap()
                    }
                    Err(e) => {
                        exchange.status = 502;
                        exchange.body = Bytes::from(format!("proxy: Prism did not answer: {e}"));
                        Response::builder().status(StatusCode::BAD_GATEWAY).body(Full::new(exchange.body.clone())).unwrap()
                    }
                }
            }
        };
        self.log.lock().unwrap().push(exchange);
        response
    }
}

// ---- The upstream documents ----

/// YAML files loaded once each, for following `$ref`s across files.
#[derive(Default)]
pub struct Documents {
    files: HashMap<PathBuf, Value>,
}

impl Documents {
    pub fn load(&mut self, file: &Path) -> (Value, PathBuf) {
        let file = std::fs::canonicalize(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let value = self
            .files
            .entry(file.clone())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            })
            .clone();
        (value, file)
    }

    /// `node`, with `$ref`s followed (relative files and JSON pointers);
    /// also returns the file the result lives in.
    pub fn resolve(&mut self, node: &Value, file: &Path) -> (Value, PathBuf) {
        let (mut node, mut file) = (node.clone(), file.to_owned());
        for _ in 0..32 {
            let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
                return (node, file);
            };
            let (target, pointer) = reference.split_once('#').unwrap_or((reference.as_str(), ""));
            let (document, target_file) = if target.is_empty() {
                self.load(&file)
            } else {
                self.load(&file.parent().expect("a file has a directory").join(target))
            };
            node = document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{}: dangling $ref {reference}", file.display()))
                .clone();
            file = target_file;
        }
        panic!("{}: $ref chain too long", file.display());
    }
}

/// One operation of an upstream document.
#[derive(Debug, Clone)]
pub struct SpecOperation {
    pub id: String,
    pub method: String,
    pub template: String,
    /// The declared parameters, as (`in`, `name`).
    pub parameters: Vec<(String, String)>,
}

impl SpecOperation {
    /// Path parameters the operation declares that its path does not have.
    pub fn path_parameters_missing_from_path(&self) -> Vec<&str> {
        self.parameters
            .iter()
            .filter(|(place, name)| place == "path" && !self.template.contains(&format!("{{{name}}}")))
            .map(|(_, name)| name.as_str())
            .collect()
    }

    /// The path parameters if `path` (relative to the base path) fits the
    /// template, and how many literal segments matched.
    fn fit(&self, path: &str) -> Option<(usize, HashMap<String, String>)> {
        let template: Vec<&str> = self.template.split('/').collect();
        let actual: Vec<&str> = path.split('/').collect();
        if template.len() != actual.len() {
            return None;
        }
        let mut literal = 0;
        let mut bindings = HashMap::new();
        for (t, a) in template.iter().zip(&actual) {
            if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                if a.is_empty() {
                    return None;
                }
                bindings.insert(name.to_owned(), (*a).to_owned());
            } else if t == a {
                literal += 1;
            } else {
                return None;
            }
        }
        Some((literal, bindings))
    }
}

/// What the tests need from an upstream document.
pub struct Spec {
    pub file: PathBuf,
    /// The path of the first server URL (`/v2025`; empty at the host root).
    pub base_path: String,
    pub operations: Vec<SpecOperation>,
    documents: Documents,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Spec {
    pub fn read(file: &Path) -> Spec {
        let mut documents = Documents::default();
        let (root, file) = documents.load(file);
        let server = root["servers"][0]["url"].as_str().expect("servers[0].url");
        let after_scheme = server.split_once("://").map_or(server, |(_, rest)| rest);
        let base_path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]).trim_end_matches('/').to_owned();
        let mut operations = Vec::new();
        for (template, item) in root["paths"].as_object().expect("paths") {
            let (item, item_file) = documents.resolve(item, &file);
            let shared: Vec<Value> = item["parameters"].as_array().cloned().unwrap_or_default();
            for method in METHODS {
                let Some(operation) = item.get(method) else { continue };
                let mut parameters = Vec::new();
                for parameter in shared.iter().chain(operation["parameters"].as_array().into_iter().flatten()) {
                    let (parameter, _) = documents.resolve(parameter, &item_file);
                    let place = parameter["in"].as_str().unwrap_or_default().to_owned();
                    let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                    parameters.push((place, name));
                }
                operations.push(SpecOperation {
                    id: operation["operationId"].as_str().expect("operationId").to_owned(),
                    method: method.to_uppercase(),
                    template: template.clone(),
                    parameters,
                });
            }
        }
        Spec { file, base_path, operations, documents }
    }

    /// The operation a request (path relative to the base path) goes to:
    /// the fitting template with the most literal segments, as Prism and
    /// servers route, and the path parameters it binds.
    pub fn route(&self, method: &str, path: &str) -> Option<(&SpecOperation, HashMap<String, String>)> {
        self.operations
            .iter()
            .filter(|op| op.method == method)
            .filter_map(|op| op.fit(path).map(|(literal, bindings)| (literal, op, bindings)))
            .max_by_key(|(literal, _, _)| *literal)
            .map(|(_, op, bindings)| (op, bindings))
    }

    /// A component schema by name: `#/components/schemas/<name>` in a
    /// bundled document, else (multi-file layout) `schemas/<name in lower
    /// case>.yaml` beside the root document.
    pub fn schema(&mut self, name: &str) -> Value {
        let (root, file) = self.documents.load(&self.file.clone());
        if let Some(schema) = root["components"]["schemas"].get(name) {
            return self.documents.resolve(schema, &file).0;
        }
        let beside = file.parent().expect("a directory").join("schemas").join(format!("{}.yaml", name.to_lowercase()));
        self.documents.load(&beside).0
    }
}
