//! E-mail against a real SMTP server (aiosmtpd): invitations, "Passwort vergessen?" with its
//! hourly cap, and an SMTP server that is down for a while (issue 13).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::common::smtp::{free_port, password_link, SmtpServer};
use crate::common::{demo_email, TestServer, DEMO_PASSWORD};
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

fn unique_ids(mails: &[crate::common::smtp::Received]) -> usize {
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
    let s = mail_server(&url);
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
    let s = mail_server(&url);
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

/// A demo server that sends to `url`; reminders are left to cron (MAIL_REMINDERS=false), so
/// the tests count only the mails they cause.
fn mail_server(url: &str) -> TestServer {
    TestServer::start_seeded_with_env(&[
        ("SMTP_URL", url),
        ("MAIL_FROM", FROM),
        ("MAIL_REMINDERS", "false"),
    ])
}

fn date_in_days(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    seepferdchen::i18n::Date::from_days(now / 86_400 + days).iso()
}

/// Subjects of the mails received so far, per recipient.
fn to_with_subject(mails: &[crate::common::smtp::Received], prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = mails
        .iter()
        .filter(|m| m.subject.starts_with(prefix))
        .map(|m| m.to.clone())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn assignment_notices_links_from_coordinators_and_mail_settings() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let s = mail_server(&url);
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let employee = s.login(&demo_email("tim.lange"), DEMO_PASSWORD).await;
    let unit = unit_id(&s, &coord, "Bürgerbüro").await;
    let (assigned, courses) = {
        let v = json(s.call(&coord, "assignments", &[]).await).await;
        (v[0].clone(), v[1].clone())
    };
    // A course not yet assigned to the Bürgerbüro.
    let course = courses
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap().to_string())
        .find(|slug| {
            !assigned.as_array().unwrap().iter().any(|a| {
                a["course"]["slug"] == slug.as_str()
                    && a["target"].as_str().unwrap().ends_with("Bürgerbüro")
            })
        })
        .expect("a course to assign");
    let members: Vec<String> = json(s.call(&coord, "users", &[("unit", unit.as_str())]).await)
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["active"] == true)
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    let due = date_in_days(30);
    let assign = [
        ("course", course.as_str()),
        ("org_unit_id", unit.as_str()),
        ("due", due.as_str()),
        ("mandatory", "on"),
    ];
    // Wrong role: refused, nothing queued.
    assert_eq!(
        s.call(&employee, "assign_unit", &assign).await.status(),
        403
    );
    let res = s.call(&coord, "assign_unit", &assign).await;
    assert!(done(&res), "{}", res.status());
    // Everyone the assignment reaches gets the notice (a valid certificate excuses).
    let deadline = Instant::now() + Duration::from_secs(20);
    let notices = loop {
        let n = to_with_subject(&smtp.received(), "Neuer Pflichtkurs");
        if !n.is_empty() && n == to_with_subject(&smtp.received(), "Neuer Pflichtkurs") {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let again = to_with_subject(&smtp.received(), "Neuer Pflichtkurs");
            if again == n {
                break n;
            }
        }
        assert!(Instant::now() < deadline, "no notices");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        notices.iter().all(|to| members.contains(to)),
        "{notices:?} vs {members:?}"
    );
    let mut unique = notices.clone();
    unique.dedup();
    assert_eq!(unique, notices, "one notice per person");
    let mail = smtp
        .received()
        .into_iter()
        .find(|m| m.subject.starts_with("Neuer Pflichtkurs"))
        .unwrap();
    assert!(
        mail.text.contains("Bitte schließen Sie ihn bis zum"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains(&format!("/kurse/{course}")));

    // A new due date: the same people hear of it; saving it unchanged sends nothing.
    let list = json(s.call(&coord, "assignments", &[]).await).await;
    let id = list[0]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["course"]["slug"] == course.as_str()
                && a["target"].as_str().unwrap().ends_with("Bürgerbüro")
        })
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let later = date_in_days(45);
    let update = [
        ("id", id.as_str()),
        ("due", later.as_str()),
        ("mandatory", "on"),
    ];
    assert_eq!(
        s.call(&employee, "update_assignment", &update)
            .await
            .status(),
        403
    );
    assert!(done(&s.call(&coord, "update_assignment", &update).await));
    assert!(done(&s.call(&coord, "update_assignment", &update).await));
    let changed = loop {
        let c = to_with_subject(&smtp.received(), "Neue Frist");
        if c.len() == notices.len() {
            break c;
        }
        assert!(Instant::now() < deadline + Duration::from_secs(20), "{c:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(changed, notices);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        to_with_subject(&smtp.received(), "Neue Frist").len(),
        notices.len(),
        "unchanged: no mail"
    );

    // Coordinators issue links: an invitation for a new person, again for everyone not yet
    // signed in in one go; the filter finds them; an old link stops working.
    let before = smtp.received().len();
    for i in 0..3 {
        let email = format!("neu.{i}@musterstadt.example");
        let res = s
            .call(
                &coord,
                "create_user",
                &[
                    ("display_name", "Neue Kollegin"),
                    ("email", email.as_str()),
                    ("org_unit_id", unit.as_str()),
                    ("role", "employee"),
                ],
            )
            .await;
        assert!(done(&res));
    }
    let first = smtp.wait_for(before + 3, Duration::from_secs(20));
    let pending = json(s.call(&coord, "users", &[("zugang", "ausstehend")]).await).await;
    let pending_emails: Vec<&str> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    for i in 0..3 {
        assert!(
            pending_emails.contains(&format!("neu.{i}@musterstadt.example").as_str()),
            "{pending}"
        );
    }
    assert!(pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["has_password"] == false));
    assert_eq!(
        s.call(&employee, "invite_not_signed_in", &[])
            .await
            .status(),
        403
    );
    let res = s.call(&coord, "invite_not_signed_in", &[]).await;
    let (_, target, _) = answer(res).await;
    assert!(target.contains("eingeladen="), "{target}");
    let total = pending["total"].as_i64().unwrap() as usize;
    let all = smtp.wait_for(before + 3 + total, Duration::from_secs(30));
    let old = first
        .iter()
        .find(|m| m.to == "neu.0@musterstadt.example")
        .unwrap();
    let newer = all
        .iter()
        .find(|m| m.to == "neu.0@musterstadt.example" && m.message_id != old.message_id)
        .expect("a second invitation");
    assert!(
        newer.subject.starts_with("Ihr Zugang"),
        "never signed in: an invitation"
    );
    assert_eq!(
        json(
            s.call(
                &s.client(),
                "password_link_valid",
                &[("token", password_link(old).split("token=").nth(1).unwrap())]
            )
            .await
        )
        .await,
        false
    );
    assert_eq!(
        json(
            s.call(
                &s.client(),
                "password_link_valid",
                &[(
                    "token",
                    password_link(newer).split("token=").nth(1).unwrap()
                )]
            )
            .await
        )
        .await,
        true
    );
    // A coordinator's single link for an employee who has a password: a reset mail.
    let tim = json(s.call(&coord, "users", &[("q", "tim.lange")]).await).await["items"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let n = smtp.received().len();
    assert!(done(
        &s.call(&coord, "reset_password_link", &[("id", tim.as_str())])
            .await
    ));
    let mails = smtp.wait_for(n + 1, Duration::from_secs(20));
    assert!(mails
        .iter()
        .any(|m| m.to == demo_email("tim.lange") && m.subject.starts_with("Neues Passwort")));
    // But not for the admin, who is outside a coordinator's reach.
    let admin_id = {
        let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
        json(s.call(&admin, "users", &[("q", "admin@")]).await).await["items"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        s.call(&coord, "reset_password_link", &[("id", admin_id.as_str())])
            .await
            .status(),
        404
    );

    // Mail settings on "Mein Konto": English mails, no reminders; bad input is refused.
    let bad = s
        .call(&employee, "update_mail_settings", &[("sprache", "fr")])
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("Bitte wählen Sie Deutsch oder Englisch."));
    assert!(done(
        &s.call(&employee, "update_mail_settings", &[("sprache", "en")])
            .await
    ));
    let settings = json(s.call(&employee, "mail_settings", &[]).await).await;
    assert_eq!(settings["locale"], "en");
    assert_eq!(settings["reminders"], false);
    assert_eq!(settings["coordinator"], false);
    let n = smtp.received().len();
    assert!(done(
        &s.call(&coord, "reset_password_link", &[("id", tim.as_str())])
            .await
    ));
    let mails = smtp.wait_for(n + 1, Duration::from_secs(20));
    let english = mails
        .iter()
        .find(|m| m.to == demo_email("tim.lange") && m.subject.starts_with("New password"))
        .expect("the reset mail in English");
    assert!(english.html.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn reminder_command_queues_once_and_the_server_delivers() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let s = TestServer::start_seeded_with_env(&[("SMTP_URL", &url), ("MAIL_FROM", FROM)]);
    let db = format!("sqlite://{}/test.db", s.dir.path().display());
    let run = || {
        for _ in 0..20 {
            let out = std::process::Command::new(crate::common::BIN)
                .args(["mail", "reminders"])
                .env("DATABASE_URL", &db)
                .env("SMTP_URL", &url)
                .env("MAIL_FROM", FROM)
                .output()
                .expect("mail reminders");
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            if out.status.success() {
                return String::from_utf8_lossy(&out.stdout).to_string();
            }
            // The server's own run at start holds the lease for a moment.
            assert!(err.contains("andere Instanz"), "{err}");
            std::thread::sleep(Duration::from_millis(500));
        }
        panic!("the lease was never free");
    };
    // The server's own timer may have run first: together they send each reminder once.
    let first = run();
    assert!(first.starts_with("Erinnerungen: "), "{first}");
    let second = run();
    assert_eq!(
        second.trim(),
        "Erinnerungen: 0 E-Mails, Wochenübersichten: 0, auf morgen verschoben: 0",
        "{second}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mails = smtp.received();
    let reminders: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Erinnerung"))
        .collect();
    let digests: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Wochenübersicht"))
        .collect();
    println!(
        "reminder run on the demo data: {} reminder mails, {} digests; first run said: {first}",
        reminders.len(),
        digests.len()
    );
    assert!(!reminders.is_empty(), "the demo has overdue people");
    let mut to: Vec<&str> = reminders.iter().map(|m| m.to.as_str()).collect();
    let n = to.len();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), n, "one reminder mail per person and day");
    assert!(digests
        .iter()
        .any(|m| m.to == demo_email("koordination.fb2")));
    assert!(
        digests[0].text.contains("/verwaltung/uebersicht?status="),
        "{}",
        digests[0].text
    );
}

