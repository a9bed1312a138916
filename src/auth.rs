//! Turning validated [`Settings`] into AWS clients: one credentials provider per data source
//! configuration, built only from aws-config's own providers and cached by the SDK's identity
//! cache (which refreshes before expiry and coalesces concurrent loads).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::identity::IdentityCache;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::credential_feature::AwsCredentialFeature;
use aws_credential_types::provider::{
    self, error::CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};
use aws_credential_types::Credentials;
use sha2::{Digest, Sha256};
use thiserror::Error;
use tracing::Instrument;

use crate::policy::Policy;
use crate::settings::{AuthType, Endpoint, Region, Settings};

/// The product name AWS sees in user agents and CloudTrail session names.
const SESSION_PREFIX: &str = "stratus";

/// Where STS calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StsTarget {
    /// AWS's regional STS endpoint.
    Default,
    /// AWS's FIPS STS endpoint.
    Fips,
    /// A custom URL.
    Url(String),
}

/// The endpoints a data source's clients use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// CloudWatch endpoint override.
    pub cloudwatch: Option<String>,
    /// Where STS calls go.
    pub sts: StsTarget,
}

/// Decides the endpoints. `stsEndpoint` wins for STS; without it, Grafana's rules for the one
/// shared `endpoint` field apply, so stored settings keep working: an STS-looking URL serves
/// STS only, a `-fips.` URL turns on FIPS for STS, any other URL serves CloudWatch and STS.
pub fn plan_endpoints(endpoint: Option<&Endpoint>, sts_endpoint: Option<&Endpoint>) -> Endpoints {
    let sts_only = endpoint.is_some_and(Endpoint::looks_like_sts);
    let cloudwatch = endpoint
        .filter(|_| !sts_only)
        .map(|e| e.as_str().to_string());
    let sts = match (sts_endpoint, endpoint) {
        (Some(s), _) => StsTarget::Url(s.as_str().to_string()),
        (None, Some(e)) if e.is_fips() => StsTarget::Fips,
        (None, Some(e)) => StsTarget::Url(e.as_str().to_string()),
        (None, None) => StsTarget::Default,
    };
    Endpoints { cloudwatch, sts }
}

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

/// A fingerprint of everything that decides which credentials a data source gets, secrets
/// included (hashed, never stored), so a changed secret never reuses an old provider.
pub fn fingerprint(settings: &Settings, policy: &Policy) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |v: &str| {
        h.update((v.len() as u64).to_le_bytes());
        h.update(v.as_bytes());
    };
    field(&settings.uid);
    field(&settings.last_updated_ms.to_string());
    field(settings.auth_type.key());
    field(settings.profile.as_deref().unwrap_or(""));
    if let Some(k) = &settings.keys {
        field(&k.access_key_id);
        field(k.secret_access_key.expose());
        field(k.session_token.as_ref().map_or("", |t| t.expose()));
    }
    field(settings.assume_role_arn.as_ref().map_or("", |a| a.as_str()));
    field(settings.external_id.as_deref().unwrap_or(""));
    field(settings.endpoint.as_ref().map_or("", |e| e.as_str()));
    field(settings.sts_endpoint.as_ref().map_or("", |e| e.as_str()));
    field(settings.default_region.as_ref().map_or("", |r| r.as_str()));
    field(&policy.session_duration.as_secs().to_string());
    h.finalize().into()
}

/// What went wrong while setting up a data source's AWS access.
#[derive(Debug, Error)]
pub enum AuthError {
    /// No region in the settings or the environment.
    #[error("No AWS region: set Default Region on the data source settings page (jsonData.defaultRegion), or AWS_REGION in the Grafana server's environment.")]
    NoRegion,
}

/// A summary of the last credentials the provider produced, for health checks and logs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialInfo {
    /// Which provider produced them (e.g. "environment variables", "instance metadata").
    pub source: Option<String>,
    /// When they expire; `None` for long-lived keys.
    pub expiry: Option<SystemTime>,
}

