//! The register as downloads for its readers, each within what they may see, every download
//! audit-logged: `GET /verwaltung/ki-register.csv` (German Excel CSV, one row per system),
//! `.json` (everything recorded, in the schema `ki-seepferdchen/ki-register-export/1` that the
//! README documents, for other tools and archives) and `.pdf` (a tagged PDF/UA report for a
//! supervisor: per system its facts, class, duties and training). All three come from one
//! collection step, so they never disagree.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use krilla::tagging::Tag;

use crate::error::AppError;
use crate::i18n::{berlin_offset_seconds, time_in_germany, Date, Locale, Texts};
use crate::server::auth::authz::Actor;
use crate::server::db::{self, register::DutyRow, register::Stored};
use crate::server::reports::csv::{date_cell, CsvWriter};
use crate::server::reports::evidence_pdf::{Column, Face, Heads, Layout, FULL};
use crate::server::state::AppState;

use super::{classify, data_class_label, duties, store, Duty, Outcome};

/// One system with what follows from it.
pub struct Entry {
    pub stored: Stored,
    pub outcome: Option<Outcome>,
    pub duties: Vec<(Duty, Option<DutyRow>)>,
    pub units: Vec<String>,
    pub users: i64,
    pub trained: i64,
}

impl Entry {
    fn duties_done(&self) -> usize {
        self.duties
            .iter()
            .filter(|(_, r)| {
                r.as_ref()
                    .is_some_and(|r| matches!(r.status.as_str(), "erledigt" | "entfaellt"))
            })
            .count()
    }
}

/// The systems the actor may read, by name.
pub async fn entries(state: &AppState, actor: &Actor, t: &Texts) -> Result<Vec<Entry>, AppError> {
    actor.register_scope().ok_or(AppError::Forbidden)?;
    let units = db::org_units::all(&state.db.pool).await?;
    let mut out = Vec::new();
    for stored in db::register::all(&state.db).await? {
        let s = &stored.system;
        if !store::may_read(actor, &s.units) {
            continue;
        }
        let outcome = classify(&s.answers, s.role, t).ok();
        let mut conn = state.db.pool.acquire().await?;
        let recorded = db::register::duties(&mut *conn, stored.id).await?;
        drop(conn);
        let duties = outcome
            .as_ref()
            .map(|o| duties(o, &s.answers, s.role))
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                let r = recorded.iter().find(|r| r.duty == d.code).cloned();
                (d, r)
            })
            .collect();
        let (users, trained) = super::coverage::trained(state, &units, s).await?;
        let names = super::coverage::unit_names(&units, &s.units);
        out.push(Entry {
            stored,
            outcome,
            duties,
            units: names,
            users,
            trained,
        });
    }
    Ok(out)
}

fn data_labels(codes: &[String], t: &Texts) -> String {
    codes
        .iter()
        .map(|c| data_class_label(c, t))
        .collect::<Vec<_>>()
        .join(", ")
}

fn course(state: &AppState, slug: &Option<String>) -> String {
    slug.as_deref()
        .map(|c| crate::server::reports::course_title(state, c))
        .unwrap_or_default()
}

pub fn to_csv(state: &AppState, entries: &[Entry], t: &Texts) -> String {
    let mut csv = CsvWriter::new();
    csv.row(&[
        t.reg_field_name,
        t.reg_field_provider,
        t.reg_field_product,
        t.reg_field_purpose,
        t.reg_field_status,
        t.reg_field_role,
        t.reg_field_class,
        t.reg_csv_articles,
        t.reg_field_units,
        t.reg_field_responsible,
        t.reg_field_contact,
        t.reg_field_data,
        t.reg_field_course,
        t.reg_csv_trained,
        t.reg_csv_users,
        t.reg_csv_duties_done,
        t.reg_csv_duties_all,
        t.reg_field_introduced,
        t.reg_field_reviewed,
        t.reg_field_published,
        t.reg_history_version,
    ]);
    for e in entries {
        let s = &e.stored.system;
        csv.row(&[
            s.name.clone(),
            s.provider.clone(),
            s.product.clone(),
            s.purpose.clone(),
            s.status.label(t).to_string(),
            s.role.label(t).to_string(),
            s.class.label(t).to_string(),
            e.outcome
                .as_ref()
                .map(|o| o.articles.join(", "))
                .unwrap_or_default(),
            e.units.join(", "),
            s.responsible.clone(),
            s.contact.clone(),
            data_labels(&s.data_classes, t),
            course(state, &s.course),
            e.trained.to_string(),
            e.users.to_string(),
            e.duties_done().to_string(),
            e.duties.len().to_string(),
            date_cell(s.introduced_day.map(Date::from_days)),
            date_cell(s.reviewed_day.map(Date::from_days)),
            if s.published { t.yes } else { t.no }.to_string(),
            e.stored.version.to_string(),
        ]);
    }
    csv.finish()
}

