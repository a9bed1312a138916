//! Credentials providers: one per [`Credentials`] choice, each from aws-config and none
//! falling back to another mode, wrapped so a failure names its source and says why
//! ([`Explaining`]), and so the health check can say where the credentials came from and when
//! they expire ([`Observed`]).

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

use super::explain::{explain, trouble_of, FileState};
use super::failure::{chain, Explained};
use super::source::{ContainerSource, ContainerToken, CredentialSource};

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
/// the most specific one names the source. Container credentials are named by the configured
/// source (EKS Pod Identity, ECS task role), which the SDK does not tell apart.
fn describe_source(
    creds: &aws_credential_types::Credentials,
    configured: &CredentialSource,
) -> Option<String> {
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
    let found = by_specificity
        .iter()
        .find(|(wanted, _)| wanted.iter().any(|w| features.contains(w)))
        .map(|(_, name)| *name)?;
    Some(match configured {
        CredentialSource::Container(_) if features.contains(&F::CredentialsHttp) => {
            configured.name().to_string()
        }
        _ => found.to_string(),
    })
}

/// Wraps a data source's base provider so a failure names its source, where it looked and
/// the fix (`aws::explain`), for the sources whose SDK errors do not say.
#[derive(Debug)]
pub struct Explaining {
    inner: SharedCredentialsProvider,
    source: Arc<CredentialSource>,
}

impl Explaining {
    /// Explains the failures of `inner`, whose credentials come from `source`.
    pub fn wrap(
        inner: SharedCredentialsProvider,
        source: Arc<CredentialSource>,
    ) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(Explaining { inner, source })
    }
}

impl ProvideCredentials for Explaining {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            match self.inner.provide_credentials().await {
                Ok(creds) => Ok(creds),
                Err(e) => Err(explained(&self.source, e).await),
            }
        })
    }
}

/// `err` with its explanation, when `source` has one for it.
async fn explained(source: &CredentialSource, err: CredentialsError) -> CredentialsError {
    let file = inspect(source).await;
    match explain(source, &trouble_of(&err), file.as_ref(), SystemTime::now()) {
        Some(explanation) => CredentialsError::provider_error(Explained::new(explanation, err)),
        None => err,
    }
}

/// The file a source reads (a token file, a token cache) as it is now, for the sources that
/// read one.
async fn inspect(source: &CredentialSource) -> Option<FileState> {
    let (path, token_cache) = match source {
        CredentialSource::Container(ContainerSource {
            token: ContainerToken::File(path),
            ..
        }) => (path, false),
        CredentialSource::WebIdentity(w) => (&w.token_file, false),
        CredentialSource::Sso(s) => (&s.token_cache, true),
        _ => return None,
    };
    Some(FileState::of(tokio::fs::read(path).await, token_cache))
}

/// Wraps the real provider to bound how long it may take, count resolutions and remember
/// expiry and source.
#[derive(Debug)]
pub struct Observed {
    inner: SharedCredentialsProvider,
    log: Arc<CredentialLog>,
    how: Observing,
}

/// What [`Observed`] needs to know of the credentials it observes.
#[derive(Debug)]
pub struct Observing {
    /// Labels the metrics.
    pub auth_mode: &'static str,
    /// A resolution that takes longer fails as timed out.
    pub timeout: Duration,
    /// Where the base credentials come from.
    pub base: Arc<CredentialSource>,
    /// Whether an Assume Role ARN is assumed on top of them (then a timeout may be STS's).
    pub assuming: bool,
}

impl Observed {
    /// Observes `inner`, writing to `log`.
    pub fn new(inner: SharedCredentialsProvider, log: Arc<CredentialLog>, how: Observing) -> Self {
        Observed { inner, log, how }
    }

    /// The error of a resolution that ran out of time: explained by the base source when
    /// nothing else was being asked.
    async fn timed_out(&self) -> CredentialsError {
        let err = CredentialsError::provider_timed_out(self.how.timeout);
        if self.how.assuming {
            return err;
        }
        explained(&self.how.base, err).await
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
            auth_mode = self.how.auth_mode
        );
        provider::future::ProvideCredentials::new(async move {
            let resolving = self.inner.provide_credentials().instrument(span);
            let result = match tokio::time::timeout(self.how.timeout, resolving).await {
                Ok(result) => result,
                Err(_) => Err(self.timed_out().await),
            };
            meters::global().credential_resolution(self.how.auth_mode, result.is_ok());
            match &result {
                Ok(creds) => {
                    let info = CredentialInfo {
                        source: describe_source(creds, &self.how.base),
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
            describe_source(&c, &CredentialSource::EnvironmentKeys)
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
        // The SDK tags every container source alike; the configured one tells them apart.
        let mut c = aws_credential_types::Credentials::new("AK", "SK", None, None, "test");
        c.set_property(vec![AwsCredentialFeature::CredentialsHttp]);
        let pod = CredentialSource::Container(ContainerSource {
            endpoint: "http://169.254.170.23/v1/credentials".into(),
            endpoint_var: crate::aws::source::CONTAINER_FULL_URI,
            token: ContainerToken::File("/t".into()),
        });
        assert_eq!(
            describe_source(&c, &pod).as_deref(),
            Some("EKS Pod Identity")
        );
    }
}
