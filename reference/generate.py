#!/usr/bin/env python3
"""Generates PyTorch reference cases for the xent library, in the format of reference/README.md.

    /usr/bin/python3 reference/generate.py [--out reference/generated] [--seed 1]
    /usr/bin/python3 reference/generate.py --verify reference     # recompute existing cases, compare

One JSON file per public function: an array of cases {fn, dtype, input, target, options, loss, grad}
or {fn, dtype, input, target, options, error: true, torchError}. Every value is computed by PyTorch
(1.13, Debian's python3-torch) in float64; gradients come from autograd (for reduction 'none' and for
a result that is not a scalar, the gradient of the sum). Activations (softmax, logSoftmax, logSumExp,
sigmoid, logSigmoid) record "grad": null, as the shipped cases do.

Each case is emitted twice: dtype "float64", and dtype "float32" with the input, the float targets and
the weights rounded to float32 first (the expected values are still computed in float64 from those
rounded values).

Deterministic: one torch.Generator seeded with --seed draws every random value, in a fixed order.

--verify DIR recomputes every case of DIR/*.json with the same code and reports disagreements: a
check of this generator against another set of cases (e.g. the shipped reference/*.json).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import warnings

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
warnings.filterwarnings('ignore')  # kl_div 'mean', broadcasting notices: the cases record the outcome

REDUCTIONS = ('mean', 'sum', 'none')
MAX_FILE_BYTES = 1_000_000


class XentError(Exception):
    """An input PyTorch accepts but the library must reject (see the README's departures)."""


# --------------------------------------------------------------------------------------------------
# The functions, in torch float64. Each takes the input (requires_grad), the target (or None) and the
# options with weights as tensors, and returns the result tensor.
# --------------------------------------------------------------------------------------------------


def _reduction(o, default='mean'):
    return o.get('reduction', default)


def _label_smoothing(o):
    ls = o.get('labelSmoothing', 0.0)
    # Departure from PyTorch 1.13, which accepts a negative label_smoothing silently.
    if ls < 0:
        raise XentError('label_smoothing must be between 0.0 and 1.0')
    return ls


def t_cross_entropy(x, t, o):
    return F.cross_entropy(
        x,
        t,
        weight=o.get('weight'),
        ignore_index=o.get('ignoreIndex', -100),
        reduction=_reduction(o),
        label_smoothing=_label_smoothing(o),
    )


def t_nll_loss(x, t, o):
    return F.nll_loss(
        x, t, weight=o.get('weight'), ignore_index=o.get('ignoreIndex', -100), reduction=_reduction(o)
    )


def t_bce(x, t, o):
    return F.binary_cross_entropy(x, t, weight=o.get('weight'), reduction=_reduction(o))


def t_bce_logits(x, t, o):
    return F.binary_cross_entropy_with_logits(
        x, t, weight=o.get('weight'), pos_weight=o.get('posWeight'), reduction=_reduction(o)
    )


def t_multilabel(x, t, o):
    return F.multilabel_soft_margin_loss(x, t, weight=o.get('weight'), reduction=_reduction(o))


def t_mse(x, t, o):
    return F.mse_loss(x, t, reduction=_reduction(o))


def t_kl_div(x, t, o):
    return F.kl_div(x, t, reduction=_reduction(o), log_target=o.get('logTarget', False))


def focal_elementwise(x, t, alpha, gamma):
    """torchvision.ops.sigmoid_focal_loss (0.14) before its reduction, written out in torch."""
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction='none')
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * t + (1 - alpha) * (1 - t)
        loss = alpha_t * loss
    return loss


def t_focal(x, t, o):
    reduction = _reduction(o, 'none')
    loss = focal_elementwise(x, t, o.get('alpha', 0.25), o.get('gamma', 2.0))
    if reduction == 'none':
        return loss
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    raise ValueError(
        f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'"
    )


def t_softmax(x, _t, o):
    return torch.softmax(x, dim=o['axis'])


def t_log_softmax(x, _t, o):
    return torch.log_softmax(x, dim=o['axis'])


def t_logsumexp(x, _t, o):
    return torch.logsumexp(x, dim=o['axis'])


def t_sigmoid(x, _t, _o):
    return torch.sigmoid(x)


def t_log_sigmoid(x, _t, _o):
    return F.logsigmoid(x)


# fn -> (torch function, whether the case records a gradient)
FUNCTIONS = {
    'softmax': (t_softmax, False),
    'logSoftmax': (t_log_softmax, False),
    'logSumExp': (t_logsumexp, False),
    'sigmoid': (t_sigmoid, False),
    'logSigmoid': (t_log_sigmoid, False),
    'crossEntropy': (t_cross_entropy, True),
    'nllLoss': (t_nll_loss, True),
    'binaryCrossEntropy': (t_bce, True),
    'binaryCrossEntropyWithLogits': (t_bce_logits, True),
    'multilabelSoftMarginLoss': (t_multilabel, True),
    'mseLoss': (t_mse, True),
    'klDiv': (t_kl_div, True),
    'sigmoidFocalLoss': (t_focal, True),
}

ACTIVATIONS = ('softmax', 'logSoftmax', 'logSumExp', 'sigmoid', 'logSigmoid')
WEIGHT_KEYS = ('weight', 'posWeight')

# --------------------------------------------------------------------------------------------------
# JSON encoding
# --------------------------------------------------------------------------------------------------


