//! Validated AWS names from the settings and queries: regions, endpoint URLs, role ARNs.
//! Each is checked for shape when parsed, so a typo is reported on the field that holds it
//! rather than as an obscure failure of the AWS call.

use std::fmt;

/// An AWS region name such as `eu-west-1`, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(String);

impl Region {
    /// Validates a region name: lowercase letters, digits and dashes, ending in a number
    /// (`us-east-1`, `us-gov-west-1`, `cn-northwest-1`).
    pub fn parse(value: &str) -> Option<Region> {
        let v = value.trim();
        let parts: Vec<&str> = v.split('-').collect();
        let well_formed = parts.len() >= 3
            && parts.iter().all(|p| !p.is_empty())
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
            && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit());
        well_formed.then(|| Region(v.to_string()))
    }

    /// The region name, as AWS spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An endpoint URL override (scheme and host checked).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint(String);

impl Endpoint {
    /// Accepts `http(s)://host[:port][/path]`; a bare host gets `https://`, as Grafana's
    /// Go SDK does.
    pub fn parse(value: &str) -> Option<Endpoint> {
        let v = value.trim();
        let (scheme, rest) = match v.split_once("://") {
            Some((s @ ("http" | "https"), rest)) => (s, rest),
            Some(_) => return None,
            None => ("https", v),
        };
        let rest = rest.trim_end_matches('/');
        let host_port = rest.split('/').next().unwrap_or("");
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, _)) if !h.ends_with(']') && h.contains(':') => (host_port, None),
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        };
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok());
        let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => !v6.is_empty() && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':'),
            None => {
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            }
        };
        (host_ok && port_ok).then(|| Endpoint(format!("{scheme}://{rest}")))
    }

    /// The URL, with a scheme and without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grafana treats an endpoint with `-fips.` in it as "use FIPS endpoints" for STS.
    pub fn is_fips(&self) -> bool {
        self.0.contains("-fips.")
    }

    /// Whether the URL points at an STS endpoint.
    pub fn looks_like_sts(&self) -> bool {
        let host = self.0.split("://").nth(1).unwrap_or("");
        host.starts_with("sts.") || host.starts_with("sts-") || host.contains(".sts.")
    }
}

/// An IAM role ARN, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleArn(String);

impl RoleArn {
    /// Accepts `arn:<partition>:iam::<12-digit account>:role/<path/name>`.
    pub fn parse(value: &str) -> Option<RoleArn> {
        let v = value.trim();
        let mut parts = v.splitn(6, ':');
        let ok = parts.next() == Some("arn")
            && parts.next().is_some_and(|p| p.starts_with("aws"))
            && parts.next() == Some("iam")
            && parts.next() == Some("")
            && parts
                .next()
                .is_some_and(|a| a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()))
            && parts
                .next()
                .is_some_and(|r| r.strip_prefix("role/").is_some_and(|n| !n.is_empty()));
        ok.then(|| RoleArn(v.to_string()))
    }

    /// The ARN as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_shapes() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "cn-northwest-1",
            " eu-west-1 ",
        ] {
            assert!(Region::parse(ok).is_some(), "{ok}");
        }
        for bad in ["us-east", "US-EAST-1", "us--1", "us-east-1a", "Europe", ""] {
            assert!(Region::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn endpoint_shapes() {
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:5000/").unwrap().as_str(),
            "http://127.0.0.1:5000"
        );
        let sts = Endpoint::parse("sts.eu-west-1.amazonaws.com").unwrap();
        assert_eq!(sts.as_str(), "https://sts.eu-west-1.amazonaws.com");
        assert!(sts.looks_like_sts());
        assert!(Endpoint::parse("http://[::1]:5000").is_some());
        assert!(
            Endpoint::parse("https://monitoring-fips.us-east-1.amazonaws.com")
                .unwrap()
                .is_fips()
        );
        for bad in [
            "ftp://x",
            "https://",
            "http://a b",
            "://",
            "http://h:99999",
            "http://h:",
        ] {
            assert!(Endpoint::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn role_arn_shapes() {
        for ok in [
            "arn:aws:iam::123456789012:role/R",
            "arn:aws-us-gov:iam::123456789012:role/path/R",
            "arn:aws-cn:iam::123456789012:role/R",
        ] {
            assert!(RoleArn::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "role/R",
            "arn:aws:iam::1234:role/R",
            "arn:aws:iam::123456789012:user/U",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(RoleArn::parse(bad).is_none(), "{bad}");
        }
    }
}
