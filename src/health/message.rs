//! The health check's words (pure): the success line that says who the credentials belong
//! to, and for a failure the step, AWS's error and a hint for the usual cause.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::aws::failure::{scrub, AwsFailure, NoAnswer};
use crate::aws::session::AwsSession;
use crate::clock::rfc3339;
use crate::config::settings::{Credentials, Settings};
use crate::network::route::{DirectReason, Route};

/// The step a health check failed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The server policy refused the data source, or is malformed.
    Policy,
    /// The data source settings are invalid.
    Settings,
    /// Setting up the AWS session (region).
    Setup,
    /// Resolving the credentials.
    Credentials,
    /// STS GetCallerIdentity.
    Sts,
    /// CloudWatch ListMetrics.
    CloudWatch,
    /// CloudWatch Logs DescribeLogGroups.
    Logs,
}

impl Step {
    /// How the step is named in messages and `jsonDetails`.
    pub fn name(self) -> &'static str {
        match self {
            Step::Policy => "server policy",
            Step::Settings => "data source settings",
            Step::Setup => "AWS setup",
            Step::Credentials => "resolving credentials",
            Step::Sts => "STS GetCallerIdentity",
            Step::CloudWatch => "CloudWatch ListMetrics",
            Step::Logs => "CloudWatch Logs DescribeLogGroups",
        }
    }
}

/// Who the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The caller ARN.
    pub arn: String,
    /// The account id.
    pub account: String,
}

/// One shared credentials/config file the SDK reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFact {
    /// Where the SDK looks.
    pub path: PathBuf,
    /// Whether it exists (and is a file).
    pub exists: bool,
    /// Its permission bits, when it exists.
    pub mode: Option<u32>,
}

/// Facts about the shared credentials files, gathered at the edge for hints and `check`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileFacts {
    /// The credentials file and the config file.
    pub files: Vec<FileFact>,
}

/// What a health check found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Whether every step passed.
    pub ok: bool,
    /// The one-line message Grafana shows.
    pub message: String,
    /// Structured details (`jsonDetails`).
    pub details: Value,
}

/// The success message and details.
pub fn success(session: &AwsSession, identity: &Identity) -> Outcome {
    let s = &session.settings;
    let role = s.assume_role.as_ref().map(|r| r.arn.as_str());
    let mut message = format!(
        "Authenticated as {} (account {}) via {}",
        identity.arn,
        identity.account,
        s.auth_type().label()
    );
    if let Some(arn) = role {
        message.push_str(&format!(", assumed {arn}"));
    }
    message.push_str(&format!(
        "; CloudWatch and CloudWatch Logs reachable in {}",
        session.default_region
    ));
    let network = network_facts(session);
    if let Some(note) = &network.note {
        message.push_str(&format!(" {note}"));
    }
    let creds = session.credential_log.last();
    let details = json!({
        "status": "ok",
        "arn": identity.arn,
        "account": identity.account,
        "authType": s.auth_type().key(),
        "authProvider": s.auth_type().label(),
        "assumedRole": role,
        "region": session.default_region.as_str(),
        "logs": "ok",
        "credentialsSource": creds.source,
        "credentialsExpiry": creds.expiry.map(rfc3339),
        "network": network.route,
        "proxy": network.proxy,
        "caBundles": network.ca_bundles,
    });
    Outcome {
        ok: true,
        message,
        details,
    }
}

/// How a session's calls travel, in words for the message and fields for the details.
struct NetworkWords {
    /// The route to CloudWatch ("through proxy 10.0.0.1:3128 (from HTTPS_PROXY)").
    route: String,
    /// The proxy's `host:port`, when one is used.
    proxy: Option<String>,
    /// The extra CA bundles trusted.
    ca_bundles: Vec<String>,
    /// What the message says about it; nothing for the plain case (no proxy, system CAs).
    note: Option<String>,
}

