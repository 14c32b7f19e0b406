//! The register as a download: `GET /verwaltung/ki-register.csv` (German Excel CSV, one row
//! per system with class, articles, duties done and the share of users trained). Readers of
//! the register only, each within what they may see; every download is audit-logged.
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::i18n::{Date, Locale};
use crate::server::auth::authz::Actor;
use crate::server::db;
use crate::server::reports::csv::{date_cell, CsvWriter};
use crate::server::state::AppState;

use super::{classify, data_class_label, duties, store};

async fn build(
    state: &AppState,
    actor: &Actor,
    locale: Locale,
) -> Result<(String, usize), AppError> {
    let t = locale.texts();
    actor.register_scope().ok_or(AppError::Forbidden)?;
    let units = db::org_units::all(&state.db.pool).await?;
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
    let mut n = 0;
    for stored in db::register::all(&state.db).await? {
        let s = &stored.system;
        if !store::may_read(actor, &s.units) {
            continue;
        }
        n += 1;
        let outcome = classify(&s.answers, s.role, t).ok();
        let derived = outcome
            .as_ref()
            .map(|o| duties(o, &s.answers, s.role))
            .unwrap_or_default();
        let mut conn = state.db.pool.acquire().await?;
        let recorded = db::register::duties(&mut *conn, stored.id).await?;
        drop(conn);
        let done = derived
            .iter()
            .filter(|d| {
                recorded.iter().any(|r| {
                    r.duty == d.code && matches!(r.status.as_str(), "erledigt" | "entfaellt")
                })
            })
            .count();
        let (users, trained) = super::coverage::trained(state, &units, s).await?;
        let unit_names = super::coverage::unit_names(&units, &s.units).join(", ");
        csv.row(&[
            s.name.clone(),
            s.provider.clone(),
            s.product.clone(),
            s.purpose.clone(),
            s.status.label(t).to_string(),
            s.role.label(t).to_string(),
            s.class.label(t).to_string(),
            outcome.map(|o| o.articles.join(", ")).unwrap_or_default(),
            unit_names,
            s.responsible.clone(),
            s.contact.clone(),
            s.data_classes
                .iter()
                .map(|c| data_class_label(c, t))
                .collect::<Vec<_>>()
                .join(", "),
            s.course
                .as_deref()
                .map(|c| crate::server::reports::course_title(state, c))
                .unwrap_or_default(),
            trained.to_string(),
            users.to_string(),
            done.to_string(),
            derived.len().to_string(),
            date_cell(s.introduced_day.map(Date::from_days)),
            date_cell(s.reviewed_day.map(Date::from_days)),
            if s.published { t.yes } else { t.no }.to_string(),
            stored.version.to_string(),
        ]);
    }
    Ok((csv.finish(), n))
}

pub async fn register_csv(State(state): State<AppState>, actor: Actor, locale: Locale) -> Response {
    let result = async {
        let (csv, rows) = build(&state, &actor, locale).await?;
        let details = crate::server::audit::details(serde_json::json!({ "rows": rows }));
        actor
            .audit(
                &state.db.pool,
                state.clock.now(),
                "export.register",
                "",
                &details,
            )
            .await?;
        Ok::<_, AppError>(csv)
    }
    .await;
    match result {
        Ok(csv) => crate::server::reports::routes::download(
            csv.into_bytes(),
            "text/csv; charset=utf-8",
            "ki-register.csv",
        ),
        Err(e) => e.into_response(),
    }
}
