//! Certificates: an unguessable public code, a canonical payload signed with Ed25519, and the
//! PDF. The signed payload is exactly what `/verify/<code>.json` returns, so anyone holding the
//! published public key can check a certificate offline.
pub mod pdf;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Crockford base32 (no I, L, O, U): easy to read aloud and to type.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new code: 130 random bits as 26 base32 characters.
pub fn new_code() -> String {
    let mut bytes = [0u8; 17];
    rand::rng().fill_bytes(&mut bytes);
    let mut bits: u128 = 0;
    let mut out = String::with_capacity(26);
    // 16 bytes give 128 bits; two more bits come from the 17th byte.
    for b in &bytes[..16] {
        bits = (bits << 8) | u128::from(*b);
    }
    for i in 0..25 {
        let shift = 128 - 5 * (i + 1);
        out.push(ALPHABET[((bits >> shift) & 31) as usize] as char);
    }
    let last = ((bits & 0b111) << 2) as u8 | (bytes[16] & 0b11);
    out.push(ALPHABET[last as usize] as char);
    out
}

/// The code as people read it: groups of four, "ABCD-EFGH-…".
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed or scanned: upper case, without separators; None if it cannot be one.
pub fn normalize_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == 26 && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The signed fields, in a fixed order (serde keeps declaration order), so the bytes that are
/// signed are always the same for the same certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub code: String,
    pub holder: String,
    pub course: String,
    pub course_title: String,
    pub level: String,
    pub content_version: String,
    pub completed_on: String,
    pub valid_until: String,
    pub issuer: String,
    pub topics: Vec<String>,
    pub key_id: String,
    /// How a recorded completion took place ("Präsenzschulung", "Webinar", "Externe
    /// Schulung"); absent for a passed online test, so older payloads keep their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl Payload {
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// The key pair that signs certificates.
#[derive(Clone)]
pub struct CertificateKey {
    key: SigningKey,
    pub key_id: String,
}

impl std::fmt::Debug for CertificateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Key id: the first 16 hex characters of SHA-256 over the public key.
pub fn key_id(public: &[u8; 32]) -> String {
    hex(&Sha256::digest(public))[..16].to_string()
}

impl CertificateKey {
    pub fn generate() -> CertificateKey {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        CertificateKey::from_secret(&secret)
    }

    pub fn from_secret(secret: &[u8; 32]) -> CertificateKey {
        let key = SigningKey::from_bytes(secret);
        let key_id = key_id(key.verifying_key().as_bytes());
        CertificateKey { key, key_id }
    }

    pub fn secret_hex(&self) -> String {
        hex(self.key.as_bytes())
    }

    pub fn public_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    pub fn sign(&self, payload: &Payload) -> String {
        hex(&self.key.sign(&payload.canonical_bytes()).to_bytes())
    }
}

/// What a passed course taught: the content's hash and, for a course with the live
/// KI-Register, which register (see `register::learner::stamp`).
pub struct Taught<'a> {
    pub content_hash: &'a str,
    pub register: Option<&'a str>,
    pub completion_id: i64,
}

/// Issues the certificate of a course completion, inside the completion's transaction.
pub async fn issue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &crate::server::state::AppState,
    actor: &crate::server::auth::authz::Actor,
    course: &crate::server::content::Course,
    taught: &Taught<'_>,
    now: i64,
) -> Result<String, crate::error::AppError> {
    let completion = Completion {
        holder_id: actor.id(),
        holder: &actor.user.display_name,
        content_hash: taught.content_hash,
        completion_id: taught.completion_id,
        completed: crate::i18n::Date::in_germany(now),
        format: None,
        register: taught.register.map(str::to_string),
    };
    issue_for(tx, state, course, &completion, now).await
}

/// Whose completion a certificate attests, of which content, when and how.
pub struct Completion<'a> {
    pub holder_id: i64,
    pub holder: &'a str,
    pub content_hash: &'a str,
    pub completion_id: i64,
    pub completed: crate::i18n::Date,
    /// The form of a recorded completion, as the certificate names it.
    pub format: Option<String>,
    /// For a course that teaches the live KI-Register: which systems in which version it
    /// showed (see `register::learner::stamp`), part of the signed content version.
    pub register: Option<String>,
}

