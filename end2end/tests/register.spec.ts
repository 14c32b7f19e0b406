/**
 * Issue 17 in the browser: the KI-Koordination records a system with the questionnaire and
 * links a course; an employee of the using unit gets the course and sees the system with its
 * rules in "KI bei uns"; the public register shows only published systems.
 */
import { test, expect, login, jsEnabled, waitForHydration, expectNoAxeViolations } from "./fixtures";

test("a system recorded in the KI-Register reaches its users' courses and 'KI bei uns'", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const js = jsEnabled(testInfo);
  const name = `Sitzungsassistent (${testInfo.project.name})`;
  const rule = `Protokolle nur als Entwurf verwenden (${testInfo.project.name})`;
  const ctx = await browser.newContext({ javaScriptEnabled: js });
  const page = await ctx.newPage();
  await login(page, "sophie.braun", undefined, js);
  await page.goto("/verwaltung/ki-register");
  await page.getByRole("link", { name: "KI-System erfassen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("KI-System erfassen");
  if (js) await waitForHydration(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Anbieter", { exact: true }).fill("Beispiel Protokoll GmbH");
  await page.getByLabel("Zweck", { exact: true }).fill("Fasst Sitzungen zusammen und beantwortet Fragen dazu.");
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "im Einsatz" });
  await page.getByLabel("Verantwortlich", { exact: true }).fill("Sozialamt, Büroleitung");
  await page.getByRole("checkbox", { name: "Sozialamt", exact: true }).check();
  await page.getByLabel("Erlaubte Nutzung", { exact: true }).fill(rule);
  await page.getByRole("checkbox", { name: "öffentliche Informationen", exact: true }).check();
  await page.getByLabel("Kurs für die Nutzenden", { exact: true }).selectOption({ label: "KI-Freischwimmer" });
  // The questionnaire: first an Annex III use case without oversight persons — refused, with
  // everything entered kept.
  await page.getByLabel("2. Gehört der Anwendungsfall zu einem Bereich aus Anhang III?").selectOption("5");
  await page.getByRole("checkbox", { name: /kommunizieren direkt mit dem System/ }).check();
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page.locator(".error-summary")).toContainText("Ein Hochrisiko-System braucht namentlich benannte Aufsichtspersonen");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);
  await expect(page.getByLabel("Erlaubte Nutzung", { exact: true })).toHaveValue(rule);
  await expect(page.getByRole("checkbox", { name: "Sozialamt", exact: true })).toBeChecked();
  await expectNoAxeViolations(page, `form with errors (${testInfo.project.name})`, js);
  // Not an Annex III case after all: transparency duties only.
  await page.getByLabel("2. Gehört der Anwendungsfall zu einem Bereich aus Anhang III?").selectOption("");
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/ki-register\/\d+\?gespeichert=1$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page.getByRole("status").first()).toContainText("Das KI-System ist gespeichert.");
  const classification = page.getByRole("region", { name: "Risikoeinstufung" });
  await expect(classification).toContainText("Transparenzpflichten");
  await expect(classification).toContainText("Art. 50 Abs. 1");
  // A duty's state, recorded with its evidence: a new version in the history.
  const duty = page.locator("#pflicht-hinweis-dialog");
  await duty.getByText("Stand festhalten").click();
  await duty.getByLabel("Stand", { exact: true }).selectOption({ label: "erledigt" });
  await duty.getByLabel(/Nachweis/).fill("Hinweis im Chatfenster");
  await duty.getByRole("button", { name: "Speichern" }).click();
  await expect(page.getByRole("status").first()).toContainText("Der Stand der Pflicht ist gespeichert.");
  await expect(page.locator("#pflicht-hinweis-dialog")).toContainText("erledigt");
  const history = page.getByRole("table", { name: "Verlauf" });
  await expect(history.getByRole("row")).toHaveCount(3);
  await expectNoAxeViolations(page, `system page (${testInfo.project.name})`, js);
  await ctx.close();

  // An employee of the Sozialamt: the course is assigned, "KI bei uns" shows the system.
  const emp = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await login(emp, js ? "hannah.weiss" : "ingo.krause", undefined, js);
  await emp.goto("/kurse");
  await expect(emp.locator("article", { hasText: "KI-Freischwimmer" })).toBeVisible();
  await emp.goto("/kurse/ki-seepferdchen/ki-bei-uns");
  const tool = emp.locator(".register-tool", { has: emp.getByRole("heading", { name, exact: true }) });
  await expect(tool).toContainText(rule);
  await expect(tool).toContainText("öffentliche Informationen");
  await expect(emp.locator("main")).not.toContainText("[Name");
  // Not the Bürgerbüro's chatbot: it is not this unit's tool.
  await expect(emp.locator(".register-tool", { hasText: "Frag Musti" })).toHaveCount(0);
  await expectNoAxeViolations(emp, `KI bei uns (${testInfo.project.name})`, js);

  // The public register: published systems only, without sign-in.
  const anon = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await anon.goto("/ki-register");
  await expect(anon.getByRole("heading", { level: 1 })).toHaveText("Öffentliches KI-Register");
  await expect(anon.getByRole("heading", { name: "Vorprüfung Leistungsanträge" })).toBeVisible();
  await expect(anon.getByRole("heading", { name, exact: true })).toHaveCount(0);
  await expect(anon.locator("main")).not.toContainText("Ulrike Peters");
  // Signed out, the register itself is not there: a sign-in request instead.
  await anon.goto("/verwaltung/ki-register");
  await expect(anon.locator("main")).toContainText("Bitte melden Sie sich an.");
  await expect(anon.locator("main")).not.toContainText("Textassistent");
});

