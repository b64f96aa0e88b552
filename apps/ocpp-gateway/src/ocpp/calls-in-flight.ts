/**
 * The message ids of the CALLs in flight on one connection, each with a value. OCPP-J allows one CALL in
 * flight each way, so there are seldom more than two: those two are held in fields, and a Map is made
 * only for more. A Map or Set that goes from one entry back to none allocates a new table on the delete
 * (in the old generation, where a connection's Map lives), so with a Map per connection every message
 * left a table behind for the next full collection.
 */
export class CallsInFlight<V> {
  private id1: string | undefined;
  private value1: V | undefined;
  private id2: string | undefined;
  private value2: V | undefined;
  private more: Map<string, V> | undefined;

  has(id: string): boolean {
    return id === this.id1 || id === this.id2 || (this.more?.has(id) ?? false);
  }

  /** Adds `id` with `value`, or gives it that value if it is in flight already. */
  set(id: string, value: V): void {
    if (id === this.id1) this.value1 = value;
    else if (id === this.id2) this.value2 = value;
    else if (this.more?.has(id)) this.more.set(id, value);
    else if (this.id1 === undefined) {
      this.id1 = id;
      this.value1 = value;
    } else if (this.id2 === undefined) {
      this.id2 = id;
      this.value2 = value;
    } else (this.more ??= new Map()).set(id, value);
  }

  /** Removes `id`, answering its value (undefined if it was not in flight). */
  take(id: string): V | undefined {
    let value: V | undefined;
    if (id === this.id1) {
      value = this.value1;
      this.id1 = this.value1 = undefined;
    } else if (id === this.id2) {
      value = this.value2;
      this.id2 = this.value2 = undefined;
    } else if (this.more?.has(id)) {
      value = this.more.get(id);
      this.more.delete(id);
    }
    return value;
  }

  get size(): number {
    return (this.id1 === undefined ? 0 : 1) + (this.id2 === undefined ? 0 : 1) + (this.more?.size ?? 0);
  }
}
