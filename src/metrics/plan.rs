//! Query planning (pure): periods, the GetMetricData entry each query becomes, and the
//! grouping of queries into as few GetMetricData calls as AWS allows.

use std::collections::{BTreeMap, HashMap};

use crate::config::names::Region;
use crate::query::QueryError;

use super::labels;
use super::query::{Account, MetricQuery, Mode, Period, Statistic};
use super::search::{
    is_wildcard, needs_search, search_expression, search_string_len, MAX_SEARCH_STRING,
};

/// AWS's limit on queries in one GetMetricData call.
pub const MAX_QUERIES_PER_CALL: usize = 500;

/// A parsed query with the time range Grafana sent for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedQuery {
    /// The parsed query.
    pub query: MetricQuery,
    /// Range start, ms since the epoch.
    pub from_ms: i64,
    /// Range end, ms since the epoch.
    pub to_ms: i64,
}

/// What one GetMetricData entry asks for, by Grafana's API mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// Exactly one metric: a builder query with one value per dimension and exact match.
    MetricStat {
        /// The namespace.
        namespace: String,
        /// The metric.
        metric_name: String,
        /// Dimensions, one value each, sorted by key.
        dimensions: Vec<(String, String)>,
        /// The statistic as CloudWatch names it.
        stat: String,
        /// The source account (cross-account observability).
        account_id: Option<String>,
    },
    /// The SEARCH a builder query becomes when it may match several series; its period is
    /// inside it, and no other is sent.
    Search(String),
    /// Metric math, or a SEARCH written in the code editor.
    Math(String),
    /// Metrics Insights SQL.
    Sql(String),
}

impl Spec {
    /// The expression sent, when the entry is one.
    pub fn expression(&self) -> Option<&str> {
        match self {
            Spec::MetricStat { .. } => None,
            Spec::Search(e) | Spec::Math(e) | Spec::Sql(e) => Some(e),
        }
    }
}

/// How a series' labels are read, as Grafana reads them for each kind of query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesLabels {
    /// Code mode: `Series` only.
    Raw,
    /// Builder: each dimension, a single value as given, the others from the label's parts
    /// (in key order, as [`labels::request`] asked for them).
    Builder(BTreeMap<String, Vec<String>>),
    /// Metrics Insights: `Series` is the whole label; each dimension (its GROUP BY keys open)
    /// is matched in it.
    Insights(BTreeMap<String, Vec<String>>),
}

/// One query as it goes to AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedQuery {
    /// Grafana's refId.
    pub ref_id: String,
    /// The GetMetricData id.
    pub id: String,
    /// The entry's metric or expression.
    pub spec: Spec,
    /// Period in seconds.
    pub period: i32,
    /// The label sent to AWS (the user's label, plus dimension placeholders for a search).
    pub label: Option<String>,
    /// The user's label, for the console link.
    pub user_label: Option<String>,
    /// The series' display name when the user's label is static (no `${...}`).
    pub display: Option<String>,
    /// How the series' labels are read.
    pub series_labels: SeriesLabels,
    /// Whether AWS returns data for it (hidden queries only feed math).
    pub return_data: bool,
    /// The dashboard's UTC offset, for `LabelOptions.Timezone`.
    pub timezone: Option<String>,
}

/// Queries that share one GetMetricData call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Region of the call.
    pub region: Region,
    /// StartTime, ms since the epoch.
    pub start_ms: i64,
    /// The end of the panel's time range, ms since the epoch.
    pub to_ms: i64,
    /// EndTime: exclusive at AWS, so the range's end truncated to the minute and one more
    /// minute, as Grafana sends it; ms since the epoch.
    pub end_ms: i64,
    /// At most [`MAX_QUERIES_PER_CALL`] queries.
    pub queries: Vec<PlannedQuery>,
}

impl Batch {
    /// The call's `LabelOptions.Timezone`: the first query's, as Grafana takes it.
    pub fn timezone(&self) -> Option<&str> {
        self.queries.first().and_then(|q| q.timezone.as_deref())
    }
}

