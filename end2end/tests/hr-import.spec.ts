// Rollout at Kreis scale (issue 15): the export of an HR system, with its own column names and
// its own units, imports through the mapping step and creates its six units in the same
// import; next month's export updates a person and deactivates a leaver. Runs with and
// without JavaScript.
import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";

const PARENT = "Fachbereich 4 – Planen und Bauen";

function hrExport(tag: string, skip: number[] = [], renamed = false): string {
  const units = [
    `Dezernat II ${tag} / Amt 36`,
    `Dezernat II ${tag} / Amt 40`,
    `Amt 51 ${tag}`,
    `Straßenmeisterei ${tag}`,
    `Bauhof ${tag}`,
    `Dezernat II ${tag} / Amt 36`,
  ];
  let csv = "Personalnr.;Nachname;Vorname;Amt;E-Mail-Adresse\r\n";
  for (let i = 0; i < 12; i++) {
    if (skip.includes(i)) continue;
    const last = renamed && i === 0 ? "Neumann" : `Kreis${i}`;
    csv += `${tag}-${7000 + i};${last};Person;${units[i % units.length]};hr.${tag}.${i}@kreis.example\r\n`;
  }
  return csv;
}

async function upload(page: import("@playwright/test").Page, name: string, csv: string) {
  await page.goto("/verwaltung/import");
  await page.getByLabel("CSV-Datei").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Import prüfen");
}

test("an HR export imports with the mapping step, creates its units and syncs a leaver", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const tag = js ? "js" : "nojs";
  await login(page, "admin");
  await upload(page, "personal.csv", hrExport(tag));

  // The proposal: every column read by its name, first and last name apart.
  await expect(page.getByLabel("Inhalt „Personalnr.“")).toHaveValue("personalnummer");
  await expect(page.getByLabel("Inhalt „Nachname“")).toHaveValue("nachname");
  await expect(page.getByLabel("Inhalt „Vorname“")).toHaveValue("vorname");
  await expect(page.getByLabel("Inhalt „Amt“")).toHaveValue("einheit");
  await expect(page.getByLabel("Inhalt „E-Mail-Adresse“")).toHaveValue("email");
  // The units are unknown: listed once, nothing to import yet.
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("5 unbekannte Organisationseinheiten");
  await expect(alert).toContainText(`Dezernat II ${tag} / Amt 40`);
  await expect(page.getByRole("button", { name: "Import ausführen" })).toHaveCount(0);

  // Mapping a column twice is named, and nothing is lost.
  await page.getByLabel("Inhalt „Vorname“").selectOption("nachname");
  await page.getByRole("button", { name: "Zuordnung übernehmen und Vorschau aktualisieren" }).click();
  await expect(page.getByRole("alert")).toContainText("„Nachname“ ist zwei Spalten zugeordnet: „Nachname“ und „Vorname“.");
  await page.getByLabel("Inhalt „Vorname“").selectOption("vorname");
  await page.getByLabel("Unbekannte Organisationseinheiten anlegen unter").selectOption({ label: PARENT });
  await page.getByRole("button", { name: "Zuordnung übernehmen und Vorschau aktualisieren" }).click();
  await expect(page.getByText(`„personal.csv“: 12 neu, 0 geändert, 0 unverändert.`)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Neue Organisationseinheiten (6)" })).toBeVisible();
  const table = page.getByRole("table", { name: "Neue und geänderte Personen" });
  await expect(table).toContainText("Person Kreis0");
  await expect(table).toContainText(`Dezernat II ${tag} / Amt 36`);
  await expectNoAxeViolations(page, "/verwaltung/import/:id (Zuordnung)");
  await page.screenshot({ path: testInfo.outputPath("import-zuordnung.png"), fullPage: true });
  if (js) await waitForHydration(page);
  await page.getByRole("button", { name: "Import ausführen" }).click();
  await expect(page.getByRole("status").first()).toContainText("Der Import ist abgeschlossen.");

  // The tree has the six units.
  await page.goto("/verwaltung/organisation");
  for (const unit of [`Dezernat II ${tag}`, "Amt 36", "Amt 40", `Amt 51 ${tag}`, `Straßenmeisterei ${tag}`, `Bauhof ${tag}`]) {
    // Each unit of the tree reads "Name (n Personen)".
    await expect(page.getByRole("main").getByText(`${unit} (`).first()).toBeVisible();
  }

  // Next month: person 0 has a new name, person 5 (Amt 36) has left. The mapping is
  // remembered; the sync is limited to the Dezernat.
  await upload(page, "personal-2.csv", hrExport(tag, [5], true));
  await expect(page.getByLabel("Inhalt „Amt“")).toHaveValue("einheit");
  await page
    .getByLabel("Abgleich: wer in der Datei fehlt, wird deaktiviert, in")
    .selectOption({ label: `${PARENT} > Dezernat II ${tag}` });
  await page.getByRole("button", { name: "Zuordnung übernehmen und Vorschau aktualisieren" }).click();
  await expect(page.getByText(`„personal-2.csv“: 0 neu, 1 geändert, 10 unverändert.`)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Werden deaktiviert (1)" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Werden deaktiviert (1)" })).toContainText(`hr.${tag}.5@kreis.example`);
  await expect(page.getByRole("table", { name: "Neue und geänderte Personen" })).toContainText("Person Neumann");
  if (js) await waitForHydration(page);
  await page.getByRole("button", { name: "Import ausführen" }).click();
  await expect(page.getByRole("status").first()).toContainText("Der Import ist abgeschlossen.");
  await page.goto(`/verwaltung/benutzer?q=${encodeURIComponent(`hr.${tag}.5@`)}`);
  await expect(page.getByRole("table")).toContainText("Deaktiviert");
  await page.goto(`/verwaltung/benutzer?q=${encodeURIComponent(`hr.${tag}.0@`)}`);
  await expect(page.getByRole("table")).toContainText("Person Neumann");
});

