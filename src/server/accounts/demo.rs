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

/// The person who keeps the KI-Register (KI-Koordination).
pub const AI_COORDINATOR: &str = "sophie.braun";

/// The logins printed by `make run`: (what the person does, e-mail).
pub fn logins() -> Vec<(String, String)> {
    let t = crate::i18n::Locale::De.texts();
    PEOPLE
        .iter()
        .filter(|p| p.3 != Role::Employee || p.1 == "anna.becker" || p.1 == AI_COORDINATOR)
        .map(|p| {
            let what = if p.1 == AI_COORDINATOR {
                t.role_ai_coordinator.to_string()
            } else {
                p.3.label(t).to_string()
            };
            (what, format!("{}@{DOMAIN}", p.1))
        })
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
    if let Some(id) = user_ids.get(AI_COORDINATOR) {
        db::register::set_ai_coordinator(&mut *tx, *id, true).await?;
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
    seed_register(state, &mut tx, &unit_ids, now).await?;
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
        let code = certificate::issue(
            tx,
            state,
            &actor,
            course,
            &certificate::Taught {
                content_hash: &course.hash,
                register: None,
                completion_id: completion,
            },
            at,
        )
        .await?;
        if *revoked {
            db::certificates::revoke(tx, &code, "Demo: versehentlich ausgestellt", now - 86_400)
                .await?;
        }
    }
    Ok(())
}

/// Five systems of Musterstadt with complete classifications: (name, provider, product,
/// purpose, status, role, responsible, approved, prohibited, data, units, course, oversight,
/// oversight course, answers).
struct DemoSystem {
    name: &'static str,
    provider: &'static str,
    product: &'static str,
    purpose: &'static str,
    status: &'static str,
    role: &'static str,
    responsible: &'static str,
    approved: &'static str,
    prohibited: &'static str,
    data: &'static [&'static str],
    units: &'static [&'static str],
    course: &'static str,
    oversight: &'static str,
    oversight_course: &'static str,
    /// How people keep it under control, for the public register.
    public_oversight: &'static str,
    answers: fn() -> crate::server::register::Answers,
    /// (duty, state, responsible, evidence)
    duties: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

fn set(codes: &[&str]) -> std::collections::BTreeSet<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

