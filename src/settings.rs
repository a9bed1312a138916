//! Data source settings: parsing and validating what Grafana stores in jsonData and
//! secureJsonData, including the legacy forms older Grafana versions wrote.
//!
//! Everything here is pure: it turns the bytes and maps of a `DataSourceInstanceSettings`
//! into a validated [`Settings`] or a [`SettingsError`] that names the field and the fix.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};
use thiserror::Error;

/// How the data source obtains its base AWS credentials.
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
    /// Grafana Cloud's own assume-role mode; named so the policy can mention it.
    GrafanaAssumeRole,
}

impl AuthType {
    /// Every mode this plugin can run, in the order the settings page lists them.
    pub const SUPPORTED: [AuthType; 4] = [
        AuthType::Default,
        AuthType::Keys,
        AuthType::Credentials,
        AuthType::Ec2IamRole,
    ];

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

    /// The value Grafana's server settings use for this mode.
    pub fn key(self) -> &'static str {
        match self {
            AuthType::Default => "default",
            AuthType::Credentials => "credentials",
            AuthType::Keys => "keys",
            AuthType::Ec2IamRole => "ec2_iam_role",
            AuthType::GrafanaAssumeRole => "grafana_assume_role",
        }
    }

    /// The label the settings page shows for this mode.
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

/// A secret value whose `Debug` and `Display` never show the content.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for handing to the AWS SDK only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// An AWS region name such as `eu-west-1`, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(String);

impl Region {
    /// Validates a region name: lowercase letters, digits and dashes, ending in a number
    /// (`us-east-1`, `us-gov-west-1`, `cn-northwest-1`).
    pub fn parse(value: &str) -> Option<Region> {
        let v = value.trim();
        let parts: Vec<&str> = v.split('-').collect();
        let well_formed = parts.len() >= 3
            && parts.iter().all(|p| !p.is_empty())
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
            && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit());
        well_formed.then(|| Region(v.to_string()))
    }

    /// The region name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An endpoint URL override (scheme and host checked).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint(String);

impl Endpoint {
    /// Accepts `http(s)://host[:port][/path]`; a bare host gets `https://`, as Grafana's
    /// Go SDK does.
    pub fn parse(value: &str) -> Option<Endpoint> {
        let v = value.trim();
        let (scheme, rest) = match v.split_once("://") {
            Some((s @ ("http" | "https"), rest)) => (s, rest),
            Some(_) => return None,
            None => ("https", v),
        };
        let rest = rest.trim_end_matches('/');
        let host_port = rest.split('/').next().unwrap_or("");
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, _)) if !h.ends_with(']') && h.contains(':') => (host_port, None),
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        };
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok());
        let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => !v6.is_empty() && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':'),
            None => {
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            }
        };
        (host_ok && port_ok).then(|| Endpoint(format!("{scheme}://{rest}")))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grafana treats an endpoint with `-fips.` in it as "use FIPS endpoints" for STS.
    pub fn is_fips(&self) -> bool {
        self.0.contains("-fips.")
    }

    /// Whether the URL points at an STS endpoint.
    pub fn looks_like_sts(&self) -> bool {
        let host = self.0.split("://").nth(1).unwrap_or("");
        host.starts_with("sts.") || host.starts_with("sts-") || host.contains(".sts.")
    }
}

/// An IAM role ARN, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleArn(String);

impl RoleArn {
    /// Accepts `arn:<partition>:iam::<12-digit account>:role/<path/name>`.
    pub fn parse(value: &str) -> Option<RoleArn> {
        let v = value.trim();
        let mut parts = v.splitn(6, ':');
        let ok = parts.next() == Some("arn")
            && parts.next().is_some_and(|p| p.starts_with("aws"))
            && parts.next() == Some("iam")
            && parts.next() == Some("")
            && parts
                .next()
                .is_some_and(|a| a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()))
            && parts
                .next()
                .is_some_and(|r| r.strip_prefix("role/").is_some_and(|n| !n.is_empty()));
        ok.then(|| RoleArn(v.to_string()))
    }

    /// The ARN.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Static keys from secureJsonData.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticKeys {
    /// The access key ID (not secret, but not logged either).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// The session token of temporary keys.
    pub session_token: Option<Secret>,
}

