//! The content checker: the shipped courses pass; each kind of broken content fails with the
//! right file and line.
use std::path::Path;

use seepferdchen::server::content::{self, ContentError};

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
    assert!(courses >= 2 && modules >= 12 && questions >= 130 && words > 8000);
    let sf = catalog.course("ki-seepferdchen").unwrap();
    assert!(sf.modules.len() >= 8);
    assert!(sf.final_pool.len() >= 40);
    assert!(sf
        .modules
        .iter()
        .all(|m| m.check.len() >= 5 && (5..=15).contains(&m.minutes)));
    let fs = catalog.course("ki-freischwimmer").unwrap();
    assert!(fs.modules.len() >= 4 && fs.final_pool.len() >= 25);
    for c in &catalog.courses {
        for m in &c.modules {
            for bad in ["<script", "{{>", "[!MERKE]", "[!ACHTUNG]", "[!BEISPIEL]"] {
                assert!(!m.html.contains(bad), "{} {}: {bad}", c.slug, m.id);
            }
        }
    }
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
