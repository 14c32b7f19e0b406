//! One row per person and course they have touched: first module completed, last completion,
//! validity of the newest unrevoked certificate. The coordinator view reads only this table, so
//! its figures stay fast at 10,000 people × 20 courses. `refresh` recomputes a row from the
//! source tables and runs inside every transaction that changes them.
use sqlx::Row;

use super::Db;

/// Recomputes the status row of one person and course from module progress, completions and
/// certificates (and the unit it counts for from the person). Call it inside the transaction
/// that changed one of those: it first serialises with every other refresh of the person, so
/// that two transactions committing together (two browsers, two instances) cannot each
/// aggregate a snapshot without the other's change and write a stale row (write skew).
pub async fn refresh(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    course: &str,
) -> Result<(), sqlx::Error> {
    super::serialize(conn, super::LockSpace::PersonStatus, user_id).await?;
    // `WHERE 1 = 1` keeps SQLite from reading ON CONFLICT as a join constraint.
    sqlx::query(
        "INSERT INTO course_status (user_id, course_slug, org_unit_id, started_at, completed_at, valid_until_day) \
         SELECT $1, $2, \
           (SELECT CASE WHEN u.active = 1 THEN u.org_unit_id END FROM users u WHERE u.id = $1), \
           (SELECT MIN(m.completed_at) FROM module_progress m WHERE m.user_id = $1 AND m.course_slug = $2), \
           (SELECT MAX(c.completed_at) FROM course_completions c WHERE c.user_id = $1 AND c.course_slug = $2), \
           (SELECT MAX(z.valid_until_day) FROM certificates z \
              WHERE z.user_id = $1 AND z.course_slug = $2 AND z.revoked_at IS NULL) \
         WHERE 1 = 1 \
         ON CONFLICT (user_id, course_slug) DO UPDATE SET org_unit_id = excluded.org_unit_id, \
           started_at = excluded.started_at, \
           completed_at = excluded.completed_at, valid_until_day = excluded.valid_until_day",
    )
    .bind(user_id)
    .bind(course)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The last valid day of a person's newest unrevoked certificate of a course.
pub async fn valid_until_day(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    course: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let day: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT valid_until_day FROM course_status WHERE user_id = $1 AND course_slug = $2",
    )
    .bind(user_id)
    .bind(course)
    .fetch_optional(conn)
    .await?;
    Ok(day.flatten())
}

/// A status row that differs from what its sources say now: (user id, course, stored,
/// recomputed). A missing row counts as all-empty.
pub type Drift = (i64, String, StatusRow, StatusRow);

/// Recomputes every person's status from module progress, completions and certificates and
/// returns the rows that differ from the stored ones (`seepferdchen check`, and tests after
/// concurrency and crash runs). Empty means consistent.
pub async fn drift(db: &Db) -> Result<Vec<Drift>, sqlx::Error> {
    let rows = sqlx::query(
        "WITH pairs AS ( \
           SELECT user_id, course_slug FROM module_progress \
           UNION SELECT user_id, course_slug FROM course_completions \
           UNION SELECT user_id, course_slug FROM certificates WHERE user_id IS NOT NULL \
           UNION SELECT user_id, course_slug FROM course_status) \
         SELECT p.user_id, p.course_slug, s.started_at, s.completed_at, s.valid_until_day, \
           (SELECT MIN(m.completed_at) FROM module_progress m \
              WHERE m.user_id = p.user_id AND m.course_slug = p.course_slug), \
           (SELECT MAX(c.completed_at) FROM course_completions c \
              WHERE c.user_id = p.user_id AND c.course_slug = p.course_slug), \
           (SELECT MAX(z.valid_until_day) FROM certificates z \
              WHERE z.user_id = p.user_id AND z.course_slug = p.course_slug AND z.revoked_at IS NULL) \
         FROM pairs p LEFT JOIN course_status s \
           ON s.user_id = p.user_id AND s.course_slug = p.course_slug \
         ORDER BY p.user_id, p.course_slug",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let stored = StatusRow {
            started_at: r.try_get(2)?,
            completed_at: r.try_get(3)?,
            valid_until_day: r.try_get(4)?,
        };
        let expected = StatusRow {
            started_at: r.try_get(5)?,
            completed_at: r.try_get(6)?,
            valid_until_day: r.try_get(7)?,
        };
        if stored != expected {
            out.push((r.try_get(0)?, r.try_get(1)?, stored, expected));
        }
    }
    Ok(out)
}

/// A person's state in one course.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusRow {
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub valid_until_day: Option<i64>,
}

