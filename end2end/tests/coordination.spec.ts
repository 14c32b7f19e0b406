import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations, login } from "./fixtures";
import { clockFile } from "../playwright.config";

// The coordinator view end to end, on the server whose clock this test moves. Both JavaScript
// modes run here one after the other (the clock is shared, so they must not run in parallel):
// a coordinator assigns a course to an org unit with a due date, an employee of the unit sees
// it, a person added to the unit afterwards sees it too, and once the due date has passed both
// sides show it as overdue; the status CSV and the evidence PDF download. Then the due date
// becomes "within 14 days": a person joining that day is not overdue when the others are, and
// the dashboard shows the unit's share done.

let offsetSeconds = 0;
const DAY = 86_400;

function moveClock(days: number) {
  offsetSeconds += days * DAY;
  writeFileSync(clockFile, String(offsetSeconds));
}

/** The server's calendar day in Germany, `days` ahead: ISO (for date fields) and German. */
function serverDay(days = 0): { iso: string; de: string } {
  const now = new Date(Date.now() + offsetSeconds * 1000);
  const iso = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Berlin",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
  const [y, m, d] = iso.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d + days));
  const pad = (n: number) => String(n).padStart(2, "0");
  const out = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
  const [yy, mm, dd] = out.split("-");
  return { iso: out, de: `${dd}.${mm}.${yy}` };
}

