/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
 * the Herald functions with the most inclusive time, and self time by package.
 * Percentages are of busy samples (idle and "(program)" excluded from the denominator's idle part).
 * Run: node bench/src/cpuprofile-summary.mjs FILE.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

/**
 * @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number },
 *             hitCount?: number, children?: number[] }} ProfileNode
 */

/** Where a frame's code lives: "herald:<package>", an npm package, "node:" internals or a V8 pseudo-frame. @param {string} url @param {string} name */
export function packageOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const herald = /packages\/([^/]+)\/dist\//.exec(url);
  if (herald) return `herald:${herald[1]}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  return url.startsWith('node:') ? 'node:internal' : url;
}

/** @param {{ nodes: ProfileNode[], samples?: number[], timeDeltas?: number[] }} profile */
export function summarise(profile, top = 25) {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (const node of profile.nodes) self.set(node.id, node.hitCount ?? 0);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const busy = total - idle;
  const key = (/** @type {ProfileNode} */ n) =>
    `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const selfByFn = new Map();
  const selfByPkg = new Map();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName === '(idle)') continue;
    const hits = node.hitCount ?? 0;
    selfByFn.set(key(node), (selfByFn.get(key(node)) ?? 0) + hits);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    selfByPkg.set(pkg, (selfByPkg.get(pkg) ?? 0) + hits);
  }
  // Inclusive time per Herald function, counted once per sample stack (recursion is not double counted).
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits || node.callFrame.functionName === '(idle)') continue;
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id);
      if (!frame?.callFrame.url.includes('/packages/')) continue;
      const k = key(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + hits);
    }
  }
  const rank = (/** @type {Map<string, number>} */ map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => ({ name, percent: Math.round((hits / busy) * 1000) / 10 }));
  return {
    busyPercent: Math.round((busy / total) * 1000) / 10,
    self: rank(selfByFn),
    packages: rank(selfByPkg),
    heraldInclusive: rank(inclusive),
  };
}

/** @param {string} url */
function short(url) {
  const i = url.indexOf('/packages/');
  if (i >= 0) return url.slice(i + 1);
  const m = url.lastIndexOf('node_modules/');
  return m >= 0 ? url.slice(m + 'node_modules/'.length) : url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpuprofile-summary.mjs FILE.cpuprofile [top]');
  const result = summarise(JSON.parse(readFileSync(file, 'utf8')), Number(process.argv[3] ?? 25));
  console.log(`busy: ${result.busyPercent}% of samples; percentages below are of busy samples\n`);
  console.log('self time by package:');
  for (const r of result.packages) console.log(`  ${String(r.percent).padStart(5)}%  ${r.name}`);
  console.log('\nself time by function:');
  for (const r of result.self) console.log(`  ${String(r.percent).padStart(5)}%  ${r.name}`);
  console.log('\ninclusive time, Herald functions:');
  for (const r of result.heraldInclusive) console.log(`  ${String(r.percent).padStart(5)}%  ${r.name}`);
}