#[tokio::test]
async fn kill_nine_with_a_thousand_queued_mails_delivers_each_exactly_once() {
    const QUEUED: usize = 1000;
    let smtp = SmtpServer::start_slow(0.1);
    let url = smtp.url();
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}/crash.db", dir.path().display());
    let out = std::process::Command::new(crate::common::BIN)
        .args(["demo", "seed"])
        .env("DATABASE_URL", &db_url)
        .output()
        .unwrap();
    assert!(out.status.success());
    {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db_url).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        for i in 0..QUEUED {
            sqlx::query(
                "INSERT INTO mail_outbox (message_id, kind, recipient, subject, body_text, body_html, created_at, next_attempt_at) \
                 VALUES ($1, 'test', $2, 'Absturztest', 'Text', '<p>Text</p>', 0, 0)",
            )
            .bind(format!("<crash-{i}@musterstadt.example>"))
            .bind(format!("person{i}@musterstadt.example"))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        pool.close().await;
    }
    let env = [
        ("DATABASE_URL", db_url.as_str()),
        ("SMTP_URL", url.as_str()),
        ("MAIL_FROM", FROM),
    ];
    let mut server = TestServer::start_with_env(|_| {}, &env);
    // Kill between two of the slow server's acceptances, not in the instant after one (a mail
    // accepted by the server but not yet marked sent would be sent again: RFC 5321 §6.1).
    let mut last = (0, Instant::now());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n = smtp.count();
        if n != last.0 {
            last = (n, Instant::now());
        } else if n >= 150 && last.1.elapsed() >= Duration::from_millis(30) {
            break;
        }
        assert!(Instant::now() < deadline, "only {n} mails arrived");
        std::thread::sleep(Duration::from_millis(1));
    }
    server.signal("KILL");
    server.wait_exit(Duration::from_secs(5));
    let at_kill = smtp.count();
    let restarted = Instant::now();
    let _server = TestServer::start_with_env(|_| {}, &env);
    let deadline = Instant::now() + Duration::from_secs(120);
    let crash_mails = || -> Vec<crate::common::smtp::Received> {
        smtp.received()
            .into_iter()
            .filter(|m| m.subject == "Absturztest")
            .collect()
    };
    while smtp.count() < QUEUED || crash_mails().len() < QUEUED {
        assert!(
            Instant::now() < deadline,
            "{} of {QUEUED} after restart",
            crash_mails().len()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let took = restarted.elapsed();
    std::thread::sleep(Duration::from_secs(2));
    let received = crash_mails();
    let ids = unique_ids(&received);
    println!(
        "kill -9 with {QUEUED} queued, slow SMTP (100 ms a recipient): {at_kill} delivered before the kill, \
         the rest {:.1} s after the restart; delivered {ids}, duplicated {}, lost {}",
        took.as_secs_f64(),
        received.len() - ids,
        QUEUED - ids
    );
    assert_eq!(ids, QUEUED, "lost");
    assert_eq!(received.len(), QUEUED, "duplicated");
}

/// A refused recipient and a mail larger than the server accepts: given up at once (permanent
/// answers are not retried), shown with the server's answer; nothing else waits for them, and
/// a retry after the cause is fixed goes through the same path.
#[tokio::test]
async fn refused_mails_are_given_up_with_the_servers_answer() {
    let smtp = SmtpServer::start_slow(0.0);
    let url = smtp.url();
    let s = mail_server(&url);
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let unit = unit_id(&s, &admin, "Bauamt").await;
    for (name, email) in [
        ("Abgelehnte Adresse", "abgelehnt@musterstadt.example"),
        ("Angekommen", "angekommen@musterstadt.example"),
    ] {
        let res = s
            .call(
                &admin,
                "create_user",
                &[
                    ("display_name", name),
                    ("email", email),
                    ("org_unit_id", &unit),
                    ("role", "employee"),
                ],
            )
            .await;
        assert!(done(&res), "{}", res.status());
    }
    // No mail the platform writes comes near the server's limit: a 40 kB one goes into the
    // outbox directly.
    let db = format!("sqlite://{}/test.db", s.dir.path().display());
    {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db).await.unwrap();
        sqlx::query(
            "INSERT INTO mail_outbox (message_id, kind, recipient, subject, body_text, body_html, created_at, next_attempt_at) \
             VALUES ('<gross@test>', 'test', 'gross@musterstadt.example', 'Zu groß', $1, '<p>x</p>', $2, 0)",
        )
        .bind("x".repeat(40_000))
        .bind(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64,
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let overview = loop {
        let o = json(s.call(&admin, "mail_overview", &[]).await).await;
        if o["failed"] == 2 && o["waiting"] == 0 {
            break o;
        }
        assert!(Instant::now() < deadline, "{o}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let problems = overview["problems"].as_array().unwrap();
    let answer_for = |to: &str| {
        problems
            .iter()
            .find(|p| p["recipient"] == to)
            .map(|p| {
                (
                    p["failed"].clone(),
                    p["attempts"].clone(),
                    p["error"].as_str().unwrap().to_string(),
                )
            })
            .unwrap()
    };
    let (failed, attempts, error) = answer_for("abgelehnt@musterstadt.example");
    assert_eq!((failed, attempts), (Value::Bool(true), Value::from(1)));
    assert!(error.contains("550"), "{error}");
    let (failed, _, error) = answer_for("gross@musterstadt.example");
    assert_eq!(failed, Value::Bool(true));
    assert!(error.contains("552"), "{error}");
    // Everything else arrived; the admin page shows both with the answer.
    let received = smtp.wait_for(1, Duration::from_secs(10));
    assert!(received
        .iter()
        .any(|m| m.to == "angekommen@musterstadt.example"));
    let page = admin
        .get(s.url("/verwaltung/e-mails"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Mailbox unavailable"), "answer shown");
    assert!(page.contains("Message too big for system"), "answer shown");
    // A retry goes through the same path: refused again, given up again, not lost.
    let id = problems
        .iter()
        .find(|p| p["recipient"] == "abgelehnt@musterstadt.example")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    assert_eq!(
        s.call(&coord, "retry_mail", &[("id", id.as_str())])
            .await
            .status(),
        403
    );
    assert!(done(
        &s.call(&admin, "retry_mail", &[("id", id.as_str())]).await
    ));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let o = json(s.call(&admin, "mail_overview", &[]).await).await;
    assert_eq!(o["failed"], 2, "{o}");
    assert_eq!(o["waiting"], 0, "{o}");
}
