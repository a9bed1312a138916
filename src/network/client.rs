//! The SDK HTTP client of a data source (the edge): the same hyper and rustls client
//! `default-https-client` builds, given the data source's proxy, its extra trusted CAs, and a
//! proxy-free route for instance metadata.

use std::sync::Arc;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use thiserror::Error;

use crate::memory;

use super::route::{DirectHosts, ProxyPlan};
use super::trust::TrustedCa;

/// What user info may hold unescaped (RFC 3986 unreserved); the proxy matcher decodes it.
const USERINFO: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One SDK client: rustls with aws-lc (as the SDK's default), the system roots plus `extra`.
fn sdk_client(extra: &[TrustedCa], proxy: ProxyConfig) -> SharedHttpClient {
    let trust = extra.iter().fold(TrustStore::default(), |t, ca| {
        t.with_pem_certificate(ca.bundle.pem().to_vec())
    });
    let tls_context = TlsContext::builder().with_trust_store(trust).build();
    // Building a context only stores what it is given; it cannot fail in this version.
    let tls_context = tls_context.unwrap_or_default();
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut b = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(tls_context.clone());
        b.set_connector_settings(settings.cloned());
        if let Some(c) = components {
            b.set_sleep_impl(c.sleep_impl());
        }
        b.proxy_config(proxy.clone()).build()
    })
}

fn proxy_config(plan: &ProxyPlan) -> Result<ProxyConfig, ClientError> {
    Ok(match plan {
        ProxyPlan::Direct => ProxyConfig::disabled(),
        // The SDK reads the same variables Stratus reports from.
        ProxyPlan::Environment(_) => ProxyConfig::from_env(),
        ProxyPlan::Url(server) => {
            let config =
                ProxyConfig::all(server.url.as_uri_text()).map_err(|_| ClientError::ProxyUrl {
                    host_port: server.url.host_port(),
                })?;
            match &server.auth {
                Some(auth) => config.with_basic_auth(
                    utf8_percent_encode(&auth.username, USERINFO).to_string(),
                    utf8_percent_encode(auth.password.expose(), USERINFO).to_string(),
                ),
                None => config,
            }
        }
    })
}

/// The HTTP client could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClientError {
    /// The SDK's client refused a proxy URL Stratus accepted.
    #[error("The AWS SDK's HTTP client does not accept the proxy {host_port}. Check `proxyUrl` on the data source settings page.")]
    ProxyUrl {
        /// The proxy, without credentials.
        host_port: String,
    },
}

/// The HTTP client for a data source's calls.
pub fn http_client(
    plan: &ProxyPlan,
    direct: DirectHosts,
    extra: &[TrustedCa],
) -> Result<SharedHttpClient, ClientError> {
    let proxied = sdk_client(extra, proxy_config(plan)?);
    let routed = if *plan == ProxyPlan::Direct {
        proxied
    } else {
        SharedHttpClient::new(Routed {
            proxied,
            direct: sdk_client(extra, ProxyConfig::disabled()),
            hosts: Arc::new(direct),
        })
    };
    Ok(SharedHttpClient::new(Gated(routed)))
}

/// Holds a large answer, unread, until a decode slot is free; the slot rides in the
/// response's extensions, which the SDK keeps until it has parsed the answer and the call
/// returns.
#[derive(Debug)]
struct Gated(SharedHttpClient);

impl HttpClient for Gated {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(GatedConnector(self.0.http_connector(settings, components)))
    }
}

#[derive(Debug)]
struct GatedConnector(SharedHttpConnector);

impl HttpConnector for GatedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let call = self.0.call(request);
        HttpConnectorFuture::new(async move {
            let mut response = call.await?;
            let length = response
                .headers()
                .get(http::header::CONTENT_LENGTH.as_str())
                .and_then(|v| v.parse::<u64>().ok());
            if let Some(slot) = memory::decode_slot(length).await {
                response.add_extension(slot);
            }
            Ok(response)
        })
    }
}

/// Sends metadata calls over a proxy-free client and everything else over the proxied one.
#[derive(Debug)]
struct Routed {
    proxied: SharedHttpClient,
    direct: SharedHttpClient,
    hosts: Arc<DirectHosts>,
}

impl HttpClient for Routed {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(RoutedConnector {
            proxied: self.proxied.http_connector(settings, components),
            direct: self.direct.http_connector(settings, components),
            hosts: self.hosts.clone(),
        })
    }
}

#[derive(Debug)]
struct RoutedConnector {
    proxied: SharedHttpConnector,
    direct: SharedHttpConnector,
    hosts: Arc<DirectHosts>,
}

impl HttpConnector for RoutedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let direct = request
            .uri()
            .parse::<http::Uri>()
            .is_ok_and(|u| self.hosts.contains(&u));
        if direct {
            self.direct.call(request)
        } else {
            self.proxied.call(request)
        }
    }
}