/// (user id, course, status) of the people given (None: everyone).
///
/// One row per person with their courses packed into one string ("slug,started,completed,
/// valid;…"): decoding each value through `sqlx::Any` costs about as much as reading it, so
/// 16 times fewer rows make the people list and the export several times cheaper. Slugs are
/// `[a-z0-9-]` (checked when content loads), so the separators cannot occur in them.
pub async fn for_users(
    db: &Db,
    users: Option<&[i64]>,
) -> Result<Vec<(i64, String, StatusRow)>, sqlx::Error> {
    let filter = match users {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!("WHERE user_id IN ({})", super::id_list(ids)),
    };
    packed_rows(db, &filter).await
}

/// The rows of the active people of these org units: a row counts for the unit of its person
/// while the person is active (kept so by `refresh` and `users::update`), so this needs no
/// list of people and can be read at the same time as the people themselves.
pub async fn for_units(
    db: &Db,
    units: &[i64],
) -> Result<Vec<(i64, String, StatusRow)>, sqlx::Error> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let filter = format!("WHERE org_unit_id IN ({})", super::id_list(units));
    packed_rows(db, &filter).await
}

/// One row per person with their courses packed into one string (decoding through sqlx::Any
/// costs per value); `filter` is built from integer ids only.
async fn packed_rows(db: &Db, filter: &str) -> Result<Vec<(i64, String, StatusRow)>, sqlx::Error> {
    let item = "course_slug || ',' || COALESCE(CAST(started_at AS TEXT), '') || ',' || \
                COALESCE(CAST(completed_at AS TEXT), '') || ',' || \
                COALESCE(CAST(valid_until_day AS TEXT), '')";
    let aggregate = match db.backend {
        super::Backend::Sqlite => format!("group_concat({item}, ';')"),
        super::Backend::Postgres => format!("string_agg({item}, ';')"),
    };
    let sql = format!("SELECT user_id, {aggregate} FROM course_status {filter} GROUP BY user_id");
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len() * 8);
    for r in &rows {
        let user: i64 = r.try_get(0)?;
        let packed: String = r.try_get(1)?;
        for item in packed.split(';') {
            out.push(unpack(user, item).ok_or_else(|| {
                sqlx::Error::Decode(format!("course_status item {item:?}").into())
            })?);
        }
    }
    Ok(out)
}

/// "slug,started,completed,valid" (empty = NULL) → (user, slug, status).
fn unpack(user: i64, item: &str) -> Option<(i64, String, StatusRow)> {
    let mut parts = item.split(',');
    let slug = parts.next().filter(|s| !s.is_empty())?;
    let mut num = || -> Option<Option<i64>> {
        match parts.next()? {
            "" => Some(None),
            v => v.parse().ok().map(Some),
        }
    };
    let row = StatusRow {
        started_at: num()?,
        completed_at: num()?,
        valid_until_day: num()?,
    };
    parts
        .next()
        .is_none()
        .then(|| (user, slug.to_string(), row))
}

/// Counts per (org unit, course) of active people (rows carry the unit of an active person, see
/// `refresh`), by certificate state: valid beyond the course's re-enrolment window, valid but
/// inside it, expired, and started without a valid or expired certificate. People without a
/// row have not started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitCourseCounts {
    pub unit_id: i64,
    pub course: String,
    pub valid: i64,
    pub expiring: i64,
    pub expired: i64,
    pub started: i64,
}

/// `windows`: (course, days) of every course with its own window; others use `default_window`.
///
/// Read from `status_summary`, which triggers keep current as of one day with one set of
/// windows (see its migration); on another day or with other windows it is counted afresh
/// first, once, whichever request or instance comes first.
pub async fn counts_by_unit(
    db: &Db,
    today: i64,
    windows: &[(&str, i64)],
    default_window: i64,
    units: Option<&[i64]>,
) -> Result<Vec<UnitCourseCounts>, sqlx::Error> {
    let mut wanted: Vec<(String, i64)> = windows
        .iter()
        .map(|(c, w)| (c.to_string(), *w))
        .chain([(String::new(), default_window)])
        .collect();
    wanted.sort();
    if !summary_is_current(&db.pool, today, &wanted).await? {
        recount_summary(db, today, windows, default_window, &wanted).await?;
    }
    let filter = match units {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!("AND org_unit_id IN ({})", super::id_list(ids)),
    };
    let rows = sqlx::query(&format!(
        "SELECT org_unit_id, course_slug, valid, expiring, expired, started FROM status_summary \
         WHERE valid + expiring + expired + started > 0 {filter}"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnitCourseCounts {
                unit_id: r.try_get(0)?,
                course: r.try_get(1)?,
                valid: r.try_get(2)?,
                expiring: r.try_get(3)?,
                expired: r.try_get(4)?,
                started: r.try_get(5)?,
            })
        })
        .collect()
}

