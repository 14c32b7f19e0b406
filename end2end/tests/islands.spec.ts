/**
 * The islands (issue 20): what a script adds where it helps, and that without JavaScript the
 * same pages work as before. Both projects run every test; each asserts its mode.
 */
import type { Locator, Page } from "@playwright/test";
import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login, answerQuiz, LONG_SUB_UNIT } from "./fixtures";

const learner = (js: boolean) => (js ? "rainer.zimmermann" : "ulrike.peters");
const ORDER = ["Schritt Eins", "Schritt Zwei", "Schritt Drei"];

async function startCheck(page: Page, module: string, js: boolean) {
  await page.goto(`/kurse/e2e-testkurs/${module}`);
  await page.getByRole("button", { name: /Modulcheck (starten|wiederholen)/ }).click();
  await expect(page).toHaveURL(/\/versuche\/\d+$/);
  if (js) await waitForHydration(page);
}

async function labels(rows: Locator): Promise<string[]> {
  return (await rows.locator("label").allTextContents()).map((s) => s.trim());
}

test("open questions are listed before anything is sent; 'Trotzdem absenden' sends", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  await login(page, learner(js));
  await startCheck(page, "eins", js);
  const attemptUrl = page.url();
  // Enter in a field sends the form by its first button: "Antworten absenden", never
  // "Trotzdem absenden".
  await page.getByLabel("Richtig: diese").focus();
  await page.keyboard.press("Enter");
  const summary = page.locator("#offene-fragen");
  await expect(summary).toBeVisible();
  await expect(summary).toContainText("2 Fragen sind noch nicht beantwortet:");
  await expect(summary.getByRole("link")).toHaveText(["Frage 1", "Frage 2"]);
  // Nothing is graded yet.
  await expect(page.getByRole("status")).toHaveCount(0);
  if (js) {
    // The island lists them before anything is sent, and moves the focus there.
    await expect(summary).toBeFocused();
    expect(page.url()).toBe(attemptUrl);
  } else {
    // Without JavaScript the server sends the form back, the gaps marked, the page at the list.
    await expect(page).toHaveURL(/\?offen=1#offene-fragen$/);
    await expect(page.locator("fieldset.question--open")).toHaveCount(2);
  }
  await expectNoAxeViolations(page, `/versuche/:id (offene Fragen${js ? "" : ", ohne JavaScript"})`, js);
  await summary.screenshot({ path: testInfo.outputPath("offene-fragen.png") });

  // The link leads to the question; answering one leaves one in the list.
  const single = page.locator("fieldset.question").filter({ hasText: "Welche Antwort ist richtig?" });
  const singleNumber = (await single.getAttribute("id"))!.replace("frage-", "");
  await summary.getByRole("link", { name: `Frage ${singleNumber}` }).click();
  await expect(page).toHaveURL(new RegExp(`#frage-${singleNumber}$`));
  await single.getByLabel("Richtig: diese").check();
  // An ordering question with one step numbered is still open; the number given is kept.
  const steps = page.locator("fieldset.question").filter({ hasText: ORDER[0] });
  await steps.getByLabel(ORDER[0]).selectOption("1");
  await page.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(summary).toContainText("Eine Frage ist noch nicht beantwortet:");
  await expect(summary.getByRole("link")).toHaveCount(1);
  await expect(summary.getByRole("link")).not.toHaveText(`Frage ${singleNumber}`);
  await expect(single.getByLabel("Richtig: diese")).toBeChecked();
  await expect(steps.getByLabel(ORDER[0])).toHaveValue("1");
  if (!js) await expect(page.locator("fieldset.question--open")).toHaveCount(1);

  await summary.getByRole("button", { name: "Trotzdem absenden" }).click();
  await expect(page.getByRole("status")).toContainText("1 von 2 Fragen richtig");
});

