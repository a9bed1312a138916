//! Sessions: everything one data source configuration needs to call AWS (region, endpoints,
//! one credentials provider behind the SDK's identity cache, clients per region), built once
//! per configuration and cached per data source.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::identity::IdentityCache;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileSet;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::config::names::Region;
use crate::config::network::ProxyChoice;
use crate::config::policy::Policy;
use crate::config::settings::{Credentials, Settings};
use crate::network::client::{self, ClientError};
use crate::network::route::{DirectHosts, EnvProxies, ProxyPlan, Route};
use crate::network::trust::{self, CaSource, TrustError};
use crate::observability::meters;

use super::credentials::{
    base_provider, session_name, CredentialLog, Explaining, Observed, Observing,
};
use super::endpoints::{self, Endpoints, StsTarget};
use super::source::{self, CredentialSource};
use super::user_agent::{self, Tag};
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::sdk_ua_metadata::FrameworkMetadata;

/// What went wrong while setting up a data source's AWS access.
#[derive(Debug, Error)]
pub enum SessionError {
    /// No region in the settings or the environment.
    #[error("No AWS region: set Default Region on the data source settings page (jsonData.defaultRegion), or AWS_REGION in the Grafana server's environment.")]
    NoRegion,
    /// A CA bundle cannot be used.
    #[error(transparent)]
    Trust(#[from] TrustError),
    /// The HTTP client cannot be set up.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The network path of a session's calls, for the health check and `check`.
#[derive(Debug, Clone)]
pub struct NetworkFacts {
    /// Which proxy its calls take.
    pub plan: ProxyPlan,
    /// The extra CA bundles it trusts, beside the system's.
    pub trusted: Vec<CaSource>,
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
    /// Where the last credentials came from and when they expire.
    pub credential_log: Arc<CredentialLog>,
    /// Where the base credentials come from, as configured.
    pub credential_source: Arc<CredentialSource>,
    /// Bounds the GetMetricData calls in flight for this data source.
    pub calls: tokio::sync::Semaphore,
    /// Bounds this data source's running Logs Insights queries (`logsConcurrentQueries`).
    pub logs_queries: tokio::sync::Semaphore,
    /// The proxy and CAs its calls use.
    pub network: NetworkFacts,
    config: SdkConfig,
    user_agent: Vec<FrameworkMetadata>,
    sts: aws_sdk_sts::Client,
    cloudwatch: PerRegion<aws_sdk_cloudwatch::Client>,
    ec2: PerRegion<aws_sdk_ec2::Client>,
    tagging: PerRegion<aws_sdk_resourcegroupstagging::Client>,
    oam: PerRegion<aws_sdk_oam::Client>,
    logs: PerRegion<aws_sdk_cloudwatchlogs::Client>,
}

/// One client of a service per region, built on first use.
#[derive(Debug)]
struct PerRegion<C>(Mutex<HashMap<Region, C>>);

impl<C: Clone> PerRegion<C> {
    fn new() -> Self {
        PerRegion(Mutex::new(HashMap::new()))
    }

    fn get(&self, region: &Region, build: impl FnOnce() -> C) -> C {
        let mut clients = self.0.lock().unwrap_or_else(|p| p.into_inner());
        clients.entry(region.clone()).or_insert_with(build).clone()
    }
}

impl AwsSession {
    /// How calls to CloudWatch in the default region travel (direct, or which proxy).
    pub fn cloudwatch_route(&self) -> Route {
        let url =
            self.endpoints.service.clone().unwrap_or_else(|| {
                format!("https://monitoring.{}.amazonaws.com", self.default_region)
            });
        match url.parse::<http::Uri>() {
            Ok(uri) => self.network.plan.route(&uri),
            // Endpoints are validated URLs; an unparsable one is reported by the call itself.
            Err(_) => self
                .network
                .plan
                .route(&http::Uri::from_static("https://amazonaws.com")),
        }
    }

    /// The STS client, in the default region.
    pub fn sts(&self) -> &aws_sdk_sts::Client {
        &self.sts
    }

    /// A CloudWatch client for `region`, sharing this session's cached credentials.
    pub fn cloudwatch(&self, region: &Region) -> aws_sdk_cloudwatch::Client {
        self.cloudwatch.get(region, || {
            let mut conf = aws_sdk_cloudwatch::config::Builder::from(&self.config)
                .region(sdk_region(region))
                .interceptor(Tag(self.user_agent.clone()));
            conf.set_endpoint_url(self.endpoints.service.clone());
            aws_sdk_cloudwatch::Client::from_conf(conf.build())
        })
    }

    /// An EC2 client for `region` (regions, instances, volumes).
    pub fn ec2(&self, region: &Region) -> aws_sdk_ec2::Client {
        self.ec2.get(region, || {
            let mut conf =
                aws_sdk_ec2::config::Builder::from(&self.config).region(sdk_region(region));
            conf.set_endpoint_url(self.endpoints.service.clone());
            aws_sdk_ec2::Client::from_conf(conf.build())
        })
    }

    /// A Resource Groups Tagging API client for `region` (resources by tag).
    pub fn tagging(&self, region: &Region) -> aws_sdk_resourcegroupstagging::Client {
        self.tagging.get(region, || {
            let mut conf = aws_sdk_resourcegroupstagging::config::Builder::from(&self.config)
                .region(sdk_region(region));
            conf.set_endpoint_url(self.endpoints.service.clone());
            aws_sdk_resourcegroupstagging::Client::from_conf(conf.build())
        })
    }

    /// A CloudWatch Logs client for `region` (Logs Insights, log groups).
    pub fn logs(&self, region: &Region) -> aws_sdk_cloudwatchlogs::Client {
        self.logs.get(region, || {
            let mut conf = aws_sdk_cloudwatchlogs::config::Builder::from(&self.config)
                .region(sdk_region(region));
            conf.set_endpoint_url(self.endpoints.service.clone());
            aws_sdk_cloudwatchlogs::Client::from_conf(conf.build())
        })
    }

    /// An Observability Access Manager client for `region` (linked accounts).
    pub fn oam(&self, region: &Region) -> aws_sdk_oam::Client {
        self.oam.get(region, || {
            let mut conf =
                aws_sdk_oam::config::Builder::from(&self.config).region(sdk_region(region));
            conf.set_endpoint_url(self.endpoints.service.clone());
            aws_sdk_oam::Client::from_conf(conf.build())
        })
    }
}

/// AWS calls get up to this many attempts; throttling and 5xx are retried with backoff.
const MAX_ATTEMPTS: u32 = 3;

/// The SDK behaviour Stratus is tested with. `BehaviorVersion::latest()` would let a
/// `cargo update` change retries, timeouts or proxy handling unnoticed; move this only to a
/// version whose release notes were read, with the timeout, retry and proxy tests green.
/// 2026-11-17: retries on by default, a 3.1 s connect timeout (Stratus sets its own), the
/// proxy environment variables honoured (since 2025-08-07), and AWS's Retry Behavior 2.1 (since
/// 2026-11-10: 50 ms base backoff for errors other than throttling, no connection poisoning on
/// a 5xx). Its default read timeout is not applied by aws-smithy-runtime 1.16; Stratus sets its
/// own operation and attempt timeouts.
fn behavior_version() -> BehaviorVersion {
    BehaviorVersion::v2026_11_17()
}

fn sdk_region(region: &Region) -> aws_types::region::Region {
    aws_types::region::Region::new(region.as_str().to_string())
}

fn base_config(
    region: &Region,
    policy: &Policy,
    user_agent: &[FrameworkMetadata],
    http: &SharedHttpClient,
) -> aws_config::ConfigLoader {
    // Explicit limits, so a black-holed endpoint fails a request rather than hanging it.
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(policy.connect_timeout)
        .read_timeout(policy.attempt_timeout)
        .operation_attempt_timeout(policy.attempt_timeout)
        .build();
    user_agent.iter().fold(
        aws_config::defaults(behavior_version())
            .http_client(http.clone())
            .region(sdk_region(region))
            .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
            .timeout_config(timeouts),
        |loader, m| loader.framework_metadata(m.clone()),
    )
}

async fn resolve_region(settings: &Settings) -> Result<Region, SessionError> {
    if let Some(r) = &settings.default_region {
        return Ok(r.clone());
    }
    let found = RegionProviderChain::default_provider().region().await;
    found
        .and_then(|r| Region::parse(r.as_ref()))
        .ok_or(SessionError::NoRegion)
}

fn with_sts_target(
    loader: aws_config::ConfigLoader,
    target: &StsTarget,
) -> aws_config::ConfigLoader {
    match target {
        StsTarget::Default => loader,
        StsTarget::Fips => loader.use_fips(true),
        StsTarget::Url(u) => loader.endpoint_url(u),
    }
}

/// The shared config and credentials files as aws-config loads them for a data source that
/// reads a profile (the one it names, else `AWS_PROFILE` or `default`); `None` for the other
/// modes, and when the files are absent or do not parse (the provider reports that).
async fn load_profiles(credentials: &Credentials) -> Option<ProfileSet> {
    let selected = source::profile_selection(credentials)?;
    aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &EnvConfigFiles::default(),
        selected.map(Into::into),
    )
    .await
    .ok()
}

/// Builds the session for a data source configuration; its AWS calls name Grafana's
/// version when known (it changes only when Grafana restarts, and with it the plugin).
pub async fn build(
    settings: &Settings,
    policy: &Policy,
    grafana_version: Option<&str>,
) -> Result<AwsSession, SessionError> {
    let user_agent = user_agent::metadata(grafana_version);
    let region = resolve_region(settings).await?;
    let endpoints = endpoints::plan(settings.endpoint.as_ref(), settings.sts_endpoint.as_ref());
    // One HTTP client for every call of the data source, credential providers' included.
    let plan = ProxyPlan::new(&settings.network.proxy, EnvProxies::from_process());
    let bundle_var = std::env::var_os("AWS_CA_BUNDLE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let profiles = load_profiles(&settings.credentials).await;
    let trusted = trust::gather(settings, bundle_var, profiles.as_ref())?;
    let http = client::http_client(
        &plan,
        DirectHosts::from_lookup(|n| std::env::var(n).ok()),
        &trusted,
    )?;
    let network = NetworkFacts {
        plan,
        trusted: trusted.into_iter().map(|t| t.source).collect(),
    };
    let provider_config = ProviderConfig::default()
        .with_region(Some(sdk_region(&region)))
        .with_http_client(http.clone());
    let credential_source = Arc::new(source::resolve(
        &settings.credentials,
        &|name| std::env::var(name).ok(),
        profiles.as_ref(),
    ));
    let base = Explaining::wrap(
        base_provider(&settings.credentials, &provider_config).await,
        credential_source.clone(),
    );
    let provider = match &settings.assume_role {
        None => base,
        Some(role) => {
            // The STS config carries no credentials of its own: the base provider signs.
            let sts_config = with_sts_target(
                base_config(&region, policy, &user_agent, &http),
                &endpoints.sts,
            )
            .credentials_provider(base.clone())
            .load()
            .await;
            let mut b = AssumeRoleProvider::builder(role.arn.as_str())
                .session_name(session_name(&settings.uid))
                .session_length(policy.session_duration)
                .configure(&sts_config);
            if let Some(ext) = &role.external_id {
                b = b.external_id(ext);
            }
            SharedCredentialsProvider::new(b.build_from_provider(base).await)
        }
    };
    let credential_log = Arc::new(CredentialLog::default());
    let observed = Observed::new(
        provider,
        credential_log.clone(),
        Observing {
            auth_mode: settings.auth_type().key(),
            timeout: policy.credentials_timeout,
            base: credential_source.clone(),
            assuming: settings.assume_role.is_some(),
        },
    );
    // One lazy identity cache shared by every client of this data source: it refreshes before
    // expiry and makes concurrent first requests wait on one load. Its own bound on a load
    // would be over a minute (three 20 s attempts and backoff); it is set just above the
    // provider's, which fails first with an error that says credentials timed out.
    let identity_cache = IdentityCache::lazy()
        .load_timeout(policy.credentials_timeout + Duration::from_secs(2))
        .build();
    let config = base_config(&region, policy, &user_agent, &http)
        .credentials_provider(SharedCredentialsProvider::new(observed))
        .identity_cache(identity_cache)
        .load()
        .await;
    let mut sts_conf = aws_sdk_sts::config::Builder::from(&config);
    match &endpoints.sts {
        StsTarget::Url(u) => sts_conf.set_endpoint_url(Some(u.clone())),
        StsTarget::Fips => sts_conf.set_use_fips(Some(true)),
        StsTarget::Default => &mut sts_conf,
    };
    Ok(AwsSession {
        settings: settings.clone(),
        default_region: region,
        endpoints,
        credential_log,
        credential_source,
        calls: tokio::sync::Semaphore::new(policy.max_concurrent_calls),
        logs_queries: tokio::sync::Semaphore::new(settings.logs.max_queries),
        network,
        sts: aws_sdk_sts::Client::from_conf(sts_conf.build()),
        config,
        user_agent,
        cloudwatch: PerRegion::new(),
        ec2: PerRegion::new(),
        tagging: PerRegion::new(),
        oam: PerRegion::new(),
        logs: PerRegion::new(),
    })
}

/// A fingerprint of everything that decides which credentials a data source gets, secrets
/// included (hashed, never stored), so a changed secret never reuses an old provider.
pub fn fingerprint(settings: &Settings, policy: &Policy) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |v: &str| {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        h.update((v.len() as u64).to_le_bytes());
        h.update(v.as_bytes());
    };
    field(&settings.uid);
    field(&settings.last_updated_ms.to_string());
    field(settings.auth_type().key());
    match &settings.credentials {
        Credentials::Profile(name) => field(name),
        Credentials::Keys(k) => {
            field(&k.access_key_id);
            field(k.secret_access_key.expose());
            field(k.session_token.as_ref().map_or("", |t| t.expose()));
        }
        Credentials::Default | Credentials::Ec2IamRole => {}
    }
    if let Some(role) = &settings.assume_role {
        field(role.arn.as_str());
        field(role.external_id.as_deref().unwrap_or(""));
    }
    field(settings.endpoint.as_ref().map_or("", |e| e.as_str()));
    field(settings.sts_endpoint.as_ref().map_or("", |e| e.as_str()));
    field(settings.default_region.as_ref().map_or("", |r| r.as_str()));
    match &settings.network.proxy {
        ProxyChoice::Environment => field("env"),
        ProxyChoice::Direct => field("none"),
        ProxyChoice::Url(server) => {
            field(&server.url.as_uri_text());
            let auth = server.auth.as_ref();
            field(auth.map_or("", |a| a.username.as_str()));
            field(auth.map_or("", |a| a.password.expose()));
        }
    }
    field(
        &settings
            .network
            .ca_bundle
            .as_ref()
            .map_or(String::new(), |b| {
                String::from_utf8_lossy(b.pem()).into_owned()
            }),
    );
    field(&policy.per_datasource_proxy.to_string());
    // The policy's parts a session is built with: a change rebuilds it.
    for d in [
        policy.session_duration,
        policy.connect_timeout,
        policy.attempt_timeout,
        policy.credentials_timeout,
    ] {
        field(&d.as_millis().to_string());
    }
    field(&policy.max_concurrent_calls.to_string());
    h.finalize().into()
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
        grafana_version: Option<&str>,
    ) -> Result<Arc<AwsSession>, SessionError> {
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
        meters::global().cache_lookup("sessions", cell.initialized());
        cell.get_or_try_init(|| async {
            build(settings, policy, grafana_version).await.map(Arc::new)
        })
        .await
        .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::settings::for_test;

    const KEYS: [(&str, &str); 2] = [("accessKey", "AK"), ("secretKey", "SK")];

    #[test]
    fn fingerprint_covers_every_auth_field() {
        let p = Policy::default();
        let base = for_test(r#"{"authType":"keys"}"#, &KEYS);
        let fp = fingerprint(&base, &p);
        let keys = |json: &str| for_test(json, &KEYS);
        let variants = [
            for_test(
                r#"{"authType":"keys"}"#,
                &[("accessKey", "AK"), ("secretKey", "SK2")],
            ),
            for_test(
                r#"{"authType":"keys"}"#,
                &[("accessKey", "AK2"), ("secretKey", "SK")],
            ),
            for_test(
                r#"{"authType":"keys"}"#,
                &[
                    ("accessKey", "AK"),
                    ("secretKey", "SK"),
                    ("sessionToken", "T"),
                ],
            ),
            keys(r#"{"authType":"keys","assumeRoleArn":"arn:aws:iam::123456789012:role/R"}"#),
            keys(r#"{"authType":"keys","endpoint":"http://a"}"#),
            keys(r#"{"authType":"keys","stsEndpoint":"http://a"}"#),
            keys(r#"{"authType":"keys","defaultRegion":"eu-west-1"}"#),
            for_test(r#"{"authType":"default"}"#, &[]),
            for_test(r#"{"authType":"credentials","profile":"a"}"#, &[]),
            keys(r#"{"authType":"keys","proxyType":"none"}"#),
            keys(r#"{"authType":"keys","proxyType":"url","proxyUrl":"http://p:1"}"#),
            keys(r#"{"authType":"keys","proxyType":"url","proxyUrl":"http://u@p:1"}"#),
            for_test(
                r#"{"authType":"keys","proxyType":"url","proxyUrl":"http://p:1","proxyUsername":"u"}"#,
                &[
                    ("accessKey", "AK"),
                    ("secretKey", "SK"),
                    ("proxyPassword", "pw"),
                ],
            ),
            for_test(
                r#"{"authType":"keys"}"#,
                &[
                    ("accessKey", "AK"),
                    ("secretKey", "SK"),
                    (
                        "caBundle",
                        include_str!("../../tests/fixtures/tls/test-ca.pem"),
                    ),
                ],
            ),
        ];
        for v in &variants {
            assert_ne!(fingerprint(v, &p), fp, "{v:?}");
        }
        let role = |ext: &str| {
            keys(&format!(
                r#"{{"authType":"keys","assumeRoleArn":"arn:aws:iam::123456789012:role/R","externalId":"{ext}"}}"#
            ))
        };
        assert_ne!(fingerprint(&role("x"), &p), fingerprint(&role("y"), &p));
        assert_ne!(
            fingerprint(
                &for_test(r#"{"authType":"credentials","profile":"a"}"#, &[]),
                &p
            ),
            fingerprint(
                &for_test(r#"{"authType":"credentials","profile":"b"}"#, &[]),
                &p
            )
        );
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
        let quicker = Policy {
            credentials_timeout: Duration::from_secs(3),
            ..Policy::default()
        };
        assert_ne!(fingerprint(&base, &quicker), fp);
        assert_eq!(fingerprint(&base.clone(), &p), fp);
    }
}
