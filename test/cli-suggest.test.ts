import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest } from '../cli/suggest';

describe('edit distance', () => {
  it('counts insertions, deletions and substitutions one each', () => {
    expect(editDistance('adit', 'audit')).toBe(1);
    expect(editDistance('audits', 'audit')).toBe(1);
    expect(editDistance('audot', 'audit')).toBe(1);
    expect(editDistance('', 'scan')).toBe(4);
  });

  it('counts a swap of two neighbouring characters as one', () => {
    expect(editDistance('cleanpu', 'cleanup')).toBe(1);
    expect(editDistance('--chekc', '--check')).toBe(1);
  });

  it('is zero only for equal strings, symmetric, and never more than the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('did you mean', () => {
  const commands = ['audit', 'cleanup', 'enforce', 'scan', 'validate'];

  it('suggests the command a typo is closest to', () => {
    expect(suggest('adit', commands)).toBe('audit');
    expect(suggest('clenaup', commands)).toBe('cleanup');
    expect(suggest('ENFORCE', commands)).toBe('enforce');
    expect(suggest('valdate', commands)).toBe('validate');
  });

  it('suggests the one command a prefix starts', () => {
    expect(suggest('enf', commands)).toBe('enforce');
  });

  it('suggests nothing for a word that is not close to any', () => {
    expect(suggest('purge', commands)).toBeUndefined();
    expect(suggest('--colour', ['--check', '--format', '--policy'])).toBeUndefined();
    expect(didYouMean('deploy', commands)).toBe('');
  });

  it('suggests options with their dashes', () => {
    expect(didYouMean('--polcy', ['--policy', '--format', '--region'])).toBe('did you mean "--policy"?');
    expect(suggest('--repositories', ['--repository', '--region'])).toBe('--repository');
  });
});
