//! Resource Groups Tagging API lookups: the ARNs of the resources of a type with tags.

use aws_sdk_resourcegroupstagging::types::TagFilter;

use crate::aws::failure::{describe, AwsFailure};
use crate::aws::session::AwsSession;
use crate::config::names::Region;
use crate::observability::meters::metered;

use super::request::Filters;

/// The ARNs of `resource_type` resources carrying `tags` (a tag without values: any value),
/// all pages, sorted.
pub async fn resource_arns(
    session: &AwsSession,
    region: &Region,
    resource_type: &str,
    tags: &Filters,
) -> Result<Vec<String>, AwsFailure> {
    let client = session.tagging(region);
    let filters: Vec<TagFilter> = tags
        .iter()
        .map(|(key, values)| {
            TagFilter::builder()
                .key(key)
                .set_values((!values.is_empty()).then(|| values.clone()))
                .build()
        })
        .collect();
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let call = client
            .get_resources()
            .resource_type_filters(resource_type)
            .set_tag_filters((!filters.is_empty()).then(|| filters.clone()))
            .set_pagination_token(token.take())
            .send();
        let out = metered("tagging", "GetResources", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe(&e))
        })
        .await?;
        arns.extend(
            out.resource_tag_mapping_list()
                .iter()
                .filter_map(|m| m.resource_arn().map(str::to_string)),
        );
        match out.pagination_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    arns.sort();
    arns.dedup();
    Ok(arns)
}
