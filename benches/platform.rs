//! `make bench`: measures the platform against its targets and writes a Markdown table to
//! target/bench/report.md (and stdout). `BENCH_SMOKE=1` runs tiny sizes without targets, so
//! `make test` keeps this code from rotting. Rows not measured yet are listed as such.
use std::time::{Duration, Instant};

#[path = "load/mod.rs"]
mod load;

use seepferdchen::server::auth::password::Hasher;
use seepferdchen::server::certificate::{pdf, Payload};

struct Row {
    name: String,
    value: String,
    target: String,
    met: Option<bool>,
    note: String,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn payload(i: usize) -> Payload {
    Payload {
        code: format!("{:0>26}", i),
        holder: format!("Beschäftigte Nummer {i}"),
        course: "ki-seepferdchen".into(),
        course_title: "KI-Seepferdchen".into(),
        level: "seepferdchen".into(),
        content_version: "1.1 (c764859be2fb)".into(),
        completed_on: "2026-11-26".into(),
        valid_until: "2028-11-26".into(),
        issuer: "Stadt Musterstadt".into(),
        topics: (1..=8)
            .map(|m| format!("Modul {m}: ein Thema mit einem längeren Titel"))
            .collect(),
        key_id: "0123456789abcdef".into(),
        format: None,
    }
}

fn pdf_rows(n: usize, smoke: bool) -> Vec<Row> {
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let p = payload(i);
        let t0 = Instant::now();
        let bytes =
            pdf::render(&p, "https://lernen.musterstadt.example/verify/0000", None).expect("pdf");
        times.push(t0.elapsed());
        assert!(bytes.starts_with(b"%PDF-"));
    }
    times.sort();
    let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
    vec![Row {
        name: format!("Certificate PDF generation (n = {n})"),
        value: format!("median {:.1} ms, p95 {:.1} ms", ms(p50), ms(p95)),
        target: "p95 ≤ 30 ms".into(),
        met: (!smoke).then_some(ms(p95) <= 30.0),
        note: "krilla + qrcode, embedded DejaVu Sans subset, one core".into(),
    }]
}

fn login_rows(n: usize) -> Vec<Row> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let hasher = Hasher::new(1).expect("hasher");
    let hash = rt
        .block_on(hasher.hash("Ein langes Benchmark-Passwort"))
        .expect("hash");
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t0 = Instant::now();
        let ok = rt
            .block_on(hasher.verify(Some(&hash), "Ein langes Benchmark-Passwort"))
            .expect("verify");
        times.push(t0.elapsed());
        assert!(ok);
    }
    times.sort();
    vec![Row {
        name: format!("Login: argon2id verification (m = 19 MiB, t = 2, p = 1; n = {n})"),
        value: format!("median {:.1} ms", ms(percentile(&times, 0.5))),
        target: "(cost by design; at most one hash per core at a time)".into(),
        met: None,
        note: "the cap keeps a login flood from starving page serving".into(),
    }]
}

fn size_rows(site: &std::path::Path) -> Vec<Row> {
    let mut rows = Vec::new();
    // The files carry a content hash in their names (pkg/assets.txt).
    let name = seepferdchen::server::state::asset_name(site);
    for (label, file) in [
        ("wasm", format!("{name}_bg.wasm")),
        ("JS", format!("{name}.js")),
    ] {
        let base = site.join("pkg").join(&file);
        let size = |ext: &str| {
            let p = if ext.is_empty() {
                base.clone()
            } else {
                base.with_file_name(format!("{file}.{ext}"))
            };
            std::fs::metadata(p).map(|m| m.len() as f64 / 1024.0).ok()
        };
        match (size(""), size("gz"), size("br")) {
            (Some(raw), Some(gz), Some(br)) => {
                let is_wasm = label == "wasm";
                rows.push(Row {
                    name: format!("Client: {label} size"),
                    value: format!("{raw:.0} KB raw, {gz:.0} KB gzip, {br:.0} KB brotli"),
                    target: if is_wasm {
                        "≤ 100 KB brotli".into()
                    } else {
                        "–".into()
                    },
                    met: is_wasm.then_some(br <= 100.0),
                    note: if is_wasm && br > 100.0 {
                        "islands: only interactive components are in the wasm".into()
                    } else {
                        String::new()
                    },
                });
            }
            _ => rows.push(Row {
                name: format!("Client: {label} size"),
                value: "site not built (run make build)".into(),
                target: "≤ 100 KB brotli".into(),
                met: None,
                note: String::new(),
            }),
        }
    }
    rows
}