/// The schema name of the full export; bump it when a field changes meaning or goes away.
pub const SCHEMA: &str = "ki-seepferdchen/ki-register-export/1";

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A time in Germany as ISO 8601 with its offset ("2026-11-28T14:53+01:00").
fn iso_time(unix: i64) -> String {
    format!(
        "{}T{}{:+03}:00",
        Date::in_germany(unix).iso(),
        time_in_germany(unix),
        berlin_offset_seconds(unix) / 3600
    )
}

/// Everything recorded, with codes (stable) and German labels (for people).
pub fn to_json(state: &AppState, entries: &[Entry], t: &Texts) -> serde_json::Value {
    let iso = |d: Option<i64>| d.map(|d| Date::from_days(d).iso());
    let systems: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let s = &e.stored.system;
            let update = e.stored.update.as_ref().map(|(version, at, changes)| {
                let changes: Vec<(String, String, String)> =
                    serde_json::from_str(changes).unwrap_or_default();
                serde_json::json!({
                    "version": version,
                    "at": iso_time(*at),
                    "fields": changes.into_iter().map(|(f, _, _)| f).collect::<Vec<_>>(),
                })
            });
            serde_json::json!({
                "id": e.stored.id,
                "version": e.stored.version,
                "name": s.name,
                "provider": s.provider,
                "product": s.product,
                "purpose": s.purpose,
                "status": s.status.code(),
                "status_label": s.status.label(t),
                "role": s.role.code(),
                "units": e.units,
                "responsible": s.responsible,
                "contact": s.contact,
                "approved_uses": lines(&s.approved_uses),
                "prohibited_uses": lines(&s.prohibited_uses),
                "data_classes": s.data_classes,
                "instruction_url": s.instruction_url,
                "manual_url": s.manual_url,
                "introduced": iso(s.introduced_day),
                "reviewed": iso(s.reviewed_day),
                "risk_class": s.class.code(),
                "risk_class_label": s.class.label(t),
                "articles": e.outcome.as_ref().map(|o| o.articles.clone()).unwrap_or_default(),
                "reasons": e.outcome.as_ref().map(|o| o.reasons.clone()).unwrap_or_default(),
                "answers": s.answers,
                "oversight_persons": lines(&s.oversight),
                "public_oversight": s.public_oversight,
                "published": s.published,
                "course": s.course,
                "oversight_course": s.oversight_course,
                "training": { "users": e.users, "trained": e.trained },
                "update_mode": s.update_mode.code(),
                "last_update": update,
                "duties": e.duties.iter().map(|(d, r)| serde_json::json!({
                    "code": d.code,
                    "article": d.article,
                    "label": d.label(t),
                    "status": r.as_ref().map(|r| r.status.as_str()).unwrap_or("offen"),
                    "date": r.as_ref().and_then(|r| iso(r.day)),
                    "responsible": r.as_ref().map(|r| r.responsible.as_str()).unwrap_or(""),
                    "evidence": r.as_ref().map(|r| r.evidence.as_str()).unwrap_or(""),
                })).collect::<Vec<_>>(),
                "eu_database": {
                    "provider_entry": s.eu_database_url,
                    "fria_summary": s.fria_summary,
                    "dpia_summary": s.dpia_summary,
                },
            })
        })
        .collect();
    serde_json::json!({
        "schema": SCHEMA,
        "organisation": state.config.org_name,
        "generated": iso_time(state.clock.now()),
        "systems": systems,
    })
}

/// The register as a tagged PDF: per system a heading, its facts, and its duties as a table.
pub fn to_pdf(state: &AppState, entries: &[Entry], locale: Locale) -> Result<Vec<u8>, String> {
    write_pdf(state, entries, locale, true).or_else(|err| {
        tracing::warn!(error = %err, "register report is not PDF/UA-1 conformant; written without the check");
        write_pdf(state, entries, locale, false)
    })
}

