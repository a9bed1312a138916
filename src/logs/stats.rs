//! Which fields group a Logs Insights query's answer into series (pure): Grafana's
//! `statsGroups` as the editor stored them, else the `by` fields of the query's last `stats`
//! command.

use super::query::{Language, LogsQuery};

/// Whether a `/` after `before` opens a regular expression (`like /x/`, `=~ /x/`,
/// `parse @message /x/`, a function's argument) rather than dividing.
fn opens_regex(before: &str) -> bool {
    let before = before.trim_end();
    let words: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    before.ends_with(['(', ',', '~'])
        || words
            .first()
            .is_some_and(|w| w.eq_ignore_ascii_case("like"))
        || words
            .get(1)
            .is_some_and(|w| w.eq_ignore_ascii_case("parse"))
}

/// Splits `text` at `sep` where it is outside quotes, regular expressions and brackets.
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let (mut parts, mut depth, mut quote, mut start) = (Vec::new(), 0i32, None, 0);
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if std::mem::take(&mut escaped) {
            continue;
        }
        match (quote, c) {
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '/') if opens_regex(&text[..i]) => quote = Some('/'),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The name a `by` item's values have in the results: its alias, else the item as written.
fn result_name(item: &str) -> String {
    let words: Vec<&str> = split_top(item, ' ')
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [.., as_kw, alias] if as_kw.eq_ignore_ascii_case("as") => {
            alias.trim_matches('`').to_string()
        }
        _ => item.trim().trim_matches('`').to_string(),
    }
}

/// The `by` items of a `stats` command, if it has a `by` clause.
fn by_items(stats: &str) -> Vec<&str> {
    let words = split_top(stats, ' ');
    // The clause starts at the last top-level `by` word.
    let Some(at) = words.iter().rposition(|w| w.eq_ignore_ascii_case("by")) else {
        return Vec::new();
    };
    let offset: usize = words[..=at].iter().map(|w| w.len() + 1).sum();
    split_top(stats.get(offset..).unwrap_or(""), ',')
        .into_iter()
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect()
}

/// The fields that group `q`'s answer: Grafana's `statsGroups` when the editor stored them;
/// otherwise, for a CWLI query, the `by` items of its last `stats` command (by their result
/// names), so a query written by hand (provisioning, the API) splits into series as it would
/// had the editor seen it. A time field among them (`bin(5m)`) does not split.
pub fn groups(q: &LogsQuery) -> Vec<String> {
    if !q.stats_groups.is_empty() {
        return q.stats_groups.clone();
    }
    if q.language != Language::Cwli {
        return Vec::new();
    }
    split_top(&q.expression, '|')
        .into_iter()
        .map(str::trim)
        .rfind(|c| {
            c.split_whitespace()
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("stats"))
        })
        .map(by_items)
        .unwrap_or_default()
        .into_iter()
        .map(result_name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::query::RegionSpec;

    fn q(expression: &str, language: Language, stats_groups: &[&str]) -> LogsQuery {
        LogsQuery {
            region: RegionSpec::Default,
            expression: expression.into(),
            language,
            log_groups: vec![],
            log_group_names: vec!["g".into()],
            stats_groups: stats_groups.iter().map(|s| s.to_string()).collect(),
            limit: None,
        }
    }

    #[test]
    fn groups_of_real_queries() {
        let none: &[&str] = &[];
        for (expression, want) in [
            ("fields @timestamp, @message | sort @timestamp desc | limit 20", none),
            ("filter @message like /a|stats b/ | fields @message", none),
            ("stats count(*) by bin(5m), service", &["bin(5m)", "service"]),
            (
                "filter status >= 500 | STATS avg(latency) as lat, count(*) BY service, bin(1h) as t, `host name`",
                &["service", "t", "host name"],
            ),
            ("stats count(*) as n", none),
            ("stats sum(bytes) by srcAddr, dstAddr | sort by x", &["srcAddr", "dstAddr"]),
            ("stats count(*) by bin(1m) | stats max(`count(*)`) by bin(5m)", &["bin(5m)"]),
            ("fields concat(a, \"|stats by x\") as y", none),
            ("parse @message /(?<a>\\/x|stats)/ | stats sum(a) / 60 by b", &["b"]),
            ("filter x =~ /\\d+|stats/ | fields x", none),
        ] {
            assert_eq!(groups(&q(expression, Language::Cwli, &[])), want, "{expression}");
        }
        // The editor's statsGroups win; SQL and PPL have only those.
        assert_eq!(
            groups(&q(
                "stats count(*) by bin(5m), a",
                Language::Cwli,
                &["a", "b"]
            )),
            ["a", "b"]
        );
        assert!(groups(&q("SELECT 1", Language::Sql, &[])).is_empty());
        assert_eq!(
            groups(&q(
                "source | stats count() by host",
                Language::Ppl,
                &["host"]
            )),
            ["host"]
        );
    }
}
