//! Data source settings: what Grafana stores in jsonData and secureJsonData (including the
//! legacy forms older Grafana versions wrote), parsed into a validated [`Settings`] or a
//! [`SettingsError`] that names the field and the fix. Pure: no I/O.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};
use thiserror::Error;

use super::json::{self, json_type, WrongType};
use super::names::{Endpoint, Region, RoleArn};
use super::network::{self, NetworkSettings, NetworkSettingsError};
use super::secret::Secret;
use super::values::parse_duration;

/// A data source as Grafana sends it with every request (or as a provisioning file gives it).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DataSourceInstance {
    /// The data source uid: identifies it in caches and AssumeRole session names.
    pub uid: String,
    /// The name shown in Grafana, for messages.
    pub name: String,
    /// The top-level `database` field, where old Grafana versions kept the profile name.
    pub database: String,
    /// When the settings were last saved (ms); part of every cache key.
    pub last_updated_ms: i64,
    /// jsonData as stored; empty means none.
    pub json_data: Vec<u8>,
    /// secureJsonData, decrypted by Grafana.
    pub secure_json_data: HashMap<String, String>,
}

impl fmt::Debug for DataSourceInstance {
    // The decrypted secrets must never reach a log line through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut secure: Vec<&String> = self.secure_json_data.keys().collect();
        secure.sort();
        f.debug_struct("DataSourceInstance")
            .field("uid", &self.uid)
            .field("name", &self.name)
            .field("last_updated_ms", &self.last_updated_ms)
            .field("json_data", &String::from_utf8_lossy(&self.json_data))
            .field("secure_json_data_keys", &secure)
            .finish()
    }
}

/// The `authType` values of Grafana's AWS data sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthType {
    /// The AWS SDK's default provider chain.
    Default,
    /// A named profile from the shared credentials/config files.
    Credentials,
    /// A static access key and secret key, with an optional session token.
    Keys,
    /// The role of the EC2 instance Grafana runs on (instance metadata).
    Ec2IamRole,
    /// Grafana Cloud's own assume-role mode: never usable here, but the server's allowed list
    /// may name it.
    GrafanaAssumeRole,
}

impl AuthType {
    /// Parses a stored `authType` value, accepting Grafana's legacy aliases.
    pub fn parse(value: &str) -> Option<AuthType> {
        match value.trim() {
            // "arn" was the pre-7.3 name for the default chain; empty means default.
            "" | "default" | "arn" => Some(AuthType::Default),
            "credentials" | "sharedCreds" => Some(AuthType::Credentials),
            "keys" => Some(AuthType::Keys),
            "ec2_iam_role" => Some(AuthType::Ec2IamRole),
            "grafana_assume_role" => Some(AuthType::GrafanaAssumeRole),
            _ => None,
        }
    }

    /// The value Grafana's server settings and jsonData use for this mode.
    pub fn key(self) -> &'static str {
        match self {
            AuthType::Default => "default",
            AuthType::Credentials => "credentials",
            AuthType::Keys => "keys",
            AuthType::Ec2IamRole => "ec2_iam_role",
            AuthType::GrafanaAssumeRole => "grafana_assume_role",
        }
    }

    /// The label the settings page shows for this mode ("Authentication Provider").
    pub fn label(self) -> &'static str {
        match self {
            AuthType::Default => "AWS SDK Default",
            AuthType::Credentials => "Credentials file",
            AuthType::Keys => "Access & secret key",
            AuthType::Ec2IamRole => "Workspace IAM Role",
            AuthType::GrafanaAssumeRole => "Grafana Assume Role",
        }
    }
}

impl fmt::Display for AuthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Static keys from secureJsonData.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticKeys {
    /// The access key ID: not secret, but not logged either.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// The session token of temporary keys.
    pub session_token: Option<Secret>,
}

impl StaticKeys {
    /// The secrets, for scrubbing text that leaves the plugin.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        std::iter::once(&self.secret_access_key).chain(self.session_token.as_ref())
    }
}

/// Where a data source's base credentials come from: one variant per usable `authType`,
/// each carrying what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// The AWS SDK default chain.
    Default,
    /// A profile of the shared credentials/config files, `default` when none is named.
    Profile(String),
    /// Keys from secureJsonData.
    Keys(StaticKeys),
    /// The EC2 instance's role, from instance metadata.
    Ec2IamRole,
}

