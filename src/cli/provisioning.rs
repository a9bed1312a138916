//! Grafana data source provisioning files: the YAML and its variable expansion, read the way
//! Grafana reads them, so tests (and operators' tools) see exactly what Grafana would send.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use crate::config::settings::DataSourceInstance;

/// Why a provisioning file cannot be used.
#[derive(Debug, Error)]
pub enum ProvisioningError {
    /// The YAML does not parse or has the wrong shape.
    #[error("provisioning file is not valid: {0}")]
    Yaml(String),
    /// A `$__file{...}` reference could not be read.
    #[error("provisioning file refers to {path} with $__file, which cannot be read: {reason}")]
    File {
        /// The referenced path.
        path: String,
        /// The I/O error.
        reason: String,
    },
}

/// One data source from a provisioning file, after expansion.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSource {
    /// Display name.
    pub name: String,
    /// Plugin id.
    #[serde(rename = "type")]
    pub kind: String,
    /// Data source uid.
    #[serde(default)]
    pub uid: String,
    /// Legacy top-level profile field.
    #[serde(default)]
    pub database: String,
    /// jsonData.
    #[serde(default)]
    pub json_data: Option<Value>,
    /// secureJsonData (values as strings after expansion).
    #[serde(default)]
    pub secure_json_data: HashMap<String, String>,
}

impl DataSource {
    /// jsonData as the bytes Grafana sends.
    pub fn json_bytes(&self) -> Vec<u8> {
        self.json_data
            .as_ref()
            .map(|v| v.to_string().into_bytes())
            .unwrap_or_default()
    }

    /// The data source as Grafana sends it to the plugin (Grafana would set the last-updated
    /// time; the caller chooses one).
    pub fn instance(&self, last_updated_ms: i64) -> DataSourceInstance {
        DataSourceInstance {
            uid: self.uid.clone(),
            name: self.name.clone(),
            database: self.database.clone(),
            last_updated_ms,
            json_data: self.json_bytes(),
            secure_json_data: self.secure_json_data.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    datasources: Vec<DataSource>,
}

/// Expands Grafana's provisioning variables in `text`: `$VAR`, `${VAR}`, `$__env{VAR}`,
/// `$__file{path}` (trailing newline trimmed), and `$$` for a literal `$`. Unset variables
/// become empty, as in Grafana.
pub fn expand(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&str) -> std::io::Result<String>,
) -> Result<String, ProvisioningError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some((kind, inner, r)) = macro_call(after) {
            match kind {
                "env" => out.push_str(&env(inner).unwrap_or_default()),
                _ => {
                    let content = read_file(inner).map_err(|e| ProvisioningError::File {
                        path: inner.to_string(),
                        reason: e.to_string(),
                    })?;
                    out.push_str(content.trim_end_matches(['\n', '\r']));
                }
            }
            rest = r;
        } else if let Some(r) = after.strip_prefix('{') {
            match r.find('}') {
                Some(end) => {
                    out.push_str(&env(&r[..end]).unwrap_or_default());
                    rest = &r[end + 1..];
                }
                None => {
                    out.push('$');
                    rest = after;
                }
            }
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
            } else {
                out.push_str(&env(&after[..len]).unwrap_or_default());
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Matches `__env{...}` or `__file{...}` at the start of `s`.
fn macro_call(s: &str) -> Option<(&'static str, &str, &str)> {
    for kind in ["env", "file"] {
        if let Some(r) = s
            .strip_prefix("__")
            .and_then(|r| r.strip_prefix(kind))
            .and_then(|r| r.strip_prefix('{'))
        {
            let end = r.find('}')?;
            return Some((kind, &r[..end], &r[end + 1..]));
        }
    }
    None
}

/// Parses a provisioning file's text, expanding variables first as Grafana does.
pub fn parse(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    read_file: &dyn Fn(&str) -> std::io::Result<String>,
) -> Result<Vec<DataSource>, ProvisioningError> {
    let expanded = expand(text, env, read_file)?;
    let file: File =
        serde_norway::from_str(&expanded).map_err(|e| ProvisioningError::Yaml(e.to_string()))?;
    Ok(file.datasources)
}

/// Reads a provisioning file with the process environment and file system.
pub fn load(path: &std::path::Path) -> Result<Vec<DataSource>, ProvisioningError> {
    let text = std::fs::read_to_string(path).map_err(|e| ProvisioningError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    parse(&text, &|k| std::env::var(k).ok(), &|p| {
        std::fs::read_to_string(p)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            "KEY" => Some("AKIA1".into()),
            "SECRET" => Some("s3cret".into()),
            _ => None,
        }
    }

    fn no_files(p: &str) -> std::io::Result<String> {
        match p {
            "/run/secret" => Ok("from-file\n".into()),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such file",
            )),
        }
    }

    #[test]
    fn expansion_forms() {
        let cases = [
            ("${KEY}", "AKIA1"),
            ("$KEY/x", "AKIA1/x"),
            ("$__env{SECRET}", "s3cret"),
            ("$__file{/run/secret}", "from-file"),
            ("$$KEY", "$KEY"),
            ("${MISSING}", ""),
            ("cost $ 5", "cost $ 5"),
            ("${unterminated", "${unterminated"),
            ("plain", "plain"),
        ];
        for (raw, want) in cases {
            assert_eq!(expand(raw, &env, &no_files).unwrap(), want, "{raw}");
        }
        let err = expand("$__file{/nope}", &env, &no_files).unwrap_err();
        assert!(err.to_string().contains("/nope"));
    }

    #[test]
    fn parses_data_sources() {
        let yaml = r#"
apiVersion: 1
datasources:
  - name: CW
    type: stratus-cloudwatch-datasource
    uid: cw-1
    access: proxy
    jsonData:
      authType: keys
      defaultRegion: eu-west-1
    secureJsonData:
      accessKey: ${KEY}
      secretKey: $__env{SECRET}
"#;
        let ds = parse(yaml, &env, &no_files).unwrap();
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].uid, "cw-1");
        assert_eq!(ds[0].kind, "stratus-cloudwatch-datasource");
        assert_eq!(ds[0].secure_json_data["secretKey"], "s3cret");
        let settings = crate::config::settings::parse(&ds[0].instance(0)).unwrap();
        assert_eq!(
            settings.auth_type(),
            crate::config::settings::AuthType::Keys
        );
        assert!(parse("datasources: [1]", &env, &no_files).is_err());
    }
}