fn network_facts(session: &AwsSession) -> NetworkWords {
    let route = session.cloudwatch_route();
    let proxy = match &route {
        Route::Proxy { host_port, .. } => Some(host_port.clone()),
        Route::Direct(_) => None,
    };
    let ca_bundles: Vec<String> = session
        .network
        .trusted
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut parts = Vec::new();
    if route != Route::Direct(DirectReason::NoProxySet) {
        parts.push(format!("Network: {route}."));
    }
    if !ca_bundles.is_empty() {
        parts.push(format!(
            "Also trusting the CAs of {}.",
            ca_bundles.join(" and ")
        ));
    }
    NetworkWords {
        route: route.to_string(),
        proxy,
        ca_bundles,
        note: (!parts.is_empty()).then(|| parts.join(" ")),
    }
}

/// A failure after the session was set up: says how the calls travelled, since a proxy or a
/// CA is often the cause.
pub fn with_network(mut outcome: Outcome, session: &AwsSession) -> Outcome {
    let network = network_facts(session);
    let no_answer = outcome.details["httpStatus"].is_null() && outcome.details["hint"].is_null();
    if let (Some(proxy), true) = (&network.proxy, no_answer) {
        let hint = format!("Every call goes {}: check that the proxy at {proxy} is running and reachable from the Grafana server, and that it may reach AWS.", network.route);
        outcome.message.push_str(&format!(" Hint: {hint}"));
        outcome.details["hint"] = json!(hint);
    } else if let Some(note) = &network.note {
        outcome.message.push_str(&format!(" {note}"));
    }
    outcome.details["network"] = json!(network.route);
    outcome.details["proxy"] = json!(network.proxy);
    outcome.details["caBundles"] = json!(network.ca_bundles);
    outcome
}

/// The hint for a failure, when one of the common causes fits.
pub fn hint(
    step: Step,
    settings: Option<&Settings>,
    problem: &Problem,
    files: &FileFacts,
) -> Option<String> {
    if let Some(fix) = &problem.fix {
        return Some(fix.clone());
    }
    let assuming = settings.and_then(|s| s.assume_role.as_ref());
    let code = problem.code.as_deref().unwrap_or("");
    let text = match (step, code) {
        (_, "SignatureDoesNotMatch") => {
            "The secret access key does not match the access key ID. Re-enter the Secret Access Key (or fix aws_secret_access_key in the profile).".to_string()
        }
        (_, "InvalidClientTokenId") => {
            "AWS does not recognise the access key ID: it may be deleted, inactive, or from another partition. Check the Access Key ID.".to_string()
        }
        (_, "ExpiredToken" | "ExpiredTokenException") => {
            "The session token has expired. Enter fresh temporary credentials, or use long-lived keys with an Assume Role ARN so Stratus refreshes them.".to_string()
        }
        (Step::Credentials, "AccessDenied") if assuming.is_some() => format!(
            "STS refused to assume {}. Check that the role's trust policy allows the base identity, and that External ID matches the role's sts:ExternalId condition.",
            assuming.map(|a| a.arn.as_str()).unwrap_or_default()
        ),
        (Step::CloudWatch, "AccessDenied" | "AccessDeniedException") => {
            "The identity may not read CloudWatch. Attach a policy allowing cloudwatch:ListMetrics and cloudwatch:GetMetricData.".to_string()
        }
        (Step::Logs, "AccessDenied" | "AccessDeniedException") => {
            "The identity may read CloudWatch metrics but not CloudWatch Logs: metrics queries work, Logs queries will fail. To query logs, allow logs:DescribeLogGroups, logs:GetLogGroupFields, logs:StartQuery, logs:GetQueryResults and logs:StopQuery.".to_string()
        }
        (Step::Credentials, _) if problem.timed_out => {
            "An endpoint the credentials come from did not answer in time: the EC2 instance metadata service, a container credentials endpoint, STS (for an Assume Role ARN or a web identity token) or SSO. Check the network path from the Grafana server to it: proxy, firewall, or the instance's metadata hop limit in a container.".to_string()
        }
        (Step::Credentials, _) => match &settings?.credentials {
            Credentials::Profile(profile) => {
                let looked: Vec<String> = files
                    .files
                    .iter()
                    .map(|f| format!("{} ({})", f.path.display(), if f.exists { "found" } else { "missing" }))
                    .collect();
                format!(
                    "Looked for profile [{profile}] in {}. The files must belong to the HOME of the user running grafana-server and be readable by it (at most 0644).",
                    looked.join(" and ")
                )
            }
            Credentials::Ec2IamRole => "The EC2 instance metadata service (IMDSv2) did not answer. Workspace IAM Role only works on EC2 with an instance profile; in a container, raise the instance's metadata hop limit to 2.".to_string(),
            // The default chain's sources explain their own failures (`aws::explain`), the
            // case of no source at all included; the SDK's words stand for the rest.
            Credentials::Default | Credentials::Keys(_) => return None,
        },
        _ => return None,
    };
    Some(text)
}

