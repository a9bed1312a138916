//! Logs Insights results as Grafana's frames (pure): one logs frame of rows, or one frame per
//! stats group whose labels make each group its own series (and alert instance).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::frames::table::{Column, TableFrame, Values};

use super::stats::Shape;

/// One result row: (field, value) pairs in the order AWS returns them.
pub type Row = Vec<(String, String)>;

/// The pointer to each event's full record: kept, so links to the event work, but hidden.
const PTR: &str = "@ptr";
/// Fields AWS fills with times (`2006-01-02 15:04:05.000`, UTC).
const TIME_FIELDS: [&str; 2] = ["@timestamp", "@ingestionTime"];

/// What a frame says about the query that made it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// The query as sent to StartQuery.
    pub executed: String,
    /// Why the answer may be incomplete, for the panel's notice.
    pub warning: Option<String>,
    /// StartQuery's statistics: records matched, records scanned, bytes scanned.
    pub statistics: Vec<(&'static str, f64)>,
    /// "View in CloudWatch Logs Insights", when the partition has a console.
    pub console_link: Option<String>,
}

/// Milliseconds since the epoch of a result time: AWS writes `2024-05-01 12:00:00.000` (UTC);
/// emulators (moto) write milliseconds since the epoch.
pub fn parse_time(value: &str) -> Option<i64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    if v.len() < 19 || v.as_bytes().get(10) != Some(&b' ') {
        return None;
    }
    crate::clock::parse_rfc3339_ms(&format!("{}T{}Z", &v[..10], &v[11..]))
}

/// A column of one field's values (`None` where a row lacks it): times for AWS's time
/// fields and the stats bin, numbers when every value is one, text otherwise.
fn column<S: AsRef<str> + Into<String>>(
    name: &str,
    cells: Vec<Option<S>>,
    is_time: bool,
) -> Values {
    if is_time {
        if let Some(times) = every_parsed(&cells, parse_time) {
            return Values::Time(times);
        }
    }
    let number = |v: &str| v.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    if name != PTR && cells.iter().any(Option::is_some) {
        if let Some(numbers) = every_parsed(&cells, number) {
            return Values::Number(numbers);
        }
    }
    // Owned cells move into the column: a 10,000-row panel is megabytes of text.
    Values::Text(cells.into_iter().map(|c| c.map(Into::into)).collect())
}

/// Each cell parsed (parsing each once), or `None` as soon as a present cell does not parse.
fn every_parsed<S: AsRef<str>, T>(
    cells: &[Option<S>],
    parse: impl Fn(&str) -> Option<T>,
) -> Option<Vec<Option<T>>> {
    cells
        .iter()
        .map(|c| match c {
            None => Some(None),
            Some(v) => parse(v.as_ref()).map(Some),
        })
        .collect()
}

/// The fields of `rows` in the order AWS returns them (first appearance).
fn field_names(rows: &[Row]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (f, _) in rows.iter().flatten() {
        if !names.contains(f) {
            names.push(f.clone());
        }
    }
    names
}

fn cell<'a>(row: &'a Row, field: &str) -> Option<&'a str> {
    row.iter()
        .find(|(f, _)| f == field)
        .map(|(_, v)| v.as_str())
}

fn meta(ctx: &Context, visualisation: &str) -> Value {
    let mut m = json!({
        "preferredVisualisationType": visualisation,
        "executedQueryString": ctx.executed,
    });
    if let Some(w) = &ctx.warning {
        m["notices"] = json!([{ "severity": "warning", "text": w }]);
    }
    if !ctx.statistics.is_empty() {
        m["stats"] = ctx
            .statistics
            .iter()
            .map(|(name, value)| json!({ "displayName": name, "value": value }))
            .collect();
    }
    m
}

fn link_config(ctx: &Context) -> Option<Value> {
    ctx.console_link.as_ref().map(|url| {
        json!({ "links": [{ "title": "View in CloudWatch Logs Insights", "url": url, "targetBlank": true }] })
    })
}