const SYSTEMS: &[DemoSystem] = &[
    DemoSystem {
        name: "Bürger-Chatbot „Frag Musti“",
        provider: "Beispiel Dialogsysteme GmbH",
        product: "Musti 2.1 mit einem großen Sprachmodell des Anbieters",
        purpose: "Beantwortet auf musterstadt.example rund um die Uhr Fragen zu Öffnungszeiten, \
                  nötigen Unterlagen und Gebühren der Dienstleistungen des Bürgerbüros.",
        status: "im-einsatz",
        role: "anbieter",
        responsible: "Bürgerbüro, Teamleitung Online-Dienste",
        approved: "Auskünfte zu Öffnungszeiten, Unterlagen und Gebühren\n\
                   Hinweise auf die zuständige Stelle und auf Online-Anträge",
        prohibited: "Keine Auskünfte zum Stand einzelner Anträge\nKeine Rechtsberatung",
        data: &["oeffentlich"],
        units: &["Bürgerbüro"],
        course: "ki-seepferdchen",
        oversight: "",
        oversight_course: "",
        public_oversight: "Der Chatbot gibt nur allgemeine Auskünfte und sagt im ersten Satz, dass er ein KI-System ist. Das Team Online-Dienste wertet die Rückmeldungen jede Woche aus und korrigiert falsche Antworten.",
        answers: || crate::server::register::Answers {
            art50: set(&["dialog", "synthetisch"]),
            ..Default::default()
        },
        duties: &[(
            "hinweis-dialog",
            "erledigt",
            "Teamleitung Online-Dienste",
            "Hinweis „Sie schreiben mit einem KI-System“ im ersten Satz des Chatfensters.",
        )],
    },
    DemoSystem {
        name: "Textassistent",
        provider: "Beispiel Cloud AG (Rechenzentrum in Deutschland)",
        product: "Verwaltungsassistent 4 mit dem Sprachmodell „Beispiel-LLM 3“",
        purpose: "Hilft Beschäftigten beim Formulieren: Entwürfe für Schreiben und Vermerke, \
                  Zusammenfassungen öffentlicher Dokumente, Texte in einfacher Sprache.",
        status: "im-einsatz",
        role: "betreiber",
        responsible: "IT und Digitalisierung, Sophie Braun",
        approved: "Entwürfe für Schreiben, Vermerke und Texte für die Internetseite\n\
                   Zusammenfassungen öffentlicher Dokumente\n\
                   Formulierungshilfen in einfacher Sprache",
        prohibited:
            "Keine personenbezogenen Daten, keine Gesundheitsdaten, keine Verschlusssachen\n\
                     Keine Bewertungen oder Entscheidungen über Personen\n\
                     Ergebnisse nicht ungeprüft übernehmen",
        data: &["oeffentlich", "intern"],
        units: &[
            "Fachbereich 1 – Zentrale Dienste",
            "Fachbereich 2 – Bürgerservice und Ordnung",
            "Fachbereich 3 – Soziales",
            "Fachbereich 4 – Planen und Bauen",
        ],
        course: "ki-seepferdchen",
        oversight: "",
        oversight_course: "",
        public_oversight: "Die Entwürfe sind nur eine Hilfe: Beschäftigte prüfen jeden Text und verantworten ihn selbst.",
        answers: || crate::server::register::Answers {
            gpai: true,
            ..Default::default()
        },
        duties: &[],
    },
    DemoSystem {
        name: "Übersetzungsdienst",
        provider: "Beispiel Übersetzungen GmbH",
        product: "Übersetzer Pro für Behörden",
        purpose: "Übersetzt Informationsschreiben und Formulare in andere Sprachen, damit \
                  Bürgerinnen und Bürger sie verstehen.",
        status: "im-einsatz",
        role: "betreiber",
        responsible: "Bürgerbüro, Frau Kaya",
        approved: "Übersetzen von Informationsschreiben, Formularen und Aushängen\n\
                   Verstehen fremdsprachiger Schreiben",
        prohibited: "Keine Übersetzung von Bescheiden ohne Prüfung durch eine sprachkundige Person",
        data: &["oeffentlich", "intern"],
        units: &["Bürgerbüro", "Sozialamt"],
        course: "ki-seepferdchen",
        oversight: "",
        oversight_course: "",
        public_oversight: "Beschäftigte prüfen Übersetzungen vor der Verwendung; verbindlich ist immer der deutsche Text.",
        answers: Default::default,
        duties: &[],
    },
    DemoSystem {
        name: "Posteingang mit Texterkennung",
        provider: "Beispiel Dokumentenmanagement GmbH",
        product: "DMS 9, Modul KI-Posteingang",
        purpose: "Liest eingescannte Briefe (Texterkennung) und schlägt vor, welcher Stelle \
                  die Poststelle sie zuleitet. Die Poststelle prüft jeden Vorschlag.",
        status: "erprobung",
        role: "betreiber",
        responsible: "Zentrale Dienste, Leitung Poststelle",
        approved: "Texterkennung und Zuleitungsvorschlag für eingehende Post",
        prohibited: "Keine inhaltliche Bewertung von Anliegen",
        data: &["oeffentlich", "intern", "personenbezogen"],
        units: &["Fachbereich 1 – Zentrale Dienste"],
        course: "ki-seepferdchen",
        oversight: "",
        oversight_course: "",
        public_oversight: "Die Poststelle prüft jeden Zuleitungsvorschlag, bevor sie ein Schreiben weiterleitet.",
        answers: Default::default,
        duties: &[],
    },
    DemoSystem {
        name: "Vorprüfung Leistungsanträge",
        provider: "Beispiel Sozialsoftware GmbH",
        product: "Fachverfahren Soziales 12, Modul Antragsvorprüfung",
        purpose: "Prüft eingehende Anträge auf Sozialleistungen vor und zeigt der \
                  Sachbearbeitung, ob Angaben fehlen und ob ein Anspruch wahrscheinlich ist. \
                  Entscheiden muss die Sachbearbeitung.",
        status: "erprobung",
        role: "betreiber",
        responsible: "Sozialamt, Sachgebietsleitung Leistungen",
        approved: "Vorprüfung auf Vollständigkeit\nHinweis auf wahrscheinliche Ansprüche",
        prohibited: "Keine Ablehnung oder Bewilligung ohne eigene Prüfung der Sachbearbeitung",
        data: &["oeffentlich", "intern", "personenbezogen"],
        units: &["Sozialamt"],
        course: "ki-seepferdchen",
        oversight: "Ulrike Peters (Sachgebietsleitung) <ulrike.peters@musterstadt.example>\n\
                    Gül Demir <guel.demir@musterstadt.example>",
        oversight_course: "ki-rettungsschwimmer",
        public_oversight: "Über jeden Antrag entscheidet die Sachbearbeitung selbst. Benannte Beschäftigte mit der nötigen Kompetenz und Befugnis beaufsichtigen das System (Art. 26 Abs. 2 KI-Verordnung).",
        answers: || crate::server::register::Answers {
            annex3: Some("5".into()),
            ..Default::default()
        },
        duties: &[
            (
                "beschaeftigte",
                "erledigt",
                "Sachgebietsleitung Leistungen",
                "Personalrat am 3.11.2026 informiert; Dienstbesprechung am 10.11.2026.",
            ),
            (
                "grundrechte",
                "in-arbeit",
                "Sachgebietsleitung Leistungen",
                "Entwurf mit dem Datenschutzbeauftragten abgestimmt.",
            ),
        ],
    },
];

