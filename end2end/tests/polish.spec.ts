/**
 * Polish from the outside sweep (issue 21), in both JavaScript modes: wide tables are reached
 * and scrolled by keyboard, an assignment is removed only after a confirmation page, the
 * Protokoll reads as German sentences, and every reminder tile leads to its people.
 */
import { test, expect, login, jsEnabled, waitForHydration, LONG_UNIT, LONG_SUB_UNIT } from "./fixtures";

test("a wide table in a module is reached with Tab and scrolled with the arrow keys", async ({ page }, testInfo) => {
  await login(page, "tim.lange");
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto("/kurse/e2e-testkurs/eins");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  const region = page.getByRole("region", { name: "Tabelle: Übersicht der Prüfschritte" });
  await expect(region).toBeVisible();
  expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth + 100)).toBe(true);
  // Tab from the top of the page until the table's box has the focus.
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await region.evaluate((el) => document.activeElement === el);
  }
  expect(reached).toBe(true);
  const outline = await region.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowRight");
  await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(100);
  // The table scrolls in its box; the page does not.
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await page.screenshot({ path: testInfo.outputPath("wide-table-320.png") });
});

test("an assignment is removed only after the confirmation page", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  // Each project removes its own assignment (the projects share one server).
  const course = js ? "Testkurs für End-to-End-Tests" : "KI-Freischwimmer";
  await login(page, "koordination.fb2");
  await page.goto("/verwaltung/zuweisungen");
  if (js) await waitForHydration(page);
  const form = page.locator("section", { has: page.getByRole("heading", { name: "Kurs zuweisen", exact: true }) });
  await form.getByLabel("Kurs", { exact: true }).selectOption({ label: course });
  const unit = form.getByLabel("Organisationseinheit");
  await unit.selectOption((await unit.locator("option", { hasText: LONG_SUB_UNIT }).getAttribute("value"))!);
  await form.getByRole("button", { name: "Zuweisen" }).click();
  await expect(page).toHaveURL(/gespeichert=1/);
  const row = page.getByRole("row").filter({ hasText: course }).filter({ hasText: LONG_SUB_UNIT });
  await expect(row).toHaveCount(1);

  // Cancel: nothing happens. (With JavaScript the button asks in place, see islands.spec.ts;
  // the page stays for links and for browsers without JavaScript.)
  const confirmPage = (await row.getByRole("link", { name: /^Entfernen/ }).getAttribute("href"))!;
  if (js) await page.goto(confirmPage);
  else await row.getByRole("link", { name: /^Entfernen/ }).click();
  await expect(page).toHaveURL(/\/verwaltung\/zuweisungen\/\d+\/entfernen$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Zuweisung entfernen");
  await expect(page.locator("main")).toContainText(`Soll die Zuweisung des Kurses „${course}“ an`);
  await expect(page.locator("main")).toContainText("Fortschritt, Testergebnisse und Zertifikate bleiben erhalten.");
  await page.getByRole("link", { name: "Abbrechen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/zuweisungen$/);
  await expect(row).toHaveCount(1);

  // Confirm: removed, with the notice.
  if (js) await page.goto(confirmPage);
  else await row.getByRole("link", { name: /^Entfernen/ }).click();
  await page.getByRole("button", { name: "Ja, Zuweisung entfernen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/zuweisungen\?entfernt=1$/);
  await expect(page.getByRole("status")).toContainText("Die Zuweisung wurde entfernt.");
  await expect(row).toHaveCount(0);
});

test("the Protokoll tells each entry as a German sentence", async ({ page }, testInfo) => {
  await login(page, "admin");
  await page.goto("/verwaltung/protokoll?bereich=assignment");
  const table = page.getByRole("table");
  await expect(table.getByRole("columnheader")).toHaveText(["Zeitpunkt", "Wer", "Vorgang"]);
  // From long-content.setup.ts: the unit assignment, with the course title, not its slug.
  await expect(table).toContainText(`Kurs „KI-Seepferdchen“ zugewiesen an ${LONG_UNIT}, ohne Fälligkeitsdatum`);
  const text = (await table.textContent()) ?? "";
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  expect(text).not.toMatch(/ki-seepferdchen|ki-freischwimmer|"course"/);
  await page.goto("/verwaltung/protokoll?bereich=user");
  await expect(page.getByRole("table")).toContainText("Konto für maximiliane.wilhelmine.hohenzollern-sigmaringen-musterfrau@musterstadt.example angelegt, Rolle: Mitarbeitende");
  await page.goto("/verwaltung/protokoll");
  await page.screenshot({ path: testInfo.outputPath("protokoll.png"), fullPage: true });
  await page.setViewportSize({ width: 320, height: 640 });
  await page.screenshot({ path: testInfo.outputPath("protokoll-320.png") });
});

test("every reminder tile on the Übersicht links to its people", async ({ page }, testInfo) => {
  await login(page, "admin");
  await page.goto("/verwaltung/uebersicht");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  const tiles = page.locator(".reminder-list li");
  await expect(tiles).toHaveCount(3);
  await expect(tiles.locator("a")).toHaveCount(3);
  const soon = tiles.nth(1).getByRole("link");
  await expect(soon).toHaveText(/^\s*\d+ Zuweisung(en)? in den nächsten 7 Tagen fällig$/);
  await soon.click();
  await expect(page).toHaveURL(/status=bald-faellig/);
  await expect(page.locator("select#status")).toHaveValue("bald-faellig");
  await expect(page.getByRole("status")).toContainText(/Person(en)? gefunden/);
});
