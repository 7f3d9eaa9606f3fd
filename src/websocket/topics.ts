// In-process topics: which local sockets hear a topic. uWS keeps its own
// (see uws-topics.ts); this map serves the `ws` codec on net and node-http.
import type { SocketBase } from './socket.js';

export interface TopicBus {
  subscribe(socket: SocketBase, topic: string): void;
  unsubscribe(socket: SocketBase, topic: string): void;
  isSubscribed(socket: SocketBase, topic: string): boolean;
  topicsOf(socket: SocketBase): string[];
  /** The socket closed: it hears nothing more. */
  dropAll(socket: SocketBase): void;
  /** Sends to this process's subscribers of `topic`, except `except`. */
  deliver(topic: string, bytes: string | Buffer, binary: boolean, compress: boolean, except: SocketBase | null): void;
}

export class MapTopics implements TopicBus {
  private readonly subscribers = new Map<string, Set<SocketBase>>();

  subscribe(socket: SocketBase, topic: string): void {
    let set = this.subscribers.get(topic);
    if (set === undefined) this.subscribers.set(topic, (set = new Set()));
    set.add(socket);
    (socket.subscriptions ??= new Set()).add(topic);
  }

  unsubscribe(socket: SocketBase, topic: string): void {
    const set = this.subscribers.get(topic);
    socket.subscriptions?.delete(topic);
    if (set === undefined) return;
    set.delete(socket);
    if (set.size === 0) this.subscribers.delete(topic);
  }

  isSubscribed(socket: SocketBase, topic: string): boolean {
    return socket.subscriptions?.has(topic) ?? false;
  }

  topicsOf(socket: SocketBase): string[] {
    return socket.subscriptions === null ? [] : [...socket.subscriptions];
  }

  dropAll(socket: SocketBase): void {
    if (socket.subscriptions === null) return;
    for (const topic of [...socket.subscriptions]) this.unsubscribe(socket, topic);
  }

  deliver(topic: string, bytes: string | Buffer, binary: boolean, compress: boolean, except: SocketBase | null): void {
    const set = this.subscribers.get(topic);
    if (set === undefined) return;
    const options = { binary, compress };
    // Encoded once for every subscriber, not once each.
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    for (const socket of set) if (socket !== except) socket.send(data, options);
  }
}
