// The rollout by mail (issue 13), on the server that sends mail to a real SMTP server
// (aiosmtpd, started by playwright.config.ts): a coordinator imports 50 people with
// invitations, 50 mails arrive, one person follows the link from her mail, chooses a password
// and lands on the course she has to do; "Passwort vergessen?" answers a known and an unknown
// address alike and mails only the known one. Runs with and without JavaScript.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";
import { maildir } from "../playwright.config";

type Mail = { message_id: string; to: string; subject: string; text: string; html: string };

/** Every mail the SMTP server has received, parsed as a mail client would (read_mail.py). */
function received(): Mail[] {
  const script = join(__dirname, "..", "..", "tests", "it", "common", "read_mail.py");
  try {
    return JSON.parse(execFileSync("/usr/bin/python3", [script, maildir], { encoding: "utf8" }));
  } catch {
    return []; // no mail yet: the Maildir does not exist
  }
}

async function mailsTo(addresses: Set<string>, count: number): Promise<Mail[]> {
  let mails: Mail[] = [];
  await expect
    .poll(
      () => {
        mails = received().filter((m) => addresses.has(m.to));
        return mails.length;
      },
      { timeout: 30_000, intervals: [250, 500, 1000] },
    )
    .toBeGreaterThanOrEqual(count);
  return mails;
}

test("a coordinator's import invites 50 people by mail; one of them starts from her mail", async ({ page, browser }, testInfo) => {
  const js = jsEnabled(testInfo);
  const tag = js ? "js" : "nojs";
  const people = Array.from({ length: 50 }, (_, i) => ({
    name: `Person ${i + 1} Rollout`,
    email: `rollout.${tag}.${i + 1}@musterstadt.example`,
  }));
  await login(page, "koordination.fb2");
  await page.goto("/verwaltung/import");
  const csv =
    "Name;E-Mail;Organisationseinheit;Rolle\r\n" +
    people.map((p) => `${p.name};${p.email};Bürgerbüro;Mitarbeitende\r\n`).join("");
  await page.getByLabel("CSV-Datei").setInputFiles({ name: "rollout.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Import prüfen");
  // Invitations by mail are ticked by default.
  await expect(page.getByLabel("Einladungen jetzt per E-Mail senden")).toBeChecked();
  if (js) await waitForHydration(page);
  await expect(page.getByText("50 neu, 0 geändert, 0 unverändert")).toBeVisible();
  await page.getByRole("button", { name: "Import ausführen" }).click();
  await expect(page.getByRole("status").first()).toContainText("Der Import ist abgeschlossen.");
  // The page says the links went by mail; no links to hand over.
  await expect(page.getByText("per E-Mail verschickt").first()).toBeVisible();
  await expect(page.locator(".link-to-hand-over")).toHaveCount(0);

  const addresses = new Set(people.map((p) => p.email));
  const mails = await mailsTo(addresses, 50);
  expect(mails).toHaveLength(50);
  expect(new Set(mails.map((m) => m.to)).size).toBe(50);
  expect(new Set(mails.map((m) => m.message_id)).size).toBe(50);
  for (const m of mails) expect(m.subject).toBe("Ihr Zugang zu KI-Seepferdchen – Stadt Musterhausen");

  // Person 7 opens the link from her mail, chooses a password and lands on her course.
  const mail = mails.find((m) => m.to === people[6].email)!;
  expect(mail.text).toContain(`Guten Tag ${people[6].name},`);
  const link = mail.text.split(/\s+/).find((w) => w.includes("/passwort-festlegen?token="))!;
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);
  const ctx = await browser.newContext({ javaScriptEnabled: js });
  const p = await ctx.newPage();
  await p.goto(link);
  await expect(p.getByRole("heading", { level: 1 })).toHaveText("Passwort festlegen");
  await p.getByLabel("Neues Passwort", { exact: true }).fill("Sieben Segel im Stadthafen");
  await p.getByLabel("Neues Passwort wiederholen").fill("Sieben Segel im Stadthafen");
  await p.getByRole("button", { name: "Passwort speichern" }).click();
  await expect(p).toHaveURL(/\/\?passwort=neu$/);
  await expect(p.getByRole("status").first()).toContainText("Ihr Passwort ist gespeichert");
  // The start page's first step is the course, one click away.
  await expect(p.locator(".start-next h2 a")).toHaveText("KI-Seepferdchen");
  await expectNoAxeViolations(p, "/ after the first password", js);
  await p.locator(".start-next").getByRole("link", { name: /Kurs beginnen/ }).click();
  await expect(p).toHaveURL(/\/kurse\/ki-seepferdchen\/was-ist-ki$/);
  await ctx.close();

  // "Passwort vergessen?": the same answer for a known and an unknown address; one mail.
  const known = people[11].email;
  const unknown = `niemand.${tag}@musterstadt.example`;
  const answers: string[] = [];
  for (const address of [known, unknown]) {
    const anon = await browser.newContext({ javaScriptEnabled: js });
    const a = await anon.newPage();
    await a.goto("/anmelden");
    await a.getByRole("link", { name: "Passwort vergessen?" }).click();
    await expect(a).toHaveURL(/\/passwort-vergessen$/);
    if (js) await waitForHydration(a);
    await a.getByLabel("E-Mail-Adresse").fill(address);
    await a.getByRole("button", { name: "Link anfordern" }).click();
    await expect(a).toHaveURL(/\/passwort-vergessen\?gesendet=1$/);
    answers.push((await a.locator("main").textContent())!.trim());
    await anon.close();
  }
  expect(answers[0]).toBe(answers[1]);
  expect(answers[0]).toContain("Wenn es zu dieser Adresse einen Zugang gibt");
  const resets = (await mailsTo(new Set([known, unknown]), 2)).filter((m) => m.subject.startsWith("Neues Passwort"));
  expect(resets.map((m) => m.to)).toEqual([known]);
  // Nothing more arrives for the unknown address.
  await page.waitForTimeout(1500);
  expect(received().filter((m) => m.to === unknown)).toHaveLength(0);
});
