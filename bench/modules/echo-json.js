// The JSON echo every peer serves: parse the request's JSON body and answer it re-serialized.
export default {
  async fetch(request) {
    const value = await request.json();
    return new Response(JSON.stringify(value), {
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  },
};
