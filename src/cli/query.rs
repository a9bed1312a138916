//! `query`: a Grafana-format CloudWatch query through a provisioned data source, with the
//! frames printed as text or JSON.

use serde_json::{json, Value};

use crate::app::Plugin;
use crate::clock::{now_ms, parse_rfc3339_ms, rfc3339_ms};
use crate::config::values::parse_duration;
use crate::frames::table::{TableFrame, Values};
use crate::frames::SeriesFrame;
use crate::query::Query;

use super::{context, select, QueryArgs};

/// Parses a time: `now`, `now-1h`, `-1h`, RFC 3339 or epoch milliseconds.
fn parse_time(value: &str, now_ms: i64) -> Option<i64> {
    let v = value.trim();
    if v == "now" {
        return Some(now_ms);
    }
    if let Some(rel) = v.strip_prefix("now-").or_else(|| v.strip_prefix('-')) {
        return parse_duration(rel)
            .and_then(|d| i64::try_from(d.as_millis()).ok())
            .map(|ms| now_ms.saturating_sub(ms));
    }
    if let Ok(ms) = v.parse::<i64>() {
        return Some(ms);
    }
    parse_rfc3339_ms(v)
}

fn read_queries(arg: &str) -> Result<Vec<Value>, String> {
    let text = match arg.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
        }
        None => arg.to_string(),
    };
    match serde_json::from_str::<Value>(&text).map_err(|e| format!("--query is not JSON: {e}"))? {
        Value::Array(items) => Ok(items),
        one @ Value::Object(_) => Ok(vec![one]),
        _ => Err("--query must be a JSON object or an array of objects".into()),
    }
}

