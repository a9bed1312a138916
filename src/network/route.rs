//! Which way a call to an endpoint goes (pure): the proxy plan of a data source and the
//! addresses that always go direct. The decision itself is hyper-util's proxy matcher, the one
//! the SDK's HTTP client uses, so what Stratus reports is what the client does.

use std::fmt;

use http::Uri;
use hyper_util::client::proxy::matcher::Matcher;

use crate::config::network::{ProxyChoice, ProxyServer};

/// The proxy variables of the plugin's environment (Grafana passes its own to plugins); the
/// upper-case name wins, as in curl and the SDK.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvProxies {
    /// `ALL_PROXY`.
    pub all: Option<String>,
    /// `HTTP_PROXY`.
    pub http: Option<String>,
    /// `HTTPS_PROXY`.
    pub https: Option<String>,
    /// `NO_PROXY`.
    pub no: Option<String>,
}

impl EnvProxies {
    /// Reads the variables through `lookup`; blank counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> EnvProxies {
        let first = |names: [&str; 2]| {
            names
                .into_iter()
                .find_map(|n| lookup(n).filter(|v| !v.trim().is_empty()))
        };
        EnvProxies {
            all: first(["ALL_PROXY", "all_proxy"]),
            http: first(["HTTP_PROXY", "http_proxy"]),
            https: first(["HTTPS_PROXY", "https_proxy"]),
            no: first(["NO_PROXY", "no_proxy"]),
        }
    }

    /// The plugin's own environment.
    pub fn from_process() -> EnvProxies {
        EnvProxies::from_lookup(|n| std::env::var(n).ok())
    }

    fn matcher(&self) -> Matcher {
        let mut b = Matcher::builder();
        if let Some(v) = &self.all {
            b = b.all(v);
        }
        if let Some(v) = &self.http {
            b = b.http(v);
        }
        if let Some(v) = &self.https {
            b = b.https(v);
        }
        if let Some(v) = &self.no {
            b = b.no(v);
        }
        b.build()
    }

    /// The variable that names the proxy for a scheme.
    fn source(&self, scheme: Option<&str>) -> &'static str {
        match scheme {
            Some("https") if self.https.is_some() => "HTTPS_PROXY",
            Some("http") if self.http.is_some() => "HTTP_PROXY",
            _ => "ALL_PROXY",
        }
    }
}

/// How a data source's calls reach AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyPlan {
    /// Through the proxy the environment names, except what `NO_PROXY` excludes.
    Environment(EnvProxies),
    /// Never through a proxy.
    Direct,
    /// Through the data source's own proxy, for every endpoint (as in Grafana, `NO_PROXY` does
    /// not apply to it).
    Url(ProxyServer),
}

impl ProxyPlan {
    /// The plan for a data source's proxy choice.
    pub fn new(choice: &ProxyChoice, env: EnvProxies) -> ProxyPlan {
        match choice {
            ProxyChoice::Environment => ProxyPlan::Environment(env),
            ProxyChoice::Direct => ProxyPlan::Direct,
            ProxyChoice::Url(server) => ProxyPlan::Url(server.clone()),
        }
    }

    /// The way a call to `endpoint` goes.
    pub fn route(&self, endpoint: &Uri) -> Route {
        match self {
            ProxyPlan::Direct => Route::Direct(DirectReason::DataSourceNone),
            ProxyPlan::Url(server) => Route::Proxy {
                host_port: server.url.host_port(),
                source: ProxySource::DataSource,
            },
            ProxyPlan::Environment(env) => match env.matcher().intercept(endpoint) {
                Some(intercept) => Route::Proxy {
                    host_port: host_port(intercept.uri()),
                    source: ProxySource::Environment(env.source(endpoint.scheme_str())),
                },
                None if env.all.is_none() && env.http.is_none() && env.https.is_none() => {
                    Route::Direct(DirectReason::NoProxySet)
                }
                None => Route::Direct(DirectReason::Excluded),
            },
        }
    }
}

fn host_port(uri: &Uri) -> String {
    format!("{}:{}", uri.host().unwrap_or_default(), default_port(uri))
}

/// How a call travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Straight to the endpoint.
    Direct(DirectReason),
    /// Through a proxy.
    Proxy {
        /// The proxy's `host:port` (never its credentials).
        host_port: String,
        /// Where the proxy was set.
        source: ProxySource,
    },
}

/// Why a call goes direct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectReason {
    /// No proxy variable is set.
    NoProxySet,
    /// `NO_PROXY` excludes the endpoint.
    Excluded,
    /// The data source's proxy type is `none`.
    DataSourceNone,
}

/// Where a proxy was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxySource {
    /// A variable of the plugin's environment.
    Environment(&'static str),
    /// The data source's Proxy URL.
    DataSource,
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Direct(DirectReason::NoProxySet) => f.write_str("direct (no proxy set)"),
            Route::Direct(DirectReason::Excluded) => f.write_str("direct (excluded by NO_PROXY)"),
            Route::Direct(DirectReason::DataSourceNone) => {
                f.write_str("direct (the data source's proxy type is none)")
            }
            Route::Proxy {
                host_port,
                source: ProxySource::Environment(var),
            } => write!(f, "through proxy {host_port} (from {var})"),
            Route::Proxy {
                host_port,
                source: ProxySource::DataSource,
            } => write!(f, "through proxy {host_port} (the data source's Proxy URL)"),
        }
    }
}

