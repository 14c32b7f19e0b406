//! The content checker: the shipped courses pass; each kind of broken content fails with the
//! right file and line.
use std::path::Path;

use seepferdchen::model::Level;
use seepferdchen::server::content::measure::measure;
use seepferdchen::server::content::{self, ContentError};
use seepferdchen::server::quiz::service::{certified, modules_done};

const COURSE: &str = r#"title = "Testkurs"
subtitle = "Für Tests"
level = "bronze"
audience = "Alle"
objectives = ["Sie können testen."]
estimated_minutes = 10
validity_months = 12
version = "1.0"
stand = "2026-11-26"
published = true

[final_test]
pass_mark_percent = 80
question_count = 2

[[modules]]
id = "a"
file = "modules/01-a.md"
check = "checks/01-a.toml"

[[modules]]
id = "b"
file = "modules/02-b.md"
check = "checks/02-b.toml"
"#;

const MODULE_A: &str = "+++\ntitle = \"Modul A\"\nminutes = 5\nobjectives = [\"Sie können A.\"]\n+++\n\n## Abschnitt\n\nText mit Bild:\n\n![Ein Diagramm](images/ok.svg)\n";
const MODULE_B: &str = "+++\ntitle = \"Modul B\"\nminutes = 5\nobjectives = [\"Sie können B.\"]\n+++\n\n## B\n\n{{> hinweis}}\n";

fn single(id: &str, module: &str, correct: &[bool]) -> String {
    let mut s = format!(
        "[[questions]]\nid = \"{id}\"\nmodule = \"{module}\"\ntype = \"single\"\ntext = \"Frage?\"\nexplanation = \"Weil.\"\n"
    );
    for (i, c) in correct.iter().enumerate() {
        s.push_str(&format!(
            "\n[[questions.options]]\nid = \"o{i}\"\ntext = \"Option {i}\"\n"
        ));
        if *c {
            s.push_str("correct = true\n");
        }
    }
    s
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small valid content folder.
fn valid() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "courses/k/course.toml", COURSE);
    write(r, "courses/k/modules/01-a.md", MODULE_A);
    write(r, "courses/k/modules/02-b.md", MODULE_B);
    write(
        r,
        "courses/k/checks/01-a.toml",
        &single("a1", "a", &[true, false]),
    );
    write(
        r,
        "courses/k/checks/02-b.toml",
        &single("b1", "b", &[false, true]),
    );
    write(
        r,
        "courses/k/final.toml",
        &(single("fa", "a", &[true, false]) + "\n" + &single("fb", "b", &[true, false])),
    );
    write(
        r,
        "courses/k/images/ok.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(r, "snippets/hinweis.md", "Ein gemeinsamer Hinweis.\n");
    dir
}

fn errors_after(edit: impl FnOnce(&Path)) -> Vec<ContentError> {
    let dir = valid();
    edit(dir.path());
    content::load(dir.path()).expect_err("broken content must fail")
}

