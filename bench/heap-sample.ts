/**
 * Where the heap of an open timeline goes: opens 100 timelines (one per conversation, no
 * messages) in this process against the gateway process, with V8's sampling heap profiler on, and
 * prints the live allocations by call stack (`depth` frames, or 0: by the innermost frame of the
 * library). A tool, not part of `npm run bench`: `node --expose-gc --import tsx
 * bench/heap-sample.ts [depth] [rows]`. Through tsx every named closure also carries a `__name`
 * call's heap (tsx compiles with `keepNames`); the bench's heap row runs compiled code without it.
 */
import { Session } from 'node:inspector/promises';
import { firstValueFrom, type Subscription } from 'rxjs';
import { createChatClient } from '../src/client.js';
import { holdTimelines } from './consumers.js';
import { GatewayProcess } from './gateway-handle.js';
import { collectGarbage } from './harness.js';

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const gateway = await GatewayProcess.start();
const session = new Session();
session.connect();
try {
  const { url, token, conversations } = gateway.ready;
  const client = createChatClient({ baseUrl: url, token });
  await firstValueFrom(client.connect());
  const subscriptions: Subscription[] = [];
  const hold = (ids: readonly string[]): Promise<void> => holdTimelines(client, ids, subscriptions);
  await hold(conversations.slice(100, 120));
  collectGarbage();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 128 });
  const before = process.memoryUsage().heapUsed;
  await hold(conversations.slice(0, 100));
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
  console.log(`heap per timeline: ${((after - before) / 100 / 1024).toFixed(1)} KiB`);
  const bySite = new Map<string, number>();
  let total = 0;
  const name = (n: ProfileNode): string =>
    `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  const walk = (n: ProfileNode, stack: readonly string[]): void => {
    const here = [...stack, name(n)];
    if (n.selfSize > 0) {
      const depth = Number(process.argv[2] ?? 3);
      // With depth 0: attributed to the innermost frame of this library (src/), then the leaf.
      const own = [...here]
        .reverse()
        .find((frame) => /(streams|hubs|http|client|codecs|core)\//.test(frame) && !frame.includes('node_modules'));
      const key = depth === 0 ? `${own ?? '(outside src)'}  ← ${here[here.length - 1]}` : here.slice(-depth).join(' < ');
      bySite.set(key, (bySite.get(key) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c, here);
  };
  walk(profile.head, []);
  console.log(`sampled live: ${(total / 100 / 1024).toFixed(1)} KiB per timeline`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 40)))
    console.log(`${(bytes / 100 / 1024).toFixed(2).padStart(6)} KiB  ${site}`);
  for (const s of subscriptions) s.unsubscribe();
  await client.disconnect();
} finally {
  await gateway.close();
}
process.exit(0);
