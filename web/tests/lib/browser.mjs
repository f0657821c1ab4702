// Debian's Chromium driven headless by playwright-core, with a fresh profile per run, and a
// record of console errors and uncaught exceptions for each page.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core is not installed: run "npm ci" in web/tests (scripts/setup does) — ${e.message}`);
  }
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/setup does)`);
  const { chromium } = await loadPlaywright();
  const profile = mkdtempSync(path.join(tmpdir(), 'frontdesk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const problems = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.problems = problems;
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The page's console errors and exceptions, less the failed requests a test expects (the
 * browser logs every 4xx answer, e.g. the 403 of the role probe for an operator).
 */
export function unexpectedProblems(page, allowed = [403]) {
  return page.problems.filter((p) => {
    const m = p.match(/Failed to load resource: the server responded with a status of (\d+)/);
    if (m && allowed.includes(Number(m[1]))) return false;
    // A request the test itself aborted ('aborted'), or made while it had the server down ('refused').
    if (allowed.includes('aborted') && /Failed to load resource: net::ERR_FAILED/.test(p)) return false;
    if (allowed.includes('refused') && /Failed to load resource: net::ERR_CONNECTION_REFUSED/.test(p)) return false;
    return true;
  });
}
