//! Server-only code: settings, database, HTTP stack and bootstrap.
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod certificate;
pub mod client_ip;
pub mod clock;
pub mod collation;
pub mod completions;
pub mod config;
pub mod content;
pub mod db;
pub mod http;
pub mod log_budget;
pub mod mail;
pub mod metrics;
pub mod ops;
pub mod quiz;
pub mod register;
pub mod reports;
pub mod state;
pub mod tracking;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use tokio::net::TcpListener;

use self::auth::password::Hasher;
use self::clock::Clock;
use self::config::{
    AdminCommand, Cli, Command, Config, ContentCommand, DemoCommand, KeysCommand, LogFormat,
    MailCommand,
};
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
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Admin(AdminCommand::Create { email, name }) => {
            create_first_admin(config, &email, &name).await
        }
        Command::Demo(DemoCommand::Seed) => seed_demo(config).await,
        Command::Demo(DemoCommand::Bench {
            people,
            units,
            courses,
        }) => seed_bench(config, people, units, courses).await,
        Command::Content(ContentCommand::Check) => check_content(&config),
        Command::Check => check_database(config).await,
        Command::Mail(MailCommand::Reminders) => mail_reminders(config).await,
        Command::Mail(MailCommand::Deliver) => mail_deliver(config).await,
        Command::Backup { to } => ops::backup(&config.database_url, &to).await,
        Command::Restore { from, force } => ops::restore(&config.database_url, &from, force).await,
        Command::Keys(KeysCommand::Export { to }) => {
            ops::export_keys(&config.database_url, &to).await
        }
        Command::Keys(KeysCommand::Import { from }) => {
            ops::import_keys(&config.database_url, &from).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("seepferdchen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `seepferdchen check`: recomputes the derived course status and reports every difference.
async fn check_database(config: Config) -> Result<(), String> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let drift = db::course_status::drift(&db)
        .await
        .map_err(|e| e.to_string());
    let summary = db::course_status::summary_drift(&db)
        .await
        .map_err(|e| e.to_string());
    db.close().await;
    let (drift, summary) = (drift?, summary?);
    if drift.is_empty() && summary.is_empty() {
        println!(
            "check ok: course status matches progress, completions and certificates, and the \
             Übersicht's counts match the course status"
        );
        return Ok(());
    }
    for (user, course, stored, expected) in &drift {
        println!("user {user}, course {course}: stored {stored:?}, expected {expected:?}");
    }
    for (unit, course, stored, counted) in &summary {
        println!(
            "unit {unit}, course {course}: counted [valid, expiring, expired, started] \
             {stored:?}, recounted {counted:?}"
        );
    }
    Err(format!(
        "{} course status rows differ from their sources, {} unit counts from the course status",
        drift.len(),
        summary.len()
    ))
}

/// `seepferdchen mail reminders`.
async fn mail_reminders(config: Config) -> Result<(), String> {
    if !config.mail.enabled() {
        return Err("E-Mail ist aus (SMTP_URL oder MAIL_MODE=file setzen)".into());
    }
    let state = offline_state(config).await?;
    let report = mail::reminders::run(&state).await;
    state.db.close().await;
    match report.map_err(|e| e.to_string())? {
        Some(r) => {
            println!(
                "Erinnerungen: {} E-Mails, Wochenübersichten: {}, auf morgen verschoben: {}",
                r.reminder_mails, r.digests, r.deferred
            );
            Ok(())
        }
        None => Err("Eine andere Instanz erledigt den Lauf gerade; nichts getan".into()),
    }
}

/// `seepferdchen mail deliver`.
async fn mail_deliver(config: Config) -> Result<(), String> {
    let transport = mail::Transport::from_config(&config.mail)?
        .ok_or("E-Mail ist aus (SMTP_URL oder MAIL_MODE=file setzen)")?;
    let state = offline_state(config).await?;
    let started = std::time::Instant::now();
    let mut handled = 0;
    let result = loop {
        match mail::deliver_batch(&state, &transport).await {
            Ok(0) => break Ok(()),
            Ok(n) => handled += n,
            Err(e) => break Err(e.to_string()),
        }
    };
    state.db.close().await;
    result?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "delivered {handled} mails in {seconds:.2} s ({:.0} mails/s)",
        handled as f64 / seconds.max(1e-9)
    );
    Ok(())
}