/// Remembers the last credentials the SDK resolved through the provider (for the health
/// check), without caching anything; resolutions are counted in the metrics.
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
fn describe_source(creds: &Credentials) -> Option<String> {
    use AwsCredentialFeature as F;
    let features = creds.get_property::<Vec<AwsCredentialFeature>>()?;
    let by_specificity: [(&[F], &str); 11] = [
        (
            &[F::CredentialsProcess, F::CredentialsProfileProcess],
            "profile credential_process",
        ),
        (
            &[F::CredentialsSso, F::CredentialsProfileSso],
            "IAM Identity Center (SSO)",
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

/// Wraps the real provider to count resolutions and remember expiry and source.
#[derive(Debug)]
struct Observed {
    inner: SharedCredentialsProvider,
    log: Arc<CredentialLog>,
    auth_mode: &'static str,
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
            let result = self.inner.provide_credentials().instrument(span).await;
            crate::metrics::global().credential_resolution(self.auth_mode, result.is_ok());
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
                    tracing::debug!(error = %crate::errors::chain(e), "AWS credential resolution failed")
                }
            }
            result
        })
    }
}

/// Everything one data source configuration needs to call AWS.
#[derive(Debug)]
pub struct AwsSession {
    /// The settings this session was built from.
    pub settings: Settings,
    /// The region used when a query says "default".
    pub default_region: Region,
    /// Where requests go.
    pub endpoints: Endpoints,
    /// Resolution counts, last expiry and source.
    pub credential_log: Arc<CredentialLog>,
    /// Bounds the GetMetricData calls in flight for this data source.
    pub calls: tokio::sync::Semaphore,
    config: SdkConfig,
    sts: aws_sdk_sts::Client,
    cloudwatch: Mutex<HashMap<Region, aws_sdk_cloudwatch::Client>>,
}

impl AwsSession {
    /// The STS client (for GetCallerIdentity), in the default region.
    pub fn sts(&self) -> &aws_sdk_sts::Client {
        &self.sts
    }

    /// A CloudWatch client for `region`, sharing this session's cached credentials.
    pub fn cloudwatch(&self, region: &Region) -> aws_sdk_cloudwatch::Client {
        let mut clients = self.cloudwatch.lock().unwrap_or_else(|p| p.into_inner());
        clients
            .entry(region.clone())
            .or_insert_with(|| {
                let mut conf = aws_sdk_cloudwatch::config::Builder::from(&self.config)
                    .region(aws_types::region::Region::new(region.as_str().to_string()));
                if let Some(url) = &self.endpoints.cloudwatch {
                    conf = conf.endpoint_url(url);
                }
                aws_sdk_cloudwatch::Client::from_conf(conf.build())
            })
            .clone()
    }
}

/// AWS calls get up to this many attempts; throttling and 5xx are retried with backoff.
const MAX_ATTEMPTS: u32 = 3;

fn timeouts(policy: &Policy) -> TimeoutConfig {
    // Explicit limits, so a black-holed endpoint fails a request rather than hanging it.
    TimeoutConfig::builder()
        .connect_timeout(policy.connect_timeout)
        .read_timeout(policy.attempt_timeout)
        .operation_attempt_timeout(policy.attempt_timeout)
        .build()
}

/// The SDK behaviour Stratus is tested with. `BehaviorVersion::latest()` would let a
/// `cargo update` change retries, timeouts or proxy handling unnoticed; move this only to a
/// version whose release notes were read, with the timeout, retry and proxy tests green.
/// 2026-01-12: retries on by default, a 3.1 s connect timeout (Stratus sets its own), and the
/// proxy environment variables honoured (since 2025-08-07).
fn behavior_version() -> BehaviorVersion {
    BehaviorVersion::v2026_01_12()
}

fn base_config(region: &Region, policy: &Policy) -> aws_config::ConfigLoader {
    aws_config::defaults(behavior_version())
        .region(aws_types::region::Region::new(region.as_str().to_string()))
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(timeouts(policy))
}

async fn resolve_region(settings: &Settings) -> Result<Region, AuthError> {
    if let Some(r) = &settings.default_region {
        return Ok(r.clone());
    }
    let found = RegionProviderChain::default_provider().region().await;
    found
        .and_then(|r| Region::parse(r.as_ref()))
        .ok_or(AuthError::NoRegion)
}

