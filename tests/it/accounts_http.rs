//! Accounts over HTTP, as a browser or an attacker would use them: the role matrix, sessions,
//! CSV upload. Each test runs its own server on a demo-seeded SQLite database.

use crate::common::{demo_email, TestServer, DEMO_PASSWORD};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Employee,
    CoordA,
    CoordB,
    Admin,
}

/// Org-unit "areas" of the demo data: coordinator A manages FB2, B manages FB3.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Area {
    Fb2,
    Fb3,
    Fb4,
}

fn manages(who: Who, area: Area) -> bool {
    match who {
        Who::Admin => true,
        Who::CoordA => area == Area::Fb2,
        Who::CoordB => area == Area::Fb3,
        _ => false,
    }
}

fn is_manager(who: Who) -> bool {
    matches!(who, Who::CoordA | Who::CoordB | Who::Admin)
}

struct World {
    server: TestServer,
    clients: Vec<(Who, reqwest::Client)>,
    admin: reqwest::Client,
}

impl World {
    async fn new() -> World {
        let server = TestServer::start_seeded();
        let mut clients = vec![(Who::Anonymous, server.client())];
        for (who, local) in [
            (Who::Employee, "anna.becker"),
            (Who::CoordA, "koordination.fb2"),
            (Who::CoordB, "koordination.fb3"),
            (Who::Admin, "admin"),
        ] {
            clients.push((who, server.login(&demo_email(local), DEMO_PASSWORD).await));
        }
        let admin = clients[4].1.clone();
        World {
            server,
            clients,
            admin,
        }
    }

    async fn json(&self, client: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
        let res = self.server.call(client, endpoint, form).await;
        assert!(res.status().is_success(), "{endpoint}: {}", res.status());
        res.json().await.expect("json")
    }

    async fn user_id(&self, email: &str) -> i64 {
        let v = self.json(&self.admin, "users", &[("q", email)]).await;
        v["items"][0]["id"].as_i64().expect("user id")
    }

    async fn unit_id(&self, name: &str) -> i64 {
        let v = self.json(&self.admin, "org_units", &[]).await;
        v.as_array()
            .expect("units")
            .iter()
            .find(|u| u["name"] == name)
            .and_then(|u| u["id"].as_i64())
            .expect("unit id")
    }
}

#[derive(Default)]
struct Tally {
    cases: usize,
    unexpected_allows: Vec<String>,
    unexpected_denials: Vec<String>,
}

