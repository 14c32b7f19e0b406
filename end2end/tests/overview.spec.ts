// The Übersicht as a large administration needs it (issue 22): a unit is found by name, its
// drill-down shows the path above it and what lies below it, not every unit; the path leads
// back up. Runs with and without JavaScript (plain links and a GET form).
import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";

const FB2 = "Fachbereich 2 – Bürgerservice und Ordnung";

test("a unit is found by name, drilled into and left through its path", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  await login(page, "admin");
  await page.goto("/verwaltung/uebersicht");
  if (js) await waitForHydration(page);
  const units = page.getByRole("table", { name: "Stand je Organisationseinheit" });
  await expect(units.getByRole("link", { name: "Sozialamt", exact: true })).toBeVisible();

  // Search by part of the name: the units found, each with where it sits.
  await page.getByLabel("Organisationseinheit (Name oder Kürzel)").fill("bürger");
  await page.getByRole("button", { name: "Suchen" }).click();
  await expect(page).toHaveURL(/einheitensuche=b%C3%BCrger/);
  await expect(page.getByRole("status").first()).toContainText(/\d+ Organisationseinheiten? gefunden\./);
  await expect(units.getByRole("link", { name: FB2, exact: true })).toBeVisible();
  await expect(units.getByRole("link", { name: "Sozialamt", exact: true })).toHaveCount(0);
  await expect(units.getByRole("row", { name: /Bürgerbüro/ })).toContainText(`${FB2} > Bürgerbüro`);
  await expectNoAxeViolations(page, "/verwaltung/uebersicht?einheitensuche");

  // The drill-down: the unit with its path, not the other units.
  await units.getByRole("link", { name: "Bürgerbüro", exact: true }).click();
  const path = page.getByRole("navigation", { name: "Pfad der Organisationseinheit" });
  await expect(path.getByRole("link")).toHaveText(["Alle Organisationseinheiten", FB2, "Bürgerbüro"]);
  await expect(path.getByRole("link", { name: "Bürgerbüro" })).toHaveAttribute("aria-current", "page");
  await expect(units.getByRole("row")).toHaveCount(2);
  await expect(units.getByRole("link", { name: "Ordnungsamt", exact: true })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Personen in Bürgerbüro" })).toBeVisible();
  await expectNoAxeViolations(page, "/verwaltung/uebersicht?einheit (drill-down)");

  // One step up: the Fachbereich with both its Ämter, still not the others.
  await path.getByRole("link", { name: FB2 }).click();
  await expect(units.getByRole("link", { name: "Ordnungsamt", exact: true })).toBeVisible();
  await expect(units.getByRole("link", { name: "Bürgerbüro", exact: true })).toBeVisible();
  await expect(units.getByRole("link", { name: "Sozialamt", exact: true })).toHaveCount(0);
  // And back to all units.
  await page.getByRole("navigation", { name: "Pfad der Organisationseinheit" }).getByRole("link", { name: "Alle Organisationseinheiten" }).click();
  await expect(units.getByRole("link", { name: "Sozialamt", exact: true })).toBeVisible();
});
