//! Logs Insights results as Grafana's frames (pure), shaped as Grafana's CloudWatch shapes them:
//! for a panel, one frame of rows or one frame per stats group; for an alert rule or a
//! server-side expression, stats groups become labelled series, so each is an alert instance.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::frames::table::{Column, TableFrame, Values};

/// One result row: (field, value) pairs in the order AWS returns them.
pub type Row = Vec<(String, String)>;

/// The pointer to each event's full record: of no use on a panel, dropped as Grafana drops it.
const PTR: &str = "@ptr";
/// Fields AWS fills with times (`2006-01-02 15:04:05.000`, UTC, or milliseconds).
const TIME_FIELDS: [&str; 2] = ["@timestamp", "@ingestionTime"];
/// The fields of Grafana's context prefix: they name each row's log group and stream, and are
/// hidden.
const HIDDEN_FIELDS: [&str; 2] = [
    "__log__grafana_internal__",
    "__logstream__grafana_internal__",
];
/// The name of the frame an alert rule gets from a query that is not split into groups.
const SERVER_FRAME: &str = "CloudWatchLogsResponse";

/// Who asks, which decides the frames' shape, as in Grafana's CloudWatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A dashboard panel or Explore, through Stratus's editor: rows for the logs view, stats
    /// groups as frames of their own with the group's fields kept.
    Panel,
    /// An alert rule, a server-side expression or a caller without Stratus's editor
    /// (Grafana's synchronous path): each stats group a series whose value fields carry the
    /// group as labels.
    Server,
}

/// GetQueryResults' statistics of the query.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Statistics {
    /// Bytes scanned.
    pub bytes_scanned: f64,
    /// Records (log events) scanned.
    pub records_scanned: f64,
    /// Records that matched the query.
    pub records_matched: f64,
}

/// What a frame says about the query that made it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// The query as sent to StartQuery.
    pub executed: String,
    /// The status AWS last gave the query (`Complete`, `Running`, ...).
    pub status: String,
    /// Why the answer may be incomplete, for the panel's notice.
    pub warning: Option<String>,
    /// GetQueryResults' statistics, when it gave them.
    pub statistics: Option<Statistics>,
    /// "View in CloudWatch console", on every field of a panel's frames.
    pub console_link: Option<String>,
}

/// Milliseconds since the epoch of a time as Logs Insights writes it in results,
/// `2006-01-02 15:04:05.000` (UTC), exactly so.
pub fn parse_logs_time(value: &str) -> Option<i64> {
    let b = value.as_bytes();
    let shape = b.len() == 23
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    crate::clock::parse_rfc3339_ms(&format!("{}T{}Z", &value[..10], &value[11..]))
}

/// A time field's value: Logs Insights' time text, or milliseconds since the epoch (as AWS
/// gives `@timestamp` and `@ingestionTime` in some answers).
fn parse_time_value(value: &str) -> Option<i64> {
    parse_logs_time(value).or_else(|| value.parse::<i64>().ok())
}

/// How a field's values are typed, decided by its first value as Grafana decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Time,
    Number,
    Text,
}

fn kind_of(field: &str, first: &str, groups: &[String]) -> Kind {
    if parse_logs_time(first).is_some() || TIME_FIELDS.contains(&field) {
        Kind::Time
    } else if groups.iter().any(|g| g == field) {
        // A group's values name series: text, even when they are numbers.
        Kind::Text
    } else if first.parse::<f64>().is_ok() {
        Kind::Number
    } else {
        Kind::Text
    }
}