fn write_pdf(
    state: &AppState,
    entries: &[Entry],
    locale: Locale,
    strict: bool,
) -> Result<Vec<u8>, String> {
    let t = locale.texts();
    let org = state.config.org_name.clone();
    let mut l = Layout::start()?;
    l.block(
        Tag::Hn(std::num::NonZeroU16::MIN, Some(t.reg_report_title.into())),
        None,
        Face::Bold,
        16.0,
        crate::server::reports::evidence_pdf::MARGIN,
        FULL,
        t.reg_report_title,
        4.0,
    );
    let generated = locale.format_date_time(state.clock.now());
    for line in [
        org.clone(),
        format!(
            "{}: {} · {}",
            t.evidence_generated,
            generated,
            t.reg_report_count.of(entries.len() as u32)
        ),
        t.reg_not_certified.to_string(),
    ] {
        l.block(
            Tag::P,
            None,
            Face::Regular,
            9.5,
            crate::server::reports::evidence_pdf::MARGIN,
            FULL,
            &line,
            2.0,
        );
    }
    let dash = |v: &str| {
        if v.is_empty() {
            "–".to_string()
        } else {
            v.to_string()
        }
    };
    for e in entries {
        let s = &e.stored.system;
        l.heading(2, &s.name, 12.0);
        let articles = e
            .outcome
            .as_ref()
            .map(|o| o.articles.join(", "))
            .unwrap_or_default();
        let facts: Vec<(&str, String)> = vec![
            (t.reg_field_provider, dash(&s.provider)),
            (t.reg_field_product, dash(&s.product)),
            (t.reg_field_purpose, dash(&s.purpose)),
            (t.reg_field_status, s.status.label(t).to_string()),
            (t.reg_field_role, s.role.label(t).to_string()),
            (
                t.reg_field_class,
                format!("{} ({articles})", s.class.label(t)),
            ),
            (t.reg_field_units, dash(&e.units.join(", "))),
            (t.reg_field_responsible, dash(&s.responsible)),
            (t.reg_field_data, dash(&data_labels(&s.data_classes, t))),
            (t.reg_field_course, dash(&course(state, &s.course))),
            (
                t.reg_trained,
                if e.users == 0 {
                    t.reg_trained_none.to_string()
                } else {
                    t.reg_trained_of(e.trained, e.users)
                },
            ),
            (t.reg_field_oversight, dash(&lines(&s.oversight).join("; "))),
            (t.reg_history_version, e.stored.version.to_string()),
        ];
        let rows: Vec<Vec<String>> = facts
            .into_iter()
            .map(|(k, v)| vec![k.to_string(), v])
            .collect();
        l.table(
            &[
                Column {
                    head: t.reg_report_field,
                    width: 190.0,
                    right: false,
                },
                Column {
                    head: t.reg_report_value,
                    width: FULL - 190.0,
                    right: false,
                },
            ],
            &rows,
            8.5,
        );
        if !e.duties.is_empty() {
            let rows: Vec<Vec<String>> = e
                .duties
                .iter()
                .map(|(d, r)| {
                    vec![
                        d.label(t).to_string(),
                        d.article.to_string(),
                        crate::register::duty_state_label(
                            r.as_ref().map(|r| r.status.as_str()).unwrap_or("offen"),
                            t,
                        )
                        .to_string(),
                        date_cell(r.as_ref().and_then(|r| r.day).map(Date::from_days)),
                        r.as_ref()
                            .map(|r| r.responsible.clone())
                            .unwrap_or_default(),
                        r.as_ref().map(|r| r.evidence.clone()).unwrap_or_default(),
                    ]
                })
                .collect();
            let widths = [250.0, 80.0, 70.0, 70.0, 110.0];
            let evidence = FULL - widths.iter().sum::<f32>();
            let heads = [
                t.reg_duties,
                t.reg_duty_article,
                t.reg_duty_state,
                t.reg_duty_day,
                t.reg_duty_responsible,
                t.reg_duty_evidence,
            ];
            let columns: Vec<Column> = heads
                .iter()
                .zip(widths.iter().copied().chain([evidence]))
                .map(|(head, width)| Column {
                    head,
                    width,
                    right: false,
                })
                .collect();
            l.table(&columns, &rows, 7.5);
        }
    }
    let header = format!("{} · {org}", t.reg_report_title);
    l.finish(
        &Heads {
            title: t.reg_report_title,
            doc_title: &format!("{} – {org}", t.reg_report_title),
            header: &header,
            org: &org,
        },
        t,
        strict,
    )
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
    Pdf,
}

async fn download(state: AppState, actor: Actor, locale: Locale, format: Format) -> Response {
    let t = locale.texts();
    let result = async {
        let entries = entries(&state, &actor, t).await?;
        let (bytes, kind, name, code) = match format {
            Format::Csv => (
                to_csv(&state, &entries, t).into_bytes(),
                "text/csv; charset=utf-8",
                "ki-register.csv",
                "csv",
            ),
            Format::Json => (
                to_json(&state, &entries, t).to_string().into_bytes(),
                "application/json; charset=utf-8",
                "ki-register.json",
                "json",
            ),
            Format::Pdf => (
                to_pdf(&state, &entries, locale).map_err(AppError::internal)?,
                "application/pdf",
                "ki-register.pdf",
                "pdf",
            ),
        };
        let details = crate::server::audit::details(
            serde_json::json!({ "rows": entries.len(), "format": code }),
        );
        actor
            .audit(
                &state.db.pool,
                state.clock.now(),
                "export.register",
                "",
                &details,
            )
            .await?;
        Ok::<_, AppError>((bytes, kind, name))
    }
    .await;
    match result {
        Ok((bytes, kind, name)) => crate::server::reports::routes::download(bytes, kind, name),
        Err(e) => e.into_response(),
    }
}

pub async fn register_csv(State(state): State<AppState>, actor: Actor, locale: Locale) -> Response {
    download(state, actor, locale, Format::Csv).await
}

pub async fn register_json(
    State(state): State<AppState>,
    actor: Actor,
    locale: Locale,
) -> Response {
    download(state, actor, locale, Format::Json).await
}

pub async fn register_pdf(State(state): State<AppState>, actor: Actor, locale: Locale) -> Response {
    download(state, actor, locale, Format::Pdf).await
}
