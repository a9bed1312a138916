//! `gpx_stratus`: started by Grafana, it performs the go-plugin handshake and serves the
//! plugin protocol until Grafana stops it; started by a person with a subcommand (`check`,
//! `query`), it runs the same code paths from the command line.

use clap::Parser;
use stratus::app::Plugin;
use stratus::cli::Cli;
use stratus::grpc;
use stratus::observability::{logging, traces};

/// go-plugin's magic cookie: Grafana sets it when it starts a backend plugin.
const MAGIC_COOKIE: &str = "grafana_plugin_type";

/// Worker stacks larger than tokio's 2 MiB: a request's future nests the SDK's futures, and
/// an overflow would end the process (untouched stack costs no memory).
const WORKER_STACK: usize = 8 << 20;

fn main() -> std::process::ExitCode {
    stratus::memory::keep_freed_memory_for_reuse();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK)
        // Named after the executable, so `top -H` and perf tell the plugin's threads apart.
        .thread_name("gpx_stratus")
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("could not start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> std::process::ExitCode {
    // Grafana starts the plugin without arguments; anything else is a person at a shell.
    if std::env::args_os().len() > 1 || std::env::var_os(MAGIC_COOKIE).is_none() {
        let cli = Cli::parse();
        logging::init_cli();
        return stratus::cli::run(cli).await;
    }
    // Traces only when Grafana passes its OTLP settings; otherwise nothing is installed.
    let tracer = traces::TraceSettings::from_env().and_then(|t| match traces::provider(&t) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("tracing disabled: cannot export to {}: {e}", t.endpoint());
            None
        }
    });
    logging::init(tracer.as_ref());
    let plugin = Plugin::from_env();
    // grafana-plugin-sdk prints go-plugin's handshake line for the listener it opens.
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
    match grpc::serve(listener, plugin).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "gRPC server stopped");
            std::process::ExitCode::FAILURE
        }
    }
}
