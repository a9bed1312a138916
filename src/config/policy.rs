//! The server-side policy: what the Grafana server allows data sources to do (grafana.ini's
//! `[aws]` section) and Stratus's own limits, and the check every request passes before
//! anything is cached or called.
//!
//! Grafana sends the `[aws]` settings in each request's grafanaConfig and, when it starts the
//! plugin, in its environment; [`ServerSettings`] reads a request's settings the way
//! grafana-aws-sdk does: grafanaConfig first, the environment for what it does not say.

use std::collections::HashMap;
use std::time::Duration;

use thiserror::Error;

use super::settings::{AuthType, Settings};
use super::values::{parse_bool, parse_duration};
use super::PLUGIN_ID;

/// A server setting: its name as it reaches the plugin (an environment variable, or a key of
/// the request's grafanaConfig) and where an admin sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerSetting {
    /// The name as it reaches the plugin.
    pub name: &'static str,
    /// Where it is set in grafana.ini.
    pub ini: &'static str,
}

/// `[aws] allowed_auth_providers`.
pub const ALLOWED_AUTH_PROVIDERS: ServerSetting = ServerSetting {
    name: "AWS_AUTH_AllowedAuthProviders",
    ini: "`allowed_auth_providers` in the [aws] section",
};
/// `[aws] assume_role_enabled`.
pub const ASSUME_ROLE_ENABLED: ServerSetting = ServerSetting {
    name: "AWS_AUTH_AssumeRoleEnabled",
    ini: "`assume_role_enabled` in the [aws] section",
};
/// `[aws] session_duration`.
pub const SESSION_DURATION: ServerSetting = ServerSetting {
    name: "AWS_AUTH_SESSION_DURATION",
    ini: "`session_duration` in the [aws] section",
};
/// `[aws] per_datasource_http_proxy_enabled`.
pub const PER_DATASOURCE_PROXY: ServerSetting = ServerSetting {
    name: "AWS_AUTH_PerDatasourceHTTPProxyEnabled",
    ini: "`per_datasource_http_proxy_enabled` in the [aws] section",
};
/// `[aws] list_metrics_page_limit`.
pub const LIST_METRICS_PAGE_LIMIT: ServerSetting = ServerSetting {
    name: "AWS_CW_LIST_METRICS_PAGE_LIMIT",
    ini: "`list_metrics_page_limit` in the [aws] section",
};
// Stratus's own settings: Grafana passes the keys of `[plugin.<id>]` to the plugin as
// `GF_PLUGIN_<KEY>` environment variables.
/// GetMetricData calls in flight per data source.
pub const MAX_CONCURRENT_CALLS: ServerSetting = ServerSetting {
    name: "GF_PLUGIN_STRATUS_MAX_CONCURRENT_CALLS",
    ini: "`stratus_max_concurrent_calls` in the [plugin.stratus-cloudwatch-datasource] section",
};
/// TCP connect timeout for AWS endpoints.
pub const CONNECT_TIMEOUT: ServerSetting = ServerSetting {
    name: "GF_PLUGIN_STRATUS_CONNECT_TIMEOUT",
    ini: "`stratus_connect_timeout` in the [plugin.stratus-cloudwatch-datasource] section",
};
/// Timeout of one AWS API attempt.
pub const ATTEMPT_TIMEOUT: ServerSetting = ServerSetting {
    name: "GF_PLUGIN_STRATUS_ATTEMPT_TIMEOUT",
    ini: "`stratus_attempt_timeout` in the [plugin.stratus-cloudwatch-datasource] section",
};

/// How long resolving a data source's credentials may take.
pub const CREDENTIALS_TIMEOUT: ServerSetting = ServerSetting {
    name: "GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT",
    ini: "`stratus_credentials_timeout` in the [plugin.stratus-cloudwatch-datasource] section",
};

