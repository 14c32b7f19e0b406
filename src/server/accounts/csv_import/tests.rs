//! The import parser against files as German administrations produce them.
use super::*;

/// Test fixture owning everything an [`ImportContext`] borrows.
struct Fixture {
    org_units: HashMap<String, i64>,
    existing_emails: HashSet<String>,
    allowed_roles: Vec<ImportRole>,
    allowed_units: Option<HashSet<i64>>,
}

const BUERGERBUERO: i64 = 11;
const STANDESAMT: i64 = 12;
const PERSONAL: i64 = 21;
const IT: i64 = 22;

impl Fixture {
    /// An admin importer: every role and every unit allowed.
    fn admin() -> Fixture {
        let mut org_units = HashMap::new();
        for (path, leaf, id) in [
            ("Fachbereich 1 > Bürgerbüro", "Bürgerbüro", BUERGERBUERO),
            ("Fachbereich 1 > Standesamt", "Standesamt", STANDESAMT),
            ("Fachbereich 2 > Personal", "Personal", PERSONAL),
            ("Fachbereich 2 > IT", "IT", IT),
        ] {
            org_units.insert(unit_key(path), id);
            org_units.insert(unit_key(leaf), id);
        }
        Fixture {
            org_units,
            existing_emails: ["vorhanden@stadt-beispiel.de".to_owned()].into(),
            allowed_roles: vec![
                ImportRole::Employee,
                ImportRole::Coordinator,
                ImportRole::Admin,
            ],
            allowed_units: None,
        }
    }

    /// A coordinator of "Fachbereich 1": only employees, only its units.
    fn coordinator() -> Fixture {
        Fixture {
            allowed_roles: vec![ImportRole::Employee],
            allowed_units: Some([BUERGERBUERO, STANDESAMT].into()),
            ..Fixture::admin()
        }
    }

    fn ctx(&self) -> ImportContext<'_> {
        ImportContext {
            org_units: &self.org_units,
            existing_emails: &self.existing_emails,
            allowed_roles: &self.allowed_roles,
            allowed_units: self.allowed_units.as_ref(),
        }
    }

    fn import(&self, bytes: &[u8]) -> Result<Vec<ImportRow>, ImportError> {
        parse_and_validate(bytes, &self.ctx())
    }
}

fn row_errors(result: Result<Vec<ImportRow>, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rows(errors)) => errors,
        other => panic!("expected row errors, got {other:?}"),
    }
}

fn problems(errors: &[RowError]) -> Vec<(usize, Column, RowProblem)> {
    errors
        .iter()
        .map(|e| (e.row, e.column, e.problem.clone()))
        .collect()
}

/// Encodes text as Windows-1252 (panics on characters it cannot represent).
fn to_windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "character not in Windows-1252");
    bytes.into_owned()
}

const GERMAN_EXCEL: &str = "Name;E-Mail;Organisationseinheit;Rolle;Bemerkung\r\n\
    Jürgen Weiß;Juergen.Weiss@Stadt-Beispiel.de;Fachbereich 1 > Bürgerbüro;Mitarbeiter;\r\n\
    \"Müller; Dr. Änne\";aenne.mueller@stadt-beispiel.de;Standesamt;Koordinatorin;\"Spitzname \"\"Änni\"\"\"\r\n\
    Özlem Şahin;oezlem.sahin@stadt-beispiel.de;fachbereich 2/personal;Administratorin;\r\n\
    ;;;;\r\n";

fn assert_german_excel_rows(rows: &[ImportRow]) {
    let expected = vec![
        ImportRow {
            row: 2,
            name: "Jürgen Weiß".into(),
            email: "juergen.weiss@stadt-beispiel.de".into(),
            org_unit_id: BUERGERBUERO,
            role: ImportRole::Employee,
        },
        ImportRow {
            row: 3,
            name: "Müller; Dr. Änne".into(),
            email: "aenne.mueller@stadt-beispiel.de".into(),
            org_unit_id: STANDESAMT,
            role: ImportRole::Coordinator,
        },
        ImportRow {
            row: 4,
            name: "Özlem Şahin".into(),
            email: "oezlem.sahin@stadt-beispiel.de".into(),
            org_unit_id: PERSONAL,
            role: ImportRole::Admin,
        },
    ];
    assert_eq!(rows, expected.as_slice());
}