/// A validated data source configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The data source uid (identifies it in caches and AssumeRole session names).
    pub uid: String,
    /// The data source name, for messages.
    pub name: String,
    /// When Grafana last saved the settings; part of every cache key.
    pub last_updated_ms: i64,
    /// How base credentials are obtained.
    pub auth_type: AuthType,
    /// Credentials profile (for [`AuthType::Credentials`]); `None` means `default`.
    pub profile: Option<String>,
    /// Static keys (for [`AuthType::Keys`]).
    pub keys: Option<StaticKeys>,
    /// Role to assume on top of the base credentials.
    pub assume_role_arn: Option<RoleArn>,
    /// External ID for the AssumeRole call.
    pub external_id: Option<String>,
    /// Endpoint override for CloudWatch (and STS, unless `sts_endpoint` is set).
    pub endpoint: Option<Endpoint>,
    /// Endpoint override for STS only.
    pub sts_endpoint: Option<Endpoint>,
    /// The default region; `None` means "ask the environment".
    pub default_region: Option<Region>,
    /// Extra namespaces for the query editor (comma-separated in jsonData).
    pub custom_metrics_namespaces: Vec<String>,
}

impl Settings {
    /// The profile name actually used by [`AuthType::Credentials`].
    pub fn profile_name(&self) -> &str {
        self.profile.as_deref().unwrap_or("default")
    }
}

/// A data source setting that cannot be used, with the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    /// jsonData is not a JSON object.
    #[error("The data source settings (jsonData) are not a JSON object: {0}. Re-save the data source settings page or fix the provisioning file.")]
    NotAnObject(String),
    /// A field holds a value of the wrong JSON type.
    #[error("Setting `{field}` must be {expected}, got {got}. Fix it on the data source settings page or in the provisioning file.")]
    WrongType {
        /// The field name as stored.
        field: String,
        /// What the field should be.
        expected: &'static str,
        /// The JSON type found.
        got: &'static str,
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
    /// The region is malformed.
    #[error("Setting `{field}` ({value:?}) is not an AWS region name. Use a region such as us-east-1, or leave it as \"default\".")]
    InvalidRegion {
        /// The field name.
        field: &'static str,
        /// The value found.
        value: String,
    },
}

/// The raw inputs Grafana sends for a data source.
#[derive(Debug, Clone, Copy)]
pub struct RawSettings<'a> {
    /// Data source uid.
    pub uid: &'a str,
    /// Data source name.
    pub name: &'a str,
    /// Top-level `database` field (legacy home of the profile name).
    pub database: &'a str,
    /// Last-updated time in milliseconds.
    pub last_updated_ms: i64,
    /// jsonData bytes (may be empty).
    pub json_data: &'a [u8],
    /// Decrypted secureJsonData.
    pub secure: &'a HashMap<String, String>,
}

/// How a JSON value's type is named in error messages ("a string", "an array", ...).
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

/// Reads an optional string field; null and blank mean absent.
fn opt_str(obj: &Map<String, Value>, field: &str) -> Result<Option<String>, SettingsError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(other) => Err(SettingsError::WrongType {
            field: field.to_string(),
            expected: "a string",
            got: json_type(other),
        }),
    }
}

