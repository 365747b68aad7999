#!/usr/bin/env python3
"""Generates reference cases for the xent behaviours that go beyond PyTorch, in the case format of
reference/README.md (see its section "Generators" for the formulas).

    /usr/bin/python3 reference/generate_beyond.py [--out reference/beyond] [--seed 1]
    /usr/bin/python3 reference/generate_beyond.py --verify reference/beyond

fn "categoricalCrossEntropy"        Keras 3 categorical cross-entropy on probabilities (epsilon clamp)
fn "binaryCrossEntropy"             labelSmoothing, epsilon, reduction 'batchmean'
fn "binaryCrossEntropyWithLogits"   labelSmoothing, reduction 'batchmean'
fn "sigmoidFocalLoss"               reduction 'batchmean'
fn "crossEntropy"                   zLoss and softcap (Liger Kernel / PaLM)

The expected values are these formulas written in torch float64; gradients come from torch autograd
(for reduction 'none', the gradient of the sum). Errors are this library's own rules, so "torchError"
holds the rule's message rather than a PyTorch message (unless PyTorch itself rejects the call).

Before writing, every emitted case with finite values is recomputed by a second, naive pure-Python
implementation of the same formula (loops, math.log), and the gradients of the small ones are checked
against central finite differences of that naive loss; the generator stops if any of them disagree.
"""

from __future__ import annotations

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import generate as g  # noqa: E402
from generate import INF, NAN, XentError, t_  # noqa: E402

REDUCTIONS = ('mean', 'sum', 'none')
BINARY_REDUCTIONS = ('mean', 'sum', 'none', 'batchmean')


# --------------------------------------------------------------------------------------------------
# The formulas, in torch float64
# --------------------------------------------------------------------------------------------------


def _check_reduction(fn, reduction, allowed):
    if reduction not in allowed:
        raise XentError(f'{fn}: reduction must be one of {", ".join(allowed)}, got {reduction!r}')


def _reduce(per, reduction):
    """mean / sum / none / batchmean (sum divided by the size of the first dimension, 1 for 0-d)."""
    if reduction == 'none':
        return per
    if reduction == 'sum':
        return per.sum()
    if reduction == 'mean':
        return per.mean()
    if reduction == 'batchmean':
        return per.sum() / (per.shape[0] if per.dim() > 0 else 1)
    raise AssertionError(reduction)


def _check_broadcast(fn, arg, w, shape):
    if w is None:
        return
    try:
        out = torch.broadcast_shapes(tuple(w.shape), tuple(shape))
    except RuntimeError as e:
        raise XentError(f'{fn}: {arg} of shape {list(w.shape)} does not broadcast to {list(shape)}: {e}') from None
    if tuple(out) != tuple(shape):
        raise XentError(f'{fn}: {arg} of shape {list(w.shape)} would enlarge the input shape {list(shape)}')


def _smooth_binary(fn, t, o):
    ls = o.get('labelSmoothing', 0.0)
    if not 0.0 <= ls <= 1.0:
        raise XentError(f'{fn}: labelSmoothing must be between 0.0 and 1.0, got {ls}')
    return t * (1 - ls) + ls / 2 if ls != 0 else t


def _epsilon(fn, o, default):
    eps = o.get('epsilon', default)
    if eps is not None and not 0.0 <= eps < 0.5:
        raise XentError(f'{fn}: epsilon must be in [0, 0.5), got {eps}')
    return eps


def f_categorical(x, t, o):
    """Keras 3 categorical cross-entropy on (possibly unnormalised) probabilities."""
    fn = 'categoricalCrossEntropy'
    eps = _epsilon(fn, o, 1e-7)
    reduction = o.get('reduction', 'mean')
    _check_reduction(fn, reduction, REDUCTIONS)
    if x.dim() == 0:
        raise XentError(f'{fn}: input must have a class dimension')
    if bool((x < 0).any()):
        raise XentError(f'{fn}: input values must be non-negative (probabilities or scores)')
    ax = 0 if x.dim() == 1 else 1
    C = x.shape[ax]
    if not t.is_floating_point():
        want = x.shape[:ax] + x.shape[ax + 1 :]
        if tuple(t.shape) != tuple(want):
            raise XentError(f'{fn}: class-index target has shape {list(t.shape)}, expected {list(want)}')
        if t.numel() and (int(t.min()) < 0 or int(t.max()) >= C):
            raise XentError(f'{fn}: class index out of range [0, {C})')
        y = torch.movedim(F.one_hot(t, C).to(x.dtype), -1, ax)
    else:
        if tuple(t.shape) != tuple(x.shape):
            if t.dim() == x.dim() - 1:
                raise XentError(f'{fn}: class-index target must hold integers')
            raise XentError(f'{fn}: probability target has shape {list(t.shape)}, expected {list(x.shape)}')
        y = t
    q = x / x.sum(dim=ax, keepdim=True)
    q = torch.clamp(q, eps, 1 - eps)
    per = -(y * torch.log(q)).sum(dim=ax)
    return _reduce(per, reduction)


