import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";

test("login and logout", async ({ page }) => {
  await login(page, "anna.becker");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/konto");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mein Konto");
  await expect(page.getByText("anna.becker@musterstadt.example")).toBeVisible();
  await expectNoAxeViolations(page, "/konto");
  await page.getByRole("button", { name: "Abmelden" }).click();
  await expect(page).toHaveURL(/\/anmelden\?abgemeldet=1$/);
  await expect(page.getByRole("status")).toHaveText("Sie haben sich abgemeldet.");
  await page.goto("/konto");
  await expect(page.getByRole("alert")).toContainText("Bitte melden Sie sich an.");
});

test("wrong password gets one clear German message", async ({ page }) => {
  await page.goto("/anmelden");
  await expectNoAxeViolations(page, "/anmelden");
  await page.getByLabel("E-Mail-Adresse").fill("niemand@musterstadt.example");
  await page.getByLabel("Passwort", { exact: true }).fill("ganz falsches Passwort");
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page.getByRole("alert")).toContainText("E-Mail-Adresse oder Passwort ist nicht richtig.");
  await expectNoAxeViolations(page, "/anmelden (Fehler)");
});

test("an admin creates a person who sets a password from the link", async ({ page, browser }, testInfo) => {
  const email = `neu.${testInfo.project.name}@musterstadt.example`;
  await login(page, "admin");
  await page.goto("/verwaltung/benutzer/neu");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await expectNoAxeViolations(page, "/verwaltung/benutzer/neu");
  await page.getByLabel("Name").fill("Nora Neu");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Organisationseinheit").selectOption({ label: "Bürgerbüro" });
  await page.getByRole("button", { name: "Benutzer anlegen" }).click();
  await expect(page.getByRole("heading", { name: "Einmal-Links zum Weitergeben" })).toBeVisible();
  const link = (await page.locator(".link-to-hand-over").first().textContent())!.trim();
  expect(link).toContain("/passwort-festlegen?token=");
  await expectNoAxeViolations(page, "/verwaltung/benutzer/:id");

  const other = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const p = await other.newPage();
  await p.goto(link);
  await expect(p.getByRole("heading", { level: 1 })).toHaveText("Passwort festlegen");
  await expectNoAxeViolations(p, "/passwort-festlegen");
  await p.getByLabel("Neues Passwort", { exact: true }).fill("Nora liebt lange Sätze");
  await p.getByLabel("Neues Passwort wiederholen").fill("Nora liebt lange Sätze");
  await p.getByRole("button", { name: "Passwort speichern" }).click();
  // The name is part of the password: refused, with the message at the field.
  await expect(p.getByRole("alert")).toContainText("darf Ihren Namen oder Ihre E-Mail-Adresse nicht enthalten");
  await p.getByLabel("Neues Passwort", { exact: true }).fill("Grüne Gurken tanzen im Rathaus");
  await p.getByLabel("Neues Passwort wiederholen").fill("Grüne Gurken tanzen im Rathaus");
  await p.getByRole("button", { name: "Passwort speichern" }).click();
  // Signed in, on the start page whose first step is the course the person has to do (the
  // demo assigns the Seepferdchen to everyone).
  await expect(p).toHaveURL(/\/\?passwort=neu$/);
  await expect(p.getByRole("status")).toContainText("Ihr Passwort ist gespeichert");
  await expect(p.locator(".start-next h2 a")).toHaveText("KI-Seepferdchen");
  await p.goto("/konto");
  await expect(p.getByText(email)).toBeVisible();
  // The link is used up.
  await p.goto(link);
  await expect(p.getByRole("alert")).toContainText("ungültig, abgelaufen oder wurde schon benutzt");
  await other.close();
});

