//! The health check: who the credentials resolve to (STS GetCallerIdentity) and whether
//! CloudWatch answers in the default region, with a hint for the common failures.

use std::path::PathBuf;
use std::time::SystemTime;

use serde_json::{json, Value};

use crate::auth::{self, AwsSession};
use crate::errors::{self, AwsFailure};
use crate::metrics::metered;
use crate::settings::{AuthType, Settings};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// The credentials file and the config file.
    pub files: Vec<FileFact>,
}

impl FileFacts {
    /// Looks at the files the SDK reads: `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`,
    /// else `~/.aws/credentials` and `~/.aws/config` under the Grafana server user's HOME.
    pub fn gather() -> FileFacts {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let pick = |var: &str, default: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".aws").join(default))
        };
        let files = [
            pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
            pick("AWS_CONFIG_FILE", "config"),
        ]
        .into_iter()
        .map(|path| {
            let meta = std::fs::metadata(&path).ok().filter(|m| m.is_file());
            FileFact {
                exists: meta.is_some(),
                mode: meta
                    .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o7777),
                path,
            }
        })
        .collect();
        FileFacts { files }
    }
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

fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    aws_smithy_types::DateTime::from_secs(secs)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// The success message and details.
pub fn success(session: &AwsSession, identity: &Identity) -> Outcome {
    let s = &session.settings;
    let mut message = format!(
        "Authenticated as {} (account {}) via {}",
        identity.arn,
        identity.account,
        s.auth_type.label()
    );
    if let Some(arn) = &s.assume_role_arn {
        message.push_str(&format!(", assumed {}", arn.as_str()));
    }
    message.push_str(&format!(
        "; CloudWatch reachable in {}",
        session.default_region
    ));
    let creds = session.credential_log.last();
    let details = json!({
        "status": "ok",
        "arn": identity.arn,
        "account": identity.account,
        "authType": s.auth_type.key(),
        "authProvider": s.auth_type.label(),
        "assumedRole": s.assume_role_arn.as_ref().map(|a| a.as_str()),
        "region": session.default_region.as_str(),
        "credentialsSource": creds.source,
        "credentialsExpiry": creds.expiry.map(rfc3339),
    });
    Outcome {
        ok: true,
        message,
        details,
    }
}

/// The hint for a failure, when one of the common causes fits.
pub fn hint(
    step: Step,
    settings: Option<&Settings>,
    failure: &AwsFailure,
    files: &FileFacts,
) -> Option<String> {
    let auth = settings.map(|s| s.auth_type);
    let assuming = settings.and_then(|s| s.assume_role_arn.as_ref());
    let code = failure.code.as_deref().unwrap_or("");
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
            assuming.map(|a| a.as_str()).unwrap_or_default()
        ),
        (Step::CloudWatch, "AccessDenied" | "AccessDeniedException") => {
            "The identity may not read CloudWatch. Attach a policy allowing cloudwatch:ListMetrics and cloudwatch:GetMetricData.".to_string()
        }
        (Step::Credentials, _) => match auth? {
            AuthType::Credentials => {
                let profile = settings.map(Settings::profile_name).unwrap_or("default");
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
            AuthType::Ec2IamRole => "The EC2 instance metadata service (IMDSv2) did not answer. Workspace IAM Role only works on EC2 with an instance profile; in a container, raise the instance's metadata hop limit to 2.".to_string(),
            AuthType::Default => "The AWS SDK default chain found no credentials. Provide them through AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE with a shared credentials file, a web identity token (IRSA), container credentials, or an EC2 instance profile, in the environment of the Grafana server.".to_string(),
            _ => return None,
        },
        _ => return None,
    };
    Some(text)
}

/// The failure message and details.
pub fn failure(
    step: Step,
    settings: Option<&Settings>,
    failure: &AwsFailure,
    files: &FileFacts,
) -> Outcome {
    let hint = hint(step, settings, failure, files);
    let mut message = format!("{} failed", step.name());
    if let Some(code) = &failure.code {
        message.push_str(&format!(" ({code})"));
    }
    message.push_str(&format!(": {}", failure.message));
    if let Some(h) = &hint {
        message.push_str(&format!(" Hint: {h}"));
    }
    let message = errors::scrub(&message, settings);
    let details = json!({
        "status": "error",
        "step": step.name(),
        "code": failure.code,
        "httpStatus": failure.status,
        "message": errors::scrub(&failure.message, settings),
        "hint": hint,
        "authType": settings.map(|s| s.auth_type.key()),
    });
    Outcome {
        ok: false,
        message,
        details,
    }
}

/// A failure that needs no AWS error: policy, settings or setup.
pub fn local_failure(step: Step, settings: Option<&Settings>, message: String) -> Outcome {
    failure(
        step,
        settings,
        &AwsFailure {
            code: None,
            message,
            status: None,
        },
        &FileFacts { files: Vec::new() },
    )
}

/// Runs the AWS steps of the health check for a session.
pub async fn check(session: &AwsSession) -> Outcome {
    let settings = Some(&session.settings);
    let call = session.sts().get_caller_identity().send();
    let identity = metered(
        "sts",
        "GetCallerIdentity",
        |e: &(Step, AwsFailure)| errors::code(&e.1),
        async {
            call.await
                .map_err(|err| match auth::credentials_error(&err) {
                    Some(c) => (Step::Credentials, errors::from_credentials(c)),
                    None => (Step::Sts, errors::from_sdk(&err)),
                })
        },
    )
    .await;
    let who = match identity {
        Ok(out) => Identity {
            arn: out.arn().unwrap_or_default().to_string(),
            account: out.account().unwrap_or_default().to_string(),
        },
        Err((step, fail)) => return failure(step, settings, &fail, &FileFacts::gather()),
    };
    // One cheap page, the same probe Grafana's own CloudWatch health check makes.
    let call = session
        .cloudwatch(&session.default_region)
        .list_metrics()
        .namespace("AWS/Billing")
        .metric_name("EstimatedCharges")
        .send();
    let probe = metered("monitoring", "ListMetrics", errors::code, async {
        call.await.map_err(|e| errors::from_sdk(&e))
    })
    .await;
    match probe {
        Ok(_) => success(session, &who),
        Err(fail) => failure(Step::CloudWatch, settings, &fail, &FileFacts::gather()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(json: &str) -> Settings {
        crate::settings::for_test(json, &[("accessKey", "AK"), ("secretKey", "SECRET-CANARY")])
    }

    fn aws(code: Option<&str>, message: &str) -> AwsFailure {
        AwsFailure {
            code: code.map(str::to_string),
            message: message.to_string(),
            status: Some(403),
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
    fn imds_and_default_hints() {
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
        let s = settings(r#"{"authType":"default"}"#);
        let o = failure(
            Step::Credentials,
            Some(&s),
            &aws(None, "none"),
            &FileFacts { files: vec![] },
        );
        assert!(
            o.message.contains("default chain found no credentials"),
            "{}",
            o.message
        );
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
