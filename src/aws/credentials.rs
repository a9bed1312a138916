//! Credentials providers: one per [`Credentials`] choice, each from aws-config and none
//! falling back to another mode, wrapped so the health check can say where the credentials
//! came from and when they expire.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::credential_feature::AwsCredentialFeature;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use tracing::Instrument;

use crate::config::settings::{Credentials, StaticKeys};
use crate::observability::meters;

use super::failure::chain;

/// The product name AWS sees in CloudTrail session names.
const SESSION_PREFIX: &str = "stratus";

/// A CloudTrail-friendly AssumeRole session name: the product and the data source uid,
/// limited to the characters and length STS accepts.
pub fn session_name(uid: &str) -> String {
    let cleaned: String = uid
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("{SESSION_PREFIX}-{cleaned}");
    name.truncate(64);
    name
}

/// The last credentials a provider produced, summarised for the health check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialInfo {
    /// Which provider produced them ("environment variables", "EC2 instance metadata", ...).
    pub source: Option<String>,
    /// When they expire; `None` for long-lived keys.
    pub expiry: Option<SystemTime>,
}

/// Remembers the last credentials the SDK resolved through a data source's provider, without
/// caching the credentials themselves (the SDK's identity cache does that).
#[derive(Debug, Default)]
pub struct CredentialLog {
    last: Mutex<CredentialInfo>,
}

impl CredentialLog {
    /// The last successful resolution.
    pub fn last(&self) -> CredentialInfo {
        self.last.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

/// Names a credentials source from the features the SDK's providers tag credentials with.
/// A chain tags several (a profile that runs a process, a role assumed from a web identity):
/// the most specific one names the source.
fn describe_source(creds: &aws_credential_types::Credentials) -> Option<String> {
    use AwsCredentialFeature as F;
    let features = creds.get_property::<Vec<AwsCredentialFeature>>()?;
    let by_specificity: [(&[F], &str); 12] = [
        (
            &[F::CredentialsProcess, F::CredentialsProfileProcess],
            "profile credential_process",
        ),
        (
            &[F::CredentialsSso, F::CredentialsProfileSso],
            "IAM Identity Center (SSO)",
        ),
        (
            &[F::CredentialsLogin, F::CredentialsProfileLogin],
            "aws login session (login_session)",
        ),
        (
            &[
                F::CredentialsEnvVarsStsWebIdToken,
                F::CredentialsProfileStsWebIdToken,
                F::CredentialsStsAssumeRoleWebId,
            ],
            "web identity token (STS AssumeRoleWithWebIdentity)",
        ),
        (
            &[F::CredentialsProfileSourceProfile],
            "profile role chain (source_profile)",
        ),
        (
            &[F::CredentialsProfileNamedProvider],
            "profile credential_source",
        ),
        (&[F::CredentialsImds], "EC2 instance metadata (IMDSv2)"),
        (&[F::CredentialsHttp], "container credentials endpoint"),
        (&[F::CredentialsStsAssumeRole], "STS AssumeRole"),
        (&[F::CredentialsEnvVars], "environment variables"),
        (
            &[F::CredentialsProfile],
            "shared credentials/config file profile",
        ),
        (&[F::CredentialsCode], "data source keys"),
    ];
    by_specificity
        .iter()
        .find(|(wanted, _)| wanted.iter().any(|w| features.contains(w)))
        .map(|(_, name)| name.to_string())
}

/// Wraps the real provider to bound how long it may take, count resolutions and remember
/// expiry and source.
#[derive(Debug)]
pub struct Observed {
    inner: SharedCredentialsProvider,
    log: Arc<CredentialLog>,
    auth_mode: &'static str,
    timeout: Duration,
}

impl Observed {
    /// Observes `inner`, writing to `log`; `auth_mode` labels the metrics; a resolution that
    /// takes longer than `timeout` fails as timed out.
    pub fn new(
        inner: SharedCredentialsProvider,
        log: Arc<CredentialLog>,
        auth_mode: &'static str,
        timeout: Duration,
    ) -> Self {
        Observed {
            inner,
            log,
            auth_mode,
            timeout,
        }
    }
}

impl ProvideCredentials for Observed {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let span = tracing::info_span!(
            "resolve credentials",
            otel.name = "resolve credentials",
            auth_mode = self.auth_mode
        );
        provider::future::ProvideCredentials::new(async move {
            let resolving = self.inner.provide_credentials().instrument(span);
            let result = tokio::time::timeout(self.timeout, resolving)
                .await
                .unwrap_or_else(|_| Err(CredentialsError::provider_timed_out(self.timeout)));
            meters::global().credential_resolution(self.auth_mode, result.is_ok());
            match &result {
                Ok(creds) => {
                    let info = CredentialInfo {
                        source: describe_source(creds),
                        expiry: creds.expiry(),
                    };
                    tracing::debug!(source = ?info.source, temporary = info.expiry.is_some(), "resolved AWS credentials");
                    if let Ok(mut last) = self.log.last.lock() {
                        *last = info;
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %chain(e), "AWS credential resolution failed")
                }
            }
            result
        })
    }
}

fn static_keys(keys: &StaticKeys) -> SharedCredentialsProvider {
    let mut creds = aws_credential_types::Credentials::new(
        keys.access_key_id.clone(),
        keys.secret_access_key.expose().to_string(),
        keys.session_token.as_ref().map(|t| t.expose().to_string()),
        None,
        "Stratus data source keys",
    );
    creds.set_property(vec![AwsCredentialFeature::CredentialsCode]);
    SharedCredentialsProvider::new(creds)
}

/// The base provider for a data source's credentials choice.
pub async fn base_provider(
    credentials: &Credentials,
    provider_config: &ProviderConfig,
) -> SharedCredentialsProvider {
    match credentials {
        Credentials::Default => SharedCredentialsProvider::new(
            DefaultCredentialsChain::builder()
                .configure(provider_config.clone())
                .build()
                .await,
        ),
        Credentials::Profile(name) => SharedCredentialsProvider::new(
            ProfileFileCredentialsProvider::builder()
                .configure(provider_config)
                .profile_name(name)
                .build(),
        ),
        Credentials::Keys(keys) => static_keys(keys),
        Credentials::Ec2IamRole => SharedCredentialsProvider::new(
            ImdsCredentialsProvider::builder()
                .configure(provider_config)
                .build(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_fit_sts_rules() {
        assert_eq!(session_name("P1a2b3"), "stratus-P1a2b3");
        assert_eq!(session_name("a b/c"), "stratus-a_b_c");
        assert_eq!(session_name(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn sources_are_named_by_their_most_specific_feature() {
        let tagged = |features: Vec<AwsCredentialFeature>| {
            let mut c = aws_credential_types::Credentials::new("AK", "SK", None, None, "test");
            c.set_property(features);
            describe_source(&c)
        };
        assert_eq!(
            tagged(vec![
                AwsCredentialFeature::CredentialsProfile,
                AwsCredentialFeature::CredentialsProfileProcess
            ])
            .as_deref(),
            Some("profile credential_process")
        );
        assert_eq!(
            tagged(vec![AwsCredentialFeature::CredentialsCode]).as_deref(),
            Some("data source keys")
        );
        assert_eq!(tagged(vec![]), None);
    }
}
