/**
 * A strict check of generated XML/SVG for the chart tests, without a DOM: tags balanced (a stack of
 * open elements), attributes quoted, no raw `&` or `<` in text or attribute values, and nothing
 * outside that grammar. Asserts with vitest's `expect`; returns the element names in document order.
 */
import { expect } from 'vitest';

export function checkXml(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(svg)) !== null) {
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      continue;
    }
    const [, close, name, attrs, selfClose] = m;
    expect(attrs ?? '').not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name!);
    names.push(name!);
  }
  expect(pos).toBe(svg.length); // everything matched the grammar
  expect(stack).toEqual([]);
  return names;
}
