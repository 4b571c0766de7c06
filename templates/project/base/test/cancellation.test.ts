import { describe, expect, it } from 'vitest';
import { CallCancellation, cancellationOf } from '../src/platform/cancellation.js';

describe('call cancellation', () => {
  it('makes its signal only when asked, already aborted when the call was cancelled before', () => {
    const cancellation = new CallCancellation();
    cancellation.cancel();
    expect(cancellation.cancelled).toBe(true);
    expect(cancellation.signal.aborted).toBe(true);
  });

  it("tells the handler's signal listeners first, then the pipeline's, each once", () => {
    const cancellation = new CallCancellation();
    const heard: string[] = [];
    cancellation.signal.addEventListener('abort', () => heard.push('handler'));
    cancellation.onCancel(() => heard.push('pipeline'));
    const stop = cancellation.onCancel(() => heard.push('stopped listener'));
    stop();
    cancellation.cancel();
    cancellation.cancel();
    expect(heard).toEqual(['handler', 'pipeline']);
  });

  it('follows a signal it was given', () => {
    const controller = new AbortController();
    const cancellation = cancellationOf(controller.signal);
    const heard: string[] = [];
    cancellation.onCancel(() => heard.push('kept'));
    cancellation.onCancel(() => heard.push('stopped'))();
    expect(cancellation.cancelled).toBe(false);
    controller.abort();
    expect(cancellation.cancelled).toBe(true);
    expect(cancellation.signal).toBe(controller.signal);
    expect(heard).toEqual(['kept']);
  });
});
