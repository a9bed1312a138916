//! `gpx_stratus`: started by Grafana, it performs the go-plugin handshake and serves the
//! plugin protocol until Grafana stops it.

use stratus::policy::Policy;
use stratus::server::{self, Plugin};

/// go-plugin's magic cookie: Grafana sets it when it starts a backend plugin.
const MAGIC_COOKIE: &str = "grafana_plugin_type";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if std::env::var_os(MAGIC_COOKIE).is_none() {
        eprintln!(
            "gpx_stratus is the Stratus CloudWatch data source backend. Grafana starts it; \
             install the plugin folder into Grafana's plugins directory instead of running it directly."
        );
        return std::process::ExitCode::from(2);
    }
    stratus::logging::init();
    let plugin = Plugin::new(Policy::from_env());
    let listener = match grafana_plugin_sdk::backend::initialize().await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "could not open the plugin's gRPC listener");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "Stratus plugin started"
    );
    match server::serve(listener, plugin).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "gRPC server stopped");
            std::process::ExitCode::FAILURE
        }
    }
}
