//! Between Grafana's protocol messages and the plugin's own types (pure): what a request says,
//! and how an answer is written back.

use std::collections::HashMap;
use std::time::Duration;

use super::pluginv2::{self, check_health_response::HealthStatus};
use crate::app::RequestContext;
use crate::config::settings::DataSourceInstance;
use crate::health;
use crate::query::{Answer, Query};
use crate::resources::Reply;

/// The request context of a PluginContext, taking its data source settings.
pub fn context(ctx: Option<pluginv2::PluginContext>) -> RequestContext {
    let ctx = ctx.unwrap_or_default();
    RequestContext {
        data_source: ctx
            .data_source_instance_settings
            .map(|ds| DataSourceInstance {
                uid: ds.uid,
                name: ds.name,
                database: ds.database,
                last_updated_ms: ds.last_updated_ms,
                json_data: ds.json_data,
                secure_json_data: ds.decrypted_secure_json_data,
            }),
        grafana_config: ctx.grafana_config,
        user_agent: ctx.user_agent,
        server_side: false,
    }
}

/// Whether a QueryData request comes from an alert rule (Grafana's `FromAlert` header) or a
/// server-side expression (`X-Grafana-From-Expr`, forwarded as an `http_` header), as
/// Grafana's CloudWatch tells them from a panel's request.
pub fn server_side(headers: &HashMap<String, String>) -> bool {
    headers.iter().any(|(k, v)| {
        k == "FromAlert"
            || (k
                .strip_prefix("http_")
                .is_some_and(|h| h.eq_ignore_ascii_case("X-Grafana-From-Expr"))
                && !v.is_empty())
    })
}

/// A DataQuery as the plugin's [`Query`]; a query without a time range has an empty one.
pub fn query(q: pluginv2::DataQuery) -> Query {
    let range = q.time_range.unwrap_or_default();
    Query {
        ref_id: q.ref_id,
        from_ms: range.from_epoch_ms,
        to_ms: range.to_epoch_ms,
        json: q.json,
    }
}

/// An answer as Grafana's DataResponse.
pub fn data_response(answer: Answer) -> pluginv2::DataResponse {
    match answer {
        Ok(frames) => pluginv2::DataResponse {
            frames,
            status: i32::from(http::StatusCode::OK.as_u16()),
            ..Default::default()
        },
        Err(f) => pluginv2::DataResponse {
            error: f.message,
            status: i32::from(f.status.as_u16()),
            error_source: f.source.as_str().to_string(),
            ..Default::default()
        },
    }
}

/// A query's answer as QueryChunkedData chunks: each frame one chunk whose frame id is sent
/// once (so it carries the whole frame), a failure one error chunk.
pub fn chunks(ref_id: String, answer: Answer) -> Vec<pluginv2::QueryChunkedDataResponse> {
    match answer {
        Err(f) => vec![pluginv2::QueryChunkedDataResponse {
            ref_id,
            error: f.message,
            status: i32::from(f.status.as_u16()),
            error_source: f.source.as_str().to_string(),
            ..Default::default()
        }],
        Ok(frames) => frames
            .into_iter()
            .enumerate()
            .map(|(i, frame)| pluginv2::QueryChunkedDataResponse {
                frame_id: format!("{ref_id}-{i}"),
                ref_id: ref_id.clone(),
                frame,
                status: i32::from(http::StatusCode::OK.as_u16()),
                ..Default::default()
            })
            .collect(),
    }
}

/// A health check outcome as CheckHealthResponse.
pub fn health_response(outcome: health::Outcome) -> pluginv2::CheckHealthResponse {
    pluginv2::CheckHealthResponse {
        status: if outcome.ok {
            HealthStatus::Ok
        } else {
            HealthStatus::Error
        } as i32,
        message: outcome.message,
        json_details: serde_json::to_vec(&outcome.details).unwrap_or_default(),
    }
}

/// A resource reply as the one CallResourceResponse of the stream.
pub fn resource_response(reply: Reply) -> pluginv2::CallResourceResponse {
    pluginv2::CallResourceResponse {
        code: i32::from(reply.status.as_u16()),
        headers: HashMap::from([(
            "Content-Type".to_string(),
            pluginv2::StringList {
                values: vec!["application/json".to_string()],
            },
        )]),
        body: reply.body,
    }
}

/// Reads gRPC's `grpc-timeout` header (`<digits><unit>`), Grafana's request deadline.
pub fn grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.checked_mul(3600)?),
        "M" => Duration::from_secs(n.checked_mul(60)?),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Failure;
    use http::StatusCode;

    // Mirrors grafana/grafana-cloudwatch-datasource pkg/cloudwatch/log_sync_query_test.go,
    // Test_executeSyncLogQuery "with header": the alert and expression headers make a
    // request server-side; none does not.
    #[test]
    fn with_header() {
        let h = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>()
        };
        assert!(server_side(&h(&[("FromAlert", "some value")])));
        assert!(server_side(&h(&[(
            "http_X-Grafana-From-Expr",
            "some value"
        )])));
        assert!(server_side(&h(&[("http_x-grafana-from-expr", "true")])));
        assert!(!server_side(&h(&[])));
        assert!(!server_side(&h(&[("http_X-Grafana-From-Expr", "")])));
        assert!(!server_side(&h(&[("X-Grafana-From-Expr", "true")])));
    }

    #[test]
    fn grpc_timeouts() {
        assert_eq!(grpc_timeout("30S"), Some(Duration::from_secs(30)));
        assert_eq!(grpc_timeout("1500m"), Some(Duration::from_millis(1500)));
        assert_eq!(grpc_timeout("2M"), Some(Duration::from_secs(120)));
        assert_eq!(grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(grpc_timeout("5x"), None);
        assert_eq!(grpc_timeout(""), None);
        assert_eq!(grpc_timeout("S"), None);
    }

    #[test]
    fn answers_become_responses_and_chunks() {
        let ok = data_response(Ok(vec![vec![1], vec![2]]));
        assert_eq!(
            (ok.status, ok.frames.len(), ok.error.as_str()),
            (200, 2, "")
        );
        assert_eq!(ok.error_source, "");
        let failed = data_response(Err(Failure::downstream(StatusCode::FORBIDDEN, "no")));
        assert_eq!(
            (
                failed.status,
                failed.error.as_str(),
                failed.error_source.as_str()
            ),
            (403, "no", "downstream")
        );
        let ours = data_response(Err(Failure::plugin("bug")));
        assert_eq!((ours.status, ours.error_source.as_str()), (500, "plugin"));
        let c = chunks("A".into(), Ok(vec![vec![1], vec![2]]));
        assert_eq!(
            c.iter().map(|c| c.frame_id.as_str()).collect::<Vec<_>>(),
            vec!["A-0", "A-1"]
        );
        let c = chunks("B".into(), Err(Failure::plugin("oops")));
        assert_eq!((c.len(), c[0].status, c[0].frame.len()), (1, 500, 0));
        assert_eq!(c[0].error_source, "plugin");
    }
}
