//! Parsing and validation of user-import CSV files (columns: name, e-mail, org unit, role) as
//! German public administrations produce them, typically saved from German Excel.
//!
//! The import is all-or-nothing: [`parse_and_validate`] either returns every row, all of them
//! valid, or every problem found in the file.
//!
//! Accepted input:
//! - UTF-8 with or without byte order mark; anything that is not valid UTF-8 is read as
//!   Windows-1252 (what German Excel writes for plain "CSV").
//! - Delimiter `;`, tab or `,`, detected from the header line (in that order of preference).
//! - RFC 4180 quoting (`""` escapes, delimiters and line breaks inside quotes; a quote opens a
//!   quoted field only as its first character), CRLF or LF line endings, read by the `csv`
//!   crate. Fields are trimmed; lines whose fields are all empty are skipped.
//!
//! Row numbering: rows are numbered like the rows a spreadsheet shows, i.e. by record, not by
//! physical line. The first record (normally the header) is row 1, the first data row row 2.
//! A quoted field with embedded line breaks does not advance the numbering, whereas skipped
//! blank lines do (a spreadsheet shows them as rows too). Every error names the row at which
//! its record starts.

use std::collections::{HashMap, HashSet};

/// Most data rows (header excluded) a single file may contain.
const MAX_DATA_ROWS: usize = 10_000;
/// Longest accepted display name, in characters.
const MAX_NAME_CHARS: usize = 200;
/// Longest accepted e-mail address, in characters (RFC 5321 path limit).
const MAX_EMAIL_CHARS: usize = 254;
/// Characters that never occur in a plausible (unquoted) e-mail address.
const EMAIL_FORBIDDEN: &[char] = &['<', '>', '(', ')', '[', ']', '\\', ',', ';', ':', '"'];

/// Role of an imported account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportRole {
    Employee,
    Coordinator,
    Admin,
}

/// A column of the import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Email,
    OrgUnit,
    Role,
}

/// What is wrong with one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// The cell is empty although a value is required.
    Missing,
    /// The value exceeds the maximum length of its column.
    TooLong,
    /// The value is not a plausible e-mail address.
    InvalidEmail,
    /// The e-mail address already occurs in an earlier row of the same file.
    DuplicateInFile { first_row: usize },
    /// An account with this e-mail address exists already.
    AlreadyExists,
    /// No org unit matches the value.
    UnknownOrgUnit,
    /// The org unit exists but lies outside the importer's scope.
    OutsideScope,
    /// The value is not a known role name.
    UnknownRole,
    /// The role is known but the importer may not assign it.
    RoleNotAllowed,
}

/// One problem in one cell; `value` is the (trimmed) cell content as found in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub column: Column,
    pub problem: RowProblem,
    pub value: String,
}

/// A problem with the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// The file contains no header or no data rows.
    Empty,
    /// The header lacks a required column.
    MissingColumn(Column),
    /// The file has more data rows than allowed.
    TooManyRows { max: usize },
}

/// Why an import was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    File(FileProblem),
    /// Every cell problem of the file, in row order, then column order.
    Rows(Vec<RowError>),
}

/// One validated row, ready to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub name: String,
    /// Trimmed and lowercase.
    pub email: String,
    pub org_unit_id: i64,
    pub role: ImportRole,
}

/// What validation needs to know about the existing data and the importer.
pub struct ImportContext<'a> {
    /// keys produced by `unit_key` → org unit id (the caller inserts full paths like "Fachbereich 1 > Bürgerbüro" and unique leaf names)
    pub org_units: &'a HashMap<String, i64>,
    /// existing e-mails, already lowercase
    pub existing_emails: &'a HashSet<String>,
    pub allowed_roles: &'a [ImportRole],
    /// None = every unit allowed (admin); Some(set) = only these unit ids (coordinator scope incl. sub-units)
    pub allowed_units: Option<&'a HashSet<i64>>,
}

/// Normalises an org unit name or path for lookup: trims, lowercases, collapses internal
/// whitespace and treats `/` and `>` alike as path separators, written as `" > "`.
/// Empty path segments are dropped, so `"FB 1 / Bürgerbüro"` and `"fb 1>bürgerbüro"` both
/// become `"fb 1 > bürgerbüro"`.
pub fn unit_key(s: &str) -> String {
    s.split(['/', '>'])
        .map(collapse_whitespace)
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.to_lowercase())
        .collect::<Vec<_>>()
        .join(" > ")
}

/// Decodes file bytes: UTF-8 (a leading byte order mark is removed), or Windows-1252 if the
/// bytes are not valid UTF-8.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Splits text into records of trimmed fields, detecting the delimiter from the header line.
/// Records whose fields are all empty are left out.
pub fn parse_records(text: &str) -> Vec<Vec<String>> {
    parse_numbered(text)
        .into_iter()
        .map(|record| record.fields)
        .collect()
}

