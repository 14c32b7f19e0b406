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
  await expect(units.getByRole("link", { name: FB2, exact: true })).toBeVisible();

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
  await expect(units.getByRole("link", { name: FB2, exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Pfad der Organisationseinheit" })).toHaveCount(0);
});

test("a tree too large for one page folds, and a unit unfolds to its sub-units", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const tag = js ? "JS" : "ohne JS";
  const code = js ? "js" : "nojs";
  // A Landesamt with 60 Referate, from the organisation chart (CSV with codes).
  await login(page, "admin");
  let csv = `Kennung;Name;Übergeordnete Kennung\r\nLA-${code};Landesamt ${tag};\r\n`;
  for (let i = 1; i <= 60; i++) csv += `R-${code}-${i};Referat ${i} (${tag});LA-${code}\r\n`;
  await page.goto("/verwaltung/organisation");
  await page.getByLabel("CSV-Datei mit der Organisationsstruktur").setInputFiles({ name: "land.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  if (js) await waitForHydration(page);
  await page.getByRole("button", { name: "Struktur übernehmen" }).click();
  await expect(page.getByRole("status")).toContainText("Die Struktur ist übernommen.");

  // The top level only: each unit with the way to its sub-units.
  await page.goto("/verwaltung/uebersicht");
  const units = page.getByRole("table", { name: "Stand je Organisationseinheit" });
  const row = units.getByRole("row").filter({ has: page.getByRole("link", { name: `Landesamt ${tag}`, exact: true }) });
  await expect(units.getByRole("link", { name: `Referat 1 (${tag})`, exact: true })).toHaveCount(0);
  await expect(units.getByRole("row").count()).resolves.toBeLessThanOrEqual(51);
  await expectNoAxeViolations(page, "/verwaltung/uebersicht (folded)");
  // Unfold the Landesamt: it and its 60 Referate, 50 to a page.
  await row.getByRole("link", { name: /60 Untereinheiten/ }).click();
  await expect(page.getByRole("navigation", { name: "Pfad der Organisationseinheit" }).getByRole("link")).toHaveText(["Alle Organisationseinheiten", `Landesamt ${tag}`]);
  await expect(units.getByRole("link", { name: `Referat 1 (${tag})`, exact: true })).toBeVisible();
  await expect(units.getByRole("row")).toHaveCount(1 + 1 + 50);
  const pages = page.getByRole("navigation", { name: "Seiten" }).first();
  await pages.getByRole("link", { name: "2", exact: true }).click();
  await expect(units.getByRole("row")).toHaveCount(1 + 1 + 10);
  await expect(units.getByRole("link", { name: `Referat 60 (${tag})`, exact: true })).toBeVisible();
  await expectNoAxeViolations(page, "/verwaltung/uebersicht?einheit (sub-units, page 2)");
});
