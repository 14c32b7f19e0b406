//! The KI-Register: the organisation's AI systems, their classification, duties and history.
//! Admins and the KI-Koordination keep it; coordinators read the systems their units use;
//! published systems are public. Each function authorizes itself through `Ctx`.
// The system form posts one field per argument (so it works without JavaScript); the server
// macro also generates the client function, which an item-level allow would not reach.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{
    AiSystemDetail, AiSystemForm, EuSheet, KiUpdateView, PublicAiSystem, RegisterList,
};

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    pub use crate::app::current_locale;
    pub use crate::error::AppError;
    pub use crate::i18n::{Date, Texts};
    pub use crate::model::*;
    pub use crate::server::auth::authz::Ctx;
    pub use crate::server::db;
    pub use crate::server::register::{self, store, System};
    pub use crate::server::state::AppState;

    pub fn values(s: &System) -> AiSystemValues {
        let day = |d: Option<i64>| d.map(|d| Date::from_days(d).iso()).unwrap_or_default();
        AiSystemValues {
            name: s.name.clone(),
            provider: s.provider.clone(),
            product: s.product.clone(),
            purpose: s.purpose.clone(),
            status: s.status.code().into(),
            role: s.role.code().into(),
            responsible: s.responsible.clone(),
            contact: s.contact.clone(),
            approved_uses: s.approved_uses.clone(),
            prohibited_uses: s.prohibited_uses.clone(),
            data_classes: s.data_classes.clone(),
            instruction_url: s.instruction_url.clone(),
            manual_url: s.manual_url.clone(),
            introduced: day(s.introduced_day),
            reviewed: day(s.reviewed_day),
            units: s.units.clone(),
            course: s.course.clone().unwrap_or_default(),
            oversight_course: s.oversight_course.clone().unwrap_or_default(),
            oversight: s.oversight.clone(),
            public_oversight: s.public_oversight.clone(),
            published: s.published,
            answers: s.answers.clone(),
            update_mode: s.update_mode.code().into(),
            eu_database_url: s.eu_database_url.clone(),
            fria_summary: s.fria_summary.clone(),
            dpia_summary: s.dpia_summary.clone(),
        }
    }

    pub use crate::server::register::coverage::{trained, unit_names};

    /// A history value as a reader understands it.
    pub fn shown(state: &AppState, field: &str, value: &str, t: &Texts) -> String {
        match field {
            "kurs" | "aufsichtskurs" if !value.is_empty() => {
                crate::server::reports::course_title(state, value)
            }
            "status" => register::Status::from_code(value)
                .map(|s| s.label(t).to_string())
                .unwrap_or_default(),
            "rolle" => register::OrgRole::from_code(value)
                .map(|s| s.label(t).to_string())
                .unwrap_or_default(),
            "einstufung" => register::RiskClass::from_code(value)
                .map(|s| s.label(t).to_string())
                .unwrap_or_default(),
            "daten" => value
                .split(", ")
                .map(|c| register::data_class_label(c, t))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
            "antworten" => {
                if value.is_empty() {
                    String::new()
                } else {
                    t.reg_answers_changed.to_string()
                }
            }
            _ => value.to_string(),
        }
    }

    pub const DRAFT_KEY: &str = "ki_register_entwurf";
}

/// The systems the caller may see, with the share of their users trained.
#[server(endpoint = "ki_register")]
pub async fn list_ai_systems() -> Result<RegisterList, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::register_reader().await?;
    let t = current_locale().texts();
    let units = db::org_units::all(&state.db.pool).await?;
    let mut systems = Vec::new();
    for s in db::register::all(&state.db).await? {
        if !store::may_read(&actor, &s.system.units) {
            continue;
        }
        let (users, done) = trained(&state, &units, &s.system).await?;
        let sys = &s.system;
        systems.push(AiSystemRow {
            id: s.id,
            name: sys.name.clone(),
            provider: sys.provider.clone(),
            status: sys.status.label(t).into(),
            class: sys.class.label(t).into(),
            units: unit_names(&units, &sys.units).join(", "),
            course: sys
                .course
                .as_deref()
                .map(|c| crate::server::reports::course_title(&state, c))
                .unwrap_or_default(),
            published: sys.published,
            users,
            trained: done,
        });
    }
    Ok(RegisterList {
        systems,
        can_edit: actor.can_edit_register(),
    })
}

