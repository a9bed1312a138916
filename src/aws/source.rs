//! Where a data source's base credentials come from, decided as the AWS SDK decides it (pure):
//! the data source's mode, and for the SDK default chain the first of environment keys, the
//! `AWS_PROFILE` (else `default`) profile, a web identity token, container credentials and
//! instance metadata that is configured (the chain stops at the first configured source that
//! fails, so that one is the source a failure belongs to). Failures name the source, the
//! endpoint or file it uses, and the variable or profile key that named it.

use std::fmt;
use std::path::{Path, PathBuf};

use aws_config::profile::{Profile, ProfileSet};
use sha1::{Digest, Sha1};

use crate::config::settings::Credentials;

/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
pub const CONTAINER_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
pub const CONTAINER_RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
pub const CONTAINER_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
pub const CONTAINER_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
/// `AWS_WEB_IDENTITY_TOKEN_FILE`.
pub const WEB_IDENTITY_TOKEN_FILE: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";

/// Where a relative container URI is rooted (the ECS agent's address).
const ECS_HOST: &str = "http://169.254.170.2";
/// Profiles a role chain may pass through before Stratus stops following it (the SDK
/// refuses loops itself).
const MAX_PROFILE_HOPS: usize = 8;

/// Where a data source's base credentials come from (before any Assume Role ARN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// The data source's own keys (secureJsonData).
    DataSourceKeys,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in the environment.
    EnvironmentKeys,
    /// A shared-file profile of another kind (keys, credential_process, role chain, login).
    Profile(NamedProfile),
    /// An IAM Identity Center (SSO) profile.
    Sso(SsoSource),
    /// A web identity token exchanged with STS (EKS IAM roles for service accounts).
    WebIdentity(WebIdentitySource),
    /// A container credentials endpoint (ECS task role, EKS Pod Identity).
    Container(ContainerSource),
    /// The EC2 instance metadata service.
    InstanceMetadata,
    /// The SDK default chain with no source configured at all.
    Nothing(Unconfigured),
}

/// A profile and what chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedProfile {
    /// The profile's name.
    pub name: String,
    /// What chose it.
    pub chosen_by: ProfileChoice,
}

/// What chose the profile a data source reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileChoice {
    /// The data source's Credentials Profile Name (`jsonData.profile`).
    DataSource,
    /// `AWS_PROFILE` in the environment (SDK default chain).
    Environment,
    /// Nothing: the SDK's `default` profile.
    Default,
    /// The `source_profile` of this profile's role chain.
    SourceOf(String),
}

impl fmt::Display for NamedProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let by = match &self.chosen_by {
            ProfileChoice::DataSource => "from the data source's Credentials Profile Name".into(),
            ProfileChoice::Environment => "from AWS_PROFILE".into(),
            ProfileChoice::Default => "the default profile".into(),
            ProfileChoice::SourceOf(top) => format!("source_profile of [{top}]"),
        };
        write!(f, "profile [{}] ({by})", self.name)
    }
}

/// An IAM Identity Center profile: where its sign-in token is cached and which portal
/// exchanges it for role credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSource {
    /// The profile that reads it (the one named, or the base of its role chain).
    pub profile: NamedProfile,
    /// The `sso_session` the profile names; `None` for the legacy form (`sso_start_url` in
    /// the profile itself).
    pub session: Option<String>,
    /// `sso_start_url`.
    pub start_url: String,
    /// The token cache file `aws sso login` writes: `~/.aws/sso/cache/<sha1>.json`.
    pub token_cache: PathBuf,
    /// The portal that answers GetRoleCredentials.
    pub portal: String,
    /// `sso_account_id` and `sso_role_name`, when the profile gives them.
    pub account_id: Option<String>,
    /// See `account_id`.
    pub role_name: Option<String>,
}

impl SsoSource {
    /// The command that signs in again, as the AWS CLI takes it.
    pub fn login_command(&self) -> String {
        match &self.session {
            Some(s) => format!("aws sso login --sso-session {s}"),
            None => format!("aws sso login --profile {}", self.profile.name),
        }
    }
}

/// A web identity token file and what named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentitySource {
    /// The token file.
    pub token_file: PathBuf,
    /// The variable or profile key that named it.
    pub named_by: String,
}

