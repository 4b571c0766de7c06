import { Writable } from 'node:stream';

/** A writable stream that keeps everything written to it as text. */
export class CaptureStream extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    callback();
  }
}