/// Times `f` `n` times; (median, p95).
async fn timed<F, Fut, T>(n: usize, mut f: F) -> (Duration, Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::with_capacity(n);
    let mut last = None;
    for _ in 0..n {
        let t0 = Instant::now();
        last = Some(f().await);
        times.push(t0.elapsed());
    }
    times.sort();
    (
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        last.expect("n > 0"),
    )
}

/// The settings of an installation that sets nothing.
fn default_config() -> Result<seepferdchen::server::config::Config, String> {
    use clap::Parser;
    seepferdchen::server::config::Cli::try_parse_from(["seepferdchen"])
        .map_err(|e| e.to_string())?
        .settings
        .validate()
        .map_err(|e| e.to_string())
}

/// Application state on a bench database with a fixed clock and no courses.
fn bench_state(
    db: &seepferdchen::server::db::Db,
    now: i64,
    config: seepferdchen::server::config::Config,
) -> Result<seepferdchen::server::state::AppState, String> {
    Ok(seepferdchen::server::state::AppState::new(
        config,
        db.clone(),
        seepferdchen::server::clock::Clock::fixed(now),
        Hasher::new(1)?,
        seepferdchen::server::content::Catalog::default(),
        seepferdchen::server::certificate::CertificateKey::generate(),
    ))
}

/// The coordinator view on seeded data (10,000 people × 20 courses; tiny in the smoke run):
/// dashboard of all units, one unit's people list, CSV export of the whole matrix.
async fn coordinator_rows(backend: &str, url: &str, smoke: bool) -> Result<Vec<Row>, String> {
    use seepferdchen::server::accounts::bench::{seed, BenchSize};
    use seepferdchen::server::reports;
    let size = if smoke {
        BenchSize {
            people: 200,
            units: 10,
            courses: 4,
        }
    } else {
        BenchSize::FULL
    };
    let db = seepferdchen::server::db::Db::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let now = 1_800_000_000;
    let t0 = Instant::now();
    let units = seed(&db, size, now).await.map_err(|e| format!("{e:?}"))?;
    let seeded = t0.elapsed();
    let state = bench_state(&db, now, default_config()?)?;
    let admin = bench_admin();
    let n = if smoke { 2 } else { 20 };
    let top = reports::DashboardQuery::default();
    let (d50, d95, dash) = timed(n, || reports::dashboard(&state, &admin, &top)).await;
    let dash = dash.map_err(|e| format!("{e:?}"))?;
    let leaf = *units.last().ok_or("no units")?;
    let filter = reports::PeopleFilter {
        unit: Some(leaf),
        ..Default::default()
    };
    let (u50, u95, page) = timed(n, || reports::people(&state, &admin, &filter, 1)).await;
    let page = page.map_err(|e| format!("{e:?}"))?;
    let (c50, _, csv) = timed(if smoke { 1 } else { 3 }, || async {
        let sel = reports::select(&state, &admin, &reports::PeopleFilter::default()).await?;
        let rows: usize = sel.entries.iter().map(Vec::len).sum();
        let quotas = reports::unit_quotas(&state, &sel).await?;
        let text = reports::csv::status_matrix(
            &state,
            &sel,
            &quotas,
            seepferdchen::i18n::Locale::De.texts(),
        );
        Ok::<_, seepferdchen::error::AppError>((rows, text.len()))
    })
    .await;
    let (csv_rows, csv_bytes) = csv.map_err(|e| format!("{e:?}"))?;
    db.close().await;
    let pairs = dash.total.total();
    let label = format!("{}×{} on {backend}", size.people, size.courses);
    Ok(vec![
        Row {
            name: format!("Dashboard, all {} units ({label})", dash.units.len()),
            value: format!(
                "median {:.1} ms, p95 {:.1} ms ({pairs} pairs)",
                ms(d50),
                ms(d95)
            ),
            target: "≤ 150 ms".into(),
            met: (!smoke).then_some(ms(d50) <= 150.0),
            note: "aggregates per unit and course in SQL; half the courses due \"within N days\", 1 in 20 people joined after those began".into(),
        },
        Row {
            name: format!(
                "Dashboard, one unit's people ({} people; {label})",
                page.total
            ),
            value: format!("median {:.1} ms, p95 {:.1} ms", ms(u50), ms(u95)),
            target: "≤ 15 ms".into(),
            met: (!smoke).then_some(ms(u50) <= 15.0),
            note: "status matrix of the unit in Rust".into(),
        },
        Row {
            name: format!(
                "CSV export of the full matrix ({csv_rows} rows, {:.1} MB; {label})",
                csv_bytes as f64 / 1e6
            ),
            value: format!("{:.0} ms", ms(c50)),
            target: "≤ 2 s".into(),
            met: (!smoke).then_some(ms(c50) <= 2000.0),
            note: format!("seeding took {:.1} s", seeded.as_secs_f64()),
        },
    ])
}