fn assert_error(errors: &[ContentError], file: &str, line: usize, needle: &str) {
    assert!(
        errors
            .iter()
            .any(|e| e.file == file && e.line == line && e.message.contains(needle)),
        "expected {file}:{line} «{needle}», got:\n{}",
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_fixture_itself_is_valid() {
    let dir = valid();
    let catalog = content::load(dir.path()).unwrap();
    let c = catalog.course("k").unwrap();
    assert_eq!(c.modules.len(), 2);
    assert!(
        c.modules[1].html.contains("Ein gemeinsamer Hinweis."),
        "snippet included"
    );
    assert!(c.modules[0]
        .html
        .contains("src=\"/inhalte/k/images/ok.svg\""));
    assert_eq!(c.hash.len(), 12);
    // The hash follows the content.
    let before = (
        c.hash.clone(),
        c.modules[0].hash.clone(),
        c.modules[1].hash.clone(),
    );
    write(
        dir.path(),
        "courses/k/modules/01-a.md",
        &MODULE_A.replace("Text mit Bild", "Geänderter Text"),
    );
    let after = content::load(dir.path()).unwrap();
    let c2 = after.course("k").unwrap();
    assert_ne!(before.0, c2.hash);
    assert_ne!(before.1, c2.modules[0].hash);
    assert_eq!(
        before.2, c2.modules[1].hash,
        "other modules keep their hash"
    );
}

#[test]
fn shipped_content_passes_and_is_substantial() {
    let catalog = content::load(Path::new("content")).expect("shipped content is valid");
    let (courses, modules, questions, words) = catalog.counts();
    assert!(courses >= 3 && modules >= 16 && questions >= 130 && words > 8000);
    let sf = catalog.course("ki-seepferdchen").unwrap();
    assert!(sf.modules.len() >= 8);
    assert!(sf.final_pool.len() >= 2 * sf.final_test.question_count as usize);
    assert!(sf
        .modules
        .iter()
        .all(|m| m.check.len() >= 5 && (3..=15).contains(&m.minutes)));
    for (slug, level) in [
        ("ki-freischwimmer", Level::Bronze),
        ("ki-rettungsschwimmer", Level::Gold),
    ] {
        let c = catalog.course(slug).unwrap();
        assert_eq!(c.level, level, "{slug}");
        assert!(c.modules.len() >= 4 && c.final_pool.len() >= 12, "{slug}");
    }
    for c in &catalog.courses {
        let m = measure(c);
        assert!(m.problems.is_empty(), "{}: {:#?}", c.slug, m.problems);
        for m in &c.modules {
            for bad in ["<script", "{{>", "[!MERKE]", "[!ACHTUNG]", "[!BEISPIEL]"] {
                assert!(!m.html.contains(bad), "{} {}: {bad}", c.slug, m.id);
            }
        }
    }
}

/// A content change: a learner in progress keeps the modules whose content did not change and
/// reads the changed one again; a certificate holder's course stays complete until it is due.
#[test]
fn a_version_change_keeps_unchanged_modules_and_certificates() {
    let dir = valid();
    let old = content::load(dir.path()).unwrap();
    let c1 = old.course("k").unwrap();
    let read: Vec<(String, String)> = c1
        .modules
        .iter()
        .map(|m| (m.id.clone(), m.hash.clone()))
        .collect();
    assert_eq!(modules_done(c1, &read, false), ["a", "b"]);
    write(
        dir.path(),
        "courses/k/modules/01-a.md",
        &MODULE_A.replace("Text mit Bild", "Neuer Text"),
    );
    let new = content::load(dir.path()).unwrap();
    let c2 = new.course("k").unwrap();
    assert_eq!(
        modules_done(c2, &read, false),
        ["b"],
        "in progress: read a again"
    );
    assert_eq!(
        modules_done(c2, &read, true),
        ["a", "b"],
        "certified: complete"
    );
    // A changed module check is a changed module too.
    write(
        dir.path(),
        "courses/k/checks/02-b.toml",
        &single("b1", "b", &[true, false]),
    );
    let c3 = content::load(dir.path()).unwrap();
    assert!(modules_done(c3.course("k").unwrap(), &read, false).is_empty());
    // Certified means: a certificate not yet inside its re-enrolment window.
    let today = 20_000;
    assert!(certified(Some(today + 61), today, 60));
    assert!(
        !certified(Some(today + 60), today, 60),
        "due again: renew on today's content"
    );
    assert!(!certified(Some(today - 1), today, 60), "expired");
    assert!(!certified(None, today, 60), "never completed");
}

fn tf_question(id: &str, module: &str, answer: bool, text: &str, scenario: bool) -> String {
    format!(
        "[[questions]]\nid = \"{id}\"\nmodule = \"{module}\"\ntype = \"truefalse\"\ntext = \"{text}\"\n\
         explanation = \"Weil.\"\nanswer = {answer}\nscenario = {scenario}\n"
    )
}

fn multiple(id: &str, module: &str, correct: &[bool]) -> String {
    single(id, module, correct).replace("type = \"single\"", "type = \"multiple\"")
}

fn problems_after(edit: impl FnOnce(&Path)) -> Vec<String> {
    let dir = valid();
    edit(dir.path());
    let catalog = content::load(dir.path()).expect("valid content");
    measure(catalog.course("k").unwrap()).problems
}

fn assert_problem(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "expected «{needle}», got {problems:#?}"
    );
}

#[test]
fn the_measured_rules_hold_for_the_fixture() {
    assert!(problems_after(|_| {}).is_empty());
}

#[test]
fn multiple_choice_with_every_option_but_one_right_fails() {
    let p = problems_after(|r| {
        write(
            r,
            "courses/k/checks/01-a.toml",
            &multiple("a1", "a", &[true, true, true, false]),
        )
    });
    assert_problem(&p, "\"a1\": every option but one is right");
    // Two right and two wrong is fine.
    let p = problems_after(|r| {
        write(
            r,
            "courses/k/checks/01-a.toml",
            &multiple("a1", "a", &[true, false, true, false]),
        )
    });
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn true_false_keys_must_be_balanced() {
    let four = |answers: [bool; 4]| {
        answers
            .iter()
            .enumerate()
            .map(|(i, a)| {
                tf_question(
                    &format!("t{i}"),
                    "a",
                    *a,
                    &format!("Aussage Nummer {i}?"),
                    false,
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let p = problems_after(|r| {
        write(
            r,
            "courses/k/checks/01-a.toml",
            &four([false, false, false, true]),
        )
    });
    assert_problem(&p, "1 of 4 true/false questions are keyed \"true\" (25 %)");
    let p = problems_after(|r| {
        write(
            r,
            "courses/k/checks/01-a.toml",
            &four([false, true, false, true]),
        )
    });
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn keys_that_are_mostly_the_longest_option_fail() {
    let q = |id: String, key: &str| {
        format!(
            "[[questions]]\nid = \"{id}\"\nmodule = \"a\"\ntype = \"single\"\n\
             text = \"Was tun Sie im Fall {id}?\"\nexplanation = \"Weil.\"\n\n\
             [[questions.options]]\nid = \"a\"\ntext = \"{key}\"\ncorrect = true\n\n\
             [[questions.options]]\nid = \"b\"\ntext = \"Nichts tun\"\n"
        )
    };
    let four = |key: &str| {
        (0..4)
            .map(|i| q(format!("s{i}"), key))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // With the fixture's three other single-choice questions: 4 of 7.
    let p = problems_after(|r| {
        write(
            r,
            "courses/k/checks/01-a.toml",
            &four("Erst prüfen, dann handeln"),
        )
    });
    assert_problem(
        &p,
        "in 4 of 7 single-choice questions the key is the longest option (57 %)",
    );
    let p = problems_after(|r| write(r, "courses/k/checks/01-a.toml", &four("Prüfen")));
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn a_final_question_that_rewords_a_check_question_fails() {
    let text =
        "Ihre Kollegin möchte einen Bescheid mit Namen in den Chat kopieren. Ist das erlaubt?";
    let p = problems_after(|r| {
        write(
            r,
            "courses/k/checks/01-a.toml",
            &tf_question("a1", "a", false, text, true),
        );
        write(
            r,
            "courses/k/final.toml",
            &(tf_question("fa", "a", true, &text.replace("kopieren", "einfügen"), true)
                + "\n"
                + &single("fb", "b", &[true, false])),
        );
    });
    assert_problem(
        &p,
        "\"a1\" (module check) and \"fa\" (final pool) are near-duplicates",
    );
}

#[test]
fn a_seepferdchen_must_be_short_easy_and_practical() {
    let p = problems_after(|r| {
        write(
            r,
            "courses/k/course.toml",
            &COURSE
                .replace("level = \"bronze\"", "level = \"seepferdchen\"")
                .replace(
                    "question_count = 2",
                    "question_count = 2\ntime_limit_minutes = 20",
                ),
        );
        let long = "Die Verwaltungsdigitalisierungsstrategie verpflichtet Beschäftigte zur \
                    Berücksichtigung datenschutzrechtlicher Anforderungen. "
            .repeat(700);
        write(
            r,
            "courses/k/modules/02-b.md",
            &MODULE_B.replace("{{> hinweis}}", &long),
        );
    });
    assert_problem(&p, "reading time 37.4 min (5605 words) is above 35 min");
    assert_problem(
        &p,
        "the final test's time limit is 20 minutes; at most 15 minutes",
    );
    assert_problem(&p, "module \"b\": Flesch-Amstad");
    assert_problem(&p, "0 of 4 questions are scenarios (0 %); at least 60 %");
    // The same text in a Bronze course breaks none of the Seepferdchen's rules.
    let p = problems_after(|r| {
        let long =
            "Die Verwaltungsdigitalisierungsstrategie verpflichtet Beschäftigte. ".repeat(700);
        write(
            r,
            "courses/k/modules/02-b.md",
            &MODULE_B.replace("{{> hinweis}}", &long),
        );
    });
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn missing_field_in_course_toml() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/course.toml",
            &COURSE.replace("title = \"Testkurs\"\n", ""),
        )
    });
    assert!(
        e.iter()
            .any(|e| e.file == "courses/k/course.toml" && e.message.contains("title")),
        "{e:?}"
    );
}

#[test]
fn invalid_toml_syntax_names_the_line() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/course.toml",
            &COURSE.replace("version = \"1.0\"", "version = 1.0.0"),
        )
    });
    assert_error(&e, "courses/k/course.toml", 8, "");
}

#[test]
fn duplicate_question_id() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/final.toml",
            &(single("fa", "a", &[true, false]) + "\n" + &single("a1", "b", &[true, false])),
        )
    });
    assert_error(
        &e,
        "courses/k/final.toml",
        18,
        "duplicate question id \"a1\" (first at courses/k/checks/01-a.toml:2)",
    );
}

