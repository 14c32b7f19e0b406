//! Server-only code: settings, database, HTTP stack and bootstrap.
pub mod clock;
pub mod config;
pub mod db;
pub mod http;
pub mod state;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use tokio::net::TcpListener;

use self::clock::Clock;
use self::config::{Cli, Command, Config, LogFormat};
use self::db::Db;
use self::state::AppState;

/// Entry point of the binary: parse and validate settings, then run the chosen command.
pub async fn run_cli() -> ExitCode {
    // A missing .env is normal; a broken one is reported like any bad setting.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("seepferdchen: invalid .env file: {e}");
            return ExitCode::from(2);
        }
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let config = match cli.settings.validate() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("seepferdchen: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => match serve(config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("seepferdchen: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Connects the database, runs migrations, binds and serves until SIGTERM or Ctrl-C; requests
/// in flight at that moment are finished before it returns.
pub async fn serve(config: Config) -> Result<(), String> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(config.bind_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind_addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let state = AppState::new(config, db.clone(), Clock::System);
    let app = http::router(state);
    tracing::info!(%addr, "listening");
    // Tests and scripts read this line to learn the port when BIND_ADDR ends in :0.
    println!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error: {e}"))?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests in flight");
}
