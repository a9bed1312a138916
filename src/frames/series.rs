//! Time series frames: a `Time` field and a `Value` field carrying the series' labels and
//! display config.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow::array::Array;
use arrow::array::{Float64Array, TimestampNanosecondArray};
use arrow::buffer::ScalarBuffer;
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::error::ArrowError;
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::RecordBatch;
use serde_json::Value;

/// One time series frame: a `Time` field and a `Value` field (nullable in the schema, as
/// Grafana's CloudWatch declares it, though CloudWatch series have no gaps).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesFrame {
    /// Frame name (the series name).
    pub name: String,
    /// The query's refId.
    pub ref_id: String,
    /// Frame meta as JSON (`executedQueryString`, `custom`, `notices`, ...), if any.
    pub meta: Option<Value>,
    /// Timestamps in nanoseconds since the epoch.
    pub times_ns: Vec<i64>,
    /// Values, one per timestamp.
    pub values: Vec<f64>,
    /// Labels on the value field.
    pub labels: BTreeMap<String, String>,
    /// Field config on the value field (display name, links), if any.
    pub value_config: Option<Value>,
}

fn field(
    name: &str,
    data_type: DataType,
    nullable: bool,
    labels: Option<&BTreeMap<String, String>>,
    config: Option<&Value>,
) -> Field {
    let mut meta = HashMap::from([("name".to_string(), name.to_string())]);
    if let Some(l) = labels {
        meta.insert(
            "labels".into(),
            serde_json::to_string(l).unwrap_or_else(|_| "{}".into()),
        );
    }
    if let Some(c) = config {
        meta.insert("config".into(), c.to_string());
    }
    Field::new(name, data_type, nullable).with_metadata(meta)
}

impl SeriesFrame {
    /// Encodes the frame as Arrow IPC file bytes. The frame's vectors become the Arrow arrays
    /// without a copy, so a series is copied once, into the bytes.
    pub fn into_arrow(self) -> Result<Vec<u8>, ArrowError> {
        let time_type = DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()));
        let mut schema_meta = HashMap::from([
            ("name".to_string(), self.name.clone()),
            ("refId".to_string(), self.ref_id.clone()),
        ]);
        if let Some(m) = &self.meta {
            schema_meta.insert("meta".into(), m.to_string());
        }
        let schema = Arc::new(
            Schema::new(vec![
                field("Time", time_type, false, None, None),
                field(
                    "Value",
                    DataType::Float64,
                    true,
                    Some(&self.labels),
                    self.value_config.as_ref(),
                ),
            ])
            .with_metadata(schema_meta),
        );
        // Data plus room for the schema (written twice), metadata and footer.
        let mut buf = Vec::with_capacity(16 * self.times_ns.len() + 4096);
        let times = TimestampNanosecondArray::new(ScalarBuffer::from(self.times_ns), None)
            .with_timezone("UTC");
        let values = Float64Array::new(ScalarBuffer::from(self.values), None);
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(times), Arc::new(values)])?;
        {
            let mut writer = FileWriter::try_new(&mut buf, &schema)?;
            writer.write(&batch)?;
            writer.finish()?;
        }
        Ok(buf)
    }

    /// Decodes a frame this module encoded (for the command line's output); a null value, which
    /// Stratus never writes, reads as NaN.
    pub fn from_arrow(bytes: &[u8]) -> Result<SeriesFrame, ArrowError> {
        let reader = FileReader::try_new(std::io::Cursor::new(bytes), None)?;
        let schema = reader.schema();
        let md = schema.metadata();
        let json = |s: Option<&String>| s.and_then(|v| serde_json::from_str::<Value>(v).ok());
        let value_md = schema.field(1).metadata();
        let mut frame = SeriesFrame {
            name: md.get("name").cloned().unwrap_or_default(),
            ref_id: md.get("refId").cloned().unwrap_or_default(),
            meta: json(md.get("meta")),
            labels: value_md
                .get("labels")
                .and_then(|l| serde_json::from_str(l).ok())
                .unwrap_or_default(),
            value_config: json(value_md.get("config")),
            ..Default::default()
        };
        for batch in reader {
            let batch = batch?;
            let bad = || ArrowError::SchemaError("not a Time/Value frame".into());
            let times = batch
                .column(0)
                .as_any()
                .downcast_ref::<TimestampNanosecondArray>()
                .ok_or_else(bad)?;
            let values = batch
                .column(1)
                .as_any()
                .downcast_ref::<Float64Array>()
                .ok_or_else(bad)?;
            frame.times_ns.extend(times.values().iter());
            frame
                .values
                .extend(values.iter().map(|v| v.unwrap_or(f64::NAN)));
        }
        Ok(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_with_labels_and_config() {
        let frame = SeriesFrame {
            name: "CPUUtilization".into(),
            ref_id: "A".into(),
            meta: Some(json!({"custom": {"period": 300, "id": "q1"}})),
            times_ns: vec![1_000_000_000, 2_000_000_000],
            values: vec![1.5, -0.25],
            labels: BTreeMap::from([("InstanceId".to_string(), "i-1".to_string())]),
            value_config: Some(json!({"displayNameFromDS": "cpu i-1"})),
        };
        let bytes = frame.clone().into_arrow().unwrap();
        let reader = FileReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        let schema = reader.schema();
        assert_eq!(schema.metadata()["refId"], "A");
        assert_eq!(schema.metadata()["name"], "CPUUtilization");
        let meta: Value = serde_json::from_str(&schema.metadata()["meta"]).unwrap();
        assert_eq!(meta["custom"]["period"], 300);
        let value_field = schema.field(1);
        assert_eq!(value_field.metadata()["labels"], r#"{"InstanceId":"i-1"}"#);
        assert_eq!(
            value_field.metadata()["config"],
            r#"{"displayNameFromDS":"cpu i-1"}"#
        );
        assert!(schema.field(0).metadata().get("labels").is_none());
        let back = SeriesFrame::from_arrow(&frame.clone().into_arrow().unwrap()).unwrap();
        assert_eq!(back, frame);
        let batches: Vec<_> = reader.map(Result::unwrap).collect();
        let values = batches[0]
            .column(1)
            .as_any()
            .downcast_ref::<Float64Array>()
            .unwrap();
        assert_eq!(values.value(0), 1.5);
        assert_eq!(values.value(1), -0.25);
        // Grafana reads the same schema as its CloudWatch's: a nullable Value, here without nulls.
        assert!(schema.field(1).is_nullable());
        assert_eq!(values.null_count(), 0);
        let times = batches[0]
            .column(0)
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .unwrap();
        assert_eq!(times.value(1), 2_000_000_000);
    }
}
