/**
 * React keys for lists whose items have no id (messages, issues, rules): each item's content, made unique by how
 * many equal items came before it. An item keeps its key when others are added or removed around it, which an
 * array index does not give.
 */
export function keyedByContent<T>(
  items: readonly T[],
  content: (item: T) => string = (item) => JSON.stringify(item),
): Array<[key: string, item: T]> {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const text = content(item);
    const n = seen.get(text) ?? 0;
    seen.set(text, n + 1);
    return [n ? `${text}#${n}` : text, item];
  });
}

let lastLineId = 0;

/** An id for a line a form adds (a bundle's component, a purchase order's line): its key while it lives. */
export function newLineId(): number {
  lastLineId += 1;
  return lastLineId;
}
