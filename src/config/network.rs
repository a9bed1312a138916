//! A data source's network settings, with Grafana's keys: the proxy its AWS calls take
//! (jsonData `proxyType`, `proxyUrl`, `proxyUsername`, secureJsonData `proxyPassword`) and the
//! extra certificate authorities it trusts (secureJsonData `caBundle`). Also the one check of
//! PEM bundles, shared with the bundles named by `AWS_CA_BUNDLE` and a profile's `ca_bundle`.

use std::collections::HashMap;
use std::fmt;

use http::uri::{Scheme, Uri};
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::CertificateDer;
use serde_json::{Map, Value};
use thiserror::Error;

use super::json::{self, WrongType};
use super::secret::Secret;

/// Which proxy a data source's AWS calls take (`proxyType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyChoice {
    /// The Grafana server's `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (`env`, and
    /// what an absent `proxyType` means, as in Grafana).
    Environment,
    /// No proxy, whatever the environment says (`none`).
    Direct,
    /// This data source's own proxy (`url`).
    Url(ProxyServer),
}

impl ProxyChoice {
    /// Whether the choice needs the server's per-data-source proxy permission.
    pub fn is_per_data_source(&self) -> bool {
        !matches!(self, ProxyChoice::Environment)
    }
}

/// A data source's own proxy: where it is and how to log in to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyServer {
    /// The proxy, without credentials.
    pub url: ProxyUrl,
    /// Basic auth for the proxy, from `proxyUsername`/`proxyPassword` or the URL's user info.
    pub auth: Option<ProxyAuth>,
}

/// Basic-auth credentials for a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAuth {
    /// The user name.
    pub username: String,
    /// The password: a secret like the AWS keys.
    pub password: Secret,
}

/// An HTTP(S) proxy address without user info: `http://host:port` or `https://host:port`.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    scheme: Scheme,
    host: String,
    port: u16,
}

impl ProxyUrl {
    /// The proxy as the HTTP client takes it.
    pub fn as_uri_text(&self) -> String {
        format!("{}://{}", self.scheme, self.host_port())
    }

    /// `host:port`, what messages show (never credentials).
    pub fn host_port(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_uri_text())
    }
}

/// Splits a proxy URL (`http://[user[:password]@]host[:port]`) into the address and its user
/// info. The AWS SDK's client speaks to HTTP and HTTPS proxies only (no SOCKS).
pub fn parse_proxy_url(text: &str) -> Result<(ProxyUrl, Option<ProxyAuth>), ProxyUrlProblem> {
    let uri: Uri = text.parse().map_err(|_| ProxyUrlProblem::NotAUrl)?;
    let scheme = match uri.scheme_str() {
        Some("http") => Scheme::HTTP,
        Some("https") => Scheme::HTTPS,
        Some(s) if s.starts_with("socks") => return Err(ProxyUrlProblem::Socks),
        _ => return Err(ProxyUrlProblem::NotAUrl),
    };
    let authority = uri.authority().ok_or(ProxyUrlProblem::NotAUrl)?;
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(ProxyUrlProblem::HasPath);
    }
    let host = authority.host();
    if host.is_empty() {
        return Err(ProxyUrlProblem::NotAUrl);
    }
    let port = authority
        .port_u16()
        .unwrap_or(if scheme == Scheme::HTTPS { 443 } else { 80 });
    let auth = authority
        .as_str()
        .rsplit_once('@')
        .map(|(userinfo, _)| {
            let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            ProxyAuth {
                username: decode(user),
                password: Secret::new(decode(password)),
            }
        })
        .filter(|a| !a.username.is_empty());
    Ok((
        ProxyUrl {
            scheme,
            host: host.to_string(),
            port,
        },
        auth,
    ))
}

/// Why a proxy URL cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ProxyUrlProblem {
    /// Not an http(s) URL with a host.
    #[error("is not a proxy URL; use the form http://proxy.example.com:3128")]
    NotAUrl,
    /// SOCKS is not something the SDK's HTTP client speaks.
    #[error("is a SOCKS proxy, which the AWS SDK's HTTP client cannot use; use an HTTP or HTTPS proxy (http://proxy.example.com:3128)")]
    Socks,
    /// A path or query, which a proxy address has no use for.
    #[error("has a path or query; a proxy URL is only scheme, host and port, such as http://proxy.example.com:3128")]
    HasPath,
}

/// A PEM bundle of CA certificates, checked the way the SDK's TLS setup reads it, so handing
/// it over can never panic there.
#[derive(Clone, PartialEq, Eq)]
pub struct PemBundle {
    pem: Vec<u8>,
    certificates: usize,
}

