import { test, expect, expectNoAxeViolations, login, answerQuiz } from "./fixtures";

// Each project uses its own demo employee, so progress does not interfere.
const learner = (name: string) => (name === "no-js" ? "nina.wolf" : "markus.richter");

test("an employee opens a course, reads modules in order, leaves and resumes", async ({ page }, testInfo) => {
  await login(page, learner(testInfo.project.name));
  await page.getByRole("link", { name: "Meine Kurse" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Kurse");
  await expect(page.getByRole("article").filter({ hasText: "KI-Seepferdchen" })).toContainText("0 von 8 Modulen erledigt");
  await expectNoAxeViolations(page, "/kurse");
  const card = page.getByRole("article").filter({ hasText: "Testkurs für End-to-End-Tests" });
  await expect(card).toContainText("0 von 2 Modulen erledigt");
  await card.getByRole("link", { name: "Testkurs für End-to-End-Tests", exact: true }).click();
  await expect(page.getByText("Ein Modul gilt als erledigt, wenn Sie den Modulcheck")).toBeVisible();
  await page.getByRole("link", { name: "Kurs beginnen" }).click();

  // Module 1: read it, pass its module check.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Modul Eins");
  await page.getByRole("button", { name: "Modulcheck starten" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Modulcheck: Modul Eins");
  await answerQuiz(page, true);
  await page.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(page.getByRole("status")).toContainText("Bestanden");
  await expect(page.getByText("KANARIENVOGEL-c1").first()).toBeVisible(); // explanations after submitting

  // Leave, come back later: progress is there and "Weiter" resumes at module 2.
  await page.goto("/");
  await page.goto("/kurse");
  const again = page.getByRole("article").filter({ hasText: "Testkurs für End-to-End-Tests" });
  await expect(again).toContainText("1 von 2 Modulen erledigt");
  await expect(page.locator("#fortschritt-e2e-testkurs")).toHaveAttribute("value", "1");
  await again.getByRole("link", { name: /^Weiter, wo ich aufgehört habe\W+Testkurs/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Modul Zwei");
  await page.goto("/kurse/e2e-testkurs");
  const items = page.locator(".module-list__item");
  await expect(items.nth(0)).toContainText("erledigt");
  await expect(items.nth(1)).toContainText("offen");
  await expect(page.getByText("1 von 2 Modulen erledigt")).toBeVisible();
});

test("the shipped course pages render without axe violations", async ({ page }, testInfo) => {
  await login(page, learner(testInfo.project.name));
  await page.goto("/kurse/ki-seepferdchen");
  await expect(page.getByText(/Stand: \d{2}\.\d{2}\.\d{4} · Version 2\.0/)).toBeVisible();
  await expectNoAxeViolations(page, "/kurse/ki-seepferdchen");
  await page.getByRole("link", { name: "Kurs beginnen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Was ist KI?");
  await expect(page.getByText("Modul 1 von 8")).toBeVisible();
  await expect(page.locator(".callout--merke").first()).toBeVisible();
  await expectNoAxeViolations(page, "/kurse/ki-seepferdchen/was-ist-ki");
});

test("module navigation and the other course render without axe violations", async ({ page }, testInfo) => {
  await login(page, learner(testInfo.project.name));
  await page.goto("/kurse/ki-rettungsschwimmer/betreiberpflichten");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/.+/);
  await expect(page.getByRole("navigation", { name: "Modulnavigation" }).getByRole("link")).toHaveCount(1);
  await expectNoAxeViolations(page, "/kurse/ki-rettungsschwimmer/betreiberpflichten");
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