/// What went wrong at a step: AWS's error code and HTTP status when AWS answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The AWS error code, when known.
    pub code: Option<String>,
    /// What happened.
    pub message: String,
    /// AWS's HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// Whether the step ran out of time.
    pub timed_out: bool,
    /// The fix, when the cause is known (an explained credentials source).
    pub fix: Option<String>,
}

impl Problem {
    /// A problem found before calling AWS (policy, settings, setup).
    pub fn local(message: String) -> Problem {
        Problem {
            code: None,
            message,
            http_status: None,
            timed_out: false,
            fix: None,
        }
    }
}

impl From<&AwsFailure> for Problem {
    fn from(f: &AwsFailure) -> Problem {
        Problem {
            code: f.code.clone(),
            message: f.message.clone(),
            http_status: f.http_status().map(|s| s.as_u16()),
            timed_out: f.answer == Err(NoAnswer::TimedOut),
            fix: f.fix.clone(),
        }
    }
}

/// The failure message and details.
pub fn failure(
    step: Step,
    settings: Option<&Settings>,
    problem: &Problem,
    files: &FileFacts,
) -> Outcome {
    let hint = hint(step, settings, problem, files);
    let mut message = format!("{} failed", step.name());
    if let Some(code) = &problem.code {
        message.push_str(&format!(" ({code})"));
    }
    message.push_str(&format!(": {}", problem.message));
    if let Some(h) = &hint {
        message.push_str(&format!(" Hint: {h}"));
    }
    let scrubbed = |text: &str| settings.map_or_else(|| text.to_string(), |s| scrub(text, s));
    let details = json!({
        "status": "error",
        "step": step.name(),
        "code": problem.code,
        "httpStatus": problem.http_status,
        "message": scrubbed(&problem.message),
        "hint": hint,
        "authType": settings.map(|s| s.auth_type().key()),
    });
    let message = scrubbed(&message);
    Outcome {
        ok: false,
        message,
        details,
    }
}

/// Metrics work but CloudWatch Logs does not: the failure says both, so an operator who only
/// wants metrics knows the data source works for them.
pub fn logs_failure(
    session: &AwsSession,
    identity: &Identity,
    problem: &Problem,
    files: &FileFacts,
) -> Outcome {
    let mut outcome = failure(Step::Logs, Some(&session.settings), problem, files);
    outcome.message = format!(
        "Authenticated as {} (account {}); CloudWatch metrics reachable in {}, but {}",
        identity.arn, identity.account, session.default_region, outcome.message
    );
    outcome.details["arn"] = json!(identity.arn);
    outcome.details["metrics"] = json!("ok");
    outcome
}

