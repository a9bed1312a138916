//! Log group lookups for the Logs editor and the `logGroups` variable: DescribeLogGroups (by
//! name prefix or pattern, in linked accounts too, every page up to a limit) and
//! GetLogGroupFields.

use aws_sdk_cloudwatchlogs::types::LogGroup as SdkLogGroup;
use serde_json::{json, Value};

use crate::aws::failure::{describe, AwsFailure};
use crate::aws::session::AwsSession;
use crate::config::names::Region;
use crate::observability::meters::metered;

use super::request::{AccountScope, NameMatch, Search};

/// The most log groups one DescribeLogGroups page holds.
const PAGE: usize = 50;

/// A log group the editor can choose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogGroup {
    /// Its name.
    pub name: String,
    /// Its ARN as AWS lists it (ending in `:*`), which queries take.
    pub arn: String,
    /// The account it belongs to, from the ARN.
    pub account_id: String,
}

impl LogGroup {
    /// What Stratus reads of an SDK log group; `None` without a name.
    pub fn from_sdk(g: &SdkLogGroup) -> Option<LogGroup> {
        let name = g.log_group_name()?.to_string();
        let arn = g.arn().unwrap_or_default().to_string();
        Some(LogGroup {
            account_id: arn.split(':').nth(4).unwrap_or_default().to_string(),
            name,
            arn,
        })
    }

    /// Grafana's `log-groups` resource item.
    pub fn to_json(&self) -> Value {
        json!({
            "value": { "arn": self.arn, "name": self.name },
            "accountId": self.account_id,
        })
    }
}

/// Log groups matching `search`, page after page up to its limit, sorted by name.
pub async fn describe_log_groups(
    session: &AwsSession,
    region: &Region,
    search: &Search,
) -> Result<Vec<LogGroup>, AwsFailure> {
    let client = session.logs(region);
    let (prefix, pattern) = match &search.name {
        NameMatch::Any => (None, None),
        NameMatch::Prefix(p) => (Some(p.clone()), None),
        NameMatch::Pattern(p) => (None, Some(p.clone())),
    };
    let (linked, accounts) = match &search.account {
        AccountScope::Own => (None, None),
        AccountScope::AllLinked => (Some(true), None),
        AccountScope::One(id) => (Some(true), Some(vec![id.clone()])),
    };
    let mut groups = Vec::new();
    let mut token: Option<String> = None;
    while groups.len() < search.limit {
        let page = (search.limit - groups.len()).min(PAGE) as i32;
        let call = client
            .describe_log_groups()
            .set_log_group_name_prefix(prefix.clone())
            .set_log_group_name_pattern(pattern.clone())
            .set_include_linked_accounts(linked)
            .set_account_identifiers(accounts.clone())
            .limit(page)
            .set_next_token(token.take())
            .send();
        let out = metered("logs", "DescribeLogGroups", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe(&e))
        })
        .await?;
        groups.extend(out.log_groups().iter().filter_map(LogGroup::from_sdk));
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    groups.truncate(search.limit);
    groups.sort();
    Ok(groups)
}

/// The fields found in a log group's events, with the share of events that have each
/// (GetLogGroupFields); `group` is a name or an ARN.
pub async fn fields(
    session: &AwsSession,
    region: &Region,
    group: &str,
) -> Result<Vec<(String, i32)>, AwsFailure> {
    let request = session.logs(region).get_log_group_fields();
    // ARNs name groups of linked accounts too; GetLogGroupFields takes them without `:*`.
    let request = if group.starts_with("arn:") {
        request.log_group_identifier(group.trim_end_matches('*').trim_end_matches(':'))
    } else {
        request.log_group_name(group)
    };
    let call = request.send();
    let out = metered("logs", "GetLogGroupFields", |f| f.call_outcome(), async {
        call.await.map_err(|e| describe(&e))
    })
    .await?;
    let mut fields: Vec<(String, i32)> = out
        .log_group_fields()
        .iter()
        .filter_map(|f| Some((f.name()?.to_string(), f.percent())))
        .collect();
    // The most common first, as the editor offers them.
    fields.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_group_as_grafana_lists_it() {
        let g = SdkLogGroup::builder()
            .log_group_name("/app/web")
            .arn("arn:aws:logs:us-east-1:111122223333:log-group:/app/web:*")
            .build();
        let lg = LogGroup::from_sdk(&g).unwrap();
        assert_eq!(lg.account_id, "111122223333");
        assert_eq!(
            lg.to_json(),
            json!({"value": {"arn": "arn:aws:logs:us-east-1:111122223333:log-group:/app/web:*", "name": "/app/web"}, "accountId": "111122223333"})
        );
        assert!(LogGroup::from_sdk(&SdkLogGroup::builder().build()).is_none());
    }
}
