//! Table frames: named columns of times, numbers or text, for variable values, annotations and
//! logs.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Float64Array, StringArray, TimestampNanosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::error::ArrowError;
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use serde_json::Value;

/// One column's values; `None` is an empty cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Times in milliseconds since the epoch.
    Time(Vec<Option<i64>>),
    /// Text.
    Text(Vec<Option<String>>),
    /// Numbers.
    Number(Vec<Option<f64>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Time(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::Number(v) => v.len(),
        }
    }

    fn array(&self) -> (DataType, ArrayRef) {
        match self {
            Values::Time(v) => (
                DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
                Arc::new(
                    v.iter()
                        .map(|t| t.map(|ms| ms.saturating_mul(1_000_000)))
                        .collect::<TimestampNanosecondArray>()
                        .with_timezone("UTC"),
                ),
            ),
            Values::Text(v) => (
                DataType::Utf8,
                Arc::new(v.iter().map(Option::as_deref).collect::<StringArray>()),
            ),
            Values::Number(v) => (
                DataType::Float64,
                Arc::new(v.iter().copied().collect::<Float64Array>()),
            ),
        }
    }
}

/// One column: its name and values, and the labels and display config Grafana reads from the
/// field's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The field's name.
    pub name: String,
    /// Its values.
    pub values: Values,
    /// Labels, which make a number column one series among others.
    pub labels: BTreeMap<String, String>,
    /// Field config (links, hidden), if any.
    pub config: Option<Value>,
}

impl Column {
    /// A column without labels or config.
    pub fn new(name: impl Into<String>, values: Values) -> Self {
        Column {
            name: name.into(),
            values,
            labels: BTreeMap::new(),
            config: None,
        }
    }
}

/// A table frame.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFrame {
    /// The frame's name.
    pub name: String,
    /// The query's refId.
    pub ref_id: String,
    /// Frame meta as JSON, if any.
    pub meta: Option<Value>,
    /// The columns, in order; all of one length.
    pub columns: Vec<Column>,
}

impl TableFrame {
    /// Encodes the frame as Arrow IPC file bytes, as Grafana reads them.
    pub fn to_arrow(&self) -> Result<Vec<u8>, ArrowError> {
        let rows = self.rows();
        if self.columns.iter().any(|c| c.values.len() != rows) {
            return Err(ArrowError::InvalidArgumentError(
                "the columns of a table frame differ in length".into(),
            ));
        }
        let mut schema_meta = HashMap::from([
            ("name".to_string(), self.name.clone()),
            ("refId".to_string(), self.ref_id.clone()),
        ]);
        if let Some(m) = &self.meta {
            schema_meta.insert("meta".into(), m.to_string());
        }
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = self
            .columns
            .iter()
            .map(|c| {
                let (data_type, array) = c.values.array();
                let mut meta = HashMap::from([("name".to_string(), c.name.clone())]);
                if !c.labels.is_empty() {
                    meta.insert(
                        "labels".into(),
                        serde_json::to_string(&c.labels).unwrap_or_else(|_| "{}".into()),
                    );
                }
                if let Some(config) = &c.config {
                    meta.insert("config".into(), config.to_string());
                }
                (
                    Field::new(&c.name, data_type, true).with_metadata(meta),
                    array,
                )
            })
            .unzip();
        let schema = Arc::new(Schema::new(fields).with_metadata(schema_meta));
        // The row count is given, so a frame without columns (a query that found nothing)
        // encodes too.
        let batch = RecordBatch::try_new_with_options(
            schema.clone(),
            arrays,
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )?;
        let mut buf = Vec::new();
        let mut writer = FileWriter::try_new(&mut buf, &schema)?;
        writer.write(&batch)?;
        writer.finish()?;
        drop(writer);
        Ok(buf)
    }