test("ordering steps with 'Nach oben' and 'Nach unten'; the numbers follow the order shown", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  await login(page, learner(js));
  await startCheck(page, "eins", js);
  const ordering = page.locator("fieldset.question").filter({ has: page.locator(".order-row") });
  const rows = ordering.locator(".order-row");
  await expect(rows).toHaveCount(3);
  if (!js) {
    // No dead controls without JavaScript: the numbers are the way.
    await expect(ordering.getByRole("button")).toHaveCount(0);
    await answerQuiz(page, true);
    await page.getByRole("button", { name: "Antworten absenden" }).click();
    await expect(page.getByRole("status")).toContainText("2 von 2 Fragen richtig");
    return;
  }
  await expect(rows.first().getByRole("button", { name: /^Nach oben/ })).toHaveAttribute("aria-disabled", "true");
  await expect(rows.last().getByRole("button", { name: /^Nach unten/ })).toHaveAttribute("aria-disabled", "true");
  // Sort by moving each step up to its place, keeping the focus on the button pressed.
  let moves = 0;
  for (let target = 0; target < ORDER.length; target++) {
    for (let guard = 0; guard < 3; guard++) {
      const now = await labels(rows);
      if (now[target] === ORDER[target]) break;
      const step = ORDER[target];
      const button = rows.filter({ hasText: step }).getByRole("button", { name: /^Nach oben/ });
      await button.click();
      moves++;
      await expect(button).toBeFocused();
      const at = (await labels(rows)).indexOf(step) + 1;
      await expect(ordering.locator("[aria-live]")).toHaveText(`„${step}“ steht jetzt an Stelle ${at} von 3.`);
    }
  }
  expect(await labels(rows)).toEqual(ORDER);
  if (moves === 0) {
    // Already in order as drawn: one move down and back up still numbers every step.
    // (The first step, now second, goes back up; the first row's "Nach oben" is disabled.)
    await rows.first().getByRole("button", { name: /^Nach unten/ }).click();
    await rows.nth(1).getByRole("button", { name: /^Nach oben/ }).click();
    expect(await labels(rows)).toEqual(ORDER);
  }
  for (let r = 0; r < 3; r++) await expect(rows.nth(r).locator("select")).toHaveValue(String(r + 1));
  await expectNoAxeViolations(page, "/versuche/:id (Reihenfolge mit Schaltflächen)");
  await ordering.screenshot({ path: testInfo.outputPath("reihenfolge.png") });
  await page.locator("fieldset.question").filter({ hasText: "Welche Antwort ist richtig?" }).getByLabel("Richtig: diese").check();
  await page.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(page.getByRole("status")).toContainText("2 von 2 Fragen richtig");
  await expect(page.locator(".question--wrong")).toHaveCount(0);
});

test("the final test counts down and says so at five minutes, one minute and the end", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  await login(page, learner(js));
  for (const m of ["eins", "zwei"]) {
    await startCheck(page, m, js);
    await answerQuiz(page, true);
    await page.getByRole("button", { name: "Antworten absenden" }).click();
    await expect(page.getByRole("status")).toContainText("Bestanden");
  }
  if (js) await page.clock.install();
  await page.goto("/kurse/e2e-testkurs");
  await page.getByRole("button", { name: "Abschlusstest starten" }).click();
  await expect(page).toHaveURL(/\/versuche\/\d+$/);
  await expect(page.getByText(/Bitte senden Sie Ihre Antworten bis \d{2}:\d{2} Uhr ab\./)).toBeVisible();
  const timer = page.getByRole("timer");
  if (!js) {
    await expect(timer).toBeHidden();
  } else {
    await waitForHydration(page);
    await expect(timer).toBeVisible();
    await expect(timer).toHaveText(/^Verbleibende Zeit: (29|30):\d\d Minuten$/);
    const live = page.locator("form.quiz > [aria-live]");
    await page.clock.fastForward("25:30");
    await expect(timer).toHaveText(/^Verbleibende Zeit: 4:\d\d Minuten$/);
    await expect(live).toHaveText("Noch 5 Minuten Bearbeitungszeit.");
    await page.clock.fastForward("04:00");
    await expect(live).toHaveText("Noch eine Minute Bearbeitungszeit.");
    await expect(timer).toHaveClass(/countdown--ending/);
    await expectNoAxeViolations(page, "/versuche/:id (Countdown)");
    await page.screenshot({ path: testInfo.outputPath("countdown.png") });
    await page.clock.fastForward("01:00");
    await expect(timer).toHaveText("Verbleibende Zeit: 0:00 Minuten");
    await expect(live).toHaveText("Die Bearbeitungszeit ist abgelaufen. Bitte senden Sie Ihre Antworten jetzt ab.");
  }
  // The server's clock decides: little real time has passed, so the answers count.
  await answerQuiz(page, true);
  await page.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(page.getByRole("status")).toContainText("4 von 4 Fragen richtig");
});

