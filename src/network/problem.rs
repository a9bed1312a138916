//! Proxy and TLS failures in plain words (pure). The SDK reports them as a dispatch failure
//! whose source chain names the cause (hyper-util's tunnel errors, rustls's certificate
//! errors); these turn that chain into what an operator can act on.

use std::fmt;

/// A failure of the network path rather than of AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkProblem {
    /// The proxy wants credentials, or refused the ones sent (HTTP 407).
    ProxyAuthRequired,
    /// The proxy refused to open a tunnel (CONNECT) to the endpoint.
    TunnelRefused,
    /// The proxy could not be reached.
    ProxyUnreachable,
    /// The endpoint's certificate chains to no trusted CA.
    UntrustedCertificate,
    /// The endpoint's certificate is for another name.
    WrongCertificateName,
    /// The endpoint's certificate is expired or not yet valid.
    CertificateExpired,
}

/// An HTTP answer's parts that tell a proxy's refusal from AWS's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// Whether it challenges for Basic auth (`Proxy-Authenticate` or `WWW-Authenticate`),
    /// which AWS, signing with SigV4, never does.
    pub basic_challenge: bool,
}

/// Finds the network problem in an error chain (`failure::chain` text) or an HTTP answer.
pub fn classify(chain: &str, answer: Option<Answer>) -> Option<NetworkProblem> {
    // 407 is the standard answer; some proxies (tinyproxy) answer plain-HTTP requests with
    // 401 and a Basic challenge instead.
    if answer.is_some_and(|a| a.status == 407 || (a.status == 401 && a.basic_challenge)) {
        return Some(NetworkProblem::ProxyAuthRequired);
    }
    let c = chain.to_ascii_lowercase();
    let found = [
        (
            "proxy authorization required",
            NetworkProblem::ProxyAuthRequired,
        ),
        // hyper-util's tunnel: a CONNECT answered with anything but 200 or 407.
        ("tunnel error: unsuccessful", NetworkProblem::TunnelRefused),
        (
            "failed to create underlying connection",
            NetworkProblem::ProxyUnreachable,
        ),
        ("unknownissuer", NetworkProblem::UntrustedCertificate),
        ("unknown issuer", NetworkProblem::UntrustedCertificate),
        ("notvalidforname", NetworkProblem::WrongCertificateName),
        ("not valid for name", NetworkProblem::WrongCertificateName),
        ("certificate expired", NetworkProblem::CertificateExpired),
        (
            "invalid peer certificate: expired",
            NetworkProblem::CertificateExpired,
        ),
    ];
    found
        .iter()
        .find(|(needle, _)| c.contains(needle))
        .map(|(_, p)| *p)
}

impl fmt::Display for NetworkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NetworkProblem::ProxyAuthRequired => "The proxy refused the request: it needs a user name and password (407 Proxy Authentication Required) and got none or wrong ones. Set them as proxyUsername and Proxy password on the data source (Proxy type url), or as http://user:password@host:port in HTTPS_PROXY for the server's proxy.",
            NetworkProblem::TunnelRefused => "The proxy refused to open a tunnel (CONNECT) to the AWS endpoint. Ask the proxy's admin to allow CONNECT to the endpoint's host and port (443 for AWS), or list the endpoint in NO_PROXY if it is reachable without the proxy.",
            NetworkProblem::ProxyUnreachable => "Could not connect to the proxy. Check that it is running and that HTTPS_PROXY (or the data source's Proxy URL) names the right host and port.",
            NetworkProblem::UntrustedCertificate => "The endpoint's TLS certificate is not signed by a trusted CA: a proxy that re-signs TLS, or an endpoint with a private certificate. Trust that CA with AWS_CA_BUNDLE in the Grafana server's environment, ca_bundle in the AWS profile, or the data source's CA bundle (secureJsonData.caBundle).",
            NetworkProblem::WrongCertificateName => "The endpoint's TLS certificate is for another host name. Check the endpoint URL: it must use a name the certificate lists.",
            NetworkProblem::CertificateExpired => "The endpoint's TLS certificate has expired or is not yet valid. Check the endpoint's certificate and the Grafana server's clock.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, basic_challenge: bool) -> Option<Answer> {
        Some(Answer {
            status,
            basic_challenge,
        })
    }

    #[test]
    fn chains_seen_from_the_sdk_are_classified() {
        let cases = [
            ("dispatch failure: io error: client error (Connect): proxy authorization required", None, Some(NetworkProblem::ProxyAuthRequired)),
            ("dispatch failure: other: tunnel error: unsuccessful", None, Some(NetworkProblem::TunnelRefused)),
            ("dispatch failure: io error: client error (Connect): failed to create underlying connection: tcp connect error: Connection refused (os error 111)", None, Some(NetworkProblem::ProxyUnreachable)),
            ("dispatch failure: io error: client error (Connect): invalid peer certificate: UnknownIssuer", None, Some(NetworkProblem::UntrustedCertificate)),
            ("invalid peer certificate: certificate not valid for name \"x\"; certificate is only valid for DnsName(\"y\")", None, Some(NetworkProblem::WrongCertificateName)),
            ("unhandled error", answer(407, false), Some(NetworkProblem::ProxyAuthRequired)),
            ("response error", answer(401, true), Some(NetworkProblem::ProxyAuthRequired)),
            ("dispatch failure: io error: tcp connect error: Connection refused (os error 111)", None, None),
            ("unhandled error", answer(403, false), None),
            ("unhandled error", answer(401, false), None),
            ("The security token included in the request is expired", None, None),
        ];
        for (chain, status, want) in cases {
            assert_eq!(classify(chain, status), want, "{chain}");
        }
    }
}
