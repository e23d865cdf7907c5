/**
 * Copies a record all the way down (its Dates, arrays and nested plain objects such as `openid`
 * or a pending change get new instances), so that no caller can change a stored record through an
 * object it passed in or got back. Not `structuredClone`: under jest its Dates belong to another
 * realm and fail `instanceof Date` in the caller's tests.
 */
export function copyRecord<T extends object>(record: T): T {
  return copyValue(record) as T;
}

function copyValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as Date).getTime());
  if (Array.isArray(value)) return value.map(copyValue);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = copyValue(item);
  return out;
}
