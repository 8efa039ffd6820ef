/**
 * Dynamic batching: the rows of requests that arrive while the model is busy are scored by one
 * session.run. onnxruntime-node runs a model synchronously on the JS thread (its `run` is a
 * setImmediate around a native call), so with 32 clients each waiting request would otherwise pay
 * a whole run of its own; one run of 32 rows costs little more than one of 1 row. A lone request
 * is not delayed: the queue is flushed on the next turn of the event loop.
 *
 * Plumb's exported models score each row independently (row-wise preprocessing, then linear or
 * tree estimators), so a row's answer does not depend on its batch mates. If a batch fails, each
 * request is retried alone, so one request's failure is never charged to another.
 */
export class MicroBatcher<Row, Answer> {
  private queue: { rows: readonly Row[]; resolve: (a: Answer[]) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly run: (rows: readonly Row[]) => Promise<Answer[]>,
    private readonly maxRows = 1024,
  ) {}

  predict(rows: readonly Row[]): Promise<Answer[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const waiting = this.queue;
    this.queue = [];
    // Requests in arrival order, cut into batches of at most maxRows (a big request goes alone).
    let batch: typeof waiting = [];
    let size = 0;
    const batches: (typeof waiting)[] = [];
    for (const w of waiting) {
      if (batch.length > 0 && size + w.rows.length > this.maxRows) {
        batches.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(w);
      size += w.rows.length;
    }
    if (batch.length > 0) batches.push(batch);
    await Promise.all(batches.map((b) => this.runBatch(b)));
  }

  private async runBatch(batch: typeof this.queue): Promise<void> {
    if (batch.length === 1) {
      await this.run(batch[0].rows).then(batch[0].resolve, batch[0].reject);
      return;
    }
    let answers: Answer[];
    try {
      answers = await this.run(batch.flatMap((b) => b.rows));
    } catch {
      await Promise.all(batch.map((b) => this.run(b.rows).then(b.resolve, b.reject)));
      return;
    }
    let at = 0;
    for (const b of batch) {
      b.resolve(answers.slice(at, at + b.rows.length));
      at += b.rows.length;
    }
  }
}
