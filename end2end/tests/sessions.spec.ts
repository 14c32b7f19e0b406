// Classroom and other recorded trainings (issue 15): a coordinator records a classroom list of
// twelve people (by e-mail address and by personnel number); each gets the course as done and
// a certificate; the attendance list is refused when it is not a PDF and kept when it is.
// Employees cannot reach the page. Runs with and without JavaScript.
import { test, expect, jsEnabled, waitForHydration, expectNoAxeViolations, login } from "./fixtures";

test("a classroom list of twelve people completes them, with its attendance list", async ({ page, browser }, testInfo) => {
  const js = jsEnabled(testInfo);
  const tag = js ? "js" : "nojs";
  // Twelve Bauhof staff, imported with personnel numbers.
  await login(page, "koordination.fb2");
  await page.goto("/verwaltung/import");
  let csv = "Personalnr.;Name;E-Mail;Organisationseinheit\r\n";
  for (let i = 0; i < 12; i++) csv += `BH-${tag}-${i};Bauhof ${tag} ${i};bauhof.${tag}.${i}@musterstadt.example;Bürgerbüro\r\n`;
  await page.getByLabel("CSV-Datei").setInputFiles({ name: "bauhof.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Hochladen und prüfen" }).click();
  if (js) await waitForHydration(page);
  await page.getByRole("button", { name: "Import ausführen" }).click();
  await expect(page.getByRole("status").first()).toContainText("Der Import ist abgeschlossen.");

  await page.goto("/verwaltung/schulungen");
  await expectNoAxeViolations(page, "/verwaltung/schulungen");
  if (js) await waitForHydration(page);
  const list = Array.from({ length: 12 }, (_, i) =>
    i % 2 === 0 ? `bauhof.${tag}.${i}@musterstadt.example` : `BH-${tag}-${i}`,
  );
  // A line that is nobody: the whole list is refused, the line is named.
  await page.getByLabel("Kurs", { exact: true }).selectOption({ label: "KI-Seepferdchen" });
  await page.getByLabel("Form").selectOption({ label: "Präsenzschulung" });
  await page.getByLabel("Leitung").fill("Frau Schulz");
  await page.getByLabel("Teilnehmende").fill([...list, "niemand@musterstadt.example"].join("\n"));
  await page.getByRole("button", { name: "Schulung erfassen" }).click();
  await expect(page.getByRole("alert")).toContainText("Zeile 13 („niemand@musterstadt.example“): Keine Person hat diese E-Mail-Adresse oder Personalnummer.");
  // The corrected list.
  await page.getByLabel("Kurs", { exact: true }).selectOption({ label: "KI-Seepferdchen" });
  await page.getByLabel("Form").selectOption({ label: "Präsenzschulung" });
  await page.getByLabel("Teilnehmende").fill(list.join("\n"));
  await page.getByRole("button", { name: "Schulung erfassen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/schulungen\/\d+\?erfasst=12/);
  await expect(page.getByRole("status")).toContainText("12 Personen haben den Kurs jetzt als erledigt und ein Zertifikat.");
  const people = page.getByRole("table", { name: "Teilnehmende und ihre Zertifikate" });
  await expect(people.getByRole("row")).toHaveCount(13);
  await expect(people).toContainText(`Bauhof ${tag} 11`);
  // Every participant has a certificate code.
  for (const cell of await people.locator("tbody td:last-child").allTextContents()) {
    expect(cell).toMatch(/^[0-9A-Z]{4}-/);
  }
  await expectNoAxeViolations(page, "/verwaltung/schulungen/:id");
  const session = new URL(page.url()).pathname;

  // The attendance list: not a PDF is refused; a PDF is kept and can be downloaded.
  await page.getByLabel("Teilnahmeliste (PDF)").setInputFiles({ name: "liste.docx", mimeType: "application/octet-stream", buffer: Buffer.from("PK\u0003\u0004 kein PDF") });
  await page.getByRole("button", { name: "Teilnahmeliste hochladen" }).click();
  await expect(page.getByRole("alert")).toContainText("Die Datei ist kein PDF.");
  // Over 10 MB: refused with a way out.
  const huge = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024 + 200 * 1024, 0x20)]);
  await page.getByLabel("Teilnahmeliste (PDF)").setInputFiles({ name: "gross.pdf", mimeType: "application/pdf", buffer: huge });
  await page.getByRole("button", { name: "Teilnahmeliste hochladen" }).click();
  await expect(page.getByRole("alert")).toContainText("Die Datei ist größer als 10 MB.");
  const pdf = Buffer.from("%PDF-1.4\n% Teilnahmeliste\n%%EOF\n");
  await page.getByLabel("Teilnahmeliste (PDF)").setInputFiles({ name: "liste.pdf", mimeType: "application/pdf", buffer: pdf });
  await page.getByRole("button", { name: "Teilnahmeliste hochladen" }).click();
  await expect(page.getByRole("status")).toContainText("Die Teilnahmeliste ist gespeichert.");
  const download = await page.request.get(`${session}/teilnahmeliste.pdf`);
  expect(download.status()).toBe(200);
  expect(Buffer.from(await download.body()).equals(pdf)).toBe(true);

  // The dashboard counts them as done.
  await page.goto(`/verwaltung/uebersicht?q=${encodeURIComponent(`bauhof ${tag}`)}&kurs=ki-seepferdchen`);
  await expect(page.getByText(`Bauhof ${tag} 0`)).toBeVisible();

  // An employee reaches neither the page nor the list.
  const other = await browser.newContext({ javaScriptEnabled: js });
  const employee = await other.newPage();
  await login(employee, "anna.becker");
  await employee.goto("/verwaltung/schulungen");
  await expect(employee.getByRole("alert")).toContainText("Dafür fehlt Ihnen die Berechtigung.");
  const denied = await employee.request.get(`${session}/teilnahmeliste.pdf`);
  expect(denied.status()).toBe(403);
  await other.close();
});
