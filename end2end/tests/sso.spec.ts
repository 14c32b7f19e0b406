// Single sign-on through a real OpenID provider (oidc-provider, started by Playwright): an
// imported employee signs in with her work account, sees her assigned course, signs out (at the
// provider too) and signs in again; a person the platform did not know arrives in the unit the
// provider names (OIDC_PROVISIONING=create). Runs with and without JavaScript, each mode with
// its own people.
import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";
import type { Page } from "@playwright/test";

const people = {
  js: { imported: "anna", name: "Anna Becker", newcomer: "neu-js", newName: "Nele Neu" },
  nojs: { imported: "ben", name: "Ben Yilmaz", newcomer: "neu-nojs", newName: "Nils Neu" },
};

// The provider's own pages ask for a web font and a favicon; the test machine has no internet.
test.beforeEach(async ({ page }) => {
  await page.route(/fonts\.googleapis\.com/, (route) => route.fulfill({ status: 200, contentType: "text/css", body: "" }));
  await page.route(/\/favicon\.ico$/, (route) => route.fulfill({ status: 204, body: "" }));
});

/** From the platform's sign-in page through the provider's own sign-in form. */
async function signInAtProvider(page: Page, account: string) {
  await page.getByRole("link", { name: "Mit Dienstkonto anmelden" }).click();
  await expect(page).toHaveURL(/\/interaction\//);
  await page.locator('input[name="login"]').fill(account);
  await page.locator('input[name="password"]').fill("beliebig");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

test("an imported employee signs in with her work account, signs out and in again", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const p = people[js ? "js" : "nojs"];
  await page.goto("/anmelden");
  // The work account comes first; the password form below is for the administration.
  const sso = page.getByRole("link", { name: "Mit Dienstkonto anmelden" });
  await expect(sso).toBeVisible();
  await expect(page.getByText("nur für die Administration gedacht")).toBeVisible();
  await expectNoAxeViolations(page, "/anmelden (single sign-on)");
  await signInAtProvider(page, p.imported);
  await expect(page.getByRole("button", { name: "Abmelden" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("KI-Seepferdchen");
  if (js) await waitForHydration(page);
  await page.goto("/konto");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(p.name);
  // Her password is of no use here any more (LOCAL_LOGIN=admins): no form to change it.
  await expect(page.getByRole("heading", { name: "Passwort ändern" })).toHaveCount(0);

  // Signing out ends the session here and, after the provider's question, there too.
  await page.getByRole("button", { name: "Abmelden" }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(/\/anmelden\?abgemeldet=1$/);
  await expect(page.getByRole("status")).toContainText("Sie haben sich abgemeldet.");
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Abmelden" })).toHaveCount(0);

  // Again: the provider asks for the sign-in again (its session ended too).
  await page.goto("/anmelden");
  await signInAtProvider(page, p.imported);
  await expect(page.getByRole("main")).toContainText("KI-Seepferdchen");
  await expect(page.getByRole("button", { name: "Abmelden" })).toBeVisible();
});

test("a newcomer arrives in the unit the provider names; a refused sign-in says why", async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const p = people[js ? "js" : "nojs"];
  await page.goto("/anmelden");
  await signInAtProvider(page, p.newcomer);
  await expect(page.getByRole("button", { name: "Abmelden" })).toBeVisible();
  await page.goto("/konto");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(p.newName);

  // The admin (who keeps a password sign-in) finds the newcomer in the Jugendamt.
  const ctx = await browser.newContext({ javaScriptEnabled: js, baseURL, locale: "de-DE" });
  const admin = await ctx.newPage();
  await login(admin, "admin", undefined, js);
  await admin.goto(`/verwaltung/benutzer?q=${encodeURIComponent(p.newName)}`);
  const row = admin.getByRole("row", { name: new RegExp(p.newName) });
  await expect(row).toContainText("Jugendamt");
  await ctx.close();

  // The answer of a sign-in that this browser did not begin: refused, explained, nobody signed in.
  const fresh = await browser.newContext({ javaScriptEnabled: js, baseURL, locale: "de-DE" });
  const other = await fresh.newPage();
  await other.goto("/anmelden/sso/rueckkehr?code=erfunden&state=erfunden");
  await expect(other).toHaveURL(/\/anmelden\?sso=sitzung$/);
  await expect(other.getByRole("alert")).toContainText("Anmeldung mit Dienstkonto nicht möglich");
  await expect(other.getByRole("alert")).toContainText("Bitte melden Sie sich noch einmal an.");
  await expectNoAxeViolations(other, "/anmelden?sso=sitzung", js);
  await fresh.close();
});