def f_bce(x, t, o):
    fn = 'binaryCrossEntropy'
    reduction = o.get('reduction', 'mean')
    _check_reduction(fn, reduction, BINARY_REDUCTIONS)
    y = _smooth_binary(fn, t, o)
    eps = _epsilon(fn, o, None)
    w = o.get('weight')
    if eps is None:
        # PyTorch's own BCE (input check, log clamp at -100, weight broadcast, autograd formula)
        if reduction == 'batchmean':
            return _reduce(F.binary_cross_entropy(x, y, weight=w, reduction='none'), 'batchmean')
        return F.binary_cross_entropy(x, y, weight=w, reduction=reduction)
    if tuple(t.shape) != tuple(x.shape):
        raise XentError(f'{fn}: target shape {list(t.shape)} differs from input shape {list(x.shape)}')
    if bool(((x < 0) | (x > 1) | torch.isnan(x)).any()):
        raise XentError(f'{fn}: all elements of input should be between 0 and 1')
    _check_broadcast(fn, 'weight', w, x.shape)
    xc = torch.clamp(x, eps, 1 - eps)
    per = -(y * torch.log(xc) + (1 - y) * torch.log(1 - xc))
    if w is not None:
        per = per * w
    return _reduce(per, reduction)


def f_bce_logits(x, t, o):
    fn = 'binaryCrossEntropyWithLogits'
    reduction = o.get('reduction', 'mean')
    _check_reduction(fn, reduction, BINARY_REDUCTIONS)
    y = _smooth_binary(fn, t, o)
    kw = {'weight': o.get('weight'), 'pos_weight': o.get('posWeight')}
    if reduction == 'batchmean':
        return _reduce(F.binary_cross_entropy_with_logits(x, y, reduction='none', **kw), 'batchmean')
    return F.binary_cross_entropy_with_logits(x, y, reduction=reduction, **kw)


def f_focal(x, t, o):
    reduction = o.get('reduction', 'none')
    _check_reduction('sigmoidFocalLoss', reduction, BINARY_REDUCTIONS)
    return _reduce(g.focal_elementwise(x, t, o.get('alpha', 0.25), o.get('gamma', 2.0)), reduction)


def f_cross_entropy(x, t, o):
    """Softcap, then PyTorch's cross-entropy, plus zLoss * logsumexp^2 of the counted elements."""
    fn = 'crossEntropy'
    zl = o.get('zLoss', 0.0)
    sc = o.get('softcap')
    if zl < 0:
        raise XentError(f'{fn}: zLoss must be >= 0, got {zl}')
    if sc is not None and not sc > 0:
        raise XentError(f'{fn}: softcap must be > 0, got {sc}')
    reduction = o.get('reduction', 'mean')
    ii = o.get('ignoreIndex', -100)
    z = sc * torch.tanh(x / sc) if sc is not None else x
    ce = g.t_cross_entropy(z, t, o)  # weight, ignoreIndex, labelSmoothing (negative rejected), reduction
    if zl == 0 or z.dim() == 0:
        return ce
    ax = 0 if z.dim() == 1 else 1
    if t.is_floating_point():
        counted = torch.ones(t.shape[:ax] + t.shape[ax + 1 :], dtype=torch.bool)
    else:
        counted = t != ii
    # logsumexp over the classes of the counted elements only (an ignored element contributes exactly 0,
    # to the value and to the gradient, whatever its logits hold)
    zc = torch.where(counted.unsqueeze(ax), z, torch.zeros((), dtype=z.dtype))
    lse = torch.logsumexp(zc, dim=ax)
    zterm = torch.where(counted, zl * lse * lse, torch.zeros((), dtype=z.dtype))
    if reduction == 'none':
        return ce + zterm
    if reduction == 'sum':
        return ce + zterm.sum()
    return ce + zterm.sum() / counted.sum()


FUNCTIONS = {
    'categoricalCrossEntropy': (f_categorical, True),
    'binaryCrossEntropy': (f_bce, True),
    'binaryCrossEntropyWithLogits': (f_bce_logits, True),
    'sigmoidFocalLoss': (f_focal, True),
    'crossEntropy': (f_cross_entropy, True),
}


# --------------------------------------------------------------------------------------------------
# Naive pure-Python versions (flat lists, explicit loops) for the cross-check
# --------------------------------------------------------------------------------------------------