/// Runs `f` with the URL of a PostgreSQL database created for it and dropped afterwards
/// (TEST_POSTGRES_URL names the server's admin database).
fn on_fresh_postgres<T, F, Fut>(
    rt: &tokio::runtime::Runtime,
    prefix: &str,
    f: F,
) -> Result<T, String>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let admin_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&admin_url)
            .await
            .map_err(|e| format!("PostgreSQL not reachable at {admin_url}: {e}"))?;
        let name = format!("seepferdchen_{prefix}_{}", std::process::id());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .map_err(|e| e.to_string())?;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let result = f(format!("{base}/{name}")).await;
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await;
        result
    })
}

fn coordinator_all(smoke: bool) -> Vec<Row> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = format!("sqlite://{}/bench.db", dir.path().display());
    match rt.block_on(coordinator_rows("SQLite", &sqlite, smoke)) {
        Ok(r) => rows.extend(r),
        Err(e) => panic!("coordinator bench on SQLite: {e}"),
    }
    let pg = on_fresh_postgres(&rt, "bench", |url| async move {
        coordinator_rows("PostgreSQL", &url, smoke).await
    });
    match pg {
        Ok(r) => rows.extend(r),
        Err(e) => rows.push(Row {
            name: "Coordinator view on PostgreSQL".into(),
            value: "not measured".into(),
            target: "see above".into(),
            met: None,
            note: e,
        }),
    }
    rows
}

/// The coordinator views at the size of a Landesverwaltung (issue 22): 100,000 people in 500
/// units with 20 courses, on both backends, beside the 10,000 of the coordinator group.
fn land_all(smoke: bool) -> Vec<Row> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let size = if smoke {
        seepferdchen::server::accounts::bench::BenchSize {
            people: 500,
            units: 20,
            courses: 4,
        }
    } else {
        seepferdchen::server::accounts::bench::BenchSize {
            people: 100_000,
            units: 500,
            courses: 20,
        }
    };
    // The same views at the coordinator group's size, for the growth rows.
    let small = if smoke {
        seepferdchen::server::accounts::bench::BenchSize {
            people: 100,
            units: 10,
            courses: 4,
        }
    } else {
        seepferdchen::server::accounts::bench::BenchSize::FULL
    };
    let mut rows = Vec::new();
    for backend in ["SQLite", "PostgreSQL"] {
        let run = |size| {
            let rt = &rt;
            move || -> Result<(Vec<Row>, [f64; 3]), String> {
                if backend == "SQLite" {
                    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
                    let url = format!("sqlite://{}/land.db", dir.path().display());
                    rt.block_on(land_rows(backend, &url, size, smoke))
                } else {
                    on_fresh_postgres(rt, "land", |url| async move {
                        land_rows(backend, &url, size, smoke).await
                    })
                }
            }
        };
        match (run(small)(), run(size)()) {
            (Ok((_, before)), Ok((big, after))) => {
                rows.extend(big);
                let times = |v: f64, unit: &str| format!("{v:.1} {unit}");
                rows.push(Row {
                    name: format!(
                        "Growth on {backend}: {}×{} in {} units → {}×{} in {} units",
                        small.people, small.courses, small.units, size.people, size.courses, size.units
                    ),
                    value: format!(
                        "Übersicht {} → {} (×{:.1}); one unit {} → {} (×{:.1}); status CSV {} → {} (×{:.1})",
                        times(before[0], "ms"),
                        times(after[0], "ms"),
                        after[0] / before[0].max(0.001),
                        times(before[1], "ms"),
                        times(after[1], "ms"),
                        after[1] / before[1].max(0.001),
                        times(before[2], "s"),
                        times(after[2], "s"),
                        after[2] / before[2].max(0.001),
                    ),
                    target: "–".into(),
                    met: None,
                    note: "medians".into(),
                });
            }
            (Err(e), _) | (_, Err(e)) if backend == "PostgreSQL" => rows.push(Row {
                name: "Land-scale coordinator views on PostgreSQL".into(),
                value: "not measured".into(),
                target: "see above".into(),
                met: None,
                note: e,
            }),
            (Err(e), _) | (_, Err(e)) => panic!("land bench on {backend}: {e}"),
        }
    }
    rows
}