/// The base provider for the data source's auth mode, each from aws-config, none falling
/// back to another mode.
async fn base_provider(
    settings: &Settings,
    provider_config: &ProviderConfig,
) -> SharedCredentialsProvider {
    match settings.auth_type {
        AuthType::Default | AuthType::GrafanaAssumeRole => SharedCredentialsProvider::new(
            DefaultCredentialsChain::builder()
                .configure(provider_config.clone())
                .build()
                .await,
        ),
        AuthType::Credentials => SharedCredentialsProvider::new(
            ProfileFileCredentialsProvider::builder()
                .configure(provider_config)
                .profile_name(settings.profile_name())
                .build(),
        ),
        AuthType::Keys => {
            let keys = settings
                .keys
                .as_ref()
                .expect("settings::parse guarantees keys for the keys auth type");
            let mut creds = Credentials::new(
                keys.access_key_id.clone(),
                keys.secret_access_key.expose().to_string(),
                keys.session_token.as_ref().map(|t| t.expose().to_string()),
                None,
                "Stratus data source keys",
            );
            creds.set_property(vec![AwsCredentialFeature::CredentialsCode]);
            SharedCredentialsProvider::new(creds)
        }
        AuthType::Ec2IamRole => SharedCredentialsProvider::new(
            ImdsCredentialsProvider::builder()
                .configure(provider_config)
                .build(),
        ),
    }
}

/// Builds the session for a data source configuration.
pub async fn build_session(settings: &Settings, policy: &Policy) -> Result<AwsSession, AuthError> {
    let region = resolve_region(settings).await?;
    let endpoints = plan_endpoints(settings.endpoint.as_ref(), settings.sts_endpoint.as_ref());
    let sdk_region = aws_types::region::Region::new(region.as_str().to_string());
    let provider_config = ProviderConfig::default().with_region(Some(sdk_region));

    let mut sts_loader = base_config(&region, policy);
    match &endpoints.sts {
        StsTarget::Default => {}
        StsTarget::Fips => sts_loader = sts_loader.use_fips(true),
        StsTarget::Url(u) => sts_loader = sts_loader.endpoint_url(u),
    }
    let base = base_provider(settings, &provider_config).await;
    // The STS config below carries no credentials of its own: each use supplies them.
    let sts_config = sts_loader.credentials_provider(base.clone()).load().await;

    let provider = match &settings.assume_role_arn {
        None => base,
        Some(arn) => {
            let mut b = AssumeRoleProvider::builder(arn.as_str())
                .session_name(session_name(&settings.uid))
                .session_length(policy.session_duration)
                .configure(&sts_config);
            if let Some(ext) = &settings.external_id {
                b = b.external_id(ext);
            }
            SharedCredentialsProvider::new(b.build_from_provider(base).await)
        }
    };

    let credential_log = Arc::new(CredentialLog::default());
    let observed = SharedCredentialsProvider::new(Observed {
        inner: provider,
        log: credential_log.clone(),
        auth_mode: settings.auth_type.key(),
    });
    // One lazy identity cache shared by every client of this data source: it refreshes before
    // expiry and makes concurrent first requests wait on one load.
    let config = base_config(&region, policy)
        .credentials_provider(observed)
        .identity_cache(IdentityCache::lazy().build())
        .load()
        .await;
    let mut sts_conf = aws_sdk_sts::config::Builder::from(&config);
    match &endpoints.sts {
        StsTarget::Url(u) => sts_conf.set_endpoint_url(Some(u.clone())),
        StsTarget::Fips => sts_conf.set_use_fips(Some(true)),
        StsTarget::Default => &mut sts_conf,
    };
    let sts = aws_sdk_sts::Client::from_conf(sts_conf.build());
    Ok(AwsSession {
        settings: settings.clone(),
        default_region: region,
        endpoints,
        credential_log,
        calls: tokio::sync::Semaphore::new(policy.max_concurrent_calls),
        config,
        sts,
        cloudwatch: Mutex::new(HashMap::new()),
    })
}

/// Finds the credentials error in an SDK error's source chain, if credential resolution is
/// what failed.
pub fn credentials_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a CredentialsError> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        cur = e.source();
    }
    None
}

struct CacheEntry {
    fingerprint: [u8; 32],
    cell: Arc<tokio::sync::OnceCell<Arc<AwsSession>>>,
}

/// One [`AwsSession`] per data source uid, replaced when any auth field or the last-updated
/// time changes. Never shared between data sources.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, CacheEntry>>,
}

impl SessionCache {
    /// The session for these settings, building it at most once per configuration even when
    /// many requests arrive together.
    pub async fn get(
        &self,
        settings: &Settings,
        policy: &Policy,
    ) -> Result<Arc<AwsSession>, AuthError> {
        let fp = fingerprint(settings, policy);
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let entry = entries
                .entry(settings.uid.clone())
                .or_insert_with(|| CacheEntry {
                    fingerprint: fp,
                    cell: Arc::default(),
                });
            if entry.fingerprint != fp {
                // New settings: drop the old provider and its cached credentials.
                *entry = CacheEntry {
                    fingerprint: fp,
                    cell: Arc::default(),
                };
            }
            entry.cell.clone()
        };
        crate::metrics::global().cache_lookup("sessions", cell.initialized());
        cell.get_or_try_init(|| async { build_session(settings, policy).await.map(Arc::new) })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings(json: &str, secure: &[(&str, &str)]) -> Settings {
        crate::settings::for_test(json, secure)
    }

