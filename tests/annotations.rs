//! Alarm annotations through QueryData: alarms from moto in auth mode, their history from the
//! DescribeAlarmHistory fixture (moto has none), checked against what boto3 finds and the
//! history posted, with the history calls counted.

mod common;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use common::*;
use serde_json::{json, Value};

const OPS: &str = "arn:aws:sns:us-east-1:123456789012:ops";
const PAGER: &str = "arn:aws:sns:us-east-1:123456789012:pager";

fn spec() -> Value {
    let alarm = |name: &str,
                 ns: &str,
                 metric: &str,
                 dims: Value,
                 stat: &str,
                 period: u32,
                 actions: &[&str]| {
        json!({"name": name, "namespace": ns, "metric": metric, "dimensions": dims, "statistic": stat, "period": period, "actions": actions})
    };
    json!({
        "users": [{ "name": "alice" }, { "name": "bob", "cloudwatch": false }],
        "alarms": [
            alarm("web-cpu-high", "AWS/EC2", "CPUUtilization", json!({"InstanceId": "i-0a"}), "Average", 300, &[OPS]),
            alarm("web-cpu-p99", "AWS/EC2", "CPUUtilization", json!({"InstanceId": "i-0a"}), "p99", 300, &[]),
            alarm("prod-latency", "App/Orders", "Latency", json!({"Service": "checkout"}), "Average", 60, &[OPS]),
            alarm("prod-errors", "App/Orders", "Errors", json!({"Service": "checkout"}), "Sum", 60, &[PAGER]),
            alarm("prod-latency-fast", "App/Orders", "Latency", json!({"Service": "checkout"}), "Average", 10, &[OPS]),
            alarm("dev-latency", "App/Orders", "Latency", json!({"Service": "search"}), "Average", 60, &[OPS]),
        ]
    })
}

/// A history item as posted to the fixture, with the end the annotation should show.
struct Item {
    alarm: &'static str,
    at_ms: i64,
    kind: &'static str,
    summary: &'static str,
    end_ms: Option<i64>,
}

impl Item {
    fn json(&self) -> Value {
        json!({
            "AlarmName": self.alarm,
            "Timestamp": DateTime::from_millis(self.at_ms).fmt(Format::DateTime).unwrap(),
            "HistoryItemType": self.kind,
            "HistorySummary": self.summary,
        })
    }
}

const MIN: i64 = 60_000;

/// The history: state changes in and out of the panel's range, actions, configuration
/// updates, and an alarm no query asks for. Times are whole seconds, as AWS keeps them to ms.
fn history(now: i64) -> Vec<Item> {
    let t = |minutes_ago: i64| (now / 1000) * 1000 - minutes_ago * MIN;
    let item = |alarm, m, kind, summary, end: Option<i64>| Item {
        alarm,
        at_ms: t(m),
        kind,
        summary,
        end_ms: end.map(t),
    };
    vec![
        item(
            "web-cpu-high",
            300,
            "ConfigurationUpdate",
            "Alarm \"web-cpu-high\" created",
            None,
        ),
        item(
            "web-cpu-high",
            120,
            "StateUpdate",
            "Alarm updated from OK to ALARM",
            Some(90),
        ),
        item(
            "web-cpu-high",
            119,
            "Action",
            "Successfully executed action arn:aws:sns:us-east-1:123456789012:ops",
            None,
        ),
        item(
            "web-cpu-high",
            90,
            "StateUpdate",
            "Alarm updated from ALARM to OK",
            None,
        ),
        item(
            "web-cpu-p99",
            30,
            "StateUpdate",
            "Alarm updated from OK to ALARM",
            None,
        ),
        item(
            "prod-latency",
            60,
            "StateUpdate",
            "Alarm updated from OK to ALARM",
            Some(50),
        ),
        item(
            "prod-latency",
            50,
            "StateUpdate",
            "Alarm updated from ALARM to OK",
            None,
        ),
        item(
            "prod-errors",
            40,
            "StateUpdate",
            "Alarm updated from OK to ALARM",
            None,
        ),
        item(
            "prod-latency-fast",
            35,
            "StateUpdate",
            "Alarm updated from OK to ALARM",
            None,
        ),
        item(
            "dev-latency",
            20,
            "StateUpdate",
            "Alarm updated from OK to ALARM",
            None,
        ),
        item(
            "deleted-alarm",
            10,
            "StateUpdate",
            "Alarm updated from OK to ALARM",
            None,
        ),
    ]
}

