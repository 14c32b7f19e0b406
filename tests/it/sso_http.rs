//! Single sign-on over HTTP against a stand-in provider (`common::idp`) that can forge what a
//! real one never sends: each bad answer is refused with the page that explains it, nothing is
//! created, and the log names the reason without the token.
use crate::common::idp::{self, Idp, Next, CLIENT_ID, CLIENT_SECRET};
use crate::common::{demo_email, TestServer, DEMO_PASSWORD};
use serde_json::{json, Value};

const ANNA_SUB: &str = "idp-anna-0001";

struct Setup {
    server: TestServer,
    idp: Idp,
}

async fn setup(extra: &[(&str, &str)]) -> Setup {
    let idp = Idp::start().await;
    let issuer = idp.issuer();
    let mut env: Vec<(&str, &str)> = vec![
        ("OIDC_ISSUER", issuer.as_str()),
        ("OIDC_CLIENT_ID", CLIENT_ID),
        ("OIDC_CLIENT_SECRET", CLIENT_SECRET),
        ("LOG_LEVEL", "warn"),
    ];
    env.extend_from_slice(extra);
    let server = tokio::task::block_in_place(|| TestServer::start_seeded_with_env(&env));
    Setup { server, idp }
}

/// Begins a sign-in: the app sends the browser to the provider with PKCE, state and nonce.
/// Returns (state, nonce).
async fn begin(s: &Setup, client: &reqwest::Client) -> (String, String) {
    let res = client
        .get(s.server.url("/anmelden/sso"))
        .send()
        .await
        .expect("start");
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        location.starts_with(&format!("{}/auth?", s.idp.issuer())),
        "{location}"
    );
    let url = url::Url::parse(&location).expect("url");
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    assert_eq!(param("response_type"), "code");
    assert_eq!(param("client_id"), CLIENT_ID);
    assert_eq!(param("code_challenge_method"), "S256");
    assert_eq!(param("code_challenge").len(), 43);
    assert!(param("scope").split(' ').any(|s| s == "openid"));
    assert_eq!(
        param("redirect_uri"),
        s.server.url("/anmelden/sso/rueckkehr")
    );
    (param("state"), param("nonce"))
}

async fn back(s: &Setup, client: &reqwest::Client, query: &str) -> reqwest::Response {
    client
        .get(s.server.url(&format!("/anmelden/sso/rueckkehr?{query}")))
        .send()
        .await
        .expect("callback")
}

fn location(res: &reqwest::Response) -> String {
    assert_eq!(res.status(), 303, "{res:?}");
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string()
}

/// The refusal code of an answer (`/anmelden?sso=<code>`).
fn refusal(res: &reqwest::Response) -> String {
    let l = location(res);
    l.strip_prefix("/anmelden?sso=")
        .unwrap_or_else(|| panic!("not a refusal: {l}"))
        .to_string()
}

async fn whoami(s: &Setup, client: &reqwest::Client) -> Value {
    let res = s.server.call(client, "current_user", &[]).await;
    res.json().await.expect("json")
}

async fn query_i64(s: &Setup, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}/test.db", s.server.dir.path().display());
    let pool = sqlx::AnyPool::connect(&url).await.expect("db");
    let n = sqlx::query_scalar(sql)
        .fetch_one(&pool)
        .await
        .expect("query");
    pool.close().await;
    n
}

