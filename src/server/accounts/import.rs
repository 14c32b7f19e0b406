//! The import of people from a CSV file: the mapping step, the preview and the all-or-nothing
//! commit. The mapping and options are stored with the uploaded file, so the preview a person
//! confirms and the commit read the file the same way.
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::csv_import::{
    self, Existing, Field, FileProblem, ImportContext, ImportError, ImportRole, Mapping,
    MappingProblem, Options, Parent, Plan, RowProblem, UnitRef,
};
use super::{new_password_link, tree, unit_keys};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::{
    ImportColumn, ImportPreview, ImportPreviewPerson, ImportPreviewRow, OrgUnit, PasswordLink, Role,
};
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

pub fn import_role(r: Role) -> ImportRole {
    match r {
        Role::Employee => ImportRole::Employee,
        Role::Coordinator => ImportRole::Coordinator,
        Role::Admin => ImportRole::Admin,
    }
}

/// The name of a field as the mapping step shows it.
pub fn field_label(t: &Texts, f: Field) -> &'static str {
    match f {
        Field::Email => t.import_field_email,
        Field::FirstName => t.import_field_first_name,
        Field::LastName => t.import_field_last_name,
        Field::FullName => t.import_field_full_name,
        Field::PersonnelNo => t.import_field_personnel_no,
        Field::OrgUnit => t.import_field_unit,
        Field::Role => t.import_field_role,
    }
}

