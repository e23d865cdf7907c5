/**
 * Copies a flat record, giving its arrays and Dates new instances, so that no caller can change a
 * stored record through an object it passed in or got back. Not `structuredClone`: under jest its
 * Dates belong to another realm and fail `instanceof Date` in the caller's tests.
 */
export function copyRecord<T extends object>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (Object.prototype.toString.call(value) === '[object Date]') out[key] = new Date((value as Date).getTime());
    else out[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  return out as T;
}