/// Issues the certificate of any completion (a passed test or a recorded training), inside
/// the completion's transaction; validity counts from the day of completion.
pub async fn issue_for(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &crate::server::state::AppState,
    course: &crate::server::content::Course,
    c: &Completion<'_>,
    now: i64,
) -> Result<String, crate::error::AppError> {
    let (completed, content_hash, completion_id) = (c.completed, c.content_hash, c.completion_id);
    let valid_until = completed.add_months(course.validity_months);
    let payload = Payload {
        code: new_code(),
        holder: c.holder.to_string(),
        course: course.slug.clone(),
        course_title: course.title.clone(),
        level: course.level.code().into(),
        content_version: match &c.register {
            Some(r) => format!("{} ({content_hash}; {r})", course.version),
            None => format!("{} ({content_hash})", course.version),
        },
        completed_on: completed.iso(),
        valid_until: valid_until.iso(),
        issuer: state.config.org_name.clone(),
        topics: course.modules.iter().map(|m| m.title.clone()).collect(),
        key_id: state.cert_key.key_id.clone(),
        format: c.format.clone(),
    };
    let signature = state.cert_key.sign(&payload);
    let json = serde_json::to_string(&payload).map_err(crate::error::AppError::internal)?;
    crate::server::db::certificates::insert(
        &mut **tx,
        &crate::server::db::certificates::NewCertificate {
            code: &payload.code,
            user_id: c.holder_id,
            completion_id,
            payload: &json,
            signature: &signature,
            key_id: &payload.key_id,
            course_slug: &course.slug,
            valid_until_day: valid_until.to_days(),
            now,
        },
    )
    .await?;
    crate::server::db::course_status::refresh(tx, c.holder_id, &course.slug).await?;
    state.metrics.certificates_issued.inc();
    Ok(payload.code)
}

/// Status of a stored certificate today; `window`: its course's re-enrolment window in days.
pub fn status(
    row: &crate::server::db::certificates::CertificateRow,
    today: i64,
    window: i64,
) -> crate::model::CertStatus {
    use crate::model::CertStatus;
    if row.revoked_at.is_some() {
        CertStatus::Revoked
    } else if row.valid_until_day < today {
        CertStatus::Expired
    } else if row.valid_until_day - today <= window {
        CertStatus::Expiring
    } else {
        CertStatus::Valid
    }
}

/// The list entry of a stored certificate.
pub fn summary(
    row: &crate::server::db::certificates::CertificateRow,
    today: i64,
    window: i64,
) -> Option<crate::model::CertificateSummary> {
    let p: Payload = serde_json::from_str(&row.payload).ok()?;
    Some(crate::model::CertificateSummary {
        code: row.code.clone(),
        code_grouped: grouped(&row.code),
        holder: p.holder,
        course_title: p.course_title,
        completed_on: crate::server::content::parse_date(&p.completed_on)?,
        valid_until: crate::server::content::parse_date(&p.valid_until)?,
        status: status(row, today, window),
    })
}

/// The newest signing key from the database, created at first start. Several instances
/// starting at once converge on the same key.
pub async fn load_or_create_key(
    db: &crate::server::db::Db,
    now: i64,
) -> Result<CertificateKey, String> {
    use crate::server::db::certificates as certs;
    let from_row = |(id, secret): (String, String)| -> Result<CertificateKey, String> {
        let bytes = unhex(&secret).ok_or("stored signing key is not hex")?;
        let arr = <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| "stored signing key has the wrong length")?;
        let key = CertificateKey::from_secret(&arr);
        if key.key_id != id {
            return Err(format!("stored signing key {id} does not match its id"));
        }
        Ok(key)
    };
    if let Some(row) = certs::newest_key(db).await.map_err(|e| e.to_string())? {
        return from_row(row);
    }
    let key = CertificateKey::generate();
    let row = certs::insert_first_key(db, &key.key_id, &key.secret_hex(), &key.public_hex(), now)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no signing key after creating one")?;
    from_row(row)
}

