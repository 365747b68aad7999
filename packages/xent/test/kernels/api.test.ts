/**
 * The public controls of src/kernels/api.ts: configureKernels and allocTensor read their options and
 * arguments strictly, and their errors name the function, the argument, what came and what was expected.
 */
import { test } from 'node:test';
import { allocTensor, configureKernels, kernelInfo } from '../../src/index.ts';
import { throwsWith } from '../support/throws.ts';

test('configureKernels(options) throws naming the option for a non-object, an unknown key or a value of the wrong type', () => {
  const before = kernelInfo();
  throwsWith(
    () => configureKernels(null as never),
    TypeError,
    /^configureKernels: options must be an object, got null/,
  );
  throwsWith(
    () => configureKernels({ thread: 2 } as never),
    TypeError,
    /^configureKernels: unknown option "thread"; the options are wasm, threads, threadThreshold$/,
  );
  // 'false' is truthy: it must not switch WebAssembly on (or anything else)
  throwsWith(
    () => configureKernels({ wasm: 'false' as never }),
    TypeError,
    /^configureKernels: options.wasm must be true or false, got "false"/,
  );
  throwsWith(
    () => configureKernels({ threads: '2' as never }),
    RangeError,
    /^configureKernels: options.threads must be an integer in \[0, 64\], got "2"/,
  );
  throwsWith(
    () => configureKernels({ threadThreshold: -1 }),
    RangeError,
    /^configureKernels: options.threadThreshold must be a non-negative integer, got -1/,
  );
  // Nothing changed by the calls that threw; no argument reads the settings.
  const after = configureKernels();
  if (JSON.stringify(after) !== JSON.stringify(before))
    throw new Error(`${JSON.stringify(after)} != ${JSON.stringify(before)}`);
});

test('allocTensor(shape, dtype, options) throws naming the argument for a bad shape, dtype or option, and a size past the runtime', () => {
  throwsWith(
    () => allocTensor(3 as never),
    TypeError,
    /^allocTensor: shape must be an array of dimensions, got 3/,
  );
  throwsWith(
    () => allocTensor(['3'] as never),
    RangeError,
    /^allocTensor: shape \["3"\] must hold non-negative integers, got "3"/,
  );
  throwsWith(
    () => allocTensor([2], 'int32' as never),
    TypeError,
    /^allocTensor: dtype must be 'float32' or 'float64', got "int32"/,
  );
  throwsWith(
    () => allocTensor([2], 'float32', { shared: 1 as never }),
    TypeError,
    /^allocTensor: options.shared must be true or false, got 1/,
  );
  throwsWith(
    () => allocTensor([2], 'float32', { share: true } as never),
    TypeError,
    /^allocTensor: unknown option "share"/,
  );
  throwsWith(
    () => allocTensor([1e10], 'float64'),
    RangeError,
    /^allocTensor: shape \[10000000000\] holds 10000000000 values \(74\.5 GiB as float64\), more than this runtime allocates/,
  );
});