/// One German (or English) sentence per problem, naming row and column.
pub fn messages(t: &Texts, e: &ImportError) -> Vec<String> {
    match e {
        ImportError::File(FileProblem::Empty) => vec![t.import_empty.into()],
        ImportError::File(FileProblem::TooManyRows { max }) => {
            vec![t.import_too_many_rows(max)]
        }
        ImportError::File(FileProblem::Mapping(MappingProblem::Missing(f))) => {
            vec![t.import_mapping_missing(field_label(t, *f))]
        }
        ImportError::File(FileProblem::Mapping(MappingProblem::Twice(f, a, b))) => {
            vec![t.import_mapping_twice(field_label(t, *f), a, b)]
        }
        ImportError::File(FileProblem::DeactivatesImporter) => {
            vec![t.import_deactivates_self.into()]
        }
        ImportError::Rows {
            errors,
            unknown_units,
        } => {
            let mut out: Vec<String> = errors
                .iter()
                .map(|r| {
                    let problem = match &r.problem {
                        RowProblem::Missing => t.import_missing.to_string(),
                        RowProblem::TooLong => t.import_too_long.to_string(),
                        RowProblem::InvalidEmail => t.import_bad_email.to_string(),
                        RowProblem::DuplicateInFile { first_row } => match r.field {
                            Field::PersonnelNo => t.import_duplicate_number(first_row),
                            _ => t.import_duplicate(first_row),
                        },
                        RowProblem::AlreadyExists => t.import_exists.to_string(),
                        RowProblem::OutsideScope => t.import_outside_scope.to_string(),
                        RowProblem::PersonNotAllowed => t.import_person_not_allowed.to_string(),
                        RowProblem::UnknownRole => t.import_unknown_role.to_string(),
                        RowProblem::RoleNotAllowed => t.import_role_not_allowed.to_string(),
                    };
                    let column = if r.header.is_empty() {
                        field_label(t, r.field).to_string()
                    } else {
                        r.header.clone()
                    };
                    t.import_row_error(r.row, &column, &r.value, &problem)
                })
                .collect();
            if !unknown_units.is_empty() {
                out.push(t.import_unknown_units.of(unknown_units.len()));
            }
            out
        }
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

/// The choices of the mapping step as stored with the file (form values, in German).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    /// The header, to remember the mapping by column name for the next file.
    #[serde(default)]
    pub kopf: Vec<String>,
    /// One field code per column, "" for a column that is not imported.
    pub spalten: Vec<String>,
    /// Where unknown units are created: "" (nowhere), "oben" (top level) or a unit id.
    #[serde(default)]
    pub einheiten_unter: String,
    /// Whom missing people are deactivated for: "" (nobody), "alle" or a unit id.
    #[serde(default)]
    pub abgleich: String,
}

impl Stored {
    fn mapping(&self) -> Mapping {
        Mapping(self.spalten.iter().map(|c| c.parse().ok()).collect())
    }
}

/// The mapping proposed for a newly uploaded file: the columns as the last import named them,
/// else by their usual names.
pub async fn propose(state: &AppState, content: &str) -> Result<Stored, AppError> {
    let (header, _) = csv_import::header_and_sample(content);
    let remembered = match db::imports::last_mapping(&state.db).await? {
        Some(json) => serde_json::from_str::<Stored>(&json)
            .map(|s| s.mapping().by_header(&s.kopf))
            .unwrap_or_default(),
        None => HashMap::new(),
    };
    let mapping = Mapping::propose(&header, &remembered);
    Ok(Stored {
        spalten: mapping
            .0
            .iter()
            .map(|f| f.map_or("", Field::code).to_string())
            .collect(),
        kopf: header,
        ..Stored::default()
    })
}

/// The stored choices of a batch (older batches and the benchmark have none: proposed then).
async fn stored(state: &AppState, batch: &Batch) -> Result<Stored, AppError> {
    match batch
        .mapping
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
    {
        Some(s) => Ok(s),
        None => propose(state, &batch.content).await,
    }
}

/// Checks the choices of the mapping step and stores them with the file.
pub async fn save_mapping(
    state: &AppState,
    actor: &Actor,
    batch: &Batch,
    choice: Stored,
    t: &Texts,
) -> Result<(), AppError> {
    if batch.committed {
        return Err(AppError::InvalidInput(t.import_already_done.into()));
    }
    let (header, _) = csv_import::header_and_sample(&batch.content);
    if choice.spalten.len() != header.len()
        || choice
            .spalten
            .iter()
            .any(|c| !c.is_empty() && c.parse::<Field>().is_err())
    {
        return Err(AppError::InvalidInput(t.import_mapping_invalid.into()));
    }
    let units = db::org_units::all(&state.db.pool).await?;
    options(&units, actor, &choice, t)?;
    let stored = Stored {
        kopf: header,
        ..choice
    };
    let json = serde_json::to_string(&stored).map_err(|e| AppError::internal(e))?;
    db::imports::set_mapping(&state.db, batch.id, &json).await?;
    Ok(())
}

/// The options of the stored choices, checked against the actor's scope.
fn options(
    units: &[db::org_units::UnitRow],
    actor: &Actor,
    s: &Stored,
    t: &Texts,
) -> Result<Options, AppError> {
    let unit = |value: &str| -> Result<i64, AppError> {
        value
            .parse::<i64>()
            .ok()
            .filter(|id| units.iter().any(|u| u.id == *id) && actor.can_manage_unit(Some(*id)))
            .ok_or_else(|| AppError::InvalidInput(t.import_option_invalid.into()))
    };
    let create_units_under = match s.einheiten_unter.as_str() {
        "" => None,
        "oben" if actor.is_admin() => Some(Parent::TopLevel),
        value => Some(Parent::Unit(unit(value)?)),
    };
    let deactivate_missing_in = match s.abgleich.as_str() {
        "" => None,
        "alle" if actor.is_admin() => Some(None),
        value => Some(Some(super::expand(units, &[unit(value)?]))),
    };
    Ok(Options {
        create_units_under,
        deactivate_missing_in,
    })
}

/// Everything validation compares the file with.
struct Known {
    units: Vec<OrgUnit>,
    keys: HashMap<String, i64>,
    codes: HashMap<String, i64>,
    people: Vec<Existing>,
    roles: Vec<ImportRole>,
    allowed_units: Option<HashSet<i64>>,
}

async fn known(
    state: &AppState,
    actor: &Actor,
) -> Result<(Known, Vec<db::org_units::UnitRow>), AppError> {
    let rows = db::org_units::all(&state.db.pool).await?;
    let units = tree(&rows);
    let keys = unit_keys(&units);
    let codes = rows
        .iter()
        .filter_map(|u| u.code.as_ref().map(|c| (c.trim().to_lowercase(), u.id)))
        .collect();
    let people = db::users::for_import(&state.db)
        .await?
        .into_iter()
        .map(|p| Existing {
            id: p.id,
            email: p.email,
            name: p.display_name,
            personnel_no: p.personnel_no,
            org_unit_id: p.org_unit_id,
            role: import_role(p.role),
            active: p.active,
        })
        .collect();
    let roles = actor
        .assignable_roles()
        .iter()
        .map(|r| import_role(*r))
        .collect();
    let allowed_units = actor.unit_filter().map(|v| v.into_iter().collect());
    Ok((
        Known {
            units,
            keys,
            codes,
            people,
            roles,
            allowed_units,
        },
        rows,
    ))
}

/// The plan of a batch read with its stored choices, or every problem.
async fn plan(
    state: &AppState,
    actor: &Actor,
    batch: &Batch,
    t: &Texts,
) -> Result<(Stored, Known, Result<Plan, ImportError>), AppError> {
    let choice = stored(state, batch).await?;
    let (known, rows) = known(state, actor).await?;
    let options = options(&rows, actor, &choice, t)?;
    let ctx = ImportContext {
        org_units: &known.keys,
        unit_codes: &known.codes,
        people: &known.people,
        allowed_roles: &known.roles,
        allowed_units: known.allowed_units.as_ref(),
        importer_id: actor.id(),
    };
    let plan = csv_import::plan(&batch.content, &choice.mapping(), &options, &ctx);
    Ok((choice, known, plan))
}

fn unit_name(known: &Known, plan: &Plan, unit: UnitRef) -> String {
    match unit {
        UnitRef::Existing(id) => known
            .units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.path.clone())
            .unwrap_or_default(),
        UnitRef::New(i) => plan
            .new_units
            .get(i)
            .map(|u| u.path.clone())
            .unwrap_or_default(),
    }
}