/// Runs `query`: true when every query answered.
pub async fn run(args: &QueryArgs) -> Result<bool, String> {
    let ds = select(&args.source, true)?.remove(0);
    let now = now_ms();
    let from = parse_time(&args.from, now).ok_or_else(|| {
        format!(
            "--from {:?} is not a time (now, now-1h, -1h, RFC 3339, epoch ms)",
            args.from
        )
    })?;
    let to = parse_time(&args.to, now).ok_or_else(|| {
        format!(
            "--to {:?} is not a time (now, now-1h, -1h, RFC 3339, epoch ms)",
            args.to
        )
    })?;
    let queries: Vec<Query> = read_queries(&args.query)?
        .into_iter()
        .enumerate()
        .map(|(i, q)| Query {
            ref_id: q["refId"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| char::from(b'A' + (i % 26) as u8).to_string()),
            from_ms: from,
            to_ms: to,
            json: q.to_string().into_bytes(),
        })
        .collect();
    let order: Vec<String> = queries.iter().map(|q| q.ref_id.clone()).collect();
    let mut answers = Plugin::from_env()
        .query_data(&context(&ds), queries, None)
        .await;
    let report: Vec<(String, Result<Vec<Decoded>, String>)> = order
        .into_iter()
        .filter_map(|ref_id| {
            let answer = answers.remove(&ref_id)?;
            let frames = answer
                .map(|frames| frames.iter().filter_map(|f| Decoded::of(f)).collect())
                .map_err(|f| f.message);
            Some((ref_id, frames))
        })
        .collect();
    if args.source.json {
        let v: Vec<Value> = report
            .iter()
            .map(|(ref_id, answer)| match answer {
                Ok(frames) => json!({ "refId": ref_id, "error": null, "frames": frames.iter().map(Decoded::json).collect::<Vec<_>>() }),
                Err(e) => json!({ "refId": ref_id, "error": e, "frames": [] }),
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        for (ref_id, answer) in &report {
            match answer {
                Ok(frames) => frames.iter().for_each(|f| print!("{}", f.text())),
                Err(e) => println!("{ref_id}: error: {e}"),
            }
        }
    }
    Ok(report.iter().all(|(_, a)| a.is_ok()))
}

/// A frame of an answer: a time series, or a table (variable values, annotations).
enum Decoded {
    Series(SeriesFrame),
    Table(TableFrame),
}

impl Decoded {
    fn of(bytes: &[u8]) -> Option<Decoded> {
        SeriesFrame::from_arrow(bytes)
            .map(Decoded::Series)
            .or_else(|_| TableFrame::from_arrow(bytes).map(Decoded::Table))
            .ok()
    }

    fn json(&self) -> Value {
        match self {
            Decoded::Series(f) => frame_json(f),
            Decoded::Table(t) => table_json(t),
        }
    }

    fn text(&self) -> String {
        match self {
            Decoded::Series(f) => frame_table(f),
            Decoded::Table(t) => table_text(t),
        }
    }
}

fn cell(values: &Values, row: usize) -> Value {
    match values {
        Values::Text(v) => json!(v[row]),
        Values::Time(v) => json!(v[row].map(rfc3339_ms)),
        Values::Number(v) => json!(v[row]),
    }
}

/// A table as JSON: one object per row.
fn table_json(t: &TableFrame) -> Value {
    let rows: Vec<Value> = (0..t.rows())
        .map(|r| {
            Value::Object(
                t.columns
                    .iter()
                    .map(|c| (c.name.clone(), cell(&c.values, r)))
                    .collect(),
            )
        })
        .collect();
    json!({ "name": t.name, "refId": t.ref_id, "meta": t.meta, "rows": rows })
}

/// A table as text: a header line with the column names, then one line per row.
fn table_text(t: &TableFrame) -> String {
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    let mut out = format!("{}: {} ({} rows)\n", t.ref_id, names.join(" | "), t.rows());
    for r in 0..t.rows() {
        let cells: Vec<String> = t
            .columns
            .iter()
            .map(|c| match cell(&c.values, r) {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .collect();
        out.push_str(&format!("  {}\n", cells.join(" | ")));
    }
    out
}

/// A frame as plain JSON.
fn frame_json(f: &SeriesFrame) -> Value {
    json!({
        "name": f.name,
        "refId": f.ref_id,
        "labels": f.labels,
        "meta": f.meta,
        "time": f.times_ns.iter().map(|t| rfc3339_ms(t / 1_000_000)).collect::<Vec<_>>(),
        "value": f.values,
    })
}

/// A frame as a text table: a header line, then one line per point.
fn frame_table(f: &SeriesFrame) -> String {
    let labels: Vec<String> = f.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = format!(
        "{}: {} {{{}}} ({} points)\n",
        f.ref_id,
        f.name,
        labels.join(", "),
        f.values.len()
    );
    for (t, v) in f.times_ns.iter().zip(&f.values) {
        out.push_str(&format!("  {}  {v}\n", rfc3339_ms(t / 1_000_000)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frames::table::Column;

    #[test]
    fn times() {
        let now = 1_700_000_000_000;
        assert_eq!(parse_time("now", now), Some(now));
        assert_eq!(parse_time("now-1h", now), Some(now - 3_600_000));
        assert_eq!(parse_time("-15m", now), Some(now - 900_000));
        assert_eq!(parse_time("1699999999000", now), Some(1_699_999_999_000));
        assert_eq!(parse_time("2023-11-14T22:13:20Z", now), Some(now));
        assert_eq!(parse_time("yesterday", now), None);
    }

    #[test]
    fn frames_print_as_tables_and_json() {
        let f = SeriesFrame {
            name: "CPUUtilization".into(),
            ref_id: "A".into(),
            times_ns: vec![1_000_000_000, 2_000_000_000],
            values: vec![1.5, 2.0],
            labels: std::collections::BTreeMap::from([(
                "InstanceId".to_string(),
                "i-1".to_string(),
            )]),
            ..Default::default()
        };
        assert_eq!(
            frame_table(&f),
            "A: CPUUtilization {InstanceId=i-1} (2 points)\n  1970-01-01T00:00:01Z  1.5\n  1970-01-01T00:00:02Z  2\n"
        );
        assert_eq!(frame_json(&f)["value"], json!([1.5, 2.0]));
        assert_eq!(frame_json(&f)["time"][0], "1970-01-01T00:00:01Z");
    }

    #[test]
    fn tables_print_as_rows() {
        let t = TableFrame {
            name: String::new(),
            ref_id: "V".into(),
            meta: None,
            columns: vec![
                Column::new("text", Values::Text(vec![Some("a".into())])),
                Column::new("time", Values::Time(vec![Some(1_000)])),
            ],
        };
        assert_eq!(
            table_text(&t),
            "V: text | time (1 rows)\n  a | 1970-01-01T00:00:01Z\n"
        );
        assert_eq!(table_json(&t)["rows"][0]["text"], "a");
    }

    #[test]
    fn queries_from_argument() {
        assert_eq!(read_queries(r#"{"namespace":"N"}"#).unwrap().len(), 1);
        assert_eq!(read_queries(r#"[{"refId":"X"},{}]"#).unwrap().len(), 2);
        assert!(read_queries("7").is_err());
        assert!(read_queries("@/nonexistent/q.json")
            .unwrap_err()
            .contains("cannot read"));
    }
}
