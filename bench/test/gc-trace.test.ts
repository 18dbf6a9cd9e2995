/** `--gc-trace`: reading V8's `--trace-gc-nvp` lines and summing up one scenario's collections. */
import { expect, it } from 'vitest';
import { mainIsolate, parseGcLine, summariseGc } from '../src/gc-trace.mjs';

// Shortened from a real run of the server (the fields between are many and irrelevant here).
const scavenge = (ms: number, promoted: number, pause = 2.1, isolate = '[8557:0x3e0cbd50]') =>
  `${isolate}    ${ms} ms: pause=${pause} mutator=614.7 gc=s reduce_memory=0 time_to_safepoint=0.00 scavenge=1.89 allocated=13419520 promoted=${promoted} new_space_survived=43352 nodes_died_in_new=5 promotion_rate=99.7%`;
const markCompact = (ms: number, pause: number, isolate = '[8557:0x3e0cbd50]') =>
  `${isolate}    ${ms} ms: pause=${pause} mutator=473.6 gc=mc reduce_memory=0 time_to_safepoint=0.00 heap.prologue=0.00 promoted=0`;

it('reads a scavenge and a mark-compact line, and nothing else', () => {
  expect(parseGcLine(scavenge(24376, 44704, 1.8))).toEqual({
    isolate: '[8557:0x3e0cbd50]',
    ms: 24376,
    kind: 's',
    pauseMs: 1.8,
    promotedBytes: 44704,
  });
  expect(parseGcLine(markCompact(24858, 8.6))).toMatchObject({ kind: 'mc', pauseMs: 8.6, ms: 24858 });
  expect(parseGcLine('{"level":30,"msg":"herald listening"}')).toBeUndefined();
  expect(parseGcLine('')).toBeUndefined();
});

it("sums up the main isolate's collections only", () => {
  const worker = '[8557:0x7f248c000f00]';
  const lines = [
    scavenge(1000, 40 * 1024),
    scavenge(1600, 50 * 1024, 3.5),
    markCompact(1700, 8.6),
    scavenge(2200, 60 * 1024),
    scavenge(2100, 900 * 1024, 40, worker),
    markCompact(2150, 99, worker),
    'not a gc line',
  ];
  const events = lines.map(parseGcLine).filter((e) => e !== undefined);
  const isolate = mainIsolate(events);
  expect(isolate).toBe('[8557:0x3e0cbd50]');
  expect(summariseGc(events, isolate, 1.5)).toEqual({
    scavenges: 3,
    promotedKiBPerScavengeMedian: 50,
    promotedKiBPerSecond: 100, // 150 KiB in 1.5 s
    scavengePauseMsMax: 3.5,
    fullCollections: 1,
    fullPauseMsMax: 8.6,
  });
});

it('reports zeros when there was nothing to collect', () => {
  expect(summariseGc([], undefined, 0)).toEqual({
    scavenges: 0,
    promotedKiBPerScavengeMedian: 0,
    promotedKiBPerSecond: 0,
    scavengePauseMsMax: 0,
    fullCollections: 0,
    fullPauseMsMax: 0,
  });
});
