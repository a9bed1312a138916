//! What a Logs Insights query's answer looks like (pure): rows of log events, or statistics
//! grouped by the `by` fields of its last `stats` command, binned over time or not.

use super::query::{Language, LogsQuery};

/// The shape of a query's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Log events (or any table): one frame.
    Rows,
    /// Statistics: one series frame per group of the `groups` fields, over the `bin` field
    /// when there is one.
    Stats {
        /// The result fields that name a group (labels), in the query's order.
        groups: Vec<String>,
        /// The result field holding each row's time bin, e.g. `bin(5m)`.
        bin: Option<String>,
    },
}

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

/// The shape of `q`'s answer. A CWLI query is a stats query when its pipeline has a `stats`
/// command; its `by` items are the groups, except a `bin(...)`, which is the time. Grafana's
/// `statsGroups`, when the editor stored them, name the groups instead (and make an SQL or PPL
/// query a stats query).
pub fn shape(q: &LogsQuery) -> Shape {
    let stats = match q.language {
        Language::Cwli => split_top(&q.expression, '|')
            .into_iter()
            .map(str::trim)
            .rfind(|c| {
                c.split_whitespace()
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case("stats"))
            }),
        Language::Sql | Language::Ppl => None,
    };
    let items = stats.map(by_items).unwrap_or_default();
    let is_bin = |i: &str| i.trim_start().to_ascii_lowercase().starts_with("bin(");
    let bin = items.iter().find(|i| is_bin(i)).map(|i| result_name(i));
    let groups = if q.stats_groups.is_empty() {
        items
            .iter()
            .filter(|i| !is_bin(i))
            .map(|i| result_name(i))
            .collect()
    } else {
        q.stats_groups.clone()
    };
    if stats.is_none() && q.stats_groups.is_empty() {
        Shape::Rows
    } else {
        Shape::Stats { groups, bin }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::query::LogGroups;
    use crate::metrics::query::RegionSpec;

    fn q(expression: &str, language: Language, stats_groups: &[&str]) -> LogsQuery {
        LogsQuery {
            region: RegionSpec::Default,
            expression: expression.into(),
            language,
            log_groups: LogGroups::Names(vec!["g".into()]),
            stats_groups: stats_groups.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn shapes_of_real_queries() {
        let stats = |groups: &[&str], bin: Option<&str>| Shape::Stats {
            groups: groups.iter().map(|s| s.to_string()).collect(),
            bin: bin.map(str::to_string),
        };
        for (expression, want) in [
            ("fields @timestamp, @message | sort @timestamp desc | limit 20", Shape::Rows),
            ("filter @message like /a|stats b/ | fields @message", Shape::Rows),
            ("stats count(*) by bin(5m), service", stats(&["service"], Some("bin(5m)"))),
            (
                "filter status >= 500 | STATS avg(latency) as lat, count(*) BY service, bin(1h) as t, `host name`",
                stats(&["service", "host name"], Some("t")),
            ),
            ("stats count(*) as n", stats(&[], None)),
            ("stats sum(bytes) by srcAddr, dstAddr | sort by x", stats(&["srcAddr", "dstAddr"], None)),
            (
                "stats count(*) by bin(1m) | stats max(`count(*)`) by bin(5m)",
                stats(&[], Some("bin(5m)")),
            ),
            ("fields concat(a, \"|stats by x\") as y", Shape::Rows),
            ("parse @message /(?<a>\\/x|stats)/ | stats sum(a) / 60 by b", stats(&["b"], None)),
            ("filter x =~ /\\d+|stats/ | fields x", Shape::Rows),
        ] {
            assert_eq!(shape(&q(expression, Language::Cwli, &[])), want, "{expression}");
        }
        assert_eq!(
            shape(&q(
                "stats count(*) by bin(5m), a",
                Language::Cwli,
                &["a", "b"]
            )),
            stats(&["a", "b"], Some("bin(5m)"))
        );
        assert_eq!(shape(&q("SELECT 1", Language::Sql, &[])), Shape::Rows);
        assert_eq!(
            shape(&q(
                "source | stats count() by host",
                Language::Ppl,
                &["host"]
            )),
            stats(&["host"], None)
        );
    }
}
