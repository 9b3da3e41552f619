/**
 * An intrusive doubly linked list, least recently moved first: append, unlink and move-to-the-end are O(1) and allocate
 * nothing (a Map's delete + set to reorder rehashes as it churns, which a connection's every answer would pay).
 * An item is in at most one list at a time.
 */
export interface Linked<T> {
  prev?: T;
  next?: T;
}

export class RecencyList<T extends Linked<T>> {
  private head?: T;
  private tail?: T;
  size = 0;

  has(item: T): boolean {
    return item.prev !== undefined || this.head === item;
  }

  /** Appends an item that is in no list. */
  push(item: T): void {
    item.prev = this.tail;
    item.next = undefined;
    if (this.tail) this.tail.next = item;
    else this.head = item;
    this.tail = item;
    this.size++;
  }

  /** Removes an item of this list. */
  unlink(item: T): void {
    if (item.prev) item.prev.next = item.next;
    else this.head = item.next;
    if (item.next) item.next.prev = item.prev;
    else this.tail = item.prev;
    item.prev = item.next = undefined;
    this.size--;
  }

  /** Moves an item of this list to its end (the most recent). */
  moveToEnd(item: T): void {
    if (this.tail === item) return;
    this.unlink(item);
    this.push(item);
  }

  /** Oldest first; the item given may be unlinked before the next is asked for. */
  *[Symbol.iterator](): Generator<T> {
    for (let item = this.head; item; ) {
      const next: T | undefined = item.next;
      yield item;
      item = next;
    }
  }
}
