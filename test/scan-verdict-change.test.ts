import { describe, expect, it } from 'vitest';
import { verdictChange, type JudgedVerdict } from '../lib/scan/verdict-change';

const judged = (result: JudgedVerdict['result'], failingIds: string[] = [], verdictId = `${result}:${failingIds.join(',')}`): JudgedVerdict => ({
  verdictId,
  result,
  failingIds,
});

describe('verdictChange', () => {
  it('publishes the first verdict of an image', () => {
    expect(verdictChange(undefined, judged('pass'))).toEqual({ publish: true, reason: 'the first verdict for this image' });
  });

  it('publishes a pass that became a fail, and a fail that became a pass', () => {
    expect(verdictChange(judged('pass'), judged('fail', ['CVE-1']))).toEqual({ publish: true, reason: 'the verdict changed: pass -> fail' });
    expect(verdictChange(judged('fail', ['CVE-1']), judged('pass'))).toEqual({ publish: true, reason: 'the verdict changed: fail -> pass' });
  });

  it('publishes a failing image that has a failing finding it did not have before', () => {
    const change = verdictChange(judged('fail', ['CVE-1']), judged('fail', ['CVE-1', 'CVE-2']));
    expect(change).toEqual({ publish: true, reason: 'new failing finding(s): CVE-2' });
  });

  it('names at most five new findings and counts the rest', () => {
    const ids = Array.from({ length: 8 }, (_, i) => `CVE-${i}`);
    expect(verdictChange(judged('fail', ['X']), judged('fail', ['X', ...ids])).reason).toBe('new failing finding(s): CVE-0, CVE-1, CVE-2, CVE-3, CVE-4 and 3 more');
  });

  it('stays silent for the same verdict, for a failing finding that went away, and for a scan that failed again', () => {
    expect(verdictChange(judged('pass'), judged('pass')).publish).toBe(false);
    expect(verdictChange(judged('fail', ['CVE-1', 'CVE-2']), judged('fail', ['CVE-2']))).toEqual({ publish: false, reason: 'the verdict is unchanged (fail)' });
    expect(verdictChange(judged('scan-failed'), judged('scan-failed')).publish).toBe(false);
  });
});
