//! Audit entries as sentences. An entry stores its facts machine-readably (action, target and a
//! JSON object of details: course slug, ISO dates, counts), so exports and searches stay stable
//! whatever the UI language; the Protokoll page turns them into a sentence in the reader's
//! language with course titles and local dates. Entries written before details were JSON are
//! shown with their raw text.
use crate::server::db::assignments::Due;
use serde_json::{json, Map, Value};

use crate::i18n::{Date, Locale, Texts};

/// The details object of an entry; build with `serde_json::json!`.
pub fn details(value: Value) -> String {
    value.to_string()
}

/// Details of an assignment entry.
pub fn assignment_details(course: &str, due: Due, mandatory: bool) -> String {
    details(json!({
        "course": course,
        "due": due.day.map(|d| Date::from_days(d).iso()),
        "due_days": due.days,
        "mandatory": mandatory,
    }))
}

/// The entry as a sentence. `course_title` names a course by its slug.
pub fn sentence(
    locale: Locale,
    action: &str,
    target: &str,
    details: &str,
    course_title: &dyn Fn(&str) -> String,
) -> String {
    let t = locale.texts();
    let d = match serde_json::from_str::<Value>(details) {
        Ok(Value::Object(d)) => d,
        _ if details.is_empty() => Map::new(),
        _ => return legacy(t, action, target, details),
    };
    let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or_default();
    let count = |k: &str| d.get(k).and_then(Value::as_i64).unwrap_or_default();
    let date = |k: &str| {
        Date::parse_iso(text(k))
            .map(|d| locale.format_date(d))
            .unwrap_or_default()
    };
    let fill = |template: &str| {
        template
            .replace("{target}", target)
            .replace("{course}", &course_title(text("course")))
    };
    match action {
        "assignment.create" | "assignment.update" | "assignment.delete" => {
            let mut s = fill(match action {
                "assignment.create" => t.audit_s_assignment_create,
                "assignment.update" => t.audit_s_assignment_update,
                _ => t.audit_s_assignment_delete,
            });
            if action != "assignment.delete" {
                match (d.get("due").and_then(Value::as_str), count("due_days")) {
                    (Some(_), _) => s.push_str(&t.audit_s_due(date("due"))),
                    (None, days) if days > 0 => s.push_str(&t.audit_s_due_days.of(days)),
                    (None, _) => s.push_str(t.audit_s_no_due),
                }
                if d.get("mandatory") == Some(&Value::Bool(false)) {
                    s.push_str(t.audit_s_voluntary);
                }
            }
            s
        }
        "certificate.revoke" => t.audit_s_certificate_revoke(target, text("reason")),
        "user.time_factor" => t.audit_s_time_factor(target, count("from"), count("to")),
        "user.create" => fill(t.audit_s_user_create).replace("{role}", &role(t, text("role"))),
        "user.update" | "user.role_change" => {
            let mut s = fill(t.audit_s_user_update);
            change(&d, "role", |from, to| {
                s.push_str(&t.audit_s_role(role(t, from), role(t, to)))
            });
            change(&d, "unit", |from, to| {
                s.push_str(&t.audit_s_unit(or_dash(from), or_dash(to)))
            });
            change(&d, "name", |from, to| s.push_str(&t.audit_s_name(from, to)));
            if text("source") == "sso" {
                s.push_str(t.audit_s_from_sso);
            }
            match d.get("active").and_then(Value::as_bool) {
                Some(true) => s.push_str(t.audit_s_activated),
                Some(false) => s.push_str(t.audit_s_deactivated),
                None => {}
            }
            s
        }
        "user.import" => {
            let mut s = fill(&t.audit_s_user_import.of(count("people"))).replace("{file}", target);
            for (key, text) in [
                ("updated", t.audit_s_import_updated),
                ("deactivated", t.audit_s_import_deactivated),
                ("units", t.audit_s_import_units),
            ] {
                if count(key) > 0 {
                    s.push_str(&text.of(count(key)));
                }
            }
            s
        }
        "user.import.update" => fill(t.audit_s_user_import_update),
        "user.import.deactivate" => fill(t.audit_s_user_import_deactivate),
        "user.password_link" => fill(t.audit_s_password_link),
        "user.delete" => format!(
            "{}{}{}",
            fill(t.audit_s_user_delete),
            t.audit_s_kept.of(count("kept_completions")),
            t.audit_s_certificates_deleted.of(count("certificates"))
        ),
        "org_unit.create" => fill(t.audit_s_org_unit_create),
        "org_unit.update" => fill(t.audit_s_org_unit_update),
        "org_unit.delete" => fill(t.audit_s_org_unit_delete),
        // Streamed lists count people (rows are known only at the end).
        "export.status" if d.contains_key("people") => {
            t.audit_s_export_status_people.of(count("people"))
        }
        "export.status" => t.audit_s_export_status.of(count("rows")),
        "export.evidence" => fill(t.audit_s_export_evidence),
        "demo.seed" => t.audit_s_demo_seed.of(count("people")),
        "user.sso_link" => fill(t.audit_s_sso_link),
        "user.sso_create" => fill(t.audit_s_sso_create),
        "session.sign_in" if text("method") == "sso" => t.audit_s_sign_in_sso.to_string(),
        "session.sign_in" => t.audit_s_sign_in_password.to_string(),
        "privacy.export" => t.audit_s_privacy_export.to_string(),
        "barrier.done" => fill(t.audit_s_barrier_done),
        "barrier.reopen" => fill(t.audit_s_barrier_reopen),
        _ => legacy(t, action, target, details),
    }
}

