//! Single sign-on with OpenID Connect: the authorization code flow with PKCE, `state` and
//! `nonce`, through the `openidconnect` crate.
//!
//! The provider's metadata and keys are fetched when first needed and kept for an hour, so the
//! server starts, and admins sign in with their password, while the provider is down. An ID
//! token signed with a key we do not know makes us fetch the keys once more: the provider has
//! rotated them. A sign-in on its way through the provider lives in the database, bound to the
//! browser that began it, because the browser may come back to another app instance; taking it
//! deletes it, so a callback works once. Names, addresses and units are read from the verified
//! ID token only. A refusal is logged with its reason, never with a token.
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, RedirectUrl, RequestTokenError, Scope,
    SignatureVerificationError, TokenResponse,
};
use openidconnect::{LogoutRequest, ProviderMetadataWithLogout};
use serde_json::{json, Map, Value};

use super::{random_token, throttle, token_hash};
use crate::error::AppError;
use crate::server::accounts;
use crate::server::config::{Provisioning, SsoConfig};
use crate::server::db::{self, audit};
use crate::server::state::AppState;

pub const START_PATH: &str = "/anmelden/sso";
pub const CALLBACK_PATH: &str = "/anmelden/sso/rueckkehr";
/// The cookie that binds a pending sign-in to the browser that began it.
pub const BROWSER_COOKIE: &str = "sso";
/// How long a person may take at the provider.
pub const PENDING_SECONDS: i64 = 600;
const METADATA_SECONDS: u64 = 3600;
/// Clock difference to the provider that an ID token's issue time may show.
const CLOCK_SKEW_SECONDS: i64 = 300;

/// Why a single sign-on was refused. The sign-in page explains each (`?sso=<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
pub enum Refusal {
    /// The answer belongs to no sign-in of this browser (unknown, used, too old, forged).
    #[strum(serialize = "sitzung")]
    State,
    /// The provider reported an error or the person cancelled.
    #[strum(serialize = "abgebrochen")]
    Cancelled,
    /// The code or the ID token was refused (replayed code, wrong audience, issuer, nonce,
    /// signature, expired).
    #[strum(serialize = "token")]
    Token,
    /// Nobody with this identity may use the platform (provisioning `existing`).
    #[strum(serialize = "unbekannt")]
    Unknown,
    #[strum(serialize = "deaktiviert")]
    Inactive,
    /// The provider cannot be reached.
    #[strum(serialize = "stoerung")]
    Unavailable,
    /// The ID token names no usable e-mail address.
    #[strum(serialize = "adresse")]
    NoEmail,
    /// The address belongs to a person already linked to another identity.
    #[strum(serialize = "verknuepft")]
    Conflict,
    #[strum(serialize = "gesperrt")]
    Throttled,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<Refusal> {
        code.parse().ok()
    }
}

/// A refusal with its reason for the log, or an internal error.
#[derive(Debug)]
pub enum Failure {
    Refused(Refusal, String),
    Internal(AppError),
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Failure {
        Failure::Internal(e.into())
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        Failure::Internal(e)
    }
}

fn refused(r: Refusal, why: impl Into<String>) -> Failure {
    Failure::Refused(r, why.into())
}

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider as this installation talks to it.
pub struct Sso {
    pub config: SsoConfig,
    /// `scheme://host[:port]` of the issuer (the page's CSP lets the sign-out form go there).
    pub issuer_origin: String,
    base_url: String,
    http: reqwest::Client,
    metadata: tokio::sync::RwLock<Option<(Instant, ProviderMetadataWithLogout)>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The parameters the provider sends the browser back with.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// The provider's issuer (RFC 9207), where it sends it: must be ours.
    pub iss: Option<String>,
}

/// A completed sign-in.
pub struct SignedIn {
    pub user_id: i64,
    pub id_token: String,
    pub next: String,
}

/// What the verified ID token says about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
}

impl Sso {
    /// Built at start; nothing is fetched until the first sign-in.
    pub fn new(config: SsoConfig, base_url: &str) -> Sso {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send us anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            // Fails only when the TLS backend cannot start, which the default client reports
            // at start, not on a request.
            .unwrap_or_default();
        let issuer_origin = url::Url::parse(&config.issuer)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        Sso {
            config,
            issuer_origin,
            base_url: base_url.trim_end_matches('/').to_string(),
            http,
            metadata: tokio::sync::RwLock::new(None),
        }
    }

