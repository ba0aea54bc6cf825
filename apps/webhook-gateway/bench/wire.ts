/**
 * The load generator's HTTP/1.1 client: requests are serialized to bytes
 * before a phase starts and written to a kept-alive socket as they are; the
 * reader parses only what it must (status, framing). On two cores shared
 * with the servers under test, `node:http`'s client cost about as much CPU
 * per request as the gateway spends handling it, so the generator is as lean
 * as `wrk`-style tools. 127.0.0.1 only.
 */
import { connect, type Socket } from 'node:net';

/** One request to send. */
export interface Shot {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** `shot` as the bytes of an HTTP/1.1 POST. */
export function requestBytes(shot: Shot): Buffer {
  const body = Buffer.from(shot.body);
  const head = [`POST ${shot.path} HTTP/1.1`, 'host: 127.0.0.1', ...Object.entries(shot.headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${body.length}`];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]);
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One kept-alive connection, one request at a time. A server that closes
 * the connection (`Connection: close`, HTTP/1.0) gets a new one on the next
 * request; a request whose connection breaks resolves with status 0.
 */
export class WireConnection {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: ((status: number) => void) | undefined;

  constructor(private readonly port: number) {}

  /** Sends `request` and resolves with the response's status once its body was read (0 on a transport error). */
  send(request: Buffer): Promise<number> {
    if (this.pending) throw new Error('WireConnection: one request at a time');
    const socket = (this.socket ??= this.open());
    return new Promise((resolve) => {
      this.pending = resolve;
      socket.write(request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    const socket = connect({ host: '127.0.0.1', port: this.port, noDelay: true });
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse(false);
    });
    const gone = (): void => {
      if (this.socket !== socket) return; // closed on purpose; its request was settled
      this.socket = undefined;
      this.parse(true);
      this.settle(0);
    };
    socket.on('error', gone);
    socket.on('close', gone);
    return socket;
  }

  /** Settles the pending request when `buffer` holds its whole response; `ended`: the server closed the connection. */
  private parse(ended: boolean): void {
    const headEnd = this.buffer.indexOf(HEAD_END);
    if (headEnd < 0 || !this.pending) return;
    const head = this.buffer.subarray(0, headEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const bodyStart = headEnd + HEAD_END.length;
    let end: number;
    if (length) end = bodyStart + Number(length[1]);
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) end = chunkedEnd(this.buffer, bodyStart);
    else end = ended ? this.buffer.length : -1; // read until close
    if (end < 0 || end > this.buffer.length) return;
    this.buffer = this.buffer.subarray(end);
    if (/\r\nconnection:\s*close/i.test(head) || head.startsWith('HTTP/1.0')) this.close();
    this.settle(status);
  }

  private settle(status: number): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(status);
  }
}

/** Offset just past a chunked body starting at `start`, or -1 while incomplete. */
function chunkedEnd(buffer: Buffer, start: number): number {
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return -1;
    const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return -1;
    at = lineEnd + 2 + size + 2;
    if (size === 0) return at <= buffer.length ? at : -1;
  }
}
