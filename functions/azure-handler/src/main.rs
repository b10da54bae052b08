//! `azure-handler`: the custom-handler web server the Azure Functions host starts.

use anyhow::Context as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    azure_handler::init_logging();
    let port: u16 = std::env::var("FUNCTIONS_CUSTOMHANDLER_PORT")
        .unwrap_or_else(|_| "8080".into())
        .parse()
        .context("FUNCTIONS_CUSTOMHANDLER_PORT is not a port number")?;
    let app = azure_handler::App::from_env(tokio::runtime::Handle::current())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    tracing::info!(port, "custom handler listening");
    axum::serve(listener, azure_handler::router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving")
}