def enc_num(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    v = float(v)
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return v


def dec_num(v):
    return float(v) if isinstance(v, str) else v


def enc_tensor(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        data = [int(v) for v in t.reshape(-1).tolist()]
    else:
        data = [enc_num(v) for v in t.reshape(-1).tolist()]
    return {'shape': list(t.shape), 'data': data}


def enc_weight(w):
    """A 1-d weight as a flat list (as in the shipped cases); any other shape as {shape, data}."""
    if w.dim() == 1:
        return [enc_num(v) for v in w.tolist()]
    return enc_tensor(w)


def dec_tensor(j, dtype=torch.float64):
    data = [dec_num(v) for v in j['data']]
    return torch.tensor(data, dtype=dtype).reshape(j['shape'])


def to_f32(t):
    """Round a float64 tensor to float32 values (kept as float64)."""
    return t.to(torch.float32).to(torch.float64)


# --------------------------------------------------------------------------------------------------
# Running one case
# --------------------------------------------------------------------------------------------------


def evaluate(fn_impl, with_grad, x, target, options):
    """Runs the case; returns ('ok', loss tensor, grad tensor | None) or ('error', message)."""
    xr = x.clone().requires_grad_(True)
    try:
        out = fn_impl(xr, target, options)
    except XentError as e:
        return ('error', str(e))
    except Exception as e:  # noqa: BLE001 -- any PyTorch rejection is the expected outcome
        return ('error', f'{type(e).__name__}: {e}')
    grad = None
    if with_grad:
        if out.requires_grad:
            (g,) = torch.autograd.grad(out.sum(), xr, allow_unused=True)
        else:
            g = None
        grad = torch.zeros_like(x) if g is None else g.detach()
    return ('ok', out.detach(), grad)


def encode_result(result, tensor_result=False):
    if result[0] == 'error':
        return {'error': True, 'torchError': result[1]}
    _, out, grad = result
    # A loss's 0-d result (any reduction, or 'none' of an unbatched input) is recorded as a number, an
    # activation's as a tensor of shape [] (as in the shipped cases).
    loss = enc_num(out.item()) if out.dim() == 0 and not tensor_result else enc_tensor(out)
    return {'loss': loss, 'grad': None if grad is None else enc_tensor(grad)}


def make_case(fn, dtype, x, target, options, *, functions=FUNCTIONS):
    """x: float64 tensor; target: float64 / int64 tensor or None; options: JSON-style keys, weights as
    tensors. For float32, the input, float targets and weights are rounded to float32 first."""
    fn_impl, with_grad = functions[fn]
    if dtype == 'float32':
        x = to_f32(x)
        if target is not None and target.is_floating_point():
            target = to_f32(target)
        options = {k: (to_f32(v) if k in WEIGHT_KEYS and torch.is_tensor(v) else v) for k, v in options.items()}
    case = {
        'fn': fn,
        'dtype': dtype,
        'input': enc_tensor(x),
        'target': None if target is None else enc_tensor(target),
        'options': {k: (enc_weight(v) if torch.is_tensor(v) else v) for k, v in options.items()},
    }
    case.update(encode_result(evaluate(fn_impl, with_grad, x, target, options), fn in ACTIVATIONS))
    return case


# --------------------------------------------------------------------------------------------------
# Case builder: draws values from one seeded generator, emits each spec in both dtypes
# --------------------------------------------------------------------------------------------------


class Builder:
    def __init__(self, seed, functions=FUNCTIONS):
        self.g = torch.Generator().manual_seed(seed)
        self.functions = functions
        self.cases = {}

    # random values
    def randn(self, *shape, scale=1.0):
        return torch.randn(shape, generator=self.g, dtype=torch.float64) * scale

    def rand(self, *shape, low=0.0, high=1.0):
        return low + (high - low) * torch.rand(shape, generator=self.g, dtype=torch.float64)

    def randint(self, high, shape):
        return torch.randint(0, high, tuple(shape), generator=self.g, dtype=torch.int64)

    def weights(self, *shape, low=0.1, high=2.0):
        return self.rand(*shape, low=low, high=high)

    def probs(self, shape, axis):
        """Random distributions along `axis` (strictly positive, summing to 1)."""
        return torch.softmax(self.randn(*shape) * 1.5, dim=axis)

    def binary(self, *shape):
        return (torch.rand(shape, generator=self.g, dtype=torch.float64) < 0.5).to(torch.float64)

    def mask(self, shape, p):
        return torch.rand(tuple(shape), generator=self.g, dtype=torch.float64) < p

    # emitting
    def add(self, fn, x, target, options, dtypes=('float64', 'float32')):
        for dtype in dtypes:
            self.cases.setdefault(fn, []).append(
                make_case(fn, dtype, x, target, options, functions=self.functions)
            )


def t_(values, dtype=torch.float64):
    return torch.tensor(values, dtype=dtype)


INF = math.inf
NAN = math.nan


# --------------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------------

# (input shape, target shape) for class-index losses; the class axis is 1, or 0 for an unbatched (C).
CLASS_SHAPES = [(5,), (4, 3), (5, 6), (3, 4, 5), (2, 3, 2, 3), (1, 1), (8, 2)]


def class_axis(shape):
    return 0 if len(shape) == 1 else 1


def index_shape(shape):
    ax = class_axis(shape)
    return shape[:ax] + shape[ax + 1 :]


def ignored_targets(b, shape, value, p=0.35):
    """Random class indices for input `shape` with some (at least one) set to `value`, and, when there
    is more than one element, at least one left."""
    C = shape[class_axis(shape)]
    t = b.randint(C, index_shape(shape))
    m = b.mask(t.shape, p)
    flat = m.reshape(-1)
    if flat.numel() > 0:
        flat[0] = True
        if flat.numel() > 1:
            flat[-1] = False
    t = t.clone()
    t[m] = value
    return t


def class_targets_with(b, shape, k):
    """Random class indices where some (at least one) equal class k."""
    return ignored_targets(b, shape, k)


def index_option_sets(b, shape, with_ls):
    """(options, target) pairs covering weight, ignoreIndex (-100 default and explicit, -1, a valid
    class) and labelSmoothing, for index targets."""
    C = shape[class_axis(shape)]
    k = C - 1 if C > 1 else 0
    sets = []
    sets.append(({}, b.randint(C, index_shape(shape))))
    sets.append(({'weight': b.weights(C)}, b.randint(C, index_shape(shape))))
    sets.append(({}, ignored_targets(b, shape, -100)))  # the default ignoreIndex
    sets.append(({'ignoreIndex': -100, 'weight': b.weights(C)}, ignored_targets(b, shape, -100)))
    sets.append(({'ignoreIndex': -1}, ignored_targets(b, shape, -1)))
    sets.append(({'ignoreIndex': k, 'weight': b.weights(C)}, class_targets_with(b, shape, k)))
    if with_ls:
        sets.append(({'labelSmoothing': 0.1}, b.randint(C, index_shape(shape))))
        sets.append(({'weight': b.weights(C), 'labelSmoothing': 0.25}, b.randint(C, index_shape(shape))))
        sets.append(
            ({'weight': b.weights(C), 'ignoreIndex': -1, 'labelSmoothing': 0.3}, ignored_targets(b, shape, -1))
        )
        sets.append(({'ignoreIndex': 0, 'labelSmoothing': 1.0}, class_targets_with(b, shape, 0)))
    else:
        sets.append(({'ignoreIndex': -1, 'weight': b.weights(C)}, ignored_targets(b, shape, -1)))
    return sets


def gen_cross_entropy(b):
    fn = 'crossEntropy'
    for shape in CLASS_SHAPES:
        ax = class_axis(shape)
        C = shape[ax]
        # class-index targets
        for opts, target in index_option_sets(b, shape, True):
            for r in REDUCTIONS:
                b.add(fn, b.randn(*shape), target, {'reduction': r, **opts})
        # probability targets (ignoreIndex does not apply to them)
        for opts in ({}, {'weight': b.weights(C)}, {'labelSmoothing': 0.2}, {'weight': b.weights(C), 'labelSmoothing': 0.05}):
            target = b.probs(shape, ax)
            for r in REDUCTIONS:
                b.add(fn, b.randn(*shape), target, {'reduction': r, **opts})
    # a probability target that does not sum to 1, and one with zeros
    target = t_([[0.5, 0.7, 0.0], [0.0, 0.0, 1.0], [0.2, 0.2, 0.2]])
    for r in REDUCTIONS:
        b.add(fn, b.randn(3, 3), target, {'reduction': r, 'labelSmoothing': 0.1})
        b.add(fn, b.randn(3, 3), target, {'reduction': r, 'weight': b.weights(3)})
    # large logits: |x| ~ 1e2 and 1e4
    for scale in (1e2, 1e4):
        for shape in ((4, 3), (3, 4, 5)):
            C = shape[1]
            for r in REDUCTIONS:
                b.add(fn, b.randn(*shape, scale=scale), b.randint(C, index_shape(shape)), {'reduction': r})
                b.add(
                    fn,
                    b.randn(*shape, scale=scale),
                    ignored_targets(b, shape, -100),
                    {'reduction': r, 'weight': b.weights(C), 'labelSmoothing': 0.1},
                )
                b.add(fn, b.randn(*shape, scale=scale), b.probs(shape, 1), {'reduction': r, 'labelSmoothing': 0.1})
    # +-Infinity and NaN logits
    specials = [
        (t_([[0.0, -INF, 1.0], [2.0, 3.0, -INF]]), t_([0, 1], torch.int64)),  # -inf off target
        (t_([[0.0, -INF, 1.0]]), t_([1], torch.int64)),  # -inf on target
        (t_([[-INF, -INF, -INF], [0.0, 1.0, 2.0]]), t_([0, 2], torch.int64)),  # a row of -inf
        (t_([[0.0, INF, 1.0]]), t_([1], torch.int64)),  # +inf
        (t_([[0.0, NAN, 1.0], [0.0, 1.0, 2.0]]), t_([0, 2], torch.int64)),  # NaN
        (t_([[0.0, NAN, 1.0], [0.0, 1.0, 2.0]]), t_([-100, 2], torch.int64)),  # NaN in an ignored row
    ]
    for x, target in specials:
        for r in REDUCTIONS:
            b.add(fn, x, target, {'reduction': r})
            b.add(fn, x, target, {'reduction': r, 'labelSmoothing': 0.2})
    # near overflow (float64 only: these values are infinite in float32), and its float32 counterpart
    for big, dtypes in ((1e308, ('float64',)), (3e38, ('float32',))):
        x = t_([[big, -big, 0.0], [800.0, 0.0, -800.0]])
        for r in REDUCTIONS:
            b.add(fn, x, t_([1, 2], torch.int64), {'reduction': r, 'labelSmoothing': 0.2}, dtypes=dtypes)
    prob_specials = [
        (t_([[0.0, -INF, 1.0], [2.0, 3.0, -INF]]), t_([[0.5, 0.0, 0.5], [0.3, 0.7, 0.0]])),
        (t_([[0.0, 5.0, NAN]]), t_([[0.2, 0.8, 0.0]])),
    ]
    for x, target in prob_specials:
        for r in REDUCTIONS:
            b.add(fn, x, target, {'reduction': r})
    # empty batches, an empty spatial dimension, every target ignored
    for r in REDUCTIONS:
        b.add(fn, torch.zeros(0, 4), torch.zeros(0, dtype=torch.int64), {'reduction': r})
        b.add(fn, torch.zeros(0, 4), torch.zeros(0, dtype=torch.int64), {'reduction': r, 'weight': b.weights(4), 'labelSmoothing': 0.2})
        b.add(fn, torch.zeros(0, 4), torch.zeros(0, 4), {'reduction': r})
        b.add(fn, torch.zeros(2, 3, 0), torch.zeros(2, 0, dtype=torch.int64), {'reduction': r})
        b.add(fn, b.randn(3, 4), t_([-100, -100, -100], torch.int64), {'reduction': r})
        b.add(fn, b.randn(3, 4), t_([-1, -1, -1], torch.int64), {'reduction': r, 'ignoreIndex': -1, 'weight': b.weights(4), 'labelSmoothing': 0.1})
        b.add(fn, b.randn(2, 4, 3), torch.full((2, 3), 2, dtype=torch.int64), {'reduction': r, 'ignoreIndex': 2})
    # zero class weights (the 'mean' divisor can be 0)
    for r in REDUCTIONS:
        b.add(fn, b.randn(3, 4), t_([0, 1, 0], torch.int64), {'reduction': r, 'weight': t_([0.0, 0.0, 1.0, 2.0])})
    # errors
    x = b.randn(3, 4)
    idx = t_([0, 1, 2], torch.int64)
    errors = [
        (x, t_([0, 4, 1], torch.int64), {}),  # index out of range
        (x, t_([0, -1, 1], torch.int64), {}),  # -1 is not the ignore index
        (x, t_([0, -100, 1], torch.int64), {'ignoreIndex': -1}),  # -100 is not ignored now
        (x, t_([0, 1.5, 1]), {}),  # not an integer
        (x, t_([0, 1], torch.int64), {}),  # batch size mismatch
        (b.randn(2, 3, 4), torch.zeros(2, 5, dtype=torch.int64), {}),  # spatial size mismatch
        (x, torch.zeros(3, 2, dtype=torch.int64), {}),  # index target with an extra dimension
        (x, idx, {'weight': t_([1.0, 2.0, 3.0])}),  # wrong weight length
        (x, idx, {'weight': t_([[1.0, 2.0, 3.0, 4.0]])}),  # weight of shape (1, C)
        (x, idx, {'labelSmoothing': 1.5}),
        (x, idx, {'labelSmoothing': -0.1}),  # accepted by PyTorch 1.13; an error here (README)
        (x, b.rand(3, 5), {}),  # probability target of the wrong shape
        (x, b.probs((3, 4), 1), {'ignoreIndex': 1}),  # ignoreIndex with probability targets
        (x, idx, {'reduction': 'bogus'}),
        (x, idx, {'reduction': 'batchmean'}),
        (t_(1.0), t_(0, torch.int64), {}),  # 0-d input
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


def gen_nll_loss(b):
    fn = 'nllLoss'
    for shape in CLASS_SHAPES:
        for opts, target in index_option_sets(b, shape, False):
            for r in REDUCTIONS:
                b.add(fn, torch.log_softmax(b.randn(*shape), class_axis(shape)), target, {'reduction': r, **opts})
    # arbitrary (not normalised) inputs, large values, specials
    for scale in (1.0, 1e2, 1e4):
        for r in REDUCTIONS:
            b.add(fn, b.randn(4, 3, scale=scale), b.randint(3, (4,)), {'reduction': r})
            b.add(fn, b.randn(2, 3, 4, scale=scale), ignored_targets(b, (2, 3, 4), -100), {'reduction': r, 'weight': b.weights(3)})
    specials = [
        (t_([[-INF, 0.0, 0.0], [NAN, -1.0, 0.0]]), t_([0, 1], torch.int64)),  # -inf taken, NaN not taken
        (t_([[INF, 0.0], [0.0, NAN]]), t_([0, 1], torch.int64)),
        (t_([[0.0, NAN], [0.0, -1.0]]), t_([-100, 1], torch.int64)),  # NaN in an ignored row
    ]
    for x, target in specials:
        for r in REDUCTIONS:
            b.add(fn, x, target, {'reduction': r})
            b.add(fn, x, target, {'reduction': r, 'weight': t_([2.0] * x.shape[1])})
    for r in REDUCTIONS:
        b.add(fn, torch.zeros(0, 4), torch.zeros(0, dtype=torch.int64), {'reduction': r})
        b.add(fn, torch.zeros(0, 3, 2), torch.zeros(0, 2, dtype=torch.int64), {'reduction': r, 'weight': b.weights(3)})
        b.add(fn, b.randn(3, 4), t_([-100, -100, -100], torch.int64), {'reduction': r, 'weight': b.weights(4)})
        b.add(fn, b.randn(3, 4), t_([0, 1, 0], torch.int64), {'reduction': r, 'weight': t_([0.0, 0.0, 1.0, 2.0])})
    x = torch.log_softmax(b.randn(3, 4), 1)
    idx = t_([0, 1, 2], torch.int64)
    errors = [
        (x, t_([0, 4, 1], torch.int64), {}),
        (x, t_([0, -1, 1], torch.int64), {}),
        (x, t_([0, -1, 1], torch.int64), {'ignoreIndex': 0}),
        (x, t_([0, 2.5, 1]), {}),
        (x, t_([0, 1], torch.int64), {}),
        (b.randn(2, 3, 4), torch.zeros(2, 3, dtype=torch.int64), {}),
        (x, idx, {'weight': t_([1.0, 2.0, 3.0, 4.0, 5.0])}),
        (x, b.probs((3, 4), 1), {}),  # nll_loss takes no probability targets
        (x, idx, {'reduction': 'bogus'}),
        (t_(1.0), t_(0, torch.int64), {}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


BINARY_SHAPES = [(6,), (4, 3), (2, 3, 4), (16, 1), ()]


def binary_weight_shapes(shape):
    """Weight shapes that broadcast against `shape` by trailing dimensions."""
    if shape == ():
        return [()]
    if len(shape) == 1:
        return [shape, (1,), ()]
    if len(shape) == 2:
        return [(shape[1],), (1, shape[1]), (shape[0], 1), shape]
    return [(shape[1], 1), (shape[2],), (1, shape[1], shape[2]), shape]


def gen_bce(b):
    fn = 'binaryCrossEntropy'
    for shape in BINARY_SHAPES:
        for r in REDUCTIONS:
            b.add(fn, torch.sigmoid(b.randn(*shape)), b.binary(*shape), {'reduction': r})
            b.add(fn, torch.sigmoid(b.randn(*shape, scale=3.0)), b.rand(*shape), {'reduction': r})
        for ws in binary_weight_shapes(shape):
            for r in REDUCTIONS:
                b.add(fn, torch.sigmoid(b.randn(*shape)), b.binary(*shape), {'reduction': r, 'weight': b.weights(*ws)})
    # boundaries: 0, 1, tiny, 1 - ulp; the log clamp at -100
    x = t_([0.0, 1.0, 1e-20, 1 - 2**-53, 0.5, 1e-300, 2**-24])
    for target in (t_([1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]), t_([0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0]), t_([0.5] * 7)):
        for r in REDUCTIONS:
            b.add(fn, x, target, {'reduction': r})
    # targets outside [0, 1] and NaN targets (PyTorch accepts them)
    for r in REDUCTIONS:
        b.add(fn, t_([0.3, 0.6, 0.9]), t_([1.5, -0.5, NAN]), {'reduction': r})
    # empty batch
    for r in REDUCTIONS:
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r})
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r, 'weight': b.weights(3)})
    errors = [
        (t_([0.2, 1.3]), t_([1.0, 0.0]), {}),
        (t_([0.2, -0.1]), t_([1.0, 0.0]), {}),
        (t_([0.2, NAN]), t_([1.0, 0.0]), {}),
        (t_([0.2, INF]), t_([1.0, 0.0]), {}),
        (t_([0.2, 0.3]), t_([1.0, 0.0, 1.0]), {}),
        (torch.sigmoid(b.randn(2, 3)), b.binary(3), {}),  # target broadcastable but not the same size
        (torch.sigmoid(b.randn(2, 3, 4)), b.binary(2, 3, 4), {'weight': b.weights(3)}),  # (C) vs (N, C, d)
        (torch.sigmoid(b.randn(4, 3)), b.binary(4, 3), {'weight': b.weights(4)}),
        (torch.sigmoid(b.randn(3)), b.binary(3), {'weight': b.weights(1, 3)}),  # would enlarge the result
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'reduction': 'bogus'}),
        # no 'batchmean' error case: PyTorch rejects it, but the library accepts it here (beyond/)
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


