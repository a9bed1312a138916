//! "View in CloudWatch console" links (pure): the Logs Insights page opened on the same query,
//! log groups and range, written as Grafana's CloudWatch writes it (JSURL in the hash).

use crate::metrics::links::console_host;

use super::query::LogsQuery;

/// A string as JSURL writes it: letters, digits, `_`, `-` and `.` as they are, `$` as `!`,
/// other characters as `*hh` (`**hhhh` beyond one byte), by UTF-16 code unit as JavaScript
/// sees a string.
fn jsurl(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for unit in text.encode_utf16() {
        match char::from_u32(u32::from(unit)) {
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') => out.push(c),
            Some('$') => out.push('!'),
            _ if unit < 0x100 => out.push_str(&format!("*{unit:02x}")),
            _ => out.push_str(&format!("**{unit:04x}")),
        }
    }
    out
}

/// A time as JavaScript's `toISOString` writes it: always milliseconds, always `Z`.
fn iso(ms: i64) -> String {
    let text = crate::clock::rfc3339_ms(ms.div_euclid(1000) * 1000);
    format!("{}.{:03}Z", text.trim_end_matches('Z'), ms.rem_euclid(1000))
}

/// The groups the link opens: the chosen groups' ARNs without their trailing `:*` when there
/// are any, else the stored names, as Grafana picks them.
fn sources(q: &LogsQuery) -> Vec<String> {
    let arns: Vec<String> = q
        .log_groups
        .iter()
        .filter_map(|g| g.arn.as_deref())
        .map(|a| a.strip_suffix(":*").unwrap_or(a).to_string())
        .collect();
    if arns.is_empty() {
        q.log_group_names.clone()
    } else {
        arns
    }
}

/// The Logs Insights page with the query, its log groups and the range filled in; none in a
/// partition without a public console.
pub fn console_link(region: &str, q: &LogsQuery, from_ms: i64, to_ms: i64) -> Option<String> {
    let host = console_host(region)?;
    let source: String = sources(q)
        .iter()
        .map(|s| format!("~'{}", jsurl(s)))
        .collect();
    let detail = format!(
        "~(end~'{}~start~'{}~timeType~'ABSOLUTE~tz~'UTC~editorString~'{}~isLiveTail~false~source~({}))",
        jsurl(&iso(to_ms)),
        jsurl(&iso(from_ms)),
        jsurl(&q.expression),
        if source.is_empty() { "~" } else { &source },
    );
    Some(format!(
        "https://{region}.{host}/cloudwatch/home?region={region}#logs-insights:queryDetail={detail}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::query::{Language, LogGroup};
    use crate::metrics::query::RegionSpec;

    fn query(groups: Vec<LogGroup>, names: &[&str]) -> LogsQuery {
        LogsQuery {
            region: RegionSpec::Default,
            expression: "stats count(@message) by bin(1h)".into(),
            language: Language::Cwli,
            log_groups: groups,
            log_group_names: names.iter().map(|s| s.to_string()).collect(),
            stats_groups: vec![],
            limit: None,
        }
    }

    // Mirrors grafana/grafana-cloudwatch-datasource src/utils/datalinks.test.ts, "should add
    // data links to response from log group names" (the console link).
    #[test]
    fn should_add_data_links_to_response_from_log_group_names() {
        let from = 1_483_196_400_000; // 2016-12-31 15:00:00Z
        let q = query(
            vec![LogGroup {
                arn: None,
                name: None,
            }],
            &["fake-log-group-one", "fake-log-group-two"],
        );
        assert_eq!(
            console_link("us-east-1", &q, from, from + 3_600_000).unwrap(),
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logs-insights:queryDetail=~(end~'2016-12-31T16*3a00*3a00.000Z~start~'2016-12-31T15*3a00*3a00.000Z~timeType~'ABSOLUTE~tz~'UTC~editorString~'stats*20count*28*40message*29*20by*20bin*281h*29~isLiveTail~false~source~(~'fake-log-group-one~'fake-log-group-two))"
        );
    }

    // Mirrors datalinks.test.ts, "should add data links to response from log groups,
    // trimming :*".
    #[test]
    fn should_add_data_links_to_response_from_log_groups_trimming() {
        let from = 1_483_196_400_000;
        let arn = |a: &str| LogGroup {
            arn: Some(a.into()),
            name: None,
        };
        let q = query(
            vec![
                arn("arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/test:*"),
                arn("arn:aws:logs:us-east-2:222222222222:log-group:/ecs/prometheus:*"),
            ],
            &[],
        );
        assert_eq!(
            console_link("us-east-1", &q, from, from + 3_600_000).unwrap(),
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logs-insights:queryDetail=~(end~'2016-12-31T16*3a00*3a00.000Z~start~'2016-12-31T15*3a00*3a00.000Z~timeType~'ABSOLUTE~tz~'UTC~editorString~'stats*20count*28*40message*29*20by*20bin*281h*29~isLiveTail~false~source~(~'arn*3aaws*3alogs*3aus-east-1*3a111111111111*3alog-group*3a*2faws*2flambda*2ftest~'arn*3aaws*3alogs*3aus-east-2*3a222222222222*3alog-group*3a*2fecs*2fprometheus))"
        );
    }

    // Mirrors src/aws_url.test.ts: the console's host by partition.
    #[test]
    fn get_endpoint() {
        let q = query(vec![], &["g"]);
        for (region, host) in [
            ("us-east-1", "us-east-1.console.aws.amazon.com"),
            (
                "us-gov-east-1",
                "us-gov-east-1.console.amazonaws-us-gov.com",
            ),
            ("cn-northwest-1", "cn-northwest-1.console.amazonaws.cn"),
        ] {
            assert!(console_link(region, &q, 0, 1)
                .unwrap()
                .starts_with(&format!("https://{host}/")));
        }
        assert!(console_link("us-isob-east-1", &q, 0, 1).is_none());
    }

    #[test]
    fn jsurl_writes_what_javascript_does() {
        assert_eq!(jsurl("a-b_c.d"), "a-b_c.d");
        assert_eq!(jsurl("$x y"), "!x*20y");
        assert_eq!(jsurl("é€"), "*e9**20ac");
        assert_eq!(jsurl("😀"), "**d83d**de00");
        assert_eq!(iso(1_500), "1970-01-01T00:00:01.500Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        let empty = query(vec![], &[]);
        assert!(console_link("us-east-1", &empty, 0, 1)
            .unwrap()
            .ends_with("~source~(~))"));
    }
}
