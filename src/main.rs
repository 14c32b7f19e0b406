#[tokio::main]
async fn main() -> std::process::ExitCode {
    seepferdchen::server::run_cli().await
}