/// The annotations `items` of `alarms` make over `from..to`, oldest first.
fn expected(items: &[Item], alarms: &[String], from: i64, to: i64) -> Vec<Annotation> {
    let mut rows: Vec<Annotation> = items
        .iter()
        .filter(|i| alarms.iter().any(|a| a == i.alarm) && (from..=to).contains(&i.at_ms))
        .map(|i| Annotation {
            time_ms: i.at_ms,
            time_end_ms: i.end_ms,
            title: i.alarm.into(),
            tags: i.kind.into(),
            text: i.summary.into(),
        })
        .collect();
    rows.sort();
    rows
}

struct Rig {
    moto: Moto,
    proxy: Proxy,
    apis: MissingApis,
    seeded: Value,
    plugin: Plugin,
}

fn rig() -> Rig {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let proxy = Proxy::start(&moto.endpoint);
    let apis = MissingApis::start(&proxy.endpoint);
    Rig {
        plugin: Plugin::start(&[]),
        moto,
        proxy,
        apis,
        seeded,
    }
}

impl Rig {
    fn ctx(&self, user: &str) -> grafana_current::pluginv2::PluginContext {
        let k = keys(&self.seeded["users"][user]);
        ds(
            &format!("ds-{user}"),
            json_data("keys", &self.apis.endpoint),
            &secure(&k),
        )
    }

    /// Each model a query of one request over `from..to`: the rows, or the error.
    async fn annotate(
        &self,
        user: &str,
        models: &[Value],
        from: i64,
        to: i64,
    ) -> Vec<Result<Vec<Annotation>, String>> {
        let queries = models
            .iter()
            .enumerate()
            .map(|(i, m)| data_query(&format!("A{i}"), m.clone(), from, to))
            .collect();
        let resp = self.plugin.query(self.ctx(user), queries).await;
        (0..models.len())
            .map(|i| {
                let r = &resp.responses[&format!("A{i}")];
                if r.error.is_empty() {
                    assert_eq!(r.frames.len(), 1);
                    Ok(annotations(&r.frames[0]))
                } else {
                    Err(r.error.clone())
                }
            })
            .collect()
    }

    fn history_calls(&self) -> u64 {
        self.apis
            .counts()
            .get("DescribeAlarmHistory")
            .copied()
            .unwrap_or(0)
    }
}

fn cpu_alarms() -> Value {
    json!({"queryMode": "Annotations", "region": "default", "namespace": "AWS/EC2",
        "metricName": "CPUUtilization", "dimensions": {"InstanceId": "i-0a"}, "statistic": "Average",
        "period": "", "prefixMatching": false, "refId": "Anno"})
}