/// The calls to make and the queries that could not be planned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// One GetMetricData call each.
    pub batches: Vec<Batch>,
    /// Per-refId errors.
    pub errors: Vec<(String, QueryError)>,
}

impl Plan {
    /// The points the plan's answer should hold: one per period of the range for each query
    /// that returns data (a SEARCH may match more series; this is a floor).
    pub fn expected_points(&self) -> u64 {
        self.batches
            .iter()
            .flat_map(|b| {
                let range_s = b.end_ms.saturating_sub(b.start_ms).max(0) / 1000;
                b.queries
                    .iter()
                    .filter(|q| q.return_data)
                    .map(move |q| (range_s / i64::from(q.period.max(1))).unsigned_abs())
            })
            .fold(0u64, u64::saturating_add)
    }
}

const DAY_S: i64 = 86_400;

/// Rounds `x` up to a multiple of `m` (m > 0), for negative values too.
fn ceil_to(x: i64, m: i64) -> i64 {
    let q = x.div_euclid(m);
    if x.rem_euclid(m) == 0 {
        q * m
    } else {
        // Saturating: the last minute before i64::MAX has no next minute.
        q.saturating_add(1).saturating_mul(m)
    }
}

/// Grafana's automatic period: the first allowed period of at least range/2000 seconds,
/// with coarser choices the older the start is (CloudWatch keeps fine data for a short time).
pub fn auto_period(from_ms: i64, to_ms: i64, now_ms: i64) -> i32 {
    // Saturating: a hostile range (year -292 million) must not overflow the arithmetic.
    let range_s = (to_ms.saturating_sub(from_ms).max(0) as f64 / 1000.0).max(1.0);
    let needed = (range_s / 2000.0).ceil() as i64;
    let age_s = now_ms.saturating_sub(from_ms) / 1000;
    let allowed: &[i64] = if age_s > 455 * DAY_S {
        &[21_600, 86_400]
    } else if age_s > 63 * DAY_S {
        &[3_600, 21_600, 86_400]
    } else if age_s > 15 * DAY_S {
        &[300, 900, 3_600, 21_600, 86_400]
    } else {
        &[60, 300, 900, 3_600, 21_600, 86_400]
    };
    let p = allowed
        .iter()
        .copied()
        .find(|p| *p >= needed)
        // Ranges beyond what a day period covers: whole days, so AWS still accepts it.
        .unwrap_or_else(|| ceil_to(needed, DAY_S));
    p.min(i64::from(i32::MAX) / DAY_S * DAY_S) as i32
}

fn sanitize_id(ref_id: &str) -> String {
    let cleaned: String = ref_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("query{cleaned}")
}

/// Identifiers an expression mentions (candidate references to other query ids).
fn referenced_ids(expression: &str) -> Vec<&str> {
    expression
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| t.starts_with(|c: char| c.is_ascii_lowercase()))
        .collect()
}

/// What a query's mode becomes at AWS.
struct Fetch {
    spec: Spec,
    label: Option<String>,
    series_labels: SeriesLabels,
}