    async fn provider(&self, fresh: bool) -> Result<ProviderMetadataWithLogout, Failure> {
        if !fresh {
            if let Some((at, m)) = &*self.metadata.read().await {
                if at.elapsed() < Duration::from_secs(METADATA_SECONDS) {
                    return Ok(m.clone());
                }
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| refused(Refusal::Unavailable, format!("issuer URL: {e}")))?;
        match ProviderMetadataWithLogout::discover_async(issuer, &self.http).await {
            Ok(m) => {
                *self.metadata.write().await = Some((Instant::now(), m.clone()));
                Ok(m)
            }
            Err(e) => Err(refused(
                Refusal::Unavailable,
                format!("provider discovery failed: {e}"),
            )),
        }
    }

    fn client(&self, m: ProviderMetadataWithLogout) -> Result<Client, Failure> {
        let redirect = RedirectUrl::new(format!("{}{CALLBACK_PATH}", self.base_url))
            .map_err(|e| refused(Refusal::Unavailable, format!("redirect URL: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            m,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Begins a sign-in: stores it and returns the provider's URL to send the browser to, and
    /// the value of the browser cookie.
    pub async fn begin(&self, state: &AppState, next: &str) -> Result<(String, String), Failure> {
        let client = self.client(self.provider(false).await?)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.config.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
        let browser = random_token();
        db::sso::insert_pending(
            &state.db,
            &db::sso::Pending {
                state_hash: token_hash(csrf.secret()),
                browser_hash: token_hash(&browser),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next: next.to_string(),
                created_at: state.clock.now(),
            },
        )
        .await?;
        Ok((url.to_string(), browser))
    }

    /// Completes a sign-in from the provider's answer: checks it belongs to this browser's
    /// pending sign-in, exchanges the code, verifies the ID token and finds (or creates) the
    /// person.
    pub async fn finish(
        &self,
        app: &AppState,
        answer: Callback,
        browser: Option<String>,
        ip: &str,
    ) -> Result<SignedIn, Failure> {
        let now = app.clock.now();
        let state_param = answer
            .state
            .filter(|s| !s.is_empty() && s.len() <= 512)
            .ok_or_else(|| refused(Refusal::State, "no state"))?;
        let state_hash = token_hash(&state_param);
        // Failed callbacks count against the address like failed passwords.
        let attempt = db::login_attempts::reserve(
            &app.db,
            &format!("sso:{}", &state_hash[..16]),
            ip,
            now,
            now - throttle::WINDOW_SECONDS,
            throttle::allowed,
        )
        .await?
        .ok_or_else(|| refused(Refusal::Throttled, "too many failed sign-ins"))?;
        let pending = db::sso::take_pending(&app.db, &state_hash)
            .await?
            .ok_or_else(|| refused(Refusal::State, "unknown or used state"))?;
        if browser.map(|b| token_hash(&b)).as_deref() != Some(pending.browser_hash.as_str()) {
            return Err(refused(Refusal::State, "state of another browser"));
        }
        if now - pending.created_at > PENDING_SECONDS {
            return Err(refused(Refusal::State, "sign-in took too long"));
        }
        if answer.iss.as_deref().is_some_and(|iss| {
            iss.trim_end_matches('/') != self.config.issuer.trim_end_matches('/')
        }) {
            return Err(refused(Refusal::Token, "answer from another issuer (iss)"));
        }
        if let Some(error) = answer.error {
            let error: String = error.chars().take(64).collect();
            return Err(refused(
                Refusal::Cancelled,
                format!("provider answered {error:?}"),
            ));
        }
        let code = answer
            .code
            .filter(|c| !c.is_empty() && c.len() <= 4096)
            .ok_or_else(|| refused(Refusal::State, "no code"))?;
        let client = self.client(self.provider(false).await?)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| refused(Refusal::Unavailable, format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => refused(
                    Refusal::Token,
                    format!("token endpoint refused the code: {}", r.error()),
                ),
                RequestTokenError::Request(e) => refused(
                    Refusal::Unavailable,
                    format!("token endpoint not reachable: {e}"),
                ),
                other => refused(
                    Refusal::Token,
                    format!("token endpoint answer unusable: {}", error_kind(&other)),
                ),
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| refused(Refusal::Token, "no ID token"))?
            .clone();
        let nonce = Nonce::new(pending.nonce);
        let verified = match verify(&client, &id_token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // The provider may have rotated its keys since we fetched them.
                let client = self.client(self.provider(true).await?)?;
                verify(&client, &id_token, &nonce)
            }
            other => other,
        };
        let (issuer, subject) = verified.map_err(|e| {
            refused(
                Refusal::Token,
                format!("ID token refused: {}", verification_kind(&e)),
            )
        })?;
        let raw = id_token.to_string();
        let claims = payload(&raw).ok_or_else(|| refused(Refusal::Token, "payload not JSON"))?;
        if claims
            .get("nbf")
            .and_then(Value::as_i64)
            .is_some_and(|nbf| nbf > unix_now() + CLOCK_SKEW_SECONDS)
        {
            return Err(refused(Refusal::Token, "ID token not valid yet (nbf)"));
        }
        let identity = self.identity(issuer, subject, &claims);
        let user_id = sign_in(app, &self.config, &identity, now).await?;
        db::login_attempts::succeeded(&app.db, attempt).await?;
        Ok(SignedIn {
            user_id,
            id_token: raw,
            next: pending.next,
        })
    }

    fn identity(&self, issuer: String, subject: String, claims: &Map<String, Value>) -> Identity {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Identity {
            issuer,
            subject,
            email: text(&self.config.email_claim).map(|e| accounts::normalize_email(&e)),
            name: text(&self.config.name_claim),
            unit: self.config.unit_claim.as_deref().and_then(|c| {
                // A group claim is a list: its first entry that names a unit counts (see
                // `resolve_unit`); a plain claim is a string.
                match claims.get(c) {
                    Some(Value::Array(items)) => {
                        let names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                        (!names.is_empty()).then(|| names.join("\n"))
                    }
                    _ => text(c),
                }
            }),
        }
    }

    /// Where to send the browser to sign out at the provider too (RP-initiated logout), if it
    /// offers that; None when it does not or cannot be reached (the platform session is ended
    /// either way).
    pub async fn logout_url(&self, id_token: Option<&str>) -> Option<String> {
        let m = match self.provider(false).await {
            Ok(m) => m,
            Err(Failure::Refused(_, why)) => {
                tracing::warn!(reason = %why, "SSO: provider sign-out not possible");
                return None;
            }
            Err(Failure::Internal(_)) => return None,
        };
        let end = m.additional_metadata().end_session_endpoint.clone()?;
        let back =
            PostLogoutRedirectUrl::new(format!("{}/anmelden?abgemeldet=1", self.base_url)).ok()?;
        let mut request = LogoutRequest::from(end)
            .set_client_id(ClientId::new(self.config.client_id.clone()))
            .set_post_logout_redirect_uri(back);
        if let Some(token) = id_token.and_then(|t| t.parse::<CoreIdToken>().ok()) {
            request = request.set_id_token_hint(&token);
        }
        Some(request.http_get_url().to_string())
    }
}

/// Verifies signature, issuer, audience, expiry, issue time and nonce; returns issuer and
/// subject.
fn verify(
    client: &Client,
    token: &CoreIdToken,
    nonce: &Nonce,
) -> Result<(String, String), ClaimsVerificationError> {
    let now = unix_now();
    let verifier = client
        .id_token_verifier()
        .set_issue_time_verifier_fn(move |iat| {
            if iat.timestamp() > now + CLOCK_SKEW_SECONDS {
                Err("issued in the future".into())
            } else {
                Ok(())
            }
        });
    let claims = token.claims(&verifier, nonce)?;
    Ok((claims.issuer().to_string(), claims.subject().to_string()))
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The claims of a JWT (already verified) as JSON.
fn payload(jwt: &str) -> Option<Map<String, Value>> {
    use base64::Engine;
    let part = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The kind of a verification error, for the log (its text may quote claims, never the token).
fn verification_kind(e: &ClaimsVerificationError) -> String {
    match e {
        // Also the issue-time check ("issued in the future"): the crate reports both as Expired.
        ClaimsVerificationError::Expired(why) => {
            format!("time: {}", why.chars().take(80).collect::<String>())
        }
        ClaimsVerificationError::InvalidAudience(_) => "wrong audience".into(),
        ClaimsVerificationError::InvalidIssuer(_) => "wrong issuer".into(),
        ClaimsVerificationError::InvalidNonce(_) => "wrong nonce".into(),
        ClaimsVerificationError::SignatureVerification(s) => format!("signature: {s}"),
        ClaimsVerificationError::Unsupported(_) => "unsupported".into(),
        ClaimsVerificationError::Other(why) => why.chars().take(80).collect(),
        other => format!("{other}").chars().take(80).collect(),
    }
}

fn error_kind<E: std::error::Error>(e: &E) -> String {
    e.to_string().chars().take(80).collect()
}

/// The unit a claim names: by code, by path or (where unique) by the tail of a path, each
/// without regard to case; for a list (groups), the first entry that names one.
pub fn resolve_unit(units: &[crate::model::OrgUnit], claim: &str) -> Option<i64> {
    let keys = accounts::unit_keys(units);
    claim.lines().map(str::trim).find_map(|value| {
        units
            .iter()
            .find(|u| {
                u.code
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(value))
            })
            .map(|u| u.id)
            .or_else(|| keys.get(&accounts::csv_import::unit_key(value)).copied())
    })
}

/// Finds the person of an identity (by issuer and subject; the first time by e-mail address),
/// or creates them under `create`; links the subject, updates name and unit from the claims and
/// writes every change and the sign-in to the audit log, in one transaction.
pub async fn sign_in(
    app: &AppState,
    config: &SsoConfig,
    who: &Identity,
    now: i64,
) -> Result<i64, Failure> {
    let units = accounts::tree(&db::org_units::structure(&app.db.pool).await?);
    let claimed_unit = who.unit.as_deref().and_then(|c| resolve_unit(&units, c));
    if who.unit.is_some() && claimed_unit.is_none() {
        tracing::warn!("SSO: the unit claim names no known org unit; the unit stays as it is");
    }
    let unit_name = |id: Option<i64>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let mut tx = app.db.begin().await?;
    let mut created = false;
    let mut linked = false;
    let id = match db::sso::user_by_subject(&mut *tx, &who.issuer, &who.subject).await? {
        Some(id) => id,
        None => {
            let email = who
                .email
                .clone()
                .filter(|e| accounts::plausible_email(e))
                .ok_or_else(|| refused(Refusal::NoEmail, "no usable e-mail claim"))?;
            match db::sso::user_by_email(&mut *tx, &email).await? {
                Some((_, true)) => {
                    return Err(refused(
                        Refusal::Conflict,
                        "the address belongs to a person linked to another identity",
                    ))
                }
                Some((id, false)) => {
                    linked = true;
                    id
                }
                None if config.provisioning == Provisioning::Create => {
                    let default_unit = config
                        .default_unit
                        .as_deref()
                        .and_then(|d| resolve_unit(&units, d));
                    let name = who
                        .name
                        .as_deref()
                        .and_then(accounts::valid_name)
                        .unwrap_or(email.as_str())
                        .to_string();
                    created = true;
                    db::users::insert(
                        &mut *tx,
                        &db::users::NewUser {
                            email: &email,
                            display_name: &name,
                            personnel_no: None,
                            org_unit_id: claimed_unit.or(default_unit),
                            role: crate::model::Role::Employee,
                            now,
                        },
                    )
                    .await?
                }
                None => {
                    return Err(refused(
                        Refusal::Unknown,
                        "nobody with this address (provisioning: existing)",
                    ))
                }
            }
        }
    };
    if created || linked {
        db::sso::link(&mut *tx, id, &who.issuer, &who.subject).await?;
    }
    let person = db::users::get(&mut *tx, id)
        .await?
        .ok_or(Failure::Internal(AppError::NotFound))?;
    if !person.active {
        return Err(refused(Refusal::Inactive, "the person is deactivated"));
    }
    // (action, details) of what this sign-in did, for the audit log.
    let mut entries: Vec<(&str, String)> = Vec::new();
    if created {
        entries.push((
            "user.sso_create",
            audit_details(json!({"unit": unit_name(person.org_unit_id)})),
        ));
    } else {
        if linked {
            entries.push(("user.sso_link", audit_details(json!({}))));
        }
        let name = who
            .name
            .as_deref()
            .and_then(accounts::valid_name)
            .filter(|n| *n != person.display_name);
        let unit = claimed_unit.filter(|u| Some(*u) != person.org_unit_id);
        if name.is_some() || unit.is_some() {
            let new_unit = unit.or(person.org_unit_id);
            db::users::update(
                &mut tx,
                id,
                &db::users::UserUpdate {
                    display_name: name.unwrap_or(&person.display_name),
                    org_unit_id: new_unit,
                    role: person.role,
                    active: true,
                    today: crate::server::tracking::today(now),
                },
            )
            .await?;
            let mut d = Map::new();
            d.insert("source".into(), "sso".into());
            if let Some(n) = name {
                d.insert("name".into(), json!([person.display_name, n]));
            }
            if unit.is_some() {
                d.insert(
                    "unit".into(),
                    json!([unit_name(person.org_unit_id), unit_name(new_unit)]),
                );
            }
            entries.push(("user.update", Value::Object(d).to_string()));
        }
    }
    entries.push(("session.sign_in", audit_details(json!({"method": "sso"}))));
    let actor = format!("{} <{}>", person.display_name, person.email);
    for (action, details) in &entries {
        audit::write(
            &mut *tx,
            &audit::Entry {
                at: now,
                actor_id: Some(id),
                actor: &actor,
                action,
                target: &person.email,
                details,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

fn audit_details(v: Value) -> String {
    crate::server::audit::details(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OrgUnit;

    fn unit(
        id: i64,
        parent: Option<i64>,
        name: &str,
        code: Option<&str>,
    ) -> crate::server::db::org_units::UnitRow {
        crate::server::db::org_units::UnitRow {
            id,
            parent_id: parent,
            name: name.into(),
            code: code.map(str::to_string),
            member_count: 0,
        }
    }

    #[test]
    fn a_claim_names_a_unit_by_code_path_or_unique_name() {
        let units: Vec<OrgUnit> = accounts::tree(&[
            unit(1, None, "Dezernat II", Some("D2")),
            unit(2, Some(1), "Amt 36", Some("36")),
            unit(3, None, "Dezernat III", None),
            unit(4, Some(3), "Bürgerbüro", None),
            unit(5, Some(1), "Bürgerbüro", None),
        ]);
        assert_eq!(resolve_unit(&units, "36"), Some(2));
        assert_eq!(resolve_unit(&units, "d2"), Some(1));
        assert_eq!(resolve_unit(&units, "amt 36"), Some(2));
        assert_eq!(resolve_unit(&units, "Dezernat III / Bürgerbüro"), Some(4));
        // Two units of that name: only a path decides.
        assert_eq!(resolve_unit(&units, "Bürgerbüro"), None);
        assert_eq!(resolve_unit(&units, "Amt 99"), None);
        // A group list: the first entry that names a unit.
        assert_eq!(resolve_unit(&units, "alle-mitarbeitenden\nD2"), Some(1));
    }

    #[test]
    fn refusal_codes_round_trip() {
        for r in [
            Refusal::State,
            Refusal::Cancelled,
            Refusal::Token,
            Refusal::Unknown,
            Refusal::Inactive,
            Refusal::Unavailable,
            Refusal::NoEmail,
            Refusal::Conflict,
            Refusal::Throttled,
        ] {
            assert_eq!(Refusal::from_code(r.code()), Some(r));
        }
        assert_eq!(Refusal::from_code("x"), None);
    }

    #[test]
    fn reads_the_payload_of_a_jwt() {
        // {"sub":"a","n":1}
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIiwibiI6MX0.c2ln";
        let p = payload(jwt).expect("payload");
        assert_eq!(p.get("sub"), Some(&json!("a")));
        assert_eq!(payload("a.b.c"), None);
        assert_eq!(payload("nur-ein-teil"), None);
    }
}
