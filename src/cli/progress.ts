/** A one-line progress report redrawn on a terminal, and silent everywhere else (pipes, CI logs). */
type Progress = { tick: (done: number, total?: number) => void; finish: () => void };

const REDRAW_MS = 200;

export const progressLine = (stream: NodeJS.WriteStream, label: string, now: () => number = Date.now): Progress => {
  if (!stream.isTTY) return { tick: () => undefined, finish: () => undefined };
  const started = now();
  let lastDraw = 0;
  const draw = (done: number, total?: number) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = done / seconds;
    const eta = total !== undefined && rate > 0 ? ` ETA ${Math.ceil((total - done) / rate)}s` : '';
    const of = total !== undefined ? `/${total}` : '';
    stream.write(`\r\x1b[K${label}: ${done}${of} (${Math.round(rate)}/s)${eta}`);
  };
  let last: [number, number | undefined] = [0, undefined];
  return {
    tick: (done, total) => {
      last = [done, total];
      if (now() - lastDraw < REDRAW_MS) return;
      lastDraw = now();
      draw(done, total);
    },
    finish: () => {
      draw(...last);
      stream.write('\n');
    },
  };
};
