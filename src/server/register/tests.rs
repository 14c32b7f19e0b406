use super::derive::{plan, Plan};
use super::*;
use crate::i18n::Locale;

fn t() -> &'static Texts {
    Locale::De.texts()
}

fn answers() -> Answers {
    Answers::default()
}

fn codes(v: &[&str]) -> std::collections::BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn nothing_special_is_minimal_risk_with_art_4() {
    let o = classify(&answers(), OrgRole::Deployer, t()).unwrap();
    assert_eq!(o.class, RiskClass::Minimal);
    assert_eq!(o.articles, vec!["Art. 4".to_string()]);
    let d = duties(&o, &answers(), OrgRole::Deployer);
    assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["kompetenz"]);
}

#[test]
fn a_prohibited_practice_stops_everything_else() {
    let a = Answers {
        art5: codes(&["f"]),
        annex3: Some("4".into()),
        art50: codes(&["dialog"]),
        ..answers()
    };
    let o = classify(&a, OrgRole::Deployer, t()).unwrap();
    assert_eq!(o.class, RiskClass::Prohibited);
    assert_eq!(o.articles, vec!["Art. 5 Abs. 1 Buchst. f".to_string()]);
    let d = duties(&o, &a, OrgRole::Deployer);
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["nicht-einsetzen"]
    );
}

#[test]
fn annex_iii_is_high_risk_with_deployer_duties_fria_and_registration() {
    let a = Answers {
        annex3: Some("5".into()),
        ..answers()
    };
    let o = classify(&a, OrgRole::Deployer, t()).unwrap();
    assert_eq!(o.class, RiskClass::High);
    for art in [
        "Art. 6 Abs. 2 i. V. m. Anhang III Nr. 5",
        "Art. 26",
        "Art. 27",
        "Art. 49 Abs. 3",
    ] {
        assert!(
            o.articles.iter().any(|a| a == art),
            "{art} missing: {:?}",
            o.articles
        );
    }
    let d: Vec<&str> = duties(&o, &a, OrgRole::Deployer)
        .iter()
        .map(|d| d.code)
        .collect();
    for code in [
        "kompetenz",
        "betriebsanleitung",
        "aufsicht",
        "protokolle",
        "beschaeftigte",
        "registrierung",
        "betroffene",
        "grundrechte",
    ] {
        assert!(d.contains(&code), "{code} missing: {d:?}");
    }
    assert!(!d.contains(&"anbieter"));
}

#[test]
fn annex_iii_point_2_has_no_fria_and_no_eu_registration() {
    let a = Answers {
        annex3: Some("2".into()),
        ..answers()
    };
    let o = classify(&a, OrgRole::Deployer, t()).unwrap();
    assert_eq!(o.class, RiskClass::High);
    assert!(o.articles.iter().any(|a| a == "Art. 49 Abs. 5"));
    assert!(!o
        .articles
        .iter()
        .any(|a| a == "Art. 27" || a == "Art. 49 Abs. 3"));
    let d: Vec<&str> = duties(&o, &a, OrgRole::Deployer)
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(!d.contains(&"grundrechte") && !d.contains(&"registrierung"));
    assert!(d.contains(&"aufsicht"));
}

#[test]
fn the_art_6_3_exception_needs_a_reason_and_never_covers_profiling() {
    let mut a = Answers {
        annex3: Some("5".into()),
        exceptions: codes(&["d"]),
        ..answers()
    };
    match classify(&a, OrgRole::Deployer, t()) {
        Err(AppError::Fields(f)) => assert_eq!(f[0].field, "ausnahme_begruendung"),
        other => panic!("expected a field error, got {other:?}"),
    }
    a.exception_reason = "Sortiert nur eingehende Anträge nach Eingangsdatum vor.".into();
    let o = classify(&a, OrgRole::Deployer, t()).unwrap();
    assert_eq!(o.class, RiskClass::Minimal);
    assert!(o.exception_used);
    assert!(o.articles.iter().any(|x| x == "Art. 6 Abs. 3"));
    assert!(o.reasons.iter().any(|r| r.contains("Eingangsdatum")));
    let d: Vec<&str> = duties(&o, &a, OrgRole::Deployer)
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(d, ["kompetenz", "ausnahme"]);
    a.profiling = true;
    let o = classify(&a, OrgRole::Deployer, t()).unwrap();
    assert_eq!(o.class, RiskClass::High);
    assert!(!o.exception_used);
}

