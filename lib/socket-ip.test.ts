import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { installSocketIpHeader, SOCKET_IP_HEADER } from "./socket-ip";

it("stamps each request with the socket address, overwriting what the client sent", async () => {
  installSocketIpHeader();
  const seen: (string | string[] | undefined)[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers[SOCKET_IP_HEADER]);
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await fetch(`http://127.0.0.1:${port}/`, { headers: { [SOCKET_IP_HEADER]: "6.6.6.6", "x-forwarded-for": "6.6.6.6" } });
  server.close();
  expect(seen).toEqual(["127.0.0.1"]);
});
