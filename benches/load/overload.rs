//! Two rows of `make bench` about running for real: the module page through nginx against
//! direct, and an overload of mixed reads and writes far beyond what the server sustains.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{client, open_loop, Plan, Server};
use crate::{ms, percentile, Row};

#[path = "../../tests/it/common/nginx.rs"]
mod nginx;

/// Module-page p99 at the fixed rate, directly and through nginx (the README's configuration),
/// back to back against the same server process.
pub async fn through_nginx(
    base: &str,
    page_path: &str,
    cookie: &str,
    plan: Plan,
    sustained: f64,
) -> Row {
    // At most the fixed rate of the other rows, and at most 60 % of what this machine's server
    // sustains: a saturated server queues, and then both sides measure the queue, not nginx.
    let rate = (f64::from(plan.rate)).min(0.6 * sustained).max(10.0) as u32;
    let plan = Plan { rate, ..plan };
    let name = format!(
        "Module page p99 at {} req/s through nginx vs direct ({:.0} s each, open loop; 60 % of the page throughput, at most 2000)",
        plan.rate, plan.secs
    );
    if !nginx::available() {
        return Row {
            name,
            value: "not measured: nginx is not installed (make test installs it)".into(),
            target: "ratio ≤ 1.5".into(),
            met: None,
            note: String::new(),
        };
    }
    let proxy = nginx::Nginx::start(&[base.trim_start_matches("http://").to_string()]);
    let direct_url = format!("{base}{page_path}");
    let proxied_url = proxy.url(page_path);
    let _ = open_loop(&proxied_url, cookie, plan.rate / 4, plan.secs / 5.0).await; // warm-up
    let direct = open_loop(&direct_url, cookie, plan.rate, plan.secs).await;
    let proxied = open_loop(&proxied_url, cookie, plan.rate, plan.secs).await;
    let ratio = proxied.p(0.99) / direct.p(0.99);
    Row {
        name,
        value: format!(
            "direct p50 {:.2} ms, p99 {:.2} ms; via nginx p50 {:.2} ms, p99 {:.2} ms; ratio {ratio:.2}; errors {}",
            direct.p(0.5),
            direct.p(0.99),
            proxied.p(0.5),
            proxied.p(0.99),
            direct.errors + proxied.errors
        ),
        target: "ratio ≤ 1.5".into(),
        met: (!plan.smoke).then_some(ratio <= 1.5 && direct.errors + proxied.errors == 0),
        note: "nginx (one worker, keepalive to the upstream) shares the load generator's core".into(),
    }
}

