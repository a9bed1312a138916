//! Editor lookups (CallResource) with Grafana's paths, parameters and answer shapes: regions
//! and namespaces from the compiled-in catalogue, metrics and dimensions from it too for AWS's
//! own namespaces, and live lookups, cached, for everything else: ListMetrics walks, EC2,
//! tagging, linked accounts, log groups and their fields.

pub mod cache;
pub mod catalogue;
pub mod ec2;
pub mod logs;
pub mod lookups;
pub mod oam;
pub mod request;
pub mod tagging;

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

use http::StatusCode;
use serde_json::{json, Value};

use crate::aws::failure::AwsFailure;
use crate::aws::session::AwsSession;
use crate::config::names::Region;
use crate::config::policy::Policy;

use cache::{Key, LookupCache};
use catalogue::catalogue;
use request::{Collect, Filters, Lookup, RequestError, Route, Search};

/// A resource answer: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A 200 with a JSON body.
    pub fn ok(value: &Value) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: value.to_string().into_bytes(),
        }
    }

    /// An error with `{"error": message}`, the shape Grafana's editors show.
    pub fn error(status: StatusCode, message: &str) -> Reply {
        Reply {
            status,
            body: json!({ "error": message }).to_string().into_bytes(),
        }
    }
}

/// Grafana's answer shape: `[{"value": ...}, ...]`.
fn values_json(values: impl IntoIterator<Item = String>) -> Value {
    Value::Array(values.into_iter().map(|v| json!({ "value": v })).collect())
}

/// What the catalogue knows of a lookup, when it is an AWS namespace's metrics or keys.
fn from_catalogue(lookup: &Lookup) -> Option<Vec<String>> {
    let builtin = catalogue().namespaces.get(&lookup.namespace)?;
    match lookup.collect {
        Collect::MetricNames => Some(builtin.metrics.clone()),
        Collect::DimensionKeys if lookup.filters.is_empty() => Some(builtin.dimensions.clone()),
        _ => None,
    }
}

/// The lookups of editors and template variables, answered from the catalogue where it knows
/// and from AWS otherwise, cached per data source.
#[derive(Default)]
pub struct Lookups {
    cache: LookupCache,
    accounts: LookupCache<Vec<oam::Account>>,
    log_groups: LookupCache<Vec<logs::LogGroup>>,
    log_group_fields: LookupCache<Vec<(String, i32)>>,
    /// Data sources already told that DescribeRegions is denied.
    regions_denied: Mutex<HashSet<String>>,
}

impl Lookups {
    /// The account's regions (DescribeRegions) with the built-in list, sorted. When EC2 refuses
    /// to list them, the built-in list, and the log says so once per data source.
    pub async fn regions(&self, session: &AwsSession) -> Vec<String> {
        let uid = &session.settings.uid;
        let mut all: BTreeSet<String> = catalogue().regions.iter().cloned().collect();
        all.insert(session.default_region.as_str().to_string());
        match self
            .cache
            .get_or_fetch(uid, &Key::Regions, ec2::describe_regions(session))
            .await
        {
            Ok(found) => all.extend(found),
            Err(f) => {
                let first = self
                    .regions_denied
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(uid.clone());
                if first {
                    tracing::warn!(data_source = %uid, code = ?f.code, "EC2 DescribeRegions failed; listing the built-in regions instead (allow ec2:DescribeRegions to list the account's own)");
                }
            }
        }
        all.into_iter().collect()
    }

    /// AWS's namespaces and the data source's custom ones, sorted.
    pub fn namespaces(session: &AwsSession) -> Vec<String> {
        let mut all: BTreeSet<String> = catalogue().namespaces.keys().cloned().collect();
        all.extend(session.settings.custom_metrics_namespaces.iter().cloned());
        all.into_iter().collect()
    }

    /// Metric names, dimension keys or values: the catalogue's for AWS's namespaces, else a
    /// ListMetrics walk (at most the policy's page limit), cached.
    pub async fn metrics(
        &self,
        session: &AwsSession,
        policy: &Policy,
        lookup: Lookup,
    ) -> Result<Vec<String>, AwsFailure> {
        if let Some(values) = from_catalogue(&lookup) {
            return Ok(values);
        }
        let region = lookup
            .region
            .clone()
            .unwrap_or_else(|| session.default_region.clone());
        // Keyed by the region it runs in, so "default" and the default region's name share.
        let lookup = Lookup {
            region: Some(region.clone()),
            ..lookup
        };
        let values = self
            .cache
            .get_or_fetch(
                &session.settings.uid,
                &Key::Metrics(lookup.clone()),
                lookups::list_metrics(session, policy.list_metrics_page_limit, &region, &lookup),
            )
            .await?;
        // Keys already filtered on are not offered again.
        Ok(values
            .into_iter()
            .filter(|v| {
                lookup.collect != Collect::DimensionKeys
                    || !lookup.filters.iter().any(|(k, _)| k == v)
            })
            .collect())
    }

    /// An attribute of the EC2 instances matching `filters`, cached.
    pub async fn instance_attribute(
        &self,
        session: &AwsSession,
        region: &Region,
        attribute: &str,
        reader: ec2::Attribute<'_>,
        filters: &Filters,
    ) -> Result<Vec<String>, AwsFailure> {
        let key = Key::InstanceAttribute {
            region: region.clone(),
            attribute: attribute.to_string(),
            filters: filters.clone(),
        };
        self.cache
            .get_or_fetch(
                &session.settings.uid,
                &key,
                ec2::instance_attribute(session, region, reader, filters),
            )
            .await
    }