/// A builder query: one MetricStat, or Grafana's SEARCH when it may match several series.
fn builder(
    q: &MetricQuery,
    namespace: &str,
    metric_name: &str,
    dimensions: &BTreeMap<String, Vec<String>>,
    match_exact: bool,
    statistic: &Statistic,
    period: i32,
) -> Result<Fetch, QueryError> {
    // (One statistic: a legacy query with several becomes one GetMetricData entry each.)
    let series_labels = SeriesLabels::Builder(dimensions.clone());
    let all_accounts = q.account == Some(Account::All);
    if !needs_search(dimensions, match_exact, all_accounts) {
        return Ok(Fetch {
            spec: Spec::MetricStat {
                namespace: namespace.to_string(),
                metric_name: metric_name.to_string(),
                dimensions: dimensions
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.first()?.clone())))
                    .collect(),
                stat: statistic.as_str().to_string(),
                account_id: match &q.account {
                    Some(Account::One(id)) => Some(id.clone()),
                    _ => None,
                },
            },
            label: q.label.clone(),
            series_labels,
        });
    }
    let account_id = match &q.account {
        Some(Account::One(id)) => Some(id.as_str()),
        _ => None,
    };
    let expr = search_expression(
        namespace,
        metric_name,
        dimensions,
        match_exact,
        statistic.as_str(),
        period,
        account_id,
    );
    let len = search_string_len(&expr);
    if len > MAX_SEARCH_STRING {
        return Err(QueryError::new("dimensions", format!("the SEARCH built from these dimension values is {len} characters long; CloudWatch accepts {MAX_SEARCH_STRING}. Select fewer values, or use * (all values)")));
    }
    // Every dimension without a single value comes back inside the label.
    let open: Vec<String> = dimensions
        .iter()
        .filter(|(_, v)| v.len() != 1 || is_wildcard(v))
        .map(|(k, _)| k.clone())
        .collect();
    Ok(Fetch {
        spec: Spec::Search(expr),
        label: Some(labels::request(q.label.as_deref(), &open)),
        series_labels,
    })
}

/// The GetMetricData entries of one query (one per statistic of a legacy multi-statistic
/// query, else one) and the region they run in.
fn plan_query(
    tq: &TimedQuery,
    default_region: &Region,
    now_ms: i64,
) -> Result<(Region, Vec<PlannedQuery>), QueryError> {
    let q = &tq.query;
    if tq.to_ms <= tq.from_ms {
        return Err(QueryError::new("timeRange", format!("the time range is empty or reversed (from {} to {}); choose a range whose end is after its start", tq.from_ms, tq.to_ms)));
    }
    let region = q.region.resolve(default_region);
    let range_period = auto_period(tq.from_ms, tq.to_ms, now_ms);
    let period = match q.period {
        Period::Auto => range_period,
        Period::Seconds(s) => s,
    };
    let fetches = match &q.mode {
        Mode::Builder {
            namespace,
            metric_name,
            dimensions,
            match_exact,
            statistics,
        } => statistics
            .iter()
            .map(|statistic| {
                builder(
                    q,
                    namespace,
                    metric_name,
                    dimensions,
                    *match_exact,
                    statistic,
                    period,
                )
            })
            .collect::<Result<Vec<_>, _>>()?,
        // `$__period_auto` is the time range's automatic period, whatever the query's own.
        Mode::Code { expression } => vec![Fetch {
            spec: Spec::Math(expression.replace("$__period_auto", &range_period.to_string())),
            label: q.label.clone(),
            series_labels: SeriesLabels::Raw,
        }],
        Mode::Insights {
            sql, dimensions, ..
        } => vec![Fetch {
            spec: Spec::Sql(sql.clone()),
            label: q.label.clone(),
            series_labels: SeriesLabels::Insights(dimensions.clone()),
        }],
    };
    let id = q.id.clone().unwrap_or_else(|| sanitize_id(&q.ref_id));
    // A static label names the series as written: CloudWatch would append dimensions to it.
    let display = q.label.clone().filter(|l| labels::is_static(l));
    let planned = fetches
        .into_iter()
        .enumerate()
        .map(|(i, fetch)| PlannedQuery {
            ref_id: q.ref_id.clone(),
            id: if i == 0 {
                id.clone()
            } else {
                format!("{id}_s{}", i + 1)
            },
            spec: fetch.spec,
            period,
            label: fetch.label,
            user_label: q.label.clone(),
            display: display.clone(),
            series_labels: fetch.series_labels,
            return_data: q.return_data,
            timezone: q.timezone.clone(),
        })
        .collect();
    Ok((region, planned))
}