impl Tally {
    fn check(&mut self, label: String, expected: bool, allowed: bool) {
        self.cases += 1;
        if allowed && !expected {
            self.unexpected_allows.push(label);
        } else if !allowed && expected {
            self.unexpected_denials.push(label);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_matrix_finds_no_unexpected_allow() {
    let w = World::new().await;
    let s = &w.server;
    let targets = [
        (Area::Fb2, demo_email("anna.becker"), "Bürgerbüro"),
        (Area::Fb3, demo_email("guel.demir"), "Sozialamt"),
        (Area::Fb4, demo_email("lena.hoffmann"), "Bauamt"),
    ];
    let mut ids = Vec::new();
    for (area, email, unit) in &targets {
        ids.push((
            *area,
            email.clone(),
            w.user_id(email).await,
            w.unit_id(unit).await,
        ));
    }
    let mut t = Tally::default();

    for (who, client) in &w.clients {
        // Lists: allowed for managers, and they show exactly the people in scope.
        let res = s.call(client, "users", &[]).await;
        let ok = res.status().is_success();
        t.check(format!("{who:?} users"), is_manager(*who), ok);
        let listed = if ok {
            res.text().await.unwrap()
        } else {
            String::new()
        };
        for (area, email, ..) in &ids {
            t.check(
                format!("{who:?} sees {email} in list"),
                manages(*who, *area),
                listed.contains(email.as_str()),
            );
        }
        let res = s.call(client, "org_units", &[]).await;
        t.check(
            format!("{who:?} org_units"),
            is_manager(*who),
            res.status().is_success(),
        );

        for (area, email, id, unit) in &ids {
            let id_s = id.to_string();
            let unit_s = unit.to_string();
            let expected = manages(*who, *area);
            let res = s.call(client, "user", &[("id", &id_s)]).await;
            t.check(
                format!("{who:?} get {email}"),
                expected,
                res.status().is_success(),
            );
            // The page as HTML: the person's address appears only for those who may see it.
            let page = client
                .get(s.url(&format!("/verwaltung/benutzer/{id}")))
                .send()
                .await
                .unwrap();
            let html = page.text().await.unwrap();
            // Pages carry no serialised data (islands), so not even one's own address shows on
            // a page one may not open.
            t.check(
                format!("{who:?} page {email}"),
                expected,
                html.contains(email.as_str()),
            );
            let res = s
                .call(
                    client,
                    "update_user",
                    &[
                        ("id", &id_s),
                        ("display_name", "Geänderter Name"),
                        ("org_unit_id", &unit_s),
                        ("role", "employee"),
                        ("active", "on"),
                    ],
                )
                .await;
            t.check(
                format!("{who:?} update {email}"),
                expected,
                res.status().is_success(),
            );
            let res = s
                .call(client, "reset_password_link", &[("id", &id_s)])
                .await;
            // Coordinators issue links for the people they manage, like admins (issue 13).
            t.check(
                format!("{who:?} reset link {email}"),
                expected,
                res.status().is_success(),
            );
            // Extra time: the same people may grant it; a share not offered is refused.
            let res = s
                .call(
                    client,
                    "set_time_factor",
                    &[("id", &id_s), ("percent", "150")],
                )
                .await;
            t.check(
                format!("{who:?} extra time {email}"),
                expected,
                res.status().is_success(),
            );
            if expected {
                let res = s
                    .call(
                        client,
                        "set_time_factor",
                        &[("id", &id_s), ("percent", "1000")],
                    )
                    .await;
                t.check(
                    format!("{who:?} extra time 1000 % {email}"),
                    false,
                    res.status().is_success(),
                );
            }
            for role in ["employee", "coordinator", "admin"] {
                let new_email =
                    format!("neu.{who:?}.{role}.{id}@musterstadt.example").to_lowercase();
                let res = s
                    .call(
                        client,
                        "create_user",
                        &[
                            ("display_name", "Neue Person"),
                            ("email", &new_email),
                            ("org_unit_id", &unit_s),
                            ("role", role),
                        ],
                    )
                    .await;
                let expected = expected && (role == "employee" || *who == Who::Admin);
                t.check(
                    format!("{who:?} create {role} in {area:?}"),
                    expected,
                    res.status().is_success(),
                );
            }
        }

        // Own account: anyone signed in, nobody else.
        let res = s
            .call(
                client,
                "update_profile",
                &[("display_name", "Selbst Geändert")],
            )
            .await;
        t.check(
            format!("{who:?} update_profile"),
            *who != Who::Anonymous,
            res.status().is_success(),
        );
        let res = s.call(client, "take_password_links", &[]).await;
        t.check(
            format!("{who:?} take_password_links"),
            is_manager(*who),
            res.status().is_success(),
        );
        let res = s.call(client, "current_user", &[]).await;
        let me: Value = res.json().await.unwrap();
        t.check(
            format!("{who:?} current_user"),
            *who != Who::Anonymous,
            !me.is_null(),
        );
    }

    // The org tree: admins only change it.
    for (who, client) in &w.clients {
        let res = s
            .call(
                client,
                "create_org_unit",
                &[("name", &format!("Neu {who:?}")), ("parent_id", "")],
            )
            .await;
        t.check(
            format!("{who:?} create_org_unit"),
            *who == Who::Admin,
            res.status().is_success(),
        );
    }
    let spare = w.unit_id("Neu Admin").await.to_string();
    for (who, client) in &w.clients {
        let res = s
            .call(
                client,
                "update_org_unit",
                &[("id", &spare), ("name", "Neu Admin"), ("parent_id", "")],
            )
            .await;
        t.check(
            format!("{who:?} update_org_unit"),
            *who == Who::Admin,
            res.status().is_success(),
        );
    }
    for (who, client) in &w.clients {
        let res = s.call(client, "delete_org_unit", &[("id", &spare)]).await;
        t.check(
            format!("{who:?} delete_org_unit"),
            *who == Who::Admin,
            res.status().is_success(),
        );
    }

    // CSV import: upload (plain route), preview and commit only by the uploader.
    let csv = "Name;E-Mail;Organisationseinheit;Rolle\nMia Import;mia.import@musterstadt.example;Bürgerbüro;Mitarbeitende\n";
    let mut batch_of = Vec::new();
    for (who, client) in &w.clients {
        let part = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("liste.csv");
        let form = reqwest::multipart::Form::new().part("datei", part);
        let res = client
            .post(s.url("/verwaltung/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let ok = res.status().as_u16() == 303 && location.starts_with("/verwaltung/import/");
        t.check(format!("{who:?} upload"), is_manager(*who), ok);
        if ok {
            batch_of.push((
                *who,
                location
                    .trim_start_matches("/verwaltung/import/")
                    .to_string(),
            ));
        }
    }
    for (owner, batch) in &batch_of {
        for (who, client) in &w.clients {
            let res = s.call(client, "import_preview", &[("id", batch)]).await;
            t.check(
                format!("{who:?} preview batch of {owner:?}"),
                who == owner,
                res.status().is_success(),
            );
        }
    }
    let (owner, batch) = batch_of
        .iter()
        .find(|(o, _)| *o == Who::CoordA)
        .expect("coordinator batch");
    for (who, client) in w.clients.iter().rev() {
        let res = s.call(client, "commit_import", &[("id", batch)]).await;
        t.check(
            format!("{who:?} commit batch of {owner:?}"),
            who == owner,
            res.status().is_success(),
        );
    }

    println!(
        "role matrix: {} cases, {} unexpected allows, {} unexpected denials",
        t.cases,
        t.unexpected_allows.len(),
        t.unexpected_denials.len()
    );
    assert!(
        t.unexpected_allows.is_empty(),
        "unexpected allows: {:#?}",
        t.unexpected_allows
    );
    assert!(
        t.unexpected_denials.is_empty(),
        "unexpected denials: {:#?}",
        t.unexpected_denials
    );
    assert!(t.cases > 150);
}

/// The coordinator view (#7): a coordinator of FB2 reaches nothing of FB3 or FB4 through any
/// page, server function or export; employees and anonymous callers reach none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_scope_matrix_finds_no_unexpected_allow() {
    let w = World::new().await;
    let s = &w.server;
    let areas = [
        (Area::Fb2, "anna.becker", "Anna Becker", "Bürgerbüro"),
        (Area::Fb3, "guel.demir", "Gül Demir", "Sozialamt"),
        (Area::Fb4, "lena.hoffmann", "Lena Hoffmann", "Bauamt"),
    ];
    let mut ids = Vec::new();
    for (area, local, name, unit) in areas {
        let email = demo_email(local);
        ids.push((
            area,
            email.clone(),
            name,
            unit,
            w.user_id(&email).await,
            w.unit_id(unit).await,
        ));
    }
    // One assignment per area, made by the admin, to change and remove below.
    let mut assignment_of = Vec::new();
    for (area, _, _, _, _, unit) in &ids {
        let res = s
            .call(
                &w.admin,
                "assign_unit",
                &[
                    ("course", "ki-freischwimmer"),
                    ("org_unit_id", &unit.to_string()),
                    ("due", ""),
                    ("mandatory", "on"),
                ],
            )
            .await;
        assert!(res.status().is_success(), "admin assigns: {}", res.status());
        let list = w.json(&w.admin, "assignments", &[]).await;
        let id = list[0]
            .as_array()
            .expect("assignments")
            .iter()
            .find(|a| {
                a["course"]["slug"] == "ki-freischwimmer"
                    && a["target"].as_str().is_some_and(|t| {
                        t.ends_with(&ids.iter().find(|x| x.0 == *area).expect("area").3)
                    })
            })
            .and_then(|a| a["id"].as_i64())
            .expect("assignment id");
        assignment_of.push((*area, id));
    }
    let mut t = Tally::default();
    for (who, client) in &w.clients {
        let res = s.call(client, "dashboard", &[]).await;
        let ok = res.status().is_success();
        t.check(format!("{who:?} dashboard"), is_manager(*who), ok);
        let dash = if ok {
            res.text().await.unwrap()
        } else {
            String::new()
        };
        let res = s.call(client, "assignments", &[]).await;
        let ok = res.status().is_success();
        t.check(format!("{who:?} assignments"), is_manager(*who), ok);
        let assignments = if ok {
            res.text().await.unwrap()
        } else {
            String::new()
        };
        let res = s.call(client, "audit_log", &[]).await;
        t.check(
            format!("{who:?} audit_log"),
            *who == Who::Admin,
            res.status().is_success(),
        );
        let page = client
            .get(s.url("/verwaltung/protokoll"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        t.check(
            format!("{who:?} audit page"),
            *who == Who::Admin,
            page.contains("Demodaten mit") || page.contains("zugewiesen an"),
        );
        // The whole-scope status export lists exactly the people in scope.
        let res = client
            .get(s.url("/verwaltung/export/status.csv"))
            .send()
            .await
            .unwrap();
        let ok = res.status().is_success();
        t.check(format!("{who:?} status.csv"), is_manager(*who), ok);
        let csv = if ok {
            res.text().await.unwrap()
        } else {
            String::new()
        };
        if ok {
            // Each row carries its unit's share done for the course, as the dashboard shows it.
            let header = csv.lines().next().unwrap_or_default();
            t.check(
                format!("{who:?} status.csv carries the unit quotas"),
                true,
                header.ends_with("Erledigt in der Einheit (Kurs)")
                    && csv.lines().skip(1).all(|l| l.ends_with(" %")),
            );
        }
        for (area, email, name, unit, id, unit_id) in &ids {
            let expected = manages(*who, *area);
            let (id_s, unit_s) = (id.to_string(), unit_id.to_string());
            t.check(
                format!("{who:?} dashboard shows {unit}"),
                expected,
                dash.contains(unit),
            );
            t.check(
                format!("{who:?} status.csv lists {email}"),
                expected,
                csv.contains(email.as_str()),
            );
            let res = s.call(client, "people_status", &[("unit", &unit_s)]).await;
            let ok = res.status().is_success();
            let body = if ok {
                res.text().await.unwrap()
            } else {
                String::new()
            };
            t.check(
                format!("{who:?} people of {unit}"),
                expected,
                body.contains(email.as_str()),
            );
            let res = s.call(client, "people_status", &[("q", email)]).await;
            let body = if res.status().is_success() {
                res.text().await.unwrap()
            } else {
                String::new()
            };
            t.check(
                format!("{who:?} search finds {email}"),
                expected,
                body.contains(email.as_str()),
            );
            let res = s.call(client, "person_courses", &[("id", &id_s)]).await;
            t.check(
                format!("{who:?} person_courses {email}"),
                expected,
                res.status().is_success(),
            );
            let html = client
                .get(s.url(&format!("/verwaltung/uebersicht?einheit={unit_id}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            // (Signed-in people see their own name in the page header.)
            let own = *who == Who::Employee && *name == "Anna Becker";
            t.check(
                format!("{who:?} page people of {unit}"),
                expected || own,
                html.contains(name),
            );
            for path in ["status.csv", "nachweis.csv", "nachweis.pdf"] {
                let res = client
                    .get(s.url(&format!("/verwaltung/export/{path}?einheit={unit_id}")))
                    .send()
                    .await
                    .unwrap();
                let ok = res.status().is_success();
                let body = if ok {
                    res.bytes().await.unwrap().to_vec()
                } else {
                    Vec::new()
                };
                let shows = path.ends_with(".pdf") && body.starts_with(b"%PDF")
                    || String::from_utf8_lossy(&body).contains(email.as_str());
                t.check(format!("{who:?} {path} of {unit}"), expected, ok && shows);
            }
            let assignment = assignment_of
                .iter()
                .find(|(a, _)| a == area)
                .expect("assignment")
                .1;
            t.check(
                format!("{who:?} lists assignment in {unit}"),
                expected,
                assignments.contains(&format!("\"id\":{assignment},\"course\"")),
            );
            let res = s
                .call(
                    client,
                    "update_assignment",
                    &[
                        ("id", &assignment.to_string()),
                        ("due", ""),
                        ("mandatory", "on"),
                    ],
                )
                .await;
            t.check(
                format!("{who:?} update assignment in {unit}"),
                expected,
                res.status().is_success(),
            );
            let res = s
                .call(
                    client,
                    "assign_unit",
                    &[
                        ("course", "ki-seepferdchen"),
                        ("org_unit_id", &unit_s),
                        ("due", ""),
                        ("mandatory", "on"),
                    ],
                )
                .await;
            t.check(
                format!("{who:?} assign to {unit}"),
                expected,
                res.status().is_success(),
            );
            let res = s
                .call(
                    client,
                    "assign_people",
                    &[
                        ("course", "ki-freischwimmer"),
                        ("user_ids[0]", &id_s),
                        ("due", ""),
                    ],
                )
                .await;
            t.check(
                format!("{who:?} assign {email}"),
                expected,
                res.status().is_success(),
            );
        }
    }
    // Removal last: before each attempt the admin (re)creates the assignment.
    for (area, _, _, unit, _, unit_id) in &ids {
        for (who, client) in &w.clients {
            let res = s
                .call(
                    &w.admin,
                    "assign_unit",
                    &[
                        ("course", "ki-freischwimmer"),
                        ("org_unit_id", &unit_id.to_string()),
                        ("due", ""),
                    ],
                )
                .await;
            assert!(res.status().is_success());
            let list = w.json(&w.admin, "assignments", &[]).await;
            let id = list[0]
                .as_array()
                .expect("assignments")
                .iter()
                .find(|a| {
                    a["course"]["slug"] == "ki-freischwimmer"
                        && a["is_unit"] == true
                        && a["target"].as_str().is_some_and(|t| t.ends_with(unit))
                })
                .and_then(|a| a["id"].as_i64())
                .expect("assignment id");
            let res = s
                .call(client, "delete_assignment", &[("id", &id.to_string())])
                .await;
            t.check(
                format!("{who:?} delete assignment in {area:?}"),
                manages(*who, *area),
                res.status().is_success(),
            );
        }
    }
    // A signed-out visitor following a download link signs in first and comes back to it.
    let anon = s.client();
    for path in ["status.csv?einheit=1", "nachweis.pdf?einheit=1"] {
        let res = anon
            .get(s.url(&format!("/verwaltung/export/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{path}");
        let location = res.headers()["location"].to_str().unwrap().to_string();
        let back = path.replace('?', "%3F").replace('=', "%3D");
        assert_eq!(
            location,
            format!("/anmelden?weiter=/verwaltung/export/{back}")
        );
    }
    // A form sent after the session ended returns to the page that sent it (its Referer on
    // this site), else to the route's own fallback or its own address.
    for (path, referer, back) in [
        (
            "/versuche/starten",
            Some(s.url("/kurse/ki-seepferdchen/m2?x=1")),
            "/kurse/ki-seepferdchen/m2%3Fx%3D1",
        ),
        (
            "/versuche/starten",
            Some("https://evil.example/kurse/x".to_string()),
            "/kurse",
        ),
        ("/versuche/starten", None, "/kurse"),
        ("/versuche/7", None, "/versuche/7"),
    ] {
        let mut req = anon.post(s.url(path)).form(&[("kurs", "ki-seepferdchen")]);
        if let Some(r) = &referer {
            req = req.header("referer", r);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 303, "{path} {referer:?}");
        assert_eq!(
            res.headers()["location"].to_str().unwrap(),
            format!("/anmelden?weiter={back}"),
            "{path} {referer:?}"
        );
    }
    println!(
        "tracking scope matrix: {} cases, {} unexpected allows, {} unexpected denials",
        t.cases,
        t.unexpected_allows.len(),
        t.unexpected_denials.len()
    );
    assert!(
        t.unexpected_allows.is_empty(),
        "unexpected allows: {:#?}",
        t.unexpected_allows
    );
    assert!(
        t.unexpected_denials.is_empty(),
        "unexpected denials: {:#?}",
        t.unexpected_denials
    );
    assert!(t.cases > 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_rotate_expire_on_logout_and_password_change() {
    let s = TestServer::start_seeded();
    let email = demo_email("hannah.weiss");
    // Cookie flags.
    let first = s.client();
    let res = s
        .call(
            &first,
            "login",
            &[("email", &email), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("sid="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "COOKIE_SECURE defaults to false"
    );
    let sid1 = cookie.split(';').next().unwrap().to_string();

    // A new session id at every login, also from the same browser.
    let res = s
        .call(
            &first,
            "login",
            &[("email", &email), ("password", DEMO_PASSWORD)],
        )
        .await;
    let sid2 = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(sid1, sid2);
    // The replaced session no longer works.
    let stale = reqwest::Client::new();
    let me = stale
        .post(s.url("/api/current_user"))
        .header("cookie", &sid1)
        .send()
        .await
        .unwrap();
    assert_eq!(me.text().await.unwrap(), "null");
    let me = stale
        .post(s.url("/api/current_user"))
        .header("cookie", &sid2)
        .send()
        .await
        .unwrap();
    assert!(me.text().await.unwrap().contains(&email));

    // Logout ends the server-side session: the old cookie is rejected afterwards.
    let res = s.call(&first, "logout", &[]).await;
    assert_eq!(res.status(), 200);
    let me = stale
        .post(s.url("/api/current_user"))
        .header("cookie", &sid2)
        .send()
        .await
        .unwrap();
    assert_eq!(me.text().await.unwrap(), "null");
    let res = stale
        .post(s.url("/api/update_profile"))
        .header("cookie", &sid2)
        .form(&[("display_name", "Eindringling")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // A password change ends every other session of that person, not the current one.
    let a = s.login(&email, DEMO_PASSWORD).await;
    let b = s.login(&email, DEMO_PASSWORD).await;
    let new_password = "Ein ganz neuer Satz als Passwort";
    let res = s
        .call(
            &a,
            "change_password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", new_password),
                ("new_password_repeat", new_password),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let me_a: Value = s.call(&a, "current_user", &[]).await.json().await.unwrap();
    let me_b: Value = s.call(&b, "current_user", &[]).await.json().await.unwrap();
    assert_eq!(me_a["email"], email.as_str());
    assert!(me_b.is_null(), "the other session must end");
    s.login(&email, new_password).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_email_and_wrong_password_answer_identically() {
    let s = TestServer::start_seeded();
    let c = s.client();
    let unknown = s
        .call(
            &c,
            "login",
            &[
                ("email", "niemand@musterstadt.example"),
                ("password", "irgendein Passwort"),
            ],
        )
        .await;
    let (st1, body1) = (unknown.status(), unknown.text().await.unwrap());
    let wrong = s
        .call(
            &c,
            "login",
            &[
                ("email", &demo_email("anna.becker")),
                ("password", "irgendein Passwort"),
            ],
        )
        .await;
    let (st2, body2) = (wrong.status(), wrong.text().await.unwrap());
    assert_eq!(st1, 401);
    assert_eq!((st1, body1.clone()), (st2, body2));
    assert_eq!(body1, "\"LoginFailed\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assignment_bad_input_gets_clear_german_messages() {
    let s = TestServer::start_seeded();
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let units: Value = s.call(&coord, "org_units", &[]).await.json().await.unwrap();
    let unit = units[0]["id"].as_i64().expect("unit").to_string();
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 6] = [
        (
            "assign_unit",
            &[
                ("course", "ki-seepferdchen"),
                ("org_unit_id", &unit),
                ("due", "2020-01-01"),
            ],
            "nicht in der Vergangenheit",
        ),
        (
            "assign_unit",
            &[
                ("course", "ki-seepferdchen"),
                ("org_unit_id", &unit),
                ("due", "2027-02-30"),
            ],
            "gültiges Datum",
        ),
        (
            "assign_unit",
            &[
                ("course", "ki-seepferdchen"),
                ("org_unit_id", &unit),
                ("due", "morgen"),
            ],
            "gültiges Datum",
        ),
        (
            "assign_unit",
            &[
                ("course", "gibt-es-nicht"),
                ("org_unit_id", &unit),
                ("due", ""),
            ],
            "wählen Sie einen Kurs",
        ),
        (
            "assign_unit",
            &[
                ("course", "ki-seepferdchen"),
                ("org_unit_id", ""),
                ("due", ""),
            ],
            "Organisationseinheit aus, für die Sie zuständig sind",
        ),
        (
            "assign_people",
            &[("course", "ki-seepferdchen"), ("due", "")],
            "mindestens eine Person",
        ),
    ];
    for (endpoint, form, message) in cases {
        let res = s.call(&coord, endpoint, form).await;
        assert_eq!(res.status(), 422, "{endpoint} {form:?}");
        let body = res.text().await.unwrap();
        assert!(body.contains(message), "{message} missing in {body}");
    }
    // Nothing was written.
    let list: Value = s
        .call(&coord, "assignments", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(list[0]
        .as_array()
        .expect("list")
        .iter()
        .all(|a| a["course"]["slug"] != "gibt-es-nicht"));
    let log: Value = s
        .call(
            &s.login(&demo_email("admin"), DEMO_PASSWORD).await,
            "audit_log",
            &[("action", "assignment")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 0, "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_clear_german_messages() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let res = s
        .call(
            &admin,
            "create_user",
            &[
                ("display_name", ""),
                ("email", "kein-at-zeichen"),
                ("org_unit_id", "99999"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    for msg in [
        "Bitte geben Sie einen Namen",
        "gültige E-Mail-Adresse",
        "Diese Organisationseinheit gibt es nicht",
    ] {
        assert!(body.contains(msg), "{msg} missing in {body}");
    }
    let res = s
        .call(
            &admin,
            "create_user",
            &[
                ("display_name", "Anna Doppelt"),
                ("email", &demo_email("anna.becker")),
                ("org_unit_id", ""),
                ("role", "employee"),
            ],
        )
        .await;
    assert!(res.text().await.unwrap().contains("schon ein Konto"));
    // Garbage arguments: a generic message, no parser internals.
    let res = s.call(&admin, "user", &[("id", "drop table users")]).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        !body.contains("invalid digit") && !body.contains("ParseInt"),
        "{body}"
    );
    // A weak password from a link is refused with the rule, the link stays usable.
    let res = s.call(&admin, "reset_password_link", &[("id", "4")]).await;
    assert_eq!(res.status(), 200);
    let links: Value = s
        .call(&admin, "take_password_links", &[])
        .await
        .json()
        .await
        .unwrap();
    let url = links[0]["url"].as_str().expect("link").to_string();
    let token = url.split("token=").nth(1).unwrap().to_string();
    let anon = s.client();
    let res = s
        .call(
            &anon,
            "set_password",
            &[
                ("token", &token),
                ("password", "kurz"),
                ("password_repeat", "kurz"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("mindestens 12 Zeichen"));
    let res = s
        .call(
            &anon,
            "set_password",
            &[
                ("token", &token),
                ("password", "passwort1234"),
                ("password_repeat", "passwort1234"),
            ],
        )
        .await;
    assert!(res.text().await.unwrap().contains("zu verbreitet"));
    let good = "Mein Hund frisst gern Brezeln";
    let res = s
        .call(
            &anon,
            "set_password",
            &[
                ("token", &token),
                ("password", good),
                ("password_repeat", good),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    // Used once: the same link no longer works.
    let res = s
        .call(
            &anon,
            "set_password",
            &[
                ("token", &token),
                ("password", good),
                ("password_repeat", good),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("ungültig"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixth_wrong_login_is_refused_with_a_german_message() {
    let s = TestServer::start_seeded();
    let c = s.client();
    let email = demo_email("jana.vogel");
    for _ in 0..5 {
        let res = s
            .call(
                &c,
                "login",
                &[("email", &email), ("password", "falsches Passwort!")],
            )
            .await;
        assert_eq!(res.status(), 401);
    }
    // Now even the right password is refused for the cooling-off period.
    let res = s
        .call(
            &c,
            "login",
            &[("email", &email), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 429);
    // Without JavaScript the form gets the refusal back in the page.
    let res = c
        .post(s.url("/api/login"))
        .header("accept", "text/html")
        .header("referer", s.url("/anmelden"))
        .form(&[("email", email.as_str()), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(&location).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Bitte warten Sie 15 Minuten"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookies_when_configured() {
    let s = TestServer::start_seeded_with_env(&[("COOKIE_SECURE", "true")]);
    let c = s.client();
    let res = s
        .call(
            &c,
            "login",
            &[
                ("email", &demo_email("anna.becker")),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

/// Two creations of one address at the same moment: one succeeds, the other gets the field
/// error a form shows (422), never a 500; the database holds one account.
#[tokio::test]
async fn concurrent_creations_of_one_address_answer_422_not_500() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let units: Value = s.call(&admin, "org_units", &[]).await.json().await.unwrap();
    let unit = units[0]["id"].as_i64().unwrap().to_string();
    for round in 0..5 {
        let email = format!("doppelt.{round}@musterstadt.example");
        let form = [
            ("display_name", "Doppelt Angelegt"),
            ("email", email.as_str()),
            ("org_unit_id", unit.as_str()),
            ("role", "employee"),
        ];
        let create = || s.call(&admin, "create_user", &form);
        let (a, b) = tokio::join!(create(), create());
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        let bodies = [a.text().await.unwrap(), b.text().await.unwrap()];
        assert!(statuses[0] < 400, "one succeeds: {statuses:?} {bodies:?}");
        assert_eq!(statuses[1], 422, "{statuses:?} {bodies:?}");
        assert!(
            bodies
                .iter()
                .any(|b| b.contains("Für diese E-Mail-Adresse gibt es schon ein Konto.")),
            "{bodies:?}"
        );
        let found: Value = s
            .call(&admin, "users", &[("q", email.as_str())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(found["total"], 1);
    }
}
