//! Demo data for `make run` and tests only (`seepferdchen demo seed`); never run by `serve`.
use super::super::db::{self, audit};
use super::super::state::AppState;
use crate::error::AppError;
use crate::model::Role;

pub const DEMO_PASSWORD: &str = "Seepferdchen-Demo-2026";

/// (unit, parent) in creation order.
const UNITS: &[(&str, Option<&str>)] = &[
    ("Fachbereich 1 – Zentrale Dienste", None),
    ("Personalamt", Some("Fachbereich 1 – Zentrale Dienste")),
    (
        "IT und Digitalisierung",
        Some("Fachbereich 1 – Zentrale Dienste"),
    ),
    ("Fachbereich 2 – Bürgerservice und Ordnung", None),
    (
        "Bürgerbüro",
        Some("Fachbereich 2 – Bürgerservice und Ordnung"),
    ),
    (
        "Ordnungsamt",
        Some("Fachbereich 2 – Bürgerservice und Ordnung"),
    ),
    ("Fachbereich 3 – Soziales", None),
    ("Sozialamt", Some("Fachbereich 3 – Soziales")),
    ("Jugendamt", Some("Fachbereich 3 – Soziales")),
    ("Fachbereich 4 – Planen und Bauen", None),
    ("Bauamt", Some("Fachbereich 4 – Planen und Bauen")),
];

/// (name, e-mail local part, unit, role)
const PEOPLE: &[(&str, &str, &str, Role)] = &[
    (
        "Petra Administration",
        "admin",
        "IT und Digitalisierung",
        Role::Admin,
    ),
    (
        "Karl Koordination",
        "koordination.fb2",
        "Fachbereich 2 – Bürgerservice und Ordnung",
        Role::Coordinator,
    ),
    (
        "Sabine Schulung",
        "koordination.fb3",
        "Fachbereich 3 – Soziales",
        Role::Coordinator,
    ),
    ("Anna Becker", "anna.becker", "Bürgerbüro", Role::Employee),
    ("Ben Yılmaz", "ben.yilmaz", "Bürgerbüro", Role::Employee),
    (
        "Clara Schäfer",
        "clara.schaefer",
        "Bürgerbüro",
        Role::Employee,
    ),
    ("David Nowak", "david.nowak", "Ordnungsamt", Role::Employee),
    ("Elif Kaya", "elif.kaya", "Ordnungsamt", Role::Employee),
    (
        "Frank Müller",
        "frank.mueller",
        "Ordnungsamt",
        Role::Employee,
    ),
    ("Gül Demir", "guel.demir", "Sozialamt", Role::Employee),
    ("Hannah Weiß", "hannah.weiss", "Sozialamt", Role::Employee),
    ("Ingo Krause", "ingo.krause", "Sozialamt", Role::Employee),
    ("Jana Vogel", "jana.vogel", "Jugendamt", Role::Employee),
    ("Kemal Arslan", "kemal.arslan", "Jugendamt", Role::Employee),
    ("Lena Hoffmann", "lena.hoffmann", "Bauamt", Role::Employee),
    ("Markus Richter", "markus.richter", "Bauamt", Role::Employee),
    ("Nina Wolf", "nina.wolf", "Bauamt", Role::Employee),
    (
        "Oliver Schmitz",
        "oliver.schmitz",
        "Personalamt",
        Role::Employee,
    ),
    (
        "Paula Neumann",
        "paula.neumann",
        "Personalamt",
        Role::Employee,
    ),
    (
        "Rainer Zimmermann",
        "rainer.zimmermann",
        "IT und Digitalisierung",
        Role::Employee,
    ),
    (
        "Sophie Braun",
        "sophie.braun",
        "IT und Digitalisierung",
        Role::Employee,
    ),
    ("Tim Lange", "tim.lange", "Bürgerbüro", Role::Employee),
    (
        "Ulrike Peters",
        "ulrike.peters",
        "Sozialamt",
        Role::Employee,
    ),
];

/// (e-mail local part, scope unit) for the coordinators.
const SCOPES: &[(&str, &str)] = &[
    (
        "koordination.fb2",
        "Fachbereich 2 – Bürgerservice und Ordnung",
    ),
    ("koordination.fb3", "Fachbereich 3 – Soziales"),
];

pub const DOMAIN: &str = "musterstadt.example";

/// The logins printed by `make run`: (role, e-mail).
pub fn logins() -> Vec<(Role, String)> {
    PEOPLE
        .iter()
        .filter(|p| p.3 != Role::Employee || p.1 == "anna.becker")
        .map(|p| (p.3, format!("{}@{DOMAIN}", p.1)))
        .collect()
}

