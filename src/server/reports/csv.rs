//! CSV that German Excel opens correctly: UTF-8 with BOM, semicolons, CRLF, German headers.
//! Cells that begin with = + - @ (or a tab or carriage return) get a leading apostrophe, so a
//! spreadsheet never runs them as formulas (CSV injection).
use crate::i18n::Date;

use super::Selection;
use crate::server::state::AppState;

pub struct CsvWriter {
    out: csv::Writer<Vec<u8>>,
}

impl CsvWriter {
    pub fn new() -> CsvWriter {
        Self::starting_with("\u{feff}".as_bytes().to_vec())
    }

    /// A writer for the rest of a file whose start (with the BOM) went out already.
    pub fn continuation() -> CsvWriter {
        Self::starting_with(Vec::new())
    }

    fn starting_with(prefix: Vec<u8>) -> CsvWriter {
        CsvWriter {
            out: csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .flexible(true)
                .from_writer(prefix),
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out.into_inner().unwrap_or_default()
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        // Writing into memory cannot fail.
        let _ = self
            .out
            .write_record(cells.iter().map(|c| neutralise(c.as_ref()).into_owned()));
    }

    pub fn finish(self) -> String {
        self.out
            .into_inner()
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

impl Default for CsvWriter {
    fn default() -> CsvWriter {
        CsvWriter::new()
    }
}

/// A cell a spreadsheet would run as a formula, with a leading apostrophe.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// "26.11.2026", or empty.
pub fn date_cell(d: Option<Date>) -> String {
    d.map(|d| format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()))
        .unwrap_or_default()
}

/// The status matrix of a selection: one row per person and assigned course.
/// `quotas`: (unit, course) → share done of the unit's own members (see `unit_quotas`).
pub fn status_matrix(
    state: &AppState,
    sel: &Selection,
    quotas: &std::collections::HashMap<(i64, String), u32>,
    t: &crate::i18n::Texts,
) -> String {
    let mut w = CsvWriter::new();
    status_header(&mut w, t);
    let mut titles = std::collections::HashMap::new();
    status_rows(
        &mut w,
        &mut |c| {
            titles
                .entry(c.to_string())
                .or_insert_with(|| super::course_title(state, c))
                .clone()
        },
        &sel.people,
        &sel.entries,
        &sel.unit_paths,
        quotas,
        t,
    );
    w.finish()
}

pub fn status_header(w: &mut CsvWriter, t: &crate::i18n::Texts) {
    w.row(&[
        t.csv_name,
        t.csv_email,
        t.csv_unit,
        t.csv_course,
        t.csv_mandatory,
        t.csv_due,
        t.csv_state,
        t.csv_completed,
        t.csv_valid_until,
        t.csv_unit_quota,
    ]);
}

/// The rows of these people (`entries` in the same order).
#[allow(clippy::too_many_arguments)]
pub fn status_rows(
    w: &mut CsvWriter,
    title: &mut dyn FnMut(&str) -> String,
    people: &[crate::server::db::course_status::Person],
    entries: &[Vec<crate::server::tracking::MatrixEntry>],
    unit_paths: &std::collections::HashMap<i64, String>,
    quotas: &std::collections::HashMap<(i64, String), u32>,
    t: &crate::i18n::Texts,
) {
    for (p, entries) in people.iter().zip(entries) {
        let unit = p
            .unit_id
            .and_then(|u| unit_paths.get(&u))
            .map(String::as_str)
            .unwrap_or("");
        for e in entries {
            w.row(&[
                p.name.as_str(),
                p.email.as_str(),
                unit,
                title(&e.course).as_str(),
                if e.assignment.mandatory { t.yes } else { t.no },
                &date_cell(e.assignment.due_day.map(Date::from_days)),
                e.state.label(t),
                &date_cell(e.status.and_then(|s| s.completed_at).map(Date::in_germany)),
                &date_cell(
                    e.status
                        .and_then(|s| s.valid_until_day)
                        .map(Date::from_days),
                ),
                &p.unit_id
                    .and_then(|u| quotas.get(&(u, e.course.clone())))
                    .map(|q| format!("{q} %"))
                    .unwrap_or_default(),
            ]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(cell: &str) -> String {
        let mut w = CsvWriter::new();
        w.row(&[cell, "x"]);
        w.finish()
    }

    #[test]
    fn starts_with_bom_and_uses_semicolons_and_crlf() {
        let mut w = CsvWriter::new();
        w.row(&["Name", "E-Mail"]);
        w.row(&["Jörg Übel", "joerg@example.org"]);
        let s = w.finish();
        assert!(s.starts_with('\u{feff}'));
        assert_eq!(&s[3..], "Name;E-Mail\r\nJörg Übel;joerg@example.org\r\n");
    }

    #[test]
    fn quotes_separators_quotes_and_line_breaks() {
        assert_eq!(one("Schmidt; Maria"), "\u{feff}\"Schmidt; Maria\";x\r\n");
        assert_eq!(one("Der \"Chef\""), "\u{feff}\"Der \"\"Chef\"\"\";x\r\n");
        assert_eq!(
            one("Zeile 1\nZeile 2"),
            "\u{feff}\"Zeile 1\nZeile 2\";x\r\n"
        );
        assert_eq!(one("a\r\nb"), "\u{feff}\"a\r\nb\";x\r\n");
    }

    #[test]
    fn neutralises_formulas() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+49 123",
            "-2+3",
            "@SUM(A1)",
            "\tx",
        ] {
            let s = one(bad);
            let cell = &s[3..s.find(";x").expect("separator")];
            assert!(
                cell.trim_start_matches('"').starts_with('\''),
                "{bad:?} → {cell:?}"
            );
        }
        // Harmless text stays as it is.
        assert_eq!(one("Bürgerbüro"), "\u{feff}Bürgerbüro;x\r\n");
    }

    #[test]
    fn german_dates() {
        let d = Date::ymd(2026, 3, 7);
        assert_eq!(date_cell(Some(d)), "07.03.2026");
        assert_eq!(date_cell(None), "");
    }
}