def layout(shape):
    """(N, C, S) of an input with class axis 1 (or 0 for (C)); element (n, s), class c is at
    (n * C + c) * S + s."""
    if len(shape) == 1:
        return 1, shape[0], 1
    S = 1
    for d in shape[2:]:
        S *= d
    return shape[0], shape[1], S


def naive_reduce(per, reduction, first_dim):
    if reduction == 'none':
        return per
    total = math.fsum(per)
    if reduction == 'sum':
        return total
    if reduction == 'mean':
        return total / len(per) if per else NAN
    return total / first_dim if first_dim else NAN


def log_sigmoid(v):
    return -math.log1p(math.exp(-v)) if v >= 0 else v - math.log1p(math.exp(v))


def broadcast_value(w, wshape, i, shape):
    """The value of weight w (flat, shape wshape) at flat index i of shape (trailing broadcast)."""
    if w is None:
        return 1.0
    idx = []
    for d in reversed(shape):
        idx.append(i % d if d else 0)
        i = i // d if d else 0
    idx = idx[::-1]
    k = 0
    off = len(shape) - len(wshape)
    for j, d in enumerate(wshape):
        k = k * d + (0 if d == 1 else idx[off + j])
    return w[k]


def naive_categorical(x, shape, y, yshape, o):
    eps = o.get('epsilon', 1e-7)
    N, C, S = layout(shape)
    index = list(yshape) != list(shape)
    per = []
    for n in range(N):
        for s in range(S):
            tot = math.fsum(x[(n * C + c) * S + s] for c in range(C))
            loss = 0.0
            for c in range(C):
                yc = (1.0 if y[n * S + s] == c else 0.0) if index else y[(n * C + c) * S + s]
                if yc == 0:
                    continue
                q = min(max(x[(n * C + c) * S + s] / tot, eps), 1 - eps)
                loss -= yc * math.log(q)
            per.append(loss)
    return naive_reduce(per, o.get('reduction', 'mean'), N)


def naive_bce(x, shape, y, yshape, o):
    ls = o.get('labelSmoothing', 0.0)
    eps = o.get('epsilon')
    w, ws = _naive_weight(o.get('weight'))
    per = []
    for i, xi in enumerate(x):
        yi = y[i] * (1 - ls) + ls / 2
        if eps is None:
            lx = max(math.log(xi), -100.0) if xi > 0 else -100.0
            l1 = max(math.log(1 - xi), -100.0) if xi < 1 else -100.0
        else:
            xc = min(max(xi, eps), 1 - eps)
            lx, l1 = math.log(xc), math.log(1 - xc)
        per.append(-broadcast_value(w, ws, i, shape) * (yi * lx + (1 - yi) * l1))
    return naive_reduce(per, o.get('reduction', 'mean'), shape[0] if shape else 1)


def naive_bce_logits(x, shape, y, yshape, o):
    ls = o.get('labelSmoothing', 0.0)
    w, ws = _naive_weight(o.get('weight'))
    pw, pws = _naive_weight(o.get('posWeight'))
    per = []
    for i, xi in enumerate(x):
        yi = y[i] * (1 - ls) + ls / 2
        p = broadcast_value(pw, pws, i, shape)
        per.append(-broadcast_value(w, ws, i, shape) * (p * yi * log_sigmoid(xi) + (1 - yi) * log_sigmoid(-xi)))
    return naive_reduce(per, o.get('reduction', 'mean'), shape[0] if shape else 1)


def naive_focal(x, shape, y, yshape, o):
    alpha, gamma = o.get('alpha', 0.25), o.get('gamma', 2.0)
    per = []
    for xi, yi in zip(x, y):
        p = 1 / (1 + math.exp(-xi)) if xi >= 0 else math.exp(xi) / (1 + math.exp(xi))
        ce = -(yi * log_sigmoid(xi) + (1 - yi) * log_sigmoid(-xi))
        pt = p * yi + (1 - p) * (1 - yi)
        loss = ce * (1 - pt) ** gamma
        if alpha >= 0:
            loss *= alpha * yi + (1 - alpha) * (1 - yi)
        per.append(loss)
    return naive_reduce(per, o.get('reduction', 'none'), shape[0] if shape else 1)


