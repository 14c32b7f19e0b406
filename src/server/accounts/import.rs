//! CSV import of users: validation for the preview, and the all-or-nothing commit.
use std::collections::HashSet;

use super::csv_import::{
    parse_and_validate, Column, FileProblem, ImportContext, ImportError, ImportRole, ImportRow,
    RowProblem,
};
use super::{new_password_link, tree, unit_keys};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::{ImportPreviewRow, PasswordLink, Role};
use crate::server::auth::authz::Actor;
use crate::server::db::{self, imports::Batch};
use crate::server::state::AppState;

fn role_of(r: ImportRole) -> Role {
    match r {
        ImportRole::Employee => Role::Employee,
        ImportRole::Coordinator => Role::Coordinator,
        ImportRole::Admin => Role::Admin,
    }
}

fn import_role(r: Role) -> ImportRole {
    match r {
        Role::Employee => ImportRole::Employee,
        Role::Coordinator => ImportRole::Coordinator,
        Role::Admin => ImportRole::Admin,
    }
}

fn column_name(t: &Texts, c: Column) -> &'static str {
    match c {
        Column::Name => t.import_col_name,
        Column::Email => t.import_col_email,
        Column::OrgUnit => t.import_col_unit,
        Column::Role => t.import_col_role,
    }
}

/// One German (or English) sentence per problem, naming row and column.
pub fn messages(t: &Texts, e: &ImportError) -> Vec<String> {
    match e {
        ImportError::File(FileProblem::Empty) => vec![t.import_empty.into()],
        ImportError::File(FileProblem::MissingColumn(c)) => {
            vec![t.import_missing_column(column_name(t, *c))]
        }
        ImportError::File(FileProblem::TooManyRows { max }) => {
            vec![t.import_too_many_rows(max)]
        }
        ImportError::Rows(rows) => rows
            .iter()
            .map(|r| {
                let problem = match &r.problem {
                    RowProblem::Missing => t.import_missing.to_string(),
                    RowProblem::TooLong => t.import_too_long.to_string(),
                    RowProblem::InvalidEmail => t.import_bad_email.to_string(),
                    RowProblem::DuplicateInFile { first_row } => t.import_duplicate(first_row),
                    RowProblem::AlreadyExists => t.import_exists.to_string(),
                    RowProblem::UnknownOrgUnit => t.import_unknown_unit.to_string(),
                    RowProblem::OutsideScope => t.import_outside_scope.to_string(),
                    RowProblem::UnknownRole => t.import_unknown_role.to_string(),
                    RowProblem::RoleNotAllowed => t.import_role_not_allowed.to_string(),
                };
                t.import_row_error(r.row, column_name(t, r.column), &r.value, &problem)
            })
            .collect(),
    }
}

/// How many problems an error answer names; the preview page lists them all.
const MAX_PROBLEMS_IN_ERROR: usize = 20;

/// The first problems as one message, and how many more there are: a file of thousands of
/// bad rows must not make an answer of megabytes.
pub fn summary(t: &Texts, e: &ImportError) -> String {
    let all = messages(t, e);
    let more = all.len().saturating_sub(MAX_PROBLEMS_IN_ERROR);
    let mut text = all
        .into_iter()
        .take(MAX_PROBLEMS_IN_ERROR)
        .collect::<Vec<_>>()
        .join(" ");
    if more > 0 {
        text.push(' ');
        text.push_str(&t.import_more_problems.of(more));
    }
    text
}

async fn parse(
    state: &AppState,
    actor: &Actor,
    content: &str,
) -> Result<Result<(Vec<ImportRow>, Vec<crate::model::OrgUnit>), ImportError>, AppError> {
    let units = tree(&db::org_units::all(&state.db.pool).await?);
    let keys = unit_keys(&units);
    let existing: HashSet<String> = db::users::all_emails(&state.db)
        .await?
        .into_iter()
        .collect();
    let roles: Vec<ImportRole> = actor
        .assignable_roles()
        .iter()
        .map(|r| import_role(*r))
        .collect();
    let allowed_units: Option<HashSet<i64>> = actor.unit_filter().map(|v| v.into_iter().collect());
    let ctx = ImportContext {
        org_units: &keys,
        existing_emails: &existing,
        allowed_roles: &roles,
        allowed_units: allowed_units.as_ref(),
    };
    Ok(parse_and_validate(content.as_bytes(), &ctx).map(|rows| (rows, units)))
}

/// The rows as they would be imported, or every problem.
pub async fn validate(
    state: &AppState,
    actor: &Actor,
    content: &str,
    t: &Texts,
) -> Result<Result<Vec<ImportPreviewRow>, Vec<String>>, AppError> {
    Ok(match parse(state, actor, content).await? {
        Ok((rows, units)) => Ok(rows
            .into_iter()
            .map(|r| ImportPreviewRow {
                row: r.row,
                org_unit: units
                    .iter()
                    .find(|u| u.id == r.org_unit_id)
                    .map(|u| u.path.clone())
                    .unwrap_or_default(),
                name: r.name,
                email: r.email,
                role: role_of(r.role),
            })
            .collect()),
        Err(e) => Err(messages(t, &e)),
    })
}

/// Creates every user of the batch with a one-time link, or none: validated again against the
/// current state, then one transaction that also marks the batch as used (a second commit of
/// the same batch is refused) and writes one audit entry.
pub async fn commit(
    state: &AppState,
    actor: &Actor,
    batch: &Batch,
    invite_by_mail: bool,
    t: &Texts,
) -> Result<Vec<PasswordLink>, AppError> {
    if batch.committed {
        return Err(AppError::InvalidInput(t.import_already_done.into()));
    }
    let rows = match parse(state, actor, &batch.content).await? {
        Ok((rows, _)) => rows,
        Err(e) => return Err(AppError::InvalidInput(summary(t, &e))),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !db::imports::mark_committed(&mut *tx, batch.id, now).await? {
        return Err(AppError::InvalidInput(t.import_already_done.into()));
    }
    let mut links = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = db::users::insert(
            &mut *tx,
            &db::users::NewUser {
                email: &r.email,
                display_name: &r.name,
                org_unit_id: Some(r.org_unit_id),
                role: role_of(r.role),
                now,
            },
        )
        .await
        // Created by someone else since the check: nothing of the file is imported.
        .map_err(|e| super::unique_as_field(e, "email", t.user_email_taken))?;
        let link = super::LinkFor {
            user_id: id,
            email: &r.email,
            name: &r.name,
            kind: crate::server::mail::LinkMail::Invitation,
            valid_seconds: super::LINK_VALID_SECONDS,
            mail: invite_by_mail,
        };
        links.push(new_password_link(&mut tx, state, &link, now).await?);
    }
    actor
        .audit(
            &mut *tx,
            now,
            "user.import",
            &batch.file_name,
            &crate::server::audit::details(serde_json::json!({ "people": rows.len() })),
        )
        .await?;
    tx.commit().await?;
    Ok(links)
}
