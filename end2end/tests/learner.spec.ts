/**
 * The learner's way (issue 16): from the invitation link to the certificate without a dead end,
 * in both modes. A new person in a unit of her own has only the test course assigned.
 */
import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login, answerQuiz } from "./fixtures";

test("invitation → start page → modules → final test → certificate, every step one button", async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const js = jsEnabled(info);
  const tag = info.project.name;
  const unit = `Lernweg ${tag}`;
  const email = `lernweg.${tag}@musterstadt.example`;
  await login(page, "admin");
  await page.goto("/verwaltung/organisation");
  if (js) await waitForHydration(page);
  await page.getByRole("textbox", { name: "Name", exact: true }).last().fill(unit);
  await page.getByRole("button", { name: "Anlegen" }).click();
  await expect(page.locator(".tree__name").filter({ hasText: unit })).toBeVisible();
  await page.goto("/verwaltung/zuweisungen");
  if (js) await waitForHydration(page);
  await page.getByLabel("Kurs", { exact: true }).selectOption({ label: "Testkurs für End-to-End-Tests" });
  await page.getByLabel("Organisationseinheit").selectOption({ label: unit });
  await page.getByRole("button", { name: "Zuweisen", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("gespeichert");
  await page.goto("/verwaltung/benutzer/neu");
  if (js) await waitForHydration(page);
  await page.getByLabel("Name").fill("Lena Lernweg");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Organisationseinheit").selectOption({ label: unit });
  await page.getByRole("button", { name: "Benutzer anlegen" }).click();
  const link = (await page.locator(".link-to-hand-over").first().textContent())!.trim();

  const ctx = await browser.newContext({ javaScriptEnabled: js });
  const p = await ctx.newPage();
  let clicks = 0;
  const click = async (target: ReturnType<typeof p.getByRole>) => {
    clicks++;
    await target.click();
  };
  // The invitation link, then the password: click 1.
  await p.goto(link);
  if (js) await waitForHydration(p);
  await p.getByLabel("Neues Passwort", { exact: true }).fill("Morgens lernt es sich am besten");
  await p.getByLabel("Neues Passwort wiederholen").fill("Morgens lernt es sich am besten");
  await click(p.getByRole("button", { name: "Passwort speichern" }));
  // The start page: the course first, with one button (click 2) to module 1.
  await expect(p).toHaveURL(/\/\?passwort=neu$/);
  await expect(p.getByRole("heading", { level: 1 })).toHaveText("Willkommen, Lena Lernweg");
  const next = p.locator(".start-next");
  await expect(next.locator("h2 a")).toHaveText("Testkurs für End-to-End-Tests");
  await expect(next).toContainText("0 von 2 Modulen erledigt");
  await expectNoAxeViolations(p, "/ (Start, neue Person)", js);
  await click(next.getByRole("link", { name: /Kurs beginnen/ }));
  await expect(p).toHaveURL(/\/kurse\/e2e-testkurs\/eins$/);
  console.log(`clicks from the invitation link to the first module: ${clicks}`);
  expect(clicks).toBeLessThanOrEqual(3);

  // Module 1: a failed check offers reading again and trying again; a passed one goes on.
  await p.getByRole("button", { name: "Modulcheck starten" }).click();
  if (js) await waitForHydration(p);
  await answerQuiz(p, false);
  await p.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(p.getByRole("status")).toContainText("Nicht bestanden");
  await expect(p.getByRole("link", { name: "Modul noch einmal lesen" }).first()).toHaveAttribute("href", "/kurse/e2e-testkurs/eins");
  await p.getByRole("button", { name: "Nochmal versuchen" }).first().click();
  await expect(p).toHaveURL(/\/versuche\/\d+$/);
  if (js) await waitForHydration(p);
  await answerQuiz(p, true);
  await p.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(p.getByRole("status")).toContainText("Bestanden");
  await expectNoAxeViolations(p, "/versuche/:id (bestanden, weiter)", js);
  await p.getByRole("link", { name: "Weiter zu Modul 2: Modul Zwei" }).first().click();
  await expect(p).toHaveURL(/\/kurse\/e2e-testkurs\/zwei$/);

  // Module 2, the last one: on to the final test.
  await p.getByRole("button", { name: "Modulcheck starten" }).click();
  if (js) await waitForHydration(p);
  await answerQuiz(p, true);
  await p.getByRole("button", { name: "Antworten absenden" }).click();
  await p.getByRole("link", { name: "Zum Abschlusstest" }).first().click();
  await expect(p).toHaveURL(/\/kurse\/e2e-testkurs#abschlusstest$/);
  await p.getByRole("button", { name: "Abschlusstest starten" }).click();
  await expect(p).toHaveURL(/\/versuche\/\d+$/);
  if (js) await waitForHydration(p);
  // Unanswered questions are named before anything is graded: by the island with JavaScript,
  // by the server without (the form comes back with the gaps marked).
  await p.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(p.locator("#offene-fragen")).toContainText("Fragen sind noch nicht beantwortet");
  await expect(p.getByRole("status")).toHaveCount(0);
  if (!js) await expect(p.locator("fieldset.question--open").first()).toContainText("Diese Frage ist noch nicht beantwortet.");
  await answerQuiz(p, true);
  await p.getByRole("button", { name: "Antworten absenden" }).click();
  await expect(p.getByRole("status")).toContainText("Bestanden");
  // The certificate, right from the result.
  const pdf = p.getByRole("link", { name: "Zertifikat herunterladen (PDF)" }).first();
  await expect(pdf).toHaveAttribute("href", /^\/zertifikate\/[A-Z0-9]+\/pdf$/);
  const verify = p.getByRole("link", { name: "Prüfseite öffnen" }).first();
  await expect(verify).toHaveAttribute("href", /^\/verify\/[A-Z0-9]+$/);
  const res = await p.request.get((await pdf.getAttribute("href"))!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/pdf");
  await expectNoAxeViolations(p, "/versuche/:id (Abschlusstest bestanden)", js);
  // The verification page speaks to people; the machine-readable check is folded away.
  await p.goto((await verify.getAttribute("href"))!);
  await expect(p.getByRole("heading", { level: 2 }).first()).toHaveText(/Dieses Zertifikat ist gültig\./);
  await expect(p.locator("#verify-topics").locator("..")).toContainText("Modul Zwei");
  const machine = p.locator("details.verify__machine");
  await expect(machine.locator("summary")).toHaveText("Für IT-Fachleute: maschinenlesbare Prüfung");
  await expect(machine.getByRole("link", { name: /JSON/ }).first()).toBeHidden();
  await expectNoAxeViolations(p, "/verify/:code", js);
  // Back on the start page, the certificate is listed with its validity.
  await p.goto("/");
  await expect(p.locator("#start-certs").locator("..")).toContainText("Testkurs für End-to-End-Tests: gültig bis");
  await ctx.close();
});
