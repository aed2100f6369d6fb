import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy in front of a server (a Redis) that holds every byte a client sends for `delayMs` before
 * passing it on, in order; the server's answers come back at once. Put one replica's Redis behind it and
 * that replica's commands reach Redis `delayMs` after it wrote them: what a replica preempted, or far
 * from Redis, looks like to the others. Cross-replica ordering bugs ("the client saw the end before
 * Redis got the write") then show every time instead of once in a thousand runs.
 */
export class DelayingProxy {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The proxy's port on 127.0.0.1. */
    readonly port: number,
  ) {}

  /** Listens on an ephemeral port of 127.0.0.1 and forwards each connection to `target`. */
  static async start(target: { host: string; port: number }, delayMs: number): Promise<DelayingProxy> {
    let proxy: DelayingProxy | null = null;
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      proxy?.sockets.add(client).add(upstream);
      // Same delay for every chunk, so timers fire in the order the chunks came: the byte order holds.
      client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
      upstream.on('data', (chunk) => client.write(chunk));
      const close = () => {
        client.destroy();
        upstream.destroy();
        proxy?.sockets.delete(client);
        proxy?.sockets.delete(upstream);
      };
      client.on('close', () => setTimeout(close, delayMs));
      upstream.on('close', close);
      client.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP port');
    proxy = new DelayingProxy(server, address.port);
    return proxy;
  }

  /** `redis://127.0.0.1:<port>`: where a client of the proxied Redis connects. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops listening and cuts every connection. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
