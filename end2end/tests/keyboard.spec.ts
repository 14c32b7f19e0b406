/**
 * Keyboard only (issue 9): sign in, open a course and read a module, pass its module checks and
 * the final test, download the certificate, with Tab, Shift+Tab, arrow keys, Space and Enter.
 * On every page of the walk, Tab reaches every control in document order (the visual order of
 * this single-column layout) and every focused control shows a visible focus indicator.
 */
import type { Page } from "@playwright/test";
import { test, expect, jsEnabled, waitForHydration, DEMO_PASSWORD } from "./fixtures";

const learner = (name: string) => (name === "no-js" ? "paula.neumann" : "oliver.schmitz");

type Focused = { key: string; label: string; visible: boolean; tag: string; type: string };

/** Numbers every control a keyboard user can reach, in document order (radio groups count once). */
async function expectedStops(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const sel = 'a[href], summary, button:not([disabled]), input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    const radios = new Set<string>();
    const keys: string[] = [];
    let i = 0;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
      el.dataset.kbd = String(i++);
      if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === "hidden") continue;
      if (el instanceof HTMLInputElement && el.type === "radio") {
        if (radios.has(el.name)) continue;
        radios.add(el.name);
      }
      keys.push(el.dataset.kbd);
    }
    return keys;
  });
}

async function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== "none";
    const label =
      el.getAttribute("aria-label") ??
      ((el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? "").replace(/\s+/g, " ").trim();
    return {
      key: el.dataset.kbd ?? "",
      label,
      visible: outline || shadow,
      tag: el.tagName.toLowerCase(),
      type: (el as HTMLInputElement).type ?? "",
    };
  });
}

/**
 * Tabs through the whole page from the top: every stop must be in `expectedStops` order, with a
 * visible focus indicator; radio groups are one stop (their first radio).
 */
async function walkWholePage(page: Page, what: string, js: boolean) {
  // A fresh load: the next Tab starts at the top of the document.
  await page.goto(page.url());
  await settle(page, js);
  const expected = await expectedStops(page);
  expect(expected.length, `${what}: controls`).toBeGreaterThan(3);
  const seen: string[] = [];
  for (let i = 0; i < expected.length + 5; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (!f) break;
    if (seen.length > 0 && f.key === seen[0]) break;
    expect(f.visible, `${what}: focus indicator on ${f.tag} "${f.label}"`).toBe(true);
    seen.push(f.key);
  }
  expect(seen, `${what}: tab order`).toEqual(expected);
  console.log(`keyboard ${what}: ${seen.length} tab stops, all in document order with visible focus`);
}

/** Presses Tab until the focused control's label matches; fails after `max` presses. */
async function tabTo(page: Page, label: RegExp | string, max = 80): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f && (typeof label === "string" ? f.label === label : label.test(f.label))) {
      expect(f.visible, `focus indicator on "${f.label}"`).toBe(true);
      return f;
    }
  }
  throw new Error(`no control labelled ${label} within ${max} tab stops`);
}

async function settle(page: Page, js: boolean) {
  await page.waitForLoadState("load");
  if (js) await waitForHydration(page);
}

/** Answers the quiz on the page with the keyboard only (right answers start with "Richtig"). */
async function answerByKeyboard(page: Page) {
  const count = await page.locator("fieldset.question").count();
  const order = ["Schritt Eins", "Schritt Zwei", "Schritt Drei"];
  let answered = 0;
  // Controls of the current question still to visit (checkboxes and position selects).
  let left = 0;
  for (let guard = 0; guard < 120 && (answered < count || left > 0); guard++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (!f) continue;
    const inQuestion = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const fs = el.closest("fieldset.question");
      return fs ? fs.querySelectorAll("input, select").length : 0;
    });
    if (inQuestion === 0) continue;
    // "Nach oben"/"Nach unten" of ordering steps (with JavaScript): the numbers are the answer.
    if (f.tag === "button") continue;
    if (f.type === "radio") {
      // Arrow keys move through the group and select; stop at the right option.
      for (let k = 0; k < 5; k++) {
        const now = (await focused(page))!;
        if (now.label.startsWith("Richtig")) {
          await page.keyboard.press("Space");
          break;
        }
        await page.keyboard.press("ArrowDown");
      }
      answered++;
      continue;
    }
    if (left === 0) {
      answered++;
      left = inQuestion;
    }
    if (f.type === "checkbox") {
      if (f.label.startsWith("Richtig")) await page.keyboard.press("Space");
    } else if (f.tag === "select") {
      const label = await page.evaluate(() => (document.activeElement as HTMLSelectElement).labels?.[0]?.textContent?.trim() ?? "");
      // Type-ahead picks the position.
      await page.keyboard.type(String(order.indexOf(label) + 1));
    }
    left--;
  }
  expect(answered).toBe(count);
  expect(left).toBe(0);
}

async function submitAnswers(page: Page) {
  await tabTo(page, "Antworten absenden");
  await page.keyboard.press("Enter");
}

test("keyboard only: sign in, read a module, pass the final test, download the certificate", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const js = jsEnabled(testInfo);
  await page.goto("/");
  await settle(page, js);
  // The skip link is the first stop.
  await page.keyboard.press("Tab");
  expect((await focused(page))!.label).toBe("Zum Inhalt springen");

  await tabTo(page, "Anmelden");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anmelden");
  await settle(page, js);
  await walkWholePage(page, "/anmelden", js);
  await tabTo(page, "E-Mail-Adresse");
  await page.keyboard.type(`${learner(testInfo.project.name)}@musterstadt.example`);
  await page.keyboard.press("Tab");
  expect((await focused(page))!.label).toBe("Passwort");
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Abmelden" })).toBeVisible();
  await settle(page, js);

  // To the course through the navigation and the course list.
  await tabTo(page, "Meine Kurse");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Kurse");
  await settle(page, js);
  await tabTo(page, "Testkurs für End-to-End-Tests");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Testkurs für End-to-End-Tests");
  await settle(page, js);
  await walkWholePage(page, "course page", js);

  for (const module of ["Modul Eins", "Modul Zwei"]) {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, new RegExp(`^${module}`));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1 })).toContainText(module);
    await settle(page, js);
    await walkWholePage(page, `module ${module}`, js);
    await tabTo(page, "Modulcheck starten");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/versuche\/\d+$/);
    await settle(page, js);
    await walkWholePage(page, `module check ${module}`, js);
    await answerByKeyboard(page);
    await submitAnswers(page);
    await expect(page.getByRole("status")).toContainText("Bestanden");
    await settle(page, js);
    // Back to the course page by the breadcrumb.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, "Testkurs für End-to-End-Tests");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Testkurs für End-to-End-Tests");
    await settle(page, js);
  }

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, "Abschlusstest starten");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/versuche\/\d+$/);
  await settle(page, js);
  await walkWholePage(page, "final test", js);
  await answerByKeyboard(page);
  await submitAnswers(page);
  await expect(page.getByText("Herzlichen Glückwunsch: Sie haben den Kurs abgeschlossen.")).toBeVisible();
  await settle(page, js);

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, "Meine Zertifikate");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Zertifikate");
  await settle(page, js);
  await walkWholePage(page, "/zertifikate", js);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, /^PDF herunterladen: Testkurs für End-to-End-Tests/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  const fs = await import("node:fs");
  expect(fs.readFileSync((await download.path())!).subarray(0, 5).toString()).toBe("%PDF-");
});