/// Checks a signature (hex) over a payload with a public key (hex).
pub fn verify(public_hex: &str, payload: &Payload, signature_hex: &str) -> bool {
    let (Some(pk), Some(sig)) = (unhex(public_hex), unhex(signature_hex)) else {
        return false;
    };
    let (Ok(pk), Ok(sig)) = (
        <[u8; 32]>::try_from(pk.as_slice()),
        <[u8; 64]>::try_from(sig.as_slice()),
    ) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    key.verify(&payload.canonical_bytes(), &Signature::from_bytes(&sig))
        .is_ok()
        && key
            .verify_strict(&payload.canonical_bytes(), &Signature::from_bytes(&sig))
            .is_ok()
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn payload() -> Payload {
        Payload {
            code: new_code(),
            holder: "Anna Becker".into(),
            course: "ki-seepferdchen".into(),
            course_title: "KI-Seepferdchen".into(),
            level: "seepferdchen".into(),
            content_version: "1.1 (c764859be2fb)".into(),
            completed_on: "2026-11-26".into(),
            valid_until: "2028-11-26".into(),
            issuer: "Stadt Musterstadt".into(),
            topics: vec!["Was ist KI?".into(), "Datenschutz".into()],
            key_id: "0123456789abcdef".into(),
            format: None,
        }
    }

    #[test]
    fn codes_are_random_readable_and_normalizable() {
        let a = new_code();
        assert_eq!(a.len(), 26);
        assert_ne!(a, new_code());
        assert_eq!(normalize_code(&grouped(&a).to_lowercase()), Some(a.clone()));
        assert_eq!(grouped(&a).len(), 26 + 6);
        assert_eq!(normalize_code("kurz"), None);
        assert_eq!(
            normalize_code(&"U".repeat(26)),
            None,
            "U is not in the alphabet"
        );
    }

    #[test]
    fn signatures_verify_and_payload_bytes_are_stable() {
        let s = CertificateKey::generate();
        let p = payload();
        assert_eq!(p.canonical_bytes(), p.clone().canonical_bytes());
        let sig = s.sign(&p);
        assert!(verify(&s.public_hex(), &p, &sig));
        let other = CertificateKey::generate();
        assert!(!verify(&other.public_hex(), &p, &sig), "another key");
        let restored = CertificateKey::from_secret(
            &<[u8; 32]>::try_from(unhex(&s.secret_hex()).unwrap().as_slice()).unwrap(),
        );
        assert_eq!(restored.key_id, s.key_id);
        assert_eq!(restored.sign(&p), sig, "Ed25519 is deterministic");
    }

    /// 1,000 random mutations of certificate fields or signature bytes: none is accepted.
    #[test]
    fn thousand_mutations_are_all_rejected() {
        let s = CertificateKey::generate();
        let p = payload();
        let sig = s.sign(&p);
        let mut rng = StdRng::seed_from_u64(4);
        let mut accepted = 0;
        for i in 0..1000 {
            let mut q = p.clone();
            let mut sig2 = unhex(&sig).unwrap();
            match i % 6 {
                0 => q.holder.push(rng.random_range('a'..='z')),
                1 => q.valid_until = format!("20{:02}-11-26", rng.random_range(29..99)),
                2 => q.course_title = format!("{} {}", q.course_title, rng.random::<u16>()),
                3 => q.topics.push(format!("Extra {}", rng.random::<u32>())),
                4 => q.code = new_code(),
                _ => {
                    let at = rng.random_range(0..64);
                    sig2[at] ^= 1 << rng.random_range(0..8);
                }
            }
            if verify(&s.public_hex(), &q, &hex(&sig2)) {
                accepted += 1;
            }
        }
        println!("1,000 mutations: {accepted} accepted");
        assert_eq!(accepted, 0);
    }
}
