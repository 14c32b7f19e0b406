//! E-mail against a real SMTP server (aiosmtpd): invitations, "Passwort vergessen?" with its
//! hourly cap, and an SMTP server that is down for a while (issue 13).
mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::smtp::{free_port, password_link, SmtpServer};
use common::{demo_email, TestServer, DEMO_PASSWORD};
use serde_json::Value;

const FROM: &str = "KI-Seepferdchen Test <ki@musterstadt.example>";

async fn json(res: reqwest::Response) -> Value {
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.expect("json")
}

async fn unit_id(s: &TestServer, client: &reqwest::Client, name: &str) -> String {
    let units = json(s.call(client, "org_units", &[]).await).await;
    units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string()
}

/// A server function that did its work (its redirect answers 200 to non-browser clients).
fn done(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

/// What a caller learns from an answer: status, redirect target and body.
async fn answer(res: reqwest::Response) -> (u16, String, String) {
    let status = res.status().as_u16();
    let target = ["location", "serverfnredirect"]
        .iter()
        .filter_map(|h| res.headers().get(*h))
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(" ");
    (status, target, res.text().await.unwrap_or_default())
}

fn unique_ids(mails: &[common::smtp::Received]) -> usize {
    mails
        .iter()
        .map(|m| m.message_id.as_str())
        .collect::<HashSet<_>>()
        .len()
}

#[tokio::test]
async fn invitations_and_forgotten_passwords_arrive_by_smtp() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let s = TestServer::start_seeded_with_env(&[("SMTP_URL", &url), ("MAIL_FROM", FROM)]);
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let employee = s.login(&demo_email("tim.lange"), DEMO_PASSWORD).await;
    let unit = unit_id(&s, &coord, "Bürgerbüro").await;
    let new_user = |email: &'static str| {
        [
            ("display_name", "Zoe Neu"),
            ("email", email),
            ("org_unit_id", unit.as_str()),
            ("role", "employee"),
        ]
    };

    // Wrong role: refused, and no mail.
    let res = s
        .call(
            &employee,
            "create_user",
            &new_user("nie@musterstadt.example"),
        )
        .await;
    assert_eq!(res.status(), 403);

    // The coordinator creates a person: the invitation arrives at the SMTP server.
    let res = s
        .call(
            &coord,
            "create_user",
            &new_user("zoe.neu@musterstadt.example"),
        )
        .await;
    assert!(done(&res), "{}", res.status());
    let mails = smtp.wait_for(1, Duration::from_secs(20));
    assert_eq!(mails.len(), 1, "{mails:?}");
    let invitation = &mails[0];
    assert_eq!(invitation.to, "zoe.neu@musterstadt.example");
    assert_eq!(
        invitation.subject,
        "Ihr Zugang zu KI-Seepferdchen – Musterstadt"
    );
    assert!(invitation.text.starts_with("Guten Tag Zoe Neu,"));
    assert!(invitation.html.contains("<html lang=\"de\">"));
    // The coordinator's page says the link went by mail instead of showing it.
    let links = json(s.call(&coord, "take_password_links", &[]).await).await;
    assert_eq!(links[0]["mailed"], true, "{links}");

    // The link from the mail sets the password and signs her in.
    let link = password_link(invitation);
    let token = link.split("token=").nth(1).unwrap();
    let zoe = s.client();
    let page = zoe.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Passwort festlegen"));
    let pw = "Grüne Gurken tanzen im Rathaus";
    let res = s
        .call(
            &zoe,
            "set_password",
            &[("token", token), ("password", pw), ("password_repeat", pw)],
        )
        .await;
    assert!(done(&res), "{}", res.status());
    s.login("zoe.neu@musterstadt.example", pw).await;

    // "Passwort vergessen?": a known and an unknown address get the same answer; one mail.
    let anonymous = s.client();
    let known = s
        .call(
            &anonymous,
            "request_password_link",
            &[("email", "Zoe.Neu@musterstadt.example")],
        )
        .await;
    let unknown = s
        .call(
            &anonymous,
            "request_password_link",
            &[("email", "niemand@musterstadt.example")],
        )
        .await;
    let (known, unknown) = (answer(known).await, answer(unknown).await);
    assert_eq!(known, unknown);
    assert!(
        known.1.contains("/passwort-vergessen?gesendet=1"),
        "{known:?}"
    );
    let mails = smtp.wait_for(2, Duration::from_secs(20));
    let reset = mails
        .iter()
        .find(|m| m.subject.starts_with("Neues Passwort"))
        .expect("reset mail");
    assert_eq!(reset.to, "zoe.neu@musterstadt.example");
    assert!(reset.text.contains("Der Link gilt bis"));
    let page = s.client().get(password_link(reset)).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("Passwort festlegen"));

    // At most three an hour, also when asked for at the same moment.
    let ask = || {
        s.call(
            &anonymous,
            "request_password_link",
            &[("email", "zoe.neu@musterstadt.example")],
        )
    };
    let (a, b, c, d, e) = tokio::join!(ask(), ask(), ask(), ask(), ask());
    for res in [a, b, c, d, e] {
        assert!(done(&res), "{}", res.status());
    }
    let mails = smtp.wait_for(4, Duration::from_secs(20));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mails = smtp.received().len().max(mails.len());
    let all = smtp.received();
    let resets = all
        .iter()
        .filter(|m| m.subject.starts_with("Neues Passwort"))
        .count();
    println!("mails received: {mails}; password mails to one address in an hour: {resets}");
    assert_eq!(resets, 3);
    assert_eq!(unique_ids(&all), all.len());
}