/// The frame of a non-stats query: every field of every row, `@timestamp` as time.
fn rows_frame(ref_id: &str, rows: Vec<Row>, ctx: &Context) -> TableFrame {
    // Column by column in one pass over the rows, moving each value; a row's first value
    // of a field wins, as in `cell`.
    let mut names: Vec<String> = Vec::new();
    let mut cells: Vec<Vec<Option<String>>> = Vec::new();
    let count = rows.len();
    for (i, row) in rows.into_iter().enumerate() {
        for (j, (field, value)) in row.into_iter().enumerate() {
            // Rows mostly list their fields in the same order: try the same position first.
            let k = if names.get(j) == Some(&field) {
                j
            } else if let Some(k) = names.iter().position(|f| *f == field) {
                k
            } else {
                names.push(field);
                cells.push(vec![None; count]);
                names.len() - 1
            };
            cells[k][i].get_or_insert(value);
        }
    }
    let columns = names
        .into_iter()
        .zip(cells)
        .map(|(name, cells)| {
            let values = column(&name, cells, TIME_FIELDS.contains(&name.as_str()));
            let config = if name == PTR {
                Some(json!({ "custom": { "hidden": true } }))
            } else {
                link_config(ctx)
            };
            Column {
                config,
                ..Column::new(name, values)
            }
        })
        .collect();
    TableFrame {
        name: ref_id.to_string(),
        ref_id: ref_id.to_string(),
        meta: Some(meta(ctx, "logs")),
        columns,
    }
}

/// One frame per group of a stats query, in group order: the bin as time (rows sorted by it),
/// then each value field carrying the group's labels.
fn stats_frames(
    ref_id: &str,
    rows: &[Row],
    groups: &[String],
    bin: Option<&str>,
    ctx: &Context,
) -> Vec<TableFrame> {
    let names = field_names(rows);
    let mut by_group: BTreeMap<Vec<(String, String)>, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        let key = groups
            .iter()
            .map(|g| (g.clone(), cell(row, g).unwrap_or_default().to_string()))
            .collect();
        by_group.entry(key).or_default().push(row);
    }
    if by_group.is_empty() {
        // No rows: one empty frame, so the panel shows "no data" rather than an error.
        by_group.insert(Vec::new(), Vec::new());
    }
    by_group
        .into_iter()
        .map(|(key, mut members)| {
            if let Some(bin) = bin {
                members.sort_by_key(|r| cell(r, bin).and_then(parse_time));
            }
            let labels: BTreeMap<String, String> = key.iter().cloned().collect();
            let mut columns = Vec::new();
            for name in &names {
                if groups.contains(name) {
                    continue;
                }
                let cells = members.iter().map(|r| cell(r, name)).collect();
                let is_bin = Some(name.as_str()) == bin;
                let values = column(name, cells, is_bin);
                let labelled = !matches!(values, Values::Time(_));
                columns.push(Column {
                    labels: if labelled {
                        labels.clone()
                    } else {
                        BTreeMap::new()
                    },
                    config: link_config(ctx),
                    ..Column::new(name.clone(), values)
                });
            }
            // The time first, as Grafana expects of a series.
            columns.sort_by_key(|c| !matches!(c.values, Values::Time(_)));
            let name = key
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            TableFrame {
                name: if name.is_empty() {
                    ref_id.to_string()
                } else {
                    name
                },
                ref_id: ref_id.to_string(),
                meta: Some(meta(ctx, if bin.is_some() { "graph" } else { "table" })),
                columns,
            }
        })
        .collect()
}