/// Database and state for a command that does not serve.
async fn offline_state(config: Config) -> Result<AppState, String> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let hasher = Hasher::new(1)?;
    let key = certificate::load_or_create_key(&db, Clock::System.now()).await?;
    let catalog = content::load(&config.content_dir).unwrap_or_default();
    let clock = match &config.test_clock_file {
        Some(path) => Clock::OffsetFile(std::sync::Arc::new(path.clone())),
        None => Clock::System,
    };
    Ok(AppState::new(config, db, clock, hasher, catalog, key))
}

async fn create_first_admin(config: Config, email: &str, name: &str) -> Result<(), String> {
    let state = offline_state(config).await?;
    let t = crate::i18n::Locale::De.texts();
    if db::users::count_admins(&state.db)
        .await
        .map_err(|e| e.to_string())?
        > 0
    {
        return Err(
            "this installation already has an admin; add further admins in the web interface"
                .into(),
        );
    }
    let input = accounts::NewUserInput {
        display_name: name.to_string(),
        email: accounts::normalize_email(email),
        org_unit_id: None,
        role: crate::model::Role::Admin,
    };
    let link = accounts::create_user(&state, None, &input, t)
        .await
        .map_err(|e| match e {
            crate::error::AppError::Fields(fields) => fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.message(t),
        })?;
    println!(
        "Admin {} angelegt. Einmal-Link zum Festlegen des Passworts (7 Tage gültig):",
        input.email
    );
    println!("{}", link.url);
    state.db.close().await;
    Ok(())
}

async fn seed_bench(
    config: Config,
    people: usize,
    units: usize,
    courses: usize,
) -> Result<(), String> {
    if people == 0
        || units == 0
        || courses == 0
        || people > 1_000_000
        || units > 10_000
        || courses > 200
    {
        return Err("bench sizes: 1..=1000000 people, 1..=10000 units, 1..=200 courses".into());
    }
    let state = offline_state(config).await?;
    let size = accounts::bench::BenchSize {
        people,
        units,
        courses,
    };
    let started = std::time::Instant::now();
    accounts::bench::seed(&state.db, size, Clock::System.now())
        .await
        .map_err(|e| e.message(crate::i18n::Locale::De.texts()))?;
    println!(
        "Benchmarkdaten angelegt: {people} Personen, {units} Organisationseinheiten, {courses} Kurse ({:.1} s).",
        started.elapsed().as_secs_f64()
    );
    state.db.close().await;
    Ok(())
}

async fn seed_demo(config: Config) -> Result<(), String> {
    let state = offline_state(config).await?;
    let seeded = accounts::demo::seed(&state)
        .await
        .map_err(|e| e.message(crate::i18n::Locale::De.texts()))?;
    if seeded {
        println!("Demodaten angelegt.");
    } else {
        println!("Es gibt bereits Benutzer: keine Demodaten angelegt.");
    }
    println!(
        "Demo-Zugänge (Passwort für alle: {}):",
        accounts::demo::DEMO_PASSWORD
    );
    for (what, email) in accounts::demo::logins() {
        println!("  {what:<22} {email}");
    }
    state.db.close().await;
    Ok(())
}

fn init_tracing(config: &Config) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = match config.log_format {
        LogFormat::Json => fmt.json().boxed(),
        LogFormat::Text => fmt.boxed(),
    };
    let _ = tracing_subscriber::registry()
        .with(
            fmt.with_filter(filter)
                .with_filter(log_budget::LogBudget::default()),
        )
        .try_init();
}

