// A real OpenID provider for the single sign-on tests: oidc-provider (OpenID Certified), with a
// few test accounts and the app's client. Playwright starts it like the app servers
// (playwright.config.ts). Its development sign-in form takes any password; an unknown login
// has no account.
import Provider from "oidc-provider";

const port = Number(process.env.E2E_OIDC_PORT ?? 4010);
const app = process.env.E2E_SSO_APP ?? "http://127.0.0.1:4011";

// Imported employees of the demo data (matched by address at the first sign-in), and newcomers
// the platform does not know (created under OIDC_PROVISIONING=create in the unit of `department`).
const accounts = {
  anna: { email: "anna.becker@musterstadt.example", name: "Anna Becker" },
  ben: { email: "ben.yilmaz@musterstadt.example", name: "Ben Yilmaz" },
  "neu-js": { email: "nele.neu@musterstadt.example", name: "Nele Neu", department: "Jugendamt" },
  "neu-nojs": { email: "nils.neu@musterstadt.example", name: "Nils Neu", department: "Jugendamt" },
};

// The sign-out question without the web font of the default page (no network in tests).
async function logoutSource(ctx, form) {
  ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
<body><h1>Do you want to sign out?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: "seepferdchen",
      client_secret: "e2e-geheimnis",
      redirect_uris: [`${app}/anmelden/sso/rueckkehr`],
      post_logout_redirect_uris: [`${app}/anmelden?abgemeldet=1`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "department"] },
  // Claims of the granted scopes in the ID token too (as Keycloak and Entra ID put them there).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ["e2e-cookie-key-not-secret"] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, email_verified: true, ...account }; } };
  },
  // Consent is given once for everyone: the app is the organisation's own.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["email", "email_verified", "name", "department"]);
    await grant.save();
    return grant;
  },
});

provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider on ${port}`));
