// Opens HTML reports in Debian's headless Chromium and prints what a reader
// of them would meet, one JSON line per report, in order:
//   node open.mjs [--height PX] [--scale F] REPORT.html...
// {console_errors: [text], requests: [url], screenshot: path,
//  bars: [{chart, series, label, count, share, length}],
//  tables: [{caption, header: [text], rows: [{verdict, cells: [text]}]}]}
// - console_errors: console messages of type error and uncaught page errors;
// - requests: every request other than the report's own file:// URL (each
//   is aborted, so a report that reaches out fails here, not on the network);
// - screenshot: REPORT.html.png beside the report, the full page (with
//   --height, its top PX CSS pixels; with --scale, F device pixels per CSS
//   pixel instead of 1: what the docs show);
// - bars: every element carrying data-series, in document order: `chart` is
//   the index of its <svg> in the page, `count` / `share` its data-count /
//   data-share (null when absent), `length` its rendered extent in CSS pixels
//   along its chart's value axis (the svg's data-value-axis, "x" or "y");
// - tables: every <table> in document order, its cells' text as rendered and
//   each body row's verdict (its verdict-* class without the prefix, or null).
// One browser serves every report of the process: launching it costs more
// than opening a small report. The browser is Debian's package, /usr/bin/chromium.
// `node open.mjs --serve SOCKET IDLE_MS` answers the same for many test
// processes with one browser (tests/support/script_server.mjs).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

import { runScript, UsageError } from '../support/script_server.mjs';

// Launched by the first request; concurrent requests share it.
let browserLaunch = null;

async function openReports(args, emit) {
  args = [...args];
  let height = null;
  let scale = 1;
  while (args[0] === '--height' || args[0] === '--scale') {
    const value = Number(args[1]);
    if (args[0] === '--height') height = value;
    else scale = value;
    args.splice(0, 2);
  }
  const reports = args;
  if (reports.length === 0 || (height !== null && !(height > 0)) || !(scale > 0)) {
    throw new UsageError('usage: node open.mjs [--height PX] [--scale F] REPORT.html...');
  }
  browserLaunch ??= chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  const browser = await browserLaunch;
  for (const report of reports) {
    const path = resolve(report);
    const url = pathToFileURL(path).href;
    const context = await browser.newContext({ deviceScaleFactor: scale });
    const page = await context.newPage();
    const consoleErrors = [];
    const requests = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('request', (request) => {
      if (request.url() !== url) requests.push(request.url());
    });
    await context.route('**/*', (route) =>
      route.request().url() === url ? route.continue() : route.abort());
    await page.goto(url, { waitUntil: 'load' });
    const bars = await page.$$eval('[data-series]', (elements) => {
      const charts = [...document.querySelectorAll('svg')];
      const number = (e, name) => (e.hasAttribute(name) ? Number(e.getAttribute(name)) : null);
      return elements.map((e) => {
        const svg = e.closest('svg');
        const box = e.getBoundingClientRect();
        return {
          chart: charts.indexOf(svg),
          series: e.getAttribute('data-series'),
          label: e.getAttribute('data-label'),
          count: number(e, 'data-count'),
          share: number(e, 'data-share'),
          length: svg && svg.getAttribute('data-value-axis') === 'x' ? box.width : box.height,
        };
      });
    });
    const tables = await page.$$eval('table', (elements) =>
      elements.map((table) => {
        const texts = (row) => [...row.cells].map((cell) => cell.textContent);
        const verdict = (row) => {
          const found = [...row.classList].find((c) => c.startsWith('verdict-'));
          return found ? found.slice('verdict-'.length) : null;
        };
        return {
          caption: table.caption ? table.caption.textContent : '',
          header: table.tHead ? texts(table.tHead.rows[0]) : [],
          rows: [...table.tBodies].flatMap((body) =>
            [...body.rows].map((row) => ({ verdict: verdict(row), cells: texts(row) }))),
        };
      }));
    const screenshot = `${path}.png`;
    if (height === null) {
      await page.screenshot({ path: screenshot, fullPage: true });
    } else {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.screenshot({ path: screenshot, fullPage: true,
                              clip: { x: 0, y: 0, width, height } });
    }
    await context.close();
    emit(JSON.stringify({ console_errors: consoleErrors, requests, bars, tables, screenshot }));
  }
}

await runScript(import.meta.url, openReports, async () => {
  if (browserLaunch) await (await browserLaunch).close();
});
