/**
 * The host's total of bytes sent to the browser and not yet credited back, across all streams
 * of one connection (limits.maxBufferedBytesTotal). Per-stream credit bounds each stream; this
 * bounds their sum, so many streams cannot together fill the browser's (or our) memory.
 */
export interface BudgetWaiter {
  budgetAvailable(): void;
}

export class SendBudget {
  private outstanding = 0;
  private readonly waiting = new Set<BudgetWaiter>();

  constructor(private readonly limit: number) {}

  get exhausted(): boolean {
    return this.outstanding >= this.limit;
  }

  get bytes(): number {
    return this.outstanding;
  }

  spend(bytes: number): void {
    this.outstanding += bytes;
  }

  refund(bytes: number): void {
    this.outstanding -= bytes;
    if (this.exhausted || this.waiting.size === 0) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const waiter of waiting) waiter.budgetAvailable();
  }

  wait(waiter: BudgetWaiter): void {
    this.waiting.add(waiter);
  }

  forget(waiter: BudgetWaiter): void {
    this.waiting.delete(waiter);
  }
}
