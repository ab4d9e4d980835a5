// Response bodies for tests, typed loosely: a test inspects them field by field and asserts on each.

// biome-ignore lint/suspicious/noExplicitAny: test replies are inspected field by field
export type Json = any;

export async function json(response: Response): Promise<Json> {
  return response.json();
}
