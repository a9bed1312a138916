//! Where a data source's AWS calls go (pure): Grafana's rules for its one `endpoint` field,
//! plus Stratus's separate `stsEndpoint`.

use crate::config::names::Endpoint;

/// Where STS calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StsTarget {
    /// AWS's regional STS endpoint.
    Default,
    /// AWS's FIPS STS endpoint.
    Fips,
    /// A custom URL.
    Url(String),
}

/// The endpoints a data source's clients use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The override of every service client's endpoint (CloudWatch, EC2, tagging, OAM), as
    /// Grafana applies `endpoint`; `None` is AWS's regional endpoints.
    pub service: Option<String>,
    /// Where STS calls go.
    pub sts: StsTarget,
}

/// Decides the endpoints. `stsEndpoint` wins for STS; without it, Grafana's rules for the one
/// shared `endpoint` field apply, so stored settings keep working: an STS-looking URL serves
/// STS only, a `-fips.` URL turns on FIPS for STS, any other URL serves CloudWatch and STS.
pub fn plan(endpoint: Option<&Endpoint>, sts_endpoint: Option<&Endpoint>) -> Endpoints {
    let sts_only = endpoint.is_some_and(Endpoint::looks_like_sts);
    let service = endpoint
        .filter(|_| !sts_only)
        .map(|e| e.as_str().to_string());
    let sts = match (sts_endpoint, endpoint) {
        (Some(s), _) => StsTarget::Url(s.as_str().to_string()),
        (None, Some(e)) if e.is_fips() => StsTarget::Fips,
        (None, Some(e)) => StsTarget::Url(e.as_str().to_string()),
        (None, None) => StsTarget::Default,
    };
    Endpoints { service, sts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grafana_rules_and_a_separate_sts_endpoint() {
        let e = |s: &str| Endpoint::parse(s).unwrap();
        assert_eq!(
            plan(None, None),
            Endpoints {
                service: None,
                sts: StsTarget::Default
            }
        );
        assert_eq!(
            plan(Some(&e("http://127.0.0.1:5000")), None),
            Endpoints {
                service: Some("http://127.0.0.1:5000".into()),
                sts: StsTarget::Url("http://127.0.0.1:5000".into())
            }
        );
        assert_eq!(
            plan(Some(&e("https://sts.eu-west-1.amazonaws.com")), None),
            Endpoints {
                service: None,
                sts: StsTarget::Url("https://sts.eu-west-1.amazonaws.com".into())
            }
        );
        assert_eq!(
            plan(
                Some(&e("https://monitoring-fips.us-east-1.amazonaws.com")),
                None
            )
            .sts,
            StsTarget::Fips
        );
        assert_eq!(
            plan(
                Some(&e("https://vpce-1.monitoring.us-east-1.vpce.amazonaws.com")),
                Some(&e("https://vpce-2.sts.us-east-1.vpce.amazonaws.com"))
            ),
            Endpoints {
                service: Some("https://vpce-1.monitoring.us-east-1.vpce.amazonaws.com".into()),
                sts: StsTarget::Url("https://vpce-2.sts.us-east-1.vpce.amazonaws.com".into())
            }
        );
    }
}