test("the org tree comes from a CSV with codes; a loop is refused", async ({ page }, testInfo) => {
  const tag = jsEnabled(testInfo) ? "js" : "nojs";
  await login(page, "admin");
  const upload = async (name: string, csv: string) => {
    await page.goto("/verwaltung/organisation");
    await page.getByLabel("CSV-Datei mit der Organisationsstruktur").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Organisationsstruktur prüfen");
  };
  await upload(
    "struktur.csv",
    "Kennung;Name;Übergeordnete Kennung\r\n" +
      `K-${tag};Kreisverwaltung ${tag};\r\n` +
      `D-${tag};Dezernat III ${tag};K-${tag}\r\n` +
      `A-${tag};Amt 53 – Gesundheitsamt ${tag};D-${tag}\r\n`,
  );
  const table = page.getByRole("table", { name: "Einheiten der Datei" });
  await expect(table.getByRole("row")).toHaveCount(4);
  await expect(table).toContainText(`Amt 53 – Gesundheitsamt ${tag}`);
  await expectNoAxeViolations(page, "/verwaltung/organisation/import/:id");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await page.getByRole("button", { name: "Struktur übernehmen" }).click();
  await expect(page.getByRole("status")).toContainText("Die Struktur ist übernommen. Neu angelegt: 3, geändert: 0.");
  await expect(page.locator(".tree__name").filter({ hasText: `Amt 53 – Gesundheitsamt ${tag}` })).toBeVisible();

  // The Kreis under its own Amt: refused with the chain named.
  await upload("schleife.csv", `Kennung;Name;Übergeordnete Kennung\r\nK-${tag};Kreisverwaltung ${tag};A-${tag}\r\n`);
  await expect(page.getByRole("alert")).toContainText(`Zeile 2: Die Einheit läge unter sich selbst (K-${tag} → A-${tag} → D-${tag} → K-${tag}).`);
  await expect(page.getByRole("button", { name: "Struktur übernehmen" })).toHaveCount(0);
});
