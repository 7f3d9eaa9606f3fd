// Progress on stderr while a tool runs: one line rewritten in place on a
// terminal; elsewhere (CI logs, pipes) a line at every tenth of the way, so
// logs stay short. Notes (a target started, a suite skipped) always print.

export interface ProgressLine {
  /** "<label> <done>/<total> (<percent>%)<suffix>". */
  update(done: number, total: number, label: string, suffix?: string): void;
  /** A line of its own, kept above the progress line. */
  note(line: string): void;
  /** Clears the progress line. */
  end(): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr, quiet = false): ProgressLine {
  const tty = stream.isTTY === true;
  let shown = '';
  let lastTenth = -1;
  const clear = () => {
    if (tty && shown) stream.write('\r\x1b[K');
    shown = '';
  };
  return {
    update(done, total, label, suffix = '') {
      if (quiet) return;
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      const line = `${label} ${done}/${total} (${percent}%)${suffix}`;
      if (tty) {
        const width = (stream.columns ?? 100) - 1;
        clear();
        shown = line.length > width ? line.slice(0, width - 1) + '…' : line;
        stream.write(shown);
        return;
      }
      const tenth = Math.floor(percent / 10);
      if (tenth !== lastTenth || done === total) {
        lastTenth = tenth;
        stream.write(line + '\n');
      }
    },
    note(line) {
      if (quiet) return;
      const keep = shown;
      clear();
      stream.write(line + '\n');
      if (tty && keep) {
        shown = keep;
        stream.write(keep);
      }
    },
    end() {
      clear();
    },
  };
}

/** A plain-text table for the terminal: columns padded, numbers right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d.,×%–\- ]+[a-zA-Z/%×]*$|^–$|^$/.test(r[i] ?? '')));
  const format = (cells: string[]) => cells.map((c, i) => (numeric[i] && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [format(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}
