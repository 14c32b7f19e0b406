//! The KI-Register over HTTP, as a browser or an attacker would use it: who reaches which
//! endpoint, what a refused form keeps, the public register without its internals, and
//! parallel saves against the real server.
use crate::common::{demo_email, TestServer, DEMO_PASSWORD};
use serde_json::Value;

async fn json(s: &TestServer, c: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let res = s.call(c, endpoint, form).await;
    assert!(res.status().is_success(), "{endpoint}: {}", res.status());
    res.json().await.expect("json")
}

fn names(list: &Value) -> Vec<String> {
    list["systems"]
        .as_array()
        .expect("systems")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn new_system<'a>(name: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("anbieter", "Beispiel GmbH"),
        ("zweck", "Fasst Sitzungsprotokolle zusammen"),
        ("status", "im-einsatz"),
        ("rolle", "betreiber"),
        ("verantwortlich", "Hauptamt"),
        ("einheiten[0]", unit),
        ("kurs", "ki-seepferdchen"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_endpoints_admit_only_their_roles() {
    let s = TestServer::start_seeded();
    let anon = s.client();
    let mut signed = Vec::new();
    for local in [
        "anna.becker",
        "koordination.fb2",
        "koordination.fb3",
        "sophie.braun",
        "admin",
    ] {
        signed.push(s.login(&demo_email(local), DEMO_PASSWORD).await);
    }
    let [employee, coord_a, coord_b, ki, admin] = &signed[..] else {
        unreachable!()
    };
    // Reading: coordinators see the systems their units use, nothing else.
    assert_eq!(s.call(&anon, "ki_register", &[]).await.status(), 401);
    assert_eq!(s.call(employee, "ki_register", &[]).await.status(), 403);
    let all = json(&s, admin, "ki_register", &[]).await;
    assert_eq!(names(&all).len(), 5);
    assert_eq!(names(&json(&s, ki, "ki_register", &[]).await).len(), 5);
    let fb2 = names(&json(&s, coord_a, "ki_register", &[]).await);
    let fb3 = names(&json(&s, coord_b, "ki_register", &[]).await);
    assert!(fb2.iter().any(|n| n.starts_with("Bürger-Chatbot")));
    assert!(
        !fb2.iter().any(|n| n == "Vorprüfung Leistungsanträge"),
        "{fb2:?}"
    );
    assert!(
        fb3.iter().any(|n| n == "Vorprüfung Leistungsanträge"),
        "{fb3:?}"
    );
    assert!(
        !fb3.iter().any(|n| n.starts_with("Bürger-Chatbot")),
        "{fb3:?}"
    );
    let id_of = |name: &str| {
        all["systems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["id"].as_i64())
            .unwrap()
            .to_string()
    };
    let high = id_of("Vorprüfung Leistungsanträge");
    let form = [("id", high.as_str())];
    assert_eq!(s.call(&anon, "ki_system", &form).await.status(), 401);
    assert_eq!(s.call(employee, "ki_system", &form).await.status(), 403);
    assert_eq!(s.call(coord_a, "ki_system", &form).await.status(), 404);
    let detail = json(&s, coord_b, "ki_system", &form).await;
    assert_eq!(detail["can_edit"], false);
    assert!(detail["duties"].as_array().unwrap().len() >= 10);
    assert_eq!(json(&s, ki, "ki_system", &form).await["can_edit"], true);
    // Writing: only admins and the KI-Koordination.
    for (who, c) in [("anon", &anon), ("employee", employee), ("coord", coord_a)] {
        let status = s.call(c, "ki_system_form", &[]).await.status();
        assert!(status == 401 || status == 403, "{who} form: {status}");
        let status = s
            .call(c, "save_ki_system", &new_system("Protokollhilfe", "1"))
            .await
            .status();
        assert!(status == 401 || status == 403, "{who} save: {status}");
        let status = s
            .call(
                c,
                "save_ki_duty",
                &[
                    ("id", &high),
                    ("pflicht", "grundrechte"),
                    ("status", "erledigt"),
                ],
            )
            .await
            .status();
        assert!(status == 401 || status == 403, "{who} duty: {status}");
    }
    assert_eq!(
        names(&json(&s, admin, "ki_register", &[]).await).len(),
        5,
        "nothing saved"
    );
    let res = s
        .call(
            ki,
            "save_ki_duty",
            &[
                ("id", &high),
                ("pflicht", "grundrechte"),
                ("status", "erledigt"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    // The register as CSV: readers only, each within what they see; the download is logged.
    let csv = |c: &reqwest::Client| {
        let c = c.clone();
        let url = s.url("/verwaltung/ki-register.csv");
        async move { c.get(url).send().await.unwrap() }
    };
    assert_eq!(
        csv(&anon).await.status(),
        303,
        "anonymous: to the sign-in page"
    );
    assert_eq!(csv(employee).await.status(), 403);
    let all_rows = csv(admin).await.text().await.unwrap();
    assert!(all_rows.starts_with('\u{feff}') && all_rows.contains(';'));
    assert_eq!(all_rows.lines().count(), 1 + 5, "{all_rows}");
    let high_row = all_rows
        .lines()
        .find(|l| l.starts_with("Vorprüfung Leistungsanträge;"))
        .expect("the high-risk row");
    assert!(
        high_row.contains("hochriskant") && high_row.contains("Art. 27"),
        "{high_row}"
    );
    let fb2_rows = csv(coord_a).await.text().await.unwrap();
    assert_eq!(fb2_rows.lines().count(), 1 + 3, "{fb2_rows}");
    assert!(!fb2_rows.contains("Vorprüfung"));
    // The public register: anyone, published systems only, no names of oversight persons.
    let public = json(&s, &anon, "public_ki_register", &[]).await;
    assert_eq!(public.as_array().unwrap().len(), 5);
    let body = anon
        .get(s.url("/ki-register.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["schema"], "ki-seepferdchen/ki-register/1");
    assert_eq!(doc["systems"].as_array().unwrap().len(), 5);
    assert!(
        !body.contains("Ulrike Peters") && !body.contains("answers"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_keeps_its_input_and_parallel_saves_create_one_system() {
    let s = TestServer::start_seeded();
    let ki = s.login(&demo_email("sophie.braun"), DEMO_PASSWORD).await;
    let units = json(&s, &ki, "ki_system_form", &[]).await;
    let unit = units["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Sozialamt")
        .and_then(|u| u["id"].as_i64())
        .unwrap()
        .to_string();
    // High-risk without oversight persons: a German message naming the field, nothing saved,
    // and the next form shows what was entered.
    let mut form = new_system("Bescheidhilfe", &unit);
    form.push(("anhang3", "5"));
    let res = s.call(&ki, "save_ki_system", &form).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, 422, "{text}");
    assert!(
        text.contains("Aufsichtspersonen") && text.contains("aufsicht"),
        "{text}"
    );
    let again = json(&s, &ki, "ki_system_form", &[]).await;
    assert_eq!(again["restored"], true);
    assert_eq!(again["values"]["name"], "Bescheidhilfe");
    assert_eq!(again["values"]["answers"]["annex3"], "5");
    assert_eq!(
        json(&s, &ki, "ki_system_form", &[]).await["restored"],
        false,
        "read once"
    );
    // Four saves of the same new system at once: one is created, the others are told the
    // name is taken.
    let runs = (0..4).map(|_| {
        let (s, ki, unit) = (&s, ki.clone(), unit.clone());
        async move {
            let form = new_system("Protokollhilfe", &unit);
            s.call(&ki, "save_ki_system", &form).await.status()
        }
    });
    let statuses = futures::future::join_all(runs).await;
    let created = statuses
        .iter()
        .filter(|st| st.is_success() || st.is_redirection())
        .count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|st| st.is_success()
            || st.is_redirection()
            || st.as_u16() == 422
            || st.as_u16() == 503),
        "{statuses:?}"
    );
    let list = json(&s, &ki, "ki_register", &[]).await;
    assert_eq!(
        names(&list)
            .iter()
            .filter(|n| *n == "Protokollhilfe")
            .count(),
        1
    );
}

fn id_in(list: &Value, key: &str, name: &str) -> String {
    list[key]
        .as_array()
        .expect(key)
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["id"].as_i64())
        .unwrap_or_else(|| panic!("{name} in {key}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_change_reaches_the_learner_who_confirms_it_once() {
    let s = TestServer::start_seeded();
    let anon = s.client();
    let ki = s.login(&demo_email("sophie.braun"), DEMO_PASSWORD).await;
    let anna = s.login(&demo_email("anna.becker"), DEMO_PASSWORD).await;
    let other = s
        .login(&demo_email("koordination.fb3"), DEMO_PASSWORD)
        .await;
    let form = json(&s, &ki, "ki_system_form", &[]).await;
    let unit = id_in(&form, "units", "Bürgerbüro");
    let mut fields = new_system("Protokollhilfe", &unit);
    let res = s.call(&ki, "save_ki_system", &fields).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let id = id_in(
        &json(&s, &ki, "ki_register", &[]).await,
        "systems",
        "Protokollhilfe",
    );
    // Nothing changed yet: no update, and nobody may read one. (The demo's chatbot changed two
    // days ago: Anna, who uses it, is due for that one.)
    let due_names = |start: &Value| -> Vec<String> {
        start["ki_updates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let start = json(&s, &anna, "start", &[]).await;
    assert_eq!(
        due_names(&start),
        vec!["Bürger-Chatbot „Frag Musti“".to_string()]
    );
    assert_eq!(
        s.call(&anna, "ki_aenderung", &[("id", &id)]).await.status(),
        404
    );

    // A new house rule: Anna, who learnt the Seepferdchen 30 days ago, is due.
    fields.push(("id", &id));
    fields.push(("version", "1"));
    fields.push((
        "verboten",
        "Keine Namen von Bürgerinnen und Bürgern eingeben",
    ));
    let res = s.call(&ki, "save_ki_system", &fields).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let start = json(&s, &anna, "start", &[]).await;
    assert!(
        due_names(&start).contains(&"Protokollhilfe".to_string()),
        "{start}"
    );
    assert_eq!(due_names(&start).len(), 2);
    let view = json(&s, &anna, "ki_aenderung", &[("id", &id)]).await;
    assert_eq!(view["current"], false);
    assert_eq!(view["version"], 2);
    assert!(view["rules_html"].as_str().unwrap().contains("Keine Namen"));
    assert!(
        view["changes"]
            .to_string()
            .contains("Nicht erlaubte Nutzung"),
        "{view}"
    );

    // Strangers: anonymous 401, someone of another unit finds nothing, and cannot confirm.
    assert_eq!(
        s.call(&anon, "ki_aenderung", &[("id", &id)]).await.status(),
        401
    );
    assert_eq!(
        s.call(&other, "ki_aenderung", &[("id", &id)])
            .await
            .status(),
        404
    );
    let confirm = [("id", id.as_str()), ("version", "2")];
    assert_eq!(
        s.call(&anon, "ki_aenderung_bestaetigen", &confirm)
            .await
            .status(),
        401
    );
    assert_eq!(
        s.call(&other, "ki_aenderung_bestaetigen", &confirm)
            .await
            .status(),
        404
    );
    // A stale version is refused in German; bad input is not a server error.
    let res = s
        .call(
            &anna,
            "ki_aenderung_bestaetigen",
            &[("id", &id), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("erneut geändert"));
    let res = s
        .call(
            &anna,
            "ki_aenderung_bestaetigen",
            &[("id", &id), ("version", "zwei")],
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());

    // Six confirmations at once (a double click, several tabs): all fine, one record.
    let runs = (0..6).map(|_| {
        let (s, anna) = (&s, anna.clone());
        let confirm = confirm.map(|(k, v)| (k, v.to_string()));
        async move {
            let form: Vec<(&str, &str)> = confirm.iter().map(|(k, v)| (*k, v.as_str())).collect();
            s.call(&anna, "ki_aenderung_bestaetigen", &form)
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(runs).await;
    assert!(
        statuses
            .iter()
            .all(|st| st.is_success() || st.is_redirection()),
        "{statuses:?}"
    );
    assert_eq!(
        json(&s, &anna, "ki_aenderung", &[("id", &id)]).await["current"],
        true
    );
    assert!(
        !due_names(&json(&s, &anna, "start", &[]).await).contains(&"Protokollhilfe".to_string())
    );
    // The system's page counts her among those who know the change.
    let detail = json(&s, &ki, "ki_system", &[("id", &id)]).await;
    assert!(
        detail["update"]["current"].as_i64().unwrap() >= 1,
        "{}",
        detail["update"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_exports_and_the_eu_sheet_stay_within_the_readers_scope() {
    let s = TestServer::start_seeded();
    let anon = s.client();
    let employee = s.login(&demo_email("anna.becker"), DEMO_PASSWORD).await;
    let fb2 = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let fb3 = s
        .login(&demo_email("koordination.fb3"), DEMO_PASSWORD)
        .await;
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let get = |c: &reqwest::Client, path: &str| {
        let (c, url) = (c.clone(), s.url(path));
        async move { c.get(url).send().await.unwrap() }
    };
    for path in [
        "/verwaltung/ki-register.json",
        "/verwaltung/ki-register.pdf",
    ] {
        assert_eq!(get(&anon, path).await.status(), 303, "{path}");
        assert_eq!(get(&employee, path).await.status(), 403, "{path}");
    }
    // JSON: the documented schema, everything recorded, only what the reader may see.
    let all: Value = get(&admin, "/verwaltung/ki-register.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["schema"], "ki-seepferdchen/ki-register-export/1");
    let systems = all["systems"].as_array().unwrap();
    assert_eq!(systems.len(), 5);
    let high = systems
        .iter()
        .find(|x| x["risk_class"] == "hochriskant")
        .expect("the high-risk system");
    for key in [
        "articles",
        "reasons",
        "answers",
        "duties",
        "oversight_persons",
        "training",
        "update_mode",
        "eu_database",
        "units",
        "version",
    ] {
        assert!(!high[key].is_null(), "{key} missing");
    }
    assert!(high["duties"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "grundrechte"));
    let generated = all["generated"].as_str().unwrap();
    assert!(
        generated.len() == 22 && generated.as_bytes()[10] == b'T' && generated.contains("+0"),
        "{generated}"
    );
    let chatbot = systems
        .iter()
        .find(|x| x["name"] == "Bürger-Chatbot „Frag Musti“")
        .unwrap();
    assert_eq!(
        chatbot["last_update"]["fields"],
        serde_json::json!(["produkt", "verboten"])
    );
    assert_eq!(chatbot["update_mode"], "delta");
    let fb2_json: Value = get(&fb2, "/verwaltung/ki-register.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fb2_json["systems"].as_array().unwrap().len(), 3);
    assert!(!fb2_json.to_string().contains("Vorprüfung"));
    // PDF: a real PDF, tagged, within scope.
    let pdf = get(&admin, "/verwaltung/ki-register.pdf").await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ki-register.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (apt: poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    assert!(
        info.contains("Tagged:          yes") && info.contains("KI-Register"),
        "{info}"
    );
    let text = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for system in systems {
        let name = system["name"].as_str().unwrap();
        assert!(text.contains(name), "{name} missing in the PDF");
    }
    assert!(
        text.contains("Art. 27") && text.contains("Pflichten"),
        "{text}"
    );
    // The EU sheet: readers of the system only.
    let high_id = high["id"].as_i64().unwrap().to_string();
    let form = [("id", high_id.as_str())];
    assert_eq!(s.call(&anon, "ki_eu_blatt", &form).await.status(), 401);
    assert_eq!(s.call(&employee, "ki_eu_blatt", &form).await.status(), 403);
    assert_eq!(s.call(&fb2, "ki_eu_blatt", &form).await.status(), 404);
    let sheet = json(&s, &fb3, "ki_eu_blatt", &form).await;
    assert_eq!(sheet["applies"], true);
    assert!(
        sheet["deployer"].as_str().unwrap().contains("Musterstadt"),
        "{sheet}"
    );
}