/// Plans a request: groups queries by region and time range, keeps every math expression in
/// the same call as the queries it references, and splits groups at AWS's 500-query limit.
pub fn plan(queries: Vec<TimedQuery>, default_region: &Region, now_ms: i64) -> Plan {
    let mut out = Plan::default();
    let mut groups: BTreeMap<(Region, i64, i64), Vec<PlannedQuery>> = BTreeMap::new();
    let mut used_ids: HashMap<(Region, i64, i64), Vec<String>> = HashMap::new();
    for tq in &queries {
        match plan_query(tq, default_region, now_ms) {
            Ok((region, planned)) => {
                let key = (region, tq.from_ms, tq.to_ms);
                let ids = used_ids.entry(key.clone()).or_default();
                if tq.query.id.is_some() && ids.contains(&planned[0].id) {
                    out.errors.push((
                        tq.query.ref_id.clone(),
                        QueryError::new(
                            "id",
                            format!(
                                "{:?} is used by another query in this panel; ids must be unique",
                                planned[0].id
                            ),
                        ),
                    ));
                    continue;
                }
                for mut pq in planned {
                    let base = pq.id.clone();
                    let mut n = 2;
                    while ids.contains(&pq.id) {
                        pq.id = format!("{base}_{n}");
                        n += 1;
                    }
                    ids.push(pq.id.clone());
                    groups.entry(key.clone()).or_default().push(pq);
                }
            }
            Err(e) => out.errors.push((tq.query.ref_id.clone(), e)),
        }
    }
    for ((region, start_ms, to_ms), queries) in groups {
        // GetMetricData's EndTime is exclusive: the next minute, so the last one is included.
        let end_ms = to_ms
            .div_euclid(60_000)
            .saturating_add(1)
            .saturating_mul(60_000);
        for chunk in split_group(queries) {
            out.batches.push(Batch {
                region: region.clone(),
                start_ms,
                to_ms,
                end_ms,
                queries: chunk,
            });
        }
    }
    out
}

