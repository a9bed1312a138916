//! Who calls, as AWS sees it (CloudTrail, service quotas): every AWS call's user agent names
//! Stratus and its version, and the Grafana version it runs under, as Grafana's own AWS data
//! sources append `<plugin>/<version> Grafana/<version>`.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_types::config_bag::ConfigBag;
use aws_types::sdk_ua_metadata::FrameworkMetadata;

use crate::config::PLUGIN_ID;

/// A version a user agent may carry (letters, digits and `!#$%&'*+-.^_`|~`), trimmed.
pub fn version(value: &str) -> Option<&str> {
    let v = value.trim();
    FrameworkMetadata::new("Grafana", Some(v.to_string()))
        .is_ok()
        .then_some(v)
}

/// Grafana's version from its user agent, `Grafana/12.3.0 (linux; amd64)`; `None` when the
/// user agent is not Grafana's or the version has characters a user agent may not carry.
pub fn grafana_version(user_agent: &str) -> Option<&str> {
    version(
        user_agent
            .trim()
            .strip_prefix("Grafana/")?
            .split_whitespace()
            .next()?,
    )
}

/// The user-agent entries of Stratus's AWS calls: `lib/stratus-cloudwatch-datasource/<version>`
/// and, when known, `lib/Grafana/<version>`.
pub fn metadata(grafana_version: Option<&str>) -> Vec<FrameworkMetadata> {
    let stratus = FrameworkMetadata::new(PLUGIN_ID, Some(env!("CARGO_PKG_VERSION")));
    let grafana = grafana_version.map(|v| FrameworkMetadata::new("Grafana", Some(v.to_string())));
    // Both were checked for the allowed characters: the id and version are Stratus's own,
    // the Grafana version passed `grafana_version`.
    std::iter::once(stratus)
        .chain(grafana)
        .filter_map(Result::ok)
        .collect()
}

/// Adds the entries to clients whose configuration does not carry them from the shared SDK
/// configuration (aws-sdk-cloudwatch 1.99 predates that).
#[derive(Debug)]
pub struct Tag(pub Vec<FrameworkMetadata>);

impl Intercept for Tag {
    fn name(&self) -> &'static str {
        "StratusUserAgent"
    }

    // Before serialization, so the SDK's user-agent interceptor finds them.
    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        for m in &self.0 {
            cfg.interceptor_state().store_append(m.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grafana_versions_from_user_agents() {
        assert_eq!(
            grafana_version("Grafana/12.3.0 (linux; amd64)"),
            Some("12.3.0")
        );
        assert_eq!(
            grafana_version("Grafana/13.0.0-pre+security-01"),
            Some("13.0.0-pre+security-01")
        );
        assert_eq!(grafana_version("curl/8.0"), None);
        assert_eq!(grafana_version("Grafana/"), None);
        assert_eq!(grafana_version("Grafana/1.0\u{7f}"), None);
        assert_eq!(grafana_version(""), None);
        assert_eq!(version(" 11.6.0\n"), Some("11.6.0"));
        assert_eq!(version("1 2"), None);
    }

    #[test]
    fn stratus_always_grafana_when_known() {
        let names = |m: Vec<FrameworkMetadata>| {
            m.iter()
                .map(|m| format!("{}/{}", m.name(), m.version().unwrap_or_default()))
                .collect::<Vec<_>>()
        };
        let me = format!("{PLUGIN_ID}/{}", env!("CARGO_PKG_VERSION"));
        assert_eq!(names(metadata(None)), vec![me.clone()]);
        assert_eq!(
            names(metadata(Some("12.3.0"))),
            vec![me, "Grafana/12.3.0".to_string()]
        );
    }
}
