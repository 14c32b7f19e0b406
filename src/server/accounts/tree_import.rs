//! The org tree from a CSV file (`Kennung;Name;Übergeordnete Kennung`), as an HR system or the
//! Kreis's organisation chart exports it: one file creates or updates the whole tree, and
//! gives every unit the external code people imports can then name it by.
//!
//! A unit of the file is the existing unit with that code, else the only existing unit of that
//! name that has no code yet (so a tree built by hand gets its codes instead of a copy), else a
//! new one. Units the file does not name stay as they are. All or nothing: [`plan`] returns
//! every change or every problem, and refuses a parent chain that loops.
use std::collections::{HashMap, HashSet};

use super::csv_import::{normalize_header, parse_rows};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::{TreePreview, TreeRowView};
use crate::server::auth::authz::Actor;
use crate::server::db::{self, imports::Batch};
use crate::server::state::AppState;

/// Most rows a tree file may have.
const MAX_ROWS: usize = 5_000;
pub const MAX_CODE_CHARS: usize = 50;
const MAX_NAME_CHARS: usize = 200;

/// An existing unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub code: Option<String>,
}

/// A unit as the file wants it; `parent` is a code (None: top level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub row: usize,
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    /// The existing unit it updates; None: a new one.
    pub existing: Option<i64>,
}

/// What is wrong with the file; `row` counts like a spreadsheet (header = 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Empty,
    TooManyRows,
    MissingColumn(&'static str),
    MissingValue { row: usize, column: &'static str },
    TooLong { row: usize, column: &'static str },
    DuplicateCode { row: usize, first_row: usize },
    UnknownParent { row: usize, parent: String },
    Loop { row: usize, path: Vec<String> },
}

/// The rows in an order that creates parents before children.
pub type Plan = Vec<Row>;

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.contains(&normalize_header(h).as_str()))
}

/// Reads the file and checks it against the existing units; see the module documentation.
pub fn plan(text: &str, units: &[Unit]) -> Result<Plan, Vec<Problem>> {
    let records = parse_rows(text);
    let Some(((_, header), data)) = records.split_first() else {
        return Err(vec![Problem::Empty]);
    };
    if data.is_empty() {
        return Err(vec![Problem::Empty]);
    }
    if data.len() > MAX_ROWS {
        return Err(vec![Problem::TooManyRows]);
    }
    let code_col = column(
        header,
        &["kennung", "code", "schlüssel", "oe-nummer", "nummer"],
    )
    .ok_or_else(|| vec![Problem::MissingColumn("Kennung")])?;
    let name_col = column(header, &["name", "bezeichnung", "organisationseinheit"])
        .ok_or_else(|| vec![Problem::MissingColumn("Name")])?;
    let parent_col = column(
        header,
        &[
            "übergeordnete kennung",
            "übergeordnet",
            "parent",
            "parent code",
            "übergeordnete einheit",
        ],
    )
    .ok_or_else(|| vec![Problem::MissingColumn("Übergeordnete Kennung")])?;

    let mut problems = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut first_rows: HashMap<String, usize> = HashMap::new();
    let by_code: HashMap<&str, &Unit> = units
        .iter()
        .filter_map(|u| u.code.as_deref().map(|c| (c, u)))
        .collect();
    let mut name_count: HashMap<String, usize> = HashMap::new();
    for u in units.iter().filter(|u| u.code.is_none()) {
        *name_count.entry(u.name.to_lowercase()).or_default() += 1;
    }
    let mut claimed: HashSet<i64> = HashSet::new();
    for (row, record) in data {
        let row = *row;
        let cell = |c: usize| record.get(c).map_or("", |s| s.trim());
        let (code, name, parent) = (cell(code_col), cell(name_col), cell(parent_col));
        let mut bad = false;
        for (value, column, max) in [
            (code, "Kennung", MAX_CODE_CHARS),
            (name, "Name", MAX_NAME_CHARS),
        ] {
            if value.is_empty() {
                problems.push(Problem::MissingValue { row, column });
                bad = true;
            } else if value.chars().count() > max {
                problems.push(Problem::TooLong { row, column });
                bad = true;
            }
        }
        if bad {
            continue;
        }
        if let Some(&first_row) = first_rows.get(code) {
            problems.push(Problem::DuplicateCode { row, first_row });
            continue;
        }
        first_rows.insert(code.to_string(), row);
        let existing = by_code.get(code).map(|u| u.id).or_else(|| {
            let unique = name_count.get(&name.to_lowercase()) == Some(&1);
            units
                .iter()
                .find(|u| {
                    unique
                        && u.code.is_none()
                        && u.name.eq_ignore_ascii_case(name)
                        && !claimed.contains(&u.id)
                })
                .map(|u| u.id)
        });
        if let Some(id) = existing {
            claimed.insert(id);
        }
        rows.push(Row {
            row,
            code: code.to_string(),
            name: name.to_string(),
            parent: (!parent.is_empty()).then(|| parent.to_string()),
            existing,
        });
    }

    // The tree after the import: each code's parent code. Existing units keep theirs unless
    // the file moves them.
    let code_of: HashMap<i64, &str> = units
        .iter()
        .filter_map(|u| u.code.as_deref().map(|c| (u.id, c)))
        .collect();
    let mut parent_of: HashMap<String, Option<String>> = units
        .iter()
        .filter_map(|u| {
            let code = u.code.clone()?;
            Some((
                code,
                u.parent_id
                    .and_then(|p| code_of.get(&p).map(|c| c.to_string())),
            ))
        })
        .collect();
    for r in &rows {
        parent_of.insert(r.code.clone(), r.parent.clone());
    }
    for r in &rows {
        if let Some(p) = &r.parent {
            if !parent_of.contains_key(p) {
                problems.push(Problem::UnknownParent {
                    row: r.row,
                    parent: p.clone(),
                });
                continue;
            }
        }
        // Walk up; coming back to the start is a loop.
        let mut path = vec![r.code.clone()];
        let mut cur = r.parent.clone();
        while let Some(c) = cur {
            if c == r.code {
                path.push(c);
                problems.push(Problem::Loop { row: r.row, path });
                break;
            }
            if path.len() > parent_of.len() + 1 {
                break;
            }
            path.push(c.clone());
            cur = parent_of.get(&c).cloned().flatten();
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| match p {
            Problem::MissingValue { row, .. }
            | Problem::TooLong { row, .. }
            | Problem::DuplicateCode { row, .. }
            | Problem::UnknownParent { row, .. }
            | Problem::Loop { row, .. } => *row,
            _ => 0,
        });
        return Err(problems);
    }
    // Parents first: depth of each row within the file's own chains.
    let in_file: HashSet<String> = rows.iter().map(|r| r.code.clone()).collect();
    let depth = |r: &Row| {
        let mut d = 0;
        let mut cur = r.parent.clone();
        while let Some(c) = cur.filter(|c| in_file.contains(c)) {
            d += 1;
            cur = parent_of.get(&c).cloned().flatten();
        }
        d
    };
    let mut ordered: Vec<(usize, Row)> = rows.into_iter().map(|r| (depth(&r), r)).collect();
    ordered.sort_by_key(|(d, r)| (*d, r.row));
    Ok(ordered.into_iter().map(|(_, r)| r).collect())
}

