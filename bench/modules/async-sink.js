// Receives async-invoke events (a JSON POST to fetch) and does nothing else; completions are counted from the
// invocation records.
export default {
  async fetch(request) {
    await request.text();
    return new Response("ok\n");
  },
};
