// The client of a command that talks to the server: settings resolved, closed whatever happens.
import type { SkiffApi } from "../api-client.js";
import { resolveClientSettings } from "../client-settings.js";
import type { CommandContext } from "../command.js";

/**
 * @example
 * return withClient(context, values.url, async (client) => { await client.listBuckets(values.tenant); return 0; });
 */
export async function withClient<T>(
  context: CommandContext,
  url: string | undefined,
  use: (client: SkiffApi) => Promise<T>,
): Promise<T> {
  const settings = await resolveClientSettings(context.env, context.cwd, { url });
  const client = context.createClient(settings);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
