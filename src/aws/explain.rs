//! Why a credentials source failed, in words an operator can act on (pure): what the SDK's
//! error says happened ([`Trouble`]), what the source's token file or token cache looked like
//! at that moment ([`FileState`]), and from both the message and the fix ([`Explanation`]).
//! Never a token or a key: only paths, endpoints, variable names and statuses.

use std::error::Error;
use std::io::ErrorKind;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::{ConnectorError, SdkError};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use http::StatusCode;

use crate::clock::{parse_rfc3339_ms, rfc3339};

use super::failure::{chain, Explanation, NoAnswer};

use super::source::{
    ContainerKind, ContainerSource, ContainerToken, CredentialSource, SsoSource, Unconfigured,
    WebIdentitySource, CONTAINER_TOKEN_FILE,
};

/// What the SDK's error says happened, read from its typed parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// An endpoint answered, refusing: its HTTP status, and AWS's code and message when sent.
    Refused {
        /// The HTTP status.
        status: u16,
        /// AWS's error code (`UnauthorizedException`, ...).
        code: Option<String>,
        /// AWS's message.
        message: Option<String>,
    },
    /// No answer in time: Stratus's bound on the whole resolution when that is what ran out
    /// (`GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT`), else the endpoint's own connect or read
    /// timeout.
    TimedOut(Option<Duration>),
    /// Nothing answered: the operating system's words (connection refused, no route, ...).
    Unreachable(String),
    /// A file could not be read.
    File(ErrorKind),
    /// The SDK found the cached IAM Identity Center token expired and not refreshable.
    SsoTokenExpired,
    /// No provider of the chain was configured.
    NotLoaded,
    /// Anything else, in the SDK's words.
    Other(String),
}

/// The text the SDK's HTTP credentials provider gives a non-success answer; the status is
/// only in its words.
const HTTP_PROVIDER_STATUS: &str = "Non-success status from HTTP credential provider";
/// The SDK's words for an IAM Identity Center token it may not refresh.
const SSO_TOKEN_EXPIRED: &str = "SSO token has expired";

