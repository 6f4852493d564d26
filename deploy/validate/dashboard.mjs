// Checks the Grafana dashboard's shape and writes every panel query as a Prometheus recording rule, so that
// promtool parses each PromQL expression: node dashboard.mjs <dashboard.json> > rules.yaml
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const dashboard = JSON.parse(readFileSync(file, 'utf8'));
const problems = [];
const need = (ok, what) => { if (!ok) problems.push(what); };

need(typeof dashboard.uid === 'string' && dashboard.uid.length > 0, 'uid');
need(typeof dashboard.title === 'string' && dashboard.title.length > 0, 'title');
need(Number.isInteger(dashboard.schemaVersion), 'schemaVersion');
const variables = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
need(Array.isArray(dashboard.panels) && dashboard.panels.length > 0, 'panels');
const ids = new Set();
const rules = [];
for (const panel of dashboard.panels ?? []) {
  const name = `panel ${panel.id} (${panel.title})`;
  need(Number.isInteger(panel.id) && !ids.has(panel.id), `${name}: a unique id`);
  ids.add(panel.id);
  need(typeof panel.type === 'string' && typeof panel.title === 'string', `${name}: type and title`);
  const g = panel.gridPos ?? {};
  need(['x', 'y', 'w', 'h'].every((k) => Number.isInteger(g[k])) && g.x + g.w <= 24, `${name}: gridPos within 24 columns`);
  const uid = panel.datasource?.uid ?? '';
  need(uid.startsWith('${') && variables.has(uid.slice(2, -1)), `${name}: a datasource variable of the dashboard`);
  need(Array.isArray(panel.targets) && panel.targets.length > 0, `${name}: targets`);
  for (const t of panel.targets ?? []) {
    need(typeof t.expr === 'string' && t.expr.length > 0 && typeof t.refId === 'string', `${name}: expr and refId`);
    // Grafana's interval variables become a fixed range for the parser; no other variable is allowed
    const expr = (t.expr ?? '').replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m');
    need(!expr.includes('$'), `${name} ${t.refId}: an unknown variable in ${t.expr}`);
    rules.push({ record: `dashboard:panel_${panel.id}_${t.refId}`, expr });
  }
}
if (problems.length > 0) {
  console.error(`${file}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('groups:\n  - name: dashboard\n    rules:');
for (const r of rules) {
  console.log(`      - record: ${r.record}\n        expr: ${JSON.stringify(r.expr)}`);
}
console.error(`${file}: ${dashboard.panels.length} panels, ${rules.length} queries`);