impl PemBundle {
    /// Checks a bundle: PEM that decodes, at least one certificate, each one usable as a trust
    /// anchor. Problems never quote the content.
    pub fn parse(pem_bytes: &[u8]) -> Result<PemBundle, PemProblem> {
        let ders = CertificateDer::pem_slice_iter(pem_bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| match e {
                pem::Error::MissingSectionEnd { .. } => PemProblem::MissingEnd,
                pem::Error::Base64Decode(_) => PemProblem::NotBase64,
                _ => PemProblem::Malformed,
            })?;
        if ders.is_empty() {
            return Err(PemProblem::NoCertificates);
        }
        let mut roots = rustls::RootCertStore::empty();
        for (i, der) in ders.into_iter().enumerate() {
            roots
                .add(der)
                .map_err(|_| PemProblem::NotACertificate { index: i + 1 })?;
        }
        Ok(PemBundle {
            pem: pem_bytes.to_vec(),
            certificates: roots.len(),
        })
    }

    /// The PEM text, for the TLS setup.
    pub fn pem(&self) -> &[u8] {
        &self.pem
    }

    /// How many certificates it holds.
    pub fn certificates(&self) -> usize {
        self.certificates
    }
}

impl fmt::Debug for PemBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PemBundle({} certificates)", self.certificates)
    }
}

/// What is wrong with a CA bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PemProblem {
    /// A BEGIN line without its END line.
    #[error("a -----BEGIN CERTIFICATE----- line has no matching -----END CERTIFICATE----- line")]
    MissingEnd,
    /// The text between the lines is not base64.
    #[error("a certificate's body is not valid base64")]
    NotBase64,
    /// Other PEM syntax problems.
    #[error("it is not valid PEM")]
    Malformed,
    /// No CERTIFICATE sections at all.
    #[error("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificates,
    /// A section that does not parse as an X.509 certificate.
    #[error("certificate {index} in it is not a valid X.509 CA certificate")]
    NotACertificate {
        /// 1-based position in the bundle.
        index: usize,
    },
}

/// A data source's network settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSettings {
    /// The proxy its AWS calls take.
    pub proxy: ProxyChoice,
    /// Extra CA certificates it trusts (secureJsonData `caBundle`), beside the system's.
    pub ca_bundle: Option<PemBundle>,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            proxy: ProxyChoice::Environment,
            ca_bundle: None,
        }
    }
}

/// A network setting that cannot be used, with the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NetworkSettingsError {
    /// A field holds a value of the wrong JSON type.
    #[error("Setting `{field}` {problem}. Fix it on the data source settings page or in the provisioning file.")]
    WrongType {
        /// The field name as stored.
        field: &'static str,
        /// What is wrong with it.
        problem: WrongType,
    },
    /// `proxyType` holds an unknown value.
    #[error("Setting `proxyType` has the unknown value {value:?}. Use one of: env (the Grafana server's HTTPS_PROXY/HTTP_PROXY/NO_PROXY), none (no proxy), url (this data source's Proxy URL).")]
    UnknownProxyType {
        /// The value found.
        value: String,
    },
    /// `proxyType` is `url` without a URL.
    #[error("Setting `proxyType` is url but `proxyUrl` is empty. Enter the proxy URL (such as http://proxy.example.com:3128) or choose another proxy type.")]
    MissingProxyUrl,
    /// `proxyUrl` cannot be used.
    #[error("Setting `proxyUrl` {problem}.")]
    InvalidProxyUrl {
        /// What is wrong with it.
        problem: ProxyUrlProblem,
    },
    /// `caBundle` is not a usable PEM bundle.
    #[error("The CA bundle (secureJsonData.caBundle) cannot be used: {problem}. Paste the PEM text of the CA certificates, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, or clear it.")]
    InvalidCaBundle {
        /// What is wrong with it.
        problem: PemProblem,
    },
}