#[tokio::test]
async fn smtp_down_for_a_while_then_every_mail_arrives_once() {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let s = TestServer::start_seeded_with_env(&[("SMTP_URL", &url), ("MAIL_FROM", FROM)]);
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let unit = unit_id(&s, &admin, "Bauamt").await;
    for i in 0..5 {
        let email = format!("neu{i}@musterstadt.example");
        let res = s
            .call(
                &admin,
                "create_user",
                &[
                    ("display_name", "Neue Person"),
                    ("email", &email),
                    ("org_unit_id", &unit),
                    ("role", "employee"),
                ],
            )
            .await;
        assert!(done(&res), "{}", res.status());
    }
    // Only admins see the mail page's figures.
    assert_eq!(s.call(&coord, "mail_overview", &[]).await.status(), 403);

    // Nobody listens: every mail waits for its next attempt, with the reason.
    let deadline = Instant::now() + Duration::from_secs(30);
    let down = loop {
        let o = json(s.call(&admin, "mail_overview", &[]).await).await;
        if o["problems"].as_array().map_or(0, Vec::len) == 5 {
            break o;
        }
        assert!(Instant::now() < deadline, "{o}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(down["waiting"], 5);
    assert_eq!(down["sent"], 0);
    for p in down["problems"].as_array().unwrap() {
        assert_eq!(p["failed"], false, "retried, not given up: {p}");
        assert!(!p["error"].as_str().unwrap().is_empty());
    }

    // The server comes up: everything arrives, once.
    let smtp = SmtpServer::start_on(port);
    let mails = smtp.wait_for(5, Duration::from_secs(60));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mails = smtp.received().into_iter().chain(mails).collect::<Vec<_>>();
    let received = smtp.received();
    let ids = unique_ids(&received);
    println!(
        "SMTP down, then up: queued 5, delivered {}, duplicated {}, lost {}",
        ids,
        received.len() - ids,
        5 - ids
    );
    assert_eq!(received.len(), 5, "{mails:?}");
    assert_eq!(ids, 5);
    let up = json(s.call(&admin, "mail_overview", &[]).await).await;
    assert_eq!(up["waiting"], 0, "{up}");
    assert_eq!(up["sent"], 5);
    assert_eq!(up["problems"], serde_json::json!([]));
}

#[tokio::test]
async fn without_mail_links_are_shown_and_nothing_is_queued() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let unit = unit_id(&s, &admin, "Bauamt").await;
    let res = s
        .call(
            &admin,
            "create_user",
            &[
                ("display_name", "Ohne Post"),
                ("email", "ohne.post@musterstadt.example"),
                ("org_unit_id", &unit),
                ("role", "employee"),
            ],
        )
        .await;
    assert!(done(&res), "{}", res.status());
    let links = json(s.call(&admin, "take_password_links", &[]).await).await;
    assert_eq!(links[0]["mailed"], false);
    assert!(links[0]["url"]
        .as_str()
        .unwrap()
        .contains("/passwort-festlegen?token="));
    assert_eq!(
        json(s.call(&admin, "mail_overview", &[]).await).await,
        Value::Null
    );
    // The forgotten-password page says whom to ask.
    let page = s
        .client()
        .get(s.url("/passwort-vergessen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Diese Installation verschickt keine E-Mails."));
}
