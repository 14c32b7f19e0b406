//! Benchmark data (`seepferdchen bench seed`, `make bench`): many people in many org units with
//! many assigned courses and realistic progress. It writes the course-status summary directly
//! (the coordinator view reads nothing else), never runs in `serve`, and refuses a database
//! that already has people.
use crate::error::AppError;
use crate::server::db::{self, Db};

#[derive(Debug, Clone, Copy)]
pub struct BenchSize {
    pub people: usize,
    pub units: usize,
    pub courses: usize,
}

impl BenchSize {
    /// The size of issue #7: 10,000 employees in 50 org units with 20 courses.
    pub const FULL: BenchSize = BenchSize {
        people: 10_000,
        units: 50,
        courses: 20,
    };
}

/// A small deterministic generator (xorshift), so every run seeds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub fn course_slug(i: usize) -> String {
    format!("bench-kurs-{:02}", i + 1)
}

/// Seeds the data; returns the ids of the org units (the first `units / 10` are roots).
pub async fn seed(db: &Db, size: BenchSize, now: i64) -> Result<Vec<i64>, AppError> {
    if db::users::count(db).await? > 0 {
        return Err(AppError::internal("bench seed needs an empty database"));
    }
    let today = crate::server::tracking::today(now);
    let mut rng = Rng(0x5eed_2026);
    let mut tx = db.begin().await?;
    // Org units: a tenth are Fachbereiche, the rest Abteilungen below them.
    let roots = (size.units / 10).max(1);
    let mut units = Vec::with_capacity(size.units);
    for i in 0..size.units {
        let (name, parent) = if i < roots {
            (format!("Fachbereich {}", i + 1), None)
        } else {
            (format!("Abteilung {}", i + 1), Some(units[i % roots]))
        };
        units.push(db::org_units::insert(&mut *tx, parent, &name, now).await?);
    }
    // People, 200 per statement.
    let leaves: Vec<i64> = if units.len() > roots {
        units[roots..].to_vec()
    } else {
        units.clone()
    };
    let mut ids = Vec::with_capacity(size.people);
    for chunk in (0..size.people).collect::<Vec<_>>().chunks(200) {
        let mut sql = String::from(
            "INSERT INTO users (email, display_name, org_unit_id, role, active, created_at, \
             sort_name, unit_since) VALUES ",
        );
        for (k, i) in chunk.iter().enumerate() {
            if k > 0 {
                sql.push(',');
            }
            let unit = leaves[i % leaves.len()];
            // One in twenty joined their unit within the last 400 days, after the relative
            // assignments began.
            let since = if i % 20 == 0 {
                today - rng.below(400) as i64
            } else {
                today - 400 - rng.below(3000) as i64
            };
            sql.push_str(&format!(
                "('person{i}@bench.example', 'Person {i:05}', {unit}, 'employee', 1, {now}, \
                 'person {i:05}', {since})"
            ));
        }
        sql.push_str(" RETURNING id");
        let rows: Vec<i64> = sqlx::query_scalar(&sql).fetch_all(&mut *tx).await?;
        ids.extend(rows);
    }
    // Every course assigned to every Fachbereich: half with due dates from four weeks ago to
    // in a year, half "within 30 to 120 days", assigned 400 days ago.
    for c in 0..size.courses {
        for root in units.iter().take(roots) {
            let relative = c % 2 == 1;
            let due = today - 28 + rng.below(400) as i64;
            db::assignments::upsert(
                &mut *tx,
                &db::assignments::NewAssignment {
                    course: &course_slug(c),
                    unit_id: Some(*root),
                    user_id: None,
                    due_day: (!relative).then_some(due),
                    due_days: relative.then(|| 30 + rng.below(90) as i64),
                    mandatory: c % 4 != 3,
                    created_by: None,
                    now: if relative { now - 400 * 86_400 } else { now },
                },
            )
            .await?;
        }
    }
    // A few person assignments with their own, earlier due dates.
    for k in 0..(size.people / 50) {
        let user = ids[rng.below(ids.len() as u64) as usize];
        db::assignments::upsert(
            &mut *tx,
            &db::assignments::NewAssignment {
                course: &course_slug(k % size.courses),
                unit_id: None,
                user_id: Some(user),
                due_day: Some(today - 7 + rng.below(30) as i64),
                due_days: None,
                mandatory: true,
                created_by: None,
                now,
            },
        )
        .await?;
    }
    // Progress: about half done (some expiring), a tenth expired, a fifth begun, the rest not.
    let mut values = Vec::new();
    for (i, &user) in ids.iter().enumerate() {
        let unit = leaves[i % leaves.len()];
        for c in 0..size.courses {
            let roll = rng.below(100);
            let started = now - (rng.below(300) as i64 + 1) * 86_400;
            let row = match roll {
                0..=49 => Some((
                    started,
                    Some(started + 3600),
                    Some(today + 1 + rng.below(720) as i64),
                )),
                50..=59 => Some((
                    started,
                    Some(started + 3600),
                    Some(today - 1 - rng.below(200) as i64),
                )),
                60..=79 => Some((started, None, None)),
                _ => None,
            };
            if let Some((s, done, valid)) = row {
                let opt = |v: Option<i64>| v.map_or("NULL".to_string(), |v| v.to_string());
                values.push(format!(
                    "({user}, '{}', {unit}, {s}, {}, {})",
                    course_slug(c),
                    opt(done),
                    opt(valid)
                ));
            }
        }
    }
    for chunk in values.chunks(500) {
        let sql = format!(
            "INSERT INTO course_status (user_id, course_slug, org_unit_id, started_at, completed_at, valid_until_day) VALUES {}",
            chunk.join(",")
        );
        sqlx::query(&sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    // Fresh statistics after the bulk load, as autovacuum (PostgreSQL) would gather them soon
    // after; without them PostgreSQL plans the dashboard for an empty table.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    Ok(units)
}
