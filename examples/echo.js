// Answers with what it received: method, path below the function's mount, query, and body, as JSON.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const body = await request.text();
    const answer = {
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers.get("content-type"),
      body,
    };
    return new Response(`${JSON.stringify(answer)}\n`, {
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  },
};
