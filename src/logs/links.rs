//! "View in CloudWatch Logs Insights" links (pure): the console opened on the same query,
//! log groups and range.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::clock::rfc3339_ms;
use crate::metrics::links::console_host;

use super::query::{LogGroups, LogsQuery};

/// What the console's hash parameters leave as written; everything else is percent-encoded,
/// with `*` in place of `%`, as the console writes its own links.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

fn encoded(text: &str) -> String {
    utf8_percent_encode(text, KEEP)
        .to_string()
        .replace('%', "*")
}

/// The Logs Insights page with the query, its log groups and the range filled in.
pub fn console_link(region: &str, q: &LogsQuery, from_ms: i64, to_ms: i64) -> Option<String> {
    let host = console_host(region)?;
    let sources = match &q.log_groups {
        LogGroups::Arns(g) | LogGroups::Names(g) => {
            g.iter().map(|g| format!("~'{}", encoded(g))).collect()
        }
        LogGroups::InQuery => String::new(),
    };
    let detail = format!(
        "~(end~'{}~start~'{}~timeType~'ABSOLUTE~tz~'UTC~editorString~'{}~queryLanguage~'{}~source~({sources}))",
        encoded(&rfc3339_ms(to_ms)),
        encoded(&rfc3339_ms(from_ms)),
        encoded(&q.expression),
        q.language.aws_name(),
    );
    Some(format!(
        "https://{region}.{host}/cloudwatch/home?region={region}#logsV2:logs-insights$3FqueryDetail$3D{detail}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::query::Language;
    use crate::metrics::query::RegionSpec;

    #[test]
    fn a_link_carries_query_groups_and_range() {
        let q = LogsQuery {
            region: RegionSpec::Default,
            expression: "fields @message | limit 5".into(),
            language: Language::Cwli,
            log_groups: LogGroups::Names(vec!["/app/web".into(), "jobs".into()]),
            stats_groups: vec![],
        };
        let link = console_link("eu-west-1", &q, 0, 60_000).unwrap();
        assert_eq!(
            link,
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D~(end~'1970-01-01T00*3A01*3A00Z~start~'1970-01-01T00*3A00*3A00Z~timeType~'ABSOLUTE~tz~'UTC~editorString~'fields*20*40message*20*7C*20limit*205~queryLanguage~'CWLI~source~(~'*2Fapp*2Fweb~'jobs))"
        );
        assert!(console_link("us-isob-east-1", &q, 0, 1).is_none());
        assert!(console_link("cn-north-1", &q, 0, 1)
            .unwrap()
            .contains("console.amazonaws.cn"));
    }
}
