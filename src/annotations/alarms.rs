//! Which alarms an annotation shows (pure): DescribeAlarms answers narrowed to the query's
//! metric, dimensions, statistic and period, by the rules of Grafana's CloudWatch.

use std::collections::BTreeMap;

use crate::metrics::query::Statistic;

/// What Stratus reads of a metric alarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    /// The alarm's name.
    pub name: String,
    /// Its metric's namespace.
    pub namespace: Option<String>,
    /// Its metric.
    pub metric_name: Option<String>,
    /// The names of its dimensions.
    pub dimension_names: Vec<String>,
    /// Its statistic, standard or extended.
    pub statistic: Option<String>,
    /// Its period in seconds.
    pub period: Option<i32>,
}

/// What prefix-matched alarms must also match; unset parts match anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrowing<'a> {
    /// The namespace, when set.
    pub namespace: Option<&'a str>,
    /// The metric, when set.
    pub metric_name: Option<&'a str>,
    /// The dimension keys (an alarm must have exactly these), when any.
    pub dimensions: &'a BTreeMap<String, Vec<String>>,
    /// The statistics an alarm may use.
    pub statistics: &'a [Statistic],
    /// The period, when set.
    pub period: Option<i32>,
}

impl Narrowing<'_> {
    fn admits(&self, alarm: &Alarm) -> bool {
        let same = |want: Option<&str>, have: &Option<String>| {
            want.is_none_or(|w| have.as_deref() == Some(w))
        };
        let dimensions_match = self.dimensions.is_empty()
            || (alarm.dimension_names.len() == self.dimensions.len()
                && alarm
                    .dimension_names
                    .iter()
                    .all(|d| self.dimensions.contains_key(d)));
        same(self.namespace, &alarm.namespace)
            && same(self.metric_name, &alarm.metric_name)
            && dimensions_match
            && self
                .statistics
                .iter()
                .any(|s| alarm.statistic.as_deref() == Some(s.as_str()))
            && self.period.is_none_or(|p| alarm.period == Some(p))
    }
}

/// The names of the alarms that pass, sorted and distinct.
pub fn matching(alarms: &[Alarm], narrowing: &Narrowing) -> Vec<String> {
    let mut names: Vec<String> = alarms
        .iter()
        .filter(|a| narrowing.admits(a))
        .map(|a| a.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(name: &str, metric: &str, dims: &[&str], stat: &str, period: i32) -> Alarm {
        Alarm {
            name: name.into(),
            namespace: Some("AWS/EC2".into()),
            metric_name: Some(metric.into()),
            dimension_names: dims.iter().map(|d| d.to_string()).collect(),
            statistic: Some(stat.into()),
            period: Some(period),
        }
    }

    #[test]
    fn prefix_matched_alarms_are_narrowed_like_grafanas() {
        let alarms = [
            alarm(
                "cpu-high",
                "CPUUtilization",
                &["InstanceId"],
                "Average",
                300,
            ),
            alarm("cpu-p99", "CPUUtilization", &["InstanceId"], "p99", 300),
            alarm("cpu-fast", "CPUUtilization", &["InstanceId"], "Average", 60),
            alarm(
                "cpu-asg",
                "CPUUtilization",
                &["AutoScalingGroupName"],
                "Average",
                300,
            ),
            alarm(
                "cpu-two",
                "CPUUtilization",
                &["InstanceId", "ImageId"],
                "Average",
                300,
            ),
            alarm("net", "NetworkIn", &["InstanceId"], "Average", 300),
            alarm(
                "cpu-high",
                "CPUUtilization",
                &["InstanceId"],
                "Average",
                300,
            ),
        ];
        let dims = BTreeMap::from([("InstanceId".to_string(), vec!["i-1".to_string()])]);
        let avg = [Statistic::average()];
        let mut n = Narrowing {
            namespace: Some("AWS/EC2"),
            metric_name: Some("CPUUtilization"),
            dimensions: &dims,
            statistics: &avg,
            period: None,
        };
        assert_eq!(matching(&alarms, &n), ["cpu-fast", "cpu-high"]);
        n.period = Some(300);
        assert_eq!(matching(&alarms, &n), ["cpu-high"]);
        let p99 = [Statistic::parse("p99").unwrap(), Statistic::average()];
        n.statistics = &p99;
        assert_eq!(matching(&alarms, &n), ["cpu-high", "cpu-p99"]);
        let none = BTreeMap::new();
        let any = Narrowing {
            namespace: None,
            metric_name: None,
            dimensions: &none,
            statistics: &avg,
            period: None,
        };
        assert_eq!(
            matching(&alarms, &any),
            ["cpu-asg", "cpu-fast", "cpu-high", "cpu-two", "net"]
        );
    }
}