test("CSV import with preview", async ({ page }, testInfo) => {
  const tag = testInfo.project.name;
  await login(page, "koordination.fb2");
  await page.goto("/verwaltung/import");
  await expectNoAxeViolations(page, "/verwaltung/import");
  const csv =
    "\ufeffName;E-Mail;Organisationseinheit;Rolle\r\n" +
    `Jörg Übel;joerg.uebel.${tag}@musterstadt.example;Bürgerbüro;Mitarbeitende\r\n` +
    `"Schmidt; Maria";maria.schmidt.${tag}@musterstadt.example;Ordnungsamt;Mitarbeitende\r\n`;
  await page.getByLabel("CSV-Datei").setInputFiles({ name: "liste.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Import prüfen");
  // The standard columns are read without any choice.
  await expect(page.getByLabel("Inhalt „E-Mail“")).toHaveValue("email");
  await expect(page.getByLabel("Inhalt „Organisationseinheit“")).toHaveValue("einheit");
  const table = page.getByRole("table", { name: "Neue und geänderte Personen" });
  await expect(table).toContainText("Jörg Übel");
  await expect(table).toContainText("Schmidt; Maria");
  await expect(table).toContainText("Fachbereich 2 – Bürgerservice und Ordnung > Ordnungsamt");
  await expectNoAxeViolations(page, "/verwaltung/import/:id");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await expect(page.getByText("2 neu, 0 geändert, 0 unverändert")).toBeVisible();
  await page.getByRole("button", { name: "Import ausführen" }).click();
  await expect(page.getByRole("status")).toContainText("Der Import ist abgeschlossen.");
  await expect(page.locator(".link-to-hand-over")).toHaveCount(2);
  await page.goto(`/verwaltung/benutzer?q=${encodeURIComponent("uebel." + tag)}`);
  await expect(page.getByRole("table")).toContainText("Jörg Übel");
});

test("a CSV with bad rows imports nothing and names each row", async ({ page }, testInfo) => {
  const tag = testInfo.project.name;
  await login(page, "admin");
  await page.goto("/verwaltung/import");
  const csv =
    "Name,E-Mail,Organisationseinheit,Rolle\n" +
    `Gut,gut.${tag}@musterstadt.example,Bauamt,Mitarbeitende\n` +
    `Schlecht,keine-adresse,Bauamt,Mitarbeitende\n` +
    `Unbekannt,unbekannt.${tag}@musterstadt.example,Mondamt,Mitarbeitende\n`;
  await page.getByLabel("CSV-Datei").setInputFiles({ name: "fehler.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Es wurde nichts importiert.");
  await expect(alert).toContainText("Zeile 3, Spalte E-Mail");
  // The unknown unit is listed once, with the way out.
  await expect(alert).toContainText("1 unbekannte Organisationseinheit. Wählen Sie oben, wo sie angelegt werden soll");
  await expect(alert.getByRole("listitem").filter({ hasText: /^Mondamt$/ })).toHaveCount(1);
  await expectNoAxeViolations(page, "/verwaltung/import/:id (Fehler)");
});

test("employees reach no administration page", async ({ page }) => {
  await login(page, "anna.becker");
  await expect(page.getByRole("link", { name: "Benutzer" })).toHaveCount(0);
  await page.goto("/verwaltung/benutzer");
  await expect(page.getByRole("alert")).toContainText("Dafür fehlt Ihnen die Berechtigung.");
  await expect(page.getByRole("table")).toHaveCount(0);
});

test("users list and org units render for admins without axe violations", async ({ page }) => {
  await login(page, "admin");
  await page.goto("/verwaltung/benutzer");
  await expect(page.getByRole("status")).toContainText("Personen gefunden");
  await expectNoAxeViolations(page, "/verwaltung/benutzer");
  await page.goto("/verwaltung/organisation");
  await expect(page.locator(".tree__name").filter({ hasText: /^Bürgerbüro$/ })).toBeVisible();
  await expectNoAxeViolations(page, "/verwaltung/organisation");
});

test("an org unit gets an external code in its edit form; a code in use is refused", async ({ page }, info) => {
  const tag = info.project.name;
  const names = [`Kennungstest A ${tag}`, `Kennungstest B ${tag}`];
  await login(page, "admin");
  const js = jsEnabled(info);
  for (const name of names) {
    await page.goto("/verwaltung/organisation");
    if (js) await waitForHydration(page);
    await page.getByRole("textbox", { name: "Name", exact: true }).last().fill(name);
    await page.getByRole("button", { name: "Anlegen" }).click();
    await expect(page.locator(".tree__name").filter({ hasText: name })).toBeVisible();
  }
  const item = (name: string) => page.locator(".tree__item").filter({ has: page.locator(".tree__name", { hasText: name }) });
  const setCode = async (name: string, code: string) => {
    await page.goto("/verwaltung/organisation");
    if (js) await waitForHydration(page);
    const row = item(name);
    await row.locator("summary").click();
    await row.getByLabel(/^Kennung/).fill(code);
    await row.getByRole("button", { name: "Speichern" }).click();
  };
  await setCode(names[0], `K-${tag}`);
  await expect(item(names[0]).locator(".tree__code")).toHaveText(` (K-${tag})`);
  // The same code for a second unit: refused with the unit that has it, nothing changed.
  await setCode(names[1], `K-${tag}`);
  await expect(page.getByRole("alert").first()).toContainText(`Die Kennung „K-${tag}“ hat schon die Einheit „${names[0]}“.`);
  await page.goto("/verwaltung/organisation");
  await expect(item(names[1]).locator(".tree__code")).toHaveCount(0);
  // Emptying the field removes the code again.
  await setCode(names[0], "");
  await expect(item(names[0]).locator(".tree__code")).toHaveCount(0);
});