fn text(
    obj: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, NetworkSettingsError> {
    json::opt_trimmed(obj, field)
        .map_err(|problem| NetworkSettingsError::WrongType { field, problem })
}

/// Reads the network settings from jsonData and secureJsonData.
pub fn parse(
    obj: &Map<String, Value>,
    secure: &HashMap<String, String>,
) -> Result<NetworkSettings, NetworkSettingsError> {
    let proxy = match text(obj, "proxyType")?.as_deref() {
        None | Some("env") => ProxyChoice::Environment,
        Some("none") => ProxyChoice::Direct,
        Some("url") => {
            let raw = text(obj, "proxyUrl")?.ok_or(NetworkSettingsError::MissingProxyUrl)?;
            let (url, from_url) = parse_proxy_url(&raw)
                .map_err(|problem| NetworkSettingsError::InvalidProxyUrl { problem })?;
            // The fields win over user info in the URL, as in Grafana.
            let auth = match text(obj, "proxyUsername")? {
                Some(username) => Some(ProxyAuth {
                    username,
                    password: Secret::new(secure.get("proxyPassword").cloned().unwrap_or_default()),
                }),
                None => from_url,
            };
            ProxyChoice::Url(ProxyServer { url, auth })
        }
        Some(other) => {
            return Err(NetworkSettingsError::UnknownProxyType {
                value: other.to_string(),
            })
        }
    };
    let ca_bundle = secure
        .get("caBundle")
        .filter(|v| !v.trim().is_empty())
        .map(|v| PemBundle::parse(v.as_bytes()))
        .transpose()
        .map_err(|problem| NetworkSettingsError::InvalidCaBundle { problem })?;
    Ok(NetworkSettings { proxy, ca_bundle })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real self-signed CA certificate (made with openssl for these tests).
    pub(crate) const TEST_CA: &str = include_str!("../../tests/fixtures/tls/test-ca.pem");

    fn parse_json(
        json: serde_json::Value,
        secure: &[(&str, &str)],
    ) -> Result<NetworkSettings, NetworkSettingsError> {
        let obj = json.as_object().cloned().unwrap_or_default();
        let secure = secure
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&obj, &secure)
    }

    #[test]
    fn absent_and_env_mean_the_environment() {
        for json in [
            serde_json::json!({}),
            serde_json::json!({"proxyType": "env"}),
        ] {
            assert_eq!(parse_json(json, &[]).unwrap(), NetworkSettings::default());
        }
        assert_eq!(
            parse_json(serde_json::json!({"proxyType": "none"}), &[])
                .unwrap()
                .proxy,
            ProxyChoice::Direct
        );
    }

    #[test]
    fn url_proxy_with_fields_or_user_info() {
        let s = parse_json(
            serde_json::json!({"proxyType": "url", "proxyUrl": "http://proxy.corp:3128", "proxyUsername": "grafana"}),
            &[("proxyPassword", "p@ss:word")],
        )
        .unwrap();
        let ProxyChoice::Url(server) = s.proxy else {
            panic!("not a url proxy")
        };
        assert_eq!(server.url.host_port(), "proxy.corp:3128");
        assert_eq!(server.url.as_uri_text(), "http://proxy.corp:3128");
        let auth = server.auth.unwrap();
        assert_eq!(
            (auth.username.as_str(), auth.password.expose()),
            ("grafana", "p@ss:word")
        );

        let (url, auth) = parse_proxy_url("https://u%40corp:s%3Acret@10.0.0.1").unwrap();
        assert_eq!(url.as_uri_text(), "https://10.0.0.1:443");
        let auth = auth.unwrap();
        assert_eq!(
            (auth.username.as_str(), auth.password.expose()),
            ("u@corp", "s:cret")
        );
        assert!(!format!("{url:?}").contains("cret"));
    }

    #[test]
    fn bad_proxy_settings_name_the_field() {
        let err = |json| parse_json(json, &[]).unwrap_err().to_string();
        assert!(err(serde_json::json!({"proxyType": "socks"})).contains("`proxyType`"));
        assert!(err(serde_json::json!({"proxyType": "url"})).contains("`proxyUrl` is empty"));
        let socks = err(serde_json::json!({"proxyType": "url", "proxyUrl": "socks5://p:1080"}));
        assert!(
            socks.contains("`proxyUrl`") && socks.contains("SOCKS"),
            "{socks}"
        );
        let path = err(serde_json::json!({"proxyType": "url", "proxyUrl": "http://p:1/x"}));
        assert!(path.contains("path"), "{path}");
        assert!(
            err(serde_json::json!({"proxyType": "url", "proxyUrl": "proxy"}))
                .contains("not a proxy URL")
        );
        assert!(err(serde_json::json!({"proxyType": 3})).contains("`proxyType`"));
    }

    #[test]
    fn ca_bundles_are_checked_without_quoting_them() {
        let ok = parse_json(serde_json::json!({}), &[("caBundle", TEST_CA)]).unwrap();
        assert_eq!(ok.ca_bundle.unwrap().certificates(), 1);

        let canary = "CANARY-PEM-CONTENT";
        let cases = [
            (
                format!("-----BEGIN CERTIFICATE-----\n{canary}\n"),
                PemProblem::MissingEnd,
            ),
            (
                format!("-----BEGIN CERTIFICATE-----\n{canary}!!\n-----END CERTIFICATE-----\n"),
                PemProblem::NotBase64,
            ),
            (format!("just text {canary}"), PemProblem::NoCertificates),
            (
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_string(),
                PemProblem::NotACertificate { index: 1 },
            ),
        ];
        for (pem, problem) in cases {
            let err = parse_json(serde_json::json!({}), &[("caBundle", &pem)]).unwrap_err();
            assert_eq!(err, NetworkSettingsError::InvalidCaBundle { problem });
            let text = err.to_string();
            assert!(
                text.contains("secureJsonData.caBundle") && !text.contains(canary),
                "{text}"
            );
        }
    }
}
