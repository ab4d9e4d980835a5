// A free TCP port on loopback, for peers that can not be told to pick one themselves (workerd).
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === "string") reject(new Error("no port was assigned"));
        else resolve(address.port);
      });
    });
  });
}
