import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deleteBudget, takeShare } from '../lib/fanout/budget';

/** The shares of `items` items drawn in order, and the budget left after them. */
function draw(cap: number, repositories: number, perItem: number, items: number) {
  let budget = deleteBudget(cap, repositories, perItem);
  const shares: number[] = [];
  for (let i = 0; i < items; i++) {
    const taken = takeShare(budget, i);
    shares.push(taken.share);
    budget = taken.budget;
  }
  return { shares, left: budget.left };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('cleanup budget of a fanned-out run', () => {
  it('shares the cap evenly, the remainder going to the first items', () => {
    expect(draw(10, 12, 4, 3).shares).toEqual([4, 3, 3]);
    expect(draw(2, 12, 4, 3).shares).toEqual([1, 1, 0]);
  });

  it('hands out exactly the cap when the registry does not change between the count and the dispatch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 100 }), (cap, repositories, perItem) => {
        const items = Math.max(1, Math.ceil(repositories / perItem));
        const { shares, left } = draw(cap, repositories, perItem, items);
        expect(sum(shares)).toBe(cap);
        expect(left).toBe(0);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('never hands out more than the cap, however many items the registry grows to', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 50 }), (cap, repositories, perItem, extra) => {
        const items = Math.max(1, Math.ceil(repositories / perItem)) + extra;
        expect(sum(draw(cap, repositories, perItem, items).shares)).toBeLessThanOrEqual(cap);
      }),
    );
  });
});