/// A column's cells typed as its kind; a number column with one value that is not a number is
/// text (as in Grafana), and so is a time column with one value that is not a time (where
/// Grafana fails the query).
fn typed(kind: Kind, cells: Vec<Option<String>>) -> Values {
    fn every<T>(
        cells: &[Option<String>],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Vec<Option<T>>> {
        cells
            .iter()
            .map(|c| match c {
                None => Some(None),
                Some(v) => parse(v).map(Some),
            })
            .collect()
    }
    let parsed = match kind {
        Kind::Time => every(&cells, parse_time_value).map(Values::Time),
        Kind::Number => every(&cells, |v| v.parse::<f64>().ok()).map(Values::Number),
        Kind::Text => None,
    };
    parsed.unwrap_or(Values::Text(cells))
}

/// Rows AWS sometimes adds that carry nothing: empty, or a lone time.
fn is_filler(row: &Row) -> bool {
    match row.as_slice() {
        [] => true,
        [(_, value)] => parse_logs_time(value).is_some(),
        _ => false,
    }
}

/// The columns of `rows`, in the order their fields first appear, `@ptr` left out; a field
/// twice in one row keeps its last value.
fn columns(rows: Vec<Row>, groups: &[String]) -> Vec<(String, Kind, Vec<Option<String>>)> {
    let rows: Vec<Row> = rows.into_iter().filter(|r| !is_filler(r)).collect();
    let count = rows.len();
    let mut columns: Vec<(String, Kind, Vec<Option<String>>)> = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        for (j, (field, value)) in row.into_iter().enumerate() {
            if field == PTR {
                continue;
            }
            // Rows mostly list their fields in the same order: try the same position first.
            let k = match columns.get(j) {
                Some((name, ..)) if *name == field => j,
                _ => match columns.iter().position(|(name, ..)| *name == field) {
                    Some(k) => k,
                    None => {
                        let kind = kind_of(&field, &value, groups);
                        columns.push((field, kind, vec![None; count]));
                        columns.len() - 1
                    }
                },
            };
            columns[k].2[i] = Some(value);
        }
    }
    columns
}

/// The order of rows by the first time column, earliest first, rows without a time last.
fn time_order(columns: &[Column]) -> Option<Vec<usize>> {
    let times = columns.iter().find_map(|c| match &c.values {
        Values::Time(t) => Some(t),
        _ => None,
    })?;
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by_key(|&i| (times[i].is_none(), times[i]));
    Some(order)
}

fn pick(values: &Values, rows: &[usize]) -> Values {
    match values {
        Values::Time(v) => Values::Time(rows.iter().map(|&i| v[i]).collect()),
        Values::Number(v) => Values::Number(rows.iter().map(|&i| v[i]).collect()),
        Values::Text(v) => Values::Text(rows.iter().map(|&i| v[i].clone()).collect()),
    }
}

fn meta(ctx: &Context, visualisation: Option<&str>) -> Value {
    let mut m = json!({
        "custom": { "Status": ctx.status },
        "executedQueryString": ctx.executed,
    });
    if let Some(s) = ctx.statistics {
        m["stats"] = json!([
            { "displayName": "Bytes scanned", "value": s.bytes_scanned },
            { "displayName": "Records scanned", "value": s.records_scanned },
            { "displayName": "Records matched", "value": s.records_matched },
        ]);
    }
    if let Some(v) = visualisation {
        m["preferredVisualisationType"] = json!(v);
    }
    if let Some(w) = &ctx.warning {
        m["notices"] = json!([{ "severity": "warning", "text": w }]);
    }
    m
}

/// A field's display config: `@timestamp` shows as Time, the context fields are hidden, and
/// on a panel every field links to the query in the console.
fn config(name: &str, audience: Audience, ctx: &Context) -> Option<Value> {
    let mut c = Map::new();
    if name == "@timestamp" {
        c.insert("displayName".into(), json!("Time"));
    }
    if HIDDEN_FIELDS.contains(&name) {
        c.insert("custom".into(), json!({ "hidden": true }));
    }
    if let (Audience::Panel, Some(url)) = (audience, &ctx.console_link) {
        c.insert(
            "links".into(),
            json!([{ "title": "View in CloudWatch console", "url": url, "targetBlank": true }]),
        );
    }
    (!c.is_empty()).then_some(Value::Object(c))
}

