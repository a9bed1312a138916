//! Alarm annotations: `queryMode: "Annotations"` queries answered with the history of the
//! matching CloudWatch alarms over the panel's range, one frame per query.

pub mod alarms;
pub mod execute;
pub mod history;
pub mod query;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::aws::failure::AwsFailure;
use crate::aws::session::AwsSession;
use crate::query::{Answer, Failure, Query};

use alarms::Narrowing;
use query::{Alarms, AnnotationQuery};

/// The names of the alarms an annotation query shows.
async fn alarm_names(
    session: &AwsSession,
    region: &crate::config::names::Region,
    aq: &AnnotationQuery,
) -> Result<BTreeSet<String>, AwsFailure> {
    match &aq.alarms {
        Alarms::ForMetric {
            namespace,
            metric_name,
        } => {
            // Every value of a dimension is one Dimension entry, as Grafana sends them.
            let dimensions: Vec<(String, String)> = aq
                .dimensions
                .iter()
                .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
                .collect();
            execute::alarms_for_metric(
                session,
                region,
                namespace,
                metric_name,
                &dimensions,
                &aq.statistics,
                aq.period,
            )
            .await
        }
        Alarms::ByPrefix {
            action_prefix,
            alarm_name_prefix,
            namespace,
            metric_name,
        } => {
            let found = execute::alarms_by_prefix(
                session,
                region,
                action_prefix.as_deref(),
                alarm_name_prefix.as_deref(),
            )
            .await?;
            let narrowing = Narrowing {
                namespace: namespace.as_deref(),
                metric_name: metric_name.as_deref(),
                dimensions: &aq.dimensions,
                statistics: &aq.statistics,
                period: aq.period,
            };
            Ok(alarms::matching(&found, &narrowing).into_iter().collect())
        }
    }
}

/// Answers one annotation query.
async fn answer(session: &AwsSession, q: &Query, model: &Map<String, Value>) -> Answer {
    let aq = query::parse(model)?;
    let region = aq.region.resolve(&session.default_region);
    let names = alarm_names(session, &region, &aq).await.map_err(|f| {
        let operation = match aq.alarms {
            Alarms::ForMetric { .. } => "CloudWatch DescribeAlarmsForMetric",
            Alarms::ByPrefix { .. } => "CloudWatch DescribeAlarms",
        };
        f.report(operation, &session.settings)
    })?;
    let items = if names.is_empty() {
        Vec::new()
    } else {
        execute::history(session, &region, &names, q.from_ms, q.to_ms)
            .await
            .map_err(|f| f.report("CloudWatch DescribeAlarmHistory", &session.settings))?
    };
    let bytes = history::frame(&q.ref_id, items, &names)
        .to_arrow()
        .map_err(|e| {
            Failure::plugin(format!(
                "Could not encode the annotations of {}: {e}",
                q.ref_id
            ))
        })?;
    Ok(vec![bytes])
}

/// Answers a request's annotation queries (their models already parsed), each on its own.
pub async fn run(
    session: &AwsSession,
    queries: Vec<(Query, Map<String, Value>)>,
) -> Vec<(String, Answer)> {
    let answers = queries.into_iter().map(|(q, model)| {
        // Boxed: the SDK calls' futures are large (see the variables' note).
        Box::pin(async move {
            let a = answer(session, &q, &model).await;
            (q.ref_id, a)
        })
    });
    futures::future::join_all(answers).await
}
