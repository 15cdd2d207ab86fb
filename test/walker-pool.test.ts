import { describe, expect, it } from 'vitest';
import { mapBounded, mapBoundedArray } from '../lib/walker';

describe('mapBounded', () => {
  it('never runs more than the limit at once and keeps the items in order', async () => {
    let running = 0;
    let peak = 0;
    const run = await mapBoundedArray([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(run.results.map((r) => r.value)).toEqual([50, 10, 40, 20, 30]);
  });

  it('records a failing item and goes on with the others', async () => {
    const run = await mapBoundedArray(['a', 'b', 'c'], 3, async (s) => {
      if (s === 'b') throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      return s;
    });
    expect(run.results.map((r) => r.item)).toEqual(['a', 'c']);
    expect(run.failures).toEqual([{ item: 'b', error: { code: 'AccessDeniedException', message: 'denied' } }]);
  });

  it('throws the source error only once the items in flight have finished', async () => {
    let finished = 0;
    async function* source() {
      yield 1;
      yield 2;
      throw new Error('listing failed');
    }
    await expect(
      mapBounded(source(), 2, async () => {
        await new Promise((r) => setTimeout(r, 5));
        finished++;
      }),
    ).rejects.toThrow('listing failed');
    expect(finished).toBe(2);
  });
});
