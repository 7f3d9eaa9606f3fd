// The server's open connections as a list linked through the connections
// themselves: adding and removing one (once per request on uws) is two
// pointer writes, and an open connection costs no hash-table entry.

/** What the list needs of a member: its two links, written only by OpenConnections. */
export interface Linked<T> {
  prevOpen: T | null;
  nextOpen: T | null;
}

export class OpenConnections<T extends Linked<T>> implements Iterable<T> {
  private head: T | null = null;
  size = 0;

  add(member: T): void {
    const head = this.head;
    member.prevOpen = null;
    member.nextOpen = head;
    if (head !== null) head.prevOpen = member;
    this.head = member;
    this.size++;
  }

  private has(member: T): boolean {
    return member.prevOpen !== null || this.head === member;
  }

  /**
   * A removed member keeps its next link, so a walk standing on it goes on to
   * what followed it; only new members are added, at the head, behind any walk.
   */
  delete(member: T): void {
    if (!this.has(member)) return;
    const prev = member.prevOpen;
    const next = member.nextOpen;
    if (prev === null) this.head = next;
    else prev.nextOpen = next;
    if (next !== null) next.prevOpen = prev;
    member.prevOpen = null;
    this.size--;
  }

  /** Members as of each step: one removed meanwhile (by the loop's own body too) is skipped. */
  *[Symbol.iterator](): Iterator<T> {
    let member = this.head;
    while (member !== null) {
      const next = member.nextOpen;
      if (this.has(member)) yield member;
      member = next;
    }
  }
}