impl Credentials {
    /// The `authType` this choice corresponds to (what the server policy allows or not).
    pub fn auth_type(&self) -> AuthType {
        match self {
            Credentials::Default => AuthType::Default,
            Credentials::Profile(_) => AuthType::Credentials,
            Credentials::Keys(_) => AuthType::Keys,
            Credentials::Ec2IamRole => AuthType::Ec2IamRole,
        }
    }
}

/// A role Stratus assumes on top of the base credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    /// The role (`assumeRoleArn`).
    pub arn: RoleArn,
    /// The External ID the role's trust policy may require (`externalId`).
    pub external_id: Option<String>,
}

/// A validated data source configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The data source uid.
    pub uid: String,
    /// The data source name, for messages.
    pub name: String,
    /// When Grafana last saved the settings; part of every cache key.
    pub last_updated_ms: i64,
    /// Where the base credentials come from.
    pub credentials: Credentials,
    /// The role to assume on top of them, if any.
    pub assume_role: Option<AssumeRole>,
    /// Endpoint override for CloudWatch (and STS, unless `sts_endpoint` is set).
    pub endpoint: Option<Endpoint>,
    /// Endpoint override for STS only.
    pub sts_endpoint: Option<Endpoint>,
    /// The default region; `None` means "ask the environment".
    pub default_region: Option<Region>,
    /// Extra namespaces for the query editor (comma-separated in jsonData).
    pub custom_metrics_namespaces: Vec<String>,
    /// How Logs Insights queries run.
    pub logs: LogsSettings,
    /// The proxy and extra CA certificates its AWS calls use.
    pub network: NetworkSettings,
}

/// How long Logs Insights queries may run, and how many at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogsSettings {
    /// How long Stratus waits for a query before stopping it (`logsTimeout`, Grafana's key;
    /// 30 minutes by default, as in Grafana).
    pub timeout: Duration,
    /// Logs Insights queries this data source runs at once (`logsConcurrentQueries`); AWS
    /// limits concurrent queries per account, so queries beyond it wait their turn.
    pub max_queries: usize,
}

impl Default for LogsSettings {
    fn default() -> Self {
        LogsSettings {
            timeout: Duration::from_secs(30 * 60),
            max_queries: 10,
        }
    }
}

impl Settings {
    /// The `authType` of the base credentials.
    pub fn auth_type(&self) -> AuthType {
        self.credentials.auth_type()
    }

    /// Every secret the settings hold (secret key, session token, proxy password), for
    /// scrubbing text that leaves the plugin.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        let proxy = match &self.network.proxy {
            network::ProxyChoice::Url(server) => server.auth.as_ref().map(|a| &a.password),
            _ => None,
        };
        self.keys()
            .into_iter()
            .flat_map(|k| k.secrets())
            .chain(proxy)
    }

    /// Static keys, when the data source uses them.
    pub fn keys(&self) -> Option<&StaticKeys> {
        match &self.credentials {
            Credentials::Keys(k) => Some(k),
            _ => None,
        }
    }
}

