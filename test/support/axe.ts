/**
 * axe-core in a test page: the engine's source is read from node_modules and evaluated in the
 * page through the DevTools protocol (which the page's CSP does not govern), so nothing is
 * fetched and the page's own policy stays exactly the production one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let source: string | null = null;

/** One violation as a test reports it: the rule, and each failing node's target and axe's summary. */
export interface AxeFinding {
  rule: string;
  nodes: { target: string; summary: string }[];
}

/** Run axe's `rules` (e.g. ['color-contrast']) on the page; the violations found. */
export async function axeViolations(page: Page, rules: string[]): Promise<AxeFinding[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(source);
  return page.evaluate(async (ruleIds) => {
    interface AxeResult {
      violations: { id: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
    }
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'rule', values: ruleIds }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      rule: v.id,
      nodes: v.nodes.map((n) => ({ target: JSON.stringify(n.target), summary: n.failureSummary ?? '' })),
    }));
  }, rules);
}