/// Seeds the demo organisation into an empty installation; does nothing if users exist.
/// Returns whether it seeded.
pub async fn seed(state: &AppState) -> Result<bool, AppError> {
    if db::users::count(&state.db).await? > 0 {
        return Ok(false);
    }
    let hash = state.hasher.hash(DEMO_PASSWORD).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let mut unit_ids = std::collections::HashMap::new();
    for (name, parent) in UNITS {
        let parent_id = parent.and_then(|p| unit_ids.get(p).copied());
        let id = db::org_units::insert(&mut *tx, parent_id, name, now).await?;
        unit_ids.insert(*name, id);
    }
    let mut user_ids = std::collections::HashMap::new();
    for (name, local, unit, role) in PEOPLE {
        let email = format!("{local}@{DOMAIN}");
        let id = db::users::insert(
            &mut *tx,
            &db::users::NewUser {
                email: &email,
                display_name: name,
                personnel_no: None,
                org_unit_id: unit_ids.get(unit).copied(),
                role: *role,
                now,
            },
        )
        .await?;
        db::users::set_password_hash(&mut *tx, id, &hash).await?;
        user_ids.insert(*local, id);
    }
    for (local, unit) in SCOPES {
        if let (Some(user), Some(unit)) = (user_ids.get(local), unit_ids.get(unit)) {
            db::users::add_scope(&mut *tx, *user, *unit).await?;
        }
    }
    seed_certificates(state, &mut tx, &user_ids, now).await?;
    let today = crate::server::tracking::today(now);
    for (course, unit, due_in_days, mandatory) in ASSIGNMENTS {
        let Some(unit_id) = unit_ids.get(unit).copied() else {
            continue;
        };
        if state.catalog.course(course).is_none() {
            continue;
        }
        db::assignments::upsert(
            &mut *tx,
            &db::assignments::NewAssignment {
                course,
                unit_id: Some(unit_id),
                user_id: None,
                due_day: Some(today + due_in_days),
                due_days: None,
                mandatory: *mandatory,
                created_by: user_ids.get("admin").copied(),
                now,
            },
        )
        .await?;
    }
    audit::write(
        &mut *tx,
        &audit::Entry {
            at: now,
            actor_id: None,
            actor: "demo seed",
            action: "demo.seed",
            target: "",
            details: &crate::server::audit::details(serde_json::json!({ "people": PEOPLE.len() })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// (course, org unit, due in days from today, mandatory): Seepferdchen for everyone with
/// different due dates (Personalamt overdue, Fachbereich 3 due within a week), Freischwimmer
/// for the IT staff who operate AI.
const ASSIGNMENTS: &[(&str, &str, i64, bool)] = &[
    (
        "ki-seepferdchen",
        "Fachbereich 1 – Zentrale Dienste",
        30,
        true,
    ),
    ("ki-seepferdchen", "Personalamt", -14, true),
    (
        "ki-seepferdchen",
        "Fachbereich 2 – Bürgerservice und Ordnung",
        45,
        true,
    ),
    ("ki-seepferdchen", "Fachbereich 3 – Soziales", 5, true),
    (
        "ki-seepferdchen",
        "Fachbereich 4 – Planen und Bauen",
        60,
        true,
    ),
    ("ki-freischwimmer", "IT und Digitalisierung", 90, false),
];

/// (person, days ago the course was completed, revoked?): a valid, an expiring, an expired and
/// a revoked certificate of the Seepferdchen course (valid 24 months).
const CERTIFICATES: &[(&str, i64, bool)] = &[
    ("anna.becker", 30, false),
    ("ben.yilmaz", 700, false),
    ("clara.schaefer", 800, false),
    ("david.nowak", 60, true),
];

async fn seed_certificates(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_ids: &std::collections::HashMap<&str, i64>,
    now: i64,
) -> Result<(), AppError> {
    use crate::server::auth::authz::{Actor, Scope};
    use crate::server::certificate;
    let Some(course) = state.catalog.course("ki-seepferdchen") else {
        return Ok(());
    };
    for (local, days_ago, revoked) in CERTIFICATES {
        let Some(id) = user_ids.get(local).copied() else {
            continue;
        };
        let Some(user) = db::users::get(&mut **tx, id).await? else {
            continue;
        };
        let at = now - days_ago * 86_400;
        for m in &course.modules {
            db::progress::complete(tx, id, &course.slug, &m.id, &m.hash, at).await?;
        }
        let attempt = db::attempts::insert(
            &mut **tx,
            &db::attempts::NewAttempt {
                user_id: id,
                course_slug: &course.slug,
                kind: "final",
                module_id: None,
                content_hash: &course.hash,
                drawn: "[]",
                max_points: i64::from(course.final_test.question_count),
                now: at - 900,
                deadline_at: None,
            },
        )
        .await?;
        let points = i64::from(course.final_test.question_count);
        db::attempts::submit(&mut **tx, attempt, id, "{}", points, true, at).await?;
        let completion =
            db::attempts::insert_completion(&mut **tx, id, &course.slug, &course.hash, attempt, at)
                .await?;
        let actor = Actor {
            user,
            scope: Scope::SelfOnly,
        };
        let code =
            certificate::issue(tx, state, &actor, course, &course.hash, completion, at).await?;
        if *revoked {
            db::certificates::revoke(tx, &code, "Demo: versehentlich ausgestellt", now - 86_400)
                .await?;
        }
    }
    Ok(())
}
