/**
 * BITV / WCAG 2.1 AA across the whole app (issues 9 and 21):
 * - every route, as anonymous, employee, coordinator and admin, in both JavaScript modes
 *   (the two Playwright projects), with the long names of long-content.setup.ts: axe-core
 *   violations at 1280 px and at 320 px (printed per route; wide tables must scroll in a
 *   focusable region) and horizontal scrolling of the page at 320 px;
 * - the same routes in English: no German UI string from locales/de.toml is left.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { test, expect, login, jsEnabled, waitForHydration, axeResults, LONG_UNIT, LONG_SUB_UNIT } from "./fixtures";

type Role = "anonym" | "employee" | "coordinator" | "admin";

const PUBLIC = [
  "/",
  "/ueber",
  "/anmelden",
  "/passwort-festlegen",
  "/passwort-vergessen",
  "/barrierefreiheit",
  "/barriere-melden",
  "/leichte-sprache",
  "/impressum",
  "/datenschutz",
  "/fristen",
  "/ki-register",
  "/gibt-es-nicht",
];
const EMPLOYEE = [
  "/kurse",
  "/kurse/ki-seepferdchen",
  "/kurse/ki-seepferdchen/ki-bei-uns",
  "/kurse/ki-freischwimmer/datenklassen",
  "/kurse/ki-rettungsschwimmer/aufsicht-vorfaelle",
  "/kurse/e2e-testkurs",
  "/zertifikate",
  "/konto",
  // The change of the demo's first system, the chatbot of Tim's unit (demo data: changed two
  // days before the seed); Tim never learnt it, so he is told he is up to date.
  "/ki-aenderung/1",
];
const MANAGER = [
  "/verwaltung/uebersicht",
  "/verwaltung/uebersicht?kurs=ki-seepferdchen&status=ueberfaellig",
  "/verwaltung/zuweisungen",
  "/verwaltung/benutzer",
  "/verwaltung/benutzer/neu",
  "/verwaltung/import",
  "/verwaltung/organisation",
  "/verwaltung/schulungen",
  "/verwaltung/ki-register",
];
const ADMIN = [
  "/verwaltung/zertifikate",
  "/verwaltung/protokoll",
  "/verwaltung/barrieren",
  "/verwaltung/e-mails",
  "/verwaltung/ki-register/neu",
];

/** Every route in the app (app.rs); the sweep below fails if one of them was not visited. */
const ALL_ROUTE_PATTERNS = [
  "/", "/kurse", "/kurse/:kurs", "/kurse/:kurs/:modul", "/versuche/:id", "/zertifikate",
  "/verify/:code", "/verwaltung/zertifikate", "/anmelden", "/passwort-festlegen", "/passwort-vergessen", "/konto",
  "/verwaltung/benutzer", "/verwaltung/benutzer/neu", "/verwaltung/benutzer/:id",
  "/verwaltung/import", "/verwaltung/import/:id", "/verwaltung/organisation",
  "/verwaltung/organisation/import/:id",
  "/verwaltung/uebersicht", "/verwaltung/zuweisungen", "/verwaltung/zuweisungen/:id/entfernen",
  "/verwaltung/protokoll", "/verwaltung/schulungen", "/verwaltung/schulungen/:id",
  "/verwaltung/barrieren", "/verwaltung/e-mails", "/barrierefreiheit", "/barriere-melden", "/leichte-sprache",
  "/impressum", "/datenschutz", "/ueber",
  "/verwaltung/ki-register", "/verwaltung/ki-register/neu", "/verwaltung/ki-register/:id",
  "/verwaltung/ki-register/:id/bearbeiten", "/ki-register", "/ki-aenderung/:id",
  "/verwaltung/ki-register/:id/eu-datenbank",
];

const ACCOUNTS: Record<Exclude<Role, "anonym">, string> = {
  employee: "tim.lange",
  coordinator: "koordination.fb2",
  admin: "admin",
};

/** A certificate code to verify (Anna's demo certificate), read in a context of its own. */
async function verifyPath(browser: Browser): Promise<string> {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  try {
    const p = await ctx.newPage();
    await login(p, "anna.becker", undefined, false);
    await p.goto("/zertifikate");
    const href = await p.getByRole("link", { name: /Prüfseite öffnen/ }).first().getAttribute("href");
    return href!;
  } finally {
    await ctx.close();
  }
}

/**
 * The routes a role reaches, with the dynamic ones resolved from the pages themselves: `all` of
 * them, and its `own` ones: those no role below it sees the same way (the public pages for
 * visitors, the learner's pages for staff, the administration's for coordinators and admins,
 * whose pages differ in what they may change), plus each role's own start page. The axe sweep
 * visits the own routes only: a public page looks the same to everyone but for the header,
 * which every role's own pages carry.
 */