/// Reads the first present field among spellings (older Grafana versions wrote other names).
fn first_str(obj: &Map<String, Value>, fields: &[&str]) -> Result<Option<String>, SettingsError> {
    for f in fields {
        if let Some(v) = opt_str(obj, f)? {
            return Ok(Some(v));
        }
    }
    Ok(None)
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

/// Parses and validates a data source's settings.
pub fn parse(raw: RawSettings<'_>) -> Result<Settings, SettingsError> {
    let json: Value = if raw.json_data.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(raw.json_data)
            .map_err(|e| SettingsError::NotAnObject(e.to_string()))?
    };
    let obj = match json {
        Value::Object(o) => o,
        Value::Null => Map::new(),
        other => {
            return Err(SettingsError::NotAnObject(format!(
                "found {}",
                json_type(&other)
            )))
        }
    };

    let auth_raw = opt_str(&obj, "authType")?.unwrap_or_default();
    let auth_type = AuthType::parse(&auth_raw).ok_or(SettingsError::UnknownAuthType {
        value: auth_raw.clone(),
    })?;
    if auth_type == AuthType::GrafanaAssumeRole {
        return Err(SettingsError::GrafanaAssumeRoleUnsupported);
    }

    let profile = opt_str(&obj, "profile")?.or_else(|| {
        let db = raw.database.trim();
        (!db.is_empty()).then(|| db.to_string())
    });

    let keys = if auth_type == AuthType::Keys {
        let access_key_id =
            secure_value(raw.secure, "accessKey").ok_or(SettingsError::MissingSecret {
                field: "accessKey",
                label: "Access Key ID",
            })?;
        let secret = secure_value(raw.secure, "secretKey").ok_or(SettingsError::MissingSecret {
            field: "secretKey",
            label: "Secret Access Key",
        })?;
        Some(StaticKeys {
            access_key_id,
            secret_access_key: Secret::new(secret),
            session_token: secure_value(raw.secure, "sessionToken").map(Secret::new),
        })
    } else {
        None
    };

    // Grafana's Go side matches `assumeRoleARN` case-insensitively; serde would not.
    let assume_role_arn = first_str(&obj, &["assumeRoleArn", "assumeRoleARN"])?
        .map(|v| RoleArn::parse(&v).ok_or(SettingsError::InvalidRoleArn { value: v }))
        .transpose()?;

    let default_region = match opt_str(&obj, "defaultRegion")? {
        Some(v) => parse_region("defaultRegion", Some(v))?,
        None => parse_region("region", opt_str(&obj, "region")?)?,
    };

    let custom_metrics_namespaces = opt_str(&obj, "customMetricsNamespaces")?
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();

    Ok(Settings {
        uid: raw.uid.to_string(),
        name: raw.name.to_string(),
        last_updated_ms: raw.last_updated_ms,
        auth_type,
        profile,
        keys,
        assume_role_arn,
        external_id: opt_str(&obj, "externalId")?,
        endpoint: parse_endpoint("endpoint", opt_str(&obj, "endpoint")?)?,
        sts_endpoint: parse_endpoint("stsEndpoint", opt_str(&obj, "stsEndpoint")?)?,
        default_region,
        custom_metrics_namespaces,
    })
}

