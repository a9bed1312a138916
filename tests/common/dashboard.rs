//! Dashboards run as Grafana runs them, for tests: the template variables resolved in order
//! through QueryData (each one's first option chosen, or the data source's region where a
//! variable offers it), then every panel's targets with the variables in place. Dashboards come
//! in the corpus's format: a variables file (one entry per dashboard) and a targets file (one
//! entry per target, naming its dashboard and panel).
//!
//! The emulator starts empty, so what a variable or target asks for is put into moto first, as
//! a real account would already hold it: metric points for lookups and targets (signed with the
//! test user's keys), EC2 instances before the run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use grafana_current::pluginv2;
use regex::Regex;
use serde_json::{json, Map, Value};
use stratus::metrics::query::RegionSpec;
use stratus::variables::query::{parse, VariableQuery};

use super::{
    data_query, decode, ds, json_data, json_script, keys, now_ms, secure, support,
    variable_options, Moto, Plugin,
};

/// The region the test data source defaults to, and the one a region variable is set to.
pub const REGION: &str = "us-east-1";

/// moto for dashboards: the user `grafana` and the instances Stratus's own dashboards list.
/// SigV4 checks stay off: moto checks a signature against the form body re-encoded its own
/// way, so a signed GetMetricData whose label holds a space fails there though AWS accepts it,
/// and dashboards' labels do (every other test keeps the checks on).
pub fn seeded_moto() -> (Moto, Value) {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "grafana" }],
        "instances": [
            { "tags": { "Name": "web-1", "Team": "core" } },
            { "tags": { "Name": "web-2", "Team": "core" }, "type": "m5.large" },
            { "tags": { "Name": "batch", "Team": "data" } }
        ]
    }));
    moto.allow_unsigned(1_000_000_000);
    (moto, seeded)
}

/// One dashboard: its variables and its targets (with their panels), as stored.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub name: String,
    pub variables: Vec<Value>,
    /// (panel title, target)
    pub targets: Vec<(String, Value)>,
}

/// Dashboards from a variables file and a targets file in the corpus's format.
pub fn load(variables: &Value, targets: &Value) -> Vec<Dashboard> {
    let mut by_name: BTreeMap<String, Dashboard> = BTreeMap::new();
    for d in variables.as_array().unwrap() {
        let name = d["dashboard"].as_str().unwrap().to_string();
        by_name.insert(
            name.clone(),
            Dashboard {
                name,
                variables: d["variables"].as_array().unwrap().clone(),
                targets: Vec::new(),
            },
        );
    }
    for t in targets.as_array().unwrap() {
        let name = t["dashboard"].as_str().unwrap();
        let d = by_name
            .entry(name.to_string())
            .or_insert_with(|| Dashboard {
                name: name.to_string(),
                variables: Vec::new(),
                targets: Vec::new(),
            });
        d.targets.push((
            t["panel"].as_str().unwrap_or("").to_string(),
            t["target"].clone(),
        ));
    }
    by_name.into_values().collect()
}

/// Dashboards as Grafana stores them, rebuilt from a corpus: per dashboard (in the variables
/// file's order) a file name and `{title, uid, schemaVersion, templating, panels}`, each panel
/// with its type, data source and targets as stored. `extra` adds targets the corpus leaves
/// out: (source path suffix, panel title, panel type, target).
pub fn assemble(
    variables: &Value,
    targets: &Value,
    extra: &[(&str, &str, &str, Value)],
) -> Vec<(String, Value)> {
    let mut order: Vec<String> = Vec::new();
    let mut dashboards: HashMap<String, Value> = HashMap::new();
    for d in variables.as_array().unwrap() {
        let source = d["source"]
            .as_str()
            .unwrap_or(d["dashboard"].as_str().unwrap())
            .to_string();
        order.push(source.clone());
        dashboards.insert(
            source,
            json!({"title": d["dashboard"], "uid": d.get("uid").cloned().unwrap_or(Value::Null),
                   "schemaVersion": d.get("schemaVersion").cloned().unwrap_or(json!(40)),
                   "templating": {"list": d["variables"]}, "panels": []}),
        );
    }
    let mut add = |source: &str, panel: &str, kind: &Value, datasource: &Value, target: Value| {
        let Some(d) = dashboards.get_mut(source) else {
            return;
        };
        let panels = d["panels"].as_array_mut().unwrap();
        let found = panels.iter_mut().find(|p| p["title"] == panel);
        match found {
            Some(p) => p["targets"].as_array_mut().unwrap().push(target),
            None => panels.push(json!({"title": panel, "type": kind, "datasource": datasource, "targets": [target]})),
        }
    };
    for (suffix, panel, kind, target) in extra {
        if let Some(source) = order.iter().find(|s| s.ends_with(suffix)).cloned() {
            add(&source, panel, &json!(kind), &Value::Null, target.clone());
        }
    }
    for t in targets.as_array().unwrap() {
        let source = t["source"]
            .as_str()
            .unwrap_or(t["dashboard"].as_str().unwrap());
        add(
            source,
            t["panel"].as_str().unwrap_or(""),
            t.get("panel_type").unwrap_or(&json!("timeseries")),
            t.get("panel_datasource").unwrap_or(&Value::Null),
            t["target"].clone(),
        );
    }
    order
        .into_iter()
        .enumerate()
        .map(|(i, source)| {
            let name: String = source
                .rsplit('/')
                .next()
                .unwrap_or("dashboard")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let name = if name.ends_with(".json") {
                name
            } else {
                format!("{name}.json")
            };
            (
                format!("{i:02}-{name}"),
                dashboards.remove(&source).unwrap(),
            )
        })
        .collect()
}