fn existing_unit_name(known: &Known, id: Option<i64>) -> String {
    id.map(|id| unit_name(known, &Plan::default(), UnitRef::Existing(id)))
        .unwrap_or_default()
}

/// The mapping step and the preview of a batch.
pub async fn preview(
    state: &AppState,
    actor: &Actor,
    batch: &Batch,
    t: &Texts,
) -> Result<ImportPreview, AppError> {
    let (choice, known, result) = plan(state, actor, batch, t).await?;
    let (header, sample) = csv_import::header_and_sample(&batch.content);
    let columns = header
        .into_iter()
        .zip(sample)
        .enumerate()
        .map(|(i, (header, sample))| ImportColumn {
            header,
            sample,
            field: choice.spalten.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let mut p = ImportPreview {
        id: batch.id,
        file_name: batch.file_name.clone(),
        committed: batch.committed,
        mail_enabled: state.config.mail.enabled(),
        columns,
        fields: <Field as strum::IntoEnumIterator>::iter()
            .map(|f| (f.code().to_string(), field_label(t, f).to_string()))
            .collect(),
        create_under: choice.einheiten_unter.clone(),
        sync: choice.abgleich.clone(),
        may_top_level: actor.is_admin(),
        units: known
            .units
            .iter()
            .filter(|u| actor.can_manage_unit(Some(u.id)))
            .map(|u| (u.id, u.path.clone()))
            .collect(),
        ..ImportPreview::default()
    };
    match result {
        Ok(plan) => {
            p.rows = plan
                .creates
                .iter()
                .map(|r| ImportPreviewRow {
                    row: r.row,
                    name: r.name.clone(),
                    email: r.email.clone(),
                    personnel_no: r.personnel_no.clone().unwrap_or_default(),
                    org_unit: unit_name(&known, &plan, r.unit),
                    role: role_of(r.role),
                    changes: String::new(),
                })
                .chain(plan.updates.iter().map(|u| ImportPreviewRow {
                    row: u.after.row,
                    name: u.after.name.clone(),
                    email: u.after.email.clone(),
                    personnel_no: u.after.personnel_no.clone().unwrap_or_default(),
                    org_unit: unit_name(&known, &plan, u.after.unit),
                    role: role_of(u.before.role),
                    changes: changes(t, &known, &plan, u),
                }))
                .collect();
            p.rows.sort_by_key(|r| r.row);
            p.new_count = plan.creates.len();
            p.update_count = plan.updates.len();
            p.unchanged = plan.unchanged;
            p.new_units = plan.new_units.iter().map(|u| u.path.clone()).collect();
            p.deactivate = plan
                .deactivate
                .iter()
                .map(|d| ImportPreviewPerson {
                    name: d.name.clone(),
                    email: d.email.clone(),
                    org_unit: existing_unit_name(&known, d.org_unit_id),
                })
                .collect();
            crate::server::collation::sort_by_name(&mut p.deactivate, |d| &d.name);
        }
        Err(e) => {
            if let ImportError::Rows { unknown_units, .. } = &e {
                p.unknown_units = unknown_units.clone();
            }
            p.errors = messages(t, &e);
        }
    }
    Ok(p)
}

/// What an update changes, for the preview ("Name, Einheit").
fn changes(t: &Texts, known: &Known, plan: &Plan, u: &csv_import::Update) -> String {
    let mut out = Vec::new();
    if u.before.name != u.after.name {
        out.push(t.import_field_full_name);
    }
    if u.before.email != u.after.email {
        out.push(t.import_field_email);
    }
    if u.before.personnel_no != u.after.personnel_no {
        out.push(t.import_field_personnel_no);
    }
    if existing_unit_name(known, u.before.org_unit_id) != unit_name(known, plan, u.after.unit)
        || matches!(u.after.unit, UnitRef::New(_))
    {
        out.push(t.import_field_unit);
    }
    if !u.before.active {
        out.push(t.import_reactivated);
    }
    out.join(", ")
}

/// Does everything the batch's plan says, or nothing: validated again against the current
/// state, then one transaction that creates the units and people, updates and deactivates,
/// marks the batch as used (a second commit of the same batch is refused) and writes the audit
/// entries (one per changed person and unit, and one for the import).
pub async fn commit(
    state: &AppState,
    actor: &Actor,
    batch: &Batch,
    invite_by_mail: bool,
    t: &Texts,
) -> Result<Vec<PasswordLink>, AppError> {
    use crate::server::audit::details;
    use serde_json::json;
    if batch.committed {
        return Err(AppError::InvalidInput(t.import_already_done.into()));
    }
    let (_, _, result) = plan(state, actor, batch, t).await?;
    let plan = result.map_err(|e| AppError::InvalidInput(summary(t, &e)))?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !db::imports::mark_committed(&mut *tx, batch.id, now).await? {
        return Err(AppError::InvalidInput(t.import_already_done.into()));
    }
    let mut unit_ids = Vec::with_capacity(plan.new_units.len());
    for u in &plan.new_units {
        let parent = u.parent.map(|p| match p {
            UnitRef::Existing(id) => id,
            UnitRef::New(i) => unit_ids[i],
        });
        let id = db::org_units::insert(&mut *tx, parent, &u.name, now).await?;
        unit_ids.push(id);
        actor
            .audit(
                &mut *tx,
                now,
                "org_unit.create",
                &u.name,
                &details(json!({ "import": batch.file_name, "path": u.path })),
            )
            .await?;
    }
    let unit_id = |r: UnitRef| match r {
        UnitRef::Existing(id) => id,
        UnitRef::New(i) => unit_ids[i],
    };
    for u in &plan.updates {
        let a = &u.after;
        db::users::apply_import(
            &mut tx,
            u.before.id,
            &db::users::ImportedPerson {
                email: &a.email,
                display_name: &a.name,
                personnel_no: a.personnel_no.as_deref(),
                org_unit_id: unit_id(a.unit),
                today: crate::server::tracking::today(now),
            },
        )
        .await
        .map_err(|e| super::unique_as_field(e, "email", t.user_email_taken))?;
        let mut changed = serde_json::Map::new();
        let mut note = |key: &str, before: serde_json::Value, after: serde_json::Value| {
            if before != after {
                changed.insert(key.into(), json!({ "von": before, "zu": after }));
            }
        };
        note("name", json!(u.before.name), json!(a.name));
        note("email", json!(u.before.email), json!(a.email));
        note(
            "personalnummer",
            json!(u.before.personnel_no),
            json!(a.personnel_no),
        );
        note(
            "einheit",
            json!(u.before.org_unit_id),
            json!(unit_id(a.unit)),
        );
        note("aktiv", json!(u.before.active), json!(true));
        actor
            .audit(
                &mut *tx,
                now,
                "user.import.update",
                &a.email,
                &details(serde_json::Value::Object(changed)),
            )
            .await?;
    }
    for d in &plan.deactivate {
        db::users::deactivate(&mut tx, d.id).await?;
        db::sessions::delete_for_user(&mut *tx, d.id, None).await?;
        actor
            .audit(
                &mut *tx,
                now,
                "user.import.deactivate",
                &d.email,
                &details(json!({ "import": batch.file_name })),
            )
            .await?;
    }
    let mut links = Vec::with_capacity(plan.creates.len());
    for r in &plan.creates {
        let id = db::users::insert(
            &mut *tx,
            &db::users::NewUser {
                email: &r.email,
                display_name: &r.name,
                personnel_no: r.personnel_no.as_deref(),
                org_unit_id: Some(unit_id(r.unit)),
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
            &details(json!({
                "people": plan.creates.len(),
                "updated": plan.updates.len(),
                "unchanged": plan.unchanged,
                "deactivated": plan.deactivate.len(),
                "units": plan.new_units.len(),
            })),
        )
        .await?;
    tx.commit().await?;
    Ok(links)
}