#[test]
fn valid_comma_file() {
    let csv = "name,email,org unit,role\n\
               Anna Schmidt,anna.schmidt@example.org,IT,employee\n\
               Ben Meyer, BEN.MEYER@Example.org ,Personal,coordinator\n\
               Carla Vogel,carla@example.org,Bürgerbüro,\n";
    let rows = Fixture::admin().import(csv.as_bytes()).unwrap();
    assert_eq!(
        rows,
        vec![
            ImportRow {
                row: 2,
                name: "Anna Schmidt".into(),
                email: "anna.schmidt@example.org".into(),
                org_unit_id: IT,
                role: ImportRole::Employee,
            },
            ImportRow {
                row: 3,
                name: "Ben Meyer".into(),
                email: "ben.meyer@example.org".into(),
                org_unit_id: PERSONAL,
                role: ImportRole::Coordinator,
            },
            ImportRow {
                row: 4,
                name: "Carla Vogel".into(),
                email: "carla@example.org".into(),
                org_unit_id: BUERGERBUERO,
                role: ImportRole::Employee,
            },
        ]
    );
}

#[test]
fn german_excel_utf8_with_bom() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(GERMAN_EXCEL.as_bytes());
    let records = parse_records(&decode_text(&bytes));
    assert_eq!(records[0][0], "Name", "BOM must be stripped");
    assert_eq!(records[2][0], "Müller; Dr. Änne");
    assert_eq!(records[2][4], "Spitzname \"Änni\"");
    assert_eq!(records.len(), 4, "the ';;;;' line is skipped");
    let rows = Fixture::admin().import(&bytes).unwrap();
    assert_german_excel_rows(&rows);
}