/// The `type` Stratus's query runner gives a panel's target: `logAction` for logs,
/// `timeSeriesQuery` for metrics (so hidden queries feed math and legacy statistics split).
pub fn sent_type(target: &Value) -> &'static str {
    match target.get("queryMode").and_then(Value::as_str) {
        Some("Logs") => "logAction",
        _ => "timeSeriesQuery",
    }
}

/// `$name`, `${name}`, `${name:format}` and `[[name]]` replaced by the chosen values (`:json`
/// as a JSON string); unknown variables stay as written, as Grafana leaves them.
pub fn interpolate_str(text: &str, values: &HashMap<String, String>) -> String {
    static VARIABLE: OnceLock<Regex> = OnceLock::new();
    let re = VARIABLE
        .get_or_init(|| Regex::new(r"\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]|\$(\w+)").unwrap());
    re.replace_all(text, |c: &regex::Captures| {
        let name = c.get(1).or(c.get(3)).or(c.get(4)).unwrap().as_str();
        match values.get(name) {
            Some(v) if c.get(2).is_some_and(|f| f.as_str() == "json") => {
                Value::String(v.clone()).to_string()
            }
            Some(v) => v.clone(),
            None => c[0].to_string(),
        }
    })
    .into_owned()
}

/// Every string of a JSON value (object keys too) interpolated.
pub fn interpolate(value: &Value, values: &HashMap<String, String>) -> Value {
    match value {
        Value::String(s) => Value::String(interpolate_str(s, values)),
        Value::Array(a) => Value::Array(a.iter().map(|v| interpolate(v, values)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (interpolate_str(k, values), interpolate(v, values)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

/// What became of one dashboard.
#[derive(Debug)]
pub struct Outcome {
    pub dashboard: String,
    /// (variable, its options or the error)
    pub variables: Vec<(String, Result<Vec<String>, String>)>,
    /// (panel / refId, points in its frames or the error)
    pub targets: Vec<(String, Result<usize, String>)>,
}

impl Outcome {
    /// Every query variable has options.
    pub fn variables_resolved(&self) -> bool {
        self.variables
            .iter()
            .all(|(_, r)| r.as_ref().is_ok_and(|o| !o.is_empty()))
    }

    /// Every target was answered without an error.
    pub fn panels_answered(&self) -> bool {
        self.targets.iter().all(|(_, r)| r.is_ok())
    }

    /// Targets whose answer holds points.
    pub fn with_data(&self) -> usize {
        self.targets
            .iter()
            .filter(|(_, r)| r.as_ref().is_ok_and(|n| *n > 0))
            .count()
    }

    /// What failed, one line each.
    pub fn failures(&self) -> Vec<String> {
        let vars = self.variables.iter().filter_map(|(n, r)| match r {
            Err(e) => Some(format!("variable {n}: {e}")),
            Ok(o) if o.is_empty() => Some(format!("variable {n}: no options")),
            Ok(_) => None,
        });
        let targets = self
            .targets
            .iter()
            .filter_map(|(n, r)| r.as_ref().err().map(|e| format!("{n}: {e}")));
        vars.chain(targets).collect()
    }
}

/// Runs dashboards against one plugin and one seeded moto.
pub struct Runner<'a> {
    pub plugin: &'a Plugin,
    pub endpoint: String,
    pub user: Value,
    /// Data source uids, fresh after data was put (lookups are cached per data source).
    generation: AtomicU32,
    /// Target metrics already put, so running a dashboard again reads the same points.
    put_targets: Mutex<HashSet<String>>,
}

impl<'a> Runner<'a> {
    pub fn new(plugin: &'a Plugin, endpoint: &str, user: &Value) -> Runner<'a> {
        Runner {
            plugin,
            endpoint: endpoint.to_string(),
            user: user.clone(),
            generation: AtomicU32::new(0),
            put_targets: Mutex::default(),
        }
    }

    fn ctx(&self) -> pluginv2::PluginContext {
        let k = keys(&self.user);
        let uid = format!("dashboards-{}", self.generation.load(Ordering::SeqCst));
        let mut jd = json_data("keys", &self.endpoint);
        jd["defaultRegion"] = json!(REGION);
        ds(&uid, jd, &secure(&k))
    }

    /// Puts points of these metrics into moto (a few minutes ago, so a last-hour panel sees
    /// them); later lookups use a fresh data source, past the cache.
    pub fn put(&self, metrics: Vec<Value>) {
        if metrics.is_empty() {
            return;
        }
        let mut cmd = Command::new(super::python());
        cmd.arg(support("put_metrics.py")).args([
            self.endpoint.as_str(),
            self.user["access_key_id"].as_str().unwrap(),
            self.user["secret_access_key"].as_str().unwrap(),
        ]);
        json_script(cmd, &Value::Array(metrics));
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    async fn query(&self, queries: Vec<pluginv2::DataQuery>) -> pluginv2::QueryDataResponse {
        self.plugin.query(self.ctx(), queries).await
    }

    /// One variable query's options (values), or its error.
    async fn options(&self, model: &Value) -> Result<Vec<String>, String> {
        let now = now_ms();
        let resp = self
            .query(vec![data_query("Var", model.clone(), now - 3_600_000, now)])
            .await;
        let r = &resp.responses["Var"];
        if !r.error.is_empty() {
            return Err(r.error.clone());
        }
        Ok(variable_options(&r.frames[0])
            .into_iter()
            .map(|(_, v)| v)
            .collect())
    }

    /// The metric a lookup variable lists from, put so it has something to find.
    fn seed_lookup(&self, model: &Value) -> bool {
        let Ok(vq) = parse(model.as_object().unwrap()) else {
            return false;
        };
        let region = |r: &RegionSpec| match r {
            RegionSpec::Default => REGION.to_string(),
            RegionSpec::Named(r) => r.as_str().to_string(),
        };
        let (region, namespace, metric, mut dims) = match vq {
            VariableQuery::Metrics {
                region: r,
                namespace,
                ..
            } => (region(&r), namespace, None, BTreeMap::new()),
            VariableQuery::DimensionKeys {
                region: r,
                namespace,
                metric_name,
                filters,
                ..
            } => (region(&r), namespace, metric_name, filters),
            VariableQuery::DimensionValues {
                region: r,
                namespace,
                metric_name,
                key,
                mut filters,
                ..
            } => {
                filters.entry(key).or_default();
                (region(&r), namespace, metric_name, filters)
            }
            _ => return false,
        };
        let metric = metric.unwrap_or_else(|| "Requests".into());
        let now_s = now_ms() / 1000;
        let put: Vec<Value> = (1..=2)
            .map(|i| {
                let dimensions: BTreeMap<String, String> = dims
                    .iter_mut()
                    .map(|(k, v)| match v.as_slice() {
                        [one] if one != "*" => (k.clone(), one.clone()),
                        // WAF's `Region` dimension holds region names, and its panels query
                        // that region.
                        _ if k.eq_ignore_ascii_case("region") => {
                            (k.clone(), [REGION, "us-west-2"][i - 1].to_string())
                        }
                        _ => (k.clone(), format!("{k}-{i}")),
                    })
                    .collect();
                json!({"region": region, "namespace": namespace, "name": metric,
                    "dimensions": dimensions, "points": [[now_s - 1200, i], [now_s - 600, i + 1]]})
            })
            .collect();
        self.put(put);
        true
    }

    /// The value a variable takes: the data source's region where offered, else the first.
    fn choose(options: &[String]) -> Option<String> {
        options
            .iter()
            .find(|o| *o == REGION)
            .or(options.first())
            .cloned()
    }

    /// The metric a target reads, put so its panel has points: a builder target whose
    /// namespace, metric and dimensions are single, known values.
    fn seed_target(&self, target: &Value) {
        let (Some(namespace), Some(metric)) =
            (target["namespace"].as_str(), target["metricName"].as_str())
        else {
            return;
        };
        if namespace.is_empty()
            || metric.is_empty()
            || namespace.contains('$')
            || metric.contains('$')
        {
            return;
        }
        let mut dims = BTreeMap::new();
        for (k, v) in target["dimensions"].as_object().into_iter().flatten() {
            let one = match v {
                Value::String(s) => s.as_str(),
                Value::Array(a) if a.len() == 1 => a[0].as_str().unwrap_or("*"),
                _ => "*",
            };
            let value = if one == "*" || one.contains('$') {
                format!("{k}-1")
            } else {
                one.to_string()
            };
            dims.insert(k.clone(), value);
        }
        let region = match target["region"].as_str() {
            None | Some("") | Some("default") => REGION,
            Some(r) => r,
        };
        let metric_id = json!([region, namespace, metric, dims]).to_string();
        if !self.put_targets.lock().unwrap().insert(metric_id) {
            return;
        }
        let now_s = now_ms() / 1000;
        self.put(vec![
            json!({"region": region, "namespace": namespace, "name": metric, "dimensions": dims,
            "points": [[now_s - 1500, 1.0], [now_s - 900, 2.0], [now_s - 300, 3.0]]}),
        ]);
    }

    /// Resolves the dashboard's variables, then answers each panel's targets.
    pub async fn run(&self, d: &Dashboard) -> Outcome {
        let mut values: HashMap<String, String> = HashMap::new();
        let mut variables = Vec::new();
        for v in &d.variables {
            let name = v["name"].as_str().unwrap_or("").to_string();
            let query = &v["query"];
            match v["type"].as_str().unwrap_or("") {
                "query" => {
                    let model = match query {
                        Value::String(s) => json!({ "query": interpolate_str(s, &values) }),
                        other => interpolate(other, &values),
                    };
                    let mut found = self.options(&model).await;
                    if found.as_ref().is_ok_and(|o| o.is_empty()) && self.seed_lookup(&model) {
                        found = self.options(&model).await;
                    }
                    if let Some(first) = found.as_deref().ok().and_then(Self::choose) {
                        values.insert(name.clone(), first);
                    }
                    variables.push((name, found));
                }
                "custom" | "interval" => {
                    let first = query
                        .as_str()
                        .unwrap_or("")
                        .split(',')
                        .next()
                        .unwrap_or("")
                        .trim();
                    values.insert(name, first.to_string());
                }
                "constant" | "textbox" => {
                    values.insert(name, query.as_str().unwrap_or("").to_string());
                }
                _ => {}
            }
        }
        let now = now_ms();
        let mut panels: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for (panel, target) in &d.targets {
            let mut t = interpolate(target, &values);
            // A panel's query as Stratus's frontend sends it, marked as a panel's.
            t["type"] = json!(sent_type(&t));
            self.seed_target(&t);
            panels.entry(panel).or_default().push(t);
        }
        let mut targets = Vec::new();
        for (panel, ts) in panels {
            let queries = ts
                .iter()
                .map(|t| {
                    data_query(
                        t["refId"].as_str().unwrap_or("A"),
                        t.clone(),
                        now - 3_600_000,
                        now,
                    )
                })
                .collect();
            let resp = self.query(queries).await;
            for t in &ts {
                let ref_id = t["refId"].as_str().unwrap_or("A");
                let hidden = t["hide"].as_bool().unwrap_or(false);
                let Some(r) = resp.responses.get(ref_id) else {
                    // Hidden targets feed math and answer nothing of their own.
                    if !hidden {
                        targets.push((format!("{panel} / {ref_id}"), Err("no answer".to_string())));
                    }
                    continue;
                };
                let result = if r.error.is_empty() {
                    Ok(r.frames
                        .iter()
                        .map(|f| decode(f).values.iter().flatten().count())
                        .sum())
                } else {
                    Err(r.error.clone())
                };
                targets.push((format!("{panel} / {ref_id}"), result));
            }
        }
        Outcome {
            dashboard: d.name.clone(),
            variables,
            targets,
        }
    }
}
