// Raw HTTP/1.1 exchanges for tests that compare two servers' answers byte for byte.
import { connect } from "node:net";

/**
 * Sends `request` as written (it should carry `Connection: close`) and returns everything that came back before
 * the server closed, with the Date header and generated request ids normalised so two answers compare equal.
 */
export function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.setEncoding("latin1").on("data", (chunk: string) => {
      data += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () =>
      resolve(
        data
          .replace(/^Date: .*$/gim, "Date: <date>")
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<request-id>"),
      ),
    );
  });
}
