import { defineConfig } from "@playwright/test";
import { join } from "node:path";

// The server is started by Playwright on a free port (E2E_PORT, chosen by scripts/test.sh)
// with a fresh SQLite database in E2E_DIR.
const port = Number(process.env.E2E_PORT ?? 3999);
const dir = process.env.E2E_DIR ?? "/tmp/seepferdchen-e2e";
const baseURL = `http://127.0.0.1:${port}`;
// A second server whose clock the coordination test moves (TEST_CLOCK_FILE): due dates pass
// without waiting, and the other tests' sessions are not affected.
const clockPort = Number(process.env.E2E_CLOCK_PORT ?? port + 1);
export const clockFile = join(dir, "clock-offset");
const serverBin = process.env.SERVER_BIN ?? "../target/debug/seepferdchen";
// A third server that sends mail to a real SMTP server (aiosmtpd, storing into a Maildir the
// rollout test reads); the other servers send none, so their tests see links on screen.
const mailPort = Number(process.env.E2E_MAIL_PORT ?? port + 2);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? port + 3);
export const maildir = join(dir, "Maildir");
// Single sign-on: a real OpenID provider (oidc-provider) and a server that signs in through it.
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? port + 4);
const ssoPort = Number(process.env.E2E_SSO_PORT ?? port + 5);
const ssoApp = `http://127.0.0.1:${ssoPort}`;

/** Demo data (accounts, org units) first, then the server, on its own SQLite database. */
function server(p: number, database: string, extra: Record<string, string> = {}) {
  return {
    command: `${serverBin} demo seed && ${serverBin} serve`,
    url: `http://127.0.0.1:${p}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    cwd: "..",
    env: {
      DATABASE_URL: `sqlite://${join(dir, database)}`,
      BIND_ADDR: `127.0.0.1:${p}`,
      SITE_ROOT: process.env.SITE_ROOT ?? "target/site",
      LOG_LEVEL: "warn",
      ORG_NAME: "Stadt Musterhausen",
      CONTENT_DIR: process.env.E2E_CONTENT_DIR ?? "content",
      ...extra,
    },
  };
}

export default defineConfig({
  testDir: "./tests",
  // Long multi-step flows (final test, certificate, axe in two contexts) on a 2-core machine.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  forbidOnly: !!process.env.CI,
  use: {
    baseURL,
    locale: "de-DE",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    // Long names and addresses for the sweeps, once, before both JavaScript modes.
    { name: "setup", testMatch: /long-content\.setup\.ts/ },
    // JavaScript on: the islands (the few interactive components) are live.
    { name: "islands", use: { javaScriptEnabled: true }, testIgnore: /coordination\.spec|rollout\.spec|sso\.spec/, dependencies: ["setup"] },
    { name: "no-js", use: { javaScriptEnabled: false }, testIgnore: /coordination\.spec|rollout\.spec|sso\.spec/, dependencies: ["setup"] },
    // Single sign-on through the real provider, in both modes.
    { name: "sso", use: { javaScriptEnabled: true, baseURL: ssoApp }, testMatch: /sso\.spec/ },
    { name: "sso-no-js", use: { javaScriptEnabled: false, baseURL: ssoApp }, testMatch: /sso\.spec/ },
    // The rollout by mail, in both modes, on the mail server.
    { name: "mail", use: { javaScriptEnabled: true, baseURL: `http://127.0.0.1:${mailPort}` }, testMatch: /rollout\.spec/ },
    { name: "mail-no-js", use: { javaScriptEnabled: false, baseURL: `http://127.0.0.1:${mailPort}` }, testMatch: /rollout\.spec/ },
    // Runs both JavaScript modes itself, one after the other, on the clock server.
    { name: "clock", use: { baseURL: `http://127.0.0.1:${clockPort}` }, testMatch: /coordination\.spec/ },
  ],
  webServer: [
    // The organisation's logo and colour on the main server: every sweep sees them.
    server(port, "e2e.db", { ORG_LOGO: "end2end/fixtures/logo.svg", ORG_COLOR: "#8a1538" }),
    server(clockPort, "clock.db", { TEST_CLOCK_FILE: clockFile }),
    {
      command: `/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${maildir}`,
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    },
    server(mailPort, "mail.db", {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: "KI-Seepferdchen Musterhausen <ki@musterhausen.example>",
      // Reminders are tested elsewhere (tests/db.rs, tests/mail_http.rs): here they would only
      // add mails to the demo people.
      MAIL_REMINDERS: "false",
    }),
    {
      command: "node oidc/provider.mjs",
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore" as const,
      stderr: "ignore" as const,
      env: { E2E_OIDC_PORT: String(oidcPort), E2E_SSO_APP: ssoApp },
    },
    server(ssoPort, "sso.db", {
      OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
      OIDC_CLIENT_ID: "seepferdchen",
      OIDC_CLIENT_SECRET: "e2e-geheimnis",
      OIDC_UNIT_CLAIM: "department",
      OIDC_PROVISIONING: "create",
    }),
  ],
});