test("a changed rule reaches the people who learnt the tool, who read and confirm it", async ({ browser }, testInfo) => {
  const js = jsEnabled(testInfo);
  // Both learnt the Seepferdchen before the demo's chatbot got a new model and rule; one per
  // mode, so the two projects do not confirm for each other.
  const ctx = await browser.newContext({ javaScriptEnabled: js });
  const page = await ctx.newPage();
  await login(page, js ? "anna.becker" : "ben.yilmaz", undefined, js);
  await page.goto("/");
  const notice = page.getByRole("region", { name: "Neu bei Ihren KI-Werkzeugen" });
  await expect(notice).toContainText("bitte bis");
  await notice.getByRole("link", { name: "Bürger-Chatbot „Frag Musti“" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Änderung bei Bürger-Chatbot „Frag Musti“");
  const changes = page.getByRole("region", { name: "Was sich geändert hat" });
  await expect(changes).toContainText("Musti 3.0");
  await expect(changes).toContainText("Neu");
  await expect(changes.getByRole("listitem")).toHaveText(["Keine Auskünfte zu Bußgeldern; dafür an das Ordnungsamt verweisen"]);
  await expect(page.getByRole("region", { name: "Die Regeln, die jetzt gelten" })).toContainText("Keine Rechtsberatung");
  await expectNoAxeViolations(page, `change page (${testInfo.project.name})`, js);
  if (js) await waitForHydration(page);
  await page.getByRole("button", { name: "Gelesen und verstanden" }).click();
  await expect(page.getByRole("status").first()).toContainText("Ihre Bestätigung ist gespeichert");
  await expect(page.locator("main")).toContainText("Sie sind auf dem aktuellen Stand.");
  await expect(page.getByRole("button", { name: "Gelesen und verstanden" })).toHaveCount(0);
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Neu bei Ihren KI-Werkzeugen" })).toHaveCount(0);
  await ctx.close();

  // The KI-Koordination sees on the system's page how many know the change, and for the
  // high-risk system the sheet for the EU database with what is missing.
  const ki = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await login(ki, "sophie.braun", undefined, js);
  await ki.goto("/verwaltung/ki-register");
  await ki.getByRole("link", { name: "Bürger-Chatbot „Frag Musti“" }).click();
  const reach = ki.getByRole("region", { name: "Letzte Änderung für die Nutzenden" });
  await expect(reach).toContainText("Personen, die das Werkzeug gelernt haben");
  await expect(reach).toContainText("Produkt");
  await ki.goto("/verwaltung/ki-register");
  await ki.getByRole("link", { name: "Vorprüfung Leistungsanträge" }).click();
  await ki.getByRole("link", { name: "Angaben für die EU-Datenbank (Anhang VIII)" }).click();
  await expect(ki.getByRole("heading", { level: 1 })).toContainText("Angaben für die EU-Datenbank");
  await expect(ki.locator("main")).toContainText("Es fehlen noch:");
  await expect(ki.locator("main")).toContainText("Grundrechte-Folgenabschätzung");
  await expect(ki.locator("main")).toContainText("DSFA vom 20.10.2026");
  await expectNoAxeViolations(ki, `EU sheet (${testInfo.project.name})`, js);
  // The downloads are offered on the list.
  await ki.goto("/verwaltung/ki-register");
  for (const label of [/als PDF-Bericht/, /als CSV-Datei/, /als JSON-Datei/]) {
    await expect(ki.getByRole("link", { name: label })).toBeVisible();
  }
});