#[tokio::test(flavor = "multi_thread")]
async fn alarm_history_in_range_becomes_annotations_with_few_calls() {
    let r = rig();
    let now = now_ms();
    let (from, to) = (now - 180 * MIN, now);
    let items = history(now);
    r.apis
        .history(&Value::Array(items.iter().map(Item::json).collect()));

    // Alarms on a metric: the ones boto3's DescribeAlarmsForMetric finds for the same question.
    let cpu_names = &boto3_lookups(
        &r.moto.endpoint,
        &r.seeded["users"]["alice"],
        &json!([{"kind": "alarms_for_metric", "namespace": "AWS/EC2", "metric": "CPUUtilization",
            "dimensions": {"InstanceId": "i-0a"}, "statistic": "Average", "period": 300}]),
    )[0];
    assert!(
        cpu_names.contains(&"web-cpu-high".to_string()),
        "{cpu_names:?}"
    );
    let want = expected(&items, cpu_names, from, to);
    assert!(want.len() >= 4, "{want:?}");
    assert!(
        want.iter().any(|a| a.time_end_ms.is_some()),
        "a state that ended is a region"
    );
    r.proxy.reset();
    let got = r.annotate("alice", &[cpu_alarms()], from, to).await;
    assert_eq!(got[0].as_ref().unwrap(), &want);
    assert_eq!(r.proxy.count("DescribeAlarmsForMetric"), 1);
    // Several alarms, a quiet range: one account-wide history call, where Grafana makes one
    // per alarm.
    assert_eq!(r.history_calls(), 1);

    // Prefix matching: alarms by name prefix, narrowed by namespace, dimension keys, statistic
    // and period. (moto applies only one of ActionPrefix and AlarmNamePrefix, so each is
    // tested on its own.)
    let by_prefix = json!({"queryMode": "Annotations", "region": "us-east-1", "prefixMatching": true,
        "alarmNamePrefix": "prod-", "namespace": "App/Orders",
        "dimensions": {"Service": "checkout"}, "statistic": "Average", "period": "60"});
    r.proxy.reset();
    let got = r.annotate("alice", &[by_prefix], from, to).await;
    assert_eq!(
        got[0].as_ref().unwrap(),
        &expected(&items, &["prod-latency".into()], from, to)
    );
    assert_eq!(r.proxy.count("DescribeAlarms"), 1);
    assert_eq!(r.history_calls(), 2, "one alarm: one call of its own");
    // By action prefix, without a period (any matches); as in Grafana, dimensions match by
    // key, so dev-latency's Service=search is in.
    let by_action = json!({"queryMode": "Annotations", "prefixMatching": true,
        "actionPrefix": OPS, "namespace": "App/Orders",
        "dimensions": {"Service": "checkout"}, "statistic": "Average", "period": ""});
    let got = r.annotate("alice", &[by_action], from, to).await;
    let names = ["dev-latency", "prod-latency", "prod-latency-fast"].map(String::from);
    assert_eq!(
        got[0].as_ref().unwrap(),
        &expected(&items, &names, from, to)
    );

    // A narrower range shows less; an ALARM state whose end is out of range stays open.
    let got = r
        .annotate("alice", &[cpu_alarms()], now - 100 * MIN, to)
        .await;
    let rows = got[0].as_ref().unwrap();
    assert!(rows.iter().all(|a| a.time_ms >= now - 100 * MIN));
    assert!(rows.iter().any(|a| a.text.contains("ALARM to OK")));

    // A busy region: the account-wide answer runs over a page, so each alarm is asked on its
    // own (one call more than Grafana), and the annotations are the same.
    let mut busy: Vec<Value> = items.iter().map(Item::json).collect();
    busy.extend((0..150).map(|i| {
        json!({"AlarmName": format!("noisy-{i}"), "HistoryItemType": "StateUpdate",
            "HistorySummary": "Alarm updated from OK to ALARM",
            "Timestamp": DateTime::from_millis(now - (i + 1) * 30_000).fmt(Format::DateTime).unwrap()})
    }));
    r.apis.history(&Value::Array(busy));
    let before = r.history_calls();
    let got = r.annotate("alice", &[cpu_alarms()], from, to).await;
    assert_eq!(got[0].as_ref().unwrap(), &want);
    assert_eq!(r.history_calls() - before, 1 + cpu_names.len() as u64);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_annotation_queries_fail_alone() {
    let r = rig();
    let now = now_ms();
    r.apis
        .history(&Value::Array(history(now).iter().map(Item::json).collect()));
    let mut no_metric = cpu_alarms();
    no_metric["metricName"] = json!("");
    let mut odd_period = cpu_alarms();
    odd_period["period"] = json!("7");
    let mut bad_stat = cpu_alarms();
    bad_stat["statistic"] = json!("Mean");
    let mut var_region = cpu_alarms();
    var_region["region"] = json!("$region");
    let mut bad_prefix = cpu_alarms();
    bad_prefix["prefixMatching"] = json!("yes");
    let answers = r
        .annotate(
            "alice",
            &[
                cpu_alarms(),
                no_metric,
                odd_period,
                bad_stat,
                var_region,
                bad_prefix,
            ],
            now - 180 * MIN,
            now,
        )
        .await;
    assert!(!answers[0].as_ref().unwrap().is_empty());
    for (i, field) in [
        (1, "metricName"),
        (2, "period"),
        (3, "statistic"),
        (4, "region"),
        (5, "prefixMatching"),
    ] {
        let err = answers[i].as_ref().unwrap_err();
        assert!(err.contains(&format!("`{field}`")), "{i}: {err}");
    }
    // Not allowed to read alarms: the error says which call AWS refused, and why.
    let denied = r.annotate("bob", &[cpu_alarms()], now - MIN, now).await;
    let err = denied[0].as_ref().unwrap_err();
    assert!(
        err.contains("DescribeAlarmsForMetric") && err.contains("not authorized"),
        "{err}"
    );
    let mut plugin = r.plugin;
    assert!(plugin.alive());
    let secret = r.seeded["users"]["alice"]["secret_access_key"]
        .as_str()
        .unwrap();
    assert!(!plugin.output().contains(secret));
}
