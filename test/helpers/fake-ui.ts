import type { Ui } from '../../src/core/ui.js';

/** A Ui that records every message by kind and runs tasks directly. */
export function fakeUi() {
  const messages: { kind: 'intro' | 'info' | 'warn' | 'success' | 'outro' | 'task'; text: string }[] = [];
  const ui: Ui = {
    intro: (text) => messages.push({ kind: 'intro', text }),
    info: (text) => messages.push({ kind: 'info', text }),
    warn: (text) => messages.push({ kind: 'warn', text }),
    success: (text) => messages.push({ kind: 'success', text }),
    outro: (text) => messages.push({ kind: 'outro', text }),
    async task(title, work) {
      messages.push({ kind: 'task', text: title });
      return work();
    },
  };
  return { ui, messages };
}