/// An admin who is nobody: the benchmarks call the reports as one.
fn bench_admin() -> seepferdchen::server::auth::authz::Actor {
    seepferdchen::server::auth::authz::Actor {
        user: seepferdchen::server::db::users::UserRecord {
            id: 0,
            email: "bench@bench.example".into(),
            display_name: "Bench".into(),
            role: seepferdchen::model::Role::Admin,
            active: true,
            org_unit_id: None,
            has_password: false,
            unit_since: 0,
            ai_coordinator: false,
        },
        scope: seepferdchen::server::auth::authz::Scope::All,
    }
}

/// Resident memory of this process (VmRSS), in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn land_rows(
    backend: &str,
    url: &str,
    size: seepferdchen::server::accounts::bench::BenchSize,
    smoke: bool,
) -> Result<(Vec<Row>, [f64; 3]), String> {
    use futures::StreamExt;
    use seepferdchen::server::accounts::bench::seed;
    use seepferdchen::server::reports::{self, DashboardQuery};
    let db = seepferdchen::server::db::Db::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let now = 1_800_000_000;
    let t0 = Instant::now();
    let units = seed(&db, size, now).await.map_err(|e| format!("{e:?}"))?;
    let seeded = t0.elapsed();
    let state = bench_state(&db, now, default_config()?)?;
    let admin = bench_admin();
    let n = if smoke { 2 } else { 10 };
    let top = DashboardQuery::default();
    let (d50, d95, dash) = timed(n, || reports::dashboard(&state, &admin, &top)).await;
    let dash = dash.map_err(|e| format!("{e:?}"))?;
    // One Abteilung as its page shows it: its figures with the path, and its people.
    let leaf = *units.last().ok_or("no units")?;
    let one = DashboardQuery {
        unit: Some(leaf),
        ..Default::default()
    };
    let filter = reports::PeopleFilter {
        unit: Some(leaf),
        ..Default::default()
    };
    let (u50, u95, page) = timed(n, || async {
        let (d, p) = tokio::try_join!(
            reports::dashboard(&state, &admin, &one),
            reports::people(&state, &admin, &filter, 1)
        )?;
        Ok::<_, seepferdchen::error::AppError>((d, p))
    })
    .await;
    let (_, page) = page.map_err(|e| format!("{e:?}"))?;
    // The status list of everyone, streamed; memory sampled after every chunk.
    #[cfg(target_os = "linux")]
    unsafe {
        // Give back what seeding left in the allocator, so the growth below is the stream's.
        libc::malloc_trim(0);
    }
    let before = rss_mb();
    let t1 = Instant::now();
    let (people, chunks) = reports::status_csv_stream(
        &state,
        &admin,
        reports::PeopleFilter::default(),
        seepferdchen::i18n::Locale::De.texts(),
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    let mut chunks = std::pin::pin!(chunks);
    let (mut bytes, mut rows_out, mut peak) = (0usize, 0usize, before);
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        bytes += chunk.len();
        rows_out += chunk.iter().filter(|b| **b == b'\n').count();
        peak = peak.max(rss_mb());
    }
    let streamed = t1.elapsed();
    db.close().await;
    let label = format!(
        "{}×{} in {} units on {backend}",
        size.people, size.courses, size.units
    );
    let figures = [ms(d50), ms(u50), streamed.as_secs_f64()];
    Ok((
        vec![
            Row {
                name: format!(
                    "Übersicht, top level ({} of {} units shown; {label})",
                    dash.units.len(),
                    size.units
                ),
                value: format!("median {:.1} ms, p95 {:.1} ms", ms(d50), ms(d95)),
                target: "≤ 150 ms".into(),
                met: (!smoke).then_some(ms(d50) <= 150.0),
                note: "counts per unit and course kept by triggers; see the note".into(),
            },
            Row {
                name: format!(
                    "One unit's drill-down: figures, path and its {} people ({label})",
                    page.total
                ),
                value: format!("median {:.1} ms, p95 {:.1} ms", ms(u50), ms(u95)),
                target: "≤ 30 ms".into(),
                met: (!smoke).then_some(ms(u50) <= 30.0),
                note: "counts only the unit's subtree".into(),
            },
            Row {
                name: format!(
                    "Status CSV streamed ({people} people, {} rows, {:.0} MB; {label})",
                    rows_out.saturating_sub(1),
                    bytes as f64 / 1e6
                ),
                value: format!(
                    "{:.1} s, memory {before:.0} → peak {peak:.0} MB",
                    streamed.as_secs_f64()
                ),
                target: "RSS < 100 MB".into(),
                met: (!smoke).then_some(peak < 100.0),
                note: format!("seeding took {:.0} s", seeded.as_secs_f64()),
            },
        ],
        figures,
    ))
}