/// Splits one group into chunks of at most 500, never separating an expression from the
/// queries it references (connected components, packed first-fit in order).
fn split_group(queries: Vec<PlannedQuery>) -> Vec<Vec<PlannedQuery>> {
    if queries.len() <= MAX_QUERIES_PER_CALL {
        return vec![queries];
    }
    let index: HashMap<&str, usize> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.as_str(), i))
        .collect();
    let mut parent: Vec<usize> = (0..queries.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, q) in queries.iter().enumerate() {
        if let Some(expr) = q.spec.expression() {
            for id in referenced_ids(expr) {
                if let Some(&j) = index.get(id) {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
            }
        }
    }
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for i in 0..queries.len() {
        let r = root(&mut parent, i);
        let s = *slot.entry(r).or_insert_with(|| {
            components.push(Vec::new());
            components.len() - 1
        });
        components[s].push(i);
    }
    let mut chunks: Vec<Vec<usize>> = Vec::new();
    for comp in components {
        match chunks
            .iter_mut()
            .find(|c| c.len() + comp.len() <= MAX_QUERIES_PER_CALL)
        {
            Some(c) => c.extend(comp),
            None => chunks.push(comp),
        }
    }
    let mut slots: Vec<Option<PlannedQuery>> = queries.into_iter().map(Some).collect();
    chunks
        .into_iter()
        .map(|mut c| {
            c.sort_unstable();
            c.into_iter().filter_map(|i| slots[i].take()).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;
    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;

    fn region() -> Region {
        Region::parse("us-east-1").unwrap()
    }

    #[test]
    fn auto_period_table() {
        let cases = [
            // (range, age of start, expected)
            (HOUR, HOUR, 60),
            (6 * HOUR, 6 * HOUR, 60),
            (24 * HOUR, 24 * HOUR, 60),
            (2 * DAY, 2 * DAY, 300),
            (7 * DAY, 7 * DAY, 900),
            (14 * DAY, 14 * DAY, 900),
            (HOUR, 20 * DAY, 300),
            (30 * DAY, 30 * DAY, 3600),
            (HOUR, 70 * DAY, 3600),
            (90 * DAY, 90 * DAY, 21600),
            (HOUR, 500 * DAY, 21600),
            (2 * 365 * DAY, 2 * 365 * DAY, 86400),
            (1000 * 365 * DAY, 1000 * 365 * DAY, 86400 * 183),
        ];
        for (range, age, want) in cases {
            let from = NOW - age;
            assert_eq!(
                auto_period(from, from + range, NOW),
                want,
                "range {range} age {age}"
            );
        }
    }

    #[test]
    fn extreme_ranges_do_not_overflow() {
        // Found by cargo fuzz: i64-extreme ranges overflowed the subtraction.
        for (from, to) in [(i64::MIN, i64::MAX), (i64::MIN + 5, 0), (0, i64::MAX)] {
            let p = auto_period(from, to, NOW);
            assert!(p > 0 && p % 86_400 == 0, "{p}");
        }
        assert_eq!(ceil_to(i64::MAX - 1, 60_000), i64::MAX);
        assert_eq!(ceil_to(-61_000, 60_000), -60_000);
    }

    fn tq(ref_id: &str, json: &str, from: i64, to: i64) -> TimedQuery {
        crate::metrics::testing::timed(ref_id, json, from, to)
    }

    #[test]
    fn metric_stat_versus_search() {
        let plan = plan(
            vec![
                tq(
                    "A",
                    r#"{"namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":"i-1"},"statistic":"Sum","period":"60"}"#,
                    NOW - HOUR,
                    NOW,
                ),
                tq(
                    "B",
                    r#"{"namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":["i-1","i-2"]},"statistic":"Sum","period":"60","label":"cpu"}"#,
                    NOW - HOUR,
                    NOW,
                ),
            ],
            &region(),
            NOW,
        );
        assert!(plan.errors.is_empty());
        assert_eq!(plan.batches.len(), 1);
        let qs = &plan.batches[0].queries;
        assert_eq!(qs[0].id, "queryA");
        assert_eq!(
            qs[0].spec,
            Spec::MetricStat {
                namespace: "AWS/EC2".into(),
                metric_name: "CPUUtilization".into(),
                dimensions: vec![("InstanceId".into(), "i-1".into())],
                stat: "Sum".into(),
                account_id: None,
            }
        );
        assert_eq!(qs[0].label, None);
        assert!(matches!(&qs[1].spec, Spec::Search(e) if e.starts_with("REMOVE_EMPTY(SEARCH(")));
        assert_eq!(
            qs[1].label.as_deref(),
            Some("cpu|&|${PROP('Dim.InstanceId')}")
        );
    }

    #[test]
    fn end_rounded_up_and_grouped_by_region_and_range() {
        let from = NOW - HOUR;
        let to = NOW + 1_234; // not on a minute boundary
        let plan = plan(
            vec![
                tq("A", r#"{"namespace":"N","metricName":"M"}"#, from, to),
                tq(
                    "B",
                    r#"{"namespace":"N","metricName":"M","region":"eu-west-1"}"#,
                    from,
                    to,
                ),
                tq(
                    "C",
                    r#"{"namespace":"N","metricName":"M"}"#,
                    from - HOUR,
                    to,
                ),
                tq(
                    "D",
                    r#"{"namespace":"N","metricName":"M","region":"default"}"#,
                    from,
                    to,
                ),
            ],
            &region(),
            NOW,
        );
        assert_eq!(plan.batches.len(), 3);
        for b in &plan.batches {
            assert_eq!(b.end_ms % 60_000, 0);
            assert!(b.end_ms > to && b.end_ms - to <= 60_000);
            assert_eq!(b.to_ms, to);
        }
        let sizes: Vec<usize> = plan.batches.iter().map(|b| b.queries.len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 4);
        assert!(plan
            .batches
            .iter()
            .any(|b| b.queries.len() == 2 && b.region == region()));
    }

    #[test]
    fn six_hundred_queries_make_two_calls() {
        let qs: Vec<TimedQuery> = (0..600)
            .map(|i| {
                tq(
                    &format!("Q{i}"),
                    r#"{"namespace":"N","metricName":"M","period":"60"}"#,
                    NOW - HOUR,
                    NOW,
                )
            })
            .collect();
        let plan = plan(qs, &region(), NOW);
        let sizes: Vec<usize> = plan.batches.iter().map(|b| b.queries.len()).collect();
        assert_eq!(sizes, vec![500, 100]);
    }

    #[test]
    fn math_stays_with_its_inputs_across_a_split() {
        let mut qs: Vec<TimedQuery> = (0..499)
            .map(|i| {
                tq(
                    &format!("Q{i}"),
                    r#"{"namespace":"N","metricName":"M","period":"60"}"#,
                    NOW - HOUR,
                    NOW,
                )
            })
            .collect();
        qs.push(tq(
            "X",
            r#"{"namespace":"N","metricName":"M","id":"m1","hide":true,"period":"60","type":"timeSeriesQuery"}"#,
            NOW - HOUR,
            NOW,
        ));
        qs.push(tq("Y", r#"{"metricEditorMode":1,"expression":"RATE(m1) * PERIOD(m1)","id":"e1","period":"60"}"#, NOW - HOUR, NOW));
        let plan = plan(qs, &region(), NOW);
        assert_eq!(plan.batches.len(), 2);
        let with_e1 = plan
            .batches
            .iter()
            .find(|b| b.queries.iter().any(|q| q.id == "e1"))
            .unwrap();
        assert!(with_e1.queries.iter().any(|q| q.id == "m1"));
        assert!(plan
            .batches
            .iter()
            .all(|b| b.queries.len() <= MAX_QUERIES_PER_CALL));
        let m1 = with_e1.queries.iter().find(|q| q.id == "m1").unwrap();
        assert!(!m1.return_data);
    }

    #[test]
    fn code_mode_period_auto_and_errors() {
        let plan = plan(
            vec![
                tq(
                    "A",
                    r#"{"metricEditorMode":1,"expression":"SEARCH('{AWS/EC2} CPU', 'Average', $__period_auto)"}"#,
                    NOW - HOUR,
                    NOW,
                ),
                tq(
                    "B",
                    r#"{"namespace":"N","metricName":"M"}"#,
                    NOW,
                    NOW - HOUR,
                ),
                tq(
                    "C",
                    r#"{"namespace":"N","metricName":"M","id":"dup"}"#,
                    NOW - HOUR,
                    NOW,
                ),
                tq(
                    "D",
                    r#"{"namespace":"N","metricName":"M","id":"dup"}"#,
                    NOW - HOUR,
                    NOW,
                ),
            ],
            &region(),
            NOW,
        );
        assert_eq!(
            plan.batches[0].queries[0].spec.expression(),
            Some("SEARCH('{AWS/EC2} CPU', 'Average', 60)")
        );
        let fields: Vec<(&str, &str)> = plan
            .errors
            .iter()
            .map(|(r, e)| (r.as_str(), e.field))
            .collect();
        assert_eq!(fields, vec![("B", "timeRange"), ("D", "id")]);
    }

    #[test]
    fn overlong_search_is_refused_with_advice() {
        let values: Vec<String> = (0..60)
            .map(|i| format!("\"i-0123456789abcdef{i:02}\""))
            .collect();
        let json = format!(
            r#"{{"namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{{"InstanceId":[{}]}}}}"#,
            values.join(",")
        );
        let plan = plan(vec![tq("A", &json, NOW - HOUR, NOW)], &region(), NOW);
        assert!(plan.batches.is_empty());
        let (_, err) = &plan.errors[0];
        assert_eq!(err.field, "dimensions");
        assert!(
            err.message.contains("CloudWatch accepts 1024")
                && err.message.contains("use * (all values)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn generated_ids_are_valid_and_unique() {
        let plan = plan(
            vec![
                tq(
                    "A-1",
                    r#"{"namespace":"N","metricName":"M"}"#,
                    NOW - HOUR,
                    NOW,
                ),
                tq(
                    "A_1",
                    r#"{"namespace":"N","metricName":"M"}"#,
                    NOW - HOUR,
                    NOW,
                ),
            ],
            &region(),
            NOW,
        );
        let ids: Vec<&str> = plan.batches[0]
            .queries
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(ids, vec!["queryA_1", "queryA_1_2"]);
        assert!(ids.iter().all(|i| crate::metrics::query::valid_id(i)));
    }
}