/// Instance metadata and container credentials addresses: calls to them never take a proxy,
/// whatever `NO_PROXY` says (a proxy would answer for the proxy's own host, or not at all).
const METADATA_HOSTS: [&str; 4] = [
    "169.254.169.254",
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::254",
];

/// Variables that move the metadata or container credentials endpoint elsewhere; those
/// addresses go direct too.
const METADATA_ENDPOINT_VARS: [&str; 2] = [
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// The addresses whose calls always go direct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectHosts {
    /// Host, and the port when only that port is meant.
    hosts: Vec<(String, Option<u16>)>,
}

impl DirectHosts {
    /// The well-known addresses and the overrides `lookup` finds.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> DirectHosts {
        let mut hosts: Vec<(String, Option<u16>)> = METADATA_HOSTS
            .iter()
            .map(|h| (h.to_string(), None))
            .collect();
        for var in METADATA_ENDPOINT_VARS {
            let Some(uri) = lookup(var).and_then(|v| v.trim().parse::<Uri>().ok()) else {
                continue;
            };
            if let Some(host) = uri.host() {
                hosts.push((bare(host), Some(default_port(&uri))));
            }
        }
        DirectHosts { hosts }
    }

    /// Whether a call to `uri` goes direct.
    pub fn contains(&self, uri: &Uri) -> bool {
        let Some(host) = uri.host().map(bare) else {
            return false;
        };
        let port = default_port(uri);
        self.hosts
            .iter()
            .any(|(h, p)| *h == host && p.is_none_or(|p| p == port))
    }
}

fn bare(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn default_port(uri: &Uri) -> u16 {
    uri.port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::network::parse_proxy_url;

    fn env(pairs: &[(&str, &str)]) -> EnvProxies {
        EnvProxies::from_lookup(|n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        })
    }

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn environment_routes_follow_the_variables() {
        let aws = uri("https://monitoring.us-east-1.amazonaws.com/");
        let plan = |pairs: &[(&str, &str)]| ProxyPlan::new(&ProxyChoice::Environment, env(pairs));
        assert_eq!(
            plan(&[]).route(&aws),
            Route::Direct(DirectReason::NoProxySet)
        );
        let p = plan(&[("HTTPS_PROXY", "http://user:CANARY-PW@proxy.corp:3128")]);
        let r = p.route(&aws);
        assert_eq!(
            r.to_string(),
            "through proxy proxy.corp:3128 (from HTTPS_PROXY)"
        );
        // HTTPS_PROXY says nothing about plain-HTTP endpoints.
        assert_eq!(
            p.route(&uri("http://127.0.0.1:5000/")),
            Route::Direct(DirectReason::Excluded)
        );
        let p = plan(&[
            ("https_proxy", "proxy:8080"),
            ("NO_PROXY", ".amazonaws.com,10.0.0.0/8"),
        ]);
        assert_eq!(p.route(&aws), Route::Direct(DirectReason::Excluded));
        assert_eq!(
            p.route(&uri("https://vpce.internal/")).to_string(),
            "through proxy proxy:8080 (from HTTPS_PROXY)"
        );
        assert_eq!(
            p.route(&uri("https://10.1.2.3/")),
            Route::Direct(DirectReason::Excluded)
        );
        let p = plan(&[("ALL_PROXY", "http://all:1")]);
        assert_eq!(
            p.route(&aws).to_string(),
            "through proxy all:1 (from ALL_PROXY)"
        );
        assert_eq!(
            p.route(&uri("http://127.0.0.1:5000/")).to_string(),
            "through proxy all:1 (from ALL_PROXY)"
        );
    }

    #[test]
    fn data_source_routes_ignore_the_environment() {
        let (url, auth) = parse_proxy_url("http://ds-proxy:3128").unwrap();
        let server = ProxyServer { url, auth };
        let e = env(&[("HTTPS_PROXY", "http://other:1"), ("NO_PROXY", "*")]);
        let aws = uri("https://sts.amazonaws.com/");
        assert_eq!(
            ProxyPlan::new(&ProxyChoice::Url(server), e.clone())
                .route(&aws)
                .to_string(),
            "through proxy ds-proxy:3128 (the data source's Proxy URL)"
        );
        assert_eq!(
            ProxyPlan::new(&ProxyChoice::Direct, e).route(&aws),
            Route::Direct(DirectReason::DataSourceNone)
        );
    }

    #[test]
    fn metadata_addresses_always_go_direct() {
        let d = DirectHosts::from_lookup(|n| match n {
            "AWS_EC2_METADATA_SERVICE_ENDPOINT" => Some("http://127.0.0.1:4999".into()),
            _ => None,
        });
        for u in [
            "http://169.254.169.254/latest/api/token",
            "http://169.254.170.2/v2/credentials/x",
            "http://[fd00:ec2::254]/latest/api/token",
            "http://127.0.0.1:4999/latest/api/token",
        ] {
            assert!(d.contains(&uri(u)), "{u}");
        }
        // Another port of the same host is an ordinary endpoint.
        assert!(!d.contains(&uri("http://127.0.0.1:5000/")));
        assert!(!d.contains(&uri("https://sts.amazonaws.com/")));
    }
}
