//! The compiled-in catalogue of AWS regions and of AWS namespaces with their metrics and
//! dimension keys: editor lookups of AWS's own namespaces cost no API call.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// Built-in metrics and dimension keys of one AWS namespace.
#[derive(Debug, Deserialize)]
pub struct Builtin {
    /// Metric names, sorted.
    pub metrics: Vec<String>,
    /// Dimension keys, sorted.
    pub dimensions: Vec<String>,
}

/// Regions and AWS namespaces.
#[derive(Debug, Deserialize)]
pub struct Catalogue {
    /// Region names.
    pub regions: Vec<String>,
    /// Namespace to its metrics and keys.
    pub namespaces: BTreeMap<String, Builtin>,
}

/// The catalogue in `data/aws-cloudwatch-catalogue.json`, parsed once.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/aws-cloudwatch-catalogue.json"))
            .expect("the compiled-in catalogue is valid JSON (checked by a unit test)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::names::Region;

    #[test]
    fn catalogue_loads_and_has_common_namespaces() {
        let c = catalogue();
        assert!(c.regions.contains(&"us-east-1".to_string()));
        for ns in [
            "AWS/EC2",
            "AWS/RDS",
            "AWS/Lambda",
            "AWS/DynamoDB",
            "AWS/ApplicationELB",
        ] {
            let b = &c.namespaces[ns];
            assert!(!b.metrics.is_empty() && !b.dimensions.is_empty(), "{ns}");
        }
        assert!(c.regions.iter().all(|r| Region::parse(r).is_some()));
    }
}
