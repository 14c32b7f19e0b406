//! The evidence report "Nachweis KI-Kompetenz (Art. 4 KI-VO)" for an org unit: per person and
//! course the content version, completion date, certificate code and validity, with the
//! organisation and the time of generation; as CSV and as PDF.
use std::collections::{BTreeMap, HashMap};

use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::Font;
use krilla::Document;

use super::csv::{date_cell, CsvWriter};
use super::PeopleFilter;
use crate::error::AppError;
use crate::i18n::{time_in_germany, Date, Locale, Texts};
use crate::server::auth::authz::Actor;
use crate::server::certificate::pdf::{fill, text, BOLD, REGULAR};
use crate::server::db;
use crate::server::state::AppState;

pub struct Line {
    pub name: String,
    pub email: String,
    pub unit: String,
    pub course: String,
    pub version: String,
    pub completed: Option<Date>,
    pub code: String,
    pub valid_until: Option<Date>,
    pub state: String,
}

pub struct Evidence {
    pub org: String,
    pub unit: String,
    pub generated: String,
    pub people: usize,
    pub lines: Vec<Line>,
}

/// Builds the report for a unit (with sub-units) inside the actor's scope, or the whole scope.
pub async fn build(
    state: &AppState,
    actor: &Actor,
    unit: Option<i64>,
    locale: Locale,
) -> Result<Evidence, AppError> {
    let t = locale.texts();
    let filter = PeopleFilter {
        unit,
        ..PeopleFilter::default()
    };
    // `select` refuses units outside the actor's scope; an id that names no unit has no path.
    let sel = super::select(state, actor, &filter).await?;
    let unit_label = match unit {
        Some(u) => sel.unit_paths.get(&u).cloned().ok_or(AppError::NotFound)?,
        None => t.evidence_all_units.to_string(),
    };
    let ids: Vec<i64> = sel.people.iter().map(|p| p.id).collect();
    // The newest completion per person and course.
    let mut done: HashMap<(i64, String), db::certificates::EvidenceRow> = HashMap::new();
    for r in db::certificates::evidence(&state.db, Some(&ids)).await? {
        done.insert((r.user_id, r.course.clone()), r);
    }
    let mut lines = Vec::new();
    for (p, entries) in sel.people.iter().zip(&sel.entries) {
        let unit = p
            .unit_id
            .and_then(|u| sel.unit_paths.get(&u).cloned())
            .unwrap_or_default();
        let mut courses: BTreeMap<String, Option<&crate::server::tracking::MatrixEntry>> = entries
            .iter()
            .map(|e| (e.course.clone(), Some(e)))
            .collect();
        for (uid, course) in done.keys() {
            if *uid == p.id {
                courses.entry(course.clone()).or_insert(None);
            }
        }
        if courses.is_empty() {
            lines.push(Line {
                name: p.name.clone(),
                email: p.email.clone(),
                unit: unit.clone(),
                course: t.evidence_no_courses.to_string(),
                version: String::new(),
                completed: None,
                code: String::new(),
                valid_until: None,
                state: String::new(),
            });
        }
        for (course, entry) in courses {
            let c = state.catalog.course(&course);
            let row = done.get(&(p.id, course.clone()));
            let version = row.map(|r| {
                let short: String = r.content_hash.chars().take(12).collect();
                match c {
                    Some(c) if c.hash == r.content_hash => format!("{} ({short})", c.version),
                    _ => short,
                }
            });
            let state_label = match (entry, row) {
                (Some(e), _) => e.state.label(t).to_string(),
                (None, Some(r)) if r.revoked => t.evidence_revoked.to_string(),
                (None, Some(r)) => {
                    let s = crate::server::tracking::classify(
                        Some(&db::course_status::StatusRow {
                            started_at: Some(r.completed_at),
                            completed_at: Some(r.completed_at),
                            valid_until_day: r.valid_until_day,
                        }),
                        None,
                        sel.today,
                    );
                    s.label(t).to_string()
                }
                (None, None) => String::new(),
            };
            lines.push(Line {
                name: p.name.clone(),
                email: p.email.clone(),
                unit: unit.clone(),
                course: super::course_title(state, &course),
                version: version.unwrap_or_default(),
                completed: row.map(|r| Date::in_germany(r.completed_at)),
                code: match row {
                    Some(r) if r.revoked => format!(
                        "{} ({})",
                        r.code.clone().unwrap_or_default(),
                        t.evidence_revoked
                    ),
                    Some(r) => r.code.clone().unwrap_or_default(),
                    None => String::new(),
                },
                valid_until: row
                    .filter(|r| !r.revoked)
                    .and_then(|r| r.valid_until_day)
                    .map(Date::from_days),
                state: state_label,
            });
        }
    }
    // Completions of people deleted since (db::personal::erase): kept without name as evidence.
    for r in db::personal::erased(&state.db, sel.scope.as_deref()).await? {
        let c = state.catalog.course(&r.course);
        let short: String = r.content_hash.chars().take(12).collect();
        let s = crate::server::tracking::classify(
            Some(&db::course_status::StatusRow {
                started_at: Some(r.completed_at),
                completed_at: Some(r.completed_at),
                valid_until_day: r.valid_until_day,
            }),
            None,
            sel.today,
        );
        lines.push(Line {
            name: t.evidence_erased_person.to_string(),
            email: String::new(),
            unit: r
                .unit_id
                .and_then(|u| sel.unit_paths.get(&u).cloned())
                .unwrap_or_default(),
            course: super::course_title(state, &r.course),
            version: match c {
                Some(c) if c.hash == r.content_hash => format!("{} ({short})", c.version),
                _ => short,
            },
            completed: Some(Date::in_germany(r.completed_at)),
            code: r.code.unwrap_or_default(),
            valid_until: r.valid_until_day.map(Date::from_days),
            state: s.label(t).to_string(),
        });
    }
    let now = state.clock.now();
    Ok(Evidence {
        org: state.config.org_name.clone(),
        unit: unit_label,
        generated: format!(
            "{} {}",
            date_cell(Some(Date::in_germany(now))),
            time_in_germany(now)
        ),
        people: sel.people.len(),
        lines,
    })
}