/// Decodes, parses and validates an import file; see the module documentation.
pub fn parse_and_validate(
    bytes: &[u8],
    ctx: &ImportContext,
) -> Result<Vec<ImportRow>, ImportError> {
    let text = decode_text(bytes);
    let mut records = parse_numbered(&text).into_iter();
    let header = records
        .next()
        .ok_or(ImportError::File(FileProblem::Empty))?;
    let columns = ColumnMap::from_header(&header.fields).map_err(ImportError::File)?;
    let data: Vec<Record> = records.collect();
    if data.is_empty() {
        return Err(ImportError::File(FileProblem::Empty));
    }
    if data.len() > MAX_DATA_ROWS {
        return Err(ImportError::File(FileProblem::TooManyRows {
            max: MAX_DATA_ROWS,
        }));
    }

    let mut validator = Validator {
        ctx,
        columns,
        first_rows: HashMap::with_capacity(data.len()),
    };
    let mut rows = Vec::with_capacity(data.len());
    let mut errors = Vec::new();
    for record in &data {
        match validator.validate(record) {
            Ok(row) => rows.push(row),
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(errors))
    }
}

// ---------------------------------------------------------------------------------------------
// CSV parsing

/// A non-blank record and the spreadsheet row at which it starts.
struct Record {
    row: usize,
    fields: Vec<String>,
}

fn parse_numbered(text: &str) -> Vec<Record> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    // Rows are counted from line breaks: csv's own line numbers point at the end of the
    // previous record. A break inside quotes does not start a spreadsheet row (`folded`).
    let bytes = text.as_bytes();
    let (mut counted_to, mut breaks, mut folded) = (0usize, 0usize, 0usize);
    let is_break = |b: &u8| matches!(b, b'\r' | b'\n');
    // Reading from a string cannot fail (flexible: rows may differ in length).
    while let Ok(true) = reader.read_record(&mut record) {
        let offset = |byte: u64| usize::try_from(byte).map_or(bytes.len(), |b| b.min(bytes.len()));
        let from = offset(record.position().map_or(0, csv::Position::byte));
        // The record starts after the previous one's line break and any blank lines, and ends
        // before its own.
        let start = from + bytes[from..].iter().take_while(|b| is_break(b)).count();
        let mut end = offset(reader.position().byte()).max(start);
        while end > start && is_break(&bytes[end - 1]) {
            end -= 1;
        }
        breaks += line_breaks(&bytes[counted_to.min(start)..start]);
        counted_to = start;
        let fields: Vec<String> = record
            .iter()
            .map(|f| f.replace("\r\n", "\n").replace('\r', "\n"))
            .collect();
        if fields.iter().any(|f| !f.is_empty()) {
            records.push(Record {
                row: 1 + breaks - folded,
                fields,
            });
        }
        folded += line_breaks(&bytes[start..end]);
    }
    records
}

/// Line breaks in bytes: CRLF, LF or a lone CR, each once.
fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// `;` if the header line contains one outside quotes, else tab if it contains one, else `,`.
/// The header line is the first line with content; leading blank lines are skipped.
fn detect_delimiter(text: &str) -> u8 {
    let mut in_quotes = false;
    let mut has_content = false;
    let mut has_semicolon = false;
    let mut has_tab = false;
    for c in text.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                has_content = true;
            }
            _ if in_quotes => {}
            '\r' | '\n' if has_content => break,
            ';' => has_semicolon = true,
            '\t' => has_tab = true,
            _ if !c.is_whitespace() => has_content = true,
            _ => {}
        }
    }
    if has_semicolon {
        b';'
    } else if has_tab {
        b'\t'
    } else {
        b','
    }
}

// ---------------------------------------------------------------------------------------------
// Header

/// Accepted header names per column, already normalised by `normalize_header`.
fn header_aliases(column: Column) -> &'static [&'static str] {
    match column {
        Column::Name => &["name", "anzeigename", "vor- und nachname"],
        Column::Email => &["e-mail", "email", "e-mail-adresse", "mail"],
        Column::OrgUnit => &[
            "organisationseinheit",
            "einheit",
            "oe",
            "org unit",
            "org_unit",
            "abteilung",
        ],
        Column::Role => &["rolle", "role"],
    }
}

fn normalize_header(s: &str) -> String {
    collapse_whitespace(s).to_lowercase()
}

/// Index of each column's cell within a record.
struct ColumnMap {
    name: usize,
    email: usize,
    org_unit: usize,
    role: usize,
}

impl ColumnMap {
    /// Finds every column in the header; the first missing one (in column order) is reported.
    fn from_header(header: &[String]) -> Result<ColumnMap, FileProblem> {
        let normalized: Vec<String> = header.iter().map(|h| normalize_header(h)).collect();
        let find = |column: Column| {
            let aliases = header_aliases(column);
            normalized
                .iter()
                .position(|h| aliases.contains(&h.as_str()))
                .ok_or(FileProblem::MissingColumn(column))
        };
        Ok(ColumnMap {
            name: find(Column::Name)?,
            email: find(Column::Email)?,
            org_unit: find(Column::OrgUnit)?,
            role: find(Column::Role)?,
        })
    }

