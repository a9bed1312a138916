//! Live lookups: a ListMetrics walk in one region, narrowed by namespace, metric and
//! dimensions, stopped at the server's page limit.

use std::collections::BTreeSet;

use aws_sdk_cloudwatch::types::{DimensionFilter, Metric};

use crate::aws::failure::{describe_cloudwatch, AwsFailure};
use crate::aws::session::AwsSession;
use crate::config::names::Region;
use crate::observability::meters::metered;

use super::request::{AccountScope, Collect, Lookup};

/// What one listed metric contributes to the lookup.
fn collect_from<'a>(m: &'a Metric, collect: &'a Collect) -> Box<dyn Iterator<Item = &'a str> + 'a> {
    match collect {
        Collect::MetricNames => Box::new(m.metric_name().into_iter()),
        Collect::DimensionKeys => Box::new(m.dimensions().iter().filter_map(|d| d.name())),
        Collect::DimensionValues(key) => Box::new(
            m.dimensions()
                .iter()
                .filter(move |d| d.name() == Some(key.as_str()))
                .filter_map(|d| d.value()),
        ),
    }
}

/// Walks ListMetrics for `lookup` in `region`, at most `page_limit` pages; the distinct
/// values, sorted.
pub async fn list_metrics(
    session: &AwsSession,
    page_limit: u32,
    region: &Region,
    lookup: &Lookup,
) -> Result<Vec<String>, AwsFailure> {
    let client = session.cloudwatch(region);
    let mut found = BTreeSet::new();
    let mut token: Option<String> = None;
    for _ in 0..page_limit {
        let mut req = client
            .list_metrics()
            .namespace(&lookup.namespace)
            .set_metric_name(lookup.metric_name.clone())
            .set_next_token(token.take());
        req = match &lookup.account {
            AccountScope::Own => req,
            AccountScope::AllLinked => req.include_linked_accounts(true),
            AccountScope::One(id) => req.include_linked_accounts(true).owning_account(id),
        };
        for (k, v) in &lookup.filters {
            req = req.dimensions(
                DimensionFilter::builder()
                    .name(k)
                    .set_value(v.clone())
                    .build(),
            );
        }
        if let Collect::DimensionValues(key) = &lookup.collect {
            // Only metrics that have the key carry values of it.
            if !lookup.filters.iter().any(|(k, _)| k == key) {
                req = req.dimensions(DimensionFilter::builder().name(key).build());
            }
        }
        let out = metered("monitoring", "ListMetrics", |f| f.call_outcome(), async {
            req.send().await.map_err(|e| describe_cloudwatch(&e))
        })
        .await?;
        for m in out.metrics() {
            found.extend(collect_from(m, &lookup.collect).map(str::to_string));
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(found.into_iter().collect())
}
