/**
 * A small EventBridge event-pattern matcher, for testing the rules in serverless.yml against sample
 * events (moto does not implement TestEventPattern). It follows the documented content filtering:
 * exact values, prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists and $or.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Matcher = Json;

function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function wildcard(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

function numeric(conditions: Json[], value: unknown): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : false;
    if (!ok) return false;
  }
  return true;
}

/** Whether one leaf value of the event satisfies one matcher of the pattern's list. */
function leafMatches(matcher: Matcher, value: Json | undefined, present: boolean): boolean {
  if (!isObject(matcher)) return present && value === matcher;
  const [op, arg] = Object.entries(matcher)[0] ?? [];
  switch (op) {
    case 'exists':
      return arg === present;
    case 'prefix':
      return present && typeof value === 'string' && (isObject(arg) ? value.toLowerCase().startsWith(String(arg['equals-ignore-case']).toLowerCase()) : value.startsWith(String(arg)));
    case 'suffix':
      return present && typeof value === 'string' && (isObject(arg) ? value.toLowerCase().endsWith(String(arg['equals-ignore-case']).toLowerCase()) : value.endsWith(String(arg)));
    case 'equals-ignore-case':
      return present && typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard':
      return present && typeof value === 'string' && wildcard(String(arg), value);
    case 'numeric':
      return present && numeric(arg as Json[], value);
    case 'anything-but': {
      if (!present) return false;
      if (isObject(arg)) {
        const [inner, innerArg] = Object.entries(arg)[0] ?? [];
        if (inner === 'prefix') return !(typeof value === 'string' && value.startsWith(String(innerArg)));
        if (inner === 'suffix') return !(typeof value === 'string' && value.endsWith(String(innerArg)));
        if (inner === 'equals-ignore-case') {
          const list = (Array.isArray(innerArg) ? innerArg : [innerArg]).map((v) => String(v).toLowerCase());
          return !(typeof value === 'string' && list.includes(value.toLowerCase()));
        }
        if (inner === 'wildcard') return !(typeof value === 'string' && wildcard(String(innerArg), value));
        throw new Error(`unsupported anything-but operator ${inner}`);
      }
      const list = Array.isArray(arg) ? arg : [arg];
      return !list.some((v) => v === value);
    }
    default:
      throw new Error(`unsupported pattern operator ${op}`);
  }
}

function fieldMatches(matchers: Json[], value: Json | undefined, present: boolean): boolean {
  // An array in the event matches when any of its elements matches.
  if (present && Array.isArray(value)) {
    if (matchers.some((m) => isObject(m) && 'exists' in m)) return leafMatches(matchers.find((m) => isObject(m) && 'exists' in m)!, value as Json, true);
    return value.some((v) => matchers.some((m) => leafMatches(m, v, true)));
  }
  return matchers.some((m) => leafMatches(m, value, present));
}

/**
 * True when `event` matches the EventBridge `pattern`.
 *
 * @example
 * matchesPattern({ source: ['aws.ecr'], detail: { 'action-type': ['PUSH'] } }, pushEvent); // true
 */
export function matchesPattern(pattern: Record<string, Json>, event: unknown): boolean {
  if (!isObject(event)) return false;
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(rule) || !rule.some((alt) => isObject(alt) && matchesPattern(alt, event))) return false;
      continue;
    }
    const present = Object.hasOwn(event, key);
    const value = event[key];
    if (Array.isArray(rule)) {
      if (!fieldMatches(rule, value, present)) return false;
    } else if (isObject(rule)) {
      if (isObject(value)) {
        if (!matchesPattern(rule, value)) return false;
      } else if (Array.isArray(value)) {
        if (!value.some((v) => isObject(v) && matchesPattern(rule, v))) return false;
      } else {
        // A nested pattern on a missing object only matches if every leaf is `exists: false`.
        if (!matchesPattern(rule, {})) return false;
      }
    } else {
      throw new Error(`pattern field ${key} must be an array or an object`);
    }
  }
  return true;
}