/** A browser context and page that fail the test on console errors, like the `page` fixture. */
async function open(browser: Browser, js: boolean, errors: string[]): Promise<[BrowserContext, Page]> {
  const ctx = await browser.newContext({ javaScriptEnabled: js, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // The deliberately refused due date (step 1) answers 422, which the browser logs.
    if (/status of 422/.test(msg.text()) && msg.location().url.endsWith("/api/assign_unit")) return;
    errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return [ctx, page];
}

const modes = [
  { js: true, coordinator: "koordination.fb3", unit: "Jugendamt", employee: "jana.vogel", newcomer: "neu.jugendamt" },
  { js: false, coordinator: "koordination.fb2", unit: "Ordnungsamt", employee: "elif.kaya", newcomer: "neu.ordnungsamt" },
];

test("assignments with due dates reach the unit, newcomers, and turn overdue on both sides", async ({ browser }) => {
  test.setTimeout(180_000);
  writeFileSync(clockFile, "0");
  for (const mode of modes) {
    const label = mode.js ? "islands" : "no-js";
    const errors: string[] = [];
    const due = serverDay(3);
    const [coordCtx, coord] = await open(browser, mode.js, errors);
    const [empCtx, emp] = await open(browser, mode.js, errors);

    // 1. The coordinator assigns KI-Freischwimmer to the unit, due in three days.
    await login(coord, mode.coordinator, undefined, mode.js);
    await coord.goto("/verwaltung/zuweisungen");
    await expectNoAxeViolations(coord, `/verwaltung/zuweisungen (${label})`, mode.js);
    await coord.getByLabel("Kurs", { exact: true }).selectOption({ label: "KI-Freischwimmer" });
    await coord.getByLabel("Organisationseinheit").selectOption({ label: mode.unit });
    await coord.getByLabel("Fällig am", { exact: true }).fill(due.iso);
    await coord.getByRole("button", { name: "Zuweisen", exact: true }).click();
    await expect(coord.getByRole("status")).toContainText("gespeichert");
    const row = coord.getByRole("row").filter({ hasText: "KI-Freischwimmer" }).filter({ hasText: mode.unit });
    await expect(row).toContainText(due.de);

    // A due date in the past is refused with a clear message at the field.
    await coord.getByLabel("Fällig am", { exact: true }).fill(serverDay(-1).iso);
    await coord.getByRole("button", { name: "Zuweisen", exact: true }).click();
    await expect(coord.getByRole("alert").first()).toContainText("nicht in der Vergangenheit");

    // 2. An employee of the unit sees it first on "Meine Kurse", with the due date.
    await login(emp, mode.employee, undefined, mode.js);
    await emp.goto("/kurse");
    const card = emp.locator("article", { hasText: "KI-Freischwimmer" });
    await expect(card).toContainText(`Pflichtkurs · fällig bis ${due.de}`);
    await expectNoAxeViolations(emp, `/kurse with assignment (${label})`, mode.js);

    // 3. A person added to the unit afterwards gets it too.
    const email = `${mode.newcomer}@musterstadt.example`;
    await coord.goto("/verwaltung/benutzer/neu");
    await coord.getByLabel("Name").fill("Neue Kollegin");
    await coord.getByLabel("E-Mail-Adresse").fill(email);
    await coord.getByLabel("Organisationseinheit").selectOption({ label: mode.unit });
    await coord.getByRole("button", { name: "Benutzer anlegen" }).click();
    const link = (await coord.locator(".link-to-hand-over").first().textContent())!.trim();
    const [newCtx, newcomer] = await open(browser, mode.js, errors);
    await newcomer.goto(link);
    await newcomer.getByLabel("Neues Passwort", { exact: true }).fill("Blaue Wale singen im Hafen");
    await newcomer.getByLabel("Neues Passwort wiederholen").fill("Blaue Wale singen im Hafen");
    await newcomer.getByRole("button", { name: "Passwort speichern" }).click();
    await expect(newcomer).toHaveURL(/\/\?passwort=neu$/);
    await expect(newcomer.locator(".start-next h2 a")).toHaveText(/^KI-/);
    await newcomer.goto("/kurse");
    await expect(newcomer.locator("article", { hasText: "KI-Freischwimmer" })).toContainText(`fällig bis ${due.de}`);

    // 4. Five days later the due date has passed (sessions have run out: sign in again).
    moveClock(5);
    await login(emp, mode.employee, undefined, mode.js);
    await emp.goto("/kurse");
    await expect(emp.locator("article", { hasText: "KI-Freischwimmer" })).toContainText(`überfällig seit ${due.de}`);
    await emp.goto("/");
    await expect(emp.getByRole("region", { name: "Ihre Erinnerungen" })).toContainText("KI-Freischwimmer: überfällig");
    await expectNoAxeViolations(emp, `/ with reminders (${label})`, mode.js);

    await login(coord, mode.coordinator, undefined, mode.js);
    await coord.goto("/verwaltung/uebersicht?kurs=ki-freischwimmer");
    await expectNoAxeViolations(coord, `/verwaltung/uebersicht (${label})`, mode.js);
    const unitRow = coord.getByRole("row").filter({ has: coord.getByRole("link", { name: mode.unit, exact: true }) });
    await unitRow.getByRole("link", { name: mode.unit, exact: true }).click();
    await expect(coord.getByRole("heading", { name: `Personen in ${mode.unit}` })).toBeVisible();
    await coord.getByLabel("Stand", { exact: true }).selectOption({ label: "Überfällig" });
    await coord.getByRole("button", { name: "Anwenden" }).last().click();
    const people = coord.getByRole("table").last();
    await expect(people).toContainText("Neue Kollegin");
    await expect(people).toContainText(mode.employee === "jana.vogel" ? "Jana Vogel" : "Elif Kaya");
    await expectNoAxeViolations(coord, `/verwaltung/uebersicht?einheit (${label})`, mode.js);

    // 5. Downloads: the status list (German Excel CSV) and the evidence report as PDF.
    const [csv] = await Promise.all([
      coord.waitForEvent("download"),
      coord.getByRole("link", { name: "Statusliste (CSV)" }).click(),
    ]);
    const csvText = await readFile((await csv.path())!, "utf8");
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(csvText).toContain("Name;E-Mail;Organisationseinheit;Kurs;Pflicht;Fällig am;Stand");
    expect(csvText).toContain(`Neue Kollegin;${email}`);
    expect(csvText).toContain("Überfällig");
    const [pdf] = await Promise.all([
      coord.waitForEvent("download"),
      coord.getByRole("link", { name: "Nachweis der Schulungsmaßnahmen (PDF)" }).click(),
    ]);
    const pdfBytes = await readFile((await pdf.path())!);
    expect(pdfBytes.subarray(0, 4).toString()).toBe("%PDF");

    // 6. "Within 14 days" instead of a date: counted from the assignment for those already
    //    in the unit, from their first day for someone who joins now.
    await coord.goto("/verwaltung/zuweisungen");
    const assigned = coord.getByRole("row").filter({ hasText: "KI-Freischwimmer" }).filter({ hasText: mode.unit });
    await assigned.getByLabel(/^Fällig am/).fill("");
    await assigned.getByLabel(/^oder Tage/).fill("14");
    await assigned.getByRole("button", { name: /^Speichern/ }).click();
    await expect(coord.getByRole("row").filter({ hasText: "KI-Freischwimmer" }).filter({ hasText: mode.unit })).toContainText("innerhalb von 14 Tagen");
    await coord.goto("/verwaltung/benutzer/neu");
    await coord.getByLabel("Name").fill("Zweite Kollegin");
    await coord.getByLabel("E-Mail-Adresse").fill(`zweite.${mode.newcomer}@musterstadt.example`);
    await coord.getByLabel("Organisationseinheit").selectOption({ label: mode.unit });
    await coord.getByRole("button", { name: "Benutzer anlegen" }).click();
    await expect(coord.locator(".link-to-hand-over").first()).toBeVisible();
    // Ten days on: 15 days since the assignment, 10 since she joined.
    moveClock(10);
    await login(coord, mode.coordinator, undefined, mode.js);
    await coord.goto("/verwaltung/uebersicht?kurs=ki-freischwimmer");
    const quotaRow = coord.getByRole("row").filter({ has: coord.getByRole("link", { name: mode.unit, exact: true }) });
    // The unit's share done stands beside its counts.
    await expect(quotaRow.locator("td.quota .quota__value")).toHaveText(/^\d+ %$/);
    await coord.screenshot({ path: test.info().outputPath(`uebersicht-quote-${label}.png`), fullPage: true });
    await quotaRow.getByRole("link", { name: mode.unit, exact: true }).click();
    await coord.getByLabel("Stand", { exact: true }).selectOption({ label: "Überfällig" });
    await coord.getByRole("button", { name: "Anwenden" }).last().click();
    const overdue = coord.getByRole("table").last();
    await expect(overdue).toContainText(mode.employee === "jana.vogel" ? "Jana Vogel" : "Elif Kaya");
    await expect(overdue).not.toContainText("Zweite Kollegin");
    await coord.getByLabel("Stand", { exact: true }).selectOption({ label: "Nicht begonnen" });
    await coord.getByRole("button", { name: "Anwenden" }).last().click();
    await expect(coord.getByRole("table").last()).toContainText("Zweite Kollegin");

    await Promise.all([coordCtx.close(), empCtx.close(), newCtx.close()]);
    expect(errors, `browser console errors (${label})`).toEqual([]);
  }
});