#[test]
fn german_excel_windows_1252() {
    // Şahin is not representable in Windows-1252, like in a real "CSV" save from Excel.
    let text = GERMAN_EXCEL.replace("Özlem Şahin", "Özlem Sahin");
    let bytes = to_windows_1252(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    assert!(bytes.contains(&0xFC) && bytes.contains(&0xDF) && bytes.contains(&0xC4));
    let rows = Fixture::admin().import(&bytes).unwrap();
    assert_eq!(rows[0].name, "Jürgen Weiß");
    assert_eq!(rows[1].name, "Müller; Dr. Änne");
    assert_eq!(rows[1].org_unit_id, STANDESAMT);
    assert_eq!(rows[2].name, "Özlem Sahin");
    assert_eq!(rows[2].org_unit_id, PERSONAL);
}

#[test]
fn windows_1252_special_range() {
    let bytes = b"\x80 \x84Gr\xFC\xDFe\x93 \x96 \x9A\x9F \x81 Stra\xDFe";
    assert_eq!(decode_text(bytes), "€ „Grüße\u{201C} – šŸ \u{0081} Straße");
}

#[test]
fn three_bad_rows_among_good_ones() {
    let csv = "Name;E-Mail;OE;Rolle\n\
               Anna Schmidt;anna@stadt.de;IT;Mitarbeitende\n\
               Bernd Bauer;bernd(at)stadt.de;IT;Mitarbeitende\n\
               Clara Claus;clara@stadt.de;Fachbereich 9 > Gibtsnicht;Mitarbeitende\n\
               Dora Dorn;dora@stadt.de;Personal;Mitarbeitende\n\
               Anna Schmitt;ANNA@stadt.de;Personal;Mitarbeitende\n\
               Emil Ehrlich;emil@stadt.de;Standesamt;\n";
    let errors = row_errors(Fixture::admin().import(csv.as_bytes()));
    assert_eq!(
        problems(&errors),
        vec![
            (3, Column::Email, RowProblem::InvalidEmail),
            (4, Column::OrgUnit, RowProblem::UnknownOrgUnit),
            (
                6,
                Column::Email,
                RowProblem::DuplicateInFile { first_row: 2 }
            ),
        ]
    );
    assert_eq!(errors[0].value, "bernd(at)stadt.de");
    assert_eq!(errors[1].value, "Fachbereich 9 > Gibtsnicht");
    assert_eq!(errors[2].value, "ANNA@stadt.de");
}

#[test]
fn several_errors_in_one_row_in_column_order() {
    let csv = "Name;E-Mail;OE;Rolle\n\
               ;kein-at-zeichen;Nirgendwo;Chef\n\
               Vera Vorhanden;Vorhanden@Stadt-Beispiel.de;IT;admin\n";
    let errors = row_errors(Fixture::admin().import(csv.as_bytes()));
    assert_eq!(
        problems(&errors),
        vec![
            (2, Column::Name, RowProblem::Missing),
            (2, Column::Email, RowProblem::InvalidEmail),
            (2, Column::OrgUnit, RowProblem::UnknownOrgUnit),
            (2, Column::Role, RowProblem::UnknownRole),
            (3, Column::Email, RowProblem::AlreadyExists),
        ]
    );
}

#[test]
fn role_not_allowed_for_coordinator() {
    let csv = "Name;E-Mail;OE;Rolle\n\
               Anna Schmidt;anna@stadt.de;Bürgerbüro;Mitarbeiterin\n\
               Bernd Bauer;bernd@stadt.de;Bürgerbüro;Koordination\n\
               Clara Claus;clara@stadt.de;Standesamt;Administrator\n";
    let errors = row_errors(Fixture::coordinator().import(csv.as_bytes()));
    assert_eq!(
        problems(&errors),
        vec![
            (3, Column::Role, RowProblem::RoleNotAllowed),
            (4, Column::Role, RowProblem::RoleNotAllowed),
        ]
    );
    assert_eq!(errors[0].value, "Koordination");
}

#[test]
fn unit_outside_scope() {
    let csv = "Name;E-Mail;OE;Rolle\n\
               Anna Schmidt;anna@stadt.de;Fachbereich 1 / Standesamt;\n\
               Bernd Bauer;bernd@stadt.de;Fachbereich 2 > IT;\n";
    let fixture = Fixture::coordinator();
    let errors = row_errors(fixture.import(csv.as_bytes()));
    assert_eq!(
        problems(&errors),
        vec![(3, Column::OrgUnit, RowProblem::OutsideScope)]
    );
    // The same file is fine for an admin.
    assert_eq!(Fixture::admin().import(csv.as_bytes()).unwrap().len(), 2);
}

#[test]
fn missing_column() {
    let csv = "Name;E-Mail;Rolle\nAnna;anna@stadt.de;\n";
    assert_eq!(
        Fixture::admin().import(csv.as_bytes()),
        Err(ImportError::File(FileProblem::MissingColumn(
            Column::OrgUnit
        )))
    );
    let csv = "Anzeigename,Abteilung,Rolle\nAnna,IT,\n";
    assert_eq!(
        Fixture::admin().import(csv.as_bytes()),
        Err(ImportError::File(FileProblem::MissingColumn(Column::Email)))
    );
}

#[test]
fn german_and_english_headers() {
    let headers = [
        "Name;E-Mail;Organisationseinheit;Rolle",
        "ANZEIGENAME;e-mail-adresse;Einheit;ROLLE",
        "Vor- und Nachname;Mail;Abteilung;Rolle",
        "Rolle;OE;Email;Name;Telefon",
        "name\temail\torg_unit\trole",
        "Name,E-Mail,Org  Unit,Role",
    ];
    for header in headers {
        let delimiter = char::from(detect_delimiter(header));
        let mut cells: Vec<&str> = Vec::new();
        for column in header.split(delimiter) {
            cells.push(match normalize_header(column).as_str() {
                h if header_aliases(Column::Name).contains(&h) => "Anna Schmidt",
                h if header_aliases(Column::Email).contains(&h) => "anna@stadt.de",
                h if header_aliases(Column::OrgUnit).contains(&h) => "IT",
                h if header_aliases(Column::Role).contains(&h) => "Koordinator",
                _ => "0221 123",
            });
        }
        let csv = format!("{header}\n{}\n", cells.join(&delimiter.to_string()));
        let rows = Fixture::admin()
            .import(csv.as_bytes())
            .unwrap_or_else(|e| panic!("header {header:?}: {e:?}"));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "Anna Schmidt", "header {header:?}");
        assert_eq!(rows[0].email, "anna@stadt.de");
        assert_eq!(rows[0].org_unit_id, IT);
        assert_eq!(rows[0].role, ImportRole::Coordinator);
    }
}

#[test]
fn embedded_newline_counts_as_one_row() {
    let csv = "Name;E-Mail;OE;Rolle\r\n\
               \"Anna\r\nSchmidt\";anna@stadt.de;IT;\r\n\
               \r\n\
               Bernd Bauer;bernd@stadt;IT;\r\n";
    let records = parse_records(csv);
    assert_eq!(records.len(), 3);
    assert_eq!(records[1][0], "Anna\nSchmidt");
    let errors = row_errors(Fixture::admin().import(csv.as_bytes()));
    // Header = 1, Anna = 2 (one row despite the line break), blank line = 3, Bernd = 4.
    assert_eq!(
        problems(&errors),
        vec![(4, Column::Email, RowProblem::InvalidEmail)]
    );
}