/// A `[from, to]` pair in the details.
fn change(d: &Map<String, Value>, key: &str, mut f: impl FnMut(&str, &str)) {
    if let Some([from, to]) = d.get(key).and_then(Value::as_array).map(Vec::as_slice) {
        f(
            from.as_str().unwrap_or_default(),
            to.as_str().unwrap_or_default(),
        );
    }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "–"
    } else {
        s
    }
}

fn role(t: &Texts, code: &str) -> String {
    crate::model::Role::from_code(code).map_or_else(|| code.to_string(), |r| r.label(t).into())
}

/// An entry from before details were structured: its label and raw fields.
fn legacy(t: &Texts, action: &str, target: &str, details: &str) -> String {
    let label = crate::model::audit_label(t, action);
    [label.as_str(), target, details]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(slug: &str) -> String {
        match slug {
            "ki-freischwimmer" => "KI-Freischwimmer".into(),
            other => other.into(),
        }
    }

    fn de(action: &str, target: &str, details: &str) -> String {
        sentence(Locale::De, action, target, details, &title)
    }

    #[test]
    fn entries_read_as_german_sentences() {
        let due = Date::ymd(2027, 1, 15).to_days();
        assert_eq!(
            de(
                "assignment.create",
                "Amt 36",
                &assignment_details(
                    "ki-freischwimmer",
                    Due {
                        day: Some(due),
                        days: None
                    },
                    true
                )
            ),
            "Kurs „KI-Freischwimmer“ zugewiesen an Amt 36, fällig bis 15.01.2027"
        );
        assert_eq!(
            de("assignment.update", "Amt 36", &assignment_details("ki-freischwimmer", Due::default(), false)),
            "Zuweisung des Kurses „KI-Freischwimmer“ an Amt 36 geändert, ohne Fälligkeitsdatum, freiwillig"
        );
        assert_eq!(
            de("user.import", "liste.csv", &details(json!({"people": 1}))),
            "1 Person aus der Datei „liste.csv“ importiert"
        );
        assert_eq!(
            de("user.import", "liste.csv", &details(json!({"people": 50}))),
            "50 Personen aus der Datei „liste.csv“ importiert"
        );
        assert_eq!(
            de("user.role_change", "a@b.example", &details(json!({"role": ["employee", "coordinator"], "active": false}))),
            "Konto von a@b.example geändert, Rolle: Mitarbeitende → Schulungskoordination, Zugang gesperrt"
        );
        assert_eq!(
            de("user.delete", "Gelöschte Person 7", &details(json!({"kept_completions": 1, "certificates": 2}))),
            "Konto gelöscht (jetzt „Gelöschte Person 7“), 1 Abschluss anonym behalten, 2 Zertifikate gelöscht"
        );
        assert_eq!(
            de(
                "user.time_factor",
                "a@b.example",
                &details(json!({"from": 100, "to": 150}))
            ),
            "Bearbeitungszeit bei zeitbegrenzten Tests für a@b.example: 100 % → 150 %"
        );
        // Single sign-on: the method of each sign-in, and what the work account changed.
        assert_eq!(
            de(
                "session.sign_in",
                "a@b.example",
                &details(json!({"method": "sso"}))
            ),
            "Mit Dienstkonto angemeldet"
        );
        assert_eq!(
            de(
                "session.sign_in",
                "a@b.example",
                &details(json!({"method": "password"}))
            ),
            "Mit Passwort angemeldet"
        );
        assert_eq!(
            de("user.update", "a@b.example", &details(json!({"source": "sso", "name": ["Anna B.", "Anna Becker"], "unit": ["Amt 10", "Amt 36"]}))),
            "Konto von a@b.example geändert, Organisationseinheit: Amt 10 → Amt 36, Name: Anna B. → Anna Becker (aus dem Dienstkonto)"
        );
        assert_eq!(
            de(
                "user.sso_create",
                "a@b.example",
                &details(json!({"unit": "Amt 36"}))
            ),
            "Konto für a@b.example bei der ersten Anmeldung mit Dienstkonto angelegt"
        );
        assert_eq!(
            de("export.status", "", &details(json!({"people": 2000}))),
            "Statusliste von 2000 Personen exportiert"
        );
        assert_eq!(
            de("export.status", "", &details(json!({"rows": 1}))),
            "Statusliste exportiert (1 Zeile)"
        );
        // Entries from before: label and raw text, nothing lost.
        assert_eq!(
            de("assignment.delete", "Einheit 4", "ki-freischwimmer"),
            "Zuweisung entfernt · Einheit 4 · ki-freischwimmer"
        );
        // English: the same facts, English date.
        assert_eq!(
            sentence(
                Locale::En,
                "assignment.create",
                "Amt 36",
                &assignment_details(
                    "ki-freischwimmer",
                    Due {
                        day: Some(due),
                        days: None
                    },
                    true
                ),
                &title
            ),
            "Course \"KI-Freischwimmer\" assigned to Amt 36, due by 15 Jan 2027"
        );
    }
}