#[test]
fn single_choice_with_two_correct_options() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/checks/01-a.toml",
            &single("a1", "a", &[true, true]),
        )
    });
    assert_error(
        &e,
        "courses/k/checks/01-a.toml",
        2,
        "exactly one correct option, found 2",
    );
}

#[test]
fn single_choice_with_no_correct_option() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/checks/02-b.toml",
            &single("b1", "b", &[false, false]),
        )
    });
    assert_error(
        &e,
        "courses/k/checks/02-b.toml",
        2,
        "exactly one correct option, found 0",
    );
}

#[test]
fn multiple_choice_without_correct_option() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/checks/02-b.toml",
            &single("b1", "b", &[false, false]).replace("\"single\"", "\"multiple\""),
        )
    });
    assert_error(
        &e,
        "courses/k/checks/02-b.toml",
        2,
        "at least one correct option",
    );
}

#[test]
fn image_that_does_not_exist() {
    let e = errors_after(|r| std::fs::remove_file(r.join("courses/k/images/ok.svg")).unwrap());
    assert_error(
        &e,
        "courses/k/modules/01-a.md",
        11,
        "image \"images/ok.svg\" does not exist",
    );
}

#[test]
fn image_without_alt_text() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/modules/01-a.md",
            &MODULE_A.replace("![Ein Diagramm]", "![]"),
        )
    });
    assert_error(&e, "courses/k/modules/01-a.md", 11, "has no alt text");
}

