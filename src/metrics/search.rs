//! SEARCH expressions for builder queries that match several series, built exactly as
//! Grafana builds them, so a dashboard moved to Stratus sends AWS the same strings (pure).

use std::collections::BTreeMap;

/// CloudWatch's limit on the search string inside SEARCH().
pub const MAX_SEARCH_STRING: usize = 1024;

/// A dimension value as a double-quoted term inside the single-quoted SEARCH string: only its
/// quotes are escaped, as Grafana escapes them.
fn value_term(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\\\"").replace('\'', "\\'"))
}

/// A string quoted as Go's `%q` quotes it (Grafana quotes the namespace and account id so):
/// backslashes, double quotes and control characters escaped.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a dimension's values leave it open: `*` among them, or none at all.
pub fn is_wildcard(values: &[String]) -> bool {
    values.is_empty() || values.iter().any(|v| v == "*")
}

/// Whether a builder query must become a SEARCH: not exact, any dimension with several
/// values, no value or `*`, or every account of a monitoring account.
pub fn needs_search(
    dimensions: &BTreeMap<String, Vec<String>>,
    match_exact: bool,
    all_accounts: bool,
) -> bool {
    all_accounts || !match_exact || dimensions.values().any(|v| v.len() != 1 || is_wildcard(v))
}

/// Builds Grafana's SEARCH expression for a builder query, term for term: the schema (exact
/// match) or namespace, the metric name, the dimensions with values in key order, then (not
/// exact) the open dimension keys, then the source account.
pub fn search_expression(
    namespace: &str,
    metric_name: &str,
    dimensions: &BTreeMap<String, Vec<String>>,
    match_exact: bool,
    stat: &str,
    period: i32,
    account_id: Option<&str>,
) -> String {
    let mut terms = vec![format!("MetricName=\"{metric_name}\"")];
    // BTreeMap iteration keeps dimension keys sorted, as Grafana sorts them.
    for (key, values) in dimensions.iter().filter(|(_, v)| !is_wildcard(v)) {
        let alternatives: Vec<String> = values.iter().map(|v| value_term(v)).collect();
        let term = match alternatives.as_slice() {
            [one] => one.clone(),
            many => format!("({})", many.join(" OR ")),
        };
        terms.push(format!("\"{key}\"={term}"));
    }
    let scope = if match_exact {
        let schema: Vec<String> = std::iter::once(go_quote(namespace))
            .chain(dimensions.keys().map(|k| format!("\"{k}\"")))
            .collect();
        format!("{{{}}}", schema.join(","))
    } else {
        terms.extend(
            dimensions
                .iter()
                .filter(|(_, v)| is_wildcard(v))
                .map(|(k, _)| format!("\"{k}\"")),
        );
        format!("Namespace={}", go_quote(namespace))
    };
    terms.insert(0, scope);
    if let Some(acc) = account_id {
        terms.push(format!(":aws.AccountId={}", go_quote(acc)));
    }
    format!(
        "REMOVE_EMPTY(SEARCH('{}', '{}', {}))",
        terms.join(" "),
        stat,
        period
    )
}

/// The length of the search string inside a SEARCH expression built by [`search_expression`],
/// the part CloudWatch limits.
pub fn search_string_len(expression: &str) -> usize {
    let inner = expression
        .strip_prefix("REMOVE_EMPTY(SEARCH('")
        .and_then(|r| r.rsplit_once("', '"))
        .map_or(expression, |(s, _)| s);
    inner.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn search_expression_golden_strings() {
        type Case = (BTreeMap<String, Vec<String>>, bool, &'static str);
        let cases: Vec<Case> = vec![
            (
                dims(&[("InstanceId", &["i-1", "i-2"])]),
                true,
                r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","InstanceId"} MetricName="CPUUtilization" "InstanceId"=("i-1" OR "i-2")', 'Average', 300))"#,
            ),
            (
                dims(&[("InstanceId", &["i-1"])]),
                false,
                r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "InstanceId"="i-1"', 'Average', 300))"#,
            ),
            (
                dims(&[("InstanceId", &["*"]), ("AutoScalingGroupName", &["web"])]),
                true,
                r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","AutoScalingGroupName","InstanceId"} MetricName="CPUUtilization" "AutoScalingGroupName"="web"', 'Average', 300))"#,
            ),
            (
                dims(&[("InstanceId", &["*"])]),
                false,
                r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "InstanceId"', 'Average', 300))"#,
            ),
            (
                dims(&[]),
                false,
                r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization"', 'Average', 300))"#,
            ),
            (
                dims(&[("Name", &["say \"hi\"", "it's"])]),
                true,
                r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","Name"} MetricName="CPUUtilization" "Name"=("say \"hi\"" OR "it\'s")', 'Average', 300))"#,
            ),
            (
                dims(&[("b", &["2"]), ("a", &["1", "3"])]),
                false,
                r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "a"=("1" OR "3") "b"="2"', 'Average', 300))"#,
            ),
        ];
        for (d, exact, want) in cases {
            assert_eq!(
                search_expression("AWS/EC2", "CPUUtilization", &d, exact, "Average", 300, None),
                want
            );
        }
        assert_eq!(
            search_expression(
                "AWS/EC2",
                "CPUUtilization",
                &dims(&[]),
                false,
                "p99",
                60,
                Some("123456789012")
            ),
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" :aws.AccountId="123456789012"', 'p99', 60))"#
        );
    }

    #[test]
    fn search_string_length_is_the_quoted_part() {
        assert_eq!(
            search_string_len("REMOVE_EMPTY(SEARCH('abc', 'Sum', 60))"),
            3
        );
        assert!(needs_search(&dims(&[("a", &["*"])]), true, false));
        assert!(needs_search(&dims(&[("a", &["1", "2"])]), true, false));
        assert!(needs_search(&dims(&[("a", &["1"])]), false, false));
        assert!(needs_search(&dims(&[("a", &["1"])]), true, true));
        assert!(!needs_search(&dims(&[("a", &["1"])]), true, false));
    }
}
