// Raw TCP conversations with a server, for requests no HTTP client will send: malformed framing, slow headers.
import { connect, type Socket } from "node:net";

export interface RawConnection {
  socket: Socket;
  /** Everything the server wrote so far (latin1, so bytes map to characters). */
  received(): string;
  /** Resolves with everything received once the connection is closed, by either side. */
  closed: Promise<string>;
}

/** Opens a TCP connection to `url`'s host and port. */
export function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = "";
    socket.setEncoding("latin1").on("data", (chunk: string) => {
      data += chunk;
    });
    // A reset after the server's answer is how some refusals end; what was received still counts.
    socket.on("error", () => {});
    const closed = new Promise<string>((done) => socket.once("close", () => done(data)));
    socket.once("connect", () => resolve({ socket, received: () => data, closed }));
    socket.once("error", reject);
  });
}

/** Sends `request` on a new connection and returns what the server wrote before it closed the connection. */
export async function rawExchange(url: string, request: string | Buffer): Promise<string> {
  const connection = await openRaw(url);
  connection.socket.write(request);
  return connection.closed;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the first response in `raw` (headers lowercased; a Content-Length body only). */
export function parseRawResponse(raw: string): RawResponse {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = "", ...lines] = raw.slice(0, end).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? raw.length);
  return { status, headers, body: raw.slice(end + 4, end + 4 + length) };
}