/// Whether the summary counts as of `today` with these windows.
async fn summary_is_current<'e, E>(
    e: E,
    today: i64,
    wanted: &[(String, i64)],
) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any> + Copy,
{
    let day: i64 = sqlx::query_scalar("SELECT day FROM status_summary_day WHERE id = 1")
        .fetch_one(e)
        .await?;
    if day != today {
        return Ok(false);
    }
    let stored: Vec<(String, i64)> =
        sqlx::query_as("SELECT course_slug, days FROM status_windows ORDER BY course_slug")
            .fetch_all(e)
            .await?;
    Ok(stored == wanted)
}

/// Counts the summary afresh as of `today` (no change of course_status is in flight meanwhile,
/// and one recount at a time: SQLite has one writer; on PostgreSQL the lock mode conflicts with
/// writers and with itself, and the second recount finds the work done).
async fn recount_summary(
    db: &Db,
    today: i64,
    windows: &[(&str, i64)],
    default_window: i64,
    wanted: &[(String, i64)],
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    if db.backend == super::Backend::Postgres {
        sqlx::query("LOCK TABLE course_status IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let day: i64 = sqlx::query_scalar("SELECT day FROM status_summary_day WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let stored: Vec<(String, i64)> =
        sqlx::query_as("SELECT course_slug, days FROM status_windows ORDER BY course_slug")
            .fetch_all(&mut *tx)
            .await?;
    if day == today && stored == wanted {
        // Another request or instance counted it meanwhile.
        return tx.commit().await;
    }
    sqlx::query("DELETE FROM status_windows")
        .execute(&mut *tx)
        .await?;
    for (course, days) in wanted {
        sqlx::query("INSERT INTO status_windows (course_slug, days) VALUES ($1, $2)")
            .bind(course)
            .bind(days)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE status_summary_day SET day = $1 WHERE id = 1")
        .bind(today)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM status_summary")
        .execute(&mut *tx)
        .await?;
    // The last day before each course's window, by course (windows are numbers from the
    // content, slugs are bound).
    let renew_from = if windows.is_empty() {
        format!("$1 + {default_window}")
    } else {
        let arms: String = windows
            .iter()
            .enumerate()
            .map(|(i, (_, w))| format!(" WHEN ${} THEN {w}", i + 2))
            .collect();
        format!("$1 + CASE course_slug{arms} ELSE {default_window} END")
    };
    // One covering index in (unit, course) order: no join, no sort.
    let sql = format!(
        "INSERT INTO status_summary (org_unit_id, course_slug, valid, expiring, expired, started) \
         SELECT org_unit_id, course_slug, \
           SUM(CASE WHEN valid_until_day > {renew_from} THEN 1 ELSE 0 END), \
           SUM(CASE WHEN valid_until_day >= $1 AND valid_until_day <= {renew_from} THEN 1 ELSE 0 END), \
           SUM(CASE WHEN valid_until_day < $1 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN valid_until_day IS NULL AND (started_at IS NOT NULL OR completed_at IS NOT NULL) THEN 1 ELSE 0 END) \
         FROM course_status WHERE org_unit_id IS NOT NULL \
         GROUP BY org_unit_id, course_slug"
    );
    let mut query = sqlx::query(&sql).bind(today);
    for (course, _) in windows {
        query = query.bind(*course);
    }
    query.execute(&mut *tx).await?;
    tx.commit().await
}

/// (unit, course, stored, counted) of every summary row that differs from a fresh count at the
/// summary's own day and windows (`seepferdchen check`, tests after concurrent changes). Empty
/// means consistent; a summary not counted yet has nothing to differ.
pub async fn summary_drift(db: &Db) -> Result<Vec<(i64, String, [i64; 4], [i64; 4])>, sqlx::Error> {
    let rows = sqlx::query(
        "WITH k AS ( \
           SELECT c.org_unit_id, c.course_slug, c.started_at, c.completed_at, c.valid_until_day, \
             d.day, COALESCE(w.days, (SELECT days FROM status_windows WHERE course_slug = ''), 0) AS w \
           FROM course_status c CROSS JOIN status_summary_day d \
           LEFT JOIN status_windows w ON w.course_slug = c.course_slug \
           WHERE c.org_unit_id IS NOT NULL AND d.id = 1 AND d.day >= 0), \
         counted AS ( \
           SELECT org_unit_id, course_slug, \
             SUM(CASE WHEN valid_until_day > day + w THEN 1 ELSE 0 END) AS valid, \
             SUM(CASE WHEN valid_until_day >= day AND valid_until_day <= day + w THEN 1 ELSE 0 END) AS expiring, \
             SUM(CASE WHEN valid_until_day < day THEN 1 ELSE 0 END) AS expired, \
             SUM(CASE WHEN valid_until_day IS NULL AND (started_at IS NOT NULL OR completed_at IS NOT NULL) THEN 1 ELSE 0 END) AS started \
           FROM k GROUP BY org_unit_id, course_slug), \
         stored AS ( \
           SELECT org_unit_id, course_slug, valid, expiring, expired, started FROM status_summary \
           WHERE valid <> 0 OR expiring <> 0 OR expired <> 0 OR started <> 0) \
         SELECT COALESCE(s.org_unit_id, c.org_unit_id), COALESCE(s.course_slug, c.course_slug), \
           COALESCE(s.valid, 0), COALESCE(s.expiring, 0), COALESCE(s.expired, 0), COALESCE(s.started, 0), \
           COALESCE(c.valid, 0), COALESCE(c.expiring, 0), COALESCE(c.expired, 0), COALESCE(c.started, 0) \
         FROM stored s FULL OUTER JOIN counted c \
           ON s.org_unit_id = c.org_unit_id AND s.course_slug = c.course_slug \
         WHERE (SELECT day FROM status_summary_day WHERE id = 1) >= 0",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let stored = [r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?];
        let counted = [r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?];
        if stored != counted {
            out.push((r.try_get(0)?, r.try_get(1)?, stored, counted));
        }
    }
    Ok(out)
}

/// An active person in the status matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub unit_id: Option<i64>,
    /// The day they joined their unit (relative due dates count from it).
    pub since: i64,
}

/// Active people, sorted by name; `units`: None = everyone, Some = members of these units.
pub async fn active_people(db: &Db, units: Option<&[i64]>) -> Result<Vec<Person>, sqlx::Error> {
    match units {
        None => people_where(db, "").await,
        Some([]) => Ok(Vec::new()),
        Some(ids) => {
            people_where(db, &format!("AND org_unit_id IN ({})", super::id_list(ids))).await
        }
    }
}

/// The active people among these ids (and in these units; None: any), sorted by name.
pub async fn active_people_with_ids(
    db: &Db,
    ids: &[i64],
    units: Option<&[i64]>,
) -> Result<Vec<Person>, sqlx::Error> {
    if ids.is_empty() || units.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    people_where(
        db,
        &format!("AND id IN ({}){}", super::id_list(ids), in_units(units)),
    )
    .await
}

/// The active people (of these units; None: any) who joined their unit after day `day`.
pub async fn active_people_joined_after(
    db: &Db,
    day: i64,
    units: Option<&[i64]>,
) -> Result<Vec<Person>, sqlx::Error> {
    if units.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    people_where(db, &format!("AND unit_since > {day}{}", in_units(units))).await
}

/// The ids of the active people (of these units; None: everyone), in the order of
/// `active_people`: the streamed status list reads the people behind them a chunk at a time.
pub async fn active_people_ids(db: &Db, units: Option<&[i64]>) -> Result<Vec<i64>, sqlx::Error> {
    if units.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    sqlx::query_scalar(&format!(
        "SELECT id FROM users WHERE active = 1{} ORDER BY {}, display_name, id",
        in_units(units),
        db.bytewise("sort_name")
    ))
    .fetch_all(&db.pool)
    .await
}

/// ` AND org_unit_id IN (…)` for a unit filter (ids only), or nothing.
fn in_units(units: Option<&[i64]>) -> String {
    units.map_or(String::new(), |ids| {
        format!(" AND org_unit_id IN ({})", super::id_list(ids))
    })
}

/// `filter`: built from integers only (never from request text).
async fn people_where(db: &Db, filter: &str) -> Result<Vec<Person>, sqlx::Error> {
    let sql = format!(
        "SELECT id, display_name, email, org_unit_id, unit_since FROM users \
         WHERE active = 1 {filter} \
         ORDER BY {}, display_name, id",
        db.bytewise("sort_name")
    );
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(Person {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                email: r.try_get(2)?,
                unit_id: r.try_get(3)?,
                since: r.try_get(4)?,
            })
        })
        .collect()
}

/// Number of active people per org unit (of these units; None: all).
pub async fn members_by_unit(
    db: &Db,
    units: Option<&[i64]>,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let filter = match units {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!("AND org_unit_id IN ({})", super::id_list(ids)),
    };
    sqlx::query_as(&format!(
        "SELECT org_unit_id, COUNT(*) FROM users WHERE active = 1 AND org_unit_id IS NOT NULL \
         {filter} GROUP BY org_unit_id"
    ))
    .fetch_all(&db.pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_items_and_refuses_malformed_ones() {
        assert_eq!(
            unpack(7, "ki-seepferdchen,100,,20500"),
            Some((
                7,
                "ki-seepferdchen".into(),
                StatusRow {
                    started_at: Some(100),
                    completed_at: None,
                    valid_until_day: Some(20500)
                }
            ))
        );
        assert_eq!(unpack(7, "k,,,").map(|r| r.2), Some(StatusRow::default()));
        for bad in ["", ",1,2,3", "k,1,2", "k,1,2,3,4", "k,x,2,3"] {
            assert_eq!(unpack(7, bad), None, "{bad:?}");
        }
    }
}