/// A failure before any AWS call: policy, settings or setup.
pub fn local_failure(step: Step, settings: Option<&Settings>, message: String) -> Outcome {
    failure(
        step,
        settings,
        &Problem::local(message),
        &FileFacts::default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(json: &str) -> Settings {
        crate::config::settings::for_test(
            json,
            &[("accessKey", "AK"), ("secretKey", "SECRET-CANARY")],
        )
    }

    fn aws(code: Option<&str>, message: &str) -> Problem {
        Problem {
            code: code.map(str::to_string),
            message: message.to_string(),
            http_status: Some(403),
            timed_out: false,
            fix: None,
        }
    }

    #[test]
    fn wrong_secret_hint() {
        let s = settings(r#"{"authType":"keys"}"#);
        let o = failure(
            Step::Sts,
            Some(&s),
            &aws(Some("SignatureDoesNotMatch"), "sig"),
            &FileFacts { files: vec![] },
        );
        assert!(!o.ok);
        assert!(o.message.starts_with("STS GetCallerIdentity failed (SignatureDoesNotMatch): sig Hint: The secret access key"), "{}", o.message);
        assert_eq!(o.details["step"], "STS GetCallerIdentity");
        assert_eq!(o.details["httpStatus"], 403);
    }

    #[test]
    fn missing_profile_hint_lists_paths() {
        let s = settings(r#"{"authType":"credentials","profile":"prod"}"#);
        let files = FileFacts {
            files: vec![
                FileFact {
                    path: "/h/.aws/credentials".into(),
                    exists: true,
                    mode: Some(0o600),
                },
                FileFact {
                    path: "/h/.aws/config".into(),
                    exists: false,
                    mode: None,
                },
            ],
        };
        let o = failure(
            Step::Credentials,
            Some(&s),
            &aws(None, "profile not found"),
            &files,
        );
        assert!(o.message.contains("Looked for profile [prod] in /h/.aws/credentials (found) and /h/.aws/config (missing)"), "{}", o.message);
    }

    #[test]
    fn external_id_hint() {
        let s =
            settings(r#"{"authType":"keys","assumeRoleArn":"arn:aws:iam::123456789012:role/R"}"#);
        let o = failure(
            Step::Credentials,
            Some(&s),
            &aws(Some("AccessDenied"), "denied"),
            &FileFacts { files: vec![] },
        );
        assert!(o.message.contains("External ID"), "{}", o.message);
    }

    #[test]
    fn imds_hint_and_explained_sources() {
        let s = settings(r#"{"authType":"ec2_iam_role"}"#);
        let o = failure(
            Step::Credentials,
            Some(&s),
            &aws(None, "timeout"),
            &FileFacts { files: vec![] },
        );
        assert!(
            o.message.contains("instance metadata service (IMDSv2)"),
            "{}",
            o.message
        );
        // The default chain claims nothing of its own: the source that failed explains
        // itself, and its fix is the hint.
        let s = settings(r#"{"authType":"default"}"#);
        let o = failure(
            Step::Credentials,
            Some(&s),
            &aws(None, "credential_process exited with 1"),
            &FileFacts { files: vec![] },
        );
        assert_eq!(
            o.message,
            "resolving credentials failed: credential_process exited with 1"
        );
        let mut explained = aws(
            None,
            "IAM Identity Center (SSO) profile [dev] is not signed in.",
        );
        explained.fix = Some("Sign in again: aws sso login --sso-session corp.".into());
        let o = failure(
            Step::Credentials,
            Some(&s),
            &explained,
            &FileFacts::default(),
        );
        assert!(
            o.message
                .ends_with("not signed in. Hint: Sign in again: aws sso login --sso-session corp."),
            "{}",
            o.message
        );
        assert_eq!(
            o.details["hint"],
            "Sign in again: aws sso login --sso-session corp."
        );
    }

    #[test]
    fn a_timeout_while_resolving_credentials_points_at_the_endpoints() {
        let s = settings(r#"{"authType":"default"}"#);
        let mut p = aws(None, "did not finish within 10s");
        p.timed_out = true;
        let o = failure(Step::Credentials, Some(&s), &p, &FileFacts::default());
        assert!(
            o.message.contains("did not answer in time"),
            "{}",
            o.message
        );
        assert!(!o.message.contains("found no credentials"), "{}", o.message);
    }

    #[test]
    fn failures_are_scrubbed() {
        let s = settings(r#"{"authType":"keys"}"#);
        let o = failure(
            Step::Sts,
            Some(&s),
            &aws(None, "echo SECRET-CANARY"),
            &FileFacts { files: vec![] },
        );
        assert!(!o.message.contains("SECRET-CANARY"));
        assert!(!o.details.to_string().contains("SECRET-CANARY"));
    }
}