#[test]
fn pictures_and_their_descriptions_are_counted() {
    let dir = valid();
    let described = format!(
        "{MODULE_A}\n> [!BILDBESCHREIBUNG]\n> Zwei Kästen.\n\n![Noch eins](images/ok.svg)\n"
    );
    write(dir.path(), "courses/k/modules/01-a.md", &described);
    let catalog = content::load(dir.path()).unwrap();
    let c = catalog.course("k").unwrap();
    assert_eq!((c.modules[0].pictures, c.modules[0].described), (2, 1));
    assert_eq!((c.modules[1].pictures, c.modules[1].described), (0, 0));
    assert!(c.modules[0]
        .html
        .contains("<summary>Bildbeschreibung</summary>"));
}

#[test]
fn picture_description_without_a_picture() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/modules/02-b.md",
            &format!(
                "{}\n> [!BILDBESCHREIBUNG]\n> Beschreibt nichts.\n",
                MODULE_B.replace("{{> hinweis}}", "Text ohne Bild.")
            ),
        )
    });
    assert_error(
        &e,
        "courses/k/modules/02-b.md",
        11,
        "follows right after its picture",
    );
}

#[test]
fn module_referenced_but_missing() {
    let e = errors_after(|r| std::fs::remove_file(r.join("courses/k/modules/02-b.md")).unwrap());
    assert_error(
        &e,
        "courses/k/course.toml",
        23,
        "referenced file courses/k/modules/02-b.md cannot be read",
    );
}

#[test]
fn question_for_a_module_that_does_not_exist() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/final.toml",
            &(single("fa", "a", &[true, false]) + "\n" + &single("fb", "zz", &[true, false])),
        )
    });
    assert_error(
        &e,
        "courses/k/final.toml",
        19,
        "module \"zz\" is not in course.toml",
    );
}

#[test]
fn front_matter_missing_a_field() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/modules/02-b.md",
            &MODULE_B.replace("minutes = 5\n", ""),
        )
    });
    assert!(
        e.iter()
            .any(|e| e.file == "courses/k/modules/02-b.md" && e.message.contains("minutes")),
        "{e:?}"
    );
}

#[test]
fn ordering_and_true_false_rules() {
    let bad = "[[questions]]\nid = \"o1\"\nmodule = \"a\"\ntype = \"ordering\"\ntext = \"Ordnen\"\nexplanation = \"So.\"\n\
               [[questions.options]]\nid = \"x\"\ntext = \"Erst\"\n[[questions.options]]\nid = \"y\"\ntext = \"Dann\"\n\n\
               [[questions]]\nid = \"t1\"\nmodule = \"a\"\ntype = \"truefalse\"\ntext = \"Wahr?\"\nexplanation = \"Ja.\"\n";
    let e = errors_after(|r| write(r, "courses/k/checks/01-a.toml", bad));
    assert_error(&e, "courses/k/checks/01-a.toml", 2, "3 to 6 options");
    assert_error(
        &e,
        "courses/k/checks/01-a.toml",
        15,
        "needs `answer = true` or `answer = false`",
    );
}

#[test]
fn unknown_snippet_and_unknown_level() {
    let e = errors_after(|r| {
        write(
            r,
            "courses/k/modules/02-b.md",
            &MODULE_B.replace("hinweis", "gibt-es-nicht"),
        );
        write(
            r,
            "courses/k/course.toml",
            &COURSE.replace("\"bronze\"", "\"platin\""),
        );
    });
    assert_error(
        &e,
        "courses/k/modules/02-b.md",
        9,
        "snippet \"gibt-es-nicht\" not found",
    );
    assert_error(&e, "courses/k/course.toml", 3, "unknown level \"platin\"");
}
