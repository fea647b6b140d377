/**
 * The host's log: stderr (Chrome discards it) and, when TORRENTEDGE_HOST_LOG names a file,
 * that file. Secrets registered with redact() are replaced before any line is written, so a
 * mistaken log call cannot leak one.
 */
import { appendFileSync } from 'node:fs';

export class HostLog {
  private readonly secrets: string[] = [];

  constructor(private readonly file: string | undefined = process.env['TORRENTEDGE_HOST_LOG']) {}

  redact(secret: string): void {
    this.secrets.push(secret);
  }

  info(message: string): void {
    this.write('info', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  private write(level: string, message: string): void {
    let text = message;
    for (const secret of this.secrets) text = text.split(secret).join('[redacted]');
    const line = `${new Date().toISOString()} ${level} ${text}\n`;
    try {
      process.stderr.write(line);
      if (this.file) appendFileSync(this.file, line, { mode: 0o600 });
    } catch {
      // Logging must never take the relay down.
    }
  }
}