/// Splits `columns` into one frame per group: rows with the same values of the group fields
/// that are text (a time group, such as `bin(5m)`, does not split), in the order groups first
/// appear, each frame named by its values run together. For an alert rule the text group
/// fields leave the frame and become the labels of the fields after the first.
fn grouped(
    columns: &[Column],
    groups: &[String],
    audience: Audience,
    meta: &Value,
    ref_id: &str,
) -> Vec<TableFrame> {
    let is_text_group =
        |c: &Column| groups.contains(&c.name) && matches!(c.values, Values::Text(_));
    let rows = columns.first().map_or(0, |c| match &c.values {
        Values::Time(v) => v.len(),
        Values::Number(v) => v.len(),
        Values::Text(v) => v.len(),
    });
    let group_of = |row: usize| -> Vec<(String, Option<String>)> {
        columns
            .iter()
            .filter_map(|c| match &c.values {
                Values::Text(v) if groups.contains(&c.name) => {
                    Some((c.name.clone(), v[row].clone()))
                }
                _ => None,
            })
            .collect()
    };
    let mut order: Vec<Vec<(String, Option<String>)>> = Vec::new();
    let mut members: BTreeMap<String, (usize, Vec<usize>)> = BTreeMap::new();
    for row in 0..rows {
        let group = group_of(row);
        let key: String = group.iter().filter_map(|(_, v)| v.as_deref()).collect();
        let entry = members.entry(key).or_insert_with(|| {
            order.push(group);
            (order.len() - 1, Vec::new())
        });
        entry.1.push(row);
    }
    let mut by_order: Vec<(String, Vec<usize>, usize)> = members
        .into_iter()
        .map(|(key, (at, rows))| (key, rows, at))
        .collect();
    by_order.sort_by_key(|(_, _, at)| *at);
    by_order
        .into_iter()
        .map(|(key, rows, at)| {
            let labels: BTreeMap<String, String> = order[at]
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
                .collect();
            let kept = columns
                .iter()
                .filter(|c| audience == Audience::Panel || !is_text_group(c));
            let columns = kept
                .enumerate()
                .map(|(j, c)| {
                    let mut col = Column {
                        config: c.config.clone(),
                        ..Column::new(c.name.clone(), pick(&c.values, &rows))
                    };
                    if audience == Audience::Server && j >= 1 {
                        col.labels = labels.clone();
                        let mut cfg = match col.config.take() {
                            Some(Value::Object(m)) => m,
                            _ => Map::new(),
                        };
                        if !key.is_empty() {
                            cfg.insert("displayNameFromDS".into(), json!(key));
                        }
                        col.config = (!cfg.is_empty()).then_some(Value::Object(cfg));
                    }
                    col
                })
                .collect();
            TableFrame {
                name: key,
                ref_id: ref_id.to_string(),
                meta: Some(meta.clone()),
                columns,
            }
        })
        .collect()
}