async function routesFor(page: Page, role: Role, browser: Browser): Promise<{ all: string[]; own: string[] }> {
  const routes = [...PUBLIC, await verifyPath(browser)];
  let ownFrom = 0;
  const result = () => ({ all: routes, own: role === "anonym" ? routes : ["/", ...routes.slice(ownFrom)] });
  if (role === "anonym") return result();
  ownFrom = routes.length;
  routes.push(...EMPLOYEE);
  await page.goto("/kurse/e2e-testkurs");
  routes.push((await page.locator('a[href^="/kurse/e2e-testkurs/"]').first().getAttribute("href"))!);
  // An open module check: its attempt page.
  await page.goto("/kurse/e2e-testkurs/eins");
  await page.getByRole("button", { name: "Modulcheck starten" }).click();
  await expect(page).toHaveURL(/\/versuche\/\d+$/);
  routes.push(new URL(page.url()).pathname);
  if (role === "employee") return result();
  ownFrom = routes.length;
  routes.push(...MANAGER);
  const person = 'a[href^="/verwaltung/benutzer/"]:not([href$="/neu"])';
  // A person no other test deletes (the first one in the list may be a test's short-lived one).
  await page.goto("/verwaltung/benutzer?q=tim.lange");
  routes.push((await page.locator(person).first().getAttribute("href"))!);
  // Long content: the long-named person, one's own person page (with scores), the drill-down
  // into the long-named unit, and the question before an assignment is removed.
  for (const q of ["Hohenzollern", ACCOUNTS[role]]) {
    await page.goto(`/verwaltung/benutzer?q=${encodeURIComponent(q)}`);
    routes.push((await page.locator(person).first().getAttribute("href"))!);
  }
  // Found by name: on a large tree the Übersicht shows only its top level.
  await page.goto(`/verwaltung/uebersicht?einheitensuche=${encodeURIComponent(LONG_UNIT)}`);
  routes.push((await page.getByRole("link", { name: LONG_UNIT, exact: true }).getAttribute("href"))!);
  await page.goto("/verwaltung/zuweisungen");
  // The long unit's assignment (long-content.setup.ts), which no other test removes.
  const kept = page.getByRole("row").filter({ hasText: LONG_UNIT }).filter({ hasNotText: LONG_SUB_UNIT });
  routes.push((await kept.locator('a[href$="/entfernen"]').first().getAttribute("href"))!);
  // The training recorded for the long-named person (long-content.setup.ts).
  await page.goto("/verwaltung/schulungen");
  routes.push((await page.locator('a[href^="/verwaltung/schulungen/"]').last().getAttribute("href"))!);
  // A system of the KI-Register the coordinator's units use; for admins the high-risk one
  // (the longest page, with every duty) and its form.
  await page.goto("/verwaltung/ki-register");
  const systemLink =
    role === "admin"
      ? page.getByRole("link", { name: "Vorprüfung Leistungsanträge" })
      : page.locator('a[href^="/verwaltung/ki-register/"]:not([href$="/neu"])').last();
  const system = (await systemLink.getAttribute("href"))!;
  routes.push(system);
  if (role === "coordinator") return result();
  routes.push(...ADMIN);
  routes.push(`${system}/bearbeiten`);
  routes.push(`${system}/eu-datenbank`);
  // An import preview (uploaded, never committed).
  await page.goto("/verwaltung/import");
  await page.locator('input[type="file"]').setInputFiles({
    name: "sweep.csv",
    mimeType: "text/csv",
    // Headers and cells a file brings are shown as uploaded (data, in no UI language): the
    // sweep's file uses words that are the same in both languages.
    buffer: Buffer.from("Name;Email;OE;Role\nSweep Person;sweep.person@musterstadt.example;Bürgerbüro;employee\n"),
  });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/import\/\d+$/);
  routes.push(new URL(page.url()).pathname);
  // An org tree preview (uploaded, never committed); codes and names are data.
  await page.goto("/verwaltung/organisation");
  await page.locator('input[name="datei"]').setInputFiles({
    name: "tree.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("Kennung;Name;Übergeordnete Kennung\nSW1;Sweep Unit;\n"),
  });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/organisation\/import\/\d+$/);
  routes.push(new URL(page.url()).pathname);
  return result();
}

function patternOf(path: string): string {
  const p = path.split("?")[0];
  const found = ALL_ROUTE_PATTERNS.find((pattern) => {
    const re = new RegExp("^" + pattern.replace(/:[a-z]+/g, "[^/]+") + "$");
    return re.test(p) && !(pattern.includes(":") && ALL_ROUTE_PATTERNS.includes(p));
  });
  return found ?? p;
}

async function open(page: Page, path: string, js: boolean) {
  await page.goto(path);
  if (js) await waitForHydration(page);
}