/// Connects the database, runs migrations, binds and serves until SIGTERM or Ctrl-C; requests
/// in flight at that moment are finished before it returns.
pub async fn serve(config: Config) -> Result<(), String> {
    release_large_blocks();
    let catalog = load_content(&config)?;
    for gap in unfilled_placeholders(&catalog) {
        tracing::warn!(
            gap = gap.trim(),
            "unfilled placeholder in a published course"
        );
    }
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(config.bind_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind_addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // No Nagle delay: a response written in more than one piece (static files) must not wait
    // for the client's delayed ACK (40 ms on Linux).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY");
        }
    });
    let mut config = config;
    // Without PUBLIC_BASE_URL, links point at the address actually bound (BIND_ADDR may end in :0).
    if config.public_base_url == format!("http://{}", config.bind_addr) {
        config.public_base_url = format!("http://{addr}");
    }
    let hasher = Hasher::new(hash_concurrency())?;
    let key = certificate::load_or_create_key(&db, Clock::System.now()).await?;
    let clock = match &config.test_clock_file {
        Some(path) => {
            tracing::warn!(path = %path.display(), "TEST_CLOCK_FILE is set: the clock can be moved (tests only)");
            Clock::OffsetFile(std::sync::Arc::new(path.clone()))
        }
        None => Clock::System,
    };
    let transport = mail::Transport::from_config(&config.mail)?;
    let state = AppState::new(config, db.clone(), clock, hasher, catalog, key);
    tokio::spawn(return_free_memory());
    match transport {
        Some(transport) => {
            tracing::info!(mode = ?state.config.mail.mode, "mail on: the outbox is delivered");
            if state.db.backend == db::Backend::Sqlite {
                let released = db::outbox::release_all(&state.db)
                    .await
                    .map_err(|e| e.to_string())?;
                if released > 0 {
                    tracing::info!(released, "mails claimed before a restart are queued again");
                }
            }
            tokio::spawn(mail::worker(state.clone(), transport));
            if state.config.mail.reminders {
                tokio::spawn(mail::reminders::timer(state.clone()));
            }
        }
        None => tracing::info!("mail off (no SMTP_URL): password links are shown on screen"),
    }
    let app = http::router(state);
    tracing::info!(%addr, "listening");
    // Tests and scripts read this line to learn the port when BIND_ADDR ends in :0.
    println!("listening on http://{addr}");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    // Requests in flight get a few seconds after the signal; a connection that never finishes
    // (a stalled client, a render that hangs) must not keep the process from stopping.
    let deadline = async move {
        let mut stop_rx = stop_rx;
        let _ = stop_rx.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result.map_err(|e| format!("server error: {e}"))?,
        () = deadline => tracing::warn!("requests still open after {SHUTDOWN_GRACE:?}; stopping anyway"),
    }
    if tokio::time::timeout(std::time::Duration::from_secs(2), db.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections did not close in time");
    }
    tracing::info!("stopped");
    Ok(())
}

/// How long requests in flight may take after SIGTERM before the process stops anyway.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(8);

/// Hands memory that a burst of requests freed back to the system when the server is idle. glibc
/// keeps freed blocks in its per-thread arenas for reuse, so after an overload the process
/// would stay at its peak for good although nothing is in use any more.
async fn return_free_memory() {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
    loop {
        tick.tick().await;
        // Only while nothing is being answered: trimming holds the allocator's locks.
        if http::requests_in_flight() > 0 {
            continue;
        }
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only returns free memory of the allocator's own heaps.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Every allocation of 1 MiB or more gets its own mapping, returned to the system when freed.
/// Without this, glibc raises its threshold after the first argon2 hash (19 MiB) and keeps
/// that much memory per hashing thread resident for good.
fn release_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread
    // of ours allocates large blocks.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Loads the courses; any problem stops the start, listing each with file and line.
fn load_content(config: &Config) -> Result<content::Catalog, String> {
    content::load(&config.content_dir).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!(
            "invalid course content in {} ({} problems):\n{}",
            config.content_dir.display(),
            errors.len(),
            list.join("\n")
        )
    })
}