// The two below size resources of the process, not of a request: read once from the
// process environment.
/// Large AWS answers (GetMetricData's, Logs results) parsed at once, process-wide.
pub const MAX_CONCURRENT_DECODES: ServerSetting = ServerSetting {
    name: "GF_PLUGIN_STRATUS_MAX_CONCURRENT_DECODES",
    ini: "`stratus_max_concurrent_decodes` in the [plugin.stratus-cloudwatch-datasource] section",
};
/// Requests with a large metric answer in hand at once, process-wide.
pub const MAX_LARGE_ANSWERS: ServerSetting = ServerSetting {
    name: "GF_PLUGIN_STRATUS_MAX_LARGE_ANSWERS",
    ini: "`stratus_max_large_answers` in the [plugin.stratus-cloudwatch-datasource] section",
};

/// Every setting the policy reads.
pub const SETTINGS: [ServerSetting; 9] = [
    ALLOWED_AUTH_PROVIDERS,
    ASSUME_ROLE_ENABLED,
    PER_DATASOURCE_PROXY,
    SESSION_DURATION,
    LIST_METRICS_PAGE_LIMIT,
    MAX_CONCURRENT_CALLS,
    CONNECT_TIMEOUT,
    ATTEMPT_TIMEOUT,
    CREDENTIALS_TIMEOUT,
];

/// Grafana's defaults, used when a setting is absent: a plugin Grafana does not forward
/// settings to gets none of them, and must then behave as Grafana's own data sources do.
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
/// Resolving credentials, all attempts together. The SDK would allow its retries in full
/// (three 20 s attempts and backoff: over a minute); a dashboard must not hang that long on
/// a dead metadata or STS endpoint, and a healthy one answers in well under a second.
const DEFAULT_CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(10);

/// What the Grafana server allows, and how hard Stratus may push AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Auth providers data sources may use.
    pub allowed: Vec<AuthType>,
    /// Whether data sources may assume a role.
    pub assume_role_enabled: bool,
    /// Whether data sources may choose their own proxy (or none) instead of the server's.
    pub per_datasource_proxy: bool,
    /// Length of AssumeRole sessions.
    pub session_duration: Duration,
    /// Most ListMetrics pages one editor lookup may read.
    pub list_metrics_page_limit: u32,
    /// Most GetMetricData calls in flight per data source.
    pub max_concurrent_calls: usize,
    /// TCP connect timeout for AWS endpoints.
    pub connect_timeout: Duration,
    /// Timeout of one AWS API attempt, reading the answer included.
    pub attempt_timeout: Duration,
    /// Most time resolving credentials may take, retries included.
    pub credentials_timeout: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allowed: DEFAULT_ALLOWED.to_vec(),
            assume_role_enabled: true,
            // Off in Grafana unless an admin turns it on.
            per_datasource_proxy: false,
            session_duration: DEFAULT_SESSION,
            list_metrics_page_limit: DEFAULT_PAGE_LIMIT,
            max_concurrent_calls: DEFAULT_MAX_CALLS,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            credentials_timeout: DEFAULT_CREDENTIALS_TIMEOUT,
        }
    }
}

/// A server setting that is malformed, or a data source the policy refuses.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// A server setting could not be read.
    #[error("The Grafana server setting {name}={value:?} is invalid: {reason}. Fix {ini} of grafana.ini.", name = .setting.name, ini = .setting.ini)]
    InvalidServerSetting {
        /// Which setting.
        setting: ServerSetting,
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
    /// The data source picks its own proxy, which the server does not allow.
    #[error("Proxy type is set to `none` or `url` (jsonData.proxyType) but per-data-source proxies are disabled on this Grafana server, so its calls would take the server's own proxy settings instead. Set Proxy type to env, or ask a Grafana admin to set `per_datasource_http_proxy_enabled = true` in the [aws] section of grafana.ini (AWS_AUTH_PerDatasourceHTTPProxyEnabled) and to list {plugin} in `forward_settings_to_plugins`.", plugin = PLUGIN_ID)]
    PerDatasourceProxyDisabled,
}

/// The server settings a request is subject to: the request's grafanaConfig over the
/// environment the plugin was started with.
#[derive(Debug, Clone, Copy)]
pub struct ServerSettings<'a> {
    /// The request's grafanaConfig.
    pub grafana_config: &'a HashMap<String, String>,
    /// The plugin's environment (the settings it names only).
    pub environment: &'a HashMap<String, String>,
}

fn present<'m>(m: &'m HashMap<String, String>, name: &str) -> Option<&'m str> {
    m.get(name)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
}

