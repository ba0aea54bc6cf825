import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a stand-in server listens. */
export interface ListenOptions {
  /** Interface to bind. Default loopback (`127.0.0.1`). */
  readonly hostname?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
}

/**
 * Binds `server` where `options` say and resolves with its base URL
 * (`http://<address>:<port>`). Bad options, a taken port or an address this
 * machine does not have reject with an error naming `what` and the address.
 */
export async function listen(server: Server, what: string, options: ListenOptions = {}): Promise<string> {
  const hostname = options.hostname ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${what}: port must be an integer in [0, 65535], got ${port}`);
  if (hostname.trim() === '') throw new RangeError(`${what}: hostname is empty; give an address to bind, e.g. "127.0.0.1"`);
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE' ? 'the port is taken' : error.code === 'EADDRNOTAVAIL' ? 'no interface of this machine has that address' : error.message;
      reject(new Error(`${what} cannot listen on ${hostname}:${port}: ${why}`, { cause: error }));
    };
    server.once('error', failed);
    server.listen(port, hostname, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}