    /// Decodes a table frame (for the command line's output).
    pub fn from_arrow(bytes: &[u8]) -> Result<TableFrame, ArrowError> {
        let reader = FileReader::try_new(std::io::Cursor::new(bytes), None)?;
        let schema = reader.schema();
        let md = schema.metadata();
        let mut columns: Vec<Column> = schema
            .fields()
            .iter()
            .map(|f| {
                let values = match f.data_type() {
                    DataType::Utf8 => Values::Text(Vec::new()),
                    DataType::Float64 => Values::Number(Vec::new()),
                    DataType::Timestamp(TimeUnit::Nanosecond, _) => Values::Time(Vec::new()),
                    other => {
                        return Err(ArrowError::SchemaError(format!(
                            "a table frame has no {other} columns"
                        )))
                    }
                };
                let md = f.metadata();
                Ok(Column {
                    labels: md
                        .get("labels")
                        .and_then(|l| serde_json::from_str(l).ok())
                        .unwrap_or_default(),
                    config: md.get("config").and_then(|c| serde_json::from_str(c).ok()),
                    ..Column::new(f.name().clone(), values)
                })
            })
            .collect::<Result<_, _>>()?;
        for batch in reader {
            let batch = batch?;
            for (i, column) in columns.iter_mut().enumerate() {
                let array = batch.column(i);
                match &mut column.values {
                    Values::Text(v) => {
                        let a = array
                            .as_any()
                            .downcast_ref::<StringArray>()
                            .ok_or_else(|| ArrowError::SchemaError("not text".into()))?;
                        v.extend(
                            (0..a.len()).map(|r| (!a.is_null(r)).then(|| a.value(r).to_string())),
                        );
                    }
                    Values::Time(v) => {
                        let a = array
                            .as_any()
                            .downcast_ref::<TimestampNanosecondArray>()
                            .ok_or_else(|| ArrowError::SchemaError("not time".into()))?;
                        v.extend(
                            (0..a.len()).map(|r| (!a.is_null(r)).then(|| a.value(r) / 1_000_000)),
                        );
                    }
                    Values::Number(v) => {
                        let a = array
                            .as_any()
                            .downcast_ref::<Float64Array>()
                            .ok_or_else(|| ArrowError::SchemaError("not a number".into()))?;
                        v.extend((0..a.len()).map(|r| (!a.is_null(r)).then(|| a.value(r))));
                    }
                }
            }
        }
        Ok(TableFrame {
            name: md.get("name").cloned().unwrap_or_default(),
            ref_id: md.get("refId").cloned().unwrap_or_default(),
            meta: md.get("meta").and_then(|m| serde_json::from_str(m).ok()),
            columns,
        })
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Array;
    use arrow::ipc::reader::FileReader;

    #[test]
    fn text_and_time_columns_round_trip_through_an_independent_reader() {
        let frame = TableFrame {
            name: "".into(),
            ref_id: "V".into(),
            meta: None,
            columns: vec![
                Column::new("time", Values::Time(vec![Some(1_000), None])),
                Column::new(
                    "text",
                    Values::Text(vec![Some("a".into()), Some("b".into())]),
                ),
                Column {
                    labels: BTreeMap::from([("service".into(), "web".into())]),
                    config: Some(serde_json::json!({"custom": {"hidden": true}})),
                    ..Column::new("n", Values::Number(vec![Some(1.5), None]))
                },
            ],
        };
        let bytes = frame.to_arrow().unwrap();
        let reader = FileReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        assert_eq!(reader.schema().metadata()["refId"], "V");
        let batch = reader.into_iter().next().unwrap().unwrap();
        let times = batch
            .column(0)
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .unwrap();
        assert_eq!(times.value(0), 1_000_000_000);
        assert!(times.is_null(1));
        let text = batch
            .column(1)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        assert_eq!((text.value(0), text.value(1)), ("a", "b"));
        let n = batch.schema().field(2).metadata().clone();
        assert_eq!(n["labels"], r#"{"service":"web"}"#);
        assert_eq!(n["config"], r#"{"custom":{"hidden":true}}"#);
        let ragged = TableFrame {
            columns: vec![
                Column::new("a", Values::Text(vec![None])),
                Column::new("b", Values::Text(vec![])),
            ],
            ..frame.clone()
        };
        assert!(ragged.to_arrow().is_err());
        // A query that found nothing: no columns, still a frame.
        let empty = TableFrame {
            columns: vec![],
            ..frame.clone()
        };
        assert_eq!(
            TableFrame::from_arrow(&empty.to_arrow().unwrap())
                .unwrap()
                .rows(),
            0
        );
        let back = TableFrame::from_arrow(&frame.to_arrow().unwrap()).unwrap();
        assert_eq!(back, frame);
        assert_eq!(back.rows(), 2);
    }
}