    /// The EBS volumes of instances, cached.
    pub async fn volumes(
        &self,
        session: &AwsSession,
        region: &Region,
        instance_ids: &[String],
    ) -> Result<Vec<String>, AwsFailure> {
        let key = Key::Volumes {
            region: region.clone(),
            instance_ids: instance_ids.to_vec(),
        };
        self.cache
            .get_or_fetch(
                &session.settings.uid,
                &key,
                ec2::volumes(session, region, instance_ids),
            )
            .await
    }

    /// The monitoring account and its linked source accounts (none outside a monitoring
    /// account), cached.
    pub async fn accounts(
        &self,
        session: &AwsSession,
        region: &Region,
    ) -> Result<Vec<oam::Account>, AwsFailure> {
        let key = Key::Accounts {
            region: region.clone(),
        };
        self.accounts
            .get_or_fetch(
                &session.settings.uid,
                &key,
                oam::list_accounts(session, region),
            )
            .await
    }

    /// Log groups matching a search, cached.
    pub async fn log_groups(
        &self,
        session: &AwsSession,
        region: &Region,
        search: &Search,
    ) -> Result<Vec<logs::LogGroup>, AwsFailure> {
        let key = Key::LogGroups {
            region: region.clone(),
            search: search.clone(),
        };
        self.log_groups
            .get_or_fetch(
                &session.settings.uid,
                &key,
                logs::describe_log_groups(session, region, search),
            )
            .await
    }

    /// The fields of a log group and how common each is, cached.
    pub async fn log_group_fields(
        &self,
        session: &AwsSession,
        region: &Region,
        group: &str,
    ) -> Result<Vec<(String, i32)>, AwsFailure> {
        let key = Key::LogGroupFields {
            region: region.clone(),
            group: group.to_string(),
        };
        self.log_group_fields
            .get_or_fetch(
                &session.settings.uid,
                &key,
                logs::fields(session, region, group),
            )
            .await
    }

    /// ARNs of the resources of a type with tags, cached.
    pub async fn resource_arns(
        &self,
        session: &AwsSession,
        region: &Region,
        resource_type: &str,
        tags: &Filters,
    ) -> Result<Vec<String>, AwsFailure> {
        let key = Key::ResourceArns {
            region: region.clone(),
            resource_type: resource_type.to_string(),
            tags: tags.clone(),
        };
        self.cache
            .get_or_fetch(
                &session.settings.uid,
                &key,
                tagging::resource_arns(session, region, resource_type, tags),
            )
            .await
    }
}

/// Answers one CallResource request for a data source whose policy check passed.
pub async fn handle(
    lookups: &Lookups,
    session: &AwsSession,
    policy: &Policy,
    method: &str,
    path: &str,
    url: &str,
) -> Reply {
    match request::parse(method, path, url) {
        Ok(Route::Regions) => {
            let regions = lookups.regions(session).await;
            Reply::ok(&values_json(
                std::iter::once("default".to_string()).chain(regions),
            ))
        }
        Ok(Route::Namespaces) => Reply::ok(&values_json(Lookups::namespaces(session))),
        Ok(Route::Lookup(l)) => match lookups.metrics(session, policy, l).await {
            Ok(values) => Reply::ok(&values_json(values)),
            Err(f) => {
                let failure = f.report("CloudWatch ListMetrics", &session.settings);
                Reply::error(failure.status, &failure.message)
            }
        },
        Ok(Route::Accounts(region)) => {
            let region = region.unwrap_or_else(|| session.default_region.clone());
            match lookups.accounts(session, &region).await {
                Ok(accounts) => Reply::ok(&Value::Array(
                    accounts
                        .iter()
                        .map(|a| json!({ "value": a.to_json() }))
                        .collect(),
                )),
                Err(f) => {
                    let failure = f.report("OAM ListSinks/ListAttachedLinks", &session.settings);
                    Reply::error(failure.status, &failure.message)
                }
            }
        }
        Ok(Route::LogGroups(region, search)) => {
            let region = region.unwrap_or_else(|| session.default_region.clone());
            match lookups.log_groups(session, &region, &search).await {
                Ok(groups) => Reply::ok(&Value::Array(
                    groups.iter().map(logs::LogGroup::to_json).collect(),
                )),
                Err(f) => {
                    let failure = f.report("CloudWatch Logs DescribeLogGroups", &session.settings);
                    Reply::error(failure.status, &failure.message)
                }
            }
        }
        Ok(Route::LogGroupFields(region, group)) => {
            let region = region.unwrap_or_else(|| session.default_region.clone());
            match lookups.log_group_fields(session, &region, &group).await {
                Ok(fields) => Reply::ok(&Value::Array(
                    fields
                        .iter()
                        .map(|(name, percent)| json!({ "value": { "name": name, "percent": percent } }))
                        .collect(),
                )),
                Err(f) => {
                    let failure = f.report("CloudWatch Logs GetLogGroupFields", &session.settings);
                    Reply::error(failure.status, &failure.message)
                }
            }
        }
        Err(RequestError::MethodNotAllowed(m)) => Reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("method {m} is not allowed; resources are read with GET"),
        ),
        Err(RequestError::NotFound(route)) => Reply::error(
            StatusCode::NOT_FOUND,
            &format!(
                "no resource named {route:?}; Stratus serves {}",
                request::ROUTES
            ),
        ),
        Err(RequestError::BadParameter(m)) => Reply::error(StatusCode::BAD_REQUEST, &m),
    }
}