def gen_bce_logits(b):
    fn = 'binaryCrossEntropyWithLogits'
    for shape in BINARY_SHAPES:
        C = shape[-1] if shape else 1
        for r in REDUCTIONS:
            b.add(fn, b.randn(*shape), b.binary(*shape), {'reduction': r})
            b.add(fn, b.randn(*shape, scale=3.0), b.rand(*shape), {'reduction': r})
        for ws in binary_weight_shapes(shape):
            for r in REDUCTIONS:
                b.add(fn, b.randn(*shape), b.binary(*shape), {'reduction': r, 'weight': b.weights(*ws)})
                b.add(fn, b.randn(*shape), b.rand(*shape), {'reduction': r, 'posWeight': b.weights(*ws, high=4.0)})
        for r in REDUCTIONS:
            b.add(
                fn,
                b.randn(*shape, scale=2.0),
                b.binary(*shape),
                {'reduction': r, 'weight': b.weights(*shape), 'posWeight': b.weights(*((C,) if shape else ()), high=4.0)},
            )
    # large logits, +-Infinity, NaN
    for scale in (1e2, 1e4):
        for r in REDUCTIONS:
            b.add(fn, b.randn(4, 3, scale=scale), b.binary(4, 3), {'reduction': r})
            b.add(fn, b.randn(4, 3, scale=scale), b.rand(4, 3), {'reduction': r, 'posWeight': b.weights(3, high=4.0)})
    specials = [
        (t_([10000.0, -10000.0, 0.0, 800.0, -800.0, 40.0]), t_([0.0, 1.0, 1.0, 1.0, 0.0, 0.5])),
        (t_([INF, -INF, INF, -INF]), t_([1.0, 0.0, 0.0, 1.0])),
        (t_([NAN, 1.0, 0.0]), t_([1.0, 0.0, 1.0])),
        (t_([1.0, 2.0, 0.5]), t_([NAN, 0.0, 1.0])),
    ]
    for x, target in specials:
        for r in REDUCTIONS:
            b.add(fn, x, target, {'reduction': r})
            b.add(fn, x, target, {'reduction': r, 'posWeight': t_([3.0] * x.shape[0])})
    for r in REDUCTIONS:
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r, 'posWeight': b.weights(3)})
    errors = [
        (t_([0.2, 0.3]), t_([1.0, 0.0, 1.0]), {}),
        (b.randn(2, 3), b.binary(3), {}),
        (b.randn(2, 3, 4), b.binary(2, 3, 4), {'posWeight': b.weights(3)}),  # (C) vs (N, C, d)
        (b.randn(2, 3, 4), b.binary(2, 3, 4), {'weight': b.weights(3)}),
        (b.randn(4, 3), b.binary(4, 3), {'posWeight': b.weights(4)}),
        (b.randn(3), b.binary(3), {'posWeight': b.weights(1, 3)}),  # would enlarge the result
        (b.randn(3), b.binary(3), {'weight': b.weights(2, 3)}),
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'reduction': 'bogus'}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