/// A data source setting that cannot be used, with the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    /// jsonData is not a JSON object.
    #[error("The data source settings (jsonData) are not a JSON object: {0}. Re-save the data source settings page or fix the provisioning file.")]
    NotAnObject(String),
    /// A field holds a value of the wrong JSON type.
    #[error("Setting `{field}` {problem}. Fix it on the data source settings page or in the provisioning file.")]
    WrongType {
        /// The field name as stored.
        field: &'static str,
        /// What is wrong with it.
        problem: WrongType,
    },
    /// `authType` holds an unknown value.
    #[error("Setting `authType` has the unknown value {value:?}. Use one of: default (AWS SDK Default), keys (Access & secret key), credentials (Credentials file), ec2_iam_role (Workspace IAM Role).")]
    UnknownAuthType {
        /// The value found.
        value: String,
    },
    /// `grafana_assume_role` only exists in Grafana Cloud.
    #[error("Setting `authType` is grafana_assume_role, which only Grafana Cloud provides. Choose another Authentication Provider, e.g. keys with an Assume Role ARN.")]
    GrafanaAssumeRoleUnsupported,
    /// A required secret is missing.
    #[error("{label} (secureJsonData.{field}) is required for the Access & secret key provider. Enter it on the data source settings page, or set it in the provisioning file's secureJsonData.")]
    MissingSecret {
        /// The secureJsonData key.
        field: &'static str,
        /// The settings page label.
        label: &'static str,
    },
    /// The role ARN is malformed.
    #[error("Setting `assumeRoleArn` ({value:?}) is not an IAM role ARN. Use the form arn:aws:iam::123456789012:role/RoleName.")]
    InvalidRoleArn {
        /// The value found.
        value: String,
    },
    /// An endpoint URL is malformed.
    #[error("Setting `{field}` ({value:?}) is not a URL. Use the form https://monitoring.us-east-1.amazonaws.com, or leave it empty for AWS's default endpoint.")]
    InvalidEndpoint {
        /// The field name.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// `logsTimeout` is not a duration.
    #[error(
        "Setting `logsTimeout` ({value:?}) is not a duration. Use a value such as 30m, 15m or 90s."
    )]
    InvalidLogsTimeout {
        /// The value found.
        value: String,
    },
    /// `logsConcurrentQueries` is not a count Stratus can use.
    #[error("Setting `logsConcurrentQueries` ({value:?}) must be a whole number from 1 to 100 (CloudWatch Logs runs at most 100 queries at once per account).")]
    InvalidLogsConcurrency {
        /// The value found.
        value: String,
    },
    /// The region is malformed.
    #[error("Setting `{field}` ({value:?}) is not an AWS region name. Use a region such as us-east-1, or leave it as \"default\".")]
    InvalidRegion {
        /// The field name.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// A proxy or CA bundle setting cannot be used.
    #[error(transparent)]
    Network(#[from] NetworkSettingsError),
}

/// A trimmed string setting; blank means absent.
fn setting(obj: &Map<String, Value>, field: &'static str) -> Result<Option<String>, SettingsError> {
    json::opt_trimmed(obj, field).map_err(|problem| SettingsError::WrongType { field, problem })
}

fn secure_value(secure: &HashMap<String, String>, key: &str) -> Option<String> {
    secure
        .get(key)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn parse_region(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<Region>, SettingsError> {
    match value {
        None => Ok(None),
        Some(v) if v == "default" => Ok(None),
        Some(v) => Region::parse(&v)
            .map(Some)
            .ok_or(SettingsError::InvalidRegion { field, value: v }),
    }
}

fn parse_endpoint(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<Endpoint>, SettingsError> {
    value
        .map(|v| Endpoint::parse(&v).ok_or(SettingsError::InvalidEndpoint { field, value: v }))
        .transpose()
}

fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, SettingsError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(bytes).map_err(|e| SettingsError::NotAnObject(e.to_string()))? {
        Value::Object(o) => Ok(o),
        Value::Null => Ok(Map::new()),
        other => Err(SettingsError::NotAnObject(format!(
            "found {}",
            json_type(&other)
        ))),
    }
}

fn static_keys(secure: &HashMap<String, String>) -> Result<StaticKeys, SettingsError> {
    let access_key_id = secure_value(secure, "accessKey").ok_or(SettingsError::MissingSecret {
        field: "accessKey",
        label: "Access Key ID",
    })?;
    let secret = secure_value(secure, "secretKey").ok_or(SettingsError::MissingSecret {
        field: "secretKey",
        label: "Secret Access Key",
    })?;
    Ok(StaticKeys {
        access_key_id,
        secret_access_key: Secret::new(secret),
        session_token: secure_value(secure, "sessionToken").map(Secret::new),
    })
}

fn credentials(
    obj: &Map<String, Value>,
    ds: &DataSourceInstance,
) -> Result<Credentials, SettingsError> {
    let raw = setting(obj, "authType")?.unwrap_or_default();
    let auth_type = AuthType::parse(&raw).ok_or(SettingsError::UnknownAuthType { value: raw })?;
    Ok(match auth_type {
        AuthType::Default => Credentials::Default,
        // Old Grafana versions kept the profile in the data source's `database` field.
        AuthType::Credentials => Credentials::Profile(
            setting(obj, "profile")?
                .or_else(|| Some(ds.database.trim().to_string()).filter(|d| !d.is_empty()))
                .unwrap_or_else(|| "default".to_string()),
        ),
        AuthType::Keys => Credentials::Keys(static_keys(&ds.secure_json_data)?),
        AuthType::Ec2IamRole => Credentials::Ec2IamRole,
        AuthType::GrafanaAssumeRole => return Err(SettingsError::GrafanaAssumeRoleUnsupported),
    })
}

fn assume_role(obj: &Map<String, Value>) -> Result<Option<AssumeRole>, SettingsError> {
    // Grafana's Go side matches `assumeRoleARN` case-insensitively; serde would not.
    let arn = match setting(obj, "assumeRoleArn")? {
        Some(v) => Some(v),
        None => setting(obj, "assumeRoleARN")?,
    };
    let Some(arn) = arn else {
        return Ok(None);
    };
    Ok(Some(AssumeRole {
        arn: RoleArn::parse(&arn).ok_or(SettingsError::InvalidRoleArn { value: arn })?,
        external_id: setting(obj, "externalId")?,
    }))
}

/// `logsTimeout` and `logsConcurrentQueries`; numbers stored as JSON numbers count too.
fn logs(obj: &Map<String, Value>) -> Result<LogsSettings, SettingsError> {
    let defaults = LogsSettings::default();
    let timeout = match setting(obj, "logsTimeout")? {
        None => defaults.timeout,
        Some(v) => parse_duration(&v)
            .filter(|d| !d.is_zero())
            .ok_or(SettingsError::InvalidLogsTimeout { value: v })?,
    };
    let max_queries = match obj.get("logsConcurrentQueries") {
        None | Some(Value::Null) => defaults.max_queries,
        Some(v) => {
            let text = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            text.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or(SettingsError::InvalidLogsConcurrency { value: text })?
        }
    };
    Ok(LogsSettings {
        timeout,
        max_queries,
    })
}

/// Parses and validates a data source's settings.
pub fn parse(ds: &DataSourceInstance) -> Result<Settings, SettingsError> {
    let obj = json_object(&ds.json_data)?;
    let default_region = match setting(&obj, "defaultRegion")? {
        Some(v) => parse_region("defaultRegion", Some(v))?,
        None => parse_region("region", setting(&obj, "region")?)?,
    };
    let custom_metrics_namespaces = setting(&obj, "customMetricsNamespaces")?
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Settings {
        uid: ds.uid.clone(),
        name: ds.name.clone(),
        last_updated_ms: ds.last_updated_ms,
        credentials: credentials(&obj, ds)?,
        assume_role: assume_role(&obj)?,
        endpoint: parse_endpoint("endpoint", setting(&obj, "endpoint")?)?,
        sts_endpoint: parse_endpoint("stsEndpoint", setting(&obj, "stsEndpoint")?)?,
        default_region,
        custom_metrics_namespaces,
        logs: logs(&obj)?,
        network: network::parse(&obj, &ds.secure_json_data)?,
    })
}

/// Settings parsed from jsonData and secureJsonData pairs, for other modules' tests.
#[cfg(test)]
pub(crate) fn for_test(json: &str, secure: &[(&str, &str)]) -> Settings {
    parse(&DataSourceInstance {
        uid: "ds-1".into(),
        name: "n".into(),
        last_updated_ms: 1,
        json_data: json.as_bytes().to_vec(),
        secure_json_data: secure
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    })
    .expect("test settings are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_json(
        json: &str,
        secure: &[(&str, &str)],
        database: &str,
    ) -> Result<Settings, SettingsError> {
        parse(&DataSourceInstance {
            uid: "uid-1".into(),
            name: "cw".into(),
            database: database.into(),
            last_updated_ms: 7,
            json_data: json.as_bytes().to_vec(),
            secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
    }

    const KEYS: [(&str, &str); 2] = [("accessKey", "AK"), ("secretKey", "SK")];

    #[test]
    fn auth_type_values_and_aliases() {
        let cases = [
            ("", AuthType::Default),
            ("default", AuthType::Default),
            ("arn", AuthType::Default),
            ("keys", AuthType::Keys),
            ("credentials", AuthType::Credentials),
            ("sharedCreds", AuthType::Credentials),
            ("ec2_iam_role", AuthType::Ec2IamRole),
        ];
        for (raw, want) in cases {
            let json = format!(r#"{{"authType": "{raw}"}}"#);
            let s = parse_json(&json, &KEYS, "").unwrap();
            assert_eq!(s.auth_type(), want, "authType {raw:?}");
        }
        assert_eq!(
            parse_json("{}", &[], "").unwrap().credentials,
            Credentials::Default
        );
        assert_eq!(
            parse_json("", &[], "").unwrap().credentials,
            Credentials::Default
        );
        assert_eq!(
            parse_json("null", &[], "").unwrap().credentials,
            Credentials::Default
        );
    }

    #[test]
    fn unknown_auth_type_names_the_field_and_choices() {
        let msg = parse_json(r#"{"authType": "magic"}"#, &[], "")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("`authType`") && msg.contains("\"magic\""),
            "{msg}"
        );
        assert!(
            msg.contains("ec2_iam_role") && msg.contains("credentials"),
            "{msg}"
        );
        let err = parse_json(r#"{"authType": "grafana_assume_role"}"#, &[], "").unwrap_err();
        assert_eq!(err, SettingsError::GrafanaAssumeRoleUnsupported);
    }

    #[test]
    fn wrong_json_type_names_the_field() {
        let err = parse_json(r#"{"authType": 3}"#, &[], "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Setting `authType` must be a string, got a number. Fix it on the data source settings page or in the provisioning file."
        );
        assert!(matches!(
            parse_json("[1]", &[], "").unwrap_err(),
            SettingsError::NotAnObject(_)
        ));
        assert!(matches!(
            parse_json("{not json", &[], "").unwrap_err(),
            SettingsError::NotAnObject(_)
        ));
    }

    #[test]
    fn keys_need_access_and_secret_key() {
        let err = parse_json(r#"{"authType": "keys"}"#, &[("secretKey", "SK")], "").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("Access Key ID (secureJsonData.accessKey) is required"));
        let err = parse_json(
            r#"{"authType": "keys"}"#,
            &[("accessKey", "AK"), ("secretKey", "  ")],
            "",
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("Secret Access Key (secureJsonData.secretKey) is required"));
        let s = parse_json(
            r#"{"authType": "keys"}"#,
            &[
                ("accessKey", "AK"),
                ("secretKey", "SK"),
                ("sessionToken", "TOK"),
            ],
            "",
        )
        .unwrap();
        let keys = s.keys().unwrap();
        assert_eq!(keys.access_key_id, "AK");
        assert_eq!(keys.secret_access_key.expose(), "SK");
        assert_eq!(keys.session_token.as_ref().unwrap().expose(), "TOK");
        assert_eq!(keys.secrets().count(), 2);
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let secure = [
            ("accessKey", "AK"),
            ("secretKey", "CANARY-SECRET"),
            ("sessionToken", "CANARY-TOKEN"),
        ];
        let s = parse_json(r#"{"authType": "keys"}"#, &secure, "").unwrap();
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("CANARY"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
        let ds = DataSourceInstance {
            secure_json_data: secure
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        };
        let dbg = format!("{ds:?}");
        assert!(
            !dbg.contains("CANARY") && dbg.contains("secretKey"),
            "{dbg}"
        );
    }

    #[test]
    fn keys_are_ignored_for_other_auth_types() {
        let s = parse_json(r#"{"authType": "default"}"#, &[("secretKey", "SK")], "").unwrap();
        assert_eq!(s.keys(), None);
    }

    #[test]
    fn profile_falls_back_to_database_then_default() {
        let profile = |json: &str, db: &str| parse_json(json, &[], db).unwrap().credentials;
        let creds = r#"{"authType": "credentials"}"#;
        assert_eq!(
            profile(creds, "legacy"),
            Credentials::Profile("legacy".into())
        );
        assert_eq!(
            profile(r#"{"authType": "credentials", "profile": "p1"}"#, "legacy"),
            Credentials::Profile("p1".into())
        );
        assert_eq!(
            profile(r#"{"authType": "credentials", "profile": ""}"#, " "),
            Credentials::Profile("default".into())
        );
        // Only the Credentials file mode reads a profile.
        assert_eq!(profile(r#"{"profile": "p1"}"#, ""), Credentials::Default);
    }

    #[test]
    fn assume_role_arn_both_spellings() {
        let arn = "arn:aws:iam::123456789012:role/Reader";
        for key in ["assumeRoleArn", "assumeRoleARN"] {
            let json = format!(r#"{{"{key}": "{arn}", "externalId": "ext"}}"#);
            let role = parse_json(&json, &[], "").unwrap().assume_role.unwrap();
            assert_eq!(role.arn.as_str(), arn);
            assert_eq!(role.external_id.as_deref(), Some("ext"));
        }
        let s = parse_json(r#"{"assumeRoleArn": "", "externalId": "ext"}"#, &[], "").unwrap();
        assert_eq!(s.assume_role, None);
        let err = parse_json(r#"{"assumeRoleArn": "not-an-arn"}"#, &[], "").unwrap_err();
        assert!(err
            .to_string()
            .contains("arn:aws:iam::123456789012:role/RoleName"));
    }

    #[test]
    fn region_forms() {
        let region = |json: &str| parse_json(json, &[], "").map(|s| s.default_region);
        assert_eq!(
            region(r#"{"defaultRegion": "eu-west-1"}"#).unwrap(),
            Region::parse("eu-west-1")
        );
        assert_eq!(
            region(r#"{"region": "us-gov-west-1"}"#).unwrap(),
            Region::parse("us-gov-west-1")
        );
        assert_eq!(
            region(r#"{"defaultRegion": "default", "region": "eu-west-1"}"#).unwrap(),
            None
        );
        assert_eq!(region(r#"{"defaultRegion": ""}"#).unwrap(), None);
        assert!(matches!(
            region(r#"{"defaultRegion": "Europe"}"#).unwrap_err(),
            SettingsError::InvalidRegion {
                field: "defaultRegion",
                ..
            }
        ));
    }

    #[test]
    fn endpoints() {
        let s = parse_json(
            r#"{"endpoint": "http://127.0.0.1:5000/", "stsEndpoint": "sts.eu-west-1.amazonaws.com"}"#,
            &[],
            "",
        )
        .unwrap();
        assert_eq!(s.endpoint.unwrap().as_str(), "http://127.0.0.1:5000");
        assert_eq!(
            s.sts_endpoint.unwrap().as_str(),
            "https://sts.eu-west-1.amazonaws.com"
        );
        let err = parse_json(r#"{"endpoint": "not a url"}"#, &[], "").unwrap_err();
        assert!(matches!(
            err,
            SettingsError::InvalidEndpoint {
                field: "endpoint",
                ..
            }
        ));
    }

    #[test]
    fn custom_namespaces_and_unknown_keys() {
        let s = parse_json(
            r#"{"customMetricsNamespaces": " App/One, ,App/Two ", "logsTimeout": "30m", "whatever": {"a": 1}}"#,
            &[],
            "",
        )
        .unwrap();
        assert_eq!(s.custom_metrics_namespaces, vec!["App/One", "App/Two"]);
    }

    #[test]
    fn logs_timeout_and_concurrency() {
        let logs = |json: &str| parse_json(json, &[], "").map(|s| s.logs);
        assert_eq!(logs("{}").unwrap(), LogsSettings::default());
        assert_eq!(logs("{}").unwrap().timeout, Duration::from_secs(1800));
        let s = logs(r#"{"logsTimeout": "90s", "logsConcurrentQueries": 4}"#).unwrap();
        assert_eq!((s.timeout, s.max_queries), (Duration::from_secs(90), 4));
        assert_eq!(
            logs(r#"{"logsConcurrentQueries": "30"}"#)
                .unwrap()
                .max_queries,
            30
        );
        for (json, field) in [
            (r#"{"logsTimeout": "soon"}"#, "logsTimeout"),
            (r#"{"logsTimeout": "0s"}"#, "logsTimeout"),
            (r#"{"logsConcurrentQueries": 0}"#, "logsConcurrentQueries"),
            (
                r#"{"logsConcurrentQueries": "many"}"#,
                "logsConcurrentQueries",
            ),
            (
                r#"{"logsConcurrentQueries": 1000}"#,
                "logsConcurrentQueries",
            ),
        ] {
            let e = logs(json).unwrap_err().to_string();
            assert!(e.contains(field), "{json}: {e}");
        }
    }
}
