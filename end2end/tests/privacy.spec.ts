/** Issue 9 in the browser: footer pages, "Barriere melden", own-data download, deleting a person. */
import { readFileSync } from "node:fs";
import { test, expect, login, jsEnabled, waitForHydration } from "./fixtures";

test("the footer of every page links the five built-in pages", async ({ page }, testInfo) => {
  const pages: [string, string][] = [
    ["Barrierefreiheit", "Erklärung zur Barrierefreiheit"],
    ["Barriere melden", "Barriere melden"],
    ["Leichte Sprache", "Informationen in Leichter Sprache"],
    ["Impressum", "Impressum"],
    ["Datenschutz", "Datenschutz"],
  ];
  for (const [link, heading] of pages) {
    await page.goto("/anmelden");
    if (jsEnabled(testInfo)) await waitForHydration(page);
    const footer = page.getByRole("navigation", { name: "Rechtliches und Hilfe" });
    await footer.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  }
  // The installation's settings fill the templates.
  await page.goto("/impressum");
  await expect(page.locator("main")).toContainText("Stadt Musterhausen");
  await expect(page.locator("main")).toContainText("kontakt@musterstadt.example");
  // The accessibility statement leads to the feedback form.
  await page.goto("/barrierefreiheit");
  await page.locator("main").getByRole("link", { name: "Barriere melden" }).click();
  await expect(page).toHaveURL(/\/barriere-melden$/);
});

test("a barrier report is sent without sign-in and handled by an admin", async ({ page, browser }, testInfo) => {
  const js = jsEnabled(testInfo);
  const description = `Auf der Kursseite springt der Fokus zurück (${testInfo.project.name}).`;
  await page.goto("/kurse/ki-seepferdchen");
  if (js) await waitForHydration(page);
  await page.getByRole("navigation", { name: "Rechtliches und Hilfe" }).getByRole("link", { name: "Barriere melden" }).click();
  // The form knows the page the person came from.
  await expect(page.getByLabel("Auf welcher Seite ist es passiert?")).toHaveValue("/kurse/ki-seepferdchen");
  if (js) await waitForHydration(page);
  // Empty description: a summary at the top and the message tied to the field.
  await page.getByLabel("Was funktioniert nicht?").fill(" ");
  await page.getByRole("button", { name: "Meldung senden" }).click();
  await expect(page.getByRole("alert")).toContainText("Bitte beschreiben Sie, was nicht funktioniert.");
  const field = page.getByLabel("Was funktioniert nicht?");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAttribute("aria-describedby", /description-error/);
  await field.fill(description);
  await page.getByLabel("Wie erreichen wir Sie?").fill("0123 456789");
  await page.getByRole("button", { name: "Meldung senden" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Vielen Dank" })).toContainText("Ihre Meldung ist angekommen.");

  const ctx = await browser.newContext({ javaScriptEnabled: js });
  const admin = await ctx.newPage();
  await login(admin, "admin", undefined, js);
  // The administration's pages drop down from "Verwaltung" in the header.
  const nav = admin.getByRole("navigation", { name: "Hauptnavigation" });
  await nav.locator(".site-nav__group summary").click();
  await nav.getByRole("link", { name: "Barrieremeldungen" }).click();
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Barrieremeldungen");
  const row = admin.locator("tr").filter({ hasText: description });
  await expect(row).toContainText("Offen");
  await expect(row).toContainText("/kurse/ki-seepferdchen");
  await expect(row).toContainText("0123 456789");
  if (js) await waitForHydration(admin);
  await row.getByRole("button", { name: "Als erledigt markieren" }).click();
  await expect(admin.locator("tr").filter({ hasText: description })).toContainText("Erledigt");
  await ctx.close();
});

test("Mein Konto downloads everything stored about me as JSON", async ({ page }, testInfo) => {
  await login(page, "sophie.braun");
  await page.goto("/konto");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await expect(page.getByRole("heading", { name: "Meine Daten" })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Meine Daten herunterladen (JSON)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("meine-daten.json");
  const data = JSON.parse(readFileSync((await download.path())!, "utf8"));
  expect(data.daten.konto[0].email).toBe("sophie.braun@musterstadt.example");
  expect(data.daten.sitzungen.length).toBeGreaterThan(0);
  expect(JSON.stringify(data)).not.toContain("password_hash");
});

test("an admin deletes a person after confirming", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const email = `loeschen.${testInfo.project.name}@musterstadt.example`;
  await login(page, "admin");
  await page.goto("/verwaltung/benutzer/neu");
  if (js) await waitForHydration(page);
  await page.getByLabel("Name").fill("Dora Löschbar");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Organisationseinheit").selectOption({ label: "Bürgerbüro" });
  await page.getByRole("button", { name: "Benutzer anlegen" }).click();
  await expect(page.getByRole("heading", { name: "Person löschen" })).toBeVisible();
  if (js) await waitForHydration(page);
  // Without the confirmation: refused, with the message at the checkbox.
  await page.getByRole("button", { name: "Endgültig löschen" }).click();
  await expect(page.getByRole("alert")).toContainText("Bitte bestätigen Sie");
  const confirm = page.getByLabel("Ich möchte diese Person endgültig löschen.");
  await expect(confirm).toHaveAttribute("aria-describedby", /confirm-error/);
  await confirm.check();
  await page.getByRole("button", { name: "Endgültig löschen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/benutzer\?geloescht=1$/);
  await expect(page.getByRole("status").filter({ hasText: "gelöscht" })).toHaveText("Die Person wurde gelöscht.");
  await page.goto(`/verwaltung/benutzer?q=${encodeURIComponent(email)}`);
  await expect(page.locator("main")).not.toContainText(email);
});
