import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";

// Each project uses its own demo employee, so progress does not interfere.
const learner = (name: string) => (name === "no-js" ? "clara.schaefer" : "ben.yilmaz");

test("an employee reads modules in order, leaves, comes back and resumes", async ({ page }, testInfo) => {
  await login(page, learner(testInfo.project.name));
  await page.getByRole("link", { name: "Meine Kurse" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Kurse");
  const card = page.getByRole("article").filter({ hasText: "KI-Seepferdchen" });
  await expect(card).toContainText("0 von 8 Modulen erledigt");
  await expectNoAxeViolations(page, "/kurse");

  await card.getByRole("link", { name: "KI-Seepferdchen", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("KI-Seepferdchen");
  await expect(page.getByText(/Stand: \d{2}\.\d{2}\.\d{4} · Version 1\.1/)).toBeVisible();
  await expectNoAxeViolations(page, "/kurse/ki-seepferdchen");
  await page.getByRole("link", { name: "Kurs beginnen" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Was ist KI?");
  await expect(page.getByText("Modul 1 von 8")).toBeVisible();
  await expect(page.locator(".callout--merke").first()).toBeVisible();
  await expectNoAxeViolations(page, "/kurse/ki-seepferdchen/was-ist-ki");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await page.getByRole("button", { name: "Als gelesen markieren und weiter" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Stärken und Grenzen");
  await expect(page.getByText("Modul 2 von 8")).toBeVisible();
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await page.getByRole("button", { name: "Als gelesen markieren und weiter" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Datenschutz und Vertraulichkeit");

  // Leave, come back later: progress is there and "Weiter" resumes at module 3.
  await page.goto("/");
  await page.goto("/kurse");
  await expect(page.getByRole("article").filter({ hasText: "KI-Seepferdchen" })).toContainText("2 von 8 Modulen erledigt");
  await expect(page.locator("#fortschritt-ki-seepferdchen")).toHaveAttribute("value", "2");
  await page
    .getByRole("article")
    .filter({ hasText: "KI-Seepferdchen" })
    .getByRole("link", { name: /^Weiter, wo ich aufgehört habe\W+KI-Seepferdchen$/ })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Datenschutz und Vertraulichkeit");
  await page.goto("/kurse/ki-seepferdchen");
  const items = page.locator(".module-list__item");
  await expect(items.nth(0)).toContainText("erledigt");
  await expect(items.nth(1)).toContainText("erledigt");
  await expect(items.nth(2)).toContainText("offen");
  await expect(page.getByText("2 von 8 Modulen erledigt")).toBeVisible();
});

test("module navigation and the other course render without axe violations", async ({ page }, testInfo) => {
  await login(page, learner(testInfo.project.name));
  await page.goto("/kurse/ki-freischwimmer/betreiberpflichten");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/.+/);
  await expect(page.getByRole("navigation", { name: "Modulnavigation" }).getByRole("link")).toHaveCount(1);
  await expectNoAxeViolations(page, "/kurse/ki-freischwimmer/betreiberpflichten");
  await page.getByRole("navigation", { name: "Modulnavigation" }).getByRole("link").click();
  await expect(page.getByText("Modul 2 von 4")).toBeVisible();
});

test("courses need a sign-in and unknown ones are not found", async ({ page }) => {
  await page.goto("/kurse/ki-seepferdchen/was-ist-ki");
  await expect(page.getByRole("alert")).toContainText("Bitte melden Sie sich an.");
  await expect(page.locator(".module__content")).toHaveCount(0);
  await login(page, "anna.becker");
  await page.goto("/kurse/gibt-es-nicht");
  await expect(page.getByRole("alert")).toContainText("Die angeforderte Seite gibt es nicht.");
});