/// A container credentials endpoint and the token sent to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSource {
    /// The URL the SDK asks.
    pub endpoint: String,
    /// The variable that named it (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` wins over
    /// `_FULL_URI`, as in the SDK).
    pub endpoint_var: &'static str,
    /// The token sent in the Authorization header.
    pub token: ContainerToken,
}

/// The Authorization token of a container credentials request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerToken {
    /// None is sent (ECS task roles).
    None,
    /// Read from this file on every request (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, which
    /// wins over the variable): EKS Pod Identity projects and rotates it.
    File(PathBuf),
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN` itself.
    Variable,
}

/// Which container service a container source is, from its variables: EKS Pod Identity sets
/// a full URI and a token file, ECS a relative URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// EKS Pod Identity (full URI and a token file).
    PodIdentity,
    /// An ECS task role (relative URI).
    EcsTaskRole,
    /// Another credentials endpoint.
    Other,
}

impl ContainerSource {
    /// Which service this is.
    pub fn kind(&self) -> ContainerKind {
        match (&self.token, self.endpoint_var) {
            (_, CONTAINER_RELATIVE_URI) => ContainerKind::EcsTaskRole,
            (ContainerToken::File(_), _) => ContainerKind::PodIdentity,
            _ => ContainerKind::Other,
        }
    }

    /// The endpoint and the variable that named it.
    pub fn endpoint_words(&self) -> String {
        format!("{} (from {})", self.endpoint, self.endpoint_var)
    }

    /// Where the token comes from, in words.
    pub fn token_words(&self) -> String {
        match &self.token {
            ContainerToken::None => "no Authorization token".to_string(),
            ContainerToken::File(p) => {
                format!("the token in {} (from {CONTAINER_TOKEN_FILE})", p.display())
            }
            ContainerToken::Variable => format!("the token in {CONTAINER_TOKEN}"),
        }
    }
}

/// What the default chain looked for when it found nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfigured {
    /// The profile it looked for.
    pub profile: String,
    /// Whether it asked the EC2 instance metadata service (not when `AWS_EC2_METADATA_DISABLED`).
    pub asked_instance_metadata: bool,
}

impl CredentialSource {
    /// The source's name, as the health check and errors use it.
    pub fn name(&self) -> &'static str {
        match self {
            CredentialSource::DataSourceKeys => "data source keys",
            CredentialSource::EnvironmentKeys => "environment variables",
            CredentialSource::Profile(_) => "shared credentials/config file profile",
            CredentialSource::Sso(_) => "IAM Identity Center (SSO)",
            CredentialSource::WebIdentity(_) => {
                "web identity token (STS AssumeRoleWithWebIdentity)"
            }
            CredentialSource::Container(c) => match c.kind() {
                ContainerKind::PodIdentity => "EKS Pod Identity",
                ContainerKind::EcsTaskRole => "ECS task role",
                ContainerKind::Other => "container credentials endpoint",
            },
            CredentialSource::InstanceMetadata => "EC2 instance metadata (IMDSv2)",
            CredentialSource::Nothing(_) => "no source (the AWS SDK default chain found none)",
        }
    }
}

/// Reads the environment: a variable's value, `None` when unset or empty.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn var(env: Lookup, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// The profile a data source reads, for the modes that read one: `Some(Some(name))` for the
/// credentials-file mode, `Some(None)` for the SDK default chain (`AWS_PROFILE`, else
/// `default`), `None` for the others.
pub fn profile_selection(credentials: &Credentials) -> Option<Option<String>> {
    match credentials {
        Credentials::Profile(name) => Some(Some(name.clone())),
        Credentials::Default => Some(None),
        Credentials::Keys(_) | Credentials::Ec2IamRole => None,
    }
}

/// The source a data source's credentials come from: `profiles` is the shared files as the
/// SDK loaded them for this data source (`None` when there are none or they do not parse).
pub fn resolve(
    credentials: &Credentials,
    env: Lookup,
    profiles: Option<&ProfileSet>,
) -> CredentialSource {
    match credentials {
        Credentials::Keys(_) => CredentialSource::DataSourceKeys,
        Credentials::Ec2IamRole => CredentialSource::InstanceMetadata,
        Credentials::Profile(name) => {
            let named = NamedProfile {
                name: name.clone(),
                chosen_by: ProfileChoice::DataSource,
            };
            profile_source(named.clone(), env, profiles).unwrap_or(CredentialSource::Profile(named))
        }
        Credentials::Default => default_chain(env, profiles),
    }
}

/// The SDK default chain's order: environment keys, profile, web identity, container,
/// instance metadata.
fn default_chain(env: Lookup, profiles: Option<&ProfileSet>) -> CredentialSource {
    if var(env, "AWS_ACCESS_KEY_ID").is_some() {
        return CredentialSource::EnvironmentKeys;
    }
    let named = match var(env, "AWS_PROFILE") {
        Some(name) => NamedProfile {
            name,
            chosen_by: ProfileChoice::Environment,
        },
        None => NamedProfile {
            name: "default".into(),
            chosen_by: ProfileChoice::Default,
        },
    };
    if let Some(source) = profile_source(named.clone(), env, profiles) {
        return source;
    }
    if let (Some(file), Some(_role)) = (var(env, WEB_IDENTITY_TOKEN_FILE), var(env, "AWS_ROLE_ARN"))
    {
        return CredentialSource::WebIdentity(WebIdentitySource {
            token_file: PathBuf::from(file),
            named_by: WEB_IDENTITY_TOKEN_FILE.into(),
        });
    }
    if let Some(container) = container(env) {
        return CredentialSource::Container(container);
    }
    let metadata_off = var(env, "AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    CredentialSource::Nothing(Unconfigured {
        profile: named.name,
        asked_instance_metadata: !metadata_off,
    })
}

/// Container credentials, when their variables are set; the relative URI wins, as in the SDK.
fn container(env: Lookup) -> Option<ContainerSource> {
    let (endpoint, endpoint_var) = match (
        var(env, CONTAINER_RELATIVE_URI),
        var(env, CONTAINER_FULL_URI),
    ) {
        (Some(relative), _) => (
            format!("{ECS_HOST}{}", relative.trim()),
            CONTAINER_RELATIVE_URI,
        ),
        (None, Some(full)) => (full.trim().to_string(), CONTAINER_FULL_URI),
        (None, None) => return None,
    };
    let token = match (var(env, CONTAINER_TOKEN_FILE), var(env, CONTAINER_TOKEN)) {
        (Some(file), _) => ContainerToken::File(PathBuf::from(file)),
        (None, Some(_)) => ContainerToken::Variable,
        (None, None) => ContainerToken::None,
    };
    Some(ContainerSource {
        endpoint,
        endpoint_var,
        token,
    })
}

/// Keys that make a profile a credentials source for the SDK.
const CREDENTIAL_KEYS: [&str; 8] = [
    "aws_access_key_id",
    "credential_process",
    "credential_source",
    "login_session",
    "role_arn",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
];

/// The source behind a profile, following its role chain to the base; `None` when the
/// profile does not exist or holds no credentials (the default chain then moves on).
fn profile_source(
    named: NamedProfile,
    env: Lookup,
    profiles: Option<&ProfileSet>,
) -> Option<CredentialSource> {
    let set = profiles?;
    let top = set.get_profile(&named.name)?;
    if !CREDENTIAL_KEYS.iter().any(|k| top.get(k).is_some()) {
        return None;
    }
    let base = base_of(set, top);
    if let Some(sso) = sso_source(set, base, &named, env) {
        return Some(CredentialSource::Sso(sso));
    }
    if let (Some(file), Some(_)) = (base.get("web_identity_token_file"), base.get("role_arn")) {
        return Some(CredentialSource::WebIdentity(WebIdentitySource {
            token_file: PathBuf::from(file.trim()),
            named_by: format!("web_identity_token_file of profile [{}]", base.name()),
        }));
    }
    Some(CredentialSource::Profile(named))
}

/// Follows `source_profile` from a role profile to the profile its chain starts from.
fn base_of<'a>(set: &'a ProfileSet, mut profile: &'a Profile) -> &'a Profile {
    for _ in 0..MAX_PROFILE_HOPS {
        if profile.get("web_identity_token_file").is_some() {
            break;
        }
        match profile.get("source_profile") {
            Some(next) if next != profile.name() => match set.get_profile(next) {
                Some(p) => profile = p,
                None => break,
            },
            _ => break,
        }
    }
    profile
}

/// The IAM Identity Center settings of a profile, as the SDK reads them: `sso_session`
/// naming an `[sso-session]` section, or the legacy keys in the profile itself.
fn sso_source(
    set: &ProfileSet,
    profile: &Profile,
    named: &NamedProfile,
    env: Lookup,
) -> Option<SsoSource> {
    let session = profile.get("sso_session").map(str::to_string);
    let (start_url, region) = match &session {
        Some(name) => {
            let section = set.sso_session(name)?;
            (section.get("sso_start_url")?, section.get("sso_region")?)
        }
        None => (profile.get("sso_start_url")?, profile.get("sso_region")?),
    };
    // The SDK keys its cache by the session name, or by the start URL in the legacy form.
    let home = var(env, "HOME").map(PathBuf::from).unwrap_or_default();
    let token_cache = sso_token_cache(&home, session.as_deref().unwrap_or(start_url));
    let portal = var(env, "AWS_ENDPOINT_URL_SSO")
        .or_else(|| var(env, "AWS_ENDPOINT_URL"))
        .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"));
    Some(SsoSource {
        profile: NamedProfile {
            name: profile.name().to_string(),
            chosen_by: if profile.name() == named.name {
                named.chosen_by.clone()
            } else {
                ProfileChoice::SourceOf(named.name.clone())
            },
        },
        session,
        start_url: start_url.to_string(),
        token_cache,
        portal,
        account_id: profile.get("sso_account_id").map(str::to_string),
        role_name: profile.get("sso_role_name").map(str::to_string),
    })
}

/// Where the AWS CLI and SDKs cache an IAM Identity Center token: the SHA-1 of the session
/// name (or legacy start URL), in hex, under `~/.aws/sso/cache`.
pub fn sso_token_cache(home: &Path, key: &str) -> PathBuf {
    let digest = Sha1::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    home.join(".aws/sso/cache").join(format!("{hex}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_runtime::env_config::file::EnvConfigFiles;
    use aws_types::os_shim_internal::{Env, Fs};

    const HOME: &str = "/home/grafana";

    async fn profiles(config: &str, selected: Option<&str>) -> Option<ProfileSet> {
        aws_config::profile::load(
            &Fs::from_slice(&[("/home/grafana/.aws/config", config)]),
            &Env::from_slice(&[("HOME", HOME)]),
            &EnvConfigFiles::default(),
            selected.map(|s| s.to_string().into()),
        )
        .await
        .ok()
    }

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .chain([("HOME", HOME)].iter())
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_token_cache_is_named_by_the_sha1_of_the_session() {
        // SHA-1's published test vector: sha1("abc").
        assert_eq!(
            sso_token_cache(Path::new("/h"), "abc"),
            PathBuf::from("/h/.aws/sso/cache/a9993e364706816aba3e25717850c26c9cd0d89d.json")
        );
    }

    #[tokio::test]
    async fn the_default_chain_takes_the_first_configured_source() {
        let none = env(&[]);
        let nothing = resolve(&Credentials::Default, &none, None);
        assert_eq!(
            nothing,
            CredentialSource::Nothing(Unconfigured {
                profile: "default".into(),
                asked_instance_metadata: true
            })
        );
        let keys = env(&[
            ("AWS_ACCESS_KEY_ID", "AK"),
            (CONTAINER_FULL_URI, "http://x"),
        ]);
        assert_eq!(
            resolve(&Credentials::Default, &keys, None),
            CredentialSource::EnvironmentKeys
        );
        let pod = env(&[
            (CONTAINER_FULL_URI, "http://169.254.170.23/v1/credentials"),
            (
                CONTAINER_TOKEN_FILE,
                "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
            ),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let CredentialSource::Container(c) = resolve(&Credentials::Default, &pod, None) else {
            panic!("not a container source");
        };
        assert_eq!(c.kind(), ContainerKind::PodIdentity);
        assert_eq!(
            c.endpoint_words(),
            "http://169.254.170.23/v1/credentials (from AWS_CONTAINER_CREDENTIALS_FULL_URI)"
        );
        let ecs = env(&[
            (CONTAINER_RELATIVE_URI, "/v2/credentials/abc"),
            (CONTAINER_FULL_URI, "http://127.0.0.1:1/ignored"),
        ]);
        let CredentialSource::Container(c) = resolve(&Credentials::Default, &ecs, None) else {
            panic!("not a container source");
        };
        assert_eq!(c.kind(), ContainerKind::EcsTaskRole);
        assert_eq!(c.endpoint, "http://169.254.170.2/v2/credentials/abc");
        assert_eq!(c.token, ContainerToken::None);
        // A web identity token comes before container credentials.
        let irsa = env(&[
            (WEB_IDENTITY_TOKEN_FILE, "/t"),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
            (CONTAINER_FULL_URI, "http://x"),
        ]);
        assert!(matches!(
            resolve(&Credentials::Default, &irsa, None),
            CredentialSource::WebIdentity(_)
        ));
        let off = env(&[("AWS_EC2_METADATA_DISABLED", "TRUE")]);
        assert!(matches!(
            resolve(&Credentials::Default, &off, None),
            CredentialSource::Nothing(Unconfigured {
                asked_instance_metadata: false,
                ..
            })
        ));
    }

    #[tokio::test]
    async fn a_profile_comes_before_container_credentials_only_when_it_holds_credentials() {
        let pod = env(&[(CONTAINER_FULL_URI, "http://127.0.0.1:9/creds")]);
        let region_only = profiles("[default]\nregion = eu-west-1\n", None).await;
        assert!(matches!(
            resolve(&Credentials::Default, &pod, region_only.as_ref()),
            CredentialSource::Container(_)
        ));
        let keys = profiles(
            "[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n",
            None,
        )
        .await;
        assert_eq!(
            resolve(&Credentials::Default, &pod, keys.as_ref()),
            CredentialSource::Profile(NamedProfile {
                name: "default".into(),
                chosen_by: ProfileChoice::Default
            })
        );
    }

    const SSO_CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Reader\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n[profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Reader\n\n[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/Up\nsource_profile = dev\n";

    #[tokio::test]
    async fn identity_center_profiles_name_their_session_cache_and_portal() {
        let none = env(&[]);
        let set = profiles(SSO_CONFIG, Some("dev")).await;
        let CredentialSource::Sso(sso) =
            resolve(&Credentials::Profile("dev".into()), &none, set.as_ref())
        else {
            panic!("not SSO");
        };
        assert_eq!(sso.session.as_deref(), Some("corp"));
        assert_eq!(sso.start_url, "https://corp.awsapps.com/start");
        assert_eq!(sso.portal, "https://portal.sso.eu-west-1.amazonaws.com");
        assert_eq!(sso.token_cache, sso_token_cache(Path::new(HOME), "corp"));
        assert_eq!(sso.login_command(), "aws sso login --sso-session corp");
        assert_eq!(sso.profile.chosen_by, ProfileChoice::DataSource);

        // The legacy form keys its cache by the start URL; AWS_ENDPOINT_URL_SSO moves the portal.
        let portal = env(&[
            ("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:7"),
            ("AWS_PROFILE", "legacy"),
        ]);
        let set = profiles(SSO_CONFIG, Some("legacy")).await;
        let CredentialSource::Sso(sso) = resolve(&Credentials::Default, &portal, set.as_ref())
        else {
            panic!("not SSO");
        };
        assert_eq!(sso.session, None);
        assert_eq!(
            sso.token_cache,
            sso_token_cache(Path::new(HOME), "https://old.awsapps.com/start")
        );
        assert_eq!(sso.portal, "http://127.0.0.1:7");
        assert_eq!(sso.profile.chosen_by, ProfileChoice::Environment);
        assert_eq!(sso.login_command(), "aws sso login --profile legacy");

        // A role chained from an SSO profile gets its base credentials from SSO.
        let set = profiles(SSO_CONFIG, Some("chained")).await;
        let CredentialSource::Sso(sso) =
            resolve(&Credentials::Profile("chained".into()), &none, set.as_ref())
        else {
            panic!("not SSO");
        };
        assert_eq!(sso.profile.name, "dev");
        assert_eq!(
            sso.profile.to_string(),
            "profile [dev] (source_profile of [chained])"
        );
    }

    #[test]
    fn container_sources_say_where_their_token_comes_from() {
        let c = ContainerSource {
            endpoint: "http://127.0.0.1:1/c".into(),
            endpoint_var: CONTAINER_FULL_URI,
            token: ContainerToken::Variable,
        };
        assert_eq!(c.kind(), ContainerKind::Other);
        assert_eq!(
            c.token_words(),
            "the token in AWS_CONTAINER_AUTHORIZATION_TOKEN"
        );
        assert_eq!(
            CredentialSource::Container(c).name(),
            "container credentials endpoint"
        );
    }
}
