//! The import parser against files as German administrations produce them.
use super::*;

/// Test fixture owning everything an [`ImportContext`] borrows.
struct Fixture {
    org_units: HashMap<String, i64>,
    unit_codes: HashMap<String, i64>,
    people: Vec<Existing>,
    allowed_roles: Vec<ImportRole>,
    allowed_units: Option<HashSet<i64>>,
    importer_id: i64,
    options: Options,
}

const BUERGERBUERO: i64 = 11;
const STANDESAMT: i64 = 12;
const PERSONAL: i64 = 21;
const IT: i64 = 22;
const FACHBEREICH_1: i64 = 1;

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
        org_units.insert(unit_key("Fachbereich 1"), FACHBEREICH_1);
        Fixture {
            org_units,
            unit_codes: [("36".to_owned(), IT)].into(),
            people: vec![Existing {
                id: VORHANDEN,
                email: "vorhanden@stadt-beispiel.de".into(),
                name: "Vera Vorhanden".into(),
                personnel_no: Some("0815".into()),
                org_unit_id: Some(IT),
                role: ImportRole::Employee,
                active: true,
            }],
            importer_id: 1,
            options: Options::default(),
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
            unit_codes: &self.unit_codes,
            people: &self.people,
            allowed_roles: &self.allowed_roles,
            allowed_units: self.allowed_units.as_ref(),
            importer_id: self.importer_id,
        }
    }

    /// The whole plan, read with the proposed mapping.
    fn plan(&self, bytes: &[u8]) -> Result<Plan, ImportError> {
        let text = decode_text(bytes);
        let (header, _) = header_and_sample(&text);
        let mapping = Mapping::propose(&header, &HashMap::new());
        plan(&text, &mapping, &self.options, &self.ctx())
    }

    /// The people the file creates.
    fn import(&self, bytes: &[u8]) -> Result<Vec<ImportRow>, ImportError> {
        self.plan(bytes).map(|p| p.creates)
    }
}

const VORHANDEN: i64 = 501;

fn row_errors<T: std::fmt::Debug>(result: Result<T, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rows { errors, .. }) => errors,
        other => panic!("expected row errors, got {other:?}"),
    }
}

fn problems(errors: &[RowError]) -> Vec<(usize, Field, RowProblem)> {
    errors
        .iter()
        .map(|e| (e.row, e.field, e.problem.clone()))
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
            personnel_no: None,
            unit: UnitRef::Existing(BUERGERBUERO),
            role: ImportRole::Employee,
        },
        ImportRow {
            row: 3,
            name: "Müller; Dr. Änne".into(),
            email: "aenne.mueller@stadt-beispiel.de".into(),
            personnel_no: None,
            unit: UnitRef::Existing(STANDESAMT),
            role: ImportRole::Coordinator,
        },
        ImportRow {
            row: 4,
            name: "Özlem Şahin".into(),
            email: "oezlem.sahin@stadt-beispiel.de".into(),
            personnel_no: None,
            unit: UnitRef::Existing(PERSONAL),
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
                personnel_no: None,
                unit: UnitRef::Existing(IT),
                role: ImportRole::Employee,
            },
            ImportRow {
                row: 3,
                name: "Ben Meyer".into(),
                email: "ben.meyer@example.org".into(),
                personnel_no: None,
                unit: UnitRef::Existing(PERSONAL),
                role: ImportRole::Coordinator,
            },
            ImportRow {
                row: 4,
                name: "Carla Vogel".into(),
                email: "carla@example.org".into(),
                personnel_no: None,
                unit: UnitRef::Existing(BUERGERBUERO),
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
    assert_eq!(rows[1].unit, UnitRef::Existing(STANDESAMT));
    assert_eq!(rows[2].name, "Özlem Sahin");
    assert_eq!(rows[2].unit, UnitRef::Existing(PERSONAL));
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
    let Err(ImportError::Rows {
        errors,
        unknown_units,
    }) = Fixture::admin().plan(csv.as_bytes())
    else {
        panic!("expected row errors");
    };
    assert_eq!(
        problems(&errors),
        vec![
            (3, Field::Email, RowProblem::InvalidEmail),
            (
                6,
                Field::Email,
                RowProblem::DuplicateInFile { first_row: 2 }
            ),
        ]
    );
    assert_eq!(errors[0].value, "bernd(at)stadt.de");
    assert_eq!(errors[0].header, "E-Mail");
    assert_eq!(errors[1].value, "ANNA@stadt.de");
    // An unknown unit is listed once, not as a row error.
    assert_eq!(unknown_units, vec!["Fachbereich 9 > Gibtsnicht"]);
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
            (2, Field::FullName, RowProblem::Missing),
            (2, Field::Email, RowProblem::InvalidEmail),
            (2, Field::Role, RowProblem::UnknownRole),
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
            (3, Field::Role, RowProblem::RoleNotAllowed),
            (4, Field::Role, RowProblem::RoleNotAllowed),
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
        vec![(3, Field::OrgUnit, RowProblem::OutsideScope)]
    );
    // The same file is fine for an admin.
    assert_eq!(Fixture::admin().import(csv.as_bytes()).unwrap().len(), 2);
}