/// The frames of a query's results for `audience`, grouped by `groups` (the stats groups).
pub fn frames(
    ref_id: &str,
    groups: &[String],
    audience: Audience,
    rows: Vec<Row>,
    ctx: &Context,
) -> Vec<TableFrame> {
    let mut columns: Vec<Column> = columns(rows, groups)
        .into_iter()
        .map(|(name, kind, cells)| Column {
            config: config(&name, audience, ctx),
            ..Column::new(name, typed(kind, cells))
        })
        .collect();
    let has_time = columns.iter().any(|c| matches!(c.values, Values::Time(_)));
    if let Some(order) = time_order(&columns) {
        for c in &mut columns {
            c.values = pick(&c.values, &order);
        }
    }
    let splits = !groups.is_empty() && !columns.is_empty();
    let (name, visualisation) = match audience {
        Audience::Panel if has_time && splits => {
            return grouped(&columns, groups, audience, &meta(ctx, None), ref_id)
        }
        Audience::Panel if has_time => (ref_id, Some("logs")),
        Audience::Panel => (ref_id, None),
        Audience::Server if splits => {
            return grouped(&columns, groups, audience, &meta(ctx, None), ref_id)
        }
        Audience::Server => (SERVER_FRAME, None),
    };
    vec![TableFrame {
        name: name.to_string(),
        ref_id: ref_id.to_string(),
        meta: Some(meta(ctx, visualisation)),
        columns,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Row {
        pairs
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect()
    }

    fn ctx() -> Context {
        Context {
            executed: "q".into(),
            status: "Complete".into(),
            console_link: Some("https://console/x".into()),
            ..Context::default()
        }
    }

    #[test]
    fn times_as_logs_insights_writes_them() {
        assert_eq!(parse_logs_time("1970-01-01 00:00:01.500"), Some(1_500));
        assert_eq!(
            parse_logs_time("2024-05-01 12:00:00.000"),
            Some(1_714_564_800_000)
        );
        for bad in [
            "",
            "2024-05-01 12:00:00",
            "2024-05-01T12:00:00.000",
            "2024-05-01 12:00:00.0000",
            "yesterday",
            "2024-13-01 00:00:00.000",
            "1714564800000",
        ] {
            assert_eq!(parse_logs_time(bad), None, "{bad}");
        }
        assert_eq!(parse_time_value("1714564800000"), Some(1_714_564_800_000));
    }

    #[test]
    fn a_logs_frame_is_typed_sorted_and_configured() {
        let rows = vec![
            row(&[
                ("@timestamp", "1970-01-01 00:00:02.000"),
                ("@message", "b"),
                ("bytes", "12"),
                ("@ptr", "p2"),
                ("__log__grafana_internal__", "g"),
            ]),
            row(&[]),
            row(&[("@timestamp", "1970-01-01 00:00:03.000")]),
            row(&[
                ("@timestamp", "1970-01-01 00:00:01.000"),
                ("@message", "a"),
                ("bytes", "3.5"),
                ("host", "h"),
                ("@ptr", "p1"),
            ]),
        ];
        let f = frames("A", &[], Audience::Panel, rows, &ctx()).remove(0);
        assert_eq!(f.name, "A");
        let names: Vec<&str> = f.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "@timestamp",
                "@message",
                "bytes",
                "__log__grafana_internal__",
                "host"
            ]
        );
        // Earliest first; the filler rows are gone.
        assert_eq!(
            f.columns[0].values,
            Values::Time(vec![Some(1_000), Some(2_000)])
        );
        assert_eq!(
            f.columns[2].values,
            Values::Number(vec![Some(3.5), Some(12.0)])
        );
        assert_eq!(
            f.columns[4].values,
            Values::Text(vec![Some("h".into()), None])
        );
        let cfg = |i: usize| f.columns[i].config.clone().unwrap();
        assert_eq!(cfg(0)["displayName"], "Time");
        assert_eq!(cfg(3)["custom"]["hidden"], true);
        assert_eq!(cfg(1)["links"][0]["url"], "https://console/x");
        assert_eq!(cfg(1)["links"][0]["title"], "View in CloudWatch console");
        let meta = f.meta.as_ref().unwrap();
        assert_eq!(meta["preferredVisualisationType"], "logs");
        assert_eq!(meta["executedQueryString"], "q");
        assert_eq!(meta["custom"]["Status"], "Complete");
        // For an alert rule: Grafana's frame name, no links.
        let server = frames(
            "A",
            &[],
            Audience::Server,
            vec![row(&[("@message", "x")])],
            &ctx(),
        )
        .remove(0);
        assert_eq!(server.name, "CloudWatchLogsResponse");
        assert_eq!(server.columns[0].config, None);
        assert!(server
            .meta
            .as_ref()
            .unwrap()
            .get("preferredVisualisationType")
            .is_none());
    }

    #[test]
    fn the_first_value_types_a_field() {
        let typed_as = |rows: Vec<Row>, groups: &[String]| {
            frames("A", groups, Audience::Panel, rows, &ctx())
                .remove(0)
                .columns[0]
                .values
                .clone()
        };
        // A number column with one word is text; a text column stays text.
        assert!(matches!(
            typed_as(vec![row(&[("x", "1")]), row(&[("x", "one")])], &[]),
            Values::Text(_)
        ));
        assert!(matches!(
            typed_as(vec![row(&[("x", "one")]), row(&[("x", "1")])], &[]),
            Values::Text(_)
        ));
        // A field in Logs Insights' time format is a time, whatever its name.
        assert_eq!(
            typed_as(
                vec![row(&[("when", "1970-01-01 00:00:05.000"), ("y", "1")])],
                &[]
            ),
            Values::Time(vec![Some(5_000)])
        );
        // A group's numbers are text: they name series.
        assert_eq!(
            typed_as(vec![row(&[("code", "500"), ("n", "1")])], &["code".into()]),
            Values::Text(vec![Some("500".into())])
        );
        // A time column with a value that is no time is text, where Grafana fails.
        assert!(matches!(
            typed_as(
                vec![
                    row(&[("when", "1970-01-01 00:00:05.000"), ("y", "1")]),
                    row(&[("when", "later"), ("y", "2")])
                ],
                &[]
            ),
            Values::Text(_)
        ));
        // A field twice in one row keeps its last value.
        assert_eq!(
            typed_as(
                vec![row(&[("x", "1"), ("x", "2")]), row(&[("y", "a")])],
                &[]
            ),
            Values::Number(vec![Some(2.0), None])
        );
        let nothing = frames("A", &[], Audience::Panel, Vec::new(), &ctx()).remove(0);
        assert!(nothing.columns.is_empty());
        assert!(
            nothing.to_arrow().is_ok(),
            "a query that found nothing is an empty frame"
        );
    }

    fn stats_rows() -> Vec<Row> {
        let r = |m: &str, service: &str, n: &str| {
            row(&[
                ("bin(5m)", &format!("1970-01-01 00:{m}:00.000")),
                ("service", service),
                ("count(*)", n),
            ])
        };
        vec![
            r("05", "web", "4"),
            r("00", "web", "2"),
            r("00", "jobs", "7"),
        ]
    }

    #[test]
    fn stats_groups_for_a_panel_keep_their_fields() {
        let groups = vec!["bin(5m)".to_string(), "service".to_string()];
        let fs = frames("A", &groups, Audience::Panel, stats_rows(), &ctx());
        assert_eq!(
            fs.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["web", "jobs"]
        );
        let web = &fs[0];
        let names: Vec<&str> = web.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["bin(5m)", "service", "count(*)"]);
        assert_eq!(
            web.columns[0].values,
            Values::Time(vec![Some(0), Some(300_000)])
        );
        assert_eq!(
            web.columns[2].values,
            Values::Number(vec![Some(2.0), Some(4.0)])
        );
        assert!(web.columns.iter().all(|c| c.labels.is_empty()));
        assert!(web
            .meta
            .as_ref()
            .unwrap()
            .get("preferredVisualisationType")
            .is_none());
        // Without a time field a panel gets the table as it is.
        let table = frames(
            "A",
            &["service".into()],
            Audience::Panel,
            vec![
                row(&[("service", "web"), ("n", "1")]),
                row(&[("service", "jobs"), ("n", "2")]),
            ],
            &ctx(),
        );
        assert_eq!((table.len(), table[0].name.as_str()), (1, "A"));
    }

    #[test]
    fn stats_groups_for_an_alert_rule_are_labelled_series() {
        let groups = vec!["bin(5m)".to_string(), "service".to_string()];
        let warned = Context {
            warning: Some("stopped".into()),
            ..ctx()
        };
        let fs = frames("A", &groups, Audience::Server, stats_rows(), &warned);
        let web = &fs[0];
        assert_eq!(web.name, "web");
        let names: Vec<&str> = web.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["bin(5m)", "count(*)"],
            "the text group leaves the frame"
        );
        assert!(web.columns[0].labels.is_empty());
        assert_eq!(
            web.columns[1].labels,
            BTreeMap::from([("service".into(), "web".into())])
        );
        assert_eq!(
            web.columns[1].config,
            Some(json!({"displayNameFromDS": "web"}))
        );
        assert_eq!(web.meta.as_ref().unwrap()["notices"][0]["text"], "stopped");
        // Two text groups: names run together, as Grafana's do.
        let two = frames(
            "A",
            &["@log".into(), "stream".into()],
            Audience::Server,
            vec![
                row(&[
                    ("@timestamp", "1970-01-01 00:00:00.000"),
                    ("@log", "a"),
                    ("stream", "1"),
                    ("count", "100"),
                ]),
                row(&[
                    ("@timestamp", "1970-01-01 00:00:00.000"),
                    ("@log", "b"),
                    ("stream", "1"),
                    ("count", "150"),
                ]),
            ],
            &ctx(),
        );
        assert_eq!(
            two.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["a1", "b1"]
        );
        // No rows: the one empty frame.
        let empty = frames("A", &groups, Audience::Server, Vec::new(), &ctx());
        assert_eq!(
            (empty.len(), empty[0].name.as_str()),
            (1, "CloudWatchLogsResponse")
        );
    }
}