/** Horizontal scrolling of the whole page (wide content must scroll in its own box). */
async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const role of ["anonym", "employee", "coordinator", "admin"] as Role[]) {
  test(`every route of ${role}: 0 axe violations at 1280 and 320 px, no horizontal scrolling at 320 px`, async ({ page, browser }, testInfo) => {
    test.setTimeout(480_000);
    const js = jsEnabled(testInfo);
    if (role !== "anonym") await login(page, ACCOUNTS[role]);
    const { all, own: routes } = await routesFor(page, role, browser);
    const failures: string[] = [];
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: width === 320 ? 640 : 720 });
      for (const path of routes) {
        await open(page, path, js);
        const results = await axeResults(page, js);
        const overflow = await pageOverflow(page);
        console.log(`${testInfo.project.name} ${role} ${width} px ${path}: ${results.violations.length} axe violations, page overflow ${overflow} px`);
        for (const v of results.violations) {
          failures.push(`${width} px ${path}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        }
        if (width === 320 && overflow > 0) failures.push(`${path}: ${overflow} px horizontal scrolling at 320 px`);
      }
    }
    expect(failures).toEqual([]);
    if (role === "admin") {
      // The admin reaches every route of the app: none is left out (each is some role's own).
      const visited = new Set(all.map(patternOf));
      expect(ALL_ROUTE_PATTERNS.filter((p) => !visited.has(p))).toEqual([]);
    }
  });
}

/** `key = "value"` lines of a locale file (all values are single-line basic strings). */
function locale(file: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(join(__dirname, "..", "..", "locales", file), "utf8").split("\n")) {
    const m = line.match(/^([a-z0-9_]+)\s*=\s*(".*")\s*$/);
    if (m) map.set(m[1], JSON.parse(m[2]));
  }
  return map;
}

/**
 * German UI strings that must not appear in the English UI: every value that differs from its
 * English one. Strings with placeholders ({n}) are checked by their longest literal part.
 */
function germanNeedles(): { key: string; text: string; whole: boolean }[] {
  const de = locale("de.toml");
  const en = locale("en.toml");
  expect(de.size).toBeGreaterThan(300);
  const needles = [];
  for (const [key, value] of de) {
    if (en.get(key) === value) continue;
    const parts = value.split(/\{[a-z_]+\}/).map((p) => p.trim()).sort((a, b) => b.length - a.length);
    const text = parts[0];
    if (text.length < 4) continue;
    // Short strings must match a whole text; long ones may sit inside a longer text.
    needles.push({ key, text, whole: text.length < 16 });
  }
  return needles;
}

/** The visible UI text of the page: text nodes and labelling attributes outside lang="de" parts. */
async function uiTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    // Course content stays German; it is marked lang="de" inside the English page.
    const german = (el: Element | null) => el?.closest("[lang]")?.getAttribute("lang") === "de";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (!parent || german(parent) || parent.closest("script,style,template")) continue;
      const t = (n.textContent ?? "").replace(/\s+/g, " ").trim();
      if (t) out.push(t);
    }
    for (const el of Array.from(document.querySelectorAll("[aria-label],[title],[placeholder],[alt]"))) {
      if (german(el)) continue;
      for (const a of ["aria-label", "title", "placeholder", "alt"]) {
        const v = el.getAttribute(a);
        if (v) out.push(v.trim());
      }
    }
    // A page whose heading is course content in German (marked lang="de") has that content
    // in its title too: not a UI string.
    if (!document.querySelector("h1[lang='de']")) out.push(document.title);
    return out;
  });
}

for (const role of ["anonym", "employee", "coordinator", "admin"] as Role[]) {
  test(`English UI as ${role}: no German UI string left on any route`, async ({ page, browser, context }, testInfo) => {
    test.setTimeout(300_000);
    const js = jsEnabled(testInfo);
    // The texts are the server's in both modes (islands get theirs as props): one mode suffices.
    test.skip(js, "checked without JavaScript");
    if (role !== "anonym") await login(page, ACCOUNTS[role]);
    const { own: routes } = await routesFor(page, role, browser);
    await switchToEnglish(context, page);
    const needles = germanNeedles();
    const leftovers: string[] = [];
    for (const path of routes) {
      await open(page, path, js);
      await expect(page.locator("html")).toHaveAttribute("lang", "en");
      const texts = await uiTexts(page);
      const joined = texts.join("\n");
      for (const n of needles) {
        const hit = n.whole ? texts.includes(n.text) : joined.includes(n.text);
        if (hit) leftovers.push(`${path}: ${n.key} = "${n.text}"`);
      }
    }
    console.log(`${testInfo.project.name} ${role}: ${routes.length} routes in English, ${leftovers.length} German leftovers`);
    expect(leftovers).toEqual([]);
  });
}

async function switchToEnglish(context: BrowserContext, page: Page) {
  await page.goto("/sprache?lang=en&zurueck=/");
  expect((await context.cookies()).some((c) => c.name === "lang" && c.value === "en")).toBe(true);
}
