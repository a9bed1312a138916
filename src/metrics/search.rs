//! SEARCH expressions for builder queries that match several series, built exactly as
//! Grafana builds them, so a dashboard moved to Stratus sends AWS the same strings (pure).

use std::collections::BTreeMap;

/// CloudWatch's limit on the search string inside SEARCH().
pub const MAX_SEARCH_STRING: usize = 1024;

/// Escapes a value for a double-quoted term inside the single-quoted SEARCH string.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\\\"").replace('\'', "\\'"))
}

/// Whether a builder query must become a SEARCH: not exact, or any dimension with several
/// values, no value, or `*`.
pub fn needs_search(dimensions: &BTreeMap<String, Vec<String>>, match_exact: bool) -> bool {
    !match_exact
        || dimensions
            .values()
            .any(|v| v.len() != 1 || v.iter().any(|x| x == "*"))
}

/// Builds Grafana's SEARCH expression for a builder query.
pub fn search_expression(
    namespace: &str,
    metric_name: &str,
    dimensions: &BTreeMap<String, Vec<String>>,
    match_exact: bool,
    stat: &str,
    period: i32,
    account_id: Option<&str>,
) -> String {
    let mut terms = Vec::new();
    if match_exact {
        let mut schema = vec![quote(namespace)];
        schema.extend(dimensions.keys().map(|k| quote(k)));
        terms.push(format!("{{{}}}", schema.join(",")));
    } else {
        terms.push(format!("Namespace={}", quote(namespace)));
    }
    terms.push(format!("MetricName={}", quote(metric_name)));
    // BTreeMap iteration keeps dimension keys sorted, as Grafana sorts them.
    for (key, values) in dimensions {
        let concrete: Vec<&String> = values.iter().filter(|v| *v != "*").collect();
        let wildcard = concrete.is_empty() || concrete.len() != values.len();
        match (wildcard, concrete.as_slice()) {
            (true, _) => {
                // Exact search already names the key in the schema.
                if !match_exact {
                    terms.push(quote(key));
                }
            }
            (false, [one]) => terms.push(format!("{}={}", quote(key), quote(one))),
            (false, many) => terms.push(format!(
                "{}=({})",
                quote(key),
                many.iter()
                    .map(|v| quote(v))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            )),
        }
    }
    if let Some(acc) = account_id {
        terms.push(format!(":aws.AccountId={}", quote(acc)));
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
        assert!(needs_search(&dims(&[("a", &["*"])]), true));
        assert!(needs_search(&dims(&[("a", &["1", "2"])]), true));
        assert!(needs_search(&dims(&[("a", &["1"])]), false));
        assert!(!needs_search(&dims(&[("a", &["1"])]), true));
    }
}
