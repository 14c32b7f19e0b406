/**
 * Long content for the accessibility sweeps (issue 21): German authorities have long names, and
 * tables that fit with short test data overflow with real ones. Runs once, before both
 * JavaScript projects, on the shared e2e server: an org unit with a long name under the
 * coordinator's Fachbereich 2, a sub-unit with a long name, a person with a long name and
 * e-mail address in it, and a course assigned to the unit (so tables, the Protokoll and the
 * person's page carry the long values). The e2e course's first module holds a 6-column table.
 */
import type { Locator, Page } from "@playwright/test";
import { test as setup, expect, login, LONG_UNIT, LONG_SUB_UNIT, LONG_PERSON, LONG_EMAIL } from "./fixtures";


async function selectByText(select: Locator, text: string) {
  const value = await select.locator("option", { hasText: text }).first().getAttribute("value");
  expect(value).toBeTruthy();
  await select.selectOption(value!);
}

async function createUnit(page: Page, name: string, parent: string) {
  await page.goto("/verwaltung/organisation");
  const form = page.locator("section", { has: page.getByRole("heading", { name: "Neue Organisationseinheit" }) });
  await form.getByLabel("Name").fill(name);
  await selectByText(form.getByLabel("Übergeordnete Einheit"), parent);
  await form.getByRole("button", { name: "Anlegen" }).click();
  await expect(page).toHaveURL(/gespeichert=1/);
  await expect(page.locator(".tree")).toContainText(name);
}

setup("long names, e-mail addresses and assignments for the sweeps", async ({ browser }) => {
  setup.setTimeout(120_000);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, "admin", undefined, false);
  await createUnit(page, LONG_UNIT, "Fachbereich 2 – Bürgerservice und Ordnung");
  await createUnit(page, LONG_SUB_UNIT, LONG_UNIT);

  await page.goto("/verwaltung/benutzer/neu");
  await page.getByLabel("Name").fill(LONG_PERSON);
  await page.getByLabel("E-Mail-Adresse").fill(LONG_EMAIL);
  await selectByText(page.getByLabel("Organisationseinheit"), LONG_SUB_UNIT);
  await page.getByRole("button", { name: "Benutzer anlegen" }).click();
  await expect(page.getByRole("heading", { name: "Einmal-Links zum Weitergeben" })).toBeVisible();

  await page.goto("/verwaltung/zuweisungen");
  const form = page.locator("section", { has: page.getByRole("heading", { name: "Kurs zuweisen", exact: true }) });
  await form.getByLabel("Kurs", { exact: true }).selectOption({ label: "KI-Seepferdchen" });
  await selectByText(form.getByLabel("Organisationseinheit"), LONG_UNIT);
  await form.getByRole("button", { name: "Zuweisen" }).click();
  await expect(page).toHaveURL(/gespeichert=1/);

  // A recorded classroom training with a long trainer's name and note.
  await page.goto("/verwaltung/schulungen");
  await page.getByLabel("Kurs", { exact: true }).selectOption({ label: "KI-Freischwimmer" });
  await page.getByLabel("Leitung").fill("Prof. Dr. Konstanze Friederike von Hohenlohe-Schillingsfürst");
  await page.getByLabel("Teilnehmende").fill(LONG_EMAIL);
  await page.getByLabel("Bemerkung").fill(`Präsenzschulung im ${LONG_UNIT}, Sitzungssaal im Erdgeschoss`);
  await page.getByRole("button", { name: "Schulung erfassen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/schulungen\/\d+\?erfasst=1/);
  await context.close();
});