/// Mixed requests (four module-page reads to one module-check start, a fsynced write) at five
/// times the rate the server sustains for that mix, for `secs`: how much is refused with 503,
/// how fast the rest is answered, and whether memory comes back afterwards.
pub async fn overload(server: &Server, page_url: &str, cookie: &str, plan: Plan) -> Row {
    let secs = if plan.smoke { 0.5 } else { 60.0 };
    let settle = if plan.smoke { 0.5 } else { 30.0 };
    let base = server.base.clone();
    let start_url = format!("{base}/versuche/starten");
    // The sustainable rate of the mix: a closed loop of it, as many connections as the page
    // rows use.
    let sustainable =
        mixed_closed_loop(page_url, &start_url, cookie, plan.conns, plan.secs / 2.0).await;
    let rate = (sustainable * 5.0).max(50.0);
    let idle = server.rss_mb().0;
    let c = client();
    let total = (rate * secs) as usize;
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut latencies = Vec::new();
    let mut not_sent = 0usize;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u16, Duration)>();
    let t0 = Instant::now();
    let mut peak = idle;
    let mut next_sample = Instant::now();
    for i in 0..total {
        let due = t0 + Duration::from_secs_f64(i as f64 / rate);
        if due > Instant::now() {
            tokio::time::sleep_until(due.into()).await;
        }
        if Instant::now() >= next_sample {
            peak = peak.max(server.rss_mb().0);
            next_sample = Instant::now() + Duration::from_millis(250);
        }
        while let Ok((status, took)) = rx.try_recv() {
            *statuses.entry(status).or_default() += 1;
            if status < 400 {
                latencies.push(took);
            }
        }
        // The generator keeps at most 4,096 requests open; beyond that it counts, not sends.
        if in_flight.load(Ordering::Relaxed) >= 4096 {
            not_sent += 1;
            continue;
        }
        in_flight.fetch_add(1, Ordering::Relaxed);
        let (c, tx, in_flight, cookie) =
            (c.clone(), tx.clone(), in_flight.clone(), cookie.to_string());
        let write = i % 5 == 4;
        let url = if write {
            start_url.clone()
        } else {
            page_url.to_string()
        };
        tokio::spawn(async move {
            let t = Instant::now();
            let req = if write {
                c.post(url)
                    .header("cookie", cookie)
                    .form(&[("kurs", "ki-seepferdchen"), ("modul", "was-ist-ki")])
            } else {
                c.get(url).header("cookie", cookie)
            };
            let status = match req.timeout(Duration::from_secs(60)).send().await {
                Ok(r) => {
                    let s = r.status().as_u16();
                    let _ = r.bytes().await;
                    s
                }
                Err(_) => 0,
            };
            in_flight.fetch_sub(1, Ordering::Relaxed);
            let _ = tx.send((status, t.elapsed()));
        });
    }
    drop(tx);
    while let Some((status, took)) = rx.recv().await {
        *statuses.entry(status).or_default() += 1;
        if status < 400 {
            latencies.push(took);
        }
        peak = peak.max(server.rss_mb().0);
    }
    let elapsed = t0.elapsed();
    tokio::time::sleep(Duration::from_secs_f64(settle)).await;
    let after = server.rss_mb().0;
    latencies.sort();
    let answered: usize = statuses.values().sum();
    let refused = statuses.get(&503).copied().unwrap_or(0);
    let other_5xx: usize = statuses
        .iter()
        .filter(|(s, _)| **s >= 500 && **s != 503)
        .map(|(_, n)| n)
        .sum();
    let dropped = statuses.get(&0).copied().unwrap_or(0);
    let p99 = if latencies.is_empty() {
        f64::NAN
    } else {
        ms(percentile(&latencies, 0.99))
    };
    Row {
        name: format!(
            "Overload: 5× the sustainable rate of mixed reads and writes ({rate:.0} req/s offered for {secs:.0} s; 1 in 5 a fsynced write)"
        ),
        value: format!(
            "{answered} answered in {:.0} s: {:.1} % 503, {other_5xx} other 5xx, {dropped} without answer, {not_sent} not sent (generator cap); p99 of the accepted {p99:.0} ms; RSS idle {idle:.0} MB, peak {peak:.0} MB, {settle:.0} s after {after:.0} MB; statuses {statuses:?}",
            elapsed.as_secs_f64(),
            100.0 * refused as f64 / answered.max(1) as f64,
        ),
        target: "peak ≤ 300 MB, after ≤ 2× idle, 0 5xx but 503".into(),
        met: (!plan.smoke).then_some(peak <= 300.0 && after <= 2.0 * idle && other_5xx == 0 && dropped == 0),
        note: "at most 256 renders run at once, further requests get 503 with Retry-After; writes queue for SQLite's single write lock".into(),
    }
}

/// Requests per second of the mix (four reads, one write) with `conns` connections, each
/// sending the next request when the last answer is read.
async fn mixed_closed_loop(
    page_url: &str,
    start_url: &str,
    cookie: &str,
    conns: usize,
    secs: f64,
) -> f64 {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (page, start, cookie) = (
            page_url.to_string(),
            start_url.to_string(),
            cookie.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let c = client();
            let mut ok = 0usize;
            let mut i = 0usize;
            while Instant::now() < deadline {
                let req = if i % 5 == 4 {
                    c.post(&start)
                        .header("cookie", &cookie)
                        .form(&[("kurs", "ki-seepferdchen"), ("modul", "was-ist-ki")])
                } else {
                    c.get(&page).header("cookie", &cookie)
                };
                i += 1;
                if let Ok(r) = req.send().await {
                    if r.status().as_u16() < 400 && r.bytes().await.is_ok() {
                        ok += 1;
                    }
                }
            }
            ok
        }));
    }
    let mut ok = 0;
    for t in tasks {
        ok += t.await.unwrap_or(0);
    }
    ok as f64 / t0.elapsed().as_secs_f64()
}
