//! Issue 9 over HTTP: the "Barriere melden" form and its admin list, the own-data download, and
//! deleting a person (who may, what goes, what stays). Each test runs its own seeded server.

use crate::common::{demo_email, TestServer, DEMO_PASSWORD};
use serde_json::Value;

async fn json(res: reqwest::Response) -> Value {
    assert!(res.status().is_success(), "status {}", res.status());
    res.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn barrier_reports_are_public_to_send_and_admin_only_to_read() {
    let s = TestServer::start_seeded();
    let anonymous = s.client();
    let employee = s.login(&demo_email("anna.becker"), DEMO_PASSWORD).await;
    let coordinator = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;

    // Bad input: clear German messages per field, nothing stored.
    let res = s
        .call(
            &anonymous,
            "report_barrier",
            &[("page", "/kurse"), ("description", "   "), ("contact", "")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Bitte beschreiben Sie, was nicht funktioniert."));
    let long = "x".repeat(4001);
    let long_contact = "y".repeat(201);
    let res = s
        .call(
            &anonymous,
            "report_barrier",
            &[("description", &long), ("contact", &long_contact)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("höchstens 4.000 Zeichen"), "{body}");
    assert!(body.contains("höchstens 200 Zeichen"), "{body}");

    // Anyone can send; a signed-in sender is linked to the report.
    let res = s
        .call(
            &anonymous,
            "report_barrier",
            &[
                ("page", "/kurse/ki-seepferdchen"),
                (
                    "description",
                    "Der Weiter-Knopf ist mit der Tastatur nicht erreichbar.",
                ),
                ("contact", "0123 456789"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let res = s
        .call(
            &employee,
            "report_barrier",
            &[("description", "Kontrast im Testbereich zu schwach.")],
        )
        .await;
    assert!(res.status().is_success());

    // Reading and handling: admins only.
    for (who, client) in [
        ("anonymous", &anonymous),
        ("employee", &employee),
        ("coordinator", &coordinator),
    ] {
        let res = s.call(client, "barrier_reports", &[("page", "1")]).await;
        assert!(
            matches!(res.status().as_u16(), 401 | 403),
            "{who} read the reports: {}",
            res.status()
        );
    }
    let list = json(s.call(&admin, "barrier_reports", &[("page", "1")]).await).await;
    assert_eq!(list["total"], 2);
    let items = list["items"].as_array().unwrap();
    let keyboard = items
        .iter()
        .find(|r| r["page"] == "/kurse/ki-seepferdchen")
        .expect("the anonymous report");
    assert_eq!(keyboard["contact"], "0123 456789");
    assert!(keyboard["done_at"].is_null());
    let id = keyboard["id"].as_i64().unwrap().to_string();
    for client in [&anonymous, &employee, &coordinator] {
        let res = s
            .call(client, "set_barrier_done", &[("id", &id), ("done", "1")])
            .await;
        assert!(matches!(res.status().as_u16(), 401 | 403));
    }
    let res = s
        .call(
            &admin,
            "set_barrier_done",
            &[("id", "999999"), ("done", "1")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = s
        .call(&admin, "set_barrier_done", &[("id", &id), ("done", "1")])
        .await;
    assert!(res.status().is_success());
    let list = json(s.call(&admin, "barrier_reports", &[("page", "1")]).await).await;
    let items = list["items"].as_array().unwrap();
    // Open reports first: the handled one moved to the end.
    assert!(items[0]["done_at"].is_null());
    assert!(items[1]["done_at"].is_i64());
    let log = json(s.call(&admin, "audit_log", &[("action", "barrier")]).await).await;
    assert_eq!(log["items"][0]["action"], "barrier.done");
    assert!(log["items"][0]["summary"]
        .as_str()
        .unwrap()
        .ends_with("als erledigt markiert"));

    // Five reports per address and hour (two sent above): the sixth is refused, in German.
    for _ in 0..3 {
        let res = s
            .call(
                &anonymous,
                "report_barrier",
                &[("description", "Noch eine")],
            )
            .await;
        assert!(res.status().is_success());
    }
    let res = s
        .call(&anonymous, "report_barrier", &[("description", "Zu viele")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("in der letzten Stunde schon mehrere Meldungen"));
    let list = json(s.call(&admin, "barrier_reports", &[("page", "1")]).await).await;
    assert_eq!(list["total"], 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_data_download_holds_everything_of_mine_and_nothing_of_others() {
    let s = TestServer::start_seeded();
    let anonymous = s.client();
    let res = anonymous
        .get(s.url("/konto/meine-daten.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/anmelden?weiter=/konto");

    let anna = s.login(&demo_email("anna.becker"), DEMO_PASSWORD).await;
    let res = anna
        .get(s.url("/konto/meine-daten.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let text = res.text().await.unwrap();
    let data: Value = serde_json::from_str(&text).expect("valid JSON");
    let d = &data["daten"];
    assert_eq!(d["konto"][0]["email"], demo_email("anna.becker"));
    assert_eq!(d["konto"][0]["display_name"], "Anna Becker");
    assert_eq!(d["konto"][0]["org_unit"], "Bürgerbüro");
    // Her demo certificate with its signed payload, her completion and her sessions.
    assert_eq!(d["zertifikate"][0]["payload"]["holder"], "Anna Becker");
    assert!(!d["kursabschluesse"].as_array().unwrap().is_empty());
    assert!(!d["sitzungen"].as_array().unwrap().is_empty());
    assert!(!d["anmeldeversuche"].as_array().unwrap().is_empty());
    for key in [
        "zustaendigkeiten",
        "modulfortschritt",
        "versuche",
        "zuweisungen_persoenlich",
        "barrieremeldungen",
        "protokoll",
    ] {
        assert!(d[key].is_array(), "{key} missing");
    }
    // No secrets, nobody else.
    for needle in [
        "password_hash",
        "id_hash",
        "token_hash",
        "ben.yilmaz",
        "Ben Yılmaz",
    ] {
        assert!(!text.contains(needle), "{needle} in the download");
    }
    // The download itself is in the audit log (read by an admin).
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let log = json(
        s.call(
            &admin,
            "audit_log",
            &[("search", &demo_email("anna.becker"))],
        )
        .await,
    )
    .await;
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "privacy.export"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_person_erases_them_and_keeps_anonymous_evidence() {
    let s = TestServer::start_seeded();
    let anna_email = demo_email("anna.becker");
    let anna = s.login(&anna_email, DEMO_PASSWORD).await;
    let employee = s.login(&demo_email("ben.yilmaz"), DEMO_PASSWORD).await;
    let coordinator = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let users = json(s.call(&admin, "users", &[("q", &anna_email)]).await).await;
    let anna_id = users["items"][0]["id"].as_i64().unwrap().to_string();
    let me = json(s.call(&admin, "current_user", &[]).await).await;
    let admin_id = me["id"].as_i64().unwrap().to_string();
    let certs = json(s.call(&anna, "my_certificates", &[]).await).await;
    let code = certs[0]["code"].as_str().unwrap().to_string();

    // Wrong roles: refused, nothing changes.
    for client in [&s.client(), &employee, &coordinator] {
        let res = s
            .call(
                client,
                "delete_user",
                &[("id", &anna_id), ("confirm", "on")],
            )
            .await;
        assert!(
            matches!(res.status().as_u16(), 401 | 403),
            "{}",
            res.status()
        );
    }
    // Bad input: no confirmation, oneself, unknown id.
    let res = s.call(&admin, "delete_user", &[("id", &anna_id)]).await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Bitte bestätigen Sie, dass Sie die Person endgültig löschen möchten."));
    let res = s
        .call(
            &admin,
            "delete_user",
            &[("id", &admin_id), ("confirm", "on")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Sie können Ihr eigenes Konto nicht löschen."));
    let res = s
        .call(
            &admin,
            "delete_user",
            &[("id", "999999"), ("confirm", "on")],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert!(json(s.call(&anna, "current_user", &[]).await).await["email"] == anna_email);

    // The admin deletes Anna.
    let res = s
        .call(
            &admin,
            "delete_user",
            &[("id", &anna_id), ("confirm", "on")],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    // Her session is gone, she cannot sign in, nobody finds her.
    assert!(json(s.call(&anna, "current_user", &[]).await)
        .await
        .is_null());
    let res = s
        .call(
            &s.client(),
            "login",
            &[("email", &anna_email), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert!(!res.status().is_success());
    let users = json(s.call(&admin, "users", &[("q", "Becker")]).await).await;
    assert_eq!(users["total"], 0);
    let res = s
        .call(&s.client(), "verify_certificate", &[("code", &code)])
        .await;
    assert_eq!(res.status(), 404);
    // The audit log names a numbered "Gelöschte Person", never her address or name.
    let log = json(s.call(&admin, "audit_log", &[("page", "1")]).await).await;
    let text = log.to_string();
    assert!(!text.contains(&anna_email) && !text.contains("Anna Becker"));
    assert_eq!(log["items"][0]["action"], "user.delete");
    assert_eq!(
        log["items"][0]["target"],
        format!("Gelöschte Person #{anna_id}")
    );
    assert!(log["items"][0]["details"]
        .as_str()
        .unwrap()
        .contains(r#""kept_completions":1"#));
    assert_eq!(
        log["items"][0]["summary"],
        format!(
            "Konto gelöscht (jetzt „Gelöschte Person #{anna_id}“), 1 Abschluss anonym behalten, 1 Zertifikat gelöscht"
        )
    );
    // Deleting twice: she no longer exists.
    let res = s
        .call(
            &admin,
            "delete_user",
            &[("id", &anna_id), ("confirm", "on")],
        )
        .await;
    assert_eq!(res.status(), 404);
}