def naive_cross_entropy(x, shape, y, yshape, o):
    sc, zl = o.get('softcap'), o.get('zLoss', 0.0)
    ls, ii = o.get('labelSmoothing', 0.0), o.get('ignoreIndex', -100)
    N, C, S = layout(shape)
    w = o.get('weight')
    w = [1.0] * C if w is None else _naive_weight(w)[0]
    index = list(yshape) != list(shape)
    per, zsum, count, divisor = [], 0.0, 0, 0.0
    for n in range(N):
        for s in range(S):
            z = [x[(n * C + c) * S + s] for c in range(C)]
            if sc is not None:
                z = [sc * math.tanh(v / sc) for v in z]
            m = max(z)
            lse = m + math.log(math.fsum(math.exp(v - m) for v in z))
            logp = [v - lse for v in z]
            if index:
                k = y[n * S + s]
                if k == ii:
                    per.append(0.0)
                    continue
                smooth = -math.fsum(w[c] * logp[c] for c in range(C))
                loss = (1 - ls) * -w[k] * logp[k] + ls / C * smooth
                divisor += w[k]
            else:
                yc = [y[(n * C + c) * S + s] * (1 - ls) + ls / C for c in range(C)]
                loss = -math.fsum(w[c] * yc[c] * logp[c] for c in range(C))
                divisor += 1
            zsum += lse * lse
            count += 1
            per.append(loss + zl * lse * lse)
    reduction = o.get('reduction', 'mean')
    if reduction == 'none':
        return per
    # the per-element values hold the z-term; undo it to apply the two divisors separately
    ce_total = math.fsum(per) - zl * zsum
    if reduction == 'sum':
        return ce_total + zl * zsum
    return ce_total / divisor + zl * zsum / count


def _naive_weight(w):
    if w is None:
        return None, ()
    if isinstance(w, list):
        return [float(v) for v in w], (len(w),)
    return [float(v) for v in w['data']], tuple(w['shape'])


NAIVE = {
    'categoricalCrossEntropy': naive_categorical,
    'binaryCrossEntropy': naive_bce,
    'binaryCrossEntropyWithLogits': naive_bce_logits,
    'sigmoidFocalLoss': naive_focal,
    'crossEntropy': naive_cross_entropy,
}


def _finite(values):
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def _close(a, e, rel, scale):
    return abs(a - e) <= rel * (abs(e) + scale)


def _smooth_enough(case, x):
    """False where a finite difference would straddle a kink of the formula (a clamp)."""
    fn, o = case['fn'], case['options']
    h = 1e-6
    if fn == 'categoricalCrossEntropy':
        eps = o.get('epsilon', 1e-7)
        shape = case['input']['shape']
        N, C, S = layout(shape)
        for n in range(N):
            for s in range(S):
                tot = sum(x[(n * C + c) * S + s] for c in range(C))
                for c in range(C):
                    q = x[(n * C + c) * S + s] / tot
                    if abs(q - eps) < 1e-4 or abs(q - (1 - eps)) < 1e-4 or x[(n * C + c) * S + s] < 10 * h:
                        return False
        return True
    if fn == 'binaryCrossEntropy':
        eps = o.get('epsilon')
        lo = 1e-3 if eps is None else eps
        return all(min(abs(v - lo), abs(v - (1 - lo)), v, 1 - v) > 1e-3 for v in x)
    return True


def cross_check(cases):
    """Recomputes every finite case with the naive formula; finite-difference gradients for small ones."""
    checked = graded = 0
    for k, case in enumerate(cases):
        if case.get('error'):
            continue
        x = case['input']['data']
        y = case['target']['data']
        loss = case['loss']
        expected = loss['data'] if isinstance(loss, dict) else [loss]
        if not (_finite(x) and _finite(y) and _finite(expected)):
            continue
        fn, shape, yshape, o = case['fn'], case['input']['shape'], case['target']['shape'], case['options']
        naive = NAIVE[fn]
        got = naive(x, shape, y, yshape, o)
        got = got if isinstance(got, list) else [got]
        scale = max([abs(v) for v in x] + [abs(v) for v in expected] + [0.0]) * 1e-2
        if len(got) != len(expected) or not all(_close(a, e, 1e-9, scale) for a, e in zip(got, expected)):
            raise SystemExit(f'cross-check failed, {fn} case {k}: naive {got[:6]} vs torch {expected[:6]}\n{case}')
        checked += 1
        # finite differences of the naive loss (sum for 'none') against the autograd gradient
        grad = case['grad']['data']
        if case['dtype'] != 'float64' or len(x) > 48 or not _finite(grad) or not _smooth_enough(case, x):
            continue
        if max([abs(v) for v in x] + [0.0]) > 50:
            continue
        h = 1e-6

        def total(xs):
            v = naive(xs, shape, y, yshape, o)
            return math.fsum(v) if isinstance(v, list) else v

        gscale = max([abs(v) for v in grad] + [1e-3])
        for i in range(len(x)):
            xp, xm = list(x), list(x)
            xp[i] += h
            xm[i] -= h
            fd = (total(xp) - total(xm)) / (2 * h)
            if abs(fd - grad[i]) > 1e-5 * gscale + 1e-6 * abs(grad[i]):
                raise SystemExit(
                    f'gradient cross-check failed, {fn} case {k}, element {i}: finite difference {fd} vs autograd {grad[i]}\n{case}'
                )
        graded += 1
    return checked, graded


