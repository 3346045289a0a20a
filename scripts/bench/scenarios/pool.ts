/** One value per worker (a container's clients), created on first use and kept across measurements. */
export class Pool<T> {
  private readonly items: T[] = [];

  constructor(
    private readonly create: (index: number) => T,
    private readonly dispose: (item: T) => Promise<void>,
  ) {}

  get(index: number): T {
    while (this.items.length <= index) this.items.push(this.create(this.items.length));
    return this.items[index]!;
  }

  async close(): Promise<void> {
    await Promise.all(this.items.splice(0).map((item) => this.dispose(item)));
  }
}
