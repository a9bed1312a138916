//! Reading fields of the JSON Grafana stores (jsonData, query models) the way Grafana's Go side
//! reads them: absent, null and blank strings mean "not set"; a value of the wrong JSON type is
//! an error that says what was expected and what was found.

use serde_json::{Map, Value};
use thiserror::Error;

/// A field holds a value Stratus cannot use; the caller adds which field and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("must be {expected}, got {got}")]
pub struct WrongType {
    /// What the field should hold ("a string", "a whole number", ...).
    pub expected: &'static str,
    /// What it holds: a JSON type ("a number") or the offending value.
    pub got: String,
}

/// How a JSON value's type is named in messages ("a string", "an array", ...).
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong(expected: &'static str, got: &Value) -> WrongType {
    WrongType {
        expected,
        got: json_type(got).to_string(),
    }
}

/// A string field; blank means absent. The value is returned as stored (untrimmed).
pub fn opt_str<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, WrongType> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong("a string", other)),
    }
}

/// A string field, trimmed; blank means absent.
pub fn opt_trimmed(obj: &Map<String, Value>, field: &str) -> Result<Option<String>, WrongType> {
    opt_str(obj, field).map(|v| v.map(|s| s.trim().to_string()))
}

/// A boolean field.
pub fn opt_bool(obj: &Map<String, Value>, field: &str) -> Result<Option<bool>, WrongType> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(wrong("true or false", other)),
    }
}

/// A whole-number field; editors store some numbers as strings (`"1"`), which count too.
pub fn opt_int(obj: &Map<String, Value>, field: &str) -> Result<Option<i64>, WrongType> {
    let not_whole = |got: String| WrongType {
        expected: "a whole number",
        got,
    };
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| not_whole(n.to_string())),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| not_whole(format!("{s:?}"))),
        Some(other) => Err(wrong("a number", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn blank_null_and_absent_mean_not_set() {
        let o = obj(json!({"a": "", "b": "  ", "c": null, "s": " x ", "n": 3}));
        for f in ["a", "b", "c", "missing"] {
            assert_eq!(opt_str(&o, f), Ok(None), "{f}");
            assert_eq!(opt_int(&o, f), Ok(None), "{f}");
        }
        assert_eq!(opt_str(&o, "s"), Ok(Some(" x ")));
        let err = opt_str(&o, "n").unwrap_err();
        assert_eq!(err.to_string(), "must be a string, got a number");
    }

    #[test]
    fn numbers_and_booleans() {
        let o = obj(json!({"i": 7, "s": " 8 ", "f": 1.5, "bad": "x", "b": true, "arr": []}));
        assert_eq!(opt_int(&o, "i"), Ok(Some(7)));
        assert_eq!(opt_int(&o, "s"), Ok(Some(8)));
        assert_eq!(
            opt_int(&o, "f").unwrap_err().to_string(),
            "must be a whole number, got 1.5"
        );
        assert_eq!(
            opt_int(&o, "bad").unwrap_err().to_string(),
            "must be a whole number, got \"x\""
        );
        assert_eq!(
            opt_int(&o, "arr").unwrap_err().to_string(),
            "must be a number, got an array"
        );
        assert_eq!(opt_bool(&o, "b"), Ok(Some(true)));
        assert_eq!(
            opt_bool(&o, "i").unwrap_err().to_string(),
            "must be true or false, got a number"
        );
    }
}
