import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Every test fails on a console error or an uncaught exception (hydration errors included). */
export const test = base.extend({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    // Every document the page has shown: the console message about a page's status can arrive
    // after the test has already moved on to the next page.
    const documents = new Set<string>();
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) documents.add(frame.url());
    });
    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      // The browser logs the status of a page that is meant to be an error page (404 tests).
      const isDocument = msg.location().url === page.url() || documents.has(msg.location().url);
      if (isDocument && /status of 4\d\d/.test(msg.text())) return;
      // A server function refusing bad input answers 422 with the messages the form shows.
      if (/\/api\//.test(msg.location().url) && /status of 422/.test(msg.text())) return;
      errors.push(`console: ${msg.text()} (${msg.location().url})`);
    });
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    await use(page);
    expect(errors, "browser console errors").toEqual([]);
  },
});

export { expect };

export function jsEnabled(testInfo: { project: { name: string } }): boolean {
  return !testInfo.project.name.endsWith("no-js");
}

/** Waits until the wasm has hydrated the page (the app marks <body data-hydrated>). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** axe-core with the WCAG 2.1 A/AA rules; prints the count and fails on any violation. */
export async function expectNoAxeViolations(page: Page, label: string, js = jsEnabled(base.info())) {
  const results = await axeResults(page, js);
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  console.log(`axe ${label}: ${results.violations.length} violations`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/**
 * axe needs JavaScript in the page. For the no-JS project the same URL is opened in a
 * JavaScript-enabled context (same cookies) whose wasm and JS downloads are blocked, so axe sees
 * exactly the server-rendered page a browser without JavaScript shows.
 */
export async function axeResults(page: Page, js: boolean) {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  if (js) return new AxeBuilder({ page }).withTags(tags).analyze();
  const browser = page.context().browser()!;
  const ctx = await browser.newContext({
    javaScriptEnabled: true,
    storageState: await page.context().storageState(),
    viewport: page.viewportSize(),
  });
  try {
    await ctx.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    const ssrPage = await ctx.newPage();
    await ssrPage.goto(page.url());
    return await new AxeBuilder({ page: ssrPage }).withTags(tags).analyze();
  } finally {
    await ctx.close();
  }
}

export const DEMO_PASSWORD = "Seepferdchen-Demo-2026";

/**
 * Signs in through the login form (works with and without JavaScript). With JavaScript it waits
 * until the page after sign-in has hydrated, so that the next navigation never cuts off a
 * half-loaded wasm (which the browser may report as a console error).
 */
export async function login(page: Page, local: string, password = DEMO_PASSWORD, js = jsEnabled(base.info())) {
  await page.goto("/anmelden");
  await page.getByLabel("E-Mail-Adresse").fill(local.includes("@") ? local : `${local}@musterstadt.example`);
  await page.getByLabel("Passwort", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page.getByRole("button", { name: "Abmelden" })).toBeVisible();
  if (js) await waitForHydration(page);
}

/**
 * Answers every question of the quiz form on the page. The e2e test course marks right options
 * with "Richtig…" and orders steps "Schritt Eins/Zwei/Drei"; `right = false` answers wrongly.
 */
export async function answerQuiz(page: Page, right: boolean) {
  const questions = page.locator("fieldset.question");
  // After "…starten" the attempt page may still be on its way: answer its questions, not none.
  await questions.first().waitFor();
  const count = await questions.count();
  const order = ["Schritt Eins", "Schritt Zwei", "Schritt Drei"];
  for (let i = 0; i < count; i++) {
    const q = questions.nth(i);
    const rows = q.locator(".order-row");
    if ((await rows.count()) > 0) {
      for (let r = 0; r < (await rows.count()); r++) {
        const label = (await rows.nth(r).locator("label").textContent())!.trim();
        const pos = order.indexOf(label) + 1;
        await rows.nth(r).locator("select").selectOption(String(right ? pos : 4 - pos));
      }
      continue;
    }
    const labels = q.locator("label");
    for (let l = 0; l < (await labels.count()); l++) {
      const text = (await labels.nth(l).textContent())!.trim();
      if (text.startsWith("Richtig") === right) await labels.nth(l).click();
    }
  }
}

/** Long names for the sweeps (created by long-content.setup.ts). */
export const LONG_UNIT = "Amt für Digitalisierung, Informationssicherheit, Organisationsentwicklung und interkommunale Zusammenarbeit";
export const LONG_SUB_UNIT = "Sachgebiet Fördermittelmanagement, Haushaltsangelegenheiten und Vergabe der Schulverwaltung";
export const LONG_PERSON = "Maximiliane Wilhelmine Hohenzollern-Sigmaringen-Musterfrau";
export const LONG_EMAIL = "maximiliane.wilhelmine.hohenzollern-sigmaringen-musterfrau@musterstadt.example";
