//! The server-side policy Grafana forwards from grafana.ini's `[aws]` section as environment
//! variables, and the check every request passes before anything is cached or called.

use std::time::Duration;

use thiserror::Error;

use crate::settings::{AuthType, Settings};

/// The plugin id admins must list in `[aws] forward_settings_to_plugins`.
pub const PLUGIN_ID: &str = "stratus-cloudwatch-datasource";

const ENV_ALLOWED: &str = "AWS_AUTH_AllowedAuthProviders";
const ENV_ASSUME_ROLE: &str = "AWS_AUTH_AssumeRoleEnabled";
const ENV_SESSION: &str = "AWS_AUTH_SESSION_DURATION";
const ENV_PAGE_LIMIT: &str = "AWS_CW_LIST_METRICS_PAGE_LIMIT";
/// Stratus's own settings (Grafana passes `GF_PLUGIN_*` variables to plugins).
const ENV_MAX_CALLS: &str = "GF_PLUGIN_STRATUS_MAX_CONCURRENT_CALLS";
const ENV_CONNECT_TIMEOUT: &str = "GF_PLUGIN_STRATUS_CONNECT_TIMEOUT";
const ENV_ATTEMPT_TIMEOUT: &str = "GF_PLUGIN_STRATUS_ATTEMPT_TIMEOUT";

/// Grafana's defaults, used when a variable is absent (a plugin Grafana does not forward
/// settings to gets none of them).
const DEFAULT_ALLOWED: [AuthType; 3] = [AuthType::Default, AuthType::Keys, AuthType::Credentials];
const DEFAULT_SESSION: Duration = Duration::from_secs(15 * 60);
const DEFAULT_PAGE_LIMIT: u32 = 500;
/// GetMetricData calls in flight per data source: enough for a big dashboard to load in
/// parallel, few enough to stay under CloudWatch's default request rate.
const DEFAULT_MAX_CALLS: usize = 8;
/// Long enough for a slow regional endpoint, short enough to fail a black-holed one quickly.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// One AWS API attempt; retries (3 attempts, backoff) come on top.
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// What the Grafana server allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Auth providers data sources may use.
    pub allowed: Vec<AuthType>,
    /// Whether data sources may assume a role.
    pub assume_role_enabled: bool,
    /// Length of AssumeRole sessions.
    pub session_duration: Duration,
    /// Most ListMetrics pages one lookup may read.
    pub list_metrics_page_limit: u32,
    /// Most GetMetricData calls in flight per data source.
    pub max_concurrent_calls: usize,
    /// TCP connect timeout for AWS endpoints.
    pub connect_timeout: Duration,
    /// Timeout of one AWS API attempt (read included).
    pub attempt_timeout: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allowed: DEFAULT_ALLOWED.to_vec(),
            assume_role_enabled: true,
            session_duration: DEFAULT_SESSION,
            list_metrics_page_limit: DEFAULT_PAGE_LIMIT,
            max_concurrent_calls: DEFAULT_MAX_CALLS,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
        }
    }
}

/// A server setting that is malformed, or a data source the policy refuses.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// An environment variable could not be read.
    #[error("The Grafana server setting {var}={value:?} is invalid: {reason}. Fix `{ini_key}` in the [aws] section of grafana.ini.")]
    InvalidServerSetting {
        /// The environment variable.
        var: &'static str,
        /// The grafana.ini key it comes from.
        ini_key: &'static str,
        /// The value found.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// The data source's auth provider is not allowed.
    #[error("Authentication provider \"{label}\" ({key}) is not allowed by this Grafana server (trying to use non-allowed auth method {key}). Allowed: {allowed}. Choose an allowed provider, or ask a Grafana admin to add {key} to `allowed_auth_providers` in the [aws] section of grafana.ini and to list {plugin} in `forward_settings_to_plugins`.", label = .auth.label(), key = .auth.key(), plugin = PLUGIN_ID)]
    ProviderNotAllowed {
        /// The refused provider.
        auth: AuthType,
        /// The allowed list, comma-separated.
        allowed: String,
    },
    /// Assume role is disabled on the server.
    #[error("Assume Role ARN is set but assuming a role is disabled on this Grafana server (trying to use assume role but it is disabled in grafana config). Clear Assume Role ARN, or ask a Grafana admin to set `assume_role_enabled = true` in the [aws] section of grafana.ini and to list {plugin} in `forward_settings_to_plugins`.", plugin = PLUGIN_ID)]
    AssumeRoleDisabled,
}