/// Settings parsed from jsonData and secureJsonData pairs, for other modules' tests.
#[cfg(test)]
pub(crate) fn for_test(json: &str, secure: &[(&str, &str)]) -> Settings {
    let secure: HashMap<String, String> = secure
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    parse(RawSettings {
        uid: "ds-1",
        name: "n",
        database: "",
        last_updated_ms: 1,
        json_data: json.as_bytes(),
        secure: &secure,
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
        let secure: HashMap<String, String> = secure
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(RawSettings {
            uid: "uid-1",
            name: "cw",
            database,
            last_updated_ms: 7,
            json_data: json.as_bytes(),
            secure: &secure,
        })
    }

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
            let s = parse_json(&json, &[("accessKey", "AK"), ("secretKey", "SK")], "").unwrap();
            assert_eq!(s.auth_type, want, "authType {raw:?}");
        }
        assert_eq!(
            parse_json("{}", &[], "").unwrap().auth_type,
            AuthType::Default
        );
        assert_eq!(
            parse_json("", &[], "").unwrap().auth_type,
            AuthType::Default
        );
    }

    #[test]
    fn unknown_auth_type_names_the_field_and_choices() {
        let err = parse_json(r#"{"authType": "magic"}"#, &[], "").unwrap_err();
        let msg = err.to_string();
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
        let err = parse_json("[1]", &[], "").unwrap_err();
        assert!(matches!(err, SettingsError::NotAnObject(_)));
        let err = parse_json("{not json", &[], "").unwrap_err();
        assert!(matches!(err, SettingsError::NotAnObject(_)));
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
        let keys = s.keys.unwrap();
        assert_eq!(keys.access_key_id, "AK");
        assert_eq!(keys.secret_access_key.expose(), "SK");
        assert_eq!(keys.session_token.unwrap().expose(), "TOK");
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let s = parse_json(
            r#"{"authType": "keys"}"#,
            &[
                ("accessKey", "AK"),
                ("secretKey", "CANARY-SECRET"),
                ("sessionToken", "CANARY-TOKEN"),
            ],
            "",
        )
        .unwrap();
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("CANARY"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
    }

    #[test]
    fn keys_are_ignored_for_other_auth_types() {
        let s = parse_json(r#"{"authType": "default"}"#, &[("secretKey", "SK")], "").unwrap();
        assert_eq!(s.keys, None);
    }

    #[test]
    fn profile_falls_back_to_database() {
        let s = parse_json(r#"{"authType": "credentials"}"#, &[], "legacy").unwrap();
        assert_eq!(s.profile.as_deref(), Some("legacy"));
        let s = parse_json(
            r#"{"authType": "credentials", "profile": "p1"}"#,
            &[],
            "legacy",
        )
        .unwrap();
        assert_eq!(s.profile.as_deref(), Some("p1"));
        let s = parse_json(r#"{"authType": "credentials", "profile": ""}"#, &[], "").unwrap();
        assert_eq!(s.profile_name(), "default");
    }

    #[test]
    fn assume_role_arn_both_spellings() {
        let arn = "arn:aws:iam::123456789012:role/Reader";
        for key in ["assumeRoleArn", "assumeRoleARN"] {
            let s = parse_json(
                &format!(r#"{{"{key}": "{arn}", "externalId": "ext"}}"#),
                &[],
                "",
            )
            .unwrap();
            assert_eq!(s.assume_role_arn.unwrap().as_str(), arn);
            assert_eq!(s.external_id.as_deref(), Some("ext"));
        }
        let s = parse_json(r#"{"assumeRoleArn": ""}"#, &[], "").unwrap();
        assert_eq!(s.assume_role_arn, None);
    }

    #[test]
    fn role_arn_shapes() {
        for ok in [
            "arn:aws:iam::123456789012:role/R",
            "arn:aws-us-gov:iam::123456789012:role/path/R",
            "arn:aws-cn:iam::123456789012:role/R",
        ] {
            assert!(RoleArn::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "role/R",
            "arn:aws:iam::1234:role/R",
            "arn:aws:iam::123456789012:user/U",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(RoleArn::parse(bad).is_none(), "{bad}");
        }
        let err = parse_json(r#"{"assumeRoleArn": "not-an-arn"}"#, &[], "").unwrap_err();
        assert!(err
            .to_string()
            .contains("arn:aws:iam::123456789012:role/RoleName"));
    }

    #[test]
    fn region_forms() {
        let s = parse_json(r#"{"defaultRegion": "eu-west-1"}"#, &[], "").unwrap();
        assert_eq!(s.default_region.unwrap().as_str(), "eu-west-1");
        let s = parse_json(r#"{"region": "us-gov-west-1"}"#, &[], "").unwrap();
        assert_eq!(s.default_region.unwrap().as_str(), "us-gov-west-1");
        let s = parse_json(
            r#"{"defaultRegion": "default", "region": "eu-west-1"}"#,
            &[],
            "",
        )
        .unwrap();
        assert_eq!(s.default_region, None);
        let s = parse_json(r#"{"defaultRegion": ""}"#, &[], "").unwrap();
        assert_eq!(s.default_region, None);
        let err = parse_json(r#"{"defaultRegion": "Europe"}"#, &[], "").unwrap_err();
        assert!(matches!(
            err,
            SettingsError::InvalidRegion {
                field: "defaultRegion",
                ..
            }
        ));
        for bad in ["us-east", "US-EAST-1", "us--1", "us-east-1a"] {
            assert!(Region::parse(bad).is_none(), "{bad}");
        }
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
        let sts = s.sts_endpoint.unwrap();
        assert_eq!(sts.as_str(), "https://sts.eu-west-1.amazonaws.com");
        assert!(sts.looks_like_sts());
        assert!(
            Endpoint::parse("https://monitoring-fips.us-east-1.amazonaws.com")
                .unwrap()
                .is_fips()
        );
        for bad in [
            "ftp://x",
            "https://",
            "http://a b",
            "://",
            "http://h:99999",
            "http://h:",
        ] {
            assert!(Endpoint::parse(bad).is_none(), "{bad}");
        }
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
}
