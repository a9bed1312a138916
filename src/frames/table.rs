//! Table frames: named columns of times or text, for variable values and annotations.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, StringArray, TimestampNanosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::error::ArrowError;
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::RecordBatch;
use serde_json::Value;

/// One column's values; `None` is an empty cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Times in milliseconds since the epoch.
    Time(Vec<Option<i64>>),
    /// Text.
    Text(Vec<Option<String>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Time(v) => v.len(),
            Values::Text(v) => v.len(),
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
    pub columns: Vec<(String, Values)>,
}

impl TableFrame {
    /// Encodes the frame as Arrow IPC file bytes, as Grafana reads them.
    pub fn to_arrow(&self) -> Result<Vec<u8>, ArrowError> {
        let rows = self.columns.first().map_or(0, |(_, v)| v.len());
        if self.columns.iter().any(|(_, v)| v.len() != rows) {
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
            .map(|(name, values)| {
                let (data_type, array) = values.array();
                let field = Field::new(name, data_type, true)
                    .with_metadata(HashMap::from([("name".to_string(), name.clone())]));
                (field, array)
            })
            .unzip();
        let schema = Arc::new(Schema::new(fields).with_metadata(schema_meta));
        let batch = RecordBatch::try_new(schema.clone(), arrays)?;
        let mut buf = Vec::new();
        let mut writer = FileWriter::try_new(&mut buf, &schema)?;
        writer.write(&batch)?;
        writer.finish()?;
        drop(writer);
        Ok(buf)
    }

    /// Decodes a frame of text and time columns (for the command line's output).
    pub fn from_arrow(bytes: &[u8]) -> Result<TableFrame, ArrowError> {
        let reader = FileReader::try_new(std::io::Cursor::new(bytes), None)?;
        let schema = reader.schema();
        let md = schema.metadata();
        let mut columns: Vec<(String, Values)> = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Utf8 => Ok((f.name().clone(), Values::Text(Vec::new()))),
                DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                    Ok((f.name().clone(), Values::Time(Vec::new())))
                }
                other => Err(ArrowError::SchemaError(format!(
                    "a table frame has no {other} columns"
                ))),
            })
            .collect::<Result<_, _>>()?;
        for batch in reader {
            let batch = batch?;
            for (i, (_, values)) in columns.iter_mut().enumerate() {
                let array = batch.column(i);
                match values {
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
        self.columns.first().map_or(0, |(_, v)| v.len())
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
                ("time".into(), Values::Time(vec![Some(1_000), None])),
                (
                    "text".into(),
                    Values::Text(vec![Some("a".into()), Some("b".into())]),
                ),
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
        let ragged = TableFrame {
            columns: vec![
                ("a".into(), Values::Text(vec![None])),
                ("b".into(), Values::Text(vec![])),
            ],
            ..frame.clone()
        };
        assert!(ragged.to_arrow().is_err());
        let back = TableFrame::from_arrow(&frame.to_arrow().unwrap()).unwrap();
        assert_eq!(back, frame);
        assert_eq!(back.rows(), 2);
    }
}
