import * as clack from '@clack/prompts';

/** Output for commands: clack's guided UI on a terminal, plain lines everywhere else. */
export interface Ui {
  intro(title: string): void;
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  outro(message: string): void;
  /** Runs `work` with a progress indicator; on a pipe it prints a line every `heartbeatMs`. */
  task<T>(title: string, work: () => Promise<T>, options?: { heartbeatMs?: number }): Promise<T>;
}

export function createUi(interactive: boolean, streams = { out: process.stdout, err: process.stderr }): Ui {
  if (interactive) {
    return {
      intro: (title) => clack.intro(title),
      info: (message) => clack.log.info(message),
      warn: (message) => clack.log.warn(message),
      success: (message) => clack.log.success(message),
      outro: (message) => clack.outro(message),
      async task(title, work) {
        const spinner = clack.spinner();
        spinner.start(title);
        const started = Date.now();
        try {
          const result = await work();
          spinner.stop(`${title} (done in ${seconds(started)})`);
          return result;
        } catch (error) {
          spinner.error(`${title} (failed after ${seconds(started)})`);
          throw error;
        }
      },
    };
  }
  const line = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);
  return {
    intro: (title) => line(streams.out, title),
    info: (message) => line(streams.out, message),
    warn: (message) => line(streams.err, `warning: ${message}`),
    success: (message) => line(streams.out, message),
    outro: (message) => line(streams.out, message),
    async task(title, work, options = {}) {
      line(streams.out, `${title}...`);
      const started = Date.now();
      const heartbeat = setInterval(() => line(streams.out, `  still working (${seconds(started)})`), options.heartbeatMs ?? 15_000);
      try {
        const result = await work();
        line(streams.out, `${title}: done in ${seconds(started)}`);
        return result;
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
