//! The lookup cache of the editors and template variables: what AWS answered is reused for a
//! while per data source, and identical lookups arriving together (panels and variables loading
//! at once) share one AWS call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::aws::failure::AwsFailure;
use crate::observability::meters;

use crate::config::names::Region;

use super::request::{Filters, Lookup, Search};

/// How long a live lookup is reused before AWS is asked again.
pub const LOOKUP_TTL: Duration = Duration::from_secs(300);

/// What a cached lookup asked AWS.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A ListMetrics walk.
    Metrics(Lookup),
    /// The account's regions (EC2 DescribeRegions).
    Regions,
    /// One attribute of the EC2 instances matching filters.
    InstanceAttribute {
        /// Where.
        region: Region,
        /// The attribute path.
        attribute: String,
        /// DescribeInstances filters.
        filters: Filters,
    },
    /// The EBS volumes attached to instances.
    Volumes {
        /// Where.
        region: Region,
        /// The instances.
        instance_ids: Vec<String>,
    },
    /// ARNs of the resources of a type with tags.
    ResourceArns {
        /// Where.
        region: Region,
        /// The resource type.
        resource_type: String,
        /// Tag filters.
        tags: Filters,
    },
    /// The monitoring account and its linked source accounts.
    Accounts {
        /// Where.
        region: Region,
    },
    /// Log groups matching a search.
    LogGroups {
        /// Where.
        region: Region,
        /// Which.
        search: Search,
    },
    /// The fields of a log group.
    LogGroupFields {
        /// Where.
        region: Region,
        /// The group's name or ARN.
        group: String,
    },
}

/// A live lookup: its values once fetched, shared by every request for it.
struct Cached<V> {
    at: Instant,
    cell: Arc<tokio::sync::OnceCell<V>>,
}

/// Per-data-source lookup cache, keyed by data source uid and what was asked; `V` is what a
/// lookup finds.
pub struct LookupCache<V = Vec<String>> {
    entries: Mutex<HashMap<(String, Key), Cached<V>>>,
}

impl<V> Default for LookupCache<V> {
    fn default() -> Self {
        LookupCache {
            entries: Mutex::default(),
        }
    }
}

impl<V: Clone> LookupCache<V> {
    /// The values of `key` for data source `uid`: cached ones while they are fresh, else what
    /// `fetch` finds (shared with identical lookups running at the same time).
    pub async fn get_or_fetch<F>(&self, uid: &str, key: &Key, fetch: F) -> Result<V, AwsFailure>
    where
        F: std::future::Future<Output = Result<V, AwsFailure>>,
    {
        let id = (uid.to_string(), key.clone());
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.retain(|_, c| c.at.elapsed() < LOOKUP_TTL);
            entries
                .entry(id.clone())
                .or_insert_with(|| Cached {
                    at: Instant::now(),
                    cell: Arc::default(),
                })
                .cell
                .clone()
        };
        let mut fetched = false;
        let result = cell
            .get_or_try_init(|| {
                fetched = true;
                Box::pin(fetch)
            })
            .await
            .cloned();
        meters::global().cache_lookup("lookups", !fetched);
        if result.is_err() {
            // A failure is not cached: the next request asks AWS again, with a fresh TTL.
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if entries
                .get(&id)
                .is_some_and(|c| Arc::ptr_eq(&c.cell, &cell))
            {
                entries.remove(&id);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::request::Collect;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn key(namespace: &str) -> Key {
        Key::Metrics(Lookup {
            region: None,
            namespace: namespace.into(),
            metric_name: None,
            filters: vec![],
            collect: Collect::MetricNames,
            account: Default::default(),
        })
    }

    async fn counted(
        calls: &AtomicU32,
        result: Result<Vec<String>, AwsFailure>,
    ) -> Result<Vec<String>, AwsFailure> {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        result
    }

    #[tokio::test]
    async fn identical_lookups_together_fetch_once() {
        let cache: LookupCache = LookupCache::default();
        let calls = AtomicU32::new(0);
        let k = key("k");
        let lookups =
            (0..10).map(|_| cache.get_or_fetch("ds", &k, counted(&calls, Ok(vec!["v".into()]))));
        for r in futures::future::join_all(lookups).await {
            assert_eq!(r.unwrap(), vec!["v".to_string()]);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Another data source, or another lookup, is fetched on its own.
        cache
            .get_or_fetch("other", &key("k"), counted(&calls, Ok(vec![])))
            .await
            .unwrap();
        cache
            .get_or_fetch("ds", &key("k2"), counted(&calls, Ok(vec![])))
            .await
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_failed_lookup_is_not_cached() {
        let cache: LookupCache = LookupCache::default();
        let calls = AtomicU32::new(0);
        let failure = AwsFailure {
            code: Some("Throttling".into()),
            message: "Rate exceeded".into(),
            answer: Ok(http::StatusCode::BAD_REQUEST),
            fix: None,
        };
        let err = cache
            .get_or_fetch("ds", &key("k"), counted(&calls, Err(failure)))
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("Throttling"));
        let ok = cache
            .get_or_fetch("ds", &key("k"), counted(&calls, Ok(vec!["v".into()])))
            .await;
        assert_eq!(ok.unwrap(), vec!["v".to_string()]);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
