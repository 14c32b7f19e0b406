//! Certificates over HTTP: who may download which PDF, what the public verify page and JSON
//! reveal, and the PDF itself checked with qpdf, pdftotext, pdftoppm and zbarimg.

use std::process::Command;

use crate::common::{demo_email, TestServer, DEMO_PASSWORD};
use serde_json::Value;

async fn codes_of(s: &TestServer, who: &str) -> Vec<(String, String)> {
    let c = s.login(&demo_email(who), DEMO_PASSWORD).await;
    let list: Value = s
        .call(&c, "my_certificates", &[])
        .await
        .json()
        .await
        .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_certificates_cover_every_status() {
    let s = TestServer::start_seeded();
    let mut statuses = Vec::new();
    for who in ["anna.becker", "ben.yilmaz", "clara.schaefer", "david.nowak"] {
        statuses.push(codes_of(&s, who).await[0].1.clone());
    }
    assert_eq!(statuses, ["Valid", "Expiring", "Expired", "Revoked"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_holder_coordinator_in_scope_and_admin_get_the_pdf() {
    let s = TestServer::start_seeded();
    // Anna works in the Bürgerbüro (FB2).
    let (code, _) = codes_of(&s, "anna.becker").await.remove(0);
    let url = s.url(&format!("/zertifikate/{code}/pdf"));
    let missing = s.url("/zertifikate/0000000000000000000000000A/pdf");
    let mut cases = 0;
    for (who, allowed) in [
        ("anna.becker", true),
        ("admin", true),
        ("koordination.fb2", true),
        ("koordination.fb3", false),
        ("ben.yilmaz", false),
    ] {
        let c = s.login(&demo_email(who), DEMO_PASSWORD).await;
        let res = c.get(&url).send().await.unwrap();
        cases += 1;
        if allowed {
            assert_eq!(res.status(), 200, "{who}");
            assert_eq!(res.headers()["content-type"], "application/pdf");
        } else {
            // "Not yours" answers exactly like "does not exist".
            let (st, body) = (res.status(), res.text().await.unwrap());
            let other = c.get(&missing).send().await.unwrap();
            assert_eq!(
                (st, body),
                (other.status(), other.text().await.unwrap()),
                "{who}"
            );
            assert_eq!(st, 404);
        }
    }
    let anon = s.client().get(&url).send().await.unwrap();
    assert_eq!(anon.status(), 303, "anonymous: to the sign-in page");
    println!("certificate download: {cases} signed-in cases checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_page_and_json_show_only_the_listed_fields() {
    let s = TestServer::start_seeded();
    let (code, _) = codes_of(&s, "anna.becker").await.remove(0);
    let anon = s.client();
    let page = anon
        .get(s.url(&format!("/verify/{code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Dieses Zertifikat ist gültig."));
    assert!(page.contains("Anna Becker") && page.contains("KI-Seepferdchen"));
    assert!(
        !page.contains("anna.becker@"),
        "no e-mail on the public page"
    );
    let json: Value = anon
        .get(s.url(&format!("/verify/{code}.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut keys: Vec<&str> = json["payload"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "completed_on",
            "content_version",
            "course",
            "course_title",
            "holder",
            "issuer",
            "key_id",
            "level",
            "topics",
            "valid_until"
        ]
    );
    assert_eq!(json["status"], "valid");
    assert!(!json.to_string().contains('@'), "no e-mail in the JSON");
    // The signature checks out with the published key.
    let keys: Value = anon
        .get(s.url("/zertifikate/schluessel.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pk = keys["keys"][0]["public_key_hex"].as_str().unwrap();
    let payload: seepferdchen::server::certificate::Payload =
        serde_json::from_value(json["payload"].clone()).unwrap();
    assert!(seepferdchen::server::certificate::verify(
        pk,
        &payload,
        json["signature"].as_str().unwrap()
    ));
    // Unknown and malformed codes: one and the same answer.
    let a = anon
        .get(s.url("/verify/0000000000000000000000000A"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let b = anon
        .get(s.url("/verify/kaputt"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(a.contains("Zu diesem Code ist kein Zertifikat bekannt."));
    // The same page but for the code itself (and the per-request nonce, of fixed length).
    let a = a.replace("0000000000000000000000000A", "");
    let b = b.replace("kaputt", "");
    assert!(a.len().abs_diff(b.len()) <= 8, "{} vs {}", a.len(), b.len());
    // The revoked one says so, with its date.
    let (revoked, _) = codes_of(&s, "david.nowak").await.remove(0);
    let page = anon
        .get(s.url(&format!("/verify/{revoked}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("wurde am") && page.contains("widerrufen"),
        "{page}"
    );
    // Rate limit: a flood of lookups from one address is told so (429), never "not found".
    let mut statuses = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let r = anon
            .get(s.url(&format!("/verify/{code}.json")))
            .send()
            .await
            .unwrap();
        statuses.insert(r.status().as_u16());
    }
    assert_eq!(statuses, [200, 429].into());
}

/// The documented offline check, done by an independent verifier (Python's `cryptography`)
/// reading the JSON as delivered: every demo certificate's signature is valid, and a payload
/// changed by one letter is not.
#[tokio::test]
async fn an_independent_verifier_accepts_every_genuine_certificate() {
    let s = TestServer::start_seeded();
    let admin = s
        .login(
            &crate::common::demo_email("admin"),
            crate::common::DEMO_PASSWORD,
        )
        .await;
    let list: Value = s
        .call(&admin, "all_certificates", &[])
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.len() >= 4);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/verify_certificate.py");
    for code in &codes {
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(s.url(&format!("/verify/{code}")))
            .output()
            .expect("python3");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("Signatur gültig"),
            "{code}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Tampered: the signed bytes with another holder.
    let anon = s.client();
    let mut cert: Value = anon
        .get(s.url(&format!("/verify/{}.json", codes[0])))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys: Value = anon
        .get(s.url("/zertifikate/schluessel.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let signed = b64
        .decode(cert["payload_base64"].as_str().unwrap())
        .unwrap();
    let mut forged: Value = serde_json::from_slice(&signed).unwrap();
    forged["holder"] = Value::from("Mallory Muster");
    let forged_bytes = String::from_utf8(signed).unwrap().replace(
        cert["payload"]["holder"].as_str().unwrap(),
        "Mallory Muster",
    );
    cert["payload"] = forged;
    cert["payload_base64"] = Value::from(b64.encode(forged_bytes.as_bytes()));
    let dir = tempfile::tempdir().unwrap();
    let (cert_file, keys_file) = (dir.path().join("c.json"), dir.path().join("k.json"));
    std::fs::write(&cert_file, cert.to_string()).unwrap();
    std::fs::write(&keys_file, keys.to_string()).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            script,
            cert_file.to_str().unwrap(),
            keys_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("UNGÜLTIG"));
}

fn tool(name: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pdf_passes_qpdf_names_holder_course_code_and_its_qr_decodes() {
    let s = TestServer::start_seeded();
    let (code, _) = codes_of(&s, "anna.becker").await.remove(0);
    let c = s.login(&demo_email("anna.becker"), DEMO_PASSWORD).await;
    let bytes = c
        .get(s.url(&format!("/zertifikate/{code}/pdf")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("z.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    if std::env::var("CI").is_ok() || tool("qpdf") {
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(&pdf)
            .output()
            .expect("qpdf (apt: qpdf)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (apt: poppler-utils)");
        let text = String::from_utf8_lossy(&text.stdout).to_string();
        let grouped = seepferdchen::server::certificate::grouped(&code);
        for needle in [
            "Anna Becker",
            "KI-Seepferdchen",
            grouped.as_str(),
            "Zertifikat",
        ] {
            assert!(text.contains(needle), "{needle} missing in:\n{text}");
        }
        let png = dir.path().join("z");
        let out = Command::new("pdftoppm")
            .args(["-png", "-r", "150", "-singlefile"])
            .arg(&pdf)
            .arg(&png)
            .output()
            .expect("pdftoppm");
        assert!(out.status.success());
        let out = Command::new("zbarimg")
            .args(["--quiet", "--raw"])
            .arg(dir.path().join("z.png"))
            .output()
            .expect("zbarimg (apt: zbar-tools)");
        let decoded = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(decoded, s.url(&format!("/verify/{code}")));
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout).to_string();
        assert!(
            info.contains("Title:") && info.contains("Anna Becker") && info.contains("Author:"),
            "{info}"
        );
    } else {
        println!(
            "qpdf/poppler/zbar not installed: PDF tool checks skipped (make test installs them)"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organisation_logo_appears_on_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    // A 1 × 1 PNG made with the png crate's format: signature, IHDR, IDAT, IEND.
    let png = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import zlib,struct\n\
             def c(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)\n\
             open('{}','wb').write(b'\\x89PNG\\r\\n\\x1a\\n'+c(b'IHDR',struct.pack('>IIBBBBB',1,1,8,2,0,0,0))+c(b'IDAT',zlib.compress(b'\\x00\\x08\\x3d\\x6e'))+c(b'IEND',b''))",
            logo.display()
        ))
        .status()
        .expect("python3");
    assert!(png.success());
    let logo_path = logo.display().to_string();
    let s = TestServer::start_seeded_with_env(&[("ORG_LOGO", logo_path.as_str())]);
    let (code, _) = codes_of(&s, "anna.becker").await.remove(0);
    let c = s.login(&demo_email("anna.becker"), DEMO_PASSWORD).await;
    let bytes = c
        .get(s.url(&format!("/zertifikate/{code}/pdf")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        bytes.starts_with(b"%PDF-")
            && bytes
                .windows(13)
                .any(|w| w == b"/Subtype /Ima" || w == b"/Subtype/Imag"),
        "the logo is embedded"
    );
}