/// The frames of a query's results.
pub fn frames(ref_id: &str, shape: &Shape, rows: Vec<Row>, ctx: &Context) -> Vec<TableFrame> {
    match shape {
        Shape::Rows => vec![rows_frame(ref_id, rows, ctx)],
        Shape::Stats { groups, bin } => stats_frames(ref_id, &rows, groups, bin.as_deref(), ctx),
    }
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
            console_link: Some("https://console/x".into()),
            ..Context::default()
        }
    }

    #[test]
    fn times_as_aws_writes_them() {
        assert_eq!(parse_time("1970-01-01 00:00:01.500"), Some(1_500));
        assert_eq!(parse_time("2024-05-01 12:00:00"), Some(1_714_564_800_000));
        assert_eq!(parse_time("1714564800000"), Some(1_714_564_800_000));
        for bad in [
            "",
            "2024-05-01T12:00:00.000",
            "yesterday",
            "2024-13-01 00:00:00.000",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_logs_frame_keeps_aws_order_and_types() {
        let rows = vec![
            row(&[
                ("@timestamp", "1970-01-01 00:00:02.000"),
                ("@message", "b"),
                ("bytes", "12"),
                ("@ptr", "p2"),
            ]),
            row(&[
                ("@timestamp", "1970-01-01 00:00:01.000"),
                ("@message", "a"),
                ("bytes", "3.5"),
                ("host", "h"),
                ("@ptr", "p1"),
            ]),
        ];
        let f = frames("A", &Shape::Rows, rows, &ctx()).remove(0);
        let names: Vec<&str> = f.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["@timestamp", "@message", "bytes", "@ptr", "host"]);
        assert_eq!(
            f.columns[0].values,
            Values::Time(vec![Some(2_000), Some(1_000)])
        );
        assert_eq!(
            f.columns[2].values,
            Values::Number(vec![Some(12.0), Some(3.5)])
        );
        assert_eq!(
            f.columns[4].values,
            Values::Text(vec![None, Some("h".into())])
        );
        assert_eq!(
            f.columns[3].config,
            Some(json!({"custom": {"hidden": true}}))
        );
        assert_eq!(
            f.columns[1].config.as_ref().unwrap()["links"][0]["url"],
            "https://console/x"
        );
        let meta = f.meta.as_ref().unwrap();
        assert_eq!(meta["preferredVisualisationType"], "logs");
        assert_eq!(meta["executedQueryString"], "q");
        // A field with one text value stays text; an empty answer is an empty frame.
        let mixed = vec![row(&[("x", "1")]), row(&[("x", "one")])];
        assert!(matches!(
            frames("A", &Shape::Rows, mixed, &ctx())[0].columns[0].values,
            Values::Text(_)
        ));
        // A field twice in one row: its first value, as AWS lists it.
        let twice = vec![row(&[("x", "1"), ("x", "2")]), row(&[("y", "a")])];
        assert_eq!(
            frames("A", &Shape::Rows, twice, &ctx())[0].columns[0].values,
            Values::Number(vec![Some(1.0), None])
        );
        let nothing = frames("A", &Shape::Rows, Vec::new(), &ctx()).remove(0);
        assert!(nothing.columns.is_empty());
        assert!(
            nothing.to_arrow().is_ok(),
            "a query that found nothing is an empty frame"
        );
    }

    #[test]
    fn stats_become_one_labelled_series_per_group() {
        let shape = Shape::Stats {
            groups: vec!["service".into()],
            bin: Some("bin(5m)".into()),
        };
        let rows = vec![
            row(&[
                ("bin(5m)", "1970-01-01 00:05:00.000"),
                ("service", "web"),
                ("count(*)", "4"),
            ]),
            row(&[
                ("bin(5m)", "1970-01-01 00:00:00.000"),
                ("service", "web"),
                ("count(*)", "2"),
            ]),
            row(&[
                ("bin(5m)", "1970-01-01 00:00:00.000"),
                ("service", "jobs"),
                ("count(*)", "7"),
            ]),
        ];
        let warned = Context {
            warning: Some("stopped".into()),
            ..ctx()
        };
        let fs = frames("A", &shape, rows, &warned);
        assert_eq!(
            fs.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["jobs", "web"]
        );
        let web = &fs[1];
        assert_eq!(web.columns[0].name, "bin(5m)");
        assert_eq!(
            web.columns[0].values,
            Values::Time(vec![Some(0), Some(300_000)])
        );
        assert_eq!(
            web.columns[1].values,
            Values::Number(vec![Some(2.0), Some(4.0)])
        );
        assert_eq!(
            web.columns[1].labels,
            BTreeMap::from([("service".into(), "web".into())])
        );
        assert!(web.columns[0].labels.is_empty());
        let meta = web.meta.as_ref().unwrap();
        assert_eq!(meta["preferredVisualisationType"], "graph");
        assert_eq!(meta["notices"][0]["text"], "stopped");
        // No bin: a table per group; no rows: one empty frame.
        let table = Shape::Stats {
            groups: vec![],
            bin: None,
        };
        let one = frames("A", &table, vec![row(&[("count(*)", "9")])], &ctx());
        assert_eq!((one.len(), one[0].name.as_str()), (1, "A"));
        assert_eq!(frames("A", &shape, Vec::new(), &ctx()).len(), 1);
    }
}
