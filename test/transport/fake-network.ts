import { TransportLayer } from "../../src/transport/index.ts";
import type { Address, TransportEvent, TransportOptions, TransportProtocol } from "../../src/transport/index.ts";

/** One simulated host: a transport core and the addresses of its listening points. */
export interface Node {
  name: string;
  layer: TransportLayer;
  events: TransportEvent[];
  /** Datagrams sent, as the network saw them (for routing assertions). */
  sent: { from: Address; to: Address; data: string }[];
}

interface Link {
  a: { node: Node; id: number };
  b: { node: Node; id: number };
}

/**
 * A deterministic network of TransportLayers: datagrams are delivered to the listening point bound
 * at the destination address; connects create a connection pair; writes reach the other end. No
 * sockets, no timers: `now` is whatever the test says.
 */
export class FakeNetwork {
  now = 0;
  readonly nodes: Node[] = [];
  /** UDP and stream listening points by "transport host port". */
  private readonly bound = new Map<string, { node: Node; lp: number }>();
  private readonly links = new Map<string, Link>();
  private nextEphemeral = 40000;
  /** Addresses that drop everything sent to them (connect fails). */
  readonly unreachable = new Set<string>();

  node(name: string, points: { transport: TransportProtocol; host: string; port: number }[], options?: TransportOptions): Node {
    let seed = this.nodes.length * 64;
    const layer = new TransportLayer({
      randomBytes: (n) => Uint8Array.from({ length: n }, () => seed++ & 0xff),
      ...options,
    });
    const node: Node = { name, layer, events: [], sent: [] };
    for (const p of points) {
      const lp = layer.addListeningPoint(p.transport, { host: p.host, port: p.port });
      const kind = p.transport === "UDP" ? "UDP" : "STREAM";
      this.bound.set(`${kind} ${p.host} ${p.port}`, { node, lp: lp.id });
    }
    this.nodes.push(node);
    return node;
  }

  /** Performs every queued action of every node until the network is quiet. */
  run(): void {
    for (let moved = true; moved; ) {
      moved = false;
      for (const node of this.nodes) {
        for (let a; (a = node.layer.pollAction()); ) {
          moved = true;
          this.perform(node, a);
        }
        for (let e; (e = node.layer.pollEvent()); ) node.events.push(e);
      }
    }
  }

  /** Advances the clock, runs due timeouts on every node, then the network. */
  advance(ms: number): void {
    this.now += ms;
    for (const node of this.nodes) {
      const t = node.layer.pollTimeout();
      if (t !== undefined && t <= this.now) node.layer.handleTimeout(this.now);
    }
    this.run();
  }

  /** Injects raw bytes on an existing connection from the given side. */
  inject(node: Node, connection: number, data: Uint8Array): void {
    const link = this.links.get(`${node.name} ${connection}`);
    if (!link) throw new Error("no such connection");
    const peer = link.a.node === node && link.a.id === connection ? link.b : link.a;
    peer.node.layer.handleStreamData(peer.id, data, this.now);
    this.run();
  }

  private perform(node: Node, a: NonNullable<ReturnType<TransportLayer["pollAction"]>>): void {
    switch (a.type) {
      case "datagram": {
        const lp = node.layer.listeningPoints().find((p) => p.id === a.listeningPoint)!;
        node.sent.push({ from: lp.local, to: a.remote, data: new TextDecoder().decode(a.data) });
        const dest = this.bound.get(`UDP ${a.remote.host} ${a.remote.port}`);
        if (dest) dest.node.layer.handleDatagram(dest.lp, a.data, lp.local, this.now);
        break;
      }
      case "connect": {
        const key = `${a.remote.host} ${a.remote.port}`;
        const dest = this.bound.get(`STREAM ${key}`);
        if (!dest || this.unreachable.has(key)) {
          node.layer.handleConnectFailed(a.connection, this.now, new Error("ECONNREFUSED"));
          break;
        }
        const local = { host: node.layer.listeningPoints()[0]?.local.host ?? "10.0.0.99", port: this.nextEphemeral++ };
        const serverId = dest.node.layer.handleIncomingConnection(dest.lp, local, this.now);
        if (serverId === undefined) {
          node.layer.handleConnectFailed(a.connection, this.now, new Error("refused"));
          break;
        }
        const link: Link = { a: { node, id: a.connection }, b: { node: dest.node, id: serverId } };
        this.links.set(`${node.name} ${a.connection}`, link);
        this.links.set(`${dest.node.name} ${serverId}`, link);
        node.layer.handleConnected(a.connection, this.now);
        break;
      }
      case "write": {
        const link = this.links.get(`${node.name} ${a.connection}`);
        if (!link) break;
        const peer = link.a.node === node && link.a.id === a.connection ? link.b : link.a;
        if (peer.node.layer.hasConnection(peer.id)) peer.node.layer.handleStreamData(peer.id, a.data, this.now);
        break;
      }
      case "close": {
        const link = this.links.get(`${node.name} ${a.connection}`);
        if (!link) break;
        this.links.delete(`${link.a.node.name} ${link.a.id}`);
        this.links.delete(`${link.b.node.name} ${link.b.id}`);
        const peer = link.a.node === node && link.a.id === a.connection ? link.b : link.a;
        peer.node.layer.handleConnectionClosed(peer.id, this.now);
        break;
      }
    }
  }
}

/** The messages a node received, in order. */
export function received(node: Node) {
  return node.events.flatMap((e) => (e.type === "message" ? [e] : []));
}

export function errors(node: Node) {
  return node.events.flatMap((e) => (e.type === "error" ? [e] : []));
}