// ---------------------------------------------------------------------------------------------
// Preview and commit

/// One German (or English) sentence per problem.
pub fn messages(t: &Texts, problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| match p {
            Problem::Empty => t.tree_empty.to_string(),
            Problem::TooManyRows => t.tree_too_many(MAX_ROWS),
            Problem::MissingColumn(c) => t.tree_missing_column(c),
            Problem::MissingValue { row, column } => t.tree_missing_value(row, column),
            Problem::TooLong { row, column } => t.tree_too_long(row, column),
            Problem::DuplicateCode { row, first_row } => t.tree_duplicate(row, first_row),
            Problem::UnknownParent { row, parent } => t.tree_unknown_parent(row, parent),
            Problem::Loop { row, path } => t.tree_loop(row, path.join(" → ")),
        })
        .collect()
}

async fn existing(state: &AppState) -> Result<Vec<Unit>, AppError> {
    Ok(db::org_units::all(&state.db.pool)
        .await?
        .into_iter()
        .map(|u| Unit {
            id: u.id,
            parent_id: u.parent_id,
            name: u.name,
            code: u.code,
        })
        .collect())
}

/// What the file would change, or every problem.
pub async fn preview(state: &AppState, batch: &Batch, t: &Texts) -> Result<TreePreview, AppError> {
    let units = existing(state).await?;
    let mut p = TreePreview {
        id: batch.id,
        file_name: batch.file_name.clone(),
        committed: batch.committed,
        rows: Vec::new(),
        errors: Vec::new(),
    };
    match plan(&batch.content, &units) {
        Ok(rows) => {
            p.rows = rows
                .into_iter()
                .map(|r| {
                    let before = r.existing.and_then(|id| units.iter().find(|u| u.id == id));
                    let change = match before {
                        None => t.tree_change_new.to_string(),
                        Some(u) if u.name == r.name && u.code.as_deref() == Some(&r.code) => {
                            t.tree_change_same.to_string()
                        }
                        Some(_) => t.tree_change_update.to_string(),
                    };
                    TreeRowView {
                        code: r.code,
                        name: r.name,
                        parent: r.parent.unwrap_or_default(),
                        change,
                    }
                })
                .collect();
        }
        Err(problems) => p.errors = messages(t, &problems),
    }
    Ok(p)
}