impl<'a> ServerSettings<'a> {
    /// The value of one setting; blank counts as absent.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        present(self.grafana_config, name).or_else(|| present(self.environment, name))
    }

    /// The values of every setting the policy reads, in [`SETTINGS`] order: equal values make
    /// an equal policy.
    pub fn values(&self) -> Vec<Option<String>> {
        SETTINGS
            .iter()
            .map(|s| self.get(s.name).map(str::to_string))
            .collect()
    }

    /// The policy these settings make.
    pub fn policy(&self) -> Result<Policy, PolicyError> {
        Policy::from_lookup(|name| self.get(name).map(str::to_string))
    }
}

/// Reads one setting: absent or blank means `None`; a value `parse` refuses is an error
/// naming the setting and where an admin fixes it.
fn read<T>(
    lookup: &impl Fn(&str) -> Option<String>,
    setting: ServerSetting,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, PolicyError> {
    let Some(value) = lookup(setting.name).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    parse(&value)
        .map(Some)
        .map_err(|reason| PolicyError::InvalidServerSetting {
            setting,
            value,
            reason,
        })
}

fn allowed_list(value: &str) -> Result<Vec<AuthType>, String> {
    let mut allowed = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let auth = AuthType::parse(item).ok_or_else(|| {
            format!(
                "{item:?} is not an auth provider (use default, keys, credentials, ec2_iam_role)"
            )
        })?;
        if !allowed.contains(&auth) {
            allowed.push(auth);
        }
    }
    Ok(allowed)
}

fn boolean(value: &str) -> Result<bool, String> {
    parse_bool(value).ok_or_else(|| "expected true or false".into())
}

fn role_session(value: &str) -> Result<Duration, String> {
    let d = parse_duration(value).ok_or("expected a duration such as 15m or 1h")?;
    // AWS refuses AssumeRole sessions outside 15 minutes to 12 hours.
    if d < Duration::from_secs(900) || d > Duration::from_secs(43_200) {
        return Err("AWS accepts role sessions from 15m to 12h".into());
    }
    Ok(d)
}

fn page_limit(value: &str) -> Result<u32, String> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "expected a positive whole number".into())
}

fn call_limit(value: &str) -> Result<usize, String> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=1000).contains(n))
        .ok_or_else(|| "expected a whole number from 1 to 1000".into())
}

/// A process-wide limit ([`MAX_CONCURRENT_DECODES`] or [`MAX_LARGE_ANSWERS`]): the setting,
/// else `default` (at least 1).
pub fn process_limit(
    setting: ServerSetting,
    lookup: impl Fn(&str) -> Option<String>,
    default: usize,
) -> Result<usize, PolicyError> {
    Ok(read(&lookup, setting, call_limit)?.unwrap_or(default.max(1)))
}

fn timeout(value: &str) -> Result<Duration, String> {
    parse_duration(value)
        .filter(|d| !d.is_zero() && *d <= Duration::from_secs(600))
        .ok_or_else(|| "expected a duration from 1ms to 10m, such as 5s".into())
}

