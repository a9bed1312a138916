//! Cross-account observability: the monitoring account and the source accounts linked to its
//! sink, from CloudWatch Observability Access Manager (ListSinks, ListAttachedLinks).

use aws_sdk_oam::types::{ListAttachedLinksItem, ListSinksItem};
use serde_json::{json, Value};

use crate::aws::failure::{describe, AwsFailure};
use crate::aws::session::AwsSession;
use crate::config::names::Region;
use crate::observability::meters::metered;

/// An account whose metrics the data source can query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// The sink's or link's ARN.
    pub arn: String,
    /// The sink's name, or the link's label (often the account's name).
    pub label: String,
    /// Whether this is the monitoring account itself.
    pub is_monitoring_account: bool,
}

impl Account {
    /// Grafana's `accounts` resource item.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "arn": self.arn,
            "label": self.label,
            "isMonitoringAccount": self.is_monitoring_account,
        })
    }
}

/// The account of an ARN (`arn:aws:oam:REGION:ACCOUNT:...`).
fn account_of(arn: &str) -> String {
    arn.split(':').nth(4).unwrap_or_default().to_string()
}

/// The monitoring account (the first sink) followed by its linked source accounts; none when
/// the account has no sink, i.e. is not a monitoring account.
pub fn accounts(sinks: &[ListSinksItem], links: &[ListAttachedLinksItem]) -> Vec<Account> {
    let Some(sink) = sinks.first() else {
        return Vec::new();
    };
    let sink_arn = sink.arn().unwrap_or_default();
    let monitoring = Account {
        id: account_of(sink_arn),
        arn: sink_arn.to_string(),
        label: sink.name().unwrap_or_default().to_string(),
        is_monitoring_account: true,
    };
    std::iter::once(monitoring)
        .chain(links.iter().map(|l| {
            let arn = l.link_arn().unwrap_or_default();
            Account {
                id: account_of(arn),
                arn: arn.to_string(),
                label: l.label().unwrap_or_default().to_string(),
                is_monitoring_account: false,
            }
        }))
        .collect()
}

/// The region's sinks, then the links attached to the first one (all pages of each).
pub async fn list_accounts(
    session: &AwsSession,
    region: &Region,
) -> Result<Vec<Account>, AwsFailure> {
    let client = session.oam(region);
    let mut sinks = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let call = client.list_sinks().set_next_token(token.take()).send();
        let out = metered("oam", "ListSinks", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe(&e))
        })
        .await?;
        sinks.extend(out.items().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let Some(sink_arn) = sinks.first().and_then(|s| s.arn()).map(str::to_string) else {
        return Ok(Vec::new());
    };
    let mut links = Vec::new();
    loop {
        let call = client
            .list_attached_links()
            .sink_identifier(&sink_arn)
            .set_next_token(token.take())
            .send();
        let out = metered("oam", "ListAttachedLinks", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe(&e))
        })
        .await?;
        links.extend(out.items().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(accounts(&sinks, &links))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::recorded;

    #[tokio::test]
    async fn recorded_sinks_and_links_become_grafanas_accounts() {
        let sinks = recorded::oam(include_str!("testdata/list_sinks.json"))
            .list_sinks()
            .send()
            .await
            .unwrap();
        let links = recorded::oam(include_str!("testdata/list_attached_links.json"))
            .list_attached_links()
            .sink_identifier("s")
            .send()
            .await
            .unwrap();
        let found = accounts(sinks.items(), links.items());
        let json: Vec<Value> = found.iter().map(Account::to_json).collect();
        assert_eq!(
            json,
            vec![
                json!({"id": "111122223333", "arn": "arn:aws:oam:us-east-1:111122223333:sink/f3c5a8e1-2b4d-4e6f-8a9b-0c1d2e3f4a5b", "label": "monitoring", "isMonitoringAccount": true}),
                json!({"id": "444455556666", "arn": "arn:aws:oam:us-east-1:444455556666:link/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "label": "payments-prod", "isMonitoringAccount": false}),
                json!({"id": "777788889999", "arn": "arn:aws:oam:us-east-1:777788889999:link/9f8e7d6c-5b4a-3c2d-1e0f-a9b8c7d6e5f4", "label": "search-prod", "isMonitoringAccount": false}),
            ]
        );
        assert!(accounts(&[], links.items()).is_empty());
    }
}
