/**
 * One fetch at a time: `run()` starts the task, or, while one is under way, marks that another
 * is wanted, so a burst of COP incident changes costs one request in flight and one after it.
 */
export class Refresher {
  private running = false;
  private again = false;

  constructor(private readonly task: () => Promise<void>) {}

  run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.task().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.run();
      }
    });
  }
}
