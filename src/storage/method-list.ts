/** `L` when it names every key of `T`; otherwise `never`, so the call below fails typecheck. */
type Covering<T, L extends readonly unknown[]> = [Exclude<keyof T, L[number]>] extends [never] ? L : never;

/**
 * The names of every method of `T`, checked at compile time: a method added to the interface and
 * not to the list is a type error here, so a runtime check built on the list cannot fall behind.
 */
export function methodsOf<T>() {
  return <const L extends readonly (keyof T)[]>(names: L & Covering<T, L>): L => names;
}
