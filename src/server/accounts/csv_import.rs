//! Reading people from CSV files as German public administrations produce them: exports of an
//! HR system (`Personalnr.;Nachname;Vorname;Amt;E-Mail-Adresse`) as much as a list typed in
//! German Excel. No fixed header is required: a [`Mapping`] says what each column means (the
//! importer confirms or corrects the one [`Mapping::propose`] suggests), so a Kreis's own
//! export works without editing.
//!
//! A file is a sync, not only a list of new people: a row that matches an existing person (by
//! personnel number, else by e-mail) updates them, and the chosen scope's people missing from
//! the file can be deactivated. Unknown org units are listed once and, if the importer says
//! where, created in the same import.
//!
//! The import is all-or-nothing: [`plan`] either returns everything the import does, all of
//! it valid, or every problem found in the file.
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
/// Longest accepted personnel number, in characters.
const MAX_PERSONNEL_NO_CHARS: usize = 50;
/// Characters that never occur in a plausible (unquoted) e-mail address.
const EMAIL_FORBIDDEN: &[char] = &['<', '>', '(', ')', '[', ']', '\\', ',', ';', ':', '"'];

/// Role of an imported account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportRole {
    Employee,
    Coordinator,
    Admin,
}

/// What a column of the file means; the codes are the values of the mapping form.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
pub enum Field {
    #[strum(serialize = "email")]
    Email,
    #[strum(serialize = "vorname")]
    FirstName,
    #[strum(serialize = "nachname")]
    LastName,
    /// First and last name in one cell.
    #[strum(serialize = "name")]
    FullName,
    #[strum(serialize = "personalnummer")]
    PersonnelNo,
    #[strum(serialize = "einheit")]
    OrgUnit,
    #[strum(serialize = "rolle")]
    Role,
}

impl Field {
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// What each column of the file means (`None`: not imported), in header order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mapping(pub Vec<Option<Field>>);

/// Why a mapping cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingProblem {
    /// No column holds this required field (e-mail, a name, the org unit).
    Missing(Field),
    /// Two columns are mapped to one field (their header texts).
    Twice(Field, String, String),
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
    /// The value already occurs in an earlier row of the same file.
    DuplicateInFile { first_row: usize },
    /// The e-mail address belongs to another existing person than the one this row matches
    /// (or to a person with another personnel number).
    AlreadyExists,
    /// The org unit exists but lies outside the importer's scope.
    OutsideScope,
    /// The person exists but the importer may not change them (another scope or a role the
    /// importer cannot assign).
    PersonNotAllowed,
    /// The value is not a known role name.
    UnknownRole,
    /// The role is known but the importer may not assign it.
    RoleNotAllowed,
}

/// One problem in one cell; `value` is the (trimmed) cell content as found in the file,
/// `header` the text of its column's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub field: Field,
    pub header: String,
    pub problem: RowProblem,
    pub value: String,
}

/// A problem with the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// The file contains no header or no data rows.
    Empty,
    /// The file has more data rows than allowed.
    TooManyRows { max: usize },
    /// The mapping cannot be used.
    Mapping(MappingProblem),
    /// The people to deactivate would include the importer.
    DeactivatesImporter,
}

/// Why an import was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    File(FileProblem),
    /// Every cell problem of the file, in row order, then column order, and the org units the
    /// file names that do not exist (each once, as first written) while no place to create
    /// them was chosen.
    Rows {
        errors: Vec<RowError>,
        unknown_units: Vec<String>,
    },
}

/// An org unit of a row: one that exists, or one the import creates (index into
/// [`Plan::new_units`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitRef {
    Existing(i64),
    New(usize),
}

/// An org unit the import creates; parents come before their children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub name: String,
    /// `None`: a top-level unit.
    pub parent: Option<UnitRef>,
    /// The path as the file wrote it, for the preview.
    pub path: String,
}

