import { defineConfig } from "@playwright/test";
import { join } from "node:path";

// The server is started by Playwright on a free port (E2E_PORT, chosen by scripts/test.sh)
// with a fresh SQLite database in E2E_DIR.
const port = Number(process.env.E2E_PORT ?? 3999);
const dir = process.env.E2E_DIR ?? "/tmp/seepferdchen-e2e";
const baseURL = `http://127.0.0.1:${port}`;
const serverBin = process.env.SERVER_BIN ?? "../target/debug/seepferdchen";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
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
    { name: "hydrated", use: { javaScriptEnabled: true } },
    { name: "no-js", use: { javaScriptEnabled: false } },
  ],
  webServer: {
    // Demo data (accounts, org units) first, then the server.
    command: `${serverBin} demo seed && ${serverBin} serve`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    cwd: "..",
    env: {
      DATABASE_URL: `sqlite://${join(dir, "e2e.db")}`,
      BIND_ADDR: `127.0.0.1:${port}`,
      SITE_ROOT: process.env.SITE_ROOT ?? "target/site",
      LOG_LEVEL: "warn",
      ORG_NAME: "Stadt Musterhausen",
      CONTENT_DIR: process.env.E2E_CONTENT_DIR ?? "content",
    },
  },
});
