import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";

test("start page renders real data from the database", async ({ page }) => {
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page).toHaveTitle("Willkommen beim KI-Seepferdchen – KI-Seepferdchen");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Willkommen beim KI-Seepferdchen");
  await expect(page.locator(".brand__org")).toHaveText("Stadt Musterhausen");
  await expect(page.locator("main#inhalt")).toBeVisible();
  // "Über diese Plattform": the installation date comes from the database, in German format.
  await page.getByRole("link", { name: "Über diese Plattform" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Über diese Plattform");
  await expect(page.locator("#installed-since")).toHaveText(/^\d{2}\.\d{2}\.\d{4}$/);
});

test("the explanation toggle works only once hydrated", async ({ page }, testInfo) => {
  await page.goto("/ueber");
  const toggle = page.locator("#about-toggle");
  const text = page.locator("#about-text");
  await expect(text).toBeVisible();
  if (!jsEnabled(testInfo)) {
    // Without JavaScript nothing is hidden and no dead control is offered.
    await expect(toggle).toBeHidden();
    await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
    return;
  }
  await waitForHydration(page);
  await expect(toggle).toBeVisible();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await toggle.click();
  await expect(text).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(text).toBeVisible();
});

test("language switch works with and without JavaScript", async ({ page }, testInfo) => {
  await page.goto("/");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome to KI-Seepferdchen");
  await page.goto("/ueber");
  await expect(page.locator("#installed-since")).toHaveText(/^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
  await page.goto("/");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await page.getByRole("link", { name: "Deutsch" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Willkommen beim KI-Seepferdchen");
});

test("skip link moves focus to the main content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Zum Inhalt springen" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#inhalt$/);
});

test("unknown pages answer 404 in German", async ({ page }) => {
  const res = await page.goto("/gibt-es-nicht");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Seite nicht gefunden");
  await expectNoAxeViolations(page, "/gibt-es-nicht");
});

test("security headers and a CSP nonce that matches the hydration script", async ({ page }) => {
  const res = await page.goto("/");
  const h = res!.headers();
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["cache-control"]).toBe("no-store");
  const csp = h["content-security-policy"];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const scriptNonces = await page
    .locator("script[type=module]")
    .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  for (const n of scriptNonces) expect(n).toBe(nonce);
});

test("healthz answers ok", async ({ request }) => {
  const res = await request.get("/healthz");
  expect(res.status()).toBe(200);
  expect(await res.text()).toBe("ok");
});

test("start page has no axe violations", async ({ page }, testInfo) => {
  await page.goto("/");
  if (jsEnabled(testInfo)) await waitForHydration(page);
  await expectNoAxeViolations(page, "/");
});

test("no horizontal scrolling at 320 px", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto("/");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});

test("the first HTML response is complete without scripts", async ({ request }) => {
  const html = await (await request.get("/")).text();
  // No out-of-order chunks that only a script could put in place.
  expect(html).not.toContain("<template");
  const about = await (await request.get("/ueber")).text();
  expect(about).not.toContain("<template");
  expect(about).toMatch(/<dd id="installed-since">\d{2}\.\d{2}\.\d{4}<\/dd>/);
  // The organisation's logo (ORG_LOGO) names it; the name beside it is not read twice.
  expect(html).toMatch(/<img src="\/logo\.svg\?v=[0-9a-f]{12}" alt="Stadt Musterhausen" class="brand__logo">/);
  expect(html).toContain('<span aria-hidden="true" class="brand__org">Stadt Musterhausen</span>');
  // The organisation's colour (ORG_COLOR) as a stylesheet of its own.
  expect(html).toMatch(/<link rel="stylesheet" href="\/theme\.css\?v=8a1538">/);
  expect(html).toContain("<title>Willkommen beim KI-Seepferdchen – KI-Seepferdchen</title>");
});

test("the header: logo and colour of the organisation, one line on a desktop, a menu on a phone", async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  // The admin has the most links.
  await login(page, "admin");
  await page.goto("/verwaltung/uebersicht");
  if (js) await waitForHydration(page);
  const header = page.locator(".site-header");
  const logo = page.getByRole("img", { name: "Stadt Musterhausen" });
  await expect(logo).toBeVisible();
  expect((await page.request.get((await logo.getAttribute("src"))!)).headers()["content-type"]).toBe("image/svg+xml");
  const theme = await (await page.request.get("/theme.css?v=8a1538")).text();
  expect(theme).toContain("--color-primary: #8a1538;");
  // The buttons take the organisation's colour.
  const button = page.getByRole("button", { name: "Anwenden" }).first();
  await expect(button).toHaveCSS("background-color", "rgb(138, 21, 56)");
  // Desktop: one line of at most 80 px; the administration's pages drop down from "Verwaltung".
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(80);
  const nav = page.getByRole("navigation", { name: "Hauptnavigation" });
  await expect(nav.getByRole("link", { name: "Meine Kurse" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Protokoll" })).toBeHidden();
  await nav.locator(".site-nav__group summary").click();
  await expect(nav.getByRole("link", { name: "Protokoll" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Übersicht" })).toHaveAttribute("aria-current", "page");
  // Screen readers hear which section they are in; the group's button says so.
  await expect(nav.locator(".site-nav__group summary")).toHaveText("Verwaltung (aktueller Bereich)");
  await expectNoAxeViolations(page, "header, Verwaltung open, 1280 px", js);
  // Phone: brand and menu button in one line; the menu, a native <details>, opens without script.
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto("/verwaltung/uebersicht");
  if (js) await waitForHydration(page);
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(72);
  await expect(nav.getByRole("link", { name: "Meine Kurse" })).toBeHidden();
  await page.locator(".site-menu__toggle").click();
  await expect(nav.getByRole("link", { name: "Meine Kurse" })).toBeVisible();
  await nav.locator(".site-nav__group summary").click();
  await expect(nav.getByRole("link", { name: "E-Mails" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectNoAxeViolations(page, "header, menu open, 320 px", js);
  await page.screenshot({ path: testInfo.outputPath("menu-320.png") });
  // The menu's links work from the keyboard too.
  await nav.getByRole("link", { name: "Meine Kurse" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Kurse");
});