/// The HR export of a Kreis: `people` rows, units as "Dezernat d / Amt a" paths; `variant`
/// 1 is next month's file (changed names and units, leavers missing, new people).
fn hr_export(people: usize, variant: u8) -> String {
    let mut csv = String::from("Personalnr.;Nachname;Vorname;Amt;E-Mail-Adresse\r\n");
    for i in 0..people {
        if variant == 1 && i % 100 == 1 {
            continue; // left
        }
        let moved = variant == 1 && i % 100 == 2;
        let (d, a) = (i % 5 + 1, (i / 5) % 10 + 1 + usize::from(moved));
        let last = if variant == 1 && i % 50 == 3 {
            "Neumann".to_string()
        } else {
            format!("Nachname{i}")
        };
        csv.push_str(&format!(
            "P{i:06};{last};Vorname;Dezernat {d} / Amt {d}{a:02};person{i}@kreis.example\r\n"
        ));
    }
    if variant == 1 {
        for i in people..people + people / 100 {
            csv.push_str(&format!(
                "P{i:06};Neu{i};Vorname;Dezernat 1 / Amt 101;person{i}@kreis.example\r\n"
            ));
        }
    }
    csv
}

/// Import with mapping and sync at Kreis size: 10,000 people from an HR export whose units
/// are created in the same import, then next month's export (changes, leavers, new people)
/// with deactivation. Preview and commit are timed together, as a coordinator waits for both.
async fn import_rows(backend: &str, url: &str, smoke: bool) -> Result<Vec<Row>, String> {
    use seepferdchen::server::accounts::import;
    use seepferdchen::server::auth::authz::{Actor, Scope};
    use seepferdchen::server::db::{self, Db};
    let people = if smoke { 300 } else { 10_000 };
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    let now = 1_800_000_000;
    let root = db::org_units::insert(&db.pool, None, "Kreisverwaltung", now)
        .await
        .map_err(|e| e.to_string())?;
    let admin_id = db::users::insert(
        &db.pool,
        &db::users::NewUser {
            email: "admin@kreis.example",
            display_name: "Admin",
            personnel_no: None,
            org_unit_id: None,
            role: seepferdchen::model::Role::Admin,
            now,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let state = bench_state(&db, now, default_config()?)?;
    let admin = Actor {
        user: db::users::get(&db.pool, admin_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("admin")?,
        scope: Scope::All,
    };
    let t = seepferdchen::i18n::Locale::De.texts();
    let mut rows = Vec::new();
    for (variant, under, sync) in [
        (0u8, root.to_string(), String::new()),
        (1, String::new(), root.to_string()),
    ] {
        let csv = hr_export(people, variant);
        let started = Instant::now();
        let id = db::imports::insert(&db, admin_id, "personal.csv", &csv, now)
            .await
            .map_err(|e| e.to_string())?;
        let batch = db::imports::get(&db, id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("batch")?;
        let proposal = import::propose(&state, &csv)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let choice = import::Stored {
            einheiten_unter: under.clone(),
            abgleich: sync.clone(),
            ..proposal
        };
        import::save_mapping(&state, &admin, &batch, choice, t)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let batch = db::imports::get(&db, id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("batch")?;
        let preview = import::preview(&state, &admin, &batch, t)
            .await
            .map_err(|e| format!("{e:?}"))?;
        if !preview.errors.is_empty() {
            return Err(format!("import preview: {:?}", &preview.errors[..1]));
        }
        import::commit(&state, &admin, &batch, false, t)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let took = started.elapsed().as_secs_f64();
        let (name, value) = if variant == 0 {
            (
                format!("HR import with mapping, {people} new people on {backend}"),
                format!("{took:.2} s ({} units created)", preview.new_units.len()),
            )
        } else {
            (
                format!("HR sync of {people} rows on {backend}"),
                format!(
                    "{took:.2} s ({} new, {} changed, {} unchanged, {} deactivated)",
                    preview.new_count,
                    preview.update_count,
                    preview.unchanged,
                    preview.deactivate.len()
                ),
            )
        };
        rows.push(Row {
            name,
            value,
            target: "≤ 5 s".into(),
            met: (!smoke).then_some(took <= 5.0),
            note: "preview and commit, one transaction".into(),
        });
    }
    db.close().await;
    Ok(rows)
}

fn import_all(smoke: bool) -> Vec<Row> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = format!("sqlite://{}/import.db", dir.path().display());
    match rt.block_on(import_rows("SQLite", &sqlite, smoke)) {
        Ok(r) => rows.extend(r),
        Err(e) => panic!("import bench on SQLite: {e}"),
    }
    let pg = on_fresh_postgres(&rt, "import", |url| async move {
        import_rows("PostgreSQL", &url, smoke).await
    });
    match pg {
        Ok(r) => rows.extend(r),
        Err(e) => rows.push(Row {
            name: "HR import on PostgreSQL".into(),
            value: "not measured".into(),
            target: "≤ 5 s".into(),
            met: None,
            note: e,
        }),
    }
    rows
}

/// A local SMTP server that accepts and discards (aiosmtpd's Sink), for the delivery rate.
struct Sink(std::process::Child);

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Mail at rollout size: one import of 10,000 people with invitations (the mails are queued in
/// its transaction), then delivery of the queue to a local SMTP server.
async fn mail_rows(smoke: bool) -> Result<Vec<Row>, String> {
    use seepferdchen::server::auth::authz::{Actor, Scope};
    use seepferdchen::server::config::MailMode;
    use seepferdchen::server::db::{self, Db};
    let people = if smoke { 200 } else { 10_000 };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = Db::connect(&format!("sqlite://{}/mail.db", dir.path().display()))
        .await
        .map_err(|e| e.to_string())?;
    let now = 1_800_000_000;
    let unit = db::org_units::insert(&db.pool, None, "Kreisverwaltung", now)
        .await
        .map_err(|e| e.to_string())?;
    let admin_id = db::users::insert(
        &db.pool,
        &db::users::NewUser {
            email: "admin@kreis.example",
            display_name: "Admin",
            personnel_no: None,
            org_unit_id: None,
            role: seepferdchen::model::Role::Admin,
            now,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let sink = Sink(
        std::process::Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Sink"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("aiosmtpd (python3-aiosmtpd): {e}"))?,
    );
    let mut config = default_config()?;
    config.mail.mode = MailMode::Smtp(format!("smtp://127.0.0.1:{port}"));
    let transport =
        seepferdchen::server::mail::Transport::from_config(&config.mail)?.ok_or("mail off")?;
    let state = bench_state(&db, now, config)?;
    let admin = Actor {
        user: db::users::get(&db.pool, admin_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("admin")?,
        scope: Scope::All,
    };
    let mut csv = String::from("Name;E-Mail;Organisationseinheit;Rolle\n");
    for i in 0..people {
        csv.push_str(&format!(
            "Person {i};person.{i}@kreis.example;Kreisverwaltung;Mitarbeitende\n"
        ));
    }
    let _ = unit;
    let batch_id = db::imports::insert(&db, admin_id, "alle.csv", &csv, now)
        .await
        .map_err(|e| e.to_string())?;
    let batch = db::imports::get(&db, batch_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("batch")?;
    let t = seepferdchen::i18n::Locale::De.texts();
    let started = Instant::now();
    let links = seepferdchen::server::accounts::import::commit(&state, &admin, &batch, true, t)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let import = started.elapsed();
    let mailed = links.iter().filter(|l| l.mailed).count();
    // The SMTP server is up by now (python starts in well under the import's time).
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("aiosmtpd did not start".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let started = Instant::now();
    let mut delivered = 0;
    loop {
        let n = seepferdchen::server::mail::deliver_batch(&state, &transport)
            .await
            .map_err(|e| format!("{e:?}"))?;
        if n == 0 {
            break;
        }
        delivered += n;
    }
    let delivery = started.elapsed();
    let rate = delivered as f64 / delivery.as_secs_f64().max(1e-9);
    let figures = db::outbox::figures(&db, 0)
        .await
        .map_err(|e| e.to_string())?;
    drop(sink);
    db.close().await;
    Ok(vec![
        Row {
            name: format!("Import of {people} people with invitations (SQLite)"),
            value: format!("{:.2} s ({mailed} mails queued)", import.as_secs_f64()),
            target: "≤ 3 s".into(),
            met: (!smoke).then_some(import.as_secs_f64() <= 3.0 && mailed == people),
            note: "one transaction: people, links, outbox rows, audit".into(),
        },
        Row {
            name: "Mail delivery to a local SMTP server (aiosmtpd)".into(),
            value: format!(
                "{rate:.0} mails/s ({delivered} in {:.1} s; {} sent, {} failed)",
                delivery.as_secs_f64(),
                figures.sent,
                figures.failed
            ),
            target: "≥ 200/s".into(),
            met: (!smoke).then_some(rate >= 200.0 && figures.sent as usize == people),
            note: "8 in parallel over pooled connections; outcomes finished together in one commit"
                .into(),
        },
    ])
}

fn mail_all(smoke: bool) -> Vec<Row> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    match rt.block_on(mail_rows(smoke)) {
        Ok(rows) => rows,
        Err(e) => panic!("mail bench: {e}"),
    }
}

fn main() {
    let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| v == "1");
    let (n_pdf, n_login) = if smoke { (3, 2) } else { (200, 20) };
    let site = std::path::PathBuf::from(
        std::env::var("SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
    );
    // BENCH_ONLY=mail,coordinator runs some groups only (pdf, login, size, coordinator, mail,
    // import, load); the report then holds only those rows.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wanted = |group: &str| only.is_empty() || only.split(',').any(|g| g.trim() == group);
    let mut rows = Vec::new();
    if wanted("pdf") {
        rows.extend(pdf_rows(n_pdf, smoke));
    }
    if wanted("login") {
        rows.extend(login_rows(n_login));
    }
    if wanted("size") {
        rows.extend(size_rows(&site));
    }
    if wanted("coordinator") {
        rows.extend(coordinator_all(smoke));
    }
    if wanted("land") {
        rows.extend(land_all(smoke));
    }
    if wanted("mail") {
        rows.extend(mail_all(smoke));
    }
    if wanted("import") {
        rows.extend(import_all(smoke));
    }
    let content =
        std::path::PathBuf::from(std::env::var("CONTENT_DIR").unwrap_or_else(|_| "content".into()));
    if wanted("load") {
        rows.extend(load::rows(&site, &content, load::Plan::new(smoke)));
    }
    let mut out = String::from("| Measurement | Value | Target | Met |\n|---|---|---|---|\n");
    for r in &rows {
        let met = match (smoke, r.met) {
            (true, _) => "smoke run".to_string(),
            (false, Some(true)) => "yes".into(),
            (false, Some(false)) => format!("no – {}", r.note),
            (false, None) => "–".into(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.name, r.value, r.target, met
        ));
    }
    let dir = std::path::Path::new(
        &std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()),
    )
    .join("bench");
    let _ = std::fs::create_dir_all(&dir);
    // The smoke run in `make test` must not overwrite the real report.
    let file = dir.join(if smoke {
        "smoke-report.md".to_string()
    } else if only.is_empty() {
        "report.md".to_string()
    } else {
        format!("report-{}.md", only.replace(',', "-"))
    });
    let _ = std::fs::write(&file, &out);
    println!("{out}");
    println!("report written to {}", file.display());
}