/// A person as the file describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub name: String,
    /// Trimmed and lowercase.
    pub email: String,
    pub personnel_no: Option<String>,
    pub unit: UnitRef,
    pub role: ImportRole,
}

/// A person who exists already, as validation needs to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub personnel_no: Option<String>,
    pub org_unit_id: Option<i64>,
    pub role: ImportRole,
    pub active: bool,
}

/// A row that matches an existing person and changes them. The role is never changed by an
/// import (roles are managed in the platform); an inactive person in the file is reactivated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub before: Existing,
    pub after: ImportRow,
}

/// Everything an import does, all of it valid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub creates: Vec<ImportRow>,
    pub updates: Vec<Update>,
    /// Rows matching an existing person that change nothing.
    pub unchanged: usize,
    pub new_units: Vec<NewUnit>,
    /// Active people of the sync scope who are missing from the file.
    pub deactivate: Vec<Existing>,
}

/// Where unknown org units are created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    TopLevel,
    Unit(i64),
}

/// The choices made on the mapping step.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// `None`: unknown units are an error.
    pub create_units_under: Option<Parent>,
    /// `None`: nobody is deactivated; `Some(None)`: the whole administration (admins only);
    /// `Some(Some(units))`: these units (already expanded to their sub-units).
    pub deactivate_missing_in: Option<Option<HashSet<i64>>>,
}

/// What validation needs to know about the existing data and the importer.
pub struct ImportContext<'a> {
    /// keys produced by `unit_key` → org unit id (the caller inserts full paths like "Fachbereich 1 > Bürgerbüro" and unique leaf names)
    pub org_units: &'a HashMap<String, i64>,
    /// external unit codes, trimmed and lowercase → org unit id
    pub unit_codes: &'a HashMap<String, i64>,
    pub people: &'a [Existing],
    pub allowed_roles: &'a [ImportRole],
    /// None = every unit allowed (admin); Some(set) = only these unit ids (coordinator scope incl. sub-units)
    pub allowed_units: Option<&'a HashSet<i64>>,
    pub importer_id: i64,
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

/// Records with the spreadsheet row each starts at (see the module documentation).
pub fn parse_rows(text: &str) -> Vec<(usize, Vec<String>)> {
    parse_numbered(text)
        .into_iter()
        .map(|r| (r.row, r.fields))
        .collect()
}

/// The header cells and the first data row (empty where missing), for the mapping step.
pub fn header_and_sample(text: &str) -> (Vec<String>, Vec<String>) {
    let mut records = parse_numbered(text).into_iter().map(|r| r.fields);
    let header = records.next().unwrap_or_default();
    let mut sample = records.next().unwrap_or_default();
    sample.resize(header.len(), String::new());
    (header, sample)
}

