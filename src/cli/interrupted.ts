/** Raised when SIGINT/SIGTERM arrives before there is a client to close. */
export class InterruptedError extends Error {
  constructor(readonly exitCode: number) {
    super('interrupted');
    this.name = 'InterruptedError';
  }
}
