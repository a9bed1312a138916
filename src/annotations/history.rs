//! Alarm history as annotations (pure): one row per history item, with the end of each state
//! where the alarm's next state change shows it.

use std::collections::{BTreeSet, HashMap};

use crate::frames::table::{Column, TableFrame, Values};

/// One DescribeAlarmHistory item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HistoryItem {
    /// When it happened, ms since the epoch.
    pub time_ms: i64,
    /// The alarm's name.
    pub alarm: String,
    /// `StateUpdate`, `ConfigurationUpdate` or `Action`.
    pub kind: String,
    /// AWS's summary, e.g. "Alarm updated from OK to ALARM".
    pub summary: String,
}

/// The history item type whose items start a state that lasts until the next one.
const STATE_UPDATE: &str = "StateUpdate";

/// The annotation frame of the items of `alarms`: `time`, `timeEnd`, `title` (alarm), `tags`
/// (item type) and `text` (summary), oldest first. A state change ends where the same alarm's
/// next state change starts; the last one has no end (it lasts past the range).
pub fn frame(ref_id: &str, items: Vec<HistoryItem>, alarms: &BTreeSet<String>) -> TableFrame {
    let mut items: Vec<HistoryItem> = items
        .into_iter()
        .filter(|i| alarms.contains(&i.alarm))
        .collect();
    items.sort();
    // One account-wide page and per-alarm pages can overlap: keep each item once.
    items.dedup();
    let mut ends: Vec<Option<i64>> = vec![None; items.len()];
    let mut next_change: HashMap<&str, i64> = HashMap::new();
    for (i, item) in items.iter().enumerate().rev() {
        if item.kind == STATE_UPDATE {
            ends[i] = next_change.get(item.alarm.as_str()).copied();
            next_change.insert(&item.alarm, item.time_ms);
        }
    }
    let text = |f: fn(&HistoryItem) -> &String| {
        Values::Text(items.iter().map(|i| Some(f(i).clone())).collect())
    };
    TableFrame {
        name: String::new(),
        ref_id: ref_id.to_string(),
        meta: None,
        columns: vec![
            Column::new(
                "time",
                Values::Time(items.iter().map(|i| Some(i.time_ms)).collect()),
            ),
            Column::new("timeEnd", Values::Time(ends)),
            Column::new("title", text(|i| &i.alarm)),
            Column::new("tags", text(|i| &i.kind)),
            Column::new("text", text(|i| &i.summary)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(t: i64, alarm: &str, kind: &str, summary: &str) -> HistoryItem {
        HistoryItem {
            time_ms: t,
            alarm: alarm.into(),
            kind: kind.into(),
            summary: summary.into(),
        }
    }

    #[test]
    fn states_last_until_the_same_alarms_next_change() {
        let items = vec![
            item(300, "a", "StateUpdate", "Alarm updated from ALARM to OK"),
            item(100, "a", "StateUpdate", "Alarm updated from OK to ALARM"),
            item(150, "b", "StateUpdate", "Alarm updated from OK to ALARM"),
            item(200, "a", "Action", "Published a notification"),
            item(250, "other", "StateUpdate", "not shown"),
            item(100, "a", "StateUpdate", "Alarm updated from OK to ALARM"),
        ];
        let f = frame("Anno", items, &BTreeSet::from(["a".into(), "b".into()]));
        let col = |name: &str| {
            f.columns
                .iter()
                .find(|c| c.name == name)
                .unwrap()
                .values
                .clone()
        };
        assert_eq!(
            col("time"),
            Values::Time(vec![Some(100), Some(150), Some(200), Some(300)])
        );
        assert_eq!(
            col("timeEnd"),
            Values::Time(vec![Some(300), None, None, None])
        );
        let text = |v: &[&str]| Values::Text(v.iter().map(|s| Some(s.to_string())).collect());
        assert_eq!(col("title"), text(&["a", "b", "a", "a"]));
        assert_eq!(
            col("tags"),
            text(&["StateUpdate", "StateUpdate", "Action", "StateUpdate"])
        );
        assert_eq!(
            col("text"),
            text(&[
                "Alarm updated from OK to ALARM",
                "Alarm updated from OK to ALARM",
                "Published a notification",
                "Alarm updated from ALARM to OK"
            ])
        );
        let names: Vec<&str> = f.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["time", "timeEnd", "title", "tags", "text"]);
    }
}
