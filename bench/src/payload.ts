// The 16 KB JSON document the echo scenario sends: deterministic, nested, mixed types, like an API payload.

export const ECHO_PAYLOAD_BYTES = 16 * 1024;

export function echoPayload(targetBytes = ECHO_PAYLOAD_BYTES): string {
  const items: unknown[] = [];
  const document = { kind: "order-batch", version: 3, items };
  for (let i = 0; ; i++) {
    const item = {
      id: i,
      sku: `SKU-${(i * 7919).toString(36).toUpperCase()}`,
      title: `Item number ${i}`,
      price: Math.round(i * 137.5) / 100,
      tags: ["bench", i % 2 === 0 ? "even" : "odd"],
      inStock: i % 3 !== 0,
    };
    items.push(item);
    if (JSON.stringify(document).length >= targetBytes) {
      items.pop();
      break;
    }
  }
  return JSON.stringify(document);
}
