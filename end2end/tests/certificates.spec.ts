import { test, expect, expectNoAxeViolations, login, answerQuiz } from "./fixtures";

const learner = (name: string) => (name === "no-js" ? "lena.hoffmann" : "kemal.arslan");

test("pass the final test, download the certificate, verify it, and see it revoked", async ({ page, browser }, testInfo) => {
  await login(page, learner(testInfo.project.name));
  for (const m of ["eins", "zwei"]) {
    await page.goto(`/kurse/e2e-testkurs/${m}`);
    await page.getByRole("button", { name: "Modulcheck starten" }).click();
    await answerQuiz(page, true);
    await page.getByRole("button", { name: "Antworten absenden" }).click();
    await expect(page.getByRole("status")).toContainText("Bestanden");
  }
  await page.goto("/kurse/e2e-testkurs");
  await page.getByRole("button", { name: "Abschlusstest starten" }).click();
  await answerQuiz(page, true);
  await page.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(page.getByText("Herzlichen Glückwunsch: Sie haben den Kurs abgeschlossen.")).toBeVisible();

  await page.getByRole("link", { name: "Meine Zertifikate" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Zertifikate");
  const card = page.locator(".cert-list li").filter({ hasText: "Testkurs für End-to-End-Tests" });
  await expect(card).toContainText("gültig");
  await expectNoAxeViolations(page, "/zertifikate");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("link", { name: /PDF herunterladen/ }).click(),
  ]);
  const path = await download.path();
  const fs = await import("node:fs");
  expect(fs.readFileSync(path!).subarray(0, 5).toString()).toBe("%PDF-");
  const verifyHref = await card.getByRole("link", { name: /Prüfseite öffnen/ }).getAttribute("href");

  // Anyone with the link, signed in or not.
  const stranger = await browser.newContext({ javaScriptEnabled: testInfo.project.name !== "no-js" });
  const p = await stranger.newPage();
  await p.goto(verifyHref!);
  await expect(p.locator("#verify-status")).toHaveText("✓Dieses Zertifikat ist gültig.");
  await expect(p.locator(".verify")).toContainText("Testkurs für End-to-End-Tests");
  await expectNoAxeViolations(p, "/verify/:code");

  // An admin revokes it; the verify page then says "widerrufen".
  const admin = await browser.newContext({ javaScriptEnabled: testInfo.project.name !== "no-js" });
  const a = await admin.newPage();
  await login(a, "admin");
  await a.goto("/verwaltung/zertifikate");
  await expectNoAxeViolations(a, "/verwaltung/zertifikate");
  const code = verifyHref!.split("/").pop()!;
  const row = a.locator("tr").filter({ has: a.locator(`input[name=code][value="${code}"]`) });
  await row.getByLabel(/Grund/).fill("Test: Widerruf");
  await row.getByRole("button", { name: "Widerrufen" }).click();
  await expect(a.getByRole("status")).toContainText("Das Zertifikat wurde widerrufen.");
  await p.reload();
  await expect(p.locator("#verify-status")).toContainText("widerrufen");
  await stranger.close();
  await admin.close();
});