/// Creates and updates every unit of the file, or none; one audit entry. Returns
/// (created, updated).
pub async fn commit(
    state: &AppState,
    actor: &Actor,
    batch: &Batch,
    t: &Texts,
) -> Result<(usize, usize), AppError> {
    if batch.committed {
        return Err(AppError::InvalidInput(t.import_already_done.into()));
    }
    let units = existing(state).await?;
    let rows = plan(&batch.content, &units)
        .map_err(|p| AppError::InvalidInput(messages(t, &p).join(" ")))?;
    let now = state.clock.now();
    let mut ids: HashMap<String, i64> = units
        .iter()
        .filter_map(|u| u.code.clone().map(|c| (c, u.id)))
        .collect();
    let mut tx = state.db.begin().await?;
    if !db::imports::mark_committed(&mut *tx, batch.id, now).await? {
        return Err(AppError::InvalidInput(t.import_already_done.into()));
    }
    let (mut created, mut updated) = (0, 0);
    for r in &rows {
        let parent = r.parent.as_ref().and_then(|c| ids.get(c).copied());
        let id = match r.existing {
            Some(id) => {
                db::org_units::update(&mut *tx, id, parent, &r.name).await?;
                updated += 1;
                id
            }
            None => {
                created += 1;
                db::org_units::insert(&mut *tx, parent, &r.name, now).await?
            }
        };
        db::org_units::set_code(&mut *tx, id, Some(&r.code)).await?;
        ids.insert(r.code.clone(), id);
    }
    actor
        .audit(
            &mut *tx,
            now,
            "org_unit.import",
            &batch.file_name,
            &crate::server::audit::details(serde_json::json!({
                "created": created,
                "updated": updated,
            })),
        )
        .await?;
    tx.commit().await?;
    Ok((created, updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent: Option<i64>, name: &str, code: Option<&str>) -> Unit {
        Unit {
            id,
            parent_id: parent,
            name: name.into(),
            code: code.map(String::from),
        }
    }

    #[test]
    fn creates_and_updates_parents_first() {
        let units = [
            unit(1, None, "Kreisverwaltung", Some("K")),
            unit(2, Some(1), "Bauhof", None),
        ];
        let csv = "Kennung;Name;Übergeordnete Kennung\n\
                   36;Amt 36 – Ordnungsamt;D2\n\
                   D2;Dezernat II;K\n\
                   K;Kreisverwaltung Musterkreis;\n\
                   BH;Bauhof;D2\n";
        let plan = plan(csv, &units).unwrap();
        let order: Vec<&str> = plan.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(order, ["K", "D2", "36", "BH"]);
        assert_eq!(plan[0].existing, Some(1), "by code");
        assert_eq!(plan[0].name, "Kreisverwaltung Musterkreis");
        assert_eq!(
            plan[3].existing,
            Some(2),
            "a unit without a code, by its name"
        );
        assert_eq!(plan[1].existing, None);
    }

    #[test]
    fn loops_unknown_parents_and_duplicates_are_named() {
        let units = [
            unit(1, None, "A", Some("A")),
            unit(2, Some(1), "B", Some("B")),
        ];
        // A under B, while B is under A: a loop through the existing tree.
        let csv = "Kennung;Name;Übergeordnete Kennung\nA;A;B\nC;C;X\nC;C2;\n;Ohne;\nS;Selbst;S\n";
        let problems = plan(csv, &units).unwrap_err();
        assert_eq!(
            problems,
            vec![
                Problem::Loop {
                    row: 2,
                    path: vec!["A".into(), "B".into(), "A".into()]
                },
                Problem::UnknownParent {
                    row: 3,
                    parent: "X".into()
                },
                Problem::DuplicateCode {
                    row: 4,
                    first_row: 3
                },
                Problem::MissingValue {
                    row: 5,
                    column: "Kennung"
                },
                Problem::Loop {
                    row: 6,
                    path: vec!["S".into(), "S".into()]
                },
            ]
        );
    }

    #[test]
    fn the_columns_must_be_there() {
        assert_eq!(
            plan("Kennung;Name\nA;A\n", &[]),
            Err(vec![Problem::MissingColumn("Übergeordnete Kennung")])
        );
        assert_eq!(
            plan("Kennung;Name;Übergeordnet\n", &[]),
            Err(vec![Problem::Empty])
        );
    }
}