test("removing an assignment asks first, in place with JavaScript and on a page without", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const course = "KI-Freischwimmer";
  // A unit of its own for each mode and run: no other test sees this assignment.
  const unitName = `Inseltest ${js ? "mit" : "ohne"} JavaScript ${Date.now()}`;
  await login(page, "admin");
  await page.goto("/verwaltung/organisation");
  const create = page.locator("section", { has: page.getByRole("heading", { name: "Neue Organisationseinheit" }) });
  await create.getByLabel("Name").fill(unitName);
  const parent = create.getByLabel("Übergeordnete Einheit");
  await parent.selectOption((await parent.locator("option", { hasText: LONG_SUB_UNIT }).first().getAttribute("value"))!);
  await create.getByRole("button", { name: "Anlegen" }).click();
  await expect(page).toHaveURL(/gespeichert=1/);
  await page.goto("/verwaltung/zuweisungen");
  const form = page.locator("section", { has: page.getByRole("heading", { name: "Kurs zuweisen", exact: true }) });
  await form.getByLabel("Kurs", { exact: true }).selectOption({ label: course });
  const unit = form.getByLabel("Organisationseinheit");
  await unit.selectOption((await unit.locator("option", { hasText: unitName }).first().getAttribute("value"))!);
  await form.getByRole("button", { name: "Zuweisen" }).click();
  await expect(page).toHaveURL(/gespeichert=1/);
  if (js) await waitForHydration(page);
  const row = page.locator("tbody tr").filter({ hasText: course }).filter({ hasText: unitName });
  await expect(row).toHaveCount(1);
  // Its name tells the buttons of the list apart: "Entfernen: <course> – <unit path>".
  const remove = row.getByRole("link", { name: /^Entfernen/ });
  await expect(remove).toHaveAccessibleName(new RegExp(`^Entfernen ?: ${course} – .*${unitName}$`));
  await remove.click();
  if (js) {
    const question = row.locator(".confirm-in-place__question");
    await expect(page).toHaveURL(/gespeichert=1/);
    await expect(question).toBeFocused();
    await expect(question).toHaveText(new RegExp(`^Soll die Zuweisung des Kurses „${course}“ an .*${unitName} entfernt werden\\?$`));
    await expect(row).toContainText("Fortschritt, Testergebnisse und Zertifikate bleiben erhalten.");
    await expect(remove).toBeHidden();
    await expectNoAxeViolations(page, "/verwaltung/zuweisungen (Entfernen?)");
    await row.screenshot({ path: testInfo.outputPath("entfernen.png") });
    // Cancel: the question goes, the focus is back on the button.
    await row.getByRole("button", { name: "Abbrechen" }).click();
    await expect(question).toBeHidden();
    await expect(remove).toBeFocused();
    await expect(row).toHaveCount(1);
    await remove.click();
  } else {
    await expect(page).toHaveURL(/\/verwaltung\/zuweisungen\/\d+\/entfernen$/);
    await expect(page.getByText(new RegExp(`^Soll die Zuweisung des Kurses „${course}“ an .*${unitName} entfernt werden\\?$`))).toBeVisible();
  }
  await page.getByRole("button", { name: "Ja, Zuweisung entfernen" }).click();
  await expect(page).toHaveURL(/entfernt=1/);
  await expect(page.getByText("Die Zuweisung wurde entfernt.")).toBeVisible();
  await expect(row).toHaveCount(0);
});