#[test]
fn missing_column() {
    let csv = "Name;E-Mail;Rolle\nAnna;anna@stadt.de;\n";
    assert_eq!(
        Fixture::admin().import(csv.as_bytes()),
        Err(ImportError::File(FileProblem::Mapping(
            MappingProblem::Missing(Field::OrgUnit)
        )))
    );
    let csv = "Anzeigename,Abteilung,Rolle\nAnna,IT,\n";
    assert_eq!(
        Fixture::admin().import(csv.as_bytes()),
        Err(ImportError::File(FileProblem::Mapping(
            MappingProblem::Missing(Field::Email)
        )))
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
                h if header_aliases(Field::FullName).contains(&h) => "Anna Schmidt",
                h if header_aliases(Field::Email).contains(&h) => "anna@stadt.de",
                h if header_aliases(Field::OrgUnit).contains(&h) => "IT",
                h if header_aliases(Field::Role).contains(&h) => "Koordinator",
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
        assert_eq!(rows[0].unit, UnitRef::Existing(IT));
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
        vec![(4, Field::Email, RowProblem::InvalidEmail)]
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
            (2, Field::Email, RowProblem::TooLong),
            (3, Field::Email, RowProblem::Missing),
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
        vec![(2, Field::FullName, RowProblem::TooLong)]
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

/// The export of an HR system as the Kreis has it: no "Name" column, its own unit names.
const HR_EXPORT: &str = "Personalnr.;Nachname;Vorname;Amt;E-Mail-Adresse\r\n\
    1001;Becker;Anna;Bürgerbüro;anna.becker@kreis.de\r\n\
    1002;Koch;Karl;36;karl.koch@kreis.de\r\n\
    0815;Vorhanden;Vera;Personal;vera.neu@kreis.de\r\n";

#[test]
fn hr_export_is_read_by_the_proposed_mapping() {
    let text = decode_text(HR_EXPORT.as_bytes());
    let (header, sample) = header_and_sample(&text);
    assert_eq!(sample[1], "Becker");
    let mapping = Mapping::propose(&header, &HashMap::new());
    assert_eq!(
        mapping.0,
        vec![
            Some(Field::PersonnelNo),
            Some(Field::LastName),
            Some(Field::FirstName),
            Some(Field::OrgUnit),
            Some(Field::Email),
        ]
    );
    let plan = Fixture::admin().plan(HR_EXPORT.as_bytes()).unwrap();
    // First and last name joined; "36" is the code of IT.
    assert_eq!(plan.creates.len(), 2);
    assert_eq!(plan.creates[0].name, "Anna Becker");
    assert_eq!(plan.creates[0].personnel_no.as_deref(), Some("1001"));
    assert_eq!(plan.creates[1].unit, UnitRef::Existing(IT));
    // 0815 is Vera: matched by personnel number, her e-mail, name and unit change.
    assert_eq!(plan.updates.len(), 1);
    let update = &plan.updates[0];
    assert_eq!(update.before.id, VORHANDEN);
    assert_eq!(update.after.email, "vera.neu@kreis.de");
    assert_eq!(update.after.name, "Vera Vorhanden");
    assert_eq!(update.after.unit, UnitRef::Existing(PERSONAL));
    assert_eq!(plan.unchanged, 0);
}

#[test]
fn units_by_code() {
    let csv = "E-Mail;Name;OE\nanna@kreis.de;Anna;36\n";
    let rows = Fixture::admin().import(csv.as_bytes()).unwrap();
    assert_eq!(rows[0].unit, UnitRef::Existing(IT));
}

#[test]
fn remembered_mapping_wins_over_the_usual_names() {
    let header: Vec<String> = ["Kennung", "Mail", "Bereich", "Name"]
        .map(String::from)
        .to_vec();
    let remembered: HashMap<String, Option<Field>> = [
        ("kennung".to_owned(), Some(Field::PersonnelNo)),
        ("bereich".to_owned(), Some(Field::OrgUnit)),
        ("mail".to_owned(), None),
    ]
    .into();
    let mapping = Mapping::propose(&header, &remembered);
    assert_eq!(
        mapping.0,
        vec![
            Some(Field::PersonnelNo),
            None,
            Some(Field::OrgUnit),
            Some(Field::FullName)
        ]
    );
    let again = mapping.by_header(&header);
    assert_eq!(again.get("mail"), Some(&None));
    assert_eq!(again.get("kennung"), Some(&Some(Field::PersonnelNo)));
}

#[test]
fn bad_mappings() {
    let text = "Personalnr.;Nachname;Vorname;Amt;E-Mail-Adresse\n1;B;A;IT;a@b.de\n";
    let fixture = Fixture::admin();
    let try_mapping = |fields: Vec<Option<Field>>| {
        plan(text, &Mapping(fields), &Options::default(), &fixture.ctx())
    };
    use Field::*;
    assert_eq!(
        try_mapping(vec![
            None,
            Some(LastName),
            Some(FirstName),
            Some(OrgUnit),
            None
        ]),
        Err(ImportError::File(FileProblem::Mapping(
            MappingProblem::Missing(Email)
        )))
    );
    assert_eq!(
        try_mapping(vec![
            None,
            None,
            Some(FirstName),
            Some(OrgUnit),
            Some(Email)
        ]),
        Err(ImportError::File(FileProblem::Mapping(
            MappingProblem::Missing(FullName)
        )))
    );
    assert_eq!(
        try_mapping(vec![
            Some(Email),
            Some(LastName),
            None,
            Some(OrgUnit),
            Some(Email)
        ]),
        Err(ImportError::File(FileProblem::Mapping(
            MappingProblem::Twice(Email, "Personalnr.".into(), "E-Mail-Adresse".into())
        )))
    );
    assert_eq!(
        try_mapping(vec![
            Some(FullName),
            Some(LastName),
            None,
            Some(OrgUnit),
            Some(Email)
        ]),
        Err(ImportError::File(FileProblem::Mapping(
            MappingProblem::Twice(FullName, "Personalnr.".into(), "Nachname".into())
        )))
    );
}

#[test]
fn personnel_number_twice_in_the_file() {
    let csv = "Personalnr.;Name;E-Mail;OE\n7;Anna;anna@kreis.de;IT\n7;Bernd;bernd@kreis.de;IT\n";
    assert_eq!(
        problems(&row_errors(Fixture::admin().plan(csv.as_bytes()))),
        vec![(
            3,
            Field::PersonnelNo,
            RowProblem::DuplicateInFile { first_row: 2 }
        )]
    );
}

#[test]
fn an_email_of_another_person_is_refused() {
    // Personnel number 4711 is new, the address belongs to Vera (0815).
    let csv = "Personalnr.;Name;E-Mail;OE\n4711;Vera V.;vorhanden@stadt-beispiel.de;IT\n";
    assert_eq!(
        problems(&row_errors(Fixture::admin().plan(csv.as_bytes()))),
        vec![(2, Field::Email, RowProblem::AlreadyExists)]
    );
    // Without a number she is matched by her address and stays unchanged.
    let csv = "Name;E-Mail;OE\nVera Vorhanden;vorhanden@stadt-beispiel.de;IT\n";
    let plan = Fixture::admin().plan(csv.as_bytes()).unwrap();
    assert_eq!((plan.unchanged, plan.updates.len()), (1, 0));
}

#[test]
fn unknown_units_are_created_under_the_chosen_parent() {
    let csv = "Name;E-Mail;OE\n\
               Anna;anna@kreis.de;Dezernat II / Amt 36\n\
               Bernd;bernd@kreis.de;dezernat ii/amt 36\n\
               Clara;clara@kreis.de;Dezernat II / Amt 40\n\
               Dora;dora@kreis.de;Fachbereich 1 / Kasse\n\
               Emil;emil@kreis.de;IT\n";
    let mut fixture = Fixture::admin();
    fixture.options.create_units_under = Some(Parent::Unit(PERSONAL));
    let plan = fixture.plan(csv.as_bytes()).unwrap();
    let units: Vec<(&str, Option<UnitRef>)> = plan
        .new_units
        .iter()
        .map(|u| (u.name.as_str(), u.parent))
        .collect();
    assert_eq!(
        units,
        vec![
            ("Dezernat II", Some(UnitRef::Existing(PERSONAL))),
            ("Amt 36", Some(UnitRef::New(0))),
            ("Amt 40", Some(UnitRef::New(0))),
            // "Fachbereich 1" exists: only the missing level is created, under it.
            ("Kasse", Some(UnitRef::Existing(FACHBEREICH_1))),
        ]
    );
    let rows = plan.creates;
    assert_eq!(rows[0].unit, UnitRef::New(1));
    assert_eq!(
        rows[1].unit,
        UnitRef::New(1),
        "the same unit, written differently"
    );
    assert_eq!(rows[2].unit, UnitRef::New(2));
    assert_eq!(rows[3].unit, UnitRef::New(3));
    assert_eq!(rows[4].unit, UnitRef::Existing(IT));
}

#[test]
fn a_coordinator_creates_units_only_in_scope() {
    let csv = "Name;E-Mail;OE\nAnna;anna@kreis.de;Neu\n";
    let mut fixture = Fixture::coordinator();
    fixture.options.create_units_under = Some(Parent::TopLevel);
    assert_eq!(
        problems(&row_errors(fixture.plan(csv.as_bytes()))),
        vec![(2, Field::OrgUnit, RowProblem::OutsideScope)]
    );
    fixture.options.create_units_under = Some(Parent::Unit(BUERGERBUERO));
    let plan = fixture.plan(csv.as_bytes()).unwrap();
    assert_eq!(
        plan.new_units[0].parent,
        Some(UnitRef::Existing(BUERGERBUERO))
    );
}

fn person(id: i64, email: &str, unit: i64, role: ImportRole) -> Existing {
    Existing {
        id,
        email: email.into(),
        name: format!("Person {id}"),
        personnel_no: None,
        org_unit_id: Some(unit),
        role,
        active: true,
    }
}

#[test]
fn sync_deactivates_the_missing_people_of_the_scope() {
    let mut fixture = Fixture::admin();
    fixture.people.extend([
        person(601, "bleibt@kreis.de", BUERGERBUERO, ImportRole::Employee),
        person(602, "geht@kreis.de", BUERGERBUERO, ImportRole::Employee),
        person(603, "anderswo@kreis.de", PERSONAL, ImportRole::Employee),
        Existing {
            active: false,
            ..person(604, "schon-weg@kreis.de", STANDESAMT, ImportRole::Employee)
        },
    ]);
    fixture.options.deactivate_missing_in = Some(Some([BUERGERBUERO, STANDESAMT].into()));
    let csv = "Name;E-Mail;OE\nPerson 601;bleibt@kreis.de;Bürgerbüro\n\
               Person 604;schon-weg@kreis.de;Standesamt\n";
    let plan = fixture.plan(csv.as_bytes()).unwrap();
    let gone: Vec<i64> = plan.deactivate.iter().map(|p| p.id).collect();
    assert_eq!(gone, vec![602], "603 is outside the chosen scope");
    assert_eq!(plan.unchanged, 1);
    // 604 comes back.
    assert_eq!(plan.updates.len(), 1);
    assert!(!plan.updates[0].before.active);
    // Without the option nobody is deactivated.
    fixture.options.deactivate_missing_in = None;
    assert!(fixture.plan(csv.as_bytes()).unwrap().deactivate.is_empty());
}

#[test]
fn sync_never_deactivates_the_importer() {
    let mut fixture = Fixture::coordinator();
    fixture.people.push(person(
        1,
        "ich@kreis.de",
        BUERGERBUERO,
        ImportRole::Coordinator,
    ));
    fixture.importer_id = 1;
    fixture.options.deactivate_missing_in = Some(Some([BUERGERBUERO].into()));
    let csv = "Name;E-Mail;OE\nAnna;anna@kreis.de;Bürgerbüro\n";
    assert_eq!(
        fixture.plan(csv.as_bytes()),
        Err(ImportError::File(FileProblem::DeactivatesImporter))
    );
}

#[test]
fn a_coordinator_cannot_change_people_outside_scope() {
    // Vera works in IT, outside the coordinator's Fachbereich 1.
    let csv = "Name;E-Mail;OE\nVera V.;vorhanden@stadt-beispiel.de;Bürgerbüro\n";
    assert_eq!(
        problems(&row_errors(Fixture::coordinator().plan(csv.as_bytes()))),
        vec![(2, Field::Email, RowProblem::PersonNotAllowed)]
    );
    // Nor deactivate an admin in their scope.
    let mut fixture = Fixture::coordinator();
    fixture.people.push(person(
        700,
        "chefin@kreis.de",
        BUERGERBUERO,
        ImportRole::Admin,
    ));
    fixture.options.deactivate_missing_in = Some(Some([BUERGERBUERO].into()));
    let csv = "Name;E-Mail;OE\nAnna;anna@kreis.de;Bürgerbüro\n";
    assert!(fixture.plan(csv.as_bytes()).unwrap().deactivate.is_empty());
}