#[test]
fn quoting_and_delimiter_detection() {
    assert_eq!(
        parse_records("a,\"b;c\"\n1,\"x,\"\"y\"\"\""),
        vec![vec!["a", "b;c"], vec!["1", "x,\"y\""]]
    );
    assert_eq!(
        parse_records("\"a;b\"\tc\n1\t2\n"),
        vec![vec!["a;b", "c"], vec!["1", "2"]]
    );
    assert_eq!(
        parse_records("\n\n a ; b \n\"\";\n  \"q\" ;x\n"),
        // As in RFC 4180, a quote after blanks does not open a quoted field.
        vec![vec!["a", "b"], vec!["\"q\"", "x"]]
    );
}

#[test]
fn unit_keys_are_normalised() {
    assert_eq!(
        unit_key("  Fachbereich 1 >  Bürgerbüro "),
        "fachbereich 1 > bürgerbüro"
    );
    assert_eq!(
        unit_key("FACHBEREICH\u{A0}1/Bürgerbüro"),
        "fachbereich 1 > bürgerbüro"
    );
    assert_eq!(unit_key("a // b >> c"), "a > b > c");
    assert_eq!(unit_key("   "), "");
}

#[test]
fn email_plausibility() {
    for ok in [
        "a@b.de",
        "vorname.nachname+tag@amt.stadt.de",
        "x_y@sub-domain.example",
    ] {
        assert!(is_plausible_email(ok), "{ok}");
    }
    for bad in [
        "a@b", "@b.de", "a@@b.de", "a@b@c.de", "a@.de", "a@b..de", "a@b.de.", "a b@c.de", "a@b,de",
        "<a@b.de>",
    ] {
        assert!(!is_plausible_email(bad), "{bad}");
    }
    let long = format!("{}@example.org", "a".repeat(250));
    let csv = format!("Name,E-Mail,OE,Rolle\nA,{long},IT,\nB,,IT,\n");
    assert_eq!(
        problems(&row_errors(Fixture::admin().import(csv.as_bytes()))),
        vec![
            (2, Column::Email, RowProblem::TooLong),
            (3, Column::Email, RowProblem::Missing),
        ]
    );
}

#[test]
fn name_too_long() {
    let name = "ä".repeat(MAX_NAME_CHARS + 1);
    let ok_name = "ä".repeat(MAX_NAME_CHARS);
    let csv = format!("Name,E-Mail,OE,Rolle\n{name},a@b.de,IT,\n{ok_name},c@d.de,IT,\n");
    assert_eq!(
        problems(&row_errors(Fixture::admin().import(csv.as_bytes()))),
        vec![(2, Column::Name, RowProblem::TooLong)]
    );
}

#[test]
fn empty_files() {
    let fixture = Fixture::admin();
    for input in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\r\n", b";;;\n"] {
        assert_eq!(
            fixture.import(input),
            Err(ImportError::File(FileProblem::Empty)),
            "{input:?}"
        );
    }
    // A header without data rows is empty, too.
    assert_eq!(
        fixture.import(b"Name;E-Mail;OE;Rolle\r\n"),
        Err(ImportError::File(FileProblem::Empty))
    );
}

fn generated_file(rows: usize) -> String {
    let mut csv = String::from("Name;E-Mail;Organisationseinheit;Rolle\r\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "Person Nr. {i};person{i}@stadt-beispiel.de;Fachbereich 2 > IT;Mitarbeitende\r\n"
        ));
    }
    csv
}

#[test]
fn too_many_rows() {
    let csv = generated_file(MAX_DATA_ROWS + 1);
    assert_eq!(
        Fixture::admin().import(csv.as_bytes()),
        Err(ImportError::File(FileProblem::TooManyRows {
            max: MAX_DATA_ROWS
        }))
    );
    let csv = generated_file(MAX_DATA_ROWS);
    assert_eq!(
        Fixture::admin().import(csv.as_bytes()).unwrap().len(),
        MAX_DATA_ROWS
    );
}

#[test]
fn five_thousand_rows_parse() {
    let csv = generated_file(5_000);
    let rows = Fixture::admin().import(csv.as_bytes()).unwrap();
    assert_eq!(rows.len(), 5_000);
    assert_eq!(rows[4_999].row, 5_001);
    assert_eq!(rows[4_999].email, "person4999@stadt-beispiel.de");
}