    #[test]
    fn endpoint_plan() {
        let e = |s: &str| Endpoint::parse(s).unwrap();
        assert_eq!(
            plan_endpoints(None, None),
            Endpoints {
                cloudwatch: None,
                sts: StsTarget::Default
            }
        );
        assert_eq!(
            plan_endpoints(Some(&e("http://127.0.0.1:5000")), None),
            Endpoints {
                cloudwatch: Some("http://127.0.0.1:5000".into()),
                sts: StsTarget::Url("http://127.0.0.1:5000".into())
            }
        );
        assert_eq!(
            plan_endpoints(Some(&e("https://sts.eu-west-1.amazonaws.com")), None),
            Endpoints {
                cloudwatch: None,
                sts: StsTarget::Url("https://sts.eu-west-1.amazonaws.com".into())
            }
        );
        assert_eq!(
            plan_endpoints(
                Some(&e("https://monitoring-fips.us-east-1.amazonaws.com")),
                None
            )
            .sts,
            StsTarget::Fips
        );
        assert_eq!(
            plan_endpoints(
                Some(&e("https://vpce-1.monitoring.us-east-1.vpce.amazonaws.com")),
                Some(&e("https://vpce-2.sts.us-east-1.vpce.amazonaws.com"))
            ),
            Endpoints {
                cloudwatch: Some("https://vpce-1.monitoring.us-east-1.vpce.amazonaws.com".into()),
                sts: StsTarget::Url("https://vpce-2.sts.us-east-1.vpce.amazonaws.com".into())
            }
        );
    }

    #[test]
    fn session_names_fit_sts_rules() {
        assert_eq!(session_name("P1a2b3"), "stratus-P1a2b3");
        assert_eq!(session_name("a b/c"), "stratus-a_b_c");
        assert_eq!(session_name(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn fingerprint_covers_every_auth_field() {
        let p = Policy::default();
        let base = settings(
            r#"{"authType":"keys"}"#,
            &[("accessKey", "AK"), ("secretKey", "SK")],
        );
        let fp = fingerprint(&base, &p);
        let variants = [
            settings(
                r#"{"authType":"keys"}"#,
                &[("accessKey", "AK"), ("secretKey", "SK2")],
            ),
            settings(
                r#"{"authType":"keys"}"#,
                &[("accessKey", "AK2"), ("secretKey", "SK")],
            ),
            settings(
                r#"{"authType":"keys"}"#,
                &[
                    ("accessKey", "AK"),
                    ("secretKey", "SK"),
                    ("sessionToken", "T"),
                ],
            ),
            settings(
                r#"{"authType":"keys","assumeRoleArn":"arn:aws:iam::123456789012:role/R"}"#,
                &[("accessKey", "AK"), ("secretKey", "SK")],
            ),
            settings(
                r#"{"authType":"keys","externalId":"x"}"#,
                &[("accessKey", "AK"), ("secretKey", "SK")],
            ),
            settings(
                r#"{"authType":"keys","endpoint":"http://a"}"#,
                &[("accessKey", "AK"), ("secretKey", "SK")],
            ),
            settings(
                r#"{"authType":"keys","stsEndpoint":"http://a"}"#,
                &[("accessKey", "AK"), ("secretKey", "SK")],
            ),
            settings(
                r#"{"authType":"keys","defaultRegion":"eu-west-1"}"#,
                &[("accessKey", "AK"), ("secretKey", "SK")],
            ),
            settings(r#"{"authType":"default"}"#, &[]),
        ];
        for v in &variants {
            assert_ne!(fingerprint(v, &p), fp, "{v:?}");
        }
        let mut later = base.clone();
        later.last_updated_ms = 2;
        assert_ne!(fingerprint(&later, &p), fp);
        let mut other = base.clone();
        other.uid = "ds-2".into();
        assert_ne!(fingerprint(&other, &p), fp);
        let longer = Policy {
            session_duration: Duration::from_secs(3600),
            ..Policy::default()
        };
        assert_ne!(fingerprint(&base, &longer), fp);
        assert_eq!(fingerprint(&base.clone(), &p), fp);
    }
}