impl Policy {
    /// Reads the policy through `lookup` (setting name to value). Absent or blank settings
    /// take Grafana's defaults.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Policy, PolicyError> {
        let d = Policy::default();
        Ok(Policy {
            allowed: read(&lookup, ALLOWED_AUTH_PROVIDERS, allowed_list)?.unwrap_or(d.allowed),
            assume_role_enabled: read(&lookup, ASSUME_ROLE_ENABLED, boolean)?
                .unwrap_or(d.assume_role_enabled),
            per_datasource_proxy: read(&lookup, PER_DATASOURCE_PROXY, boolean)?
                .unwrap_or(d.per_datasource_proxy),
            session_duration: read(&lookup, SESSION_DURATION, role_session)?
                .unwrap_or(d.session_duration),
            list_metrics_page_limit: read(&lookup, LIST_METRICS_PAGE_LIMIT, page_limit)?
                .unwrap_or(d.list_metrics_page_limit),
            max_concurrent_calls: read(&lookup, MAX_CONCURRENT_CALLS, call_limit)?
                .unwrap_or(d.max_concurrent_calls),
            connect_timeout: read(&lookup, CONNECT_TIMEOUT, timeout)?.unwrap_or(d.connect_timeout),
            attempt_timeout: read(&lookup, ATTEMPT_TIMEOUT, timeout)?.unwrap_or(d.attempt_timeout),
            credentials_timeout: read(&lookup, CREDENTIALS_TIMEOUT, timeout)?
                .unwrap_or(d.credentials_timeout),
        })
    }

    /// Refuses a data source whose settings the server does not allow.
    pub fn check(&self, settings: &Settings) -> Result<(), PolicyError> {
        let auth = settings.auth_type();
        if !self.allowed.contains(&auth) {
            return Err(PolicyError::ProviderNotAllowed {
                auth,
                allowed: self
                    .allowed
                    .iter()
                    .map(|a| a.key())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if settings.assume_role.is_some() && !self.assume_role_enabled {
            return Err(PolicyError::AssumeRoleDisabled);
        }
        if settings.network.proxy.is_per_data_source() && !self.per_datasource_proxy {
            return Err(PolicyError::PerDatasourceProxyDisabled);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(vars: &[(ServerSetting, &str)]) -> Result<Policy, PolicyError> {
        let map: HashMap<&str, String> =
            vars.iter().map(|(k, v)| (k.name, v.to_string())).collect();
        Policy::from_lookup(|k| map.get(k).cloned())
    }

    fn settings(json: &str) -> Settings {
        crate::config::settings::for_test(json, &[("accessKey", "AK"), ("secretKey", "SK")])
    }

    #[test]
    fn process_limits_take_their_default_and_refuse_nonsense() {
        let none = |_: &str| None;
        assert_eq!(process_limit(MAX_CONCURRENT_DECODES, none, 2), Ok(2));
        assert_eq!(process_limit(MAX_LARGE_ANSWERS, none, 0), Ok(1));
        let three = |k: &str| (k == MAX_CONCURRENT_DECODES.name).then(|| "3".to_string());
        assert_eq!(process_limit(MAX_CONCURRENT_DECODES, three, 2), Ok(3));
        assert_eq!(process_limit(MAX_LARGE_ANSWERS, three, 4), Ok(4));
        let zero = |_: &str| Some("0".to_string());
        let message = process_limit(MAX_CONCURRENT_DECODES, zero, 2)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("stratus_max_concurrent_decodes") && message.contains("1 to 1000"),
            "{message}"
        );
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
        assert_eq!(p.credentials_timeout, Duration::from_secs(10));
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
        // Blank values behave as absent.
        assert_eq!(
            policy(&[(ALLOWED_AUTH_PROVIDERS, " "), (SESSION_DURATION, "")]).unwrap(),
            Policy::default()
        );
    }

    #[test]
    fn allowed_list_is_trimmed_and_enforced() {
        let p = policy(&[(ALLOWED_AUTH_PROVIDERS, " keys , ec2_iam_role ,keys")]).unwrap();
        assert_eq!(p.allowed, vec![AuthType::Keys, AuthType::Ec2IamRole]);
        assert!(p.check(&settings(r#"{"authType":"ec2_iam_role"}"#)).is_ok());
        let msg = p
            .check(&settings(r#"{"authType":"default"}"#))
            .unwrap_err()
            .to_string();
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
        let p = policy(&[(ASSUME_ROLE_ENABLED, "false")]).unwrap();
        let s =
            settings(r#"{"authType":"keys","assumeRoleArn":"arn:aws:iam::123456789012:role/R"}"#);
        let msg = p.check(&s).unwrap_err().to_string();
        assert!(msg.contains("assume_role_enabled = true"), "{msg}");
        assert!(msg.contains("forward_settings_to_plugins"));
        assert!(p.check(&settings(r#"{"authType":"keys"}"#)).is_ok());
        assert!(policy(&[(ASSUME_ROLE_ENABLED, "true")])
            .unwrap()
            .check(&s)
            .is_ok());
    }

    #[test]
    fn per_data_source_proxies_need_the_server_setting() {
        let own = settings(r#"{"authType":"keys","proxyType":"url","proxyUrl":"http://p:3128"}"#);
        let none = settings(r#"{"authType":"keys","proxyType":"none"}"#);
        let env = settings(r#"{"authType":"keys","proxyType":"env"}"#);
        let off = policy(&[]).unwrap();
        assert!(!off.per_datasource_proxy);
        for s in [&own, &none] {
            let msg = off.check(s).unwrap_err().to_string();
            assert!(
                msg.contains("per_datasource_http_proxy_enabled = true")
                    && msg.contains("AWS_AUTH_PerDatasourceHTTPProxyEnabled")
                    && msg.contains("jsonData.proxyType"),
                "{msg}"
            );
        }
        assert!(off.check(&env).is_ok());
        let on = policy(&[(PER_DATASOURCE_PROXY, "true")]).unwrap();
        assert!(on.check(&own).is_ok() && on.check(&none).is_ok());
    }

    #[test]
    fn grafana_config_comes_before_the_environment() {
        let map = |pairs: &[(ServerSetting, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.name.to_string(), v.to_string()))
                .collect()
        };
        let config = map(&[(ALLOWED_AUTH_PROVIDERS, "keys"), (SESSION_DURATION, " ")]);
        let env = map(&[
            (ALLOWED_AUTH_PROVIDERS, "default,keys"),
            (SESSION_DURATION, "1h"),
            (MAX_CONCURRENT_CALLS, "4"),
        ]);
        let s = ServerSettings {
            grafana_config: &config,
            environment: &env,
        };
        let p = s.policy().unwrap();
        assert_eq!(p.allowed, vec![AuthType::Keys]);
        // What grafanaConfig leaves out (or blank) comes from the environment.
        assert_eq!(p.session_duration, Duration::from_secs(3600));
        assert_eq!(p.max_concurrent_calls, 4);
        assert_eq!(s.values()[0].as_deref(), Some("keys"));
        assert_eq!(s.values().len(), SETTINGS.len());
        let none = HashMap::new();
        let from_env = ServerSettings {
            grafana_config: &none,
            environment: &env,
        };
        assert_eq!(
            from_env.policy().unwrap().allowed,
            vec![AuthType::Default, AuthType::Keys]
        );
        let bad = map(&[(ASSUME_ROLE_ENABLED, "maybe")]);
        let err = ServerSettings {
            grafana_config: &bad,
            environment: &env,
        }
        .policy()
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("AWS_AUTH_AssumeRoleEnabled=\"maybe\""),
            "{err}"
        );
    }

    #[test]
    fn invalid_server_settings_say_where_to_fix_them() {
        let msg = |vars: &[(ServerSetting, &str)]| policy(vars).unwrap_err().to_string();
        let m = msg(&[(ALLOWED_AUTH_PROVIDERS, "keys,magic")]);
        assert!(
            m.contains("`allowed_auth_providers` in the [aws] section") && m.contains("\"magic\""),
            "{m}"
        );
        assert!(msg(&[(ASSUME_ROLE_ENABLED, "maybe")]).contains("assume_role_enabled"));
        let m = msg(&[(SESSION_DURATION, "5m")]);
        assert!(
            m.contains("session_duration") && m.contains("15m to 12h"),
            "{m}"
        );
        assert!(msg(&[(LIST_METRICS_PAGE_LIMIT, "-3")]).contains("list_metrics_page_limit"));
        let m = msg(&[(MAX_CONCURRENT_CALLS, "0")]);
        assert!(
            m.starts_with(
                "The Grafana server setting GF_PLUGIN_STRATUS_MAX_CONCURRENT_CALLS=\"0\""
            ) && m.contains("[plugin.stratus-cloudwatch-datasource]"),
            "{m}"
        );
        assert!(msg(&[(CONNECT_TIMEOUT, "0s")]).contains("1ms to 10m"));
        let p = policy(&[
            (MAX_CONCURRENT_CALLS, "3"),
            (ATTEMPT_TIMEOUT, "2s"),
            (CREDENTIALS_TIMEOUT, "15s"),
            (SESSION_DURATION, "1h"),
        ])
        .unwrap();
        assert_eq!(p.max_concurrent_calls, 3);
        assert_eq!(p.attempt_timeout, Duration::from_secs(2));
        assert_eq!(p.credentials_timeout, Duration::from_secs(15));
        assert_eq!(p.session_duration, Duration::from_secs(3600));
    }
}