#[test]
fn transparency_cases_give_art_50_duties_and_the_provider_its_own() {
    let a = Answers {
        art50: codes(&["dialog", "text"]),
        gpai: true,
        ..answers()
    };
    let o = classify(&a, OrgRole::Deployer, t()).unwrap();
    assert_eq!(o.class, RiskClass::Transparency);
    assert!(o.articles.iter().any(|x| x == "Art. 50 Abs. 1"));
    assert!(o.articles.iter().any(|x| x == "Art. 50 Abs. 4"));
    let d: Vec<&str> = duties(&o, &a, OrgRole::Deployer)
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(d, ["kompetenz", "hinweis-dialog", "offenlegung"]);
    // A high-risk system keeps its class with transparency duties on top; as provider the
    // organisation also carries the provider duties.
    let a = Answers {
        annex3: Some("5".into()),
        art50: codes(&["dialog"]),
        ..answers()
    };
    let o = classify(&a, OrgRole::Provider, t()).unwrap();
    assert_eq!(o.class, RiskClass::High);
    let d: Vec<&str> = duties(&o, &a, OrgRole::Provider)
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(d.contains(&"anbieter") && d.contains(&"hinweis-dialog"));
}

#[test]
fn forged_codes_are_dropped() {
    let a = Answers {
        art5: codes(&["z"]),
        annex3: Some("9".into()),
        art50: codes(&["<script>"]),
        ..answers()
    }
    .cleaned();
    assert_eq!(a, Answers::default());
}

fn input() -> Input {
    Input {
        name: "Textassistent".into(),
        provider: "Beispiel GmbH".into(),
        purpose: "Entwürfe für Schreiben".into(),
        status: "im-einsatz".into(),
        role: "betreiber".into(),
        responsible: "Hauptamt".into(),
        units: vec![2],
        course: "ki-seepferdchen".into(),
        ..Input::default()
    }
}

fn check(input: Input) -> Result<System, AppError> {
    let courses = vec!["ki-seepferdchen".to_string()];
    let units = vec![1, 2, 3];
    let may = |u: i64| u != 3;
    let known = |e: &str| e.ends_with("@musterstadt.example");
    let cx = Context {
        courses: &courses,
        units: &units,
        may_use_unit: &may,
        known_email: &known,
    };
    validate(input, &cx, t())
}