def self_checks():
    """Identities the formulas must satisfy, independent of the naive versions."""
    gen = torch.Generator().manual_seed(0)
    # epsilon = 0 categorical on normalised rows is -sum y log p
    p = torch.softmax(torch.randn(5, 4, generator=gen), 1)
    y = torch.softmax(torch.randn(5, 4, generator=gen), 1)
    a = f_categorical(p, y, {'epsilon': 0.0, 'reduction': 'none'})
    assert torch.allclose(a, -(y * p.log()).sum(1), rtol=1e-14, atol=0), 'categorical eps=0'
    # ... and with index targets it is -log p[target]; scaling the scores does not change it
    t = torch.randint(0, 4, (5,), generator=gen)
    a = f_categorical(p * 7.5, t, {'epsilon': 0.0, 'reduction': 'none'})
    assert torch.allclose(a, -p.log().gather(1, t[:, None])[:, 0], rtol=1e-14, atol=0), 'categorical index'
    # labelSmoothing 0 and no epsilon is PyTorch's BCE; 'batchmean' is sum / N
    x = torch.sigmoid(torch.randn(4, 3, generator=gen))
    yb = (torch.rand(4, 3, generator=gen) < 0.5).double()
    assert torch.equal(f_bce(x, yb, {'reduction': 'mean'}), F.binary_cross_entropy(x, yb)), 'bce plain'
    assert torch.allclose(f_bce(x, yb, {'reduction': 'batchmean'}), F.binary_cross_entropy(x, yb, reduction='sum') / 4), 'batchmean'
    # epsilon BCE on interior inputs equals PyTorch's BCE
    assert torch.allclose(f_bce(x, yb, {'epsilon': 1e-7, 'reduction': 'sum'}), F.binary_cross_entropy(x, yb, reduction='sum'), rtol=1e-13), 'bce eps'
    # zLoss 0 and no softcap is PyTorch's cross-entropy; a huge softcap approaches it
    z = torch.randn(6, 5, generator=gen)
    tc = torch.randint(0, 5, (6,), generator=gen)
    assert torch.equal(f_cross_entropy(z, tc, {'zLoss': 0.0}), F.cross_entropy(z, tc)), 'zLoss 0'
    assert torch.allclose(f_cross_entropy(z, tc, {'softcap': 1e6}), F.cross_entropy(z, tc), rtol=1e-9), 'softcap large'
    # z-loss 'mean' = CE mean + zLoss * mean(lse^2) when nothing is ignored
    w = torch.rand(5, generator=gen) + 0.5
    v = f_cross_entropy(z, tc, {'zLoss': 0.1, 'weight': w})
    ref = F.cross_entropy(z, tc, weight=w) + 0.1 * (torch.logsumexp(z, 1) ** 2).mean()
    assert torch.allclose(v, ref, rtol=1e-14), 'zLoss mean'
    # labelSmoothing BCE-with-logits 1.0 targets are all 1/2
    xl = torch.randn(7, generator=gen)
    assert torch.allclose(
        f_bce_logits(xl, (torch.rand(7, generator=gen) < 0.5).double(), {'labelSmoothing': 1.0, 'reduction': 'none'}),
        F.binary_cross_entropy_with_logits(xl, torch.full((7,), 0.5), reduction='none'),
        rtol=1e-15,
    ), 'bce logits ls 1'
    return 8


# --------------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------------


def scores(b, shape, kind):
    """Non-negative class scores: 'probs' normalised, 'scores' unnormalised, 'zeros' unnormalised with
    some zero entries (never a whole zero row), 'peaked' nearly one-hot (q close to 1)."""
    ax = 0 if len(shape) == 1 else 1
    if kind == 'probs':
        return torch.softmax(b.randn(*shape) * 1.5, ax)
    if kind == 'peaked':
        return torch.softmax(b.randn(*shape) * 12, ax)
    x = b.rand(*shape, low=0.05, high=5.0)
    if kind == 'zeros':
        m = b.mask(shape, 0.3)
        first = [slice(None)] * len(shape)
        first[ax] = 0
        m[tuple(first)] = False  # keep class 0 of every element positive
        x = torch.where(m, torch.zeros(()), x)
    return x


