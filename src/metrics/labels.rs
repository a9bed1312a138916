//! How a SEARCH's series bring their dimension values back: the label sent to AWS is the
//! user's label followed by one dynamic-label placeholder per dimension the search leaves
//! open, joined by a separator; AWS fills the placeholders in per series, and the answer is
//! split at the separator again. Both directions live here, so they cannot drift apart.

/// Joins the display label and the dimension values in a series label.
const SEPARATOR: &str = "|&|";

/// The label to send AWS for a search whose series differ in `open_keys` (the dimension keys
/// it leaves open, in order). Without a user label, AWS's own series label is kept.
pub fn request(user_label: Option<&str>, open_keys: &[String]) -> String {
    let mut label = user_label.unwrap_or("${LABEL}").to_string();
    for key in open_keys {
        label.push_str(SEPARATOR);
        label.push_str(&format!("${{PROP('Dim.{key}')}}"));
    }
    label
}

/// Whether a user label is static, with no dynamic-label placeholder (`${...}`) in it.
pub fn is_static(label: &str) -> bool {
    !label
        .match_indices("${")
        .any(|(i, _)| label[i + 2..].find('}').is_some_and(|end| end > 0))
}

/// A series label from AWS split into the display name and the values of the open keys, in
/// the order [`request`] asked for them.
pub fn split(label: &str) -> (&str, impl Iterator<Item = &str>) {
    let mut parts = label.split(SEPARATOR);
    let display = parts.next().unwrap_or_default();
    (display, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requested_label_splits_back_into_its_parts() {
        let keys = vec!["InstanceId".to_string(), "Zone".to_string()];
        assert_eq!(
            request(Some("cpu"), &keys),
            "cpu|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.Zone')}"
        );
        assert_eq!(
            request(None, &keys[..1]),
            "${LABEL}|&|${PROP('Dim.InstanceId')}"
        );
        // What AWS sends back once it filled the placeholders in.
        let (display, values) = split("cpu|&|i-1|&|a");
        assert_eq!(display, "cpu");
        assert_eq!(values.collect::<Vec<_>>(), vec!["i-1", "a"]);
        assert!(is_static("cpu") && is_static("${}") && is_static("$x {y}"));
        assert!(!is_static("${LABEL}") && !is_static("cpu ${PROP('Dim.Id')}"));
        let (display, mut values) = split("plain");
        assert_eq!(display, "plain");
        assert_eq!(values.next(), None);
    }
}
