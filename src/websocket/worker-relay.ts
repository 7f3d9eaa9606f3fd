// Topics across the `workers` copies of one server: a copy sends what it
// publishes to the primary (node:cluster IPC), which passes it to every
// other copy; each delivers to its own subscribers.
import type { WebSocketHub } from './hub.js';

/** A publish on the IPC channel: text as it is, bytes in base64 (IPC carries JSON). */
export interface PublishMessage {
  type: 'publish';
  topic: string;
  text?: string;
  base64?: string;
  binary: boolean;
}

export function publishMessage(topic: string, bytes: string | Buffer, binary: boolean): PublishMessage {
  return typeof bytes === 'string' ? { type: 'publish', topic, text: bytes, binary } : { type: 'publish', topic, base64: bytes.toString('base64'), binary };
}

export function isPublishMessage(message: unknown): message is PublishMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'publish' && typeof (message as PublishMessage).topic === 'string';
}

/** In a worker copy: publishes go to the primary, and what the primary passes on reaches this copy's subscribers. */
export function joinWorkers(hub: WebSocketHub): void {
  const send = process.send?.bind(process);
  if (send === undefined) return;
  hub.addRelay({ publish: (topic, bytes, binary) => void send(publishMessage(topic, bytes, binary)) });
  process.on('message', (message: unknown) => {
    if (!isPublishMessage(message)) return;
    const bytes = message.text ?? Buffer.from(message.base64 ?? '', 'base64');
    hub.deliverRemote(message.topic, bytes, message.binary);
  });
}