fn fields(r: Result<System, AppError>) -> Vec<String> {
    match r {
        Err(AppError::Fields(f)) => f.into_iter().map(|f| f.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn a_complete_system_is_accepted() {
    let s = check(input()).unwrap();
    assert_eq!(s.class, RiskClass::Minimal);
    assert_eq!(s.status, Status::Active);
    assert_eq!(s.course.as_deref(), Some("ki-seepferdchen"));
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    // High-risk without oversight persons.
    let mut i = input();
    i.answers.annex3 = Some("5".into());
    assert_eq!(fields(check(i)), ["aufsicht"]);
    // A unit outside the editor's scope, an unknown one, an unpublished course.
    let mut i = input();
    i.units = vec![3];
    assert_eq!(fields(check(i)), ["einheiten"]);
    let mut i = input();
    i.units = vec![99];
    assert_eq!(fields(check(i)), ["einheiten"]);
    let mut i = input();
    i.course = "entwurf".into();
    assert_eq!(fields(check(i)), ["kurs"]);
    // A planned system cannot be published; a prohibited one cannot be in use.
    let mut i = input();
    i.status = "geplant".into();
    i.published = true;
    i.public_oversight = "Die Sachbearbeitung prüft jedes Ergebnis.".into();
    assert_eq!(fields(check(i)), ["veroeffentlicht"]);
    // Published without saying how people keep it under control.
    let mut i = input();
    i.published = true;
    assert_eq!(fields(check(i)), ["aufsicht_oeffentlich"]);
    let mut i = input();
    i.answers.art5 = codes(&["c"]);
    assert_eq!(fields(check(i)), ["status"]);
    // Missing basics and a bad link all at once.
    let i = Input {
        manual_url: "javascript:alert(1)".into(),
        introduced: "31.02.2026".into(),
        ..Input::default()
    };
    let f = fields(check(i));
    for name in [
        "name",
        "anbieter",
        "zweck",
        "verantwortlich",
        "status",
        "rolle",
        "betriebsanleitung",
        "eingefuehrt",
    ] {
        assert!(f.contains(&name.to_string()), "{name} missing: {f:?}");
    }
}

#[test]
fn a_changed_purpose_asks_for_a_classification_review() {
    let old = check(input()).unwrap();
    let mut new = old.clone();
    new.purpose = "Bescheide vorbereiten".into();
    assert!(classification_review_needed(&old, &new));
    new.answers.annex3 = Some("5".into());
    assert!(!classification_review_needed(&old, &new));
    let mut rules = old.clone();
    rules.prohibited_uses = "Keine Gesundheitsdaten".into();
    assert!(!classification_review_needed(&old, &rules));
}

#[test]
fn only_model_class_rules_and_data_make_an_update_due() {
    let old = check(input()).unwrap();
    let names = |id: i64| format!("E{id}");
    let changes =
        |new: &System| update_changes(&diff(&snapshot(&old, &names), &snapshot(new, &names)));
    let mut rules = old.clone();
    rules.prohibited_uses = "Keine Gesundheitsdaten".into();
    rules.contact = "ki@example.org".into();
    assert_eq!(
        changes(&rules),
        vec![(
            "verboten".into(),
            String::new(),
            "Keine Gesundheitsdaten".into()
        )]
    );
    let mut model = old.clone();
    model.product = "Modell 2".into();
    model.data_classes = vec!["personenbezogen".into()];
    assert_eq!(changes(&model).len(), 2);
    let mut other = old.clone();
    other.contact = "ki@example.org".into();
    other.units = vec![1, 2];
    other.reviewed_day = Some(20_000);
    assert!(
        changes(&other).is_empty(),
        "contact, units, dates: no update"
    );
}

#[test]
fn a_repeated_course_needs_a_course_and_long_texts_are_refused() {
    let mut i = input();
    i.update_mode = "kurs".into();
    assert!(check(i.clone()).is_ok());
    i.course = String::new();
    assert_eq!(fields(check(i.clone())), vec!["aenderung".to_string()]);
    let mut i = input();
    i.update_mode = "sofort".into();
    i.prohibited_uses = "x".repeat(4001);
    i.eu_database_url = "javascript:alert(1)".into();
    let f = fields(check(i));
    for name in ["aenderung", "verboten", "eu_datenbank"] {
        assert!(f.contains(&name.to_string()), "{name} missing: {f:?}");
    }
}

#[test]
fn history_lists_only_changed_fields() {
    let old = check(input()).unwrap();
    let mut new = old.clone();
    new.status = Status::Retired;
    new.units = vec![1, 2];
    let names = |id: i64| format!("E{id}");
    let d = diff(&snapshot(&old, &names), &snapshot(&new, &names));
    assert_eq!(
        d,
        vec![
            (
                "status".into(),
                "im-einsatz".into(),
                "ausser-betrieb".into()
            ),
            ("einheiten".into(), "E2".into(), "E1, E2".into()),
        ]
    );
    assert!(diff(&snapshot(&old, &names), &snapshot(&old, &names)).is_empty());
}

fn need(
    system: i64,
    status: &str,
    course: Option<&str>,
    unit: Option<i64>,
) -> (i64, String, Option<String>, Option<i64>) {
    (system, status.into(), course.map(str::to_string), unit)
}

#[test]
fn assignments_follow_the_systems() {
    // Two systems need the same course in unit 5; one is planned, one has no course.
    let needs = vec![
        need(1, "im-einsatz", Some("k"), Some(5)),
        need(1, "im-einsatz", Some("k"), Some(6)),
        need(2, "erprobung", Some("k"), Some(5)),
        need(3, "geplant", Some("k"), Some(7)),
        need(4, "im-einsatz", None, Some(8)),
        need(5, "im-einsatz", Some("k"), None),
    ];
    let p = plan(&needs, &[]);
    assert_eq!(
        p,
        Plan {
            insert: vec![(5, "k".into(), 1), (6, "k".into(), 1)],
            ..Plan::default()
        }
    );
    // Later: system 1 leaves unit 5 and goes out of service in 6; system 2 still needs 5.
    let needs = vec![
        need(1, "ausser-betrieb", Some("k"), Some(6)),
        need(2, "erprobung", Some("k"), Some(5)),
    ];
    let derived = vec![(10, 5, "k".to_string(), 1), (11, 6, "k".to_string(), 1)];
    let p = plan(&needs, &derived);
    assert_eq!(
        p,
        Plan {
            insert: vec![],
            moves: vec![(10, 2)],
            delete: vec![11],
        }
    );
}

#[test]
fn template_gaps_are_found_but_links_callouts_and_escaped_brackets_are_not() {
    let body = "Ein [Link](https://x.de) und [Verweis][1].\n> [!MERKE]\n\
                Werkzeug: [Name des Werkzeugs]\n- [ ] offen\nPrompt an \\[Name\\] schreiben\n\
                ![Bild mit \\[Name\\]](a.svg)";
    assert_eq!(
        crate::server::content::placeholders(body, 10),
        vec![(12, "[Name des Werkzeugs]".to_string())]
    );
}

#[test]
fn the_live_register_shows_the_units_tools_escaped() {
    use crate::server::db::org_units::UnitRow;
    let unit = |id: i64, parent: Option<i64>| UnitRow {
        id,
        parent_id: parent,
        name: format!("u{id}"),
        code: None,
        member_count: 0,
    };
    let units = vec![unit(1, None), unit(2, Some(1)), unit(3, None)];
    let mut s = check(input()).unwrap();
    s.units = vec![1];
    s.name = "Chat <b>bot</b>".into();
    s.prohibited_uses = "- Keine Gesundheitsdaten\n\n* Keine Entscheidungen".into();
    s.data_classes = vec!["oeffentlich".into()];
    // A system of the parent unit applies to the sub-unit; not to another branch; a planned
    // one to nobody; everyone's when the person has no unit.
    assert!(learner::applies(&units, Some(2), &s));
    assert!(!learner::applies(&units, Some(3), &s));
    assert!(learner::applies(&units, None, &s));
    let mut planned = s.clone();
    planned.status = Status::Planned;
    assert!(!learner::applies(&units, Some(1), &planned));
    let html = learner::render(&[(s.clone(), 0)], true, Locale::De);
    assert!(html.contains("Chat &lt;b&gt;bot&lt;/b&gt;"), "{html}");
    assert!(html.contains("<li>Keine Gesundheitsdaten</li><li>Keine Entscheidungen</li>"));
    assert!(
        html.contains("personenbezogene Daten"),
        "the forbidden data classes are named"
    );
    assert!(
        html.contains("<dt>Status</dt><dd>im Einsatz</dd>"),
        "trial and use are told apart: {html}"
    );
    assert!(!html.contains("keine Organisationseinheit"));
    let mut trial = s;
    trial.status = Status::Trial;
    let html = learner::render(&[(trial, 0)], false, Locale::De);
    assert!(html.contains("<dd>in Erprobung</dd>"), "{html}");
    assert!(
        html.contains("Ihnen ist noch keine Organisationseinheit zugeordnet"),
        "{html}"
    );
    let none = learner::render(&[], true, Locale::De);
    assert!(none.contains("kein KI-Werkzeug freigegeben"));
}

#[test]
fn oversight_persons_are_named_with_or_without_an_address() {
    assert_eq!(
        oversight_emails("Ulrike Peters <Ulrike.Peters@musterstadt.example>\nGül Demir\n(g.demir@musterstadt.example)"),
        vec![
            "ulrike.peters@musterstadt.example".to_string(),
            "g.demir@musterstadt.example".to_string()
        ]
    );
    let mut i = input();
    i.oversight = "Frau Unbekannt <wer@anderswo.example>".into();
    assert_eq!(fields(check(i)), ["aufsicht"]);
    let mut i = input();
    i.oversight = "Ulrike Peters <ulrike.peters@musterstadt.example>".into();
    assert!(check(i).is_ok());
}

#[test]
fn the_certificate_names_the_register_it_taught() {
    use super::learner::stamp_of;
    assert_eq!(stamp_of(&[(3, 7), (5, 2)]), "KI-Register: 3v7, 5v2");
    assert_eq!(stamp_of(&[]), "KI-Register: –");
}

#[test]
fn register_questions_ask_about_the_learners_own_tools() {
    use rand::SeedableRng;
    let mut s = check(input()).unwrap();
    s.data_classes = vec!["oeffentlich".into(), "intern".into()];
    let mut none = s.clone();
    none.name = "Übersetzer".into();
    none.data_classes = Vec::new();
    let systems = vec![(3, s.clone()), (5, none), (9, s)];
    for seed in 0..40 {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let drawn = super::questions::make(&systems, t(), &mut rng);
        assert_eq!(drawn.len(), super::questions::MAX_QUESTIONS);
        for d in &drawn {
            let g = d.generated.as_ref().unwrap();
            let (id, class) = d
                .question
                .strip_prefix("register-")
                .and_then(|r| r.split_once('-'))
                .unwrap();
            let system = &systems.iter().find(|(i, _)| i.to_string() == id).unwrap().1;
            assert_eq!(g.answer, system.data_classes.iter().any(|c| c == class));
            assert!(g.text.contains(&system.name), "{}", g.text);
            assert!(g.explanation.contains("KI-Register"));
            assert_eq!(d.options, vec!["true".to_string(), "false".to_string()]);
        }
        assert_ne!(drawn[0].question, drawn[1].question);
    }
    assert!(super::questions::make(&[], t(), &mut rand::rng()).is_empty());
}

#[test]
fn a_changed_rule_list_reads_as_rules_added_and_dropped() {
    let (added, removed) = rule_changes(
        "Keine Rechtsberatung\n- Keine Auskünfte zu Anträgen",
        "Keine Auskünfte zu Anträgen\nKeine Rechtsberatung\n\nKeine Auskünfte zu Bußgeldern",
    );
    assert_eq!(added, vec!["Keine Auskünfte zu Bußgeldern".to_string()]);
    assert!(removed.is_empty());
    let (added, removed) = rule_changes("A\nB", "B");
    assert!(added.is_empty());
    assert_eq!(removed, vec!["A".to_string()]);
}
