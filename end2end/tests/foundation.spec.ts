import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations } from "./fixtures";

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
  expect(html).toContain('<span class="brand__org">Stadt Musterhausen</span>');
  expect(html).toContain("<title>Willkommen beim KI-Seepferdchen – KI-Seepferdchen</title>");
});
