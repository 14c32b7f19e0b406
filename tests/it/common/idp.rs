//! A stand-in OpenID provider for the HTTP tests of single sign-on: discovery, keys and a token
//! endpoint whose next ID token a test describes (and may forge: wrong audience, issuer, nonce,
//! times, algorithm or key). The Playwright tests use a real, certified provider instead.
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

pub const CLIENT_ID: &str = "seepferdchen-test";
pub const CLIENT_SECRET: &str = "test-geheimnis";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A signing key with its id.
#[derive(Clone)]
pub struct Key {
    pub kid: String,
    key: RsaPrivateKey,
}

impl Key {
    pub fn load(kid: &str, file: &str) -> Key {
        let path = format!("{}/tests/it/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
        let pem = std::fs::read_to_string(path).expect("test key");
        Key {
            kid: kid.into(),
            key: RsaPrivateKey::from_pkcs8_pem(&pem).expect("pkcs8 key"),
        }
    }

    fn jwk(&self) -> Value {
        let public = self.key.to_public_key();
        json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
            "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be()),
        })
    }

    /// A compact JWS (RS256) of these claims.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signer = SigningKey::<sha2::Sha256>::new(self.key.clone());
        let signature = signer.sign(input.as_bytes()).to_vec();
        format!("{input}.{}", b64(&signature))
    }
}

/// An unsigned token (`alg: none`).
pub fn unsigned(claims: &Value) -> String {
    let header = json!({"alg": "none", "typ": "JWT"});
    format!(
        "{}.{}.",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

/// What the token endpoint answers next: an ID token built by the test.
pub enum Next {
    Token(String),
    /// The standard claims for this nonce, signed with the published key.
    Claims(Value),
}

pub struct Inner {
    pub issuer: String,
    /// Keys in the JWKS.
    pub published: Vec<Key>,
    /// The key tokens are signed with by `Next::Claims`.
    pub signer: Key,
    pub next: Option<Next>,
    pub used_codes: HashSet<String>,
    pub token_requests: usize,
    pub jwks_requests: usize,
}

#[derive(Clone)]
pub struct Idp(pub Arc<Mutex<Inner>>);

impl Idp {
    /// Starts the provider on a random port of this test's runtime.
    pub async fn start() -> Idp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let key = Key::load("key-1", "idp-key.pem");
        let idp = Idp(Arc::new(Mutex::new(Inner {
            issuer,
            published: vec![key.clone()],
            signer: key,
            next: None,
            used_codes: HashSet::new(),
            token_requests: 0,
            jwks_requests: 0,
        })));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(idp.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        idp
    }

    pub fn issuer(&self) -> String {
        self.0.lock().expect("lock").issuer.clone()
    }

    /// The claims a well-behaved provider would put into the ID token.
    pub fn claims(&self, nonce: &str, sub: &str, email: &str) -> Value {
        let now = now();
        json!({
            "iss": self.issuer(), "aud": CLIENT_ID, "sub": sub, "nonce": nonce,
            "iat": now, "exp": now + 300, "email": email, "name": "Anna Becker",
        })
    }

    pub fn next(&self, next: Next) {
        self.0.lock().expect("lock").next = Some(next);
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

async fn discovery(State(idp): State<Idp>) -> Json<Value> {
    let issuer = idp.issuer();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "end_session_endpoint": format!("{issuer}/session/end"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
    }))
}

async fn jwks(State(idp): State<Idp>) -> Json<Value> {
    let mut inner = idp.0.lock().expect("lock");
    inner.jwks_requests += 1;
    let keys: Vec<Value> = inner.published.iter().map(Key::jwk).collect();
    Json(json!({ "keys": keys }))
}

async fn token(State(idp): State<Idp>, Form(form): Form<Vec<(String, String)>>) -> Response {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut inner = idp.0.lock().expect("lock");
    inner.token_requests += 1;
    let code = field("code");
    if field("grant_type") != "authorization_code"
        || field("code_verifier").len() < 43
        || !inner.used_codes.insert(code)
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let id_token = match inner.next.take() {
        Some(Next::Token(t)) => t,
        Some(Next::Claims(c)) => inner.signer.sign(&c),
        None => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_request"})),
            )
                .into_response()
        }
    };
    Json(json!({
        "access_token": "zugriff", "token_type": "Bearer", "expires_in": 300, "id_token": id_token,
    }))
    .into_response()
}