/// Signs in through the provider with these claims; returns the callback's answer.
async fn sign_in_with(
    s: &Setup,
    client: &reqwest::Client,
    claims: impl FnOnce(&str) -> Value,
    code: &str,
) -> reqwest::Response {
    let (state, nonce) = begin(s, client).await;
    s.idp.next(Next::Claims(claims(&nonce)));
    back(s, client, &format!("code={code}&state={state}")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_person_signs_in_and_stays_one_account() {
    let s = setup(&[]).await;
    let anna = demo_email("anna.becker");
    let people = query_i64(&s, "SELECT COUNT(*) FROM users").await;
    let client = s.server.client();
    let res = sign_in_with(&s, &client, |n| s.idp.claims(n, ANNA_SUB, &anna), "c1").await;
    assert_eq!(location(&res), "/");
    assert_eq!(whoami(&s, &client).await["email"], json!(anna));
    assert_eq!(
        query_i64(
            &s,
            &format!("SELECT COUNT(*) FROM users WHERE oidc_subject = '{ANNA_SUB}'")
        )
        .await,
        1
    );
    assert_eq!(
        query_i64(&s, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in' AND details LIKE '%sso%'").await,
        1
    );
    assert_eq!(
        query_i64(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'user.sso_link'"
        )
        .await,
        1
    );
    // The address changes at the provider: the subject still finds her, nobody new appears,
    // and her address here stays (it is managed in the platform).
    let other = s.server.client();
    let res = sign_in_with(
        &s,
        &other,
        |n| {
            s.idp
                .claims(n, ANNA_SUB, "anna.becker-neu@musterstadt.example")
        },
        "c2",
    )
    .await;
    assert_eq!(location(&res), "/");
    assert_eq!(whoami(&s, &other).await["email"], json!(anna));
    assert_eq!(query_i64(&s, "SELECT COUNT(*) FROM users").await, people);
    // A way back after signing in is kept through the provider, a foreign one is not.
    let c = s.server.client();
    let res = c
        .get(s.server.url("/anmelden/sso?weiter=%2Fkurse"))
        .send()
        .await
        .expect("start");
    let url = url::Url::parse(&location(&res)).expect("url");
    let get = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    s.idp
        .next(Next::Claims(s.idp.claims(&get("nonce"), ANNA_SUB, &anna)));
    let res = back(&s, &c, &format!("code=c3&state={}", get("state"))).await;
    assert_eq!(location(&res), "/kurse");
    // Another identity at the provider with her address: not a second way into her account.
    let c = s.server.client();
    let res = sign_in_with(
        &s,
        &c,
        |n| s.idp.claims(n, "idp-jemand-anders", &anna),
        "c4",
    )
    .await;
    assert_eq!(refusal(&res), "verknuepft");
    assert_eq!(whoami(&s, &c).await, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_answers_are_throttled_per_address() {
    let s = setup(&[]).await;
    let client = s.server.client();
    // Twenty failures from one address in 15 minutes; the next answer is refused before any
    // work, even a good one.
    for i in 0..20 {
        let res = back(&s, &client, &format!("code=x&state=erfunden-{i}")).await;
        assert_eq!(refusal(&res), "sitzung", "attempt {i}");
    }
    let anna = demo_email("anna.becker");
    let res = sign_in_with(&s, &client, |n| s.idp.claims(n, ANNA_SUB, &anna), "t1").await;
    assert_eq!(refusal(&res), "gesperrt");
    assert_eq!(s.idp.0.lock().expect("lock").token_requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_answer_is_refused_and_creates_nothing() {
    let s = setup(&[]).await;
    let anna = demo_email("anna.becker");
    let people = query_i64(&s, "SELECT COUNT(*) FROM users").await;
    let sessions = query_i64(&s, "SELECT COUNT(*) FROM sessions").await;
    let good = |nonce: &str| s.idp.claims(nonce, ANNA_SUB, &anna);
    let now = idp::now();
    let stranger = idp::Key::load("key-9", "idp-other-key.pem");
    type Forge<'a> = Box<dyn Fn(&str) -> Next + 'a>;
    let with = |f: fn(&mut Value)| -> Forge {
        Box::new(move |n: &str| {
            let mut c = good(n);
            f(&mut c);
            Next::Claims(c)
        })
    };
    let cases: Vec<(&str, Forge, &str)> = vec![
        (
            "wrong nonce",
            with(|c| c["nonce"] = json!("fremd")),
            "token",
        ),
        (
            "wrong audience",
            with(|c| c["aud"] = json!("andere-anwendung")),
            "token",
        ),
        (
            "wrong issuer",
            with(|c| c["iss"] = json!("https://falsch.example")),
            "token",
        ),
        (
            "expired",
            Box::new(move |n: &str| {
                let mut c = good(n);
                c["iat"] = json!(now - 7200);
                c["exp"] = json!(now - 3600);
                Next::Claims(c)
            }),
            "token",
        ),
        (
            "issued in the future",
            Box::new(move |n: &str| {
                let mut c = good(n);
                c["iat"] = json!(now + 3600);
                c["exp"] = json!(now + 7200);
                Next::Claims(c)
            }),
            "token",
        ),
        (
            "not valid before",
            Box::new(move |n: &str| {
                let mut c = good(n);
                c["nbf"] = json!(now + 3600);
                Next::Claims(c)
            }),
            "token",
        ),
        (
            "alg none",
            Box::new(|n: &str| Next::Token(idp::unsigned(&good(n)))),
            "token",
        ),
        (
            "unknown key",
            Box::new(|n: &str| Next::Token(stranger.sign(&good(n)))),
            "token",
        ),
        (
            "unknown person",
            Box::new(|n: &str| {
                Next::Claims(
                    s.idp
                        .claims(n, "idp-fremd-1", "niemand@musterstadt.example"),
                )
            }),
            "unbekannt",
        ),
        (
            "no e-mail claim",
            Box::new(|n: &str| {
                let mut c = s.idp.claims(n, "idp-fremd-2", "");
                c.as_object_mut().expect("object").remove("email");
                Next::Claims(c)
            }),
            "adresse",
        ),
    ];
    for (i, (what, forge, expected)) in cases.iter().enumerate() {
        let client = s.server.client();
        let (state, nonce) = begin(&s, &client).await;
        let next = forge(&nonce);
        let sent = match &next {
            Next::Token(t) => t.clone(),
            Next::Claims(_) => String::new(),
        };
        s.idp.next(next);
        let res = back(&s, &client, &format!("code=bad{i}&state={state}")).await;
        assert_eq!(refusal(&res), *expected, "{what}");
        // The page explains it in German.
        let page = client
            .get(s.server.url(&format!("/anmelden?sso={expected}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("text");
        assert!(
            page.contains("Anmeldung mit Dienstkonto nicht möglich"),
            "{what}"
        );
        assert_eq!(whoami(&s, &client).await, Value::Null, "{what}");
        if !sent.is_empty() {
            assert!(!s.server.log().contains(&sent), "{what}: token in the log");
        }
    }
    let log = s.server.log();
    for reason in [
        "wrong nonce",
        "wrong audience",
        "wrong issuer",
        "expired",
        "issued in the future",
        "nbf",
        "signature",
        "provisioning: existing",
        "no usable e-mail claim",
    ] {
        assert!(log.contains(reason), "log names {reason:?}:\n{log}");
    }
    assert!(!log.contains("bad0"), "codes stay out of the log");
    assert_eq!(query_i64(&s, "SELECT COUNT(*) FROM users").await, people);
    assert_eq!(
        query_i64(&s, "SELECT COUNT(*) FROM sessions").await,
        sessions
    );
    assert_eq!(
        query_i64(
            &s,
            "SELECT COUNT(*) FROM users WHERE oidc_subject IS NOT NULL"
        )
        .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_works_once_and_only_in_the_browser_that_began_it() {
    let s = setup(&[]).await;
    let anna = demo_email("anna.becker");
    // No state, an unknown state, no code.
    let client = s.server.client();
    assert_eq!(refusal(&back(&s, &client, "code=x").await), "sitzung");
    assert_eq!(
        refusal(&back(&s, &client, "code=x&state=erfunden").await),
        "sitzung"
    );
    let (state, _) = begin(&s, &client).await;
    assert_eq!(
        refusal(&back(&s, &client, &format!("state={state}")).await),
        "sitzung"
    );
    // An answer that names another issuer (mix-up, RFC 9207).
    let (state, _) = begin(&s, &client).await;
    assert_eq!(
        refusal(
            &back(
                &s,
                &client,
                &format!("code=m1&state={state}&iss=https%3A%2F%2Fboese.example")
            )
            .await
        ),
        "token"
    );
    // The provider reports an error (the person cancelled).
    let (state, _) = begin(&s, &client).await;
    assert_eq!(
        refusal(&back(&s, &client, &format!("error=access_denied&state={state}")).await),
        "abgebrochen"
    );
    // Another browser brings this browser's answer (login CSRF): refused.
    let (state, nonce) = begin(&s, &client).await;
    s.idp
        .next(Next::Claims(s.idp.claims(&nonce, ANNA_SUB, &anna)));
    let attacker = s.server.client();
    assert_eq!(
        refusal(&back(&s, &attacker, &format!("code=a1&state={state}")).await),
        "sitzung"
    );
    // A replayed callback: the first counts, the same answer again is refused.
    let (state, nonce) = begin(&s, &client).await;
    s.idp
        .next(Next::Claims(s.idp.claims(&nonce, ANNA_SUB, &anna)));
    let query = format!("code=r1&state={state}");
    assert_eq!(location(&back(&s, &client, &query).await), "/");
    assert_eq!(refusal(&back(&s, &client, &query).await), "sitzung");
    // A replayed code in a new sign-in: the provider refuses it.
    let (state, nonce) = begin(&s, &client).await;
    s.idp
        .next(Next::Claims(s.idp.claims(&nonce, ANNA_SUB, &anna)));
    assert_eq!(
        refusal(&back(&s, &client, &format!("code=r1&state={state}")).await),
        "token"
    );
    // The same answer twice at the same moment: exactly one sign-in.
    let c = s.server.client();
    let (state, nonce) = begin(&s, &c).await;
    s.idp
        .next(Next::Claims(s.idp.claims(&nonce, ANNA_SUB, &anna)));
    let query = format!("code=p1&state={state}");
    let (a, b) = tokio::join!(back(&s, &c, &query), back(&s, &c, &query));
    let mut outcomes = [location(&a), location(&b)];
    outcomes.sort();
    assert_eq!(
        outcomes,
        ["/".to_string(), "/anmelden?sso=sitzung".to_string()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_keys_are_fetched_again() {
    let s = setup(&[]).await;
    let anna = demo_email("anna.becker");
    let client = s.server.client();
    let res = sign_in_with(&s, &client, |n| s.idp.claims(n, ANNA_SUB, &anna), "k1").await;
    assert_eq!(location(&res), "/");
    let fetched = s.idp.0.lock().expect("lock").jwks_requests;
    // The provider rotates to a new key; the app has the old one cached.
    {
        let mut inner = s.idp.0.lock().expect("lock");
        let new = idp::Key::load("key-2", "idp-other-key.pem");
        inner.published = vec![new.clone()];
        inner.signer = new;
    }
    let client = s.server.client();
    let res = sign_in_with(&s, &client, |n| s.idp.claims(n, ANNA_SUB, &anna), "k2").await;
    assert_eq!(location(&res), "/");
    assert_eq!(s.idp.0.lock().expect("lock").jwks_requests, fetched + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivated_people_and_a_provider_that_is_down_are_refused() {
    let s = setup(&[]).await;
    let admin = s.server.login(&demo_email("admin"), DEMO_PASSWORD).await;
    // Tim Lange is deactivated by an admin.
    let tim = query_i64(
        &s,
        "SELECT id FROM users WHERE email = 'tim.lange@musterstadt.example'",
    )
    .await;
    let res = s
        .server
        .call(
            &admin,
            "update_user",
            &[
                ("id", &tim.to_string()),
                ("display_name", "Tim Lange"),
                ("org_unit_id", ""),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(
        query_i64(&s, &format!("SELECT active FROM users WHERE id = {tim}")).await,
        0
    );
    let client = s.server.client();
    let res = sign_in_with(
        &s,
        &client,
        |n| s.idp.claims(n, "idp-tim", "tim.lange@musterstadt.example"),
        "d1",
    )
    .await;
    assert_eq!(refusal(&res), "deaktiviert");
    assert_eq!(whoami(&s, &client).await, Value::Null);

    // A provider that does not answer: a clear page, and the admin still signs in locally.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let down = tokio::task::block_in_place(|| {
        TestServer::start_seeded_with_env(&[
            ("OIDC_ISSUER", dead.as_str()),
            ("OIDC_CLIENT_ID", CLIENT_ID),
        ])
    });
    let c = down.client();
    let res = c
        .get(down.url("/anmelden/sso"))
        .send()
        .await
        .expect("start");
    assert_eq!(location(&res), "/anmelden?sso=stoerung");
    let page = c
        .get(down.url("/anmelden?sso=stoerung"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("nicht erreichbar"));
    down.login(&demo_email("admin"), DEMO_PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_and_unit_follow_the_claims_and_create_places_new_people() {
    let s = setup(&[
        ("OIDC_UNIT_CLAIM", "department"),
        ("OIDC_PROVISIONING", "create"),
    ])
    .await;
    let anna = demo_email("anna.becker");
    let units: Vec<(i64, String)> = {
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}/test.db", s.server.dir.path().display());
        let pool = sqlx::AnyPool::connect(&url).await.expect("db");
        sqlx::query_as("SELECT id, name FROM org_units ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("units")
    };
    let before = query_i64(
        &s,
        &format!("SELECT org_unit_id FROM users WHERE email = '{anna}'"),
    )
    .await;
    let (target, target_name) = units
        .iter()
        .find(|(id, _)| *id != before)
        .cloned()
        .expect("another unit");
    let client = s.server.client();
    let res = sign_in_with(
        &s,
        &client,
        |n| {
            let mut c = s.idp.claims(n, ANNA_SUB, &anna);
            c["name"] = json!("Anna Becker-Schulz");
            c["department"] = json!(target_name);
            c
        },
        "u1",
    )
    .await;
    assert_eq!(location(&res), "/");
    assert_eq!(
        query_i64(
            &s,
            &format!("SELECT org_unit_id FROM users WHERE email = '{anna}'")
        )
        .await,
        target
    );
    assert_eq!(
        whoami(&s, &client).await["display_name"],
        json!("Anna Becker-Schulz")
    );
    assert_eq!(
        query_i64(&s, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.update' AND details LIKE '%\"source\":\"sso\"%' AND details LIKE '%Becker-Schulz%'").await,
        1
    );
    // Someone the platform does not know yet arrives in the unit of the claim.
    let client = s.server.client();
    let res = sign_in_with(
        &s,
        &client,
        |n| {
            let mut c = s
                .idp
                .claims(n, "idp-neu-1", "neu.person@musterstadt.example");
            c["name"] = json!("Nele Neumann");
            c["department"] = json!(target_name);
            c
        },
        "u2",
    )
    .await;
    assert_eq!(location(&res), "/");
    assert_eq!(
        query_i64(&s, "SELECT org_unit_id FROM users WHERE email = 'neu.person@musterstadt.example' AND role = 'employee' AND oidc_subject = 'idp-neu-1'").await,
        target
    );
    assert_eq!(
        query_i64(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'user.sso_create'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_login_follows_the_setting_and_sign_out_reaches_the_provider() {
    // admins (the default with single sign-on): an admin signs in with a password, staff not.
    let s = setup(&[]).await;
    s.server.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let c = s.server.client();
    let res = s
        .server
        .call(
            &c,
            "login",
            &[
                ("email", &demo_email("anna.becker")),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("text").contains("Dienstkonto"));
    assert_eq!(whoami(&s, &c).await, Value::Null);
    // The pages let the sign-out form's redirect go on to the provider (CSP form-action).
    let res = c.get(s.server.url("/anmelden")).send().await.expect("page");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    assert!(
        csp.contains(&format!("form-action 'self' {};", s.idp.issuer())),
        "{csp}"
    );
    // Signing out of a single sign-on session goes on to the provider's sign-out.
    let anna = demo_email("anna.becker");
    let res = sign_in_with(&s, &c, |n| s.idp.claims(n, ANNA_SUB, &anna), "o1").await;
    assert_eq!(location(&res), "/");
    let res = c
        .post(s.server.url("/api/logout"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("logout");
    let to = res
        .headers()
        .get("location")
        .or_else(|| res.headers().get("serverfnredirect"))
        .expect("redirect")
        .to_str()
        .expect("text")
        .to_string();
    assert!(
        to.starts_with(&format!("{}/session/end?", s.idp.issuer())),
        "{to}"
    );
    assert!(to.contains("id_token_hint="), "{to}");
    assert!(to.contains("post_logout_redirect_uri="), "{to}");
    assert_eq!(whoami(&s, &c).await, Value::Null);

    // off: no password form, and posting to it is refused even for an admin.
    let off = setup(&[("LOCAL_LOGIN", "off")]).await;
    let c = off.server.client();
    let page = c
        .get(off.server.url("/anmelden"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("Mit Dienstkonto anmelden"));
    assert!(!page.contains("type=\"password\""));
    let res = off
        .server
        .call(
            &c,
            "login",
            &[("email", &demo_email("admin")), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(whoami(&off, &c).await, Value::Null);
}
