// The smallest Skiff function: Workers module syntax, so it runs unchanged on Cloudflare Workers too.
export default {
  async fetch(_request, env) {
    const greeting = env.GREETING ?? "Hello from Skiff!";
    return new Response(`${greeting}\n`, { headers: { "content-type": "text/plain; charset=utf-8" } });
  },
};
