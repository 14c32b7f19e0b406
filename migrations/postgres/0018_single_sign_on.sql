-- Single sign-on (issue 14). A person signed in by an OpenID provider is known by the provider's
-- issuer and subject from then on; the e-mail address matches only the first time, so an address
-- changed at the provider neither creates a second account nor takes over another one.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc ON users (oidc_issuer, oidc_subject);

-- How a session began ('password' or 'sso'), and for SSO the ID token, which the provider's
-- sign-out asks for as a hint.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'sso'));
ALTER TABLE sessions ADD COLUMN id_token TEXT;

-- A sign-in sent to the provider and not back yet: the hash of its state, bound to the browser
-- that began it (the hash of a cookie), with the nonce and PKCE verifier it must come back with.
-- Taken (deleted) when the browser comes back, so a callback works once.
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX sso_logins_created ON sso_logins (created_at);