    /// The cell of `column` in `record`; empty if the record is too short.
    fn cell<'r>(&self, record: &'r Record, column: Column) -> &'r str {
        let index = match column {
            Column::Name => self.name,
            Column::Email => self.email,
            Column::OrgUnit => self.org_unit,
            Column::Role => self.role,
        };
        record.fields.get(index).map_or("", String::as_str)
    }
}

// ---------------------------------------------------------------------------------------------
// Row validation

struct Validator<'c, 'a> {
    ctx: &'c ImportContext<'a>,
    columns: ColumnMap,
    /// Each syntactically valid e-mail of the file → row of its first occurrence.
    first_rows: HashMap<String, usize>,
}

impl Validator<'_, '_> {
    fn validate(&mut self, record: &Record) -> Result<ImportRow, Vec<RowError>> {
        let name_cell = self.columns.cell(record, Column::Name);
        let email_cell = self.columns.cell(record, Column::Email);
        let unit_cell = self.columns.cell(record, Column::OrgUnit);
        let role_cell = self.columns.cell(record, Column::Role);

        let name = check_name(name_cell);
        let email = self.check_email(email_cell, record.row);
        let unit = self.check_org_unit(unit_cell);
        let role = self.check_role(role_cell);

        match (name, email, unit, role) {
            (Ok(name), Ok(email), Ok(org_unit_id), Ok(role)) => Ok(ImportRow {
                row: record.row,
                name,
                email,
                org_unit_id,
                role,
            }),
            (name, email, unit, role) => {
                let cells = [
                    (Column::Name, name_cell, name.err()),
                    (Column::Email, email_cell, email.err()),
                    (Column::OrgUnit, unit_cell, unit.err()),
                    (Column::Role, role_cell, role.err()),
                ];
                Err(cells
                    .into_iter()
                    .filter_map(|(column, value, problem)| {
                        problem.map(|problem| RowError {
                            row: record.row,
                            column,
                            problem,
                            value: value.to_owned(),
                        })
                    })
                    .collect())
            }
        }
    }

    fn check_email(&mut self, cell: &str, row: usize) -> Result<String, RowProblem> {
        let email = cell.trim().to_lowercase();
        if email.is_empty() {
            return Err(RowProblem::Missing);
        }
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(RowProblem::TooLong);
        }
        if !is_plausible_email(&email) {
            return Err(RowProblem::InvalidEmail);
        }
        if let Some(&first_row) = self.first_rows.get(&email) {
            return Err(RowProblem::DuplicateInFile { first_row });
        }
        self.first_rows.insert(email.clone(), row);
        if self.ctx.existing_emails.contains(&email) {
            return Err(RowProblem::AlreadyExists);
        }
        Ok(email)
    }

    fn check_org_unit(&self, cell: &str) -> Result<i64, RowProblem> {
        let key = unit_key(cell);
        if key.is_empty() {
            return Err(RowProblem::Missing);
        }
        let id = *self
            .ctx
            .org_units
            .get(&key)
            .ok_or(RowProblem::UnknownOrgUnit)?;
        match self.ctx.allowed_units {
            Some(allowed) if !allowed.contains(&id) => Err(RowProblem::OutsideScope),
            _ => Ok(id),
        }
    }

    fn check_role(&self, cell: &str) -> Result<ImportRole, RowProblem> {
        let role = parse_role(cell).ok_or(RowProblem::UnknownRole)?;
        if self.ctx.allowed_roles.contains(&role) {
            Ok(role)
        } else {
            Err(RowProblem::RoleNotAllowed)
        }
    }
}

fn check_name(cell: &str) -> Result<String, RowProblem> {
    let name = cell.trim();
    if name.is_empty() {
        Err(RowProblem::Missing)
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(RowProblem::TooLong)
    } else {
        Ok(name.to_owned())
    }
}

/// Role names as written in German and English files; an empty cell means employee.
fn parse_role(cell: &str) -> Option<ImportRole> {
    let role = cell.trim().to_lowercase();
    match role.as_str() {
        "" | "employee" | "mitarbeitende" | "mitarbeiter" | "mitarbeiterin" | "beschäftigte" => {
            Some(ImportRole::Employee)
        }
        "coordinator"
        | "schulungskoordination"
        | "koordination"
        | "koordinator"
        | "koordinatorin" => Some(ImportRole::Coordinator),
        "admin" | "administration" | "administrator" | "administratorin" => Some(ImportRole::Admin),
        _ => None,
    }
}

/// Exactly one `@`, a non-empty local part, a domain of at least two non-empty labels, no
/// whitespace, control or other characters that cannot occur in an ordinary address.
fn is_plausible_email(email: &str) -> bool {
    if email
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || EMAIL_FORBIDDEN.contains(&c))
    {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