/// Parses a Grafana duration: Go's `time.ParseDuration` forms (`15m`, `1h30m`, `900s`) plus
/// Grafana's day and week suffixes (`1d`, `1w`).
pub fn parse_duration(value: &str) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let mut total = 0f64;
    let mut rest = v;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            "w" => 604_800.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * seconds;
    }
    // try_: an absurd value (1e30h) is "not a duration", not an overflow panic.
    Duration::try_from_secs_f64(total).ok()
}

/// Parses a boolean as Go's `strconv.ParseBool` does.
fn parse_bool(value: &str) -> Option<bool> {
    match value.trim() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

impl Policy {
    /// Reads the policy through `lookup` (the process environment in production).
    /// Absent or empty variables take Grafana's defaults.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Policy, PolicyError> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let mut policy = Policy::default();
        if let Some(v) = get(ENV_ALLOWED) {
            let mut allowed = Vec::new();
            for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let auth = AuthType::parse(item).ok_or_else(|| PolicyError::InvalidServerSetting {
                    var: ENV_ALLOWED,
                    ini_key: "allowed_auth_providers",
                    value: v.clone(),
                    reason: format!(
                        "{item:?} is not an auth provider (use default, keys, credentials, ec2_iam_role)"
                    ),
                })?;
                if !allowed.contains(&auth) {
                    allowed.push(auth);
                }
            }
            policy.allowed = allowed;
        }
        if let Some(v) = get(ENV_ASSUME_ROLE) {
            policy.assume_role_enabled =
                parse_bool(&v).ok_or_else(|| PolicyError::InvalidServerSetting {
                    var: ENV_ASSUME_ROLE,
                    ini_key: "assume_role_enabled",
                    value: v.clone(),
                    reason: "expected true or false".into(),
                })?;
        }
        if let Some(v) = get(ENV_SESSION) {
            let d = parse_duration(&v).ok_or_else(|| PolicyError::InvalidServerSetting {
                var: ENV_SESSION,
                ini_key: "session_duration",
                value: v.clone(),
                reason: "expected a duration such as 15m or 1h".into(),
            })?;
            // AWS refuses AssumeRole sessions outside 15 minutes to 12 hours.
            if d < Duration::from_secs(900) || d > Duration::from_secs(43_200) {
                return Err(PolicyError::InvalidServerSetting {
                    var: ENV_SESSION,
                    ini_key: "session_duration",
                    value: v,
                    reason: "AWS accepts role sessions from 15m to 12h".into(),
                });
            }
            policy.session_duration = d;
        }
        if let Some(v) = get(ENV_PAGE_LIMIT) {
            policy.list_metrics_page_limit = v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| PolicyError::InvalidServerSetting {
                    var: ENV_PAGE_LIMIT,
                    ini_key: "list_metrics_page_limit",
                    value: v.clone(),
                    reason: "expected a positive whole number".into(),
                })?;
        }
        if let Some(v) = get(ENV_MAX_CALLS) {
            policy.max_concurrent_calls = v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| PolicyError::InvalidServerSetting {
                    var: ENV_MAX_CALLS,
                    ini_key: "[plugin.stratus-cloudwatch-datasource] max_concurrent_calls",
                    value: v.clone(),
                    reason: "expected a whole number from 1 to 1000".into(),
                })?;
        }
        for (var, slot) in [
            (ENV_CONNECT_TIMEOUT, &mut policy.connect_timeout),
            (ENV_ATTEMPT_TIMEOUT, &mut policy.attempt_timeout),
        ] {
            if let Some(v) = get(var) {
                *slot = parse_duration(&v)
                    .filter(|d| !d.is_zero() && *d <= Duration::from_secs(600))
                    .ok_or_else(|| PolicyError::InvalidServerSetting {
                        var,
                        ini_key: "the plugin's environment",
                        value: v.clone(),
                        reason: "expected a duration from 1ms to 10m, such as 5s".into(),
                    })?;
            }
        }
        Ok(policy)
    }

    /// Reads the policy from the process environment.
    pub fn from_env() -> Result<Policy, PolicyError> {
        Policy::from_lookup(|k| std::env::var(k).ok())
    }

    /// Refuses a data source whose settings the server does not allow.
    pub fn check(&self, settings: &Settings) -> Result<(), PolicyError> {
        if !self.allowed.contains(&settings.auth_type) {
            return Err(PolicyError::ProviderNotAllowed {
                auth: settings.auth_type,
                allowed: self
                    .allowed
                    .iter()
                    .map(|a| a.key())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if settings.assume_role_arn.is_some() && !self.assume_role_enabled {
            return Err(PolicyError::AssumeRoleDisabled);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn policy(vars: &[(&str, &str)]) -> Result<Policy, PolicyError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Policy::from_lookup(|k| map.get(k).cloned())
    }

    fn settings(json: &str) -> Settings {
        crate::settings::for_test(json, &[("accessKey", "AK"), ("secretKey", "SK")])
    }

    #[test]
    fn defaults_match_grafana() {
        let p = policy(&[]).unwrap();
        assert_eq!(p, Policy::default());
        assert_eq!(
            p.allowed,
            vec![AuthType::Default, AuthType::Keys, AuthType::Credentials]
        );
        assert!(p.assume_role_enabled);
        assert_eq!(p.session_duration, Duration::from_secs(900));
        assert_eq!(p.list_metrics_page_limit, 500);
        let err = p
            .check(&settings(r#"{"authType":"ec2_iam_role"}"#))
            .unwrap_err();
        assert!(matches!(
            err,
            PolicyError::ProviderNotAllowed {
                auth: AuthType::Ec2IamRole,
                ..
            }
        ));
        // Empty values behave as absent.
        assert_eq!(
            policy(&[(ENV_ALLOWED, " "), (ENV_SESSION, "")]).unwrap(),
            Policy::default()
        );
    }

    #[test]
    fn allowed_list_is_trimmed_and_enforced() {
        let p = policy(&[(ENV_ALLOWED, " keys , ec2_iam_role ")]).unwrap();
        assert_eq!(p.allowed, vec![AuthType::Keys, AuthType::Ec2IamRole]);
        assert!(p.check(&settings(r#"{"authType":"ec2_iam_role"}"#)).is_ok());
        let err = p.check(&settings(r#"{"authType":"default"}"#)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("trying to use non-allowed auth method default"),
            "{msg}"
        );
        assert!(
            msg.contains("allowed_auth_providers") && msg.contains("forward_settings_to_plugins")
        );
        assert!(msg.contains(PLUGIN_ID));
        assert!(msg.contains("Allowed: keys, ec2_iam_role."), "{msg}");
    }

    #[test]
    fn assume_role_disabled() {
        let p = policy(&[(ENV_ASSUME_ROLE, "false")]).unwrap();
        let s =
            settings(r#"{"authType":"keys","assumeRoleArn":"arn:aws:iam::123456789012:role/R"}"#);
        let msg = p.check(&s).unwrap_err().to_string();
        assert!(msg.contains("assume_role_enabled = true"), "{msg}");
        assert!(msg.contains("forward_settings_to_plugins"));
        assert!(p.check(&settings(r#"{"authType":"keys"}"#)).is_ok());
        assert!(policy(&[(ENV_ASSUME_ROLE, "true")])
            .unwrap()
            .check(&s)
            .is_ok());
    }

    #[test]
    fn invalid_server_settings_name_the_ini_key() {
        let msg = policy(&[(ENV_ALLOWED, "keys,magic")])
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("allowed_auth_providers") && msg.contains("\"magic\""),
            "{msg}"
        );
        let msg = policy(&[(ENV_ASSUME_ROLE, "maybe")])
            .unwrap_err()
            .to_string();
        assert!(msg.contains("assume_role_enabled"), "{msg}");
        let msg = policy(&[(ENV_SESSION, "5m")]).unwrap_err().to_string();
        assert!(
            msg.contains("session_duration") && msg.contains("15m to 12h"),
            "{msg}"
        );
        let msg = policy(&[(ENV_PAGE_LIMIT, "-3")]).unwrap_err().to_string();
        assert!(msg.contains("list_metrics_page_limit"), "{msg}");
        let msg = policy(&[(ENV_MAX_CALLS, "0")]).unwrap_err().to_string();
        assert!(msg.contains(ENV_MAX_CALLS), "{msg}");
        assert_eq!(
            policy(&[(ENV_MAX_CALLS, "3")])
                .unwrap()
                .max_concurrent_calls,
            3
        );
    }

    #[test]
    fn durations() {
        let cases = [
            ("15m", 900.0),
            ("1h", 3600.0),
            ("1h30m", 5400.0),
            ("900s", 900.0),
            ("1.5h", 5400.0),
            ("1d", 86400.0),
            ("1w", 604800.0),
            ("250ms", 0.25),
        ];
        for (raw, secs) in cases {
            assert_eq!(
                parse_duration(raw),
                Some(Duration::from_secs_f64(secs)),
                "{raw}"
            );
        }
        // Found by cargo fuzz: durations past Duration's range overflowed.
        for bad in [
            "",
            "15",
            "m",
            "15x",
            "-1h",
            "1h-",
            "99999999999999999999999h",
            "1e400s",
            "9.9e300w",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        // The crashing input cargo fuzz found, as it was.
        assert_eq!(parse_duration(&format!("5m{}h", "9".repeat(40))), None);
        assert_eq!(
            policy(&[(ENV_SESSION, "1h")]).unwrap().session_duration,
            Duration::from_secs(3600)
        );
    }
}