/// `seepferdchen content check`: validates the content, prints what it measures per module and
/// course (the table in content/README.md), and fails on a broken rule or a template gap.
fn check_content(config: &Config) -> Result<(), String> {
    let catalog = load_content(config)?;
    let gaps = unfilled_placeholders(&catalog);
    let (courses, modules, questions, words) = catalog.counts();
    println!(
        "content ok: {courses} courses, {modules} modules, {questions} questions, {words} words"
    );
    let mut problems = Vec::new();
    for c in &catalog.courses {
        let m = content::measure::measure(c);
        print!("{}", measure_table(c, &m));
        problems.extend(m.problems.iter().map(|p| format!("  {}: {p}", c.slug)));
    }
    for (page, gaps) in page_placeholders(config) {
        println!(
            "warning: seiten/{page}.md has {gaps} placeholders to fill in for this installation"
        );
    }
    if !gaps.is_empty() {
        problems.push(format!(
            "  unfilled placeholders in published courses ({}): replace them with the \
             organisation's own details, or show the KI-Register with a line {{{{ki-register}}}}:\n{}",
            gaps.len(),
            gaps.join("\n")
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the content breaks {} rules:\n{}",
            problems.len(),
            problems.join("\n")
        ))
    }
}

/// One course as a Markdown table: a row per module and the course's totals.
fn measure_table(c: &content::Course, m: &content::measure::CourseMeasure) -> String {
    use content::measure::{QuestionStats, Readability};
    use std::fmt::Write;
    let row = |name: &str, r: &Readability, pics: String, q: &QuestionStats| {
        format!(
            "| {name} | {} | {:.1} | {:.1} | {pics} | {} ({}/{}/{}/{}) | {} ({} %) | {}/{} | {}/{} | {}/{} |\n",
            r.words,
            r.minutes(),
            r.flesch_amstad(),
            q.total(),
            q.single,
            q.multiple,
            q.truefalse,
            q.ordering,
            q.scenario,
            q.scenario_percent(),
            q.keyed_true,
            q.truefalse,
            q.options_right,
            q.options_wrong,
            q.key_longest,
            q.single,
        )
    };
    let mut out = format!(
        "\n{} ({}, version {}, hash {}): final test draws {} of {} questions, {} minutes, pass \
         mark {} %\n\n| module | words | reading min | Flesch-Amstad | pictures (described) | \
         questions (single/multiple/true-false/ordering) | scenarios | true/false keyed true | \
         multiple-choice options right/wrong | single choice with the key longest |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        c.slug,
        c.level.code(),
        c.version,
        c.hash,
        c.final_test.question_count,
        c.final_pool.len(),
        c.final_test
            .time_limit_minutes
            .map_or("no limit".to_string(), |t| t.to_string()),
        c.final_test.pass_mark_percent,
    );
    for module in &m.modules {
        let warning = if module.pictures == 0 {
            " (warning: no picture)"
        } else {
            ""
        };
        let _ = write!(
            out,
            "{}",
            row(
                &module.id,
                &module.reading,
                format!("{} ({}){warning}", module.pictures, module.described),
                &module.questions,
            )
        );
    }
    let pictures: usize = m.modules.iter().map(|x| x.pictures).sum();
    let described: usize = m.modules.iter().map(|x| x.described).sum();
    let _ = write!(
        out,
        "{}",
        row(
            "**course**",
            &m.reading,
            format!("{pictures} ({described})"),
            &m.questions
        )
    );
    out
}

/// Placeholders (`[Bitte ergänzen: …]`) per built-in page: the installation fills them in, so
/// they warn rather than fail.
fn page_placeholders(config: &Config) -> Vec<(String, usize)> {
    let Ok(dir) = std::fs::read_dir(config.content_dir.join("seiten")) else {
        return Vec::new();
    };
    let mut pages: Vec<(String, usize)> = dir
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let name = path.file_name()?.to_str()?.strip_suffix(".md")?.to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            let n = content::placeholders(&text, 1).len();
            (n > 0).then_some((name, n))
        })
        .collect();
    pages.sort();
    pages
}

/// Template gaps ("[Name des Werkzeugs]") left in published courses, one line each: staff
/// would be taught and certified on a placeholder.
pub fn unfilled_placeholders(catalog: &content::Catalog) -> Vec<String> {
    catalog
        .published()
        .flat_map(|c| {
            c.modules.iter().flat_map(move |m| {
                m.placeholders
                    .iter()
                    .map(move |(line, text)| format!("  {}/{} line {line}: {text}", c.slug, m.id))
            })
        })
        .collect()
}

/// At most one password hash per core at a time, leaving room for page serving.
pub fn hash_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .div_ceil(2)
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