async fn seed_register(
    state: &AppState,
    tx: &mut sqlx::AnyConnection,
    unit_ids: &std::collections::HashMap<&str, i64>,
    now: i64,
) -> Result<(), AppError> {
    use crate::server::register::{self, store};
    let t = crate::i18n::Locale::De.texts();
    let courses: Vec<String> = state.catalog.published().map(|c| c.slug.clone()).collect();
    let all_units: Vec<i64> = unit_ids.values().copied().collect();
    let anyone = |_: i64| true;
    let emails: Vec<String> = PEOPLE.iter().map(|p| format!("{}@{DOMAIN}", p.1)).collect();
    let is_person = |e: &str| emails.iter().any(|x| x == e);
    let today = crate::server::tracking::today(now);
    for d in SYSTEMS {
        let known = |c: &str| {
            if courses.iter().any(|x| x == c) {
                c.to_string()
            } else {
                String::new()
            }
        };
        let input = register::Input {
            name: d.name.into(),
            provider: d.provider.into(),
            product: d.product.into(),
            purpose: d.purpose.into(),
            status: d.status.into(),
            role: d.role.into(),
            responsible: d.responsible.into(),
            contact: "ki@musterstadt.example".into(),
            approved_uses: d.approved.into(),
            prohibited_uses: d.prohibited.into(),
            data_classes: d.data.iter().map(|c| c.to_string()).collect(),
            introduced: crate::i18n::Date::from_days(today - 120).iso(),
            reviewed: crate::i18n::Date::from_days(today - 14).iso(),
            units: d
                .units
                .iter()
                .filter_map(|u| unit_ids.get(u).copied())
                .collect(),
            course: known(d.course),
            oversight_course: known(d.oversight_course),
            oversight: d.oversight.into(),
            public_oversight: d.public_oversight.into(),
            published: true,
            answers: (d.answers)(),
            dpia_summary: if (d.answers)().annex3.is_some() {
                DEMO_DPIA.into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        let cx = register::Context {
            courses: &courses,
            units: &all_units,
            may_use_unit: &anyone,
            known_email: &is_person,
        };
        let system = register::validate(input, &cx, t)?;
        // Recorded at the last review, two weeks ago (the chatbot's change below is later).
        let recorded = now - 14 * 86_400;
        let id = db::register::insert(&mut *tx, &system, recorded).await?;
        for unit in &system.units {
            db::register::add_unit(&mut *tx, id, *unit).await?;
        }
        let names = |id: i64| {
            unit_ids
                .iter()
                .find(|(_, v)| **v == id)
                .map(|(k, _)| k.to_string())
                .unwrap_or_default()
        };
        let changes = register::diff(&[], &register::snapshot(&system, &names));
        db::register::insert_version(
            &mut *tx,
            id,
            &db::register::VersionRow {
                version: 1,
                at: recorded,
                actor: "Demodaten".into(),
                changes: serde_json::to_string(&changes).map_err(AppError::internal)?,
            },
        )
        .await?;
        for (duty, status, responsible, evidence) in d.duties {
            db::register::upsert_duty(
                &mut *tx,
                id,
                &db::register::DutyRow {
                    duty: duty.to_string(),
                    status: status.to_string(),
                    day: Some(today - 10),
                    responsible: responsible.to_string(),
                    evidence: evidence.to_string(),
                },
            )
            .await?;
        }
        if d.name == RULE_CHANGE.0 {
            // Two days ago the chatbot got a new model and a new rule: its users who learnt
            // it before are due for an update (Anna Becker among them).
            let at = now - 2 * 86_400;
            let mut changed = system.clone();
            changed.product = RULE_CHANGE.1.into();
            changed.prohibited_uses = format!("{}\n{}", system.prohibited_uses, RULE_CHANGE.2);
            db::register::update(&mut *tx, id, 1, &changed, at).await?;
            let changes = register::diff(
                &register::snapshot(&system, &names),
                &register::snapshot(&changed, &names),
            );
            let text = serde_json::to_string(&changes).map_err(AppError::internal)?;
            db::register::insert_version(
                &mut *tx,
                id,
                &db::register::VersionRow {
                    version: 2,
                    at,
                    actor: "Demodaten".into(),
                    changes: text.clone(),
                },
            )
            .await?;
            db::register::mark_update(&mut *tx, id, 2, at, &text).await?;
        }
    }
    store::sync_training(tx, now).await?;
    Ok(())
}

/// The demo's data-protection impact assessment of its high-risk system (the fundamental-rights
/// one is still in progress, so the EU sheet shows what is missing).
const DEMO_DPIA: &str = "DSFA vom 20.10.2026 mit dem Datenschutzbeauftragten: hohes Risiko wegen \
     Einkommens- und Gesundheitsangaben; Maßnahmen: Zugriff nur für das Sachgebiet Leistungen, \
     Protokollierung aller Abrufe, Löschung der Vorprüfung nach sechs Monaten.";

/// (system, new product, new rule): the demo's change that makes an update due.
const RULE_CHANGE: (&str, &str, &str) = (
    "Bürger-Chatbot „Frag Musti“",
    "Musti 3.0 mit einem neuen Sprachmodell des Anbieters",
    "Keine Auskünfte zu Bußgeldern; dafür an das Ordnungsamt verweisen",
);
