import { describe, expect, it } from 'vitest';
import { allSettledOrThrow } from '../lib/settle';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('allSettledOrThrow', () => {
  it('gives every value, in order, like Promise.all', async () => {
    expect(await allSettledOrThrow([later(5, 'a'), 1, Promise.resolve(true)])).toEqual(['a', 1, true]);
  });

  it('rejects with the first failure only once every other promise has settled', async () => {
    let slowDone = false;
    const slow = later(30, 'slow').then((v) => {
      slowDone = true;
      return v;
    });

    await expect(allSettledOrThrow([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))])).rejects.toThrow('first');
    expect(slowDone).toBe(true);
  });
});
