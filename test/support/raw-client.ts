import { connect, type Socket } from 'node:net';

/** A raw client socket: what the server sent, and a promise that settles when the server closed it. */
export type RawClient = { readonly socket: Socket; readonly received: () => string; readonly closed: Promise<'closed'> };

/** Connects to 127.0.0.1:`port`, for what fetch and inject cannot send or do (stall, idle, malformed requests). */
export const rawClient = (port: number): Promise<RawClient> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined); // a reset by the server is what some tests wait for
    const closed = new Promise<'closed'>((settle) => socket.once('close', () => settle('closed')));
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
