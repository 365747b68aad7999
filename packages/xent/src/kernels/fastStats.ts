/**
 * Counters for tests, so that they can tell which path a call took: `inPlace`, crossEntropy calls that
 * ran in place on tensors in the kernels' shared memory; `direct`, calls that took a direct lane
 * (crossEntropyDirect, bceDirect).
 */
export const fastStats = { inPlace: 0, direct: 0 };
