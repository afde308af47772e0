// Issue 8: "The HTML report is opened in headless Chromium in a test and checked for the verdict
// and blockers (and a screenshot is kept as a test artifact)". The report comes from a real run
// against the sandbox (a tenant missing Appointment.write, with an unknown visit type), so the
// page shows real blockers, fixes and the EHR's own words.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doctorReport, renderReport } from '../../src/doctor/index.ts';
import { REPO_ROOT } from '../support/fixtures.ts';
import { clinicTenant, type DoctorHarness, scopesFor, startDoctorHarness } from './support.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'doctor-report.png');

let h: DoctorHarness;
let htmlPath: string;

before(async () => {
  h = await startDoctorHarness();
  const keys = await h.registerApp({
    clientId: 'html-app',
    personality: 'epic',
    allowedScopes: scopesFor(['scheduling'], 'v1').filter((s) => s !== 'system/Appointment.write'),
    scopeStyle: 'v1',
  });
  const tenant = clinicTenant(h, 'epic', {
    id: 'riverside',
    name: 'Riverside Health',
    keys,
    clientId: 'html-app',
  });
  const path = await h.writeConfig('html', [
    {
      ...tenant,
      scheduling: {
        ...tenant.scheduling!,
        visitTypes: [
          ...tenant.scheduling!.visitTypes,
          {
            id: 'annual',
            say: 'annual physical',
            minutes: 40,
            epic: { system: 'urn:oid:1.2.3', code: '9999' },
          },
        ],
      },
    },
  ]);
  const report = doctorReport([await h.doctor(path)], '0.1.0', new Date().toISOString());
  htmlPath = join(h.dir, 'doctor-report.html');
  await writeFile(htmlPath, renderReport(report, 'html'));
});
after(() => h?.close());

describe('the HTML report in a browser', () => {
  it('shows the verdict and every blocker with its fix, and keeps a screenshot', async (t) => {
    if (!existsSync(CHROMIUM) || !existsSync(join(REPO_ROOT, 'node_modules', 'playwright-core'))) {
      t.skip('needs /usr/bin/chromium and playwright-core');
      return;
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${htmlPath}`);

      const verdict = page.getByTestId('verdict');
      assert.ok(await verdict.isVisible());
      assert.equal(await verdict.innerText(), 'BLOCKED');
      const blockers = page.locator('.finding.blocker');
      assert.equal(await blockers.count(), 2);
      const titles = await blockers.locator('.title').allInnerTexts();
      assert.deepEqual(titles, [
        'scheduling: the EHR did not grant system/Appointment.write',
        'visit type annual (urn:oid:1.2.3|9999): the EHR does not recognise the visit type',
      ]);
      for (const index of [0, 1]) assert.ok(await blockers.nth(index).isVisible());
      assert.match(
        await blockers.nth(0).locator('.fix').innerText(),
        /^Fix: Ask the EHR team to grant the backend app \(client id html-app\) the scope system\/Appointment\.write$/,
      );
      assert.match(await blockers.nth(1).locator('.said').innerText(), /^EHR said: Epic 59200: /);
      // Blockers come before the list of checks.
      const top = async (text: string) =>
        (await page.locator('h3', { hasText: new RegExp(`^${text}$`) }).boundingBox())?.y ?? Number.NaN;
      const order = { blockersTop: await top('Blockers'), checksTop: await top('Checks') };
      assert.ok(order.blockersTop < order.checksTop, JSON.stringify(order));
      assert.deepEqual(
        requests.filter((url) => !url.startsWith('file://')),
        [],
        'the page loads nothing from the network',
      );

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.ok((await stat(SCREENSHOT)).size > 10_000);
    } finally {
      await browser.close();
    }
  });
});
