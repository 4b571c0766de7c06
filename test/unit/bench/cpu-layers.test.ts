import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the benchmark, without type declarations
import { layersFromScript, layersTable } from '../../../scripts/bench/http/cpu-layers.mjs';

// Stacks as `perf script -F ip,sym,dso` prints them: leaf first, a blank line between samples.
const sample = (...frames: string[]) => frames.map((frame, i) => `\t${(0xffff0000 + i).toString(16)} ${frame}`).join('\n');
const kernel = (symbol: string) => `${symbol}+0x1f ([kernel.kallsyms])`;
const SYSCALL_ENTRY = [kernel('do_syscall_64'), kernel('entry_SYSCALL_64_after_hwframe')];

const script = [
  // fsync through its own handler symbol, from SQLite's commit
  sample(kernel('iowrite16'), kernel('ext4_sync_file'), kernel('__x64_sys_fsync'), ...SYSCALL_ENTRY, 'fsync+0x12 (/usr/lib/x86_64-linux-gnu/libc.so.6)'),
  // writev, whose handler is inlined into do_writev, with loopback delivery in a softirq below it
  sample(
    kernel('tcp_ack'),
    kernel('handle_softirqs'),
    kernel('tcp_sendmsg'),
    kernel('do_writev'),
    ...SYSCALL_ENTRY,
    '__GI___writev+0x1d (/usr/lib/x86_64-linux-gnu/libc.so.6)',
  ),
  sample(kernel('ksys_read'), ...SYSCALL_ENTRY),
  sample(kernel('schedule'), kernel('exit_to_user_mode_loop'), ...SYSCALL_ENTRY),
  sample(kernel('__x64_sys_pwrite64'), kernel('x64_sys_call'), ...SYSCALL_ENTRY),
  // an interrupt that landed in user code: no system call on the stack
  sample(kernel('_raw_spin_unlock_irqrestore'), kernel('asm_common_interrupt'), 'Builtins_LoadIC+0x40 (/usr/bin/node)'),
  sample('sqlite3VdbeExec+0x99 (/work/project/node_modules/better-sqlite3/build/Release/better_sqlite3.node)', 'Statement::JS_run+0x1 (/usr/bin/node)'),
  sample('sqlite3VdbeExec+0x99 (/work/project/node_modules/better-sqlite3/build/Release/better_sqlite3.node)'),
  sample('v8::internal::Scavenger::ScavengePage+0x10 (/usr/bin/node)'),
  sample('LazyCompile:*handleToolCall file:///srv/dist/platform/pipeline.js:29 (/tmp/perf-4242.map)'),
  sample('[unknown] ([unknown])'),
  sample('__memmove_avx512_unaligned_erms+0x20 (/usr/lib/x86_64-linux-gnu/libc.so.6)'),
  sample('std::__detail::_Prime_rehash_policy+0x3 (/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30)'),
].join('\n\n');

describe('bench:http CPU by layer', () => {
  it('puts each sample under the system call it is in, or the library of its leaf frame', () => {
    expect(Object.fromEntries(layersFromScript(script))).toEqual({
      'kernel: fsync': 1,
      'kernel: writev': 1,
      'kernel: read': 1,
      'kernel: pwrite64': 1,
      'kernel: interrupts, scheduling, other': 2,
      'SQLite (better-sqlite3)': 2,
      'V8 and Node.js (C++, builtins, GC)': 1,
      'JavaScript (JIT code)': 2,
      'libc (copies, malloc)': 1,
      'other: libstdc++.so.6.0.30': 1,
    });
  });

  it('prints µs per request by layer, folding the layers that stay under 0.5 µs in every column into one line', () => {
    const table = layersTable([
      {
        name: 'create c=1',
        layers: [
          { layer: 'kernel: fsync', us: 80 },
          { layer: 'kernel: brk', us: 0.2 },
          { layer: 'kernel: mmap', us: 0.1 },
        ],
      },
      {
        name: 'search c=1',
        layers: [
          { layer: 'kernel: brk', us: 0.4 },
          { layer: 'kernel: read', us: 3.5 },
        ],
      },
    ]);
    expect(table.split('\n')).toEqual([
      '| µs of CPU per request | create c=1 | search c=1 |',
      '|---|---:|---:|',
      '| kernel: fsync | 80.0 | 0.0 |',
      '| kernel: read | 0.0 | 3.5 |',
      '| 2 more, each under 0.5 µs | 0.3 | 0.4 |',
      '| **total** | 80.3 | 3.9 |',
    ]);
  });
});