def gen_categorical(b):
    fn = 'categoricalCrossEntropy'
    for shape in ((5,), (4, 3), (6, 5), (3, 4, 5)):
        ax = 0 if len(shape) == 1 else 1
        C = shape[ax]
        ishape = shape[:ax] + shape[ax + 1 :]
        for eps in (None, 1e-7, 1e-3, 0.1):
            eo = {} if eps is None else {'epsilon': eps}
            for r in REDUCTIONS:
                b.add(fn, scores(b, shape, 'zeros'), b.randint(C, ishape), {'reduction': r, **eo})
                b.add(fn, scores(b, shape, 'scores'), torch.softmax(b.randn(*shape), ax), {'reduction': r, **eo})
                b.add(fn, scores(b, shape, 'peaked'), b.randint(C, ishape), {'reduction': r, **eo})
            b.add(fn, scores(b, shape, 'probs'), torch.softmax(b.randn(*shape), ax), {'reduction': 'mean', **eo})
            # one-hot probability targets
            b.add(fn, scores(b, shape, 'zeros'), torch.movedim(F.one_hot(b.randint(C, ishape), C), -1, ax).double(), {'reduction': 'sum', **eo})
        for r in REDUCTIONS:  # epsilon 0: strictly positive inputs
            b.add(fn, scores(b, shape, 'scores'), torch.softmax(b.randn(*shape), ax), {'reduction': r, 'epsilon': 0.0})
    # scale: the scores' magnitude does not matter
    for scale in (1e-4, 1e4):
        for r in REDUCTIONS:
            b.add(fn, scores(b, (4, 3), 'zeros') * scale, b.randint(3, (4,)), {'reduction': r, 'epsilon': 1e-3})
    # rows that clamp: a one-hot input row, an input exactly on the clamp bounds
    x = t_([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0], [0.1, 0.8, 0.1], [0.5, 0.5, 0.0]])
    for eps in (1e-7, 0.1):
        for r in REDUCTIONS:
            b.add(fn, x, t_([0, 1, 1, 2], torch.int64), {'reduction': r, 'epsilon': eps})
            b.add(fn, x, t_([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]]), {'reduction': r, 'epsilon': eps})
    errors = [
        (scores(b, (4, 3), 'scores'), b.randint(3, (3,)), {}),  # index target of the wrong shape
        (scores(b, (4, 3), 'scores'), torch.softmax(b.randn(4, 4), 1), {}),  # probability target of the wrong shape
        (scores(b, (2, 3, 4), 'scores'), b.randint(3, (2, 3)), {}),
        (scores(b, (4, 3), 'scores'), t_([0, 3, 1, 2], torch.int64), {}),  # index out of range
        (scores(b, (4, 3), 'scores'), t_([0, -1, 1, 2], torch.int64), {}),
        (scores(b, (4, 3), 'scores'), t_([0, 1.5, 1, 2]), {}),  # not an integer
        (t_([[0.2, -0.1, 0.9], [0.3, 0.3, 0.4]]), t_([0, 2], torch.int64), {}),  # negative input
        (scores(b, (4, 3), 'scores'), b.randint(3, (4,)), {'epsilon': 0.5}),
        (scores(b, (4, 3), 'scores'), b.randint(3, (4,)), {'epsilon': 0.7}),
        (scores(b, (4, 3), 'scores'), b.randint(3, (4,)), {'epsilon': -1e-7}),
        (scores(b, (4, 3), 'scores'), b.randint(3, (4,)), {'reduction': 'bogus'}),
        (scores(b, (4, 3), 'scores'), b.randint(3, (4,)), {'reduction': 'batchmean'}),
        (t_(0.5), t_(1.0), {}),  # no class dimension
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


BIN_SHAPES = [(6,), (4, 3), (2, 3, 4), ()]


def _weight_for(b, shape):
    if not shape:
        return b.weights()
    if len(shape) == 3:
        return b.weights(shape[1], 1)
    return b.weights(shape[-1])


def gen_bce(b):
    fn = 'binaryCrossEntropy'
    for shape in BIN_SHAPES:
        combos = [
            {},
            {'labelSmoothing': 0.1},
            {'labelSmoothing': 0.2, 'weight': _weight_for(b, shape)},
            {'epsilon': 1e-7},
            {'epsilon': 1e-3, 'weight': _weight_for(b, shape)},
            {'epsilon': 0.1},
            {'labelSmoothing': 0.1, 'epsilon': 1e-3},
        ]
        for o in combos:
            for r in BINARY_REDUCTIONS:
                if not o and r != 'batchmean':
                    continue
                b.add(fn, torch.sigmoid(b.randn(*shape, scale=2.5)), b.binary(*shape), {'reduction': r, **o})
            b.add(fn, torch.sigmoid(b.randn(*shape)), b.rand(*shape), {'reduction': 'mean', **o})
    # boundaries: the -100 log clamp (PyTorch path) and the epsilon clamp
    x = t_([0.0, 1.0, 1e-20, 1 - 2**-53, 0.5, 1e-4, 0.95, 0.05])
    yb = t_([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    for o in ({'labelSmoothing': 0.1}, {'epsilon': 1e-7}, {'epsilon': 0.1}, {'labelSmoothing': 0.2, 'epsilon': 1e-3}, {'labelSmoothing': 1.0}):
        for r in BINARY_REDUCTIONS:
            b.add(fn, x, yb, {'reduction': r, **o})
    for r in BINARY_REDUCTIONS:
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r, 'labelSmoothing': 0.1})
    errors = [
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'labelSmoothing': 1.5}),
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'labelSmoothing': -0.1}),
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'epsilon': 0.5}),
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'epsilon': -1e-3}),
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'reduction': 'bogus'}),
        (t_([0.2, 1.3]), t_([1.0, 0.0]), {'labelSmoothing': 0.1}),
        (t_([0.2, 0.3]), t_([1.0, 0.0, 1.0]), {'epsilon': 1e-3}),
        (t_([0.2, 0.3]), t_([1.0, 0.0, 1.0]), {'labelSmoothing': 0.1}),
        (torch.sigmoid(b.randn(2, 3, 4)), b.binary(2, 3, 4), {'epsilon': 1e-3, 'weight': b.weights(3)}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


def gen_bce_logits(b):
    fn = 'binaryCrossEntropyWithLogits'
    for shape in BIN_SHAPES:
        combos = [
            {},
            {'labelSmoothing': 0.1},
            {'labelSmoothing': 0.2, 'weight': _weight_for(b, shape), 'posWeight': b.weights(*((shape[-1],) if shape else ()), high=4.0)},
            {'posWeight': b.weights(*((1, shape[-1]) if len(shape) == 2 else shape[-1:]), high=4.0)},
            {'labelSmoothing': 1.0},
        ]
        for o in combos:
            for r in BINARY_REDUCTIONS:
                if not o and r != 'batchmean':
                    continue
                b.add(fn, b.randn(*shape, scale=2.5), b.binary(*shape), {'reduction': r, **o})
            b.add(fn, b.randn(*shape), b.rand(*shape), {'reduction': 'batchmean', **o})
    for scale in (1e2, 1e4):
        for r in BINARY_REDUCTIONS:
            b.add(fn, b.randn(4, 3, scale=scale), b.binary(4, 3), {'reduction': r, 'labelSmoothing': 0.1})
    for r in BINARY_REDUCTIONS:
        b.add(fn, t_([INF, -INF, 0.0, NAN]), t_([1.0, 0.0, 1.0, 1.0]), {'reduction': r, 'labelSmoothing': 0.1})
        b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': r, 'labelSmoothing': 0.1})
    errors = [
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'labelSmoothing': 1.5}),
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'labelSmoothing': -0.1}),
        (t_([0.2, 0.3]), t_([1.0, 0.0]), {'reduction': 'bogus'}),
        (t_([0.2, 0.3]), t_([1.0, 0.0, 1.0]), {'labelSmoothing': 0.1}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


def gen_focal(b):
    fn = 'sigmoidFocalLoss'
    for shape in BIN_SHAPES:
        for alpha, gamma in g.FOCAL_PARAMS:
            b.add(fn, b.randn(*shape, scale=3.0), b.binary(*shape), {'reduction': 'batchmean', 'alpha': alpha, 'gamma': gamma})
            b.add(fn, b.randn(*shape, scale=2.0), b.rand(*shape), {'reduction': 'batchmean', 'alpha': alpha, 'gamma': gamma})
    b.add(fn, b.randn(4, 3, scale=1e2), b.binary(4, 3), {'reduction': 'batchmean', 'alpha': 0.25, 'gamma': 2.0})
    b.add(fn, b.randn(4, 3, scale=1e4), b.binary(4, 3), {'reduction': 'batchmean', 'alpha': -1, 'gamma': 0.0})
    b.add(fn, torch.zeros(0, 3), torch.zeros(0, 3), {'reduction': 'batchmean', 'alpha': 0.25, 'gamma': 2.0})
    b.add(fn, b.randn(4, 3), b.binary(4, 3), {'reduction': 'bogus', 'alpha': 0.25, 'gamma': 2.0})


CE_SHAPES = [(5,), (4, 3), (3, 4, 5), (2, 3, 2, 3), (8, 2)]


def gen_cross_entropy(b):
    fn = 'crossEntropy'
    for shape in CE_SHAPES:
        ax = 0 if len(shape) == 1 else 1
        C = shape[ax]
        k = C - 1
        ishape = shape[:ax] + shape[ax + 1 :]
        index_sets = [
            ({'zLoss': 1e-4}, b.randint(C, ishape)),
            ({'zLoss': 0.01, 'weight': b.weights(C)}, g.ignored_targets(b, shape, -100)),
            ({'softcap': 30.0}, b.randint(C, ishape)),
            ({'softcap': 2.0, 'weight': b.weights(C), 'labelSmoothing': 0.1}, b.randint(C, ishape)),
            ({'zLoss': 0.5, 'softcap': 5.0, 'ignoreIndex': k, 'weight': b.weights(C), 'labelSmoothing': 0.2}, g.class_targets_with(b, shape, k)),
            ({'zLoss': 0.1, 'ignoreIndex': -1}, g.ignored_targets(b, shape, -1)),
        ]
        for o, target in index_sets:
            for r in REDUCTIONS:
                b.add(fn, b.randn(*shape, scale=2.0), target, {'reduction': r, **o})
        prob_sets = [
            {'zLoss': 0.01},
            {'softcap': 3.0, 'zLoss': 0.02, 'weight': b.weights(C), 'labelSmoothing': 0.1},
        ]
        for o in prob_sets:
            target = b.probs(shape, ax)
            for r in REDUCTIONS:
                b.add(fn, b.randn(*shape, scale=2.0), target, {'reduction': r, **o})
    # large logits: the cap saturates; the z-loss grows with lse^2
    for scale in (1e2, 1e4):
        for r in REDUCTIONS:
            b.add(fn, b.randn(4, 3, scale=scale), b.randint(3, (4,)), {'reduction': r, 'softcap': 30.0, 'zLoss': 1e-4})
            b.add(fn, b.randn(3, 4, 5, scale=scale), g.ignored_targets(b, (3, 4, 5), -100), {'reduction': r, 'zLoss': 1e-4, 'weight': b.weights(4)})
    # +-Infinity: capped logits are finite; NaN in an ignored row contributes nothing
    for r in REDUCTIONS:
        x = t_([[0.0, -INF, 1.0], [2.0, INF, -INF]])
        b.add(fn, x, t_([0, 1], torch.int64), {'reduction': r, 'softcap': 10.0, 'zLoss': 0.01})
        b.add(fn, t_([[0.0, -INF, 1.0], [2.0, 3.0, -INF]]), t_([0, 1], torch.int64), {'reduction': r, 'zLoss': 0.01})
        b.add(fn, t_([[0.0, NAN, 1.0], [2.0, 3.0, 0.5]]), t_([-100, 1], torch.int64), {'reduction': r, 'zLoss': 0.01, 'softcap': 4.0})
        b.add(fn, b.randn(3, 4), t_([-100, -100, -100], torch.int64), {'reduction': r, 'zLoss': 0.01})
        b.add(fn, torch.zeros(0, 4), torch.zeros(0, dtype=torch.int64), {'reduction': r, 'zLoss': 0.01, 'softcap': 5.0})
    # zLoss 0 and softcap alone equal the plain / capped cross-entropy
    for r in REDUCTIONS:
        b.add(fn, b.randn(4, 3), b.randint(3, (4,)), {'reduction': r, 'zLoss': 0.0})
    x = b.randn(3, 4)
    idx = t_([0, 1, 2], torch.int64)
    errors = [
        (x, idx, {'zLoss': -0.1}),
        (x, idx, {'softcap': 0.0}),
        (x, idx, {'softcap': -1.0}),
        (x, idx, {'zLoss': 0.01, 'labelSmoothing': -0.1}),
        (x, t_([0, 4, 1], torch.int64), {'zLoss': 0.01}),
        (x, idx, {'zLoss': 0.01, 'reduction': 'bogus'}),
    ]
    for xe, te, oe in errors:
        b.add(fn, xe, te, oe)


GENERATORS = [gen_categorical, gen_bce, gen_bce_logits, gen_focal, gen_cross_entropy]


def check_all(cases_by_fn):
    n = self_checks()
    print(f'self-checks passed: {n}')
    checked = graded = 0
    for cases in cases_by_fn.values():
        c, gr = cross_check(cases)
        checked += c
        graded += gr
    print(f'cross-checked {checked} finite cases against the naive formulas, {graded} gradients by finite differences')


def main():
    g.main(sys.argv[1:], GENERATORS, FUNCTIONS, 'reference/beyond', check=check_all)


if __name__ == '__main__':
    main()