/// Parses and validates an import file read with `mapping`, and works out what it does; see
/// the module documentation.
pub fn plan(
    text: &str,
    mapping: &Mapping,
    options: &Options,
    ctx: &ImportContext,
) -> Result<Plan, ImportError> {
    let mut records = parse_numbered(text).into_iter();
    let header = records
        .next()
        .ok_or(ImportError::File(FileProblem::Empty))?;
    let columns = mapping
        .columns(&header.fields)
        .map_err(|p| ImportError::File(FileProblem::Mapping(p)))?;
    let data: Vec<Record> = records.collect();
    if data.is_empty() {
        return Err(ImportError::File(FileProblem::Empty));
    }
    if data.len() > MAX_DATA_ROWS {
        return Err(ImportError::File(FileProblem::TooManyRows {
            max: MAX_DATA_ROWS,
        }));
    }

    let mut validator = Validator::new(ctx, options, columns, data.len());
    let mut rows = Vec::with_capacity(data.len());
    let mut errors = Vec::new();
    for record in &data {
        match validator.validate(record) {
            Ok(Some(row)) => rows.push(row),
            Ok(None) => {}
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if !errors.is_empty() || !validator.unknown_units.is_empty() {
        return Err(ImportError::Rows {
            errors,
            unknown_units: validator.unknown_units,
        });
    }
    validator.into_plan(rows)
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
// Mapping

/// Header names (as normalised by `normalize_header`) proposed for each field.
fn header_aliases(field: Field) -> &'static [&'static str] {
    match field {
        Field::FullName => &[
            "name",
            "anzeigename",
            "vor- und nachname",
            "vollständiger name",
            "full name",
        ],
        Field::FirstName => &["vorname", "first name", "firstname", "given name"],
        Field::LastName => &[
            "nachname",
            "familienname",
            "zuname",
            "last name",
            "lastname",
            "surname",
        ],
        Field::Email => &[
            "e-mail",
            "email",
            "e-mail-adresse",
            "e-mail adresse",
            "emailadresse",
            "mail",
            "mailadresse",
            "dienstliche e-mail",
        ],
        Field::PersonnelNo => &[
            "personalnr.",
            "personalnr",
            "personalnummer",
            "pers.-nr.",
            "pers.nr.",
            "persnr",
            "mitarbeiternummer",
            "personnel number",
            "employee id",
        ],
        Field::OrgUnit => &[
            "organisationseinheit",
            "einheit",
            "oe",
            "org unit",
            "org_unit",
            "abteilung",
            "amt",
            "fachbereich",
            "fachdienst",
            "dienststelle",
            "referat",
            "sachgebiet",
            "kostenstelle",
        ],
        Field::Role => &["rolle", "role"],
    }
}

pub fn normalize_header(s: &str) -> String {
    collapse_whitespace(s).to_lowercase()
}

/// Column index of each mapped field.
struct Columns {
    index: HashMap<Field, usize>,
    headers: Vec<String>,
}

impl Mapping {
    /// A mapping for `header`: what the importer chose last time for a column of the same
    /// name (`remembered`, keyed by normalised header), else the field whose usual names
    /// include the header. Each field is proposed for one column at most.
    pub fn propose(header: &[String], remembered: &HashMap<String, Option<Field>>) -> Mapping {
        let mut taken = HashSet::new();
        let fields = header
            .iter()
            .map(|h| {
                let h = normalize_header(h);
                let field = match remembered.get(&h) {
                    Some(choice) => *choice,
                    None => <Field as strum::IntoEnumIterator>::iter()
                        .find(|f| header_aliases(*f).contains(&h.as_str())),
                };
                field.filter(|f| taken.insert(*f))
            })
            .collect();
        Mapping(fields)
    }

    /// The mapping keyed by normalised header, to be remembered for the next file.
    pub fn by_header(&self, header: &[String]) -> HashMap<String, Option<Field>> {
        header
            .iter()
            .zip(self.0.iter().chain(std::iter::repeat(&None)))
            .map(|(h, f)| (normalize_header(h), *f))
            .collect()
    }

    fn columns(&self, header: &[String]) -> Result<Columns, MappingProblem> {
        let mut index: HashMap<Field, usize> = HashMap::new();
        for (i, field) in self.0.iter().enumerate().take(header.len()) {
            let Some(field) = field else { continue };
            if let Some(&first) = index.get(field) {
                return Err(MappingProblem::Twice(
                    *field,
                    header[first].clone(),
                    header[i].clone(),
                ));
            }
            index.insert(*field, i);
        }
        let has = |f: Field| index.contains_key(&f);
        if !has(Field::Email) {
            return Err(MappingProblem::Missing(Field::Email));
        }
        if has(Field::FullName) && (has(Field::FirstName) || has(Field::LastName)) {
            let other = index
                .get(&Field::LastName)
                .or(index.get(&Field::FirstName))
                .copied()
                .unwrap_or_default();
            return Err(MappingProblem::Twice(
                Field::FullName,
                header[index[&Field::FullName]].clone(),
                header[other].clone(),
            ));
        }
        if !has(Field::FullName) && !has(Field::LastName) {
            return Err(MappingProblem::Missing(Field::FullName));
        }
        if !has(Field::OrgUnit) {
            return Err(MappingProblem::Missing(Field::OrgUnit));
        }
        Ok(Columns {
            index,
            headers: header.to_vec(),
        })
    }
}

impl Columns {
    /// The cell of `field` in `record`; empty if unmapped or the record is too short.
    fn cell<'r>(&self, record: &'r Record, field: Field) -> &'r str {
        self.index
            .get(&field)
            .and_then(|&i| record.fields.get(i))
            .map_or("", String::as_str)
    }

    fn header(&self, field: Field) -> String {
        self.index
            .get(&field)
            .and_then(|&i| self.headers.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Row validation

struct Validator<'c, 'a> {
    ctx: &'c ImportContext<'a>,
    options: &'c Options,
    columns: Columns,
    /// Each syntactically valid e-mail of the file → row of its first occurrence.
    first_rows: HashMap<String, usize>,
    /// Each personnel number of the file → row of its first occurrence.
    first_numbers: HashMap<String, usize>,
    by_email: HashMap<&'a str, usize>,
    by_number: HashMap<&'a str, usize>,
    /// Indexes into `ctx.people` matched by a row.
    matched: HashSet<usize>,
    new_units: Vec<NewUnit>,
    new_unit_keys: HashMap<String, usize>,
    unknown_units: Vec<String>,
    unknown_keys: HashSet<String>,
}

/// A validated row and the existing person it matches.
struct Matched {
    row: ImportRow,
    person: Option<usize>,
}

impl<'c, 'a> Validator<'c, 'a> {
    fn new(
        ctx: &'c ImportContext<'a>,
        options: &'c Options,
        columns: Columns,
        rows: usize,
    ) -> Self {
        let people = ctx.people;
        Validator {
            ctx,
            options,
            columns,
            first_rows: HashMap::with_capacity(rows),
            first_numbers: HashMap::with_capacity(rows),
            by_email: people
                .iter()
                .enumerate()
                .map(|(i, p)| (p.email.as_str(), i))
                .collect(),
            by_number: people
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.personnel_no.as_deref().map(|n| (n, i)))
                .collect(),
            matched: HashSet::with_capacity(rows),
            new_units: Vec::new(),
            new_unit_keys: HashMap::new(),
            unknown_units: Vec::new(),
            unknown_keys: HashSet::new(),
        }
    }

    /// `Ok(None)`: the row names an unknown unit and is otherwise valid (listed once).
    fn validate(&mut self, record: &Record) -> Result<Option<Matched>, Vec<RowError>> {
        let cols = &self.columns;
        let email_cell = cols.cell(record, Field::Email);
        let number_cell = cols.cell(record, Field::PersonnelNo);
        let unit_cell = cols.cell(record, Field::OrgUnit);
        let role_cell = cols.cell(record, Field::Role);
        let (name_field, name_cell) = if cols.index.contains_key(&Field::FullName) {
            (
                Field::FullName,
                cols.cell(record, Field::FullName).to_owned(),
            )
        } else {
            let first = collapse_whitespace(cols.cell(record, Field::FirstName));
            let last = collapse_whitespace(cols.cell(record, Field::LastName));
            (
                Field::LastName,
                [first, last]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        };

        let name = check_name(&name_cell);
        let email = self.check_email(email_cell, record.row);
        let number = self.check_number(number_cell, record.row);
        let person = match (&email, &number) {
            (Ok(email), Ok(number)) => self.match_person(email, number.as_deref()),
            _ => Ok(None),
        };
        let unit = self.check_org_unit(unit_cell);
        let role = match person {
            // The role of an existing person is managed in the platform.
            Ok(Some(_)) => Ok(ImportRole::Employee),
            _ => self.check_role(role_cell),
        };
        let (email_problem, person) = match person {
            Ok(p) => (None, p),
            Err(p) => (Some(p), None),
        };
        let unknown = matches!(unit, Err(None));

        match (name, email, number, email_problem, unit, role) {
            (Ok(name), Ok(email), Ok(personnel_no), None, Ok(unit), Ok(role)) => {
                if let Some(i) = person {
                    self.matched.insert(i);
                }
                Ok(Some(Matched {
                    row: ImportRow {
                        row: record.row,
                        name,
                        email,
                        personnel_no,
                        unit,
                        role,
                    },
                    person,
                }))
            }
            (name, email, number, email_problem, unit, role) => {
                let cells = [
                    (name_field, name_cell.as_str(), name.err()),
                    (Field::Email, email_cell, email.err().or(email_problem)),
                    (Field::PersonnelNo, number_cell, number.err()),
                    (Field::OrgUnit, unit_cell, unit.err().flatten()),
                    (Field::Role, role_cell, role.err()),
                ];
                let errors: Vec<RowError> = cells
                    .into_iter()
                    .filter_map(|(field, value, problem)| {
                        problem.map(|problem| RowError {
                            row: record.row,
                            field,
                            header: self.columns.header(field),
                            problem,
                            value: value.to_owned(),
                        })
                    })
                    .collect();
                if errors.is_empty() && unknown {
                    Ok(None)
                } else {
                    Err(errors)
                }
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
        Ok(email)
    }

    fn check_number(&mut self, cell: &str, row: usize) -> Result<Option<String>, RowProblem> {
        let number = cell.trim();
        if number.is_empty() {
            return Ok(None);
        }
        if number.chars().count() > MAX_PERSONNEL_NO_CHARS {
            return Err(RowProblem::TooLong);
        }
        if let Some(&first_row) = self.first_numbers.get(number) {
            return Err(RowProblem::DuplicateInFile { first_row });
        }
        self.first_numbers.insert(number.to_owned(), row);
        Ok(Some(number.to_owned()))
    }

    /// The existing person a row describes: by personnel number, else by e-mail. Their
    /// e-mail must not belong to somebody else, and the importer must be allowed to change
    /// them. Problems are reported on the e-mail cell.
    fn match_person(&self, email: &str, number: Option<&str>) -> Result<Option<usize>, RowProblem> {
        let by_email = self.by_email.get(email).copied();
        let person = number
            .and_then(|n| self.by_number.get(n).copied())
            .or(by_email);
        let Some(i) = person else { return Ok(None) };
        if by_email.is_some_and(|other| other != i) {
            return Err(RowProblem::AlreadyExists);
        }
        let p = &self.ctx.people[i];
        // Matched by address, but the person has another number: another person's row.
        if number.is_some() && p.personnel_no.is_some() && p.personnel_no.as_deref() != number {
            return Err(RowProblem::AlreadyExists);
        }
        if !self.may_change(p) {
            return Err(RowProblem::PersonNotAllowed);
        }
        Ok(Some(i))
    }

    fn may_change(&self, p: &Existing) -> bool {
        let in_scope = match self.ctx.allowed_units {
            None => true,
            Some(allowed) => p.org_unit_id.is_some_and(|u| allowed.contains(&u)),
        };
        in_scope && self.ctx.allowed_roles.contains(&p.role)
    }

    /// `Err(None)`: an unknown unit while no place to create it was chosen.
    fn check_org_unit(&mut self, cell: &str) -> Result<UnitRef, Option<RowProblem>> {
        let key = unit_key(cell);
        if key.is_empty() {
            return Err(Some(RowProblem::Missing));
        }
        let known = self
            .ctx
            .unit_codes
            .get(&cell.trim().to_lowercase())
            .or_else(|| self.ctx.org_units.get(&key));
        if let Some(&id) = known {
            return self.in_scope(Some(id)).map(|()| UnitRef::Existing(id));
        }
        if let Some(&i) = self.new_unit_keys.get(&key) {
            return Ok(UnitRef::New(i));
        }
        let Some(parent) = self.options.create_units_under else {
            if self.unknown_keys.insert(key) {
                self.unknown_units.push(collapse_whitespace(cell));
            }
            return Err(None);
        };
        // The longest known start of the path is the parent; the rest is created under it.
        let segments: Vec<String> = cell
            .split(['/', '>'])
            .map(collapse_whitespace)
            .filter(|s| !s.is_empty())
            .collect();
        if segments.iter().any(|s| s.chars().count() > MAX_NAME_CHARS) {
            return Err(Some(RowProblem::TooLong));
        }
        let prefix_key = |n: usize| unit_key(&segments[..n].join(" > "));
        let known_prefix = (1..segments.len())
            .rev()
            .find_map(|n| self.ctx.org_units.get(&prefix_key(n)).map(|&id| (n, id)));
        let (start, mut parent) = match (known_prefix, parent) {
            (Some((n, id)), _) => (n, Some(UnitRef::Existing(id))),
            (None, Parent::TopLevel) => (0, None),
            (None, Parent::Unit(id)) => (0, Some(UnitRef::Existing(id))),
        };
        let root = match parent {
            Some(UnitRef::Existing(id)) => Some(id),
            _ => None,
        };
        self.in_scope(root)?;
        for n in start + 1..=segments.len() {
            let key = prefix_key(n);
            let index = match self.new_unit_keys.get(&key) {
                Some(&i) => i,
                None => {
                    self.new_units.push(NewUnit {
                        name: segments[n - 1].clone(),
                        parent,
                        path: segments[..n].join(" / "),
                    });
                    self.new_unit_keys.insert(key, self.new_units.len() - 1);
                    self.new_units.len() - 1
                }
            };
            parent = Some(UnitRef::New(index));
        }
        // Also under the whole cell's key, so the same text in a later row finds it.
        let last = self.new_units.len() - 1;
        let index = *self.new_unit_keys.entry(unit_key(cell)).or_insert(last);
        Ok(UnitRef::New(index))
    }

    /// Whether the importer may put people into this existing unit (`None`: top level).
    fn in_scope(&self, unit: Option<i64>) -> Result<(), Option<RowProblem>> {
        match (self.ctx.allowed_units, unit) {
            (None, _) => Ok(()),
            (Some(allowed), Some(id)) if allowed.contains(&id) => Ok(()),
            _ => Err(Some(RowProblem::OutsideScope)),
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

    fn into_plan(self, rows: Vec<Matched>) -> Result<Plan, ImportError> {
        let people = self.ctx.people;
        let mut plan = Plan {
            new_units: self.new_units.clone(),
            ..Plan::default()
        };
        for m in rows {
            match m.person {
                None => plan.creates.push(m.row),
                Some(i) => {
                    let before = &people[i];
                    let after = ImportRow {
                        // The personnel number stays when the file has none.
                        personnel_no: m.row.personnel_no.or_else(|| before.personnel_no.clone()),
                        role: before.role,
                        ..m.row
                    };
                    let same = before.active
                        && before.name == after.name
                        && before.email == after.email
                        && before.personnel_no == after.personnel_no
                        && matches!(after.unit, UnitRef::Existing(id) if Some(id) == before.org_unit_id);
                    if same {
                        plan.unchanged += 1;
                    } else {
                        plan.updates.push(Update {
                            before: before.clone(),
                            after,
                        });
                    }
                }
            }
        }
        if let Some(scope) = &self.options.deactivate_missing_in {
            for (i, p) in people.iter().enumerate() {
                let in_sync_scope = match scope {
                    None => true,
                    Some(units) => p.org_unit_id.is_some_and(|u| units.contains(&u)),
                };
                if !p.active || !in_sync_scope || self.matched.contains(&i) {
                    continue;
                }
                if p.id == self.ctx.importer_id {
                    return Err(ImportError::File(FileProblem::DeactivatesImporter));
                }
                // People the importer may not change (another role) are left alone.
                if self.may_change(p) {
                    plan.deactivate.push(p.clone());
                }
            }
        }
        Ok(plan)
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