def gen_multilabel(b):
    fn = 'multilabelSoftMarginLoss'
    for shape in ((4, 3), (16, 1), (5,), (2, 3, 4)):
        C = shape[-1]
        for r in REDUCTIONS:
            b.add(fn, b.randn(*shape, scale=3.0), b.binary(*shape), {'reduction': r})
            b.add(fn, b.randn(*shape), b.rand(*shape), {'reduction': r})
            b.add(fn, b.randn(*shape, scale=3.0), b.binary(*shape), {'reduction': r, 'weight': b.weights(C)})
            if len(shape) >= 2:
                b.add(fn, b.randn(*shape), b.binary(*shape), {'reduction': r, 'weight': b.weights(1, C)})
    for scale in (1e2, 1e4):
        for r in REDUCTIONS:
            b.add(fn, b.randn(4, 3, scale=scale), b.binary(4, 3), {'reduction': r})
    for r in REDUCTIONS:
        b.add(fn, t_([[INF, -INF, 0.0], [NAN, 1.0, 2.0]]), t_([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), {'reduction': r})
        b.add(fn, t_([[INF, -INF, 0.0]]), t_([[0.0, 1.0, 1.0]]), {'reduction': r})
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r})
    errors = [
        (b.randn(4, 3), b.binary(4, 2), {}),
        (b.randn(4, 3), b.binary(4, 3), {'weight': b.weights(4)}),
        (t_(1.0), t_(1.0), {}),
        (b.randn(4, 3), b.binary(4, 3), {'reduction': 'bogus'}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


def gen_mse(b):
    fn = 'mseLoss'
    for shape in ((6,), (4, 3), (2, 3, 4), (16, 1), ()):
        for r in REDUCTIONS:
            b.add(fn, b.randn(*shape), b.randn(*shape), {'reduction': r})
            b.add(fn, torch.sigmoid(b.randn(*shape)), b.binary(*shape), {'reduction': r})
    for scale in (1e2, 1e4):
        for r in REDUCTIONS:
            b.add(fn, b.randn(4, 3, scale=scale), b.randn(4, 3, scale=scale), {'reduction': r})
    for r in REDUCTIONS:
        b.add(fn, t_([INF, -INF, INF, NAN, 1.0, 1e18]), t_([INF, 0.0, 1.0, 0.0, NAN, -1e18]), {'reduction': r})
        b.add(fn, t_([1e200, 1e-200]), t_([-1e200, 0.0]), {'reduction': r}, dtypes=('float64',))  # overflows to inf
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r})
    errors = [
        (b.randn(4, 3), b.randn(4, 5), {}),
        (b.randn(4, 3), b.randn(3, 3), {}),
        (b.randn(4, 3), b.randn(4, 3), {'reduction': 'bogus'}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


def gen_kl_div(b):
    fn = 'klDiv'
    for shape in ((4, 5), (3, 2, 6), (5,), (1, 1)):
        ax = len(shape) - 1
        for r in REDUCTIONS + ('batchmean',):
            x = torch.log_softmax(b.randn(*shape), ax)
            p = b.probs(shape, ax)
            b.add(fn, x, p, {'reduction': r, 'logTarget': False})
            b.add(fn, x, torch.log(b.probs(shape, ax)), {'reduction': r, 'logTarget': True})
            # unnormalised inputs and targets
            b.add(fn, b.randn(*shape, scale=2.0), b.rand(*shape, high=2.0), {'reduction': r, 'logTarget': False})
    for r in REDUCTIONS + ('batchmean',):
        # zero targets contribute 0; with a -inf input the product is 0 * inf = NaN
        b.add(fn, t_([[-1.0, -2.0, -INF], [-0.5, -INF, -3.0]]), t_([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]), {'reduction': r, 'logTarget': False})
        b.add(fn, t_([[-1.0, -2.0, -3.0], [NAN, -1.0, -3.0]]), t_([[-INF, -1.0, -0.5], [-1.0, -2.0, -INF]]), {'reduction': r, 'logTarget': True})
        b.add(fn, t_([-1.0, -2.0]), t_([-0.5, 0.5]), {'reduction': r, 'logTarget': False})  # negative target
        b.add(fn, b.randn(3, 4, scale=1e2), b.randn(3, 4, scale=1e2), {'reduction': r, 'logTarget': True})
        b.add(fn, b.randn(3, 4, scale=1e4), b.rand(3, 4), {'reduction': r, 'logTarget': False})
        b.add(fn, t_(-1.2), t_(0.3), {'reduction': r, 'logTarget': False})  # 0-d: 'batchmean' divides by 1
        b.add(fn, torch.zeros(0, 5), torch.zeros(0, 5), {'reduction': r, 'logTarget': False})
    errors = [
        (b.randn(4, 3), b.rand(4, 5), {'reduction': 'sum', 'logTarget': False}),
        (b.randn(4, 3), b.rand(4, 3), {'reduction': 'bogus', 'logTarget': False}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


FOCAL_PARAMS = [(0.25, 2.0), (-1, 0.0), (0.5, 1.5), (0.75, 1.0)]


def gen_focal(b):
    fn = 'sigmoidFocalLoss'
    for shape in ((6,), (4, 3), (2, 3, 4), (16, 1), ()):
        for alpha, gamma in FOCAL_PARAMS:
            for r in REDUCTIONS:
                b.add(fn, b.randn(*shape, scale=3.0), b.binary(*shape), {'reduction': r, 'alpha': alpha, 'gamma': gamma})
            b.add(fn, b.randn(*shape, scale=2.0), b.rand(*shape), {'reduction': 'mean', 'alpha': alpha, 'gamma': gamma})
    for scale in (1e2, 1e4):
        for alpha, gamma in FOCAL_PARAMS[:2]:
            for r in REDUCTIONS:
                b.add(fn, b.randn(4, 3, scale=scale), b.binary(4, 3), {'reduction': r, 'alpha': alpha, 'gamma': gamma})
    for r in REDUCTIONS:
        b.add(fn, t_([INF, -INF, 0.0, 40.0, -40.0]), t_([1.0, 0.0, 1.0, 0.0, 1.0]), {'reduction': r, 'alpha': 0.25, 'gamma': 2.0})
        b.add(fn, t_([NAN, 1.0]), t_([1.0, 0.0]), {'reduction': r, 'alpha': 0.25, 'gamma': 2.0})
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r, 'alpha': 0.25, 'gamma': 2.0})
    errors = [
        (b.randn(4, 3), b.binary(4, 2), {'reduction': 'mean', 'alpha': 0.25, 'gamma': 2.0}),
        (b.randn(4, 3), b.binary(4, 3), {'reduction': 'bogus', 'alpha': 0.25, 'gamma': 2.0}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


ACT_SHAPES = [(7,), (3, 5), (2, 3, 4), ()]


def gen_axis_activations(b):
    for fn in ('softmax', 'logSoftmax', 'logSumExp'):
        for shape in ACT_SHAPES:
            n = max(len(shape), 1)
            for axis in list(range(n)) + list(range(-n, 0)):
                b.add(fn, b.randn(*shape, scale=2.0), None, {'axis': axis})
        for scale in (1e2, 1e4):
            for axis in (1, -2):
                b.add(fn, b.randn(3, 4, scale=scale), None, {'axis': axis})
        specials = t_(
            [[0.0, -INF, 1.0], [-INF, -INF, 2.0], [800.0, 0.0, -800.0], [-INF, -INF, -INF], [INF, 0.0, 1.0], [NAN, 0.0, 1.0], [3e38, 3e38, 0.0]]
        )
        b.add(fn, t_([[1e308, 1e308, 0.0], [-1e308, 1e308, 0.0]]), None, {'axis': 1}, dtypes=('float64',))
        b.add(fn, specials, None, {'axis': 1})
        b.add(fn, specials, None, {'axis': -1})
        b.add(fn, torch.zeros(0, 3), None, {'axis': 1})
        b.add(fn, torch.zeros(3, 0), None, {'axis': 0})
        b.add(fn, torch.zeros(3, 0), None, {'axis': -1})
        for axis in (2, -3, 0.5):
            b.add(fn, b.randn(3, 4), None, {'axis': axis})


def gen_elementwise_activations(b):
    for fn in ('sigmoid', 'logSigmoid'):
        for shape in ACT_SHAPES + [(0, 3)]:
            b.add(fn, b.randn(*shape, scale=3.0), None, {})
        b.add(fn, b.randn(3, 4, scale=1e2), None, {})
        b.add(fn, b.randn(3, 4, scale=1e4), None, {})
        b.add(fn, t_([-800.0, -40.0, -1e-300, 0.0, 1e-300, 40.0, 800.0, 37.0, -37.0, 1e4, -1e4]), None, {})
        b.add(fn, t_([INF, -INF, NAN, -0.0]), None, {})


GENERATORS = [
    gen_axis_activations,
    gen_elementwise_activations,
    gen_cross_entropy,
    gen_nll_loss,
    gen_bce,
    gen_bce_logits,
    gen_multilabel,
    gen_mse,
    gen_kl_div,
    gen_focal,
]


# --------------------------------------------------------------------------------------------------
# Writing, verifying
# --------------------------------------------------------------------------------------------------


def write_cases(cases_by_fn, out_dir, max_bytes=MAX_FILE_BYTES):
    os.makedirs(out_dir, exist_ok=True)
    summary = []
    for fn in sorted(cases_by_fn):
        cases = cases_by_fn[fn]
        text = json.dumps(cases, allow_nan=False, separators=(',', ':')) + '\n'
        if len(text.encode()) > max_bytes:
            raise SystemExit(f'{fn}.json would be {len(text)} bytes, over {max_bytes}')
        with open(os.path.join(out_dir, f'{fn}.json'), 'w', encoding='utf-8') as f:
            f.write(text)
        errors = sum(1 for c in cases if c.get('error'))
        summary.append((fn, len(cases), errors, len(text)))
    for fn, n, errors, size in summary:
        print(f'{fn + ".json":38s} {n:5d} cases ({errors} errors) {size / 1024:7.1f} KiB')
    print(f'{"total":38s} {sum(s[1] for s in summary):5d} cases')


def options_from_json(options, dtype):
    o = {}
    for k, v in options.items():
        if k in WEIGHT_KEYS and isinstance(v, list):
            o[k] = torch.tensor([dec_num(e) for e in v], dtype=torch.float64)
        elif k in WEIGHT_KEYS and isinstance(v, dict):
            o[k] = dec_tensor(v)
        else:
            o[k] = v
    return o


def target_from_json(case):
    t = case['target']
    if t is None:
        return None
    values = [dec_num(v) for v in t['data']]
    probabilities = t['shape'] == case['input']['shape']
    if probabilities or not all(float(v).is_integer() for v in values):
        return dec_tensor(t)
    return dec_tensor(t, torch.int64)


def same_value(a, e, rtol=1e-12, atol_scale=0.0):
    a, e = float(dec_num(a)), float(dec_num(e))
    if math.isnan(e) or math.isnan(a):
        return math.isnan(e) and math.isnan(a)
    if math.isinf(e) or math.isinf(a):
        return a == e
    return abs(a - e) <= rtol * (abs(e) + atol_scale)


def compare(actual, expected, scale):
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual['shape'] != expected['shape']:
            return False
        return all(same_value(a, e, atol_scale=scale) for a, e in zip(actual['data'], expected['data']))
    if isinstance(actual, dict):
        return actual['shape'] == [] and same_value(actual['data'][0], expected, atol_scale=scale)
    return same_value(actual, expected, atol_scale=scale)


def verify_case(case, functions=FUNCTIONS):
    """Recomputes one case (values as stored) and returns a list of disagreement descriptions."""
    fn_impl, with_grad = functions[case['fn']]
    x = dec_tensor(case['input'])
    got = encode_result(
        evaluate(fn_impl, with_grad, x, target_from_json(case), options_from_json(case['options'], case['dtype'])),
        case['fn'] in ACTIVATIONS,
    )
    problems = []
    if bool(case.get('error')) != bool(got.get('error')):
        problems.append(f"error: expected {case.get('torchError', 'a result')}, got {got.get('torchError', 'a result')}")
        return problems
    if case.get('error'):
        return problems
    finite = [abs(float(dec_num(v))) for v in case['input']['data'] if math.isfinite(float(dec_num(v)))]
    scale = max(finite, default=0.0)
    if not compare(got['loss'], case['loss'], scale):
        problems.append(f"loss: expected {str(case['loss'])[:200]}, got {str(got['loss'])[:200]}")
    if case.get('grad') is not None:
        gscale = max([abs(float(dec_num(v))) for v in case['grad']['data'] if math.isfinite(float(dec_num(v)))], default=0.0)
        if got['grad'] is None or not compare(got['grad'], case['grad'], gscale + 1.0):
            problems.append(f"grad: expected {str(case['grad'])[:200]}, got {str(got['grad'])[:200]}")
    return problems


def verify_dir(directory, functions=FUNCTIONS):
    total = bad = 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith('.json'):
            continue
        with open(os.path.join(directory, name), encoding='utf-8') as f:
            cases = json.load(f)
        file_bad = 0
        for k, case in enumerate(cases):
            total += 1
            if case['fn'] not in functions:
                print(f'{name} case {k}: unknown fn {case["fn"]}')
                bad += 1
                continue
            problems = verify_case(case, functions)
            if problems:
                file_bad += 1
                if file_bad <= 5:
                    print(f'{name} case {k} ({case["dtype"]}, {case["input"]["shape"]}, {json.dumps(case["options"])[:100]}):')
                    for p in problems:
                        print('   ', p)
        bad += file_bad
        print(f'{name}: {len(cases) - file_bad}/{len(cases)} agree')
    print(f'verified {total} cases, {bad} disagree')
    return bad == 0


def main(argv=None, generators=GENERATORS, functions=FUNCTIONS, default_out='reference/generated', check=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default=default_out, help=f'output folder (default {default_out})')
    parser.add_argument('--seed', type=int, default=1, help='seed of the random draws (default 1)')
    parser.add_argument('--verify', metavar='DIR', help='recompute the cases of DIR/*.json instead of generating')
    args = parser.parse_args(argv)
    if args.verify:
        sys.exit(0 if verify_dir(args.verify, functions) else 1)
    b = Builder(args.seed, functions)
    for gen in generators:
        gen(b)
    if check is not None:
        check(b.cases)  # raises SystemExit on a disagreement, before anything is written
    write_cases(b.cases, args.out)


if __name__ == '__main__':
    main()
