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