/// Reads what happened from a credentials error's source chain (`Display` texts only: the
/// `Debug` forms can carry raw HTTP exchanges).
pub fn trouble_of(err: &CredentialsError) -> Trouble {
    let top: &(dyn Error + 'static) = err;
    let mut cur = Some(top);
    while let Some(e) = cur {
        if let Some(CredentialsError::ProviderTimedOut(t)) = e.downcast_ref::<CredentialsError>() {
            return Trouble::TimedOut(Some(t.timeout_duration()));
        }
        if let Some(SdkError::ServiceError(ctx)) =
            e.downcast_ref::<SdkError<GetRoleCredentialsError, HttpResponse>>()
        {
            return Trouble::Refused {
                status: ctx.raw().status().as_u16(),
                code: ctx.err().code().map(str::to_string),
                message: ctx.err().message().map(str::to_string),
            };
        }
        if let Some(conn) = e.downcast_ref::<ConnectorError>() {
            if conn.is_timeout() {
                return Trouble::TimedOut(None);
            }
            return Trouble::Unreachable(innermost(conn));
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Trouble::File(io.kind());
        }
        let text = e.to_string();
        if let Some(status) = http_provider_status(&text) {
            return Trouble::Refused {
                status,
                code: None,
                message: None,
            };
        }
        if text.contains(SSO_TOKEN_EXPIRED) {
            return Trouble::SsoTokenExpired;
        }
        cur = e.source();
    }
    match err {
        CredentialsError::CredentialsNotLoaded(_) => Trouble::NotLoaded,
        _ => Trouble::Other(chain(err)),
    }
}

/// The last error of a chain, in its words ("Connection refused (os error 111)").
fn innermost(err: &(dyn Error + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// The status in the SDK's "Non-success status from HTTP credential provider: StatusCode(401)".
fn http_provider_status(text: &str) -> Option<u16> {
    let rest = &text[text.find(HTTP_PROVIDER_STATUS)? + HTTP_PROVIDER_STATUS.len()..];
    let digits: String = rest
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A file a source reads (a token file, a token cache), as found when it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// It does not exist.
    Missing,
    /// It exists but cannot be read: the operating system's words.
    Unreadable(String),
    /// It holds nothing.
    Empty,
    /// It was read; for a token cache, when the token expires (`None` when it does not say).
    Readable {
        /// `expiresAt` of a token cache.
        expires: Option<SystemTime>,
    },
}

impl FileState {
    /// The state of a file from the result of reading it whole; `token_cache` reads the
    /// `expiresAt` of an IAM Identity Center token cache (the token itself is not kept).
    pub fn of(read: std::io::Result<Vec<u8>>, token_cache: bool) -> FileState {
        match read {
            Err(e) if e.kind() == ErrorKind::NotFound => FileState::Missing,
            Err(e) => FileState::Unreadable(e.to_string()),
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => FileState::Empty,
            Ok(bytes) => FileState::Readable {
                expires: token_cache.then(|| cache_expiry(&bytes)).flatten(),
            },
        }
    }
}

/// `expiresAt` of a token cache file, as the AWS CLI writes it.
fn cache_expiry(bytes: &[u8]) -> Option<SystemTime> {
    let cache: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let ms = parse_rfc3339_ms(cache.get("expiresAt")?.as_str()?)?;
    Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(u64::try_from(ms).ok()?))
}

/// Explains a failure of `source`, for the sources whose failures the SDK leaves unexplained:
/// container credentials (EKS Pod Identity, ECS), IAM Identity Center, a web identity token
/// file, and a default chain that found nothing. `None` for the others, whose errors (STS's,
/// a profile's) already say what happened.
pub fn explain(
    source: &CredentialSource,
    trouble: &Trouble,
    file: Option<&FileState>,
    now: SystemTime,
) -> Option<Explanation> {
    match source {
        CredentialSource::Container(c) => Some(container(c, trouble, file)),
        CredentialSource::Sso(s) => Some(sso(s, trouble, file, now)),
        CredentialSource::WebIdentity(w) => web_identity(w, file?),
        CredentialSource::Nothing(u) if *trouble == Trouble::NotLoaded => Some(nothing(u)),
        _ => None,
    }
}

/// An explanation of a failure without an answer.
fn unanswered(message: String, fix: String) -> Explanation {
    Explanation {
        message,
        fix,
        code: None,
        answer: Err(NoAnswer::Unreachable),
    }
}

/// A status with its reason phrase: "401 Unauthorized".
fn status_words(status: u16) -> String {
    match StatusCode::from_u16(status) {
        Ok(s) => format!("HTTP {}", s),
        Err(_) => format!("HTTP {status}"),
    }
}

/// What went wrong with a file, or `None` when it was read.
fn file_problem(file: Option<&FileState>) -> Option<String> {
    match file? {
        FileState::Missing => Some("does not exist".into()),
        FileState::Unreadable(why) => Some(format!(
            "cannot be read by the user running grafana-server ({why})"
        )),
        FileState::Empty => Some("is empty".into()),
        FileState::Readable { .. } => None,
    }
}

fn container(c: &ContainerSource, trouble: &Trouble, file: Option<&FileState>) -> Explanation {
    let name = CredentialSource::Container(c.clone()).name();
    let kind = c.kind();
    // The token file is read before the endpoint is asked: a bad file is the cause whatever
    // the endpoint then said.
    if let (ContainerToken::File(path), Some(problem)) = (&c.token, file_problem(file)) {
        let fix = match (kind, file) {
            (_, Some(FileState::Unreadable(_))) => "Let the user running grafana-server read it: in Kubernetes, give the pod securityContext fsGroup 472 (Grafana's group) so the projected token is readable by it.".to_string(),
            (ContainerKind::PodIdentity, _) => "The token file is projected by EKS Pod Identity: check the pod's service account association (aws eks list-pod-identity-associations --cluster-name CLUSTER), that the pod was started after it was made, and that the token volume is mounted in the Grafana container.".to_string(),
            _ => format!("Point {CONTAINER_TOKEN_FILE} at the file holding the endpoint's token, readable by the user running grafana-server."),
        };
        return unanswered(
            format!(
                "{name} could not send its token: the token file {} (from {CONTAINER_TOKEN_FILE}) {problem}.",
                path.display()
            ),
            fix,
        );
    }
    let endpoint = c.endpoint_words();
    let reach_fix = match kind {
        ContainerKind::PodIdentity => "The EKS Pod Identity Agent serves the endpoint on every node (169.254.170.23): check that the eks-pod-identity-agent add-on is installed and its pod on this node is running, and that no network policy blocks the Grafana pod from it.",
        ContainerKind::EcsTaskRole => "The ECS agent serves the endpoint (169.254.170.2) to tasks with a task role: check the task definition's taskRoleArn and the task's network mode.",
        ContainerKind::Other => "Check that the credentials endpoint runs and that the Grafana server can reach it (Stratus asks it directly, never through a proxy).",
    };
    match trouble {
        Trouble::Refused { status, .. } => {
            let fix = match kind {
                ContainerKind::PodIdentity => "The token file is projected by EKS Pod Identity: check the pod's service account association (aws eks list-pod-identity-associations --cluster-name CLUSTER) and that the file is the one the agent projects (it is rotated in place; a copy goes stale).",
                ContainerKind::EcsTaskRole => "Check the task definition's taskRoleArn: the ECS agent only serves credentials to tasks with a task role.",
                ContainerKind::Other => "Check that AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN holds the token this endpoint expects.",
            };
            Explanation {
                message: format!(
                    "{name} refused the credentials request: {endpoint} answered {} to {}.",
                    status_words(*status),
                    c.token_words()
                ),
                fix: fix.to_string(),
                code: None,
                answer: refused(*status),
            }
        }
        Trouble::TimedOut(limit) => Explanation {
            message: format!(
                "{name} did not answer in time: {endpoint}.{}",
                limit_words(*limit)
            ),
            fix: reach_fix.to_string(),
            code: None,
            answer: Err(NoAnswer::TimedOut),
        },
        Trouble::Unreachable(why) => unanswered(
            format!("{name} could not be reached: nothing answered at {endpoint} ({why})."),
            reach_fix.to_string(),
        ),
        other => unanswered(
            format!("{name} failed at {endpoint}: {}.", sdk_words(other)),
            reach_fix.to_string(),
        ),
    }
}

fn sso(s: &SsoSource, trouble: &Trouble, file: Option<&FileState>, now: SystemTime) -> Explanation {
    let session = match &s.session {
        Some(name) => format!("sso_session {name}, start URL {}", s.start_url),
        None => format!("sso_start_url {}", s.start_url),
    };
    let who = format!("IAM Identity Center (SSO) {} ({session})", s.profile);
    let cache = s.token_cache.display();
    let login = format!(
        "Sign in again as the user running grafana-server, with its HOME, so the token lands in {}: {}.",
        s.token_cache.parent().map(|p| p.display().to_string()).unwrap_or_default(),
        s.login_command()
    );
    let expired = match file {
        Some(FileState::Readable { expires: Some(at) }) if *at <= now => Some(*at),
        _ => None,
    };
    if let Some(problem) = file_problem(file) {
        let (message, fix) = match file {
            Some(FileState::Missing) => (
                format!("{who} is not signed in: there is no cached sign-in token at {cache}."),
                login,
            ),
            _ => (
                format!("{who} could not read its cached sign-in token: {cache} {problem}."),
                format!("Let the user running grafana-server read {cache} (aws sso login writes it readable only by the user who ran it), or sign in as that user: {}.", s.login_command()),
            ),
        };
        return unanswered(message, fix);
    }
    if let Some(at) = expired {
        return unanswered(
            format!(
                "{who}: the sign-in token cached at {cache} expired at {} and cannot be refreshed.",
                rfc3339(at)
            ),
            login,
        );
    }
    match trouble {
        Trouble::SsoTokenExpired => unanswered(
            format!("{who}: the sign-in token cached at {cache} has expired and cannot be refreshed."),
            login,
        ),
        Trouble::Refused { status, code, message } => {
            let aws = match (code, message) {
                (Some(c), Some(m)) => format!("{c}: {m}"),
                (Some(c), None) => c.clone(),
                (None, Some(m)) => m.clone(),
                (None, None) => status_words(*status),
            };
            let role = format!(
                "role {} in account {}",
                s.role_name.as_deref().unwrap_or("?"),
                s.account_id.as_deref().unwrap_or("?")
            );
            let code_is = |c: &str| code.as_deref() == Some(c);
            let (message, fix) = if code_is("UnauthorizedException") || (code.is_none() && *status == 401) {
                (
                    format!("{who}: the IAM Identity Center portal {} refused the cached sign-in token ({aws}); the session was signed out, revoked or ended early.", s.portal),
                    login,
                )
            } else if ["ForbiddenException", "ResourceNotFoundException", "InvalidRequestException"].iter().any(|c| code_is(c))
                || (code.is_none() && matches!(*status, 403 | 404))
            {
                (
                    format!("{who}: the IAM Identity Center portal {} refused {role} ({aws}).", s.portal),
                    format!("Check sso_account_id and sso_role_name of profile [{}]: the signed-in user needs a permission set assignment for that account and role.", s.profile.name),
                )
            } else {
                (
                    format!("{who}: the IAM Identity Center portal {} refused {role} ({aws}).", s.portal),
                    "Try again shortly (the portal limits how often credentials are asked for); if it persists, check the profile's sso_ settings.".to_string(),
                )
            };
            Explanation {
                message,
                fix,
                code: code.clone(),
                answer: refused(*status),
            }
        }
        Trouble::TimedOut(limit) => Explanation {
            message: format!("{who}: the IAM Identity Center portal {} did not answer in time.{}", s.portal, limit_words(*limit)),
            fix: "Check the network path from the Grafana server to the portal (proxy, firewall, DNS) and the sso_region of the profile or sso-session.".into(),
            code: None,
            answer: Err(NoAnswer::TimedOut),
        },
        Trouble::Unreachable(why) => unanswered(
            format!("{who}: the IAM Identity Center portal {} could not be reached ({why}).", s.portal),
            "Check the network path from the Grafana server to the portal (proxy, firewall, DNS) and the sso_region of the profile or sso-session.".into(),
        ),
        other => unanswered(format!("{who} failed: {}.", sdk_words(other)), login),
    }
}

fn web_identity(w: &WebIdentitySource, file: &FileState) -> Option<Explanation> {
    let problem = file_problem(Some(file))?;
    let fix = match file {
        FileState::Unreadable(_) => "Let the user running grafana-server read it: in Kubernetes, give the pod securityContext fsGroup 472 (Grafana's group).",
        _ => "EKS projects the token for IAM roles for service accounts: check the service account's eks.amazonaws.com/role-arn annotation and that the pod was started after it was set.",
    };
    Some(unanswered(
        format!(
            "The web identity token file {} (from {}) {problem}.",
            w.token_file.display(),
            w.named_by
        ),
        fix.to_string(),
    ))
}

fn nothing(u: &Unconfigured) -> Explanation {
    let metadata = if u.asked_instance_metadata {
        "and no EC2 instance metadata answered"
    } else {
        "and EC2 instance metadata is off (AWS_EC2_METADATA_DISABLED)"
    };
    unanswered(
        format!(
            "The AWS SDK default chain found no credentials: no AWS_ACCESS_KEY_ID, no profile [{}] with credentials in the shared files, no AWS_WEB_IDENTITY_TOKEN_FILE, no AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI, {metadata}.",
            u.profile
        ),
        "Provide credentials in the environment of the Grafana server: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE with a shared credentials file, a web identity token (IRSA), container credentials (EKS Pod Identity, ECS), or an EC2 instance profile.".into(),
    )
}

/// How an endpoint's refusal is answered.
fn refused(status: u16) -> Result<StatusCode, NoAnswer> {
    StatusCode::from_u16(status).map_err(|_| NoAnswer::Unreachable)
}

/// Stratus's bound, when that is what ran out.
fn limit_words(limit: Option<Duration>) -> String {
    limit
        .map(|t| format!(" Resolving the credentials did not finish within {}s, the limit (GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT).", t.as_secs_f64()))
        .unwrap_or_default()
}

/// What the SDK said, for the troubles without words of their own.
fn sdk_words(trouble: &Trouble) -> String {
    match trouble {
        Trouble::Other(text) => text.clone(),
        Trouble::File(kind) => format!("a file could not be read ({kind})"),
        Trouble::NotLoaded => "no credentials were loaded".into(),
        Trouble::SsoTokenExpired => "the SSO token has expired".into(),
        Trouble::Refused { status, .. } => status_words(*status),
        Trouble::TimedOut(_) => "no answer in time".into(),
        Trouble::Unreachable(why) => why.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::source::{
        NamedProfile, ProfileChoice, CONTAINER_FULL_URI, CONTAINER_RELATIVE_URI,
    };
    use aws_sdk_sso::types::error::UnauthorizedException;
    use aws_smithy_runtime_api::http::StatusCode as SmithyStatus;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;
    use std::path::PathBuf;

    fn pod_identity() -> CredentialSource {
        CredentialSource::Container(ContainerSource {
            endpoint: "http://169.254.170.23/v1/credentials".into(),
            endpoint_var: CONTAINER_FULL_URI,
            token: ContainerToken::File(
                "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
                    .into(),
            ),
        })
    }

    fn ecs() -> CredentialSource {
        CredentialSource::Container(ContainerSource {
            endpoint: "http://169.254.170.2/v2/credentials/x".into(),
            endpoint_var: CONTAINER_RELATIVE_URI,
            token: ContainerToken::None,
        })
    }

    fn sso(session: Option<&str>) -> CredentialSource {
        CredentialSource::Sso(SsoSource {
            profile: NamedProfile {
                name: "dev".into(),
                chosen_by: ProfileChoice::DataSource,
            },
            session: session.map(str::to_string),
            start_url: "https://corp.awsapps.com/start".into(),
            token_cache: PathBuf::from("/home/grafana/.aws/sso/cache/abc.json"),
            portal: "https://portal.sso.eu-west-1.amazonaws.com".into(),
            account_id: Some("123456789012".into()),
            role_name: Some("Reader".into()),
        })
    }

    const READABLE: FileState = FileState::Readable { expires: None };

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn now() -> SystemTime {
        at(1_800_000_000)
    }

    fn explained(
        source: &CredentialSource,
        trouble: Trouble,
        file: Option<FileState>,
    ) -> Explanation {
        explain(source, &trouble, file.as_ref(), now()).expect("explained")
    }

    fn refused(status: u16) -> Trouble {
        Trouble::Refused {
            status,
            code: None,
            message: None,
        }
    }

    #[test]
    fn reads_what_the_sdk_says_happened() {
        let status = CredentialsError::provider_error(
            "Non-success status from HTTP credential provider: StatusCode(403)",
        );
        assert_eq!(trouble_of(&status), refused(403));
        let file = CredentialsError::provider_error(std::io::Error::from(ErrorKind::NotFound));
        assert_eq!(trouble_of(&file), Trouble::File(ErrorKind::NotFound));
        // A refused connection is unreachable, not a file problem, though an io::Error is
        // inside it.
        let refused_conn =
            CredentialsError::unhandled(ConnectorError::io(Box::new(std::io::Error::new(
                ErrorKind::ConnectionRefused,
                "Connection refused (os error 111)",
            ))));
        assert_eq!(
            trouble_of(&refused_conn),
            Trouble::Unreachable("Connection refused (os error 111)".into())
        );
        let slow = CredentialsError::unhandled(ConnectorError::timeout("connect timed out".into()));
        assert_eq!(trouble_of(&slow), Trouble::TimedOut(None));
        assert_eq!(
            trouble_of(&CredentialsError::provider_timed_out(Duration::from_secs(
                10
            ))),
            Trouble::TimedOut(Some(Duration::from_secs(10)))
        );
        assert_eq!(
            trouble_of(&CredentialsError::provider_error(
                "the SSO token has expired and cannot be refreshed"
            )),
            Trouble::SsoTokenExpired
        );
        assert_eq!(
            trouble_of(&CredentialsError::not_loaded("no providers in chain")),
            Trouble::NotLoaded
        );
        assert_eq!(
            trouble_of(&CredentialsError::invalid_configuration("bad URI")),
            Trouble::Other("the credentials provider was not properly configured: bad URI".into())
        );
    }

    #[test]
    fn reads_the_portals_refusal() {
        let err = GetRoleCredentialsError::UnauthorizedException(
            UnauthorizedException::builder()
                .message("Session token not found or invalid")
                .meta(
                    ErrorMetadata::builder()
                        .code("UnauthorizedException")
                        .message("Session token not found or invalid")
                        .build(),
                )
                .build(),
        );
        let raw = HttpResponse::new(SmithyStatus::try_from(401).unwrap(), SdkBody::empty());
        let sdk = SdkError::<_, HttpResponse>::service_error(err, raw);
        assert_eq!(
            trouble_of(&CredentialsError::provider_error(sdk)),
            Trouble::Refused {
                status: 401,
                code: Some("UnauthorizedException".into()),
                message: Some("Session token not found or invalid".into()),
            }
        );
    }

    #[test]
    fn pod_identity_failures_name_the_endpoint_the_token_file_and_the_fix() {
        let pod = pod_identity();
        let x = explained(&pod, refused(401), Some(READABLE));
        assert_eq!(x.message, "EKS Pod Identity refused the credentials request: http://169.254.170.23/v1/credentials (from AWS_CONTAINER_CREDENTIALS_FULL_URI) answered HTTP 401 Unauthorized to the token in /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token (from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).");
        assert!(x.fix.contains("service account association"), "{}", x.fix);
        assert_eq!(x.answer, Ok(StatusCode::UNAUTHORIZED));

        let x = explained(
            &pod,
            Trouble::Unreachable("Connection refused (os error 111)".into()),
            Some(READABLE),
        );
        assert_eq!(x.message, "EKS Pod Identity could not be reached: nothing answered at http://169.254.170.23/v1/credentials (from AWS_CONTAINER_CREDENTIALS_FULL_URI) (Connection refused (os error 111)).");
        assert!(x.fix.contains("eks-pod-identity-agent add-on"), "{}", x.fix);
        assert_eq!(x.answer, Err(NoAnswer::Unreachable));

        let x = explained(&pod, Trouble::TimedOut(None), Some(READABLE));
        assert_eq!(x.answer, Err(NoAnswer::TimedOut));
        assert_eq!(x.message, "EKS Pod Identity did not answer in time: http://169.254.170.23/v1/credentials (from AWS_CONTAINER_CREDENTIALS_FULL_URI).");
        let x = explained(
            &pod,
            Trouble::TimedOut(Some(Duration::from_secs(10))),
            Some(READABLE),
        );
        assert!(x.message.ends_with("(from AWS_CONTAINER_CREDENTIALS_FULL_URI). Resolving the credentials did not finish within 10s, the limit (GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT)."), "{}", x.message);

        // The file is read first: whatever the endpoint said, a bad file is the cause.
        for (state, words) in [
            (FileState::Missing, "does not exist"),
            (FileState::Empty, "is empty"),
            (
                FileState::Unreadable("Permission denied (os error 13)".into()),
                "cannot be read by the user running grafana-server (Permission denied (os error 13))",
            ),
        ] {
            let x = explained(&pod, refused(401), Some(state.clone()));
            assert_eq!(
                x.message,
                format!("EKS Pod Identity could not send its token: the token file /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token (from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {words}.")
            );
            let wanted = if matches!(state, FileState::Unreadable(_)) { "fsGroup 472" } else { "service account association" };
            assert!(x.fix.contains(wanted), "{state:?}: {}", x.fix);
            assert_eq!(x.answer, Err(NoAnswer::Unreachable));
        }
    }

    #[test]
    fn ecs_task_roles_have_their_own_fix() {
        let x = explained(&ecs(), refused(400), None);
        assert_eq!(x.message, "ECS task role refused the credentials request: http://169.254.170.2/v2/credentials/x (from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) answered HTTP 400 Bad Request to no Authorization token.");
        assert!(x.fix.contains("taskRoleArn"), "{}", x.fix);
    }

    #[test]
    fn identity_center_failures_say_how_to_sign_in_again() {
        let s = sso(Some("corp"));
        let who = "IAM Identity Center (SSO) profile [dev] (from the data source's Credentials Profile Name) (sso_session corp, start URL https://corp.awsapps.com/start)";
        let x = explained(
            &s,
            Trouble::Other("failed to load the cached SSO token".into()),
            Some(FileState::Missing),
        );
        assert_eq!(x.message, format!("{who} is not signed in: there is no cached sign-in token at /home/grafana/.aws/sso/cache/abc.json."));
        assert!(
            x.fix.ends_with(": aws sso login --sso-session corp."),
            "{}",
            x.fix
        );
        assert!(x.fix.contains("/home/grafana/.aws/sso/cache"), "{}", x.fix);

        let expired = FileState::Readable {
            expires: Some(at(1_700_000_000)),
        };
        let x = explained(&s, Trouble::SsoTokenExpired, Some(expired.clone()));
        assert_eq!(x.message, format!("{who}: the sign-in token cached at /home/grafana/.aws/sso/cache/abc.json expired at 2023-11-14T22:13:20Z and cannot be refreshed."));
        // An expired token the portal then refused is still an expired token.
        let portal_401 = Trouble::Refused {
            status: 401,
            code: Some("UnauthorizedException".into()),
            message: Some("Session token not found or invalid".into()),
        };
        assert!(explained(&s, portal_401.clone(), Some(expired))
            .message
            .contains("expired at"));

        let valid = FileState::Readable {
            expires: Some(at(1_900_000_000)),
        };
        let x = explained(&s, portal_401, Some(valid.clone()));
        assert_eq!(x.message, format!("{who}: the IAM Identity Center portal https://portal.sso.eu-west-1.amazonaws.com refused the cached sign-in token (UnauthorizedException: Session token not found or invalid); the session was signed out, revoked or ended early."));
        assert_eq!(x.code.as_deref(), Some("UnauthorizedException"));
        assert_eq!(x.answer, Ok(StatusCode::UNAUTHORIZED));
        assert!(
            x.fix.contains("aws sso login --sso-session corp"),
            "{}",
            x.fix
        );

        let x = explained(
            &s,
            Trouble::Refused {
                status: 404,
                code: Some("ResourceNotFoundException".into()),
                message: Some("No access".into()),
            },
            Some(valid.clone()),
        );
        assert!(x.message.contains("refused role Reader in account 123456789012 (ResourceNotFoundException: No access)"), "{}", x.message);
        assert!(x.fix.contains("permission set assignment"), "{}", x.fix);

        let x = explained(
            &s,
            Trouble::Unreachable("Connection refused".into()),
            Some(valid),
        );
        assert!(
            x.message
                .ends_with("could not be reached (Connection refused)."),
            "{}",
            x.message
        );

        let x = explained(
            &s,
            Trouble::Other("failed to load the cached SSO token".into()),
            Some(FileState::Unreadable(
                "Permission denied (os error 13)".into(),
            )),
        );
        assert_eq!(x.message, format!("{who} could not read its cached sign-in token: /home/grafana/.aws/sso/cache/abc.json cannot be read by the user running grafana-server (Permission denied (os error 13))."));
        assert!(
            x.fix
                .ends_with("sign in as that user: aws sso login --sso-session corp."),
            "{}",
            x.fix
        );

        let legacy = explained(
            &sso(None),
            Trouble::Other("x".into()),
            Some(FileState::Missing),
        );
        assert!(
            legacy.fix.ends_with("aws sso login --profile dev."),
            "{}",
            legacy.fix
        );
    }

    #[test]
    fn web_identity_explains_only_its_file() {
        let w = CredentialSource::WebIdentity(WebIdentitySource {
            token_file: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token".into(),
            named_by: "AWS_WEB_IDENTITY_TOKEN_FILE".into(),
        });
        let x = explained(
            &w,
            Trouble::File(ErrorKind::NotFound),
            Some(FileState::Missing),
        );
        assert_eq!(x.message, "The web identity token file /var/run/secrets/eks.amazonaws.com/serviceaccount/token (from AWS_WEB_IDENTITY_TOKEN_FILE) does not exist.");
        // STS's refusal already says what happened.
        assert_eq!(explain(&w, &refused(403), Some(&READABLE), now()), None);
    }

    #[test]
    fn no_credentials_is_said_only_when_nothing_was_configured() {
        let nothing = CredentialSource::Nothing(Unconfigured {
            profile: "default".into(),
            asked_instance_metadata: false,
        });
        let x = explained(&nothing, Trouble::NotLoaded, None);
        assert!(x.message.starts_with("The AWS SDK default chain found no credentials: no AWS_ACCESS_KEY_ID, no profile [default]"), "{}", x.message);
        assert!(
            x.message
                .ends_with("and EC2 instance metadata is off (AWS_EC2_METADATA_DISABLED)."),
            "{}",
            x.message
        );
        for other in [
            CredentialSource::EnvironmentKeys,
            CredentialSource::DataSourceKeys,
            CredentialSource::InstanceMetadata,
        ] {
            assert_eq!(explain(&other, &Trouble::NotLoaded, None, now()), None);
        }
    }

    #[test]
    fn file_states_from_reads() {
        assert_eq!(
            FileState::of(Err(ErrorKind::NotFound.into()), false),
            FileState::Missing
        );
        assert_eq!(
            FileState::of(
                Err(std::io::Error::new(
                    ErrorKind::PermissionDenied,
                    "Permission denied (os error 13)"
                )),
                false
            ),
            FileState::Unreadable("Permission denied (os error 13)".into())
        );
        assert_eq!(FileState::of(Ok(b" \n".to_vec()), false), FileState::Empty);
        assert_eq!(FileState::of(Ok(b"token".to_vec()), false), READABLE);
        let cache = br#"{"accessToken": "x", "expiresAt": "2023-11-14T22:13:20Z"}"#;
        assert_eq!(
            FileState::of(Ok(cache.to_vec()), true),
            FileState::Readable {
                expires: Some(at(1_700_000_000))
            }
        );
        assert_eq!(FileState::of(Ok(b"{not json".to_vec()), true), READABLE);
    }
}
