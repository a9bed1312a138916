//! The health check's calls: STS GetCallerIdentity (who the credentials belong to), then one
//! ListMetrics page in the default region (whether CloudWatch answers) and one log group
//! (whether CloudWatch Logs answers), as Grafana's own CloudWatch health check probes.

use std::path::PathBuf;

use crate::aws::failure::{
    credentials_error, describe_cloudwatch, from_credentials, from_sdk, AwsFailure,
};
use crate::aws::session::AwsSession;
use crate::observability::meters::metered;

use super::message::{
    failure, logs_failure, success, with_network, FileFact, FileFacts, Identity, Outcome, Problem,
    Step,
};

/// Looks at the files the SDK reads: `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`, else
/// `~/.aws/credentials` and `~/.aws/config` under the Grafana server user's HOME.
pub fn shared_files() -> FileFacts {
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
            mode: meta.map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o7777),
            path,
        }
    })
    .collect();
    FileFacts { files }
}

/// Runs the AWS steps of the health check for a session.
pub async fn check(session: &AwsSession) -> Outcome {
    let settings = Some(&session.settings);
    let call = session.sts().get_caller_identity().send();
    let identity = metered(
        "sts",
        "GetCallerIdentity",
        |e: &(Step, AwsFailure)| e.1.call_outcome(),
        async {
            call.await.map_err(|err| match credentials_error(&err) {
                Some(c) => (Step::Credentials, from_credentials(c)),
                None => (Step::Sts, from_sdk(&err)),
            })
        },
    )
    .await;
    let who = match identity {
        Ok(out) => Identity {
            arn: out.arn().unwrap_or_default().to_string(),
            account: out.account().unwrap_or_default().to_string(),
        },
        Err((step, fail)) => {
            let mut outcome = failure(step, settings, &Problem::from(&fail), &shared_files());
            if step == Step::Credentials {
                outcome.details["credentialsSource"] = session.credential_source.name().into();
            }
            return with_network(outcome, session);
        }
    };
    // One cheap page, the same probe Grafana's own CloudWatch health check makes.
    let call = session
        .cloudwatch(&session.default_region)
        .list_metrics()
        .namespace("AWS/Billing")
        .metric_name("EstimatedCharges")
        .send();
    let probe = metered("monitoring", "ListMetrics", |f| f.call_outcome(), async {
        call.await.map_err(|e| describe_cloudwatch(&e))
    })
    .await;
    if let Err(fail) = probe {
        return with_network(
            failure(
                Step::CloudWatch,
                settings,
                &Problem::from(&fail),
                &shared_files(),
            ),
            session,
        );
    }
    let call = session
        .logs(&session.default_region)
        .describe_log_groups()
        .limit(1)
        .send();
    let logs = metered("logs", "DescribeLogGroups", |f| f.call_outcome(), async {
        call.await.map_err(|e| from_sdk(&e))
    })
    .await;
    match logs {
        Ok(_) => success(session, &who),
        Err(fail) => with_network(
            logs_failure(session, &who, &Problem::from(&fail), &shared_files()),
            session,
        ),
    }
}