pub fn to_csv(e: &Evidence, t: &Texts) -> String {
    let mut w = CsvWriter::new();
    w.row(&[t.evidence_title, e.org.as_str()]);
    w.row(&[t.csv_unit, e.unit.as_str()]);
    w.row(&[t.evidence_generated, e.generated.as_str()]);
    w.row::<&str>(&[]);
    w.row(&[
        t.csv_name,
        t.csv_email,
        t.csv_unit,
        t.csv_course,
        t.evidence_version,
        t.csv_completed,
        t.evidence_code,
        t.csv_valid_until,
        t.csv_state,
    ]);
    for l in &e.lines {
        w.row(&[
            l.name.as_str(),
            l.email.as_str(),
            l.unit.as_str(),
            l.course.as_str(),
            l.version.as_str(),
            &date_cell(l.completed),
            l.code.as_str(),
            &date_cell(l.valid_until),
            l.state.as_str(),
        ]);
    }
    w.finish()
}

/// Cuts a cell to the characters that fit its column.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A4 landscape, a table that continues over as many pages as needed, header repeated.
pub fn to_pdf(e: &Evidence, t: &Texts) -> Result<Vec<u8>, String> {
    const W: f32 = 841.89;
    const H: f32 = 595.28;
    const M: f32 = 36.0;
    const ROW: f32 = 13.0;
    let regular = Font::new(REGULAR.to_vec().into(), 0).ok_or("font DejaVuSans unreadable")?;
    let bold = Font::new(BOLD.to_vec().into(), 0).ok_or("font DejaVuSans-Bold unreadable")?;
    // (header, x, characters) per column.
    let columns: [(&str, f32, usize); 8] = [
        (t.csv_name, M, 26),
        (t.csv_unit, M + 140.0, 30),
        (t.csv_course, M + 300.0, 22),
        (t.evidence_version, M + 420.0, 18),
        (t.csv_completed, M + 520.0, 12),
        (t.evidence_code, M + 590.0, 19),
        (t.csv_valid_until, M + 690.0, 12),
        (t.csv_state, M + 752.0, 14),
    ];
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} – {}", t.evidence_title, e.unit))
            .authors(vec![e.org.clone()])
            .creator("KI-Seepferdchen".to_string())
            .language("de-DE".to_string()),
    );
    let per_page = ((H - M - 120.0) / ROW).floor().max(1.0) as usize;
    let chunks: Vec<&[Line]> = if e.lines.is_empty() {
        vec![&[]]
    } else {
        e.lines.chunks(per_page).collect()
    };
    let pages = chunks.len();
    for (n, chunk) in chunks.into_iter().enumerate() {
        let settings = PageSettings::from_wh(W, H).ok_or("page size")?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        fill(&mut s, 8, 61, 110);
        text(&mut s, &bold, 15.0, M, M + 8.0, t.evidence_title);
        fill(&mut s, 26, 31, 54);
        text(&mut s, &regular, 9.5, M, M + 26.0, &e.org);
        text(
            &mut s,
            &regular,
            9.5,
            M,
            M + 40.0,
            &format!("{}: {}", t.csv_unit, e.unit),
        );
        text(
            &mut s,
            &regular,
            9.5,
            M,
            M + 54.0,
            &format!(
                "{}: {} · {}: {}",
                t.evidence_generated, e.generated, t.evidence_people, e.people
            ),
        );
        let mut y = M + 80.0;
        for (head, x, max) in columns {
            text(&mut s, &bold, 8.0, x, y, &fit(head, max));
        }
        y += ROW;
        for l in chunk {
            let cells = [
                l.name.clone(),
                l.unit.clone(),
                l.course.clone(),
                l.version.clone(),
                date_cell(l.completed),
                l.code.clone(),
                date_cell(l.valid_until),
                l.state.clone(),
            ];
            for ((_, x, max), cell) in columns.iter().zip(cells) {
                text(&mut s, &regular, 7.5, *x, y, &fit(&cell, *max));
            }
            y += ROW;
        }
        let footer = t.evidence_page(n + 1, pages);
        text(&mut s, &regular, 8.0, M, H - M / 2.0, &footer);
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| format!("{e:?}"))
}
