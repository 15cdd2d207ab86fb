import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Where a page ends: the request it belongs to and the sort key of the last item served. */
export interface PagePosition {
  /** The ECR action, e.g. `DescribeImages`. */
  action: string;
  /** A fingerprint of the request (account, region, input without paging fields). */
  scope: string;
  /** Sort key of the last item served; the next page starts after it. */
  after: string;
}

/** Issues and reads `nextToken`s that clients cannot read, forge or move to another request. */
export interface PageTokens {
  issue(position: PagePosition): string;
  /** The position a token stands for, or undefined when it is forged, damaged or from another request. */
  read(token: string, action: string, scope: string): PagePosition | undefined;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Page tokens sealed with AES-256-GCM under a key that lives only in this process: opaque like ECR's,
 * and any change to a token makes it unreadable.
 *
 * @example
 * const tokens = createPageTokens();
 * const nextToken = tokens.issue({ action: 'DescribeRepositories', scope, after: 'team-a/api' });
 * tokens.read(nextToken, 'DescribeRepositories', scope)?.after; // 'team-a/api'
 */
export function createPageTokens(key: Buffer = randomBytes(32)): PageTokens {
  return {
    issue(position) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(JSON.stringify([position.action, position.scope, position.after]), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
    },
    read(token, action, scope) {
      const raw = Buffer.from(token, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES || raw.toString('base64url') !== token) return undefined;
      let text: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // The authentication tag does not match: the token was not issued here or was altered.
        return undefined;
      }
      const [a, s, after] = JSON.parse(text) as [string, string, string];
      return a === action && s === scope ? { action: a, scope: s, after } : undefined;
    },
  };
}
