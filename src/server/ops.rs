//! Operating an installation from the command line: backups and the signing keys.
//!
//! SQLite is backed up online with `VACUUM INTO`, which writes a consistent, compacted copy
//! while the server keeps serving (it reads one snapshot). PostgreSQL has its own tools
//! (`pg_dump`), which know more about roles, encodings and point-in-time recovery than we
//! could; the commands say so instead of half-doing it. The signing keys travel separately:
//! a restored database carries them, but an installation moved to a fresh database must bring
//! them along, or every certificate issued so far stops verifying.
use std::path::Path;

use super::certificate::{unhex, CertificateKey};
use super::db::{self, certificates::StoredKey, Backend, Db};

fn sqlite_file(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or("not a SQLite URL")?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        return Err("DATABASE_URL names no database file".into());
    }
    Ok(path.to_string())
}

const PG_HINT: &str =
    "PostgreSQL: sichern Sie mit pg_dump (z. B. `pg_dump -Fc -f sicherung.dump DB`) \
und stellen Sie mit pg_restore wieder her; siehe README, Abschnitt Betrieb";

/// `seepferdchen backup --to FILE`.
pub async fn backup(database_url: &str, to: &str) -> Result<(), String> {
    if Backend::from_url(database_url)? == Backend::Postgres {
        return Err(PG_HINT.into());
    }
    if Path::new(to).exists() {
        return Err(format!(
            "{to} gibt es schon; eine Sicherung überschreibt nichts"
        ));
    }
    if to.contains('\'') {
        return Err("der Dateiname darf kein ' enthalten".into());
    }
    let db = Db::connect(database_url).await.map_err(|e| e.to_string())?;
    let result = sqlx::query(&format!("VACUUM INTO '{to}'"))
        .execute(&db.pool)
        .await;
    db.close().await;
    result.map_err(|e| format!("Sicherung fehlgeschlagen: {e}"))?;
    println!("Sicherung geschrieben: {to}");
    Ok(())
}

/// `seepferdchen restore --from FILE [--force]`: the server must be stopped.
pub async fn restore(database_url: &str, from: &str, force: bool) -> Result<(), String> {
    if Backend::from_url(database_url)? == Backend::Postgres {
        return Err(PG_HINT.into());
    }
    let target = sqlite_file(database_url)?;
    // Check the backup before anything is replaced.
    if !Path::new(from).is_file() {
        return Err(format!("{from} gibt es nicht"));
    }
    sqlx::any::install_default_drivers();
    let probe = sqlx::AnyPool::connect(&format!("sqlite://{from}?mode=ro"))
        .await
        .map_err(|e| format!("{from} ist keine lesbare Sicherung: {e}"))?;
    let ok: Result<String, _> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&probe)
        .await;
    probe.close().await;
    let ok = ok.map_err(|e| format!("{from} ist keine lesbare Sicherung: {e}"))?;
    if ok != "ok" {
        return Err(format!("{from} ist beschädigt: {ok}"));
    }
    if Path::new(&target).exists() && !force {
        return Err(format!(
            "{target} gibt es schon; mit --force wird es ersetzt (Server vorher anhalten)"
        ));
    }
    if let Some(parent) = Path::new(&target)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    // Copy next to the target, then rename: the database is never half-written.
    let partial = format!("{target}.wiederherstellung");
    std::fs::copy(from, &partial).map_err(|e| format!("kopieren: {e}"))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{target}{suffix}"));
    }
    std::fs::rename(&partial, &target).map_err(|e| format!("ersetzen: {e}"))?;
    let db = Db::connect(database_url).await.map_err(|e| e.to_string())?;
    let drift = db::course_status::drift(&db)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    println!(
        "Wiederhergestellt: {target} (Prüfung: {} Abweichungen)",
        drift.len()
    );
    Ok(())
}

/// `seepferdchen keys export --to FILE`.
pub async fn export_keys(database_url: &str, to: &str) -> Result<(), String> {
    let db = Db::connect(database_url).await.map_err(|e| e.to_string())?;
    let keys = db::certificates::all_keys(&db)
        .await
        .map_err(|e| e.to_string());
    db.close().await;
    let keys = keys?;
    let json = serde_json::to_vec_pretty(&keys).map_err(|e| e.to_string())?;
    write_private(to, &json)?;
    println!(
        "{} Signaturschlüssel exportiert nach {to} (geheim halten!)",
        keys.len()
    );
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &str, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("{path}: {e}"))?;
    f.write_all(bytes).map_err(|e| e.to_string())
}

#[cfg(not(unix))]
fn write_private(path: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| e.to_string())
}

/// Whether a stored key is whole: its secret derives its public key and id.
pub fn key_is_genuine(key: &StoredKey) -> bool {
    let Some(bytes) = unhex(&key.secret_key) else {
        return false;
    };
    let Ok(secret) = <[u8; 32]>::try_from(bytes.as_slice()) else {
        return false;
    };
    let derived = CertificateKey::from_secret(&secret);
    derived.key_id == key.key_id && derived.public_hex() == key.public_key
}

/// `seepferdchen keys import --from FILE`.
pub async fn import_keys(database_url: &str, from: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(from).map_err(|e| format!("{from}: {e}"))?;
    let keys: Vec<StoredKey> =
        serde_json::from_str(&text).map_err(|e| format!("{from} ist kein Schlüsselexport: {e}"))?;
    if let Some(bad) = keys.iter().find(|k| !key_is_genuine(k)) {
        return Err(format!(
            "Schlüssel {} ist beschädigt; nichts importiert",
            bad.key_id
        ));
    }
    let db = Db::connect(database_url).await.map_err(|e| e.to_string())?;
    let mut added = 0;
    for key in &keys {
        match db::certificates::import_key(&db, key).await {
            Ok(true) => added += 1,
            Ok(false) => {}
            Err(e) => {
                db.close().await;
                return Err(e.to_string());
            }
        }
    }
    db.close().await;
    println!(
        "{added} von {} Signaturschlüsseln importiert (die übrigen gab es schon)",
        keys.len()
    );
    Ok(())
}