/// One system with classification, duties and history.
#[server(endpoint = "ki_system")]
pub async fn get_ai_system(id: i64) -> Result<AiSystemDetail, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::register_reader().await?;
    let locale = current_locale();
    let t = locale.texts();
    let mut conn = state.db.pool.acquire().await?;
    let stored = db::register::get(&mut conn, id)
        .await?
        .filter(|s| store::may_read(&actor, &s.system.units))
        .ok_or(AppError::NotFound)?;
    let recorded = db::register::duties(&mut *conn, id).await?;
    drop(conn);
    let s = &stored.system;
    let outcome = register::classify(&s.answers, s.role, t).unwrap_or(register::Outcome {
        class: s.class,
        articles: vec![],
        reasons: vec![],
        exception_used: false,
    });
    let duties = register::duties(&outcome, &s.answers, s.role)
        .into_iter()
        .map(|d| {
            let r = recorded.iter().find(|r| r.duty == d.code);
            DutyView {
                code: d.code.into(),
                article: d.article.into(),
                label: d.label(t).into(),
                status: r
                    .map(|r| r.status.clone())
                    .unwrap_or_else(|| "offen".into()),
                day: r
                    .and_then(|r| r.day)
                    .map(|d| Date::from_days(d).iso())
                    .unwrap_or_default(),
                responsible: r.map(|r| r.responsible.clone()).unwrap_or_default(),
                evidence: r.map(|r| r.evidence.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let history = db::register::history(&state.db, id)
        .await?
        .into_iter()
        .map(|v| {
            let changes: Vec<(String, String, String)> =
                serde_json::from_str(&v.changes).unwrap_or_default();
            HistoryEntry {
                version: v.version,
                at: locale.format_date_time(v.at),
                actor: v.actor,
                changes: changes
                    .into_iter()
                    .map(|(f, old, new)| {
                        (
                            register::field_label(&f, t).to_string(),
                            shown(&state, &f, &old, t),
                            shown(&state, &f, &new, t),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let units = db::org_units::all(&state.db.pool).await?;
    let (users, done) = trained(&state, &units, s).await?;
    let update = match &stored.update {
        Some((version, at, changes)) => {
            let reach: Vec<i64> = crate::server::auth::authz::subtree(&units, &s.units)
                .into_iter()
                .collect();
            let (people, current) = db::register::update_reach(
                &state.db,
                id,
                s.course.as_deref(),
                *version,
                *at,
                &reach,
            )
            .await?;
            let changes: Vec<(String, String, String)> =
                serde_json::from_str(changes).unwrap_or_default();
            Some(UpdateReach {
                on: Date::in_germany(*at),
                mode: s.update_mode.label(t).into(),
                fields: changes
                    .iter()
                    .map(|(f, _, _)| register::field_label(f, t).to_string())
                    .collect(),
                people,
                current,
            })
        }
        None => None,
    };
    let deadlines = std::fs::read_to_string(
        state
            .config
            .content_dir
            .join("snippets")
            .join("ki-vo-fristen.md"),
    )
    .map(|md| crate::server::content::render::markdown_to_html(&md, ""))
    .unwrap_or_default();
    let course = |c: &Option<String>| {
        c.as_deref()
            .map(|c| crate::server::reports::course_title(&state, c))
            .unwrap_or_default()
    };
    Ok(AiSystemDetail {
        id,
        version: stored.version,
        values: values(s),
        status: s.status.label(t).into(),
        role: s.role.label(t).into(),
        class_code: s.class.code().into(),
        class: s.class.label(t).into(),
        articles: outcome.articles,
        reasons: outcome.reasons,
        units: unit_names(&units, &s.units),
        data_classes: s
            .data_classes
            .iter()
            .map(|c| register::data_class_label(c, t).to_string())
            .collect(),
        course: course(&s.course),
        oversight_course: course(&s.oversight_course),
        duties,
        history,
        can_edit: store::may_edit(&actor, &s.units),
        users,
        trained: done,
        deadlines_html: deadlines,
        update,
    })
}

/// The form for a new system (`id` None) or for changing one; after a refused submission it
/// comes back with what was entered.
#[server(endpoint = "ki_system_form")]
pub async fn load_ai_system_form(id: Option<i64>) -> Result<AiSystemForm, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::register_editor().await?;
    let (mut values, version) = match id {
        Some(id) => {
            let mut conn = state.db.pool.acquire().await?;
            let s = db::register::get(&mut conn, id)
                .await?
                .filter(|s| store::may_edit(&actor, &s.system.units))
                .ok_or(AppError::NotFound)?;
            (values(&s.system), s.version)
        }
        None => (
            AiSystemValues {
                status: "geplant".into(),
                role: "betreiber".into(),
                update_mode: "delta".into(),
                ..Default::default()
            },
            0,
        ),
    };
    let mut restored = false;
    if let Some(token) = crate::server::auth::session::token_from_headers(
        &crate::server::auth::authz::request_headers()?,
    ) {
        let since = state.clock.now() - 600;
        let hash = crate::server::auth::token_hash(&token);
        for p in db::flashes::take(&state.db, &hash, since).await? {
            if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&p) {
                if let Some(draft) = map.get(DRAFT_KEY) {
                    let same = draft.get("id").and_then(|v| v.as_i64()) == id;
                    if let (true, Some(v)) = (same, draft.get("values")) {
                        if let Ok(v) = serde_json::from_value::<AiSystemValues>(v.clone()) {
                            values = v;
                            restored = true;
                        }
                    }
                }
            }
        }
    }
    let rows = db::org_units::all(&state.db.pool).await?;
    let units = crate::server::accounts::tree(&rows)
        .into_iter()
        .filter(|u| actor.can_register_unit(u.id))
        .collect();
    Ok(AiSystemForm {
        id,
        version,
        values,
        units,
        courses: crate::server::reports::published_courses(&state),
        restored,
    })
}

/// Records a new system or a change (a new version); all or nothing.
#[server(endpoint = "save_ki_system")]
pub async fn save_ai_system(
    id: Option<i64>,
    version: Option<i64>,
    name: Option<String>,
    anbieter: Option<String>,
    produkt: Option<String>,
    zweck: Option<String>,
    status: Option<String>,
    rolle: Option<String>,
    verantwortlich: Option<String>,
    kontakt: Option<String>,
    erlaubt: Option<String>,
    verboten: Option<String>,
    daten: Option<Vec<String>>,
    dienstanweisung: Option<String>,
    betriebsanleitung: Option<String>,
    eingefuehrt: Option<String>,
    geprueft: Option<String>,
    einheiten: Option<Vec<i64>>,
    kurs: Option<String>,
    aufsichtskurs: Option<String>,
    aufsicht: Option<String>,
    aufsicht_oeffentlich: Option<String>,
    veroeffentlicht: Option<String>,
    art5: Option<Vec<String>>,
    anhang3: Option<String>,
    ausnahme: Option<Vec<String>>,
    ausnahme_begruendung: Option<String>,
    profiling: Option<String>,
    art50: Option<Vec<String>>,
    gpai: Option<String>,
    einstufung_geprueft: Option<String>,
    aenderung: Option<String>,
    eu_datenbank: Option<String>,
    grundrechte: Option<String>,
    dsfa: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::register_editor().await?;
    let t = current_locale().texts();
    let answers = register::Answers {
        art5: art5.unwrap_or_default().into_iter().collect(),
        annex3: anhang3.filter(|a| !a.is_empty()),
        exceptions: ausnahme.unwrap_or_default().into_iter().collect(),
        exception_reason: ausnahme_begruendung.unwrap_or_default(),
        profiling: profiling.is_some(),
        art50: art50.unwrap_or_default().into_iter().collect(),
        gpai: gpai.is_some(),
    };
    let input = register::Input {
        name: name.unwrap_or_default(),
        provider: anbieter.unwrap_or_default(),
        product: produkt.unwrap_or_default(),
        purpose: zweck.unwrap_or_default(),
        status: status.unwrap_or_default(),
        role: rolle.unwrap_or_default(),
        responsible: verantwortlich.unwrap_or_default(),
        contact: kontakt.unwrap_or_default(),
        approved_uses: erlaubt.unwrap_or_default(),
        prohibited_uses: verboten.unwrap_or_default(),
        data_classes: daten.unwrap_or_default(),
        instruction_url: dienstanweisung.unwrap_or_default(),
        manual_url: betriebsanleitung.unwrap_or_default(),
        introduced: eingefuehrt.unwrap_or_default(),
        reviewed: geprueft.unwrap_or_default(),
        units: einheiten.unwrap_or_default(),
        course: kurs.unwrap_or_default(),
        oversight_course: aufsichtskurs.unwrap_or_default(),
        oversight: aufsicht.unwrap_or_default(),
        public_oversight: aufsicht_oeffentlich.unwrap_or_default(),
        published: veroeffentlicht.is_some(),
        answers,
        update_mode: aenderung.unwrap_or_default(),
        eu_database_url: eu_datenbank.unwrap_or_default(),
        fria_summary: grundrechte.unwrap_or_default(),
        dpia_summary: dsfa.unwrap_or_default(),
    };
    let existing = id.map(|id| (id, version.unwrap_or_default()));
    let draft = input.clone();
    match store::save(
        &state,
        &actor,
        existing,
        input,
        einstufung_geprueft.is_some(),
        t,
    )
    .await
    {
        Ok(id) => {
            leptos_axum::redirect(&format!("/verwaltung/ki-register/{id}?gespeichert=1"));
            Ok(())
        }
        Err(e @ (AppError::Fields(_) | AppError::InvalidInput(_))) => {
            // Keep what was entered for the form's next rendering (a post without JavaScript
            // comes back as a new page).
            if let Some(token) = crate::server::auth::session::token_from_headers(
                &crate::server::auth::authz::request_headers()?,
            ) {
                let payload = serde_json::json!({ DRAFT_KEY: { "id": id, "values": draft } });
                db::flashes::put(
                    &state.db,
                    &crate::server::auth::token_hash(&token),
                    &payload.to_string(),
                    state.clock.now(),
                )
                .await?;
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Records the state of one duty of a system.
#[server(endpoint = "save_ki_duty")]
pub async fn save_ai_duty(
    id: i64,
    pflicht: String,
    status: String,
    datum: Option<String>,
    zustaendig: Option<String>,
    nachweis: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::register_editor().await?;
    let t = current_locale().texts();
    let input = store::DutyInput {
        duty: &pflicht,
        status: &status,
        day: datum.as_deref().unwrap_or_default(),
        responsible: zustaendig.as_deref().unwrap_or_default(),
        evidence: nachweis.as_deref().unwrap_or_default(),
    };
    store::save_duty(&state, &actor, id, &input, t).await?;
    leptos_axum::redirect(&format!(
        "/verwaltung/ki-register/{id}?pflicht={pflicht}#pflicht-{pflicht}"
    ));
    Ok(())
}

/// The public transparency register: published systems only, no sign-in.
#[server(endpoint = "public_ki_register")]
pub async fn list_public_ai_systems() -> Result<Vec<PublicAiSystem>, AppError> {
    use ssr::*;
    let Ctx { state, actor: () } = Ctx::public()?;
    let t = current_locale().texts();
    crate::server::register::public::list(&state, t).await
}

/// A change of an AI tool the signed-in person uses (or oversees): what changed, the current
/// rules, and whether she is up to date. Anyone else: not found.
#[server(endpoint = "ki_aenderung")]
pub async fn get_ki_update(id: i64) -> Result<KiUpdateView, AppError> {
    use crate::server::register::updates;
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let locale = current_locale();
    let t = locale.texts();
    let units = db::org_units::all(&state.db.pool).await?;
    let mut conn = state.db.pool.acquire().await?;
    let stored = db::register::get(&mut conn, id)
        .await?
        .filter(|s| updates::concerns(&units, &actor.user, s))
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let (version, at, changes) = stored.update.clone().ok_or(AppError::NotFound)?;
    let completed = db::register::completions(&state.db, actor.id()).await?;
    let acked = db::register::acknowledged(&state.db, actor.id())
        .await?
        .into_iter()
        .find(|(s, _, _)| *s == id)
        .map(|(_, v, _)| v);
    let due = updates::due(&stored, &completed, acked);
    let changes: Vec<(String, String, String)> = serde_json::from_str(&changes).unwrap_or_default();
    let s = &stored.system;
    let course = match (s.update_mode, &s.course) {
        (register::UpdateMode::Course, Some(c)) => {
            Some((c.clone(), crate::server::reports::course_title(&state, c)))
        }
        _ => None,
    };
    Ok(KiUpdateView {
        id,
        name: s.name.clone(),
        version,
        changed_on: Date::in_germany(at),
        due: due
            .as_ref()
            .map(|d| d.due)
            .unwrap_or_else(|| Date::from_days(Date::in_germany(at).to_days() + store::DUE_DAYS)),
        changes: changes
            .into_iter()
            .map(|(f, old, new)| {
                let field = register::field_label(&f, t).to_string();
                if matches!(f.as_str(), "erlaubt" | "verboten") {
                    let (added, removed) = register::rule_changes(&old, &new);
                    KiChange {
                        field,
                        before: String::new(),
                        after: String::new(),
                        added,
                        removed,
                    }
                } else {
                    KiChange {
                        field,
                        before: shown(&state, &f, &old, t),
                        after: shown(&state, &f, &new, t),
                        added: Vec::new(),
                        removed: Vec::new(),
                    }
                }
            })
            .collect(),
        rules_html: register::learner::render(&[(s.clone(), stored.updated_at)], true, locale),
        course,
        current: due.is_none(),
    })
}

/// The signed-in person confirms that she read the change `version` of a tool she uses.
#[server(endpoint = "ki_aenderung_bestaetigen")]
pub async fn confirm_ki_update(id: i64, version: i64) -> Result<(), AppError> {
    use crate::server::register::updates;
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let t = current_locale().texts();
    let units = db::org_units::all(&state.db.pool).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let stored = db::register::get(&mut tx, id)
        .await?
        .filter(|s| updates::concerns(&units, &actor.user, s))
        .ok_or(AppError::NotFound)?;
    match stored.update {
        Some((current, _, _)) if current == version => {}
        Some(_) => return Err(AppError::InvalidInput(t.reg_update_changed_again.into())),
        None => return Err(AppError::NotFound),
    }
    if stored.system.update_mode != register::UpdateMode::Delta {
        return Err(AppError::InvalidInput(t.reg_update_take_course.into()));
    }
    db::register::acknowledge(&mut *tx, id, actor.id(), version, now).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/ki-aenderung/{id}?bestaetigt=1"));
    Ok(())
}

/// The sheet for the EU database of a system the caller may read (Annex VIII Section C).
#[server(endpoint = "ki_eu_blatt")]
pub async fn get_eu_sheet(id: i64) -> Result<EuSheet, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::register_reader().await?;
    let t = current_locale().texts();
    let mut conn = state.db.pool.acquire().await?;
    let stored = db::register::get(&mut conn, id)
        .await?
        .filter(|s| store::may_read(&actor, &s.system.units))
        .ok_or(AppError::NotFound)?;
    let duties = db::register::duties(&mut *conn, id).await?;
    Ok(register::eu::sheet(
        &stored,
        &duties,
        &state.config.org_name,
        &state.config.contact_email,
        t,
    ))
}
