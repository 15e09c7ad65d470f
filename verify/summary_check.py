"""``paramproof check-summary``: audit a pasted ``model.summary()`` against the formulas.

Every row's count is compared with the formula for its layer type (``formulas.expect``), on the
output shape of the row above it (or of the rows it is ``Connected to``; a shared layer's calls
each give a candidate input).  What the summary does not show is searched through the engine,
cheapest values first, for every class with a formula:

* convolutions (also transposed, depthwise, separable, ConvLSTM): the count is affine in the
  kernel size K = k1 × … × kr (bilinear in K and the input channels for a first layer), so a few
  evaluations give the coefficients, the count gives K, and every split of K into a kernel up to
  the input size (any size under ``padding='same'``) is checked against the printed output
  shape under each padding, stride and dilation; bias on/off, channels_first, groups, depth
  multipliers;
* MultiHeadAttention (num_heads × key_dim, value_dim, output_shape, bias), GroupQueryAttention
  (query and key/value heads, head_dim), Attention/AdditiveAttention's scale and score mode;
* TimeDistributed: each common inner class with its own search, on the shape without the time
  axis; Bidirectional: the inner RNN, the merge mode;
* normalizations on every axis (Keras 1/2 channels-first ``axis=1``), center/scale; Normalization's
  axis or given mean/variance; PReLU's shared axes; RNN units when the output shape is cut;
* a type cut by its column (``(Average``) is a prefix: each class it allows is tried.

When several value sets explain a row they are listed, nearest first.  A row is ``ok`` only when
an explanation also fits its printed output shape and is not a mere guess (an untyped row whose
name says no class); ``skip`` (unchecked, with the reason) when nothing can be compared (a custom
class, a nested model printed alone, a cut count, an output shape cut or ``multiple`` that leaves
the row unplaced); ``WRONG`` when no values explain it.  The Total / Trainable / Non-trainable
lines are checked against the sum of the top-level rows and the non-trainable share the formulas
predict (moving statistics, whole frozen layers, ``show_trainable`` flags); with rows left out
(``...``) only Trainable + Non-trainable = Total is checked.

Standard library and ``formulas`` only: this never imports TensorFlow.  ``formulas.expect`` is
memoized on (class, config, shape): a summary repeats its layers.

Exit codes: 0 consistent, 1 a row or totals line that no values explain, 2 unreadable text.
"""

from __future__ import annotations

import argparse
import bisect
import codecs
import dataclasses
import functools
import json
import math
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import formulas
from formulas.layers.preprocessing import ASSET_VOCABULARY

from .limits import MAX_SUMMARY_BYTES, LimitError, read_bounded, read_file_bounded
from .summary_parse import ELLIPSIS, Shape, Summary, SummaryFormat, SummaryParseError, SummaryRow, SummaryTotal, parse_summary

EXIT_OK, EXIT_DISCREPANCY, EXIT_USAGE = 0, 1, 2

AnyShape = Shape | tuple[Shape, ...]


class RowStatus(str, Enum):
    EXPLAINED = "explained"
    UNEXPLAINED = "unexplained"
    UNCHECKED = "unchecked"  # nothing to check against: a custom class, a nested model, a cut count

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class RowCheck:
    row: SummaryRow
    status: RowStatus
    detail: str
    class_name: str | None = None
    non_trainable: int | None = None  # what the formula makes non-trainable (moving statistics)
    cost: float | None = None  # how unusual the explaining values are (0: the defaults)


@dataclass(frozen=True)
class TotalCheck:
    kind: str
    ok: bool
    detail: str
    total: SummaryTotal | None = None


@dataclass(frozen=True)
class SummaryCheck:
    summary: Summary
    keras: str
    rows: tuple[RowCheck, ...]
    totals: tuple[TotalCheck, ...]

    @property
    def consistent(self) -> bool:
        return all(r.status is not RowStatus.UNEXPLAINED for r in self.rows) and all(t.ok for t in self.totals)


# --- evaluation through the engine, memoized ------------------------------------------------


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


@functools.lru_cache(maxsize=1 << 16)
def _expect_frozen(cls: str, config_json: str, shape: Any, keras: str, out: Any) -> formulas.Expectation | None:
    config = json.loads(config_json)
    for _ in range(6):
        try:
            return formulas.expect({"class_name": cls, "config": config}, shape, keras=keras)
        except formulas.InvalidLayerError as exc:
            text = str(exc)
            if "no vocabulary" in text and ASSET_VOCABULARY not in config:
                # An adapted lookup layer: its vocabulary is not in the summary, nor in its config.
                config[ASSET_VOCABULARY] = None
                continue
            m = re.search(r"missing required argument '(\w+)'", text)
            if not m or m.group(1) not in _FILLERS or m.group(1) in config or out is None:
                return None
            try:
                config[m.group(1)] = _FILLERS[m.group(1)](out)
            except (IndexError, TypeError):
                return None
        except (formulas.UnknownLayerError, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError):
            return None
    return None


def _expect(cls: str, config: dict[str, Any], shape: Any, keras: str, out: AnyShape | None) -> formulas.Expectation | None:
    """``formulas.expect`` on (class, config, shape), memoized: a summary repeats its layers."""
    if shape is None:
        return None
    try:
        key = json.dumps(config, sort_keys=True)
    except TypeError:
        return None
    return _expect_frozen(cls, key, _freeze(shape), keras, _freeze(out))


#: Values for required arguments that do not change the weights, when a summary cannot show them.
_FILLERS: dict[str, Callable[[AnyShape], Any]] = {
    "activation": lambda out: "linear",
    "rate": lambda out: 0.5,
    "stddev": lambda out: 0.1,
    "scale": lambda out: 1.0,
    "factor": lambda out: 0.1,
    "target_shape": lambda out: list(out[1:]),
    "n": lambda out: out[1],
    "dims": lambda out: list(range(1, len(out))),
    "function": lambda out: None,
    "height": lambda out: out[1],
    "width": lambda out: out[2],
    "num_bins": lambda out: 2,
    "output_size": lambda out: list(out[1:-1]),
    "axes": lambda out: -1,
}

#: Families whose every class, in every config, has no weights (PReLU aside); a 0 on such a row
#: needs no config to be explained.
_WEIGHTLESS_FAMILIES = {"activation", "regularization", "pooling", "merging", "reshaping", "augmentation"}
_WEIGHTLESS_CLASSES = {
    "CenterCrop",
    "Rescaling",
    "Resizing",
    "Hashing",
    "HashedCrossing",
    "CategoryEncoding",
    "StringLookup",
    "IntegerLookup",
    "TextVectorization",
    "Identity",
    "Masking",
    "UnitNormalization",
}


#: tf-keras's wrappers of TensorFlow functions called on Keras tensors (``tf.math.multiply`` ...).
_TF_OPS = frozenset({"TFOpLambda", "SlicingOpLambda", "ClassMethod", "InstanceMethod", "InstanceProperty"})


def _always_weightless(cls: str) -> bool:
    return cls != "PReLU" and (formulas.family(cls) in _WEIGHTLESS_FAMILIES or cls in _WEIGHTLESS_CLASSES)


def _compatible(expected: Any, stated: Any) -> bool:
    if stated is None:
        return True
    if isinstance(stated, tuple) and stated and isinstance(stated[0], tuple):
        return (
            isinstance(expected, tuple)
            and len(expected) == len(stated)
            and all(_compatible(e, s) for e, s in zip(expected, stated))
        )
    if not isinstance(expected, tuple) or (expected and isinstance(expected[0], tuple)) or len(expected) != len(stated):
        return False
    return all(e is None or s is None or e == s for e, s in zip(expected, stated))


# --- what a search finds --------------------------------------------------------------------


@dataclass
class _Match:
    cost: float
    knobs: tuple[str, ...]
    expectation: formulas.Expectation
    shape_ok: bool
    class_name: str = ""
    config: dict[str, Any] | None = None  # what the engine was given, to wrap it (TimeDistributed)


@dataclass
class _Found:
    """What the search of one class found: every value set that reproduces the count (cheapest
    first after sorting), the nearest miss for the message, and what was tried."""

    matches: list[_Match] = field(default_factory=list)
    nearest: tuple[int, str] | None = None
    tried: str = ""

    def miss(self, total: int, target: int, knobs: Sequence[str]) -> None:
        if self.nearest is None or abs(total - target) < abs(self.nearest[0] - target):
            self.nearest = (total, ", ".join(knobs) or "defaults")


#: Alternatives listed are those at most this much costlier than the best.
_ALT_MARGIN = 3.0
#: A search stops trying costlier candidates once it has this many shape-compatible matches.
_ENOUGH = 6


@dataclass(frozen=True)
class _Candidate:
    """One guess for a row: the layer config and input as functions of an unknown ``c`` (the
    input channels, an Embedding's vocabulary, a Dense's units), used only when the summary does
    not show them, what it assumes, and how unusual it is."""

    class_name: str
    build: Callable[[int], tuple[dict[str, Any], Any]]
    knobs: tuple[str, ...]
    cost: float
    solve_channels: bool = False
    solve_text: str = "input channels"


def _with_last(config: dict[str, Any], leading: Shape) -> Callable[[int], tuple[dict[str, Any], Any]]:
    """``config`` on an input of ``leading`` dims and ``c`` last-axis channels."""
    return lambda c: (config, (*leading, c))


def _units(bias: bool, shape: Shape) -> Callable[[int], tuple[dict[str, Any], Any]]:
    """A Dense of ``c`` units on ``shape`` (its output printed as 'multiple')."""
    return lambda c: ({"units": c, "use_bias": bias}, shape)


def _shape_text(shape: AnyShape | None) -> str:
    return "unknown" if shape is None else formulas.format_output_shape(shape)


def _fixed(config: dict[str, Any], shape: Any) -> Callable[[int], tuple[dict[str, Any], Any]]:
    return lambda c: (config, shape)


def _run_candidates(cands: list[_Candidate], out: AnyShape | None, target: int, keras: str, found: _Found) -> None:
    """Every candidate, cheapest first, until the matches found are clearly cheaper than the rest."""
    for cand in sorted(cands, key=lambda c: c.cost):
        good = [m for m in found.matches if m.shape_ok]
        if len(good) >= _ENOUGH or (good and cand.cost > min(m.cost for m in good) + _ALT_MARGIN):
            break
        if cand.solve_channels:
            tries = _solve_affine(cand, target, keras, out)
        else:
            cfg, shape = cand.build(0)
            tries = [(None, _expect(cand.class_name, cfg, shape, keras, out))]
        for channels, e in tries:
            if e is None:
                continue
            cfg = cand.build(channels or 0)[0]
            knobs = cand.knobs + ((_count_text(cand.solve_text, channels),) if channels else ())
            if e.total != target:
                found.miss(e.total, target, knobs)
                continue
            cost = cand.cost + (_channel_cost(channels) if channels and cand.solve_text == "input channels" else 0)
            found.matches.append(_Match(cost, knobs, e, _compatible(e.output_shape, out), cand.class_name, cfg))


def _count_text(what: str, n: int) -> str:
    if what == "vocabulary":
        return f"vocabulary {n:,}"
    if what == "units":
        return f"{n:,} units"
    if what == "head_dim":
        return f"head_dim {n:,}"
    return f"{n:,} {what}"


def _channel_cost(c: int) -> float:
    return 0.0 if c in (1, 3) else 0.5 if c in (2, 4) else 1.0


def _solve_affine(
    cand: _Candidate, target: int, keras: str, out: AnyShape | None
) -> list[tuple[int | None, formulas.Expectation | None]]:
    """The count is affine in ``c`` for every candidate searched this way: two evaluations give
    the line, the target gives the value."""

    def at(c: int) -> formulas.Expectation | None:
        cfg, shape = cand.build(c)
        return _expect(cand.class_name, cfg, shape, keras, out)

    e1, e2 = at(1), at(2)
    if e1 is None or e2 is None:
        return [(1, e1)]
    slope = e2.total - e1.total
    if slope == 0:
        return [(None, e1)]
    c, rem = divmod(target - e1.total, slope)
    if rem or c < 0:
        near = max(1, round((target - e1.total) / slope) + 1)
        return [(near, at(near))]
    return [(c + 1, at(c + 1))]


def _single(shape: AnyShape | None) -> Shape | None:
    if shape is None or (shape and isinstance(shape[0], tuple)):
        return None
    return shape  # type: ignore[return-value]


def _where(shape: Any) -> str:
    return "an unknown input" if shape is None else f"input {formulas.format_output_shape(shape)}"


#: Trial division stops here: every divisor of a count up to 10^10 is found; a larger count
#: (no single layer has one) gets those up to 10^5 and their cofactors, in bounded time.
_DIVISOR_SEARCH = 100_000


def _divisors(n: int) -> list[int]:
    if n <= 0:
        return [1]
    small = [d for d in range(1, min(math.isqrt(n), _DIVISOR_SEARCH) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small)})


def _bias_text(on: bool) -> str:
    return "bias on" if on else "bias off"


def _kernel_text(kernel: tuple[int, ...]) -> str:
    return "kernel " + "×".join(map(str, kernel))


# --- convolutions: the kernel size solved from the count ------------------------------------

_CONV = re.compile(r"^(?:Conv|Convolution)(?P<rank>[123])D(?P<transpose>Transpose)?$")
_DEPTHWISE = re.compile(r"^DepthwiseConv(?P<rank>[12])D$")
_SEPARABLE = re.compile(r"^Separable(?:Conv|Convolution)(?P<rank>[12])D$")
_CONVLSTM = re.compile(r"^ConvLSTM(?P<rank>[123])D$")
_RNN = {"LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU"}
_NORMS = {"BatchNormalization", "LayerNormalization", "SyncBatchNormalization", "GroupNormalization", "RMSNormalization"}

#: Padding and strides tried when a kernel's count matches and the output shape must be checked:
#: (padding, stride, dilation, extra cost).
_PADDINGS = (
    ("valid", 1, 1, 0.0),
    ("same", 1, 1, 0.5),
    ("valid", 2, 1, 2.0),
    ("same", 2, 1, 2.0),
    ("valid", 3, 1, 3.0),
    ("same", 3, 1, 3.0),
    ("valid", 4, 1, 3.0),
    ("same", 4, 1, 3.0),
    ("valid", 1, 2, 3.0),
    ("valid", 1, 3, 3.5),
    ("valid", 1, 4, 3.5),
)


#: The most weights per channel pair a kernel searched for may have (7×7×7 is 343; a 1D kernel of
#: 100,000 is already past any real layer).
_MAX_KERNEL = 100_000


def _kernel_cost(kernel: tuple[int, ...]) -> float:
    preferred = {3: 0.0, 1: 1.0, 5: 1.0, 7: 2.0}
    if len(set(kernel)) == 1:
        return preferred.get(kernel[0], 3.0 + kernel[0] / 4)
    return 5.0 + sum(kernel) / 4


def _factorizations(product: int, caps: Sequence[int]) -> list[tuple[int, ...]]:
    """Every kernel (k1, …, kr) with k1 × … × kr = ``product`` and each ki ≤ caps[i]."""
    if not caps:
        return [()] if product == 1 else []
    if product > math.prod(caps):
        return []  # no kernel within the caps (and no divisor search of a count of 10^18)
    if len(caps) == 1:
        return [(product,)] if product <= caps[0] else []
    out: list[tuple[int, ...]] = []
    for d in _divisors(product):
        if d <= caps[0]:
            out.extend((d, *rest) for rest in _factorizations(product // d, caps[1:]))
    return out


def _formats(out: Shape, inp1: Shape | None, rank: int) -> list[tuple[str, float]]:
    """Data formats to try, with their cost: a square map read one way and not the other (32×32
    by 16 channels) says which; channels_first is otherwise the rarer (Keras 1/2 on Theano)."""
    if rank >= 2:
        square = [s for s in (inp1, out) if s is not None and len(s) == rank + 2]
        last = any(len(set(s[1:-1])) == 1 and s[-1] != s[1] for s in square)
        first = any(len(set(s[2:])) == 1 and s[1] != s[2] for s in square)
        if last and not first:
            return [("channels_last", 0.0)]
        if first and not last:
            return [("channels_first", 0.0), ("channels_last", 3.0)]
    return [("channels_last", 0.0), ("channels_first", 3.0)]


def _conv_input(inp1: Shape | None, c: int | None, ch: int, probe: Callable[[int], Shape]) -> Shape:
    """The input a convolution is evaluated on: the row's, with the solved channels put in."""
    if inp1 is None:
        return probe(c or 1)
    if c is None:
        return inp1
    dims = list(inp1)
    dims[ch] = c
    return tuple(dims)


def _conv_search(cls: str, out: Shape, inp1: Shape | None, target: int, keras: str) -> _Found:
    """The count of a convolution is affine in the kernel's size K = k1 × … × kr (and, for a
    first layer, bilinear in K and the input channels C).  A few engine evaluations give the
    coefficients; every (K, C) that gives the count is then split into kernels up to the input
    size (any size under ``padding='same'``), and the cheapest are evaluated with the real
    shape, under each padding and stride, to check the printed output shape."""
    conv, depthwise, separable = _CONV.match(cls), _DEPTHWISE.match(cls), _SEPARABLE.match(cls)
    lstm = _CONVLSTM.match(cls)
    m = conv or depthwise or separable or lstm
    assert m is not None
    rank = int(m.group("rank"))
    # ConvLSTM: a time axis before the spatial ones (in the output only with return_sequences).
    in_lead = 1 if lstm else 0
    out_lead = 1 if lstm and len(out) == rank + 3 else 0
    in_rank = rank + 2 + in_lead
    found = _Found()
    formats = [("channels_last", 0.0)]
    if not lstm and len(out) == rank + 2 and not (inp1 and len(inp1) != rank + 2):
        formats = _formats(out, inp1, rank)
    solutions: list[tuple[float, tuple[int, ...], dict[str, Any], tuple[str, ...], Shape]] = []
    for fmt, fmt_cost in formats:
        ch = -1 if fmt == "channels_last" else 1
        filters = out[ch]
        if filters is None or len(out) != rank + 2 + out_lead:
            continue
        in_ok = inp1 is not None and len(inp1) == in_rank
        known_c = inp1[ch] if inp1 is not None and in_ok else None
        in_spatial = (inp1[1 + in_lead : -1] if ch == -1 else inp1[2:]) if inp1 is not None and in_ok else (None,) * rank
        out_spatial = out[1 + out_lead : -1] if ch == -1 else out[2:]
        caps = [max(15, d or 0, o or 0) for d, o in zip(in_spatial, out_spatial)]

        # Keras 3's ConvLSTM needs static spatial dims: the printed output's (the count does not
        # depend on them).
        lstm_spatial = tuple(d or 32 for d in out_spatial)

        def probe_shape(c: int, fmt: str = fmt, lstm_spatial: Shape = lstm_spatial) -> Shape:
            spatial = (None, *lstm_spatial) if lstm else (None,) * rank
            return (None, *spatial, c) if fmt == "channels_last" else (None, c, *spatial)

        for bias in (True, False):
            base: dict[str, Any] = {"use_bias": bias, "data_format": fmt}
            if lstm:
                base["return_sequences"] = bool(out_lead)
            knobs0 = [_bias_text(bias)] + ([fmt] if fmt != "channels_last" else [])
            cost0 = (0 if bias else 1) + fmt_cost
            # (extra config, knobs, cost, channels fixed by the extra or None)
            extras: list[tuple[dict[str, Any], tuple[str, ...], float, int | None]] = []
            if depthwise:
                chans = [known_c] if known_c is not None else _divisors(filters)
                for dc in chans:
                    if dc is None or dc <= 0 or filters % dc:
                        continue
                    mult = filters // dc
                    knobs = (f"depth multiplier {mult}",) + (() if known_c is not None else (f"{dc:,} input channels",))
                    extras.append(({"depth_multiplier": mult}, knobs, 0.0 if mult == 1 else 0.5 + mult / 8, dc))
            elif separable:
                for mult in range(1, 9):
                    extras.append(
                        (
                            {"filters": filters, "depth_multiplier": mult},
                            (f"depth multiplier {mult}",),
                            0.0 if mult == 1 else 0.5 + mult / 4,
                            None,
                        )
                    )
            else:
                extras.append(({"filters": filters}, (), 0.0, None))
                if known_c and conv and not conv.group("transpose"):
                    for groups in _divisors(known_c)[1:]:
                        if filters % groups == 0:
                            extras.append(({"filters": filters, "groups": groups}, (f"groups {groups}",), 4.0, None))
            for extra, extra_knobs, extra_cost, fixed_c in extras:
                cfg = {**base, **extra}
                c_known = fixed_c if fixed_c is not None else known_c

                def g(k: int, c: int, cfg: dict[str, Any] = cfg) -> int | None:
                    e = _expect(cls, {**cfg, "kernel_size": [k] + [1] * (rank - 1)}, probe_shape(c), keras, out)
                    return None if e is None else e.total

                if c_known is not None:
                    g1, g2 = g(1, c_known), g(2, c_known)
                    if g1 is None or g2 is None or g2 <= g1:
                        continue
                    a = g2 - g1
                    d = g1 - a
                    for k in (1, 3, 5, 7):
                        found.miss(a * k**rank + d, target, [_kernel_text((k,) * rank), *knobs0, *extra_knobs])
                    kk, rem = divmod(target - d, a)
                    pairs: list[tuple[int, int | None]] = [(kk, None)] if not rem and kk >= 1 else []
                else:
                    g11, g21, g12, g22 = g(1, 1), g(2, 1), g(1, 2), g(2, 2)
                    if None in (g11, g21, g12, g22):
                        continue
                    assert g11 is not None and g21 is not None and g12 is not None and g22 is not None
                    big_a = g22 - g21 - g12 + g11
                    b_k = g21 - g11 - big_a
                    b_c = g12 - g11 - big_a
                    d0 = g11 - big_a - b_k - b_c
                    for k, cm in ((3, 3), (1, 1), (3, 1)):
                        kv = k**rank
                        found.miss(
                            big_a * kv * cm + b_k * kv + b_c * cm + d0,
                            target,
                            [_kernel_text((k,) * rank), *knobs0, *extra_knobs, f"{cm} input channels"],
                        )
                    pairs = []
                    limit = 1
                    for cap in caps:
                        limit *= cap
                    # denom <= num (else no whole channel count) bounds the kernel size by the
                    # count; a kernel of more than _MAX_KERNEL weights is never tried (an output
                    # of 10^11 would otherwise loop for ever).
                    if big_a + b_k > 0:
                        limit = min(limit, max(0, (target - d0 - b_c) // (big_a + b_k)) + 1)
                    for kk in range(1, min(limit, _MAX_KERNEL) + 1):
                        denom = big_a * kk + b_c
                        num = target - b_k * kk - d0
                        if denom <= 0 or num <= 0 or num % denom:
                            continue
                        pairs.append((kk, num // denom))
                for kk, c in pairs:
                    for kernel in _factorizations(kk, caps):
                        if "groups" in extra and (len(set(kernel)) > 1 or kernel[0] > 7):
                            continue  # grouped convolutions: square kernels of the usual sizes
                        cost = _kernel_cost(kernel) + cost0 + extra_cost + (0 if c is None else _channel_cost(c))
                        knobs = (_kernel_text(kernel), *knobs0, *extra_knobs) + (() if c is None else (f"{c:,} input channels",))
                        shape = _conv_input(inp1, c if c is not None else fixed_c, ch, probe_shape)
                        solutions.append((cost, kernel, cfg, knobs, shape))
    solutions.sort(key=lambda s: s[0])
    spatial_known = inp1 is not None and any(d is not None for d in inp1[1:])
    for cost, kernel, cfg, knobs, shape in solutions:
        good = [m for m in found.matches if m.shape_ok]
        if len(good) >= _ENOUGH or (good and cost > min(m.cost for m in good) + _ALT_MARGIN) or len(found.matches) > 24:
            break
        first: _Match | None = None
        for padding, stride, dilation, p_cost in _PADDINGS if spatial_known else _PADDINGS[:2]:
            change: dict[str, Any] = {"kernel_size": list(kernel), "padding": padding, "strides": stride}
            if dilation != 1:
                change["dilation_rate"] = dilation
            e = _expect(cls, {**cfg, **change}, shape, keras, out)
            if e is None or e.total != target:
                continue
            pad = (
                f"padding {padding}"
                + (f", stride {stride}" if stride != 1 else "")
                + (f", dilation {dilation}" if dilation != 1 else "")
            )
            pad_knobs = (pad,) if spatial_known and (padding, stride, dilation) != ("valid", 1, 1) else ()
            match = _Match(cost + p_cost, (*knobs, *pad_knobs), e, _compatible(e.output_shape, out), cls, {**cfg, **change})
            if match.shape_ok:
                first = match
                break
            first = first or match
        if first is not None:
            found.matches.append(first)
    where = _where(inp1) if inp1 is not None else "any input channels"
    extra_text = ", depth multiplier 1…8" if separable else ", depth multiplier from the channels" if depthwise else ", groups"
    found.tried = f"{cls} with every kernel up to the input size, bias on/off, padding/strides{extra_text}, on {where}"
    return found


# --- attention ------------------------------------------------------------------------------


def _attention_inputs(inp: AnyShape | None) -> tuple[Shape, ...] | None:
    if inp is None:
        return None
    if inp and isinstance(inp[0], tuple):
        shapes = tuple(s for s in inp if isinstance(s, tuple))
        return shapes if 2 <= len(shapes) <= 3 else None
    return (inp, inp)  # type: ignore[return-value]  # self-attention on the row above


def _head_splits(product: int) -> str:
    typical = (8, 4, 12, 16, 2, 6, 32, 1)
    splits = [h for h in typical if product % h == 0][:3]
    return ", ".join(f"{h}×{product // h}" for h in splits)


def _mha_search(out: Shape | None, inp: AnyShape | None, target: int, keras: str) -> _Found:
    """MultiHeadAttention's count depends on num_heads × key_dim (and × value_dim), not on each:
    the product is solved from the count, the splits are named."""
    found = _Found()
    shapes = _attention_inputs(inp)
    found.tried = f"MultiHeadAttention with any num_heads × key_dim (and value_dim), bias on/off, on {_where(inp)}"
    if shapes is None or any(s[-1] is None for s in shapes):
        return found
    q = shapes[0][-1]
    o = out[-1] if out is not None else q
    for distinct in (False, True):  # value_dim = key_dim first; another value_dim only if that fails
        if distinct and found.matches:
            break
        for bias in (True, False):
            base: dict[str, Any] = {"num_heads": 1, "use_bias": bias}
            out_knobs: tuple[str, ...] = ()
            if o != q and o is not None:
                base["output_shape"] = o
                out_knobs = (f"output_shape {o}",)
            b_cost = 0 if bias else 1

            def g(kd: int, vd: int | None, base: dict[str, Any] = base) -> formulas.Expectation | None:
                cfg = {**base, "key_dim": kd} if vd is None else {**base, "key_dim": kd, "value_dim": vd}
                return _expect("MultiHeadAttention", cfg, shapes, keras, out)

            if not distinct:
                e1, e2 = g(1, None), g(2, None)
                if e1 is None or e2 is None or e2.total <= e1.total:
                    continue
                slope = e2.total - e1.total
                p, rem = divmod(target - e1.total, slope)
                product = p + 1
                found.miss(e1.total + slope * round((target - e1.total) / slope), target, [_bias_text(bias)])
                if not rem and product >= 1:
                    heads = next(h for h in (8, 4, 12, 16, 2, 6, 32, 1) if product % h == 0)
                    cfg = {**base, "num_heads": heads, "key_dim": product // heads}
                    e = _expect("MultiHeadAttention", cfg, shapes, keras, out)
                    if e is not None and e.total == target:
                        knobs = (f"num_heads × key_dim = {product:,} ({_head_splits(product)})", _bias_text(bias), *out_knobs)
                        found.matches.append(_Match(b_cost, knobs, e, _compatible(e.output_shape, out), "MultiHeadAttention"))
                continue
            # value_dim ≠ key_dim: count = a·kd + b·vd + c.
            e11, e21, e12 = g(1, 1), g(2, 1), g(1, 2)
            if e11 is None or e21 is None or e12 is None:
                continue
            a, b = e21.total - e11.total, e12.total - e11.total
            c0 = e11.total - a - b
            if a <= 0 or b <= 0:
                continue
            pairs = _closest_pairs(a, b, target - c0)
            for kd, vd in pairs[:3]:
                e = g(kd, vd)
                if e is not None and e.total == target:
                    knobs = (f"num_heads × key_dim = {kd:,}, num_heads × value_dim = {vd:,}", _bias_text(bias), *out_knobs)
                    found.matches.append(_Match(3 + b_cost, knobs, e, _compatible(e.output_shape, out), "MultiHeadAttention"))
    return found


def _closest_pairs(a: int, b: int, total: int, most: int = 3) -> list[tuple[int, int]]:
    """The ``most`` solutions (kd, vd ≥ 1) of a·kd + b·vd = total with kd closest to vd, closest
    first (ties: smaller kd first).  The solutions' kd step by b / gcd(a, b), and |kd − vd| grows
    with the distance from total / (a + b): only the ones around it are looked at (a loop over
    every kd took minutes on a count of 10^15, found by make fuzz)."""
    g = math.gcd(a, b)
    if total <= 0 or total % g:
        return []
    step = b // g
    k0 = (total // g) * pow(a // g, -1, step) % step if step > 1 else 0
    k0 = k0 or step  # the smallest kd ≥ 1 of the progression
    center = (total // (a + b) - k0) // step
    pairs = []
    for t in range(max(0, center - most - 1), center + most + 2):
        kd = k0 + t * step
        rest = total - a * kd
        if rest > 0 and rest % b == 0:
            pairs.append((kd, rest // b))
    pairs.sort(key=lambda kv: abs(kv[0] - kv[1]))
    return pairs[:most]


def _head_dim(base: dict[str, Any], shapes: Any) -> Callable[[int], tuple[dict[str, Any], Any]]:
    return lambda c: ({**base, "head_dim": c}, shapes)


def _gqa_search(cls: str, out: Shape | None, inp: AnyShape | None, target: int, keras: str) -> _Found:
    """GroupQueryAttention: head_dim solved from the count for each (query heads, key/value heads)."""
    found = _Found()
    shapes = _attention_inputs(inp)
    found.tried = f"{cls} with query heads 1…32, key/value heads dividing them, any head_dim, bias on/off, on {_where(inp)}"
    if shapes is None:
        return found
    for bias in (True, False):
        for hq in (1, 2, 4, 8, 12, 16, 32):
            for hkv in _divisors(hq):
                base = {"num_query_heads": hq, "num_key_value_heads": hkv, "use_bias": bias}
                cand = _Candidate(
                    cls,
                    _head_dim(base, shapes),
                    (f"{hq} query heads", f"{hkv} key/value heads", _bias_text(bias)),
                    (0 if bias else 1) + (0 if hq in (4, 8) else 0.5) + (0 if hkv < hq else 0.5),
                    solve_channels=True,
                    solve_text="head_dim",
                )
                _run_candidates([cand], out, target, keras, found)
    return found


# --- the search space of each class ---------------------------------------------------------


def _toggles(cls: str, shape: Any, keras: str) -> list[tuple[dict[str, Any], tuple[str, ...], float]]:
    """The defaults, then the options that change the weights of the classes that have a few."""
    out: list[tuple[dict[str, Any], tuple[str, ...], float]] = [({}, (), 0.0)]
    single = _single(shape)
    if cls == "Attention":
        out += [
            ({"use_scale": True}, ("use_scale on",), 1.0),
            ({"score_mode": "concat"}, ("score_mode concat",), 1.0),
            ({"use_scale": True, "score_mode": "concat"}, ("use_scale on", "score_mode concat"), 2.0),
        ]
    elif cls == "AdditiveAttention":
        out.append(({"use_scale": False}, ("use_scale off",), 1.0))
    elif cls == "Normalization" and single is not None:
        out.append(({"mean": 0.0, "variance": 1.0}, ("mean and variance given (constants, not weights)",), 0.5))
        axes = list(range(1, len(single)))
        out.append(({"axis": None}, ("axis None (one mean and variance)",), 1.0))
        out += [({"axis": ax}, (f"axis {ax}",), 1.0) for ax in axes[:-1]]
        if len(axes) > 1:
            out.append(({"axis": axes}, (f"axis {tuple(axes)}",), 1.5))
            out += [({"axis": [a, b]}, (f"axis ({a}, {b})",), 2.0) for a in axes for b in axes if a < b and [a, b] != axes]
    elif cls == "PReLU" and single is not None:
        axes = list(range(1, len(single) - 1))
        for n in range(1, len(axes) + 1):
            out.append(({"shared_axes": axes[:n]}, (f"shared_axes {axes[:n]}",), 1.0))
        if len(single) > 2:
            out.append(({"shared_axes": list(range(1, len(single)))}, (f"shared_axes {list(range(1, len(single)))}",), 2.0))
    return out


def _norm_candidates(cls: str, shape: Any) -> list[_Candidate]:
    single = _single(shape)
    axes: list[tuple[Any, tuple[str, ...], float]] = [(-1, (), 0.0)]
    if single is not None and len(single) >= 3:
        axes.append((1, ("axis 1 (channels first)",), 1.0))
        axes.extend((ax, (f"axis {ax}",), 2.0) for ax in range(2, len(single) - 1))
    cands = []
    for axis, axis_knobs, axis_cost in axes:
        if cls == "GroupNormalization":
            toggles: list[tuple[dict[str, Any], tuple[str, ...], float]] = [
                (
                    {"center": center, "scale": scale, "groups": -1},
                    tuple(k for k, on in (("center off", center), ("scale off", scale)) if not on),
                    (not center) + (not scale),
                )
                for center in (True, False)
                for scale in (True, False)
            ]
        elif cls == "RMSNormalization":
            toggles = [({}, (), 0.0)]
        else:
            toggles = [
                (
                    {"center": center, "scale": scale},
                    tuple(k for k, on in (("center off", center), ("scale off", scale)) if not on),
                    (not center) + (not scale),
                )
                for center in (True, False)
                for scale in (True, False)
            ]
        for cfg, knobs, t_cost in toggles:
            full = {**cfg, "axis": axis} if axis != -1 else cfg
            cands.append(_Candidate(cls, _fixed(full, shape), (*axis_knobs, *knobs), t_cost + axis_cost))
    return cands


def _rnn_candidates(cls: str, out: Shape, inp1: Shape | None, state: bool = False) -> list[_Candidate]:
    """``state``: the row prints several outputs, the sequence (or last output) and the states."""
    inners = ["LSTM", "GRU", "SimpleRNN"] if cls == "Bidirectional" else [cls]
    seq = len(out) == 3
    cands: list[_Candidate] = []
    merges = (("concat", 2, 0.0), ("sum", 1, 1.0)) if cls == "Bidirectional" else ((None, 1, 0.0),)
    for inner in inners:
        for merge, factor, m_cost in merges:
            if out[-1] is None or out[-1] % factor:
                continue
            units = out[-1] // factor
            for bias in (True, False):
                for reset in (True, False) if inner == "GRU" else (None,):
                    inner_cfg: dict[str, Any] = {"units": units, "use_bias": bias, "return_sequences": seq}
                    if state:
                        inner_cfg["return_state"] = True
                    knobs = [_bias_text(bias)]
                    cost = (0 if bias else 1) + m_cost + (0 if inner == inners[0] else 0.5)
                    if reset is not None:
                        inner_cfg["reset_after"] = reset
                        knobs.append("reset_after on" if reset else "reset_after off (the Keras 1/2.x GRU)")
                        cost += 0 if reset else 1
                    if cls == "Bidirectional":
                        cfg: dict[str, Any] = {"layer": {"class_name": inner, "config": inner_cfg}, "merge_mode": merge}
                        knobs.insert(0, f"{inner}, merge {merge}" + (" (or mul/ave)" if merge == "sum" else ""))
                    else:
                        cfg = inner_cfg
                    if inp1 is not None:
                        cands.append(_Candidate(cls, _fixed(cfg, inp1), tuple(knobs), cost))
                    else:
                        leading = (None, out[1] if seq else None)
                        cands.append(
                            _Candidate(
                                cls,
                                _with_last(cfg, leading),
                                tuple(knobs),
                                cost,
                                solve_channels=True,
                                solve_text="inputs",
                            )
                        )
    return cands


def _rnn_units(cls: str, inp1: Shape, target: int, keras: str, found: _Found) -> None:
    """A recurrent layer's count is quadratic in its units: three evaluations give it, the count
    gives the units."""
    for bias in (True, False):
        for reset in (True, False) if cls == "GRU" else (None,):
            base: dict[str, Any] = {"use_bias": bias}
            knobs = [_bias_text(bias)]
            if reset is not None:
                base["reset_after"] = reset
                knobs.append("reset_after on" if reset else "reset_after off (the Keras 1/2.x GRU)")
            counts = [_expect(cls, {**base, "units": u}, inp1, keras, None) for u in (1, 2, 3)]
            if any(e is None for e in counts):
                continue
            f1, f2, f3 = (e.total for e in counts if e is not None)
            a2 = f3 - 2 * f2 + f1  # 2a
            b = (f2 - f1) - a2 // 2 * 3  # f(u) = a u² + b u + c
            a = a2 // 2
            c = f1 - a - b
            if a <= 0:
                continue
            disc = b * b - 4 * a * (c - target)
            if disc < 0:
                continue
            root = int(round((-b + disc**0.5) / (2 * a)))
            for units in (root - 1, root, root + 1):
                if units < 1:
                    continue
                e = _expect(cls, {**base, "units": units}, inp1, keras, None)
                if e is not None and e.total == target:
                    cost = (0 if bias else 1) + (0 if reset in (None, True) else 1)
                    found.matches.append(_Match(cost, (f"{units:,} units", *knobs), e, True, cls, {**base, "units": units}))
                elif e is not None:
                    found.miss(e.total, target, [f"{units:,} units", *knobs])


def _ranked(shape: AnyShape | None) -> AnyShape | None:
    """A shape the searches can read: a printed ``()`` (a scalar, or a shape mangled in the
    paste), alone or among several, is none (every search reads the last axis)."""
    if not shape or (isinstance(shape[0], tuple) and not all(shape)):
        return None
    return shape


def _search_class(
    cls: str, out: AnyShape | None, inp: AnyShape | None, target: int, keras: str, supported: set[str], depth: int = 0
) -> _Found:
    out, inp = _ranked(out), _ranked(inp)
    out1 = _single(out)
    inp1 = _single(inp)
    if out1 is not None and (_CONV.match(cls) or _DEPTHWISE.match(cls) or _SEPARABLE.match(cls) or _CONVLSTM.match(cls)):
        return _conv_search(cls, out1, inp1, target, keras)
    if cls == "MultiHeadAttention":
        return _mha_search(out1, inp, target, keras)
    if cls == "GroupQueryAttention":
        return _gqa_search(cls, out1, inp, target, keras)
    if cls == "TimeDistributed" and depth == 0:
        return _time_distributed_search(out1, inp1, target, keras, supported)
    found = _Found()
    cands: list[_Candidate] = []
    if cls == "Dense" and (out1 is not None or inp1 is not None):
        for bias in (True, False):
            if out1 is not None and out1[-1] is not None:
                cfg = {"units": out1[-1], "use_bias": bias}
                if inp1 is not None:
                    cands.append(_Candidate(cls, _fixed(cfg, inp1), (_bias_text(bias),), 0 if bias else 1))
                else:
                    lead = tuple(out1[:-1])
                    cands.append(
                        _Candidate(
                            cls,
                            _with_last(cfg, lead),
                            (_bias_text(bias),),
                            0 if bias else 1,
                            solve_channels=True,
                            solve_text="inputs",
                        )
                    )
            elif inp1 is not None:  # output 'multiple': the units solved from the count
                cands.append(
                    _Candidate(
                        cls,
                        _units(bias, inp1),
                        (_bias_text(bias),),
                        0 if bias else 1,
                        solve_channels=True,
                        solve_text="units",
                    )
                )
        found.tried = f"Dense{'' if out1 is None else f'(units={out1[-1]})'} with bias on/off on {_where(inp)}"
    elif cls == "Embedding" and out1 is not None:
        in_shape = tuple(out1[:-1]) if inp1 is None else inp1
        cands.append(
            _Candidate(
                cls,
                lambda c: ({"input_dim": c, "output_dim": out1[-1]}, in_shape),
                (),
                0,
                solve_channels=True,
                solve_text="vocabulary",
            )
        )
        found.tried = f"Embedding(output_dim={out1[-1]}) with any vocabulary size"
    elif out1 is None and cls in _RNN and out is not None and out and isinstance(out[0], tuple):
        cands = _rnn_candidates(cls, out[0], inp1, state=True)
        found.tried = f"{cls} returning its states, bias on/off, reset_after on/off for a GRU"
    elif out is None and cls in _RNN and inp1 is not None and inp1[-1] is not None:
        # The output was cut or printed 'multiple': the units solved from the count.
        _rnn_units(cls, inp1, target, keras, found)
        found.tried = f"{cls} with any units, bias on/off, on {_where(inp1)}"
    elif out1 is not None and cls in _RNN | {"Bidirectional"}:
        cands = _rnn_candidates(cls, out1, inp1)
        found.tried = f"{cls} with {out1[-1]} outputs, bias on/off, reset_after on/off for a GRU"
    elif cls in _NORMS:
        shape = inp if inp is not None else out
        cands = _norm_candidates(cls, shape)
        found.tried = f"{cls} with center/scale on/off on every axis of {_where(shape)}"
    else:
        shape = inp if inp is not None else out
        for cfg, knobs, cost in _toggles(cls, shape, keras):
            cands.append(_Candidate(cls, _fixed(cfg, shape), knobs, cost))
        found.tried = f"{cls} with its defaults on {_where(shape)}"
    _run_candidates(cands, out, target, keras, found)
    if target == 0 and not any(m.shape_ok for m in found.matches) and _always_weightless(cls):
        # The engine cannot build it without the config the summary hides; its family has no weights.
        probe = _expect("Identity", {}, (None, 1), keras, None)
        if probe is not None:
            found.matches.append(_Match(0.5, (f"a {formulas.family(cls)} layer: no weights in any config",), probe, True, cls))
    return found


#: The inner layers tried inside a TimeDistributed wrapper, in order.
_INNER = (
    "Dense",
    "Conv2D",
    "Conv1D",
    "Conv3D",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "Conv2DTranspose",
    "BatchNormalization",
    "LayerNormalization",
    "Embedding",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "Flatten",
    "MaxPooling2D",
    "MaxPooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "GlobalAveragePooling1D",
    "Dropout",
    "Activation",
)


def _time_distributed_search(out: Shape | None, inp: Shape | None, target: int, keras: str, supported: set[str]) -> _Found:
    """TimeDistributed: every inner class with a formula, searched on the shape without the time
    axis; the best ones are confirmed through the wrapper."""
    found = _Found(
        tried="TimeDistributed around each common layer class, each with its own search, on the shape without the time axis"
    )
    if out is None or len(out) < 3:
        return found
    inner_out: Shape = (out[0], *out[2:])
    inner_in: Shape | None = (inp[0], *inp[2:]) if inp is not None and len(inp) >= 3 else None
    for cls in _INNER:
        if cls not in supported:
            continue
        sub = _search_class(cls, inner_out, inner_in, target, keras, supported, depth=1)
        # The inner class is unknown: only the printed shape tells them apart.
        for m in sorted((m for m in sub.matches if m.shape_ok), key=lambda m: m.cost)[:2]:
            cfg = _config_of(m)
            if cfg is not None and inp is not None:
                e = _expect("TimeDistributed", {"layer": {"class_name": cls, "config": cfg}}, inp, keras, out)
                if e is None or e.total != target:
                    continue
                m = _Match(m.cost, m.knobs, e, _compatible(e.output_shape, out), m.class_name)
                if not m.shape_ok:
                    continue
            found.matches.append(
                _Match(
                    m.cost + 0.5 * _INNER.index(cls) / 4, (f"inner {cls}", *m.knobs), m.expectation, m.shape_ok, "TimeDistributed"
                )
            )
        if sub.nearest is not None:
            found.miss(sub.nearest[0], target, [f"inner {cls}", sub.nearest[1]])
        # With the input known, the first plain match settles it; without it (a first row), the
        # other inner classes are alternatives worth naming (Dense on 27 inputs or Conv2D 3×3 on 3).
        if inp is not None and any(m.shape_ok and m.cost <= 1 for m in found.matches):
            break
    return found


def _config_of(m: _Match) -> dict[str, Any] | None:
    """The config a match was evaluated with, when the engine records it (None: not confirmed)."""
    return None if m.config is None else dict(m.config)


# --- rows -----------------------------------------------------------------------------------


def _snake(name: str) -> str:
    text = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", text).lower()


_GUESSES = (
    "Dense",
    "Conv2D",
    "Conv1D",
    "Conv3D",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "Conv2DTranspose",
    "BatchNormalization",
    "LayerNormalization",
    "Embedding",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "Bidirectional",
)


def _strip_numbering(name: str) -> str:
    """``conv2d_3_1`` → ``conv2d`` (what ``re.sub(r"(_\\d+)+$", "", name)`` does, in linear time:
    the pattern backtracks quadratically on a long name)."""
    while True:
        head, sep, tail = name.rpartition("_")
        if not sep or not tail or not (tail.isascii() and tail.isdigit()):
            return name
        name = head


@functools.lru_cache(maxsize=8)
def _by_snake(classes: tuple[str, ...]) -> dict[str, str]:
    """snake_case name → class, once per set of classes (not once per untyped row)."""
    by_snake = {_snake(s): s for s in classes}
    # Keras 1 named layers by the lowercased class: convolution2d_1, maxpooling2d_1.
    by_snake.update({s.lower(): s for s in classes if s.lower() not in by_snake})
    return by_snake


def _class_candidates(row: SummaryRow, supported: set[str]) -> tuple[list[str], str, set[str]]:
    """Classes to try for a row, how they were chosen ("" when printed in full), and those that
    are only guesses (the type not printed, nor read from the layer's name)."""
    cls = row.class_name
    if cls and cls in supported and not row.class_cut:
        return [cls], "", set()
    if cls:
        prefix = cls.rstrip(ELLIPSIS)
        matches = sorted((s for s in supported if s.startswith(prefix)), key=lambda s: (len(s), s))
        if matches:
            return matches, f"type cut to {prefix + ELLIPSIS!r}", set()
        return [], f"no formula for class {cls!r}", set()
    base = _strip_numbering(row.name.rstrip(ELLIPSIS))
    by_snake = _by_snake(tuple(sorted(supported)))
    guessed = [by_snake[base]] if base in by_snake else []
    if not guessed and row.name.endswith(ELLIPSIS):
        guessed = sorted((s for n, s in by_snake.items() if n.startswith(base)), key=len)
    rest = [g for g in _GUESSES if g in supported and g not in guessed]
    return guessed + rest, "type not shown", set(rest)


class _Before(Sequence[SummaryRow]):
    """``rows[:index]`` without the copy (a summary of 100,000 rows would copy 5·10^9)."""

    def __init__(self, rows: Sequence[SummaryRow], index: int) -> None:
        self.rows, self.stop = rows, index

    def __len__(self) -> int:
        return self.stop

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(self.rows[: self.stop])[i]
        if i < 0:
            i += self.stop
        if not 0 <= i < self.stop:
            raise IndexError(i)
        return self.rows[i]

    def __reversed__(self) -> Iterator[SummaryRow]:
        return (self.rows[i] for i in range(self.stop - 1, -1, -1))


_POSITIONS: list[tuple[Sequence[SummaryRow], dict[str, list[int]]]] = []


def _name_positions(rows: Sequence[SummaryRow]) -> dict[str, list[int]]:
    """name → the indices of the rows of that name, in order (kept for the last rows seen)."""
    if _POSITIONS and _POSITIONS[0][0] is rows:
        return _POSITIONS[0][1]
    positions: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        positions.setdefault(r.name, []).append(i)
    _POSITIONS[:] = [(rows, positions)]
    return positions


class _NamesBefore:
    """``{r.name: r for r in rows[:index]}`` (the last row of each name) without building it."""

    def __init__(self, rows: Sequence[SummaryRow], index: int) -> None:
        self.rows, self.index, self.positions = rows, index, _name_positions(rows)

    def get(self, name: str, default: SummaryRow | None = None) -> SummaryRow | None:
        at = self.positions.get(name)
        k = bisect.bisect_left(at, self.index) - 1 if at else -1
        return self.rows[at[k]] if at and k >= 0 else default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def items(self) -> Any:
        return {r.name: r for r in self.rows[: self.index]}.items()


def _find_source(name: str, by_name: Any) -> SummaryRow | None:
    source: SummaryRow | None = by_name.get(name)
    if source is None and name.endswith(ELLIPSIS):
        found = [r for n, r in by_name.items() if n.startswith(name.rstrip(ELLIPSIS))]
        source = found[-1] if found else None
    return source


_MULTI_INPUT = {
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "MultiHeadAttention",
    "GroupQueryAttention",
    "Attention",
    "AdditiveAttention",
}


def _join_wrapped(names: Sequence[str], by_name: Any) -> list[str]:
    """Connection names as printed, with a name that Keras 2 wrapped across lines
    (``'regnetx002_Stage_0_XBlock_0_`` / ``exit_relu[0][0]'``) joined again when the pieces are
    not layers and their join is."""
    out: list[str] = []
    names = [n for n in names if not re.fullmatch(r"[\d\[\]]*", n)]  # the tail of a wrapped '[0][0]'
    i = 0
    while i < len(names):
        name = names[i]
        if name not in by_name and _find_source(name, by_name) is None:
            j = i + 1
            joined = name
            while j < len(names):
                joined += names[j]
                j += 1
                if joined in by_name:
                    out.append(joined)
                    i = j
                    break
            else:
                out.append(name)
                i += 1
            continue
        out.append(name)
        i += 1
    return out


def _in_shape(row: SummaryRow, index: int, rows: Sequence[SummaryRow], elided: Sequence[int] = ()) -> tuple[AnyShape | None, str]:
    """The row's input shape and where it was read ("connections", "above", "")."""
    return _in_shapes(row, index, rows, elided)[0]


def _in_shapes(
    row: SummaryRow, index: int, rows: Sequence[SummaryRow], elided: Sequence[int] = ()
) -> list[tuple[AnyShape | None, str]]:
    """Every input shape the row may have, likeliest first: one, unless a connection's name was
    cut by the console (``separable_conv_1_pad_redu…``) and fits several layers."""
    if not row.connected_to:
        return [_above(row, index, rows, elided)]
    by_name = _NamesBefore(rows, index)
    names = _join_wrapped(row.connected_to, by_name)
    before = _Before(rows, index)
    options = [_sources(name, before) for name in names]
    single_input = (row.shape_note == "multiple" or row.class_name is not None) and formulas.family(row.class_name or "") not in (
        "merging",
        "attention",
        "unknown",
    )
    if single_input and len(names) > 1 and any(options):
        # A shared layer: one connection per call (a call may take a later row's output), each
        # call's input a candidate; Keras prints one call's output shape.
        others = [r for k, r in enumerate(rows) if k != index]
        options = [found or _sources(name, others) for found, name in zip(options, names)]
        out: list[tuple[AnyShape | None, str]] = []
        for found in reversed(options):
            for source in found:
                tag = "connections" if all(options) else "some connections"  # others name later rows
                option: tuple[AnyShape | None, str] = (source.output_shape, tag) if source.output_shape else (None, "")
                if option not in out:
                    out.append(option)
        return out
    if row.connected_to and options and all(options):
        combos: list[list[SummaryRow]] = [[]]
        for found in options:
            combos = [[*c, s] for c in combos for s in found][:8]
        out = []
        for combo in combos:
            shapes = [s.output_shape for s in combo]
            if row.shape_note == "multiple" and (row.class_name or "") not in _MULTI_INPUT:
                option = (shapes[0], "connections")
            elif any(s is None for s in shapes):
                option = (None, "")
            else:
                option = ((shapes[0] if len(shapes) == 1 else tuple(shapes)), "connections")  # type: ignore[assignment]
            if option not in out:
                out.append(option)
        return out
    return [_above(row, index, rows, elided)]


def _sources(name: str, before: Sequence[SummaryRow]) -> list[SummaryRow]:
    """The layers a connection may name: the one of that name, or those a cut name starts
    (several rows may print the same cut name), the latest first, one per output shape."""
    if name.endswith("..."):  # a cut name whose '…' became three dots in the paste
        name = name[:-3] + ELLIPSIS
    prefix = name.rstrip(ELLIPSIS)
    cut = name.endswith(ELLIPSIS)
    out: list[SummaryRow] = []
    for r in reversed(before):
        if (r.name == name or (cut and r.name.startswith(prefix))) and r.output_shape not in [o.output_shape for o in out]:
            out.append(r)
            if not cut and not r.name.endswith(ELLIPSIS):
                break  # a name printed in full is the layer's own
    return out


def _above(row: SummaryRow, index: int, rows: Sequence[SummaryRow], elided: Sequence[int]) -> tuple[AnyShape | None, str]:
    # The row above at the same nesting level (a nested model printed with expand_nested: its
    # first layer takes the nested model's input): up through nested models without recursion
    # (a paste may nest them thousands deep).
    while True:
        parent = _parent(row)
        j = index - 1
        while j >= 0 and _parent(rows[j]) != parent and not (parent and rows[j].name == parent):
            j -= 1
        if j >= 0 and parent and rows[j].name == parent:
            if rows[j].connected_to:
                return _in_shapes(rows[j], j, rows, elided)[0]
            row, index = rows[j], j
            continue
        break
    if j < 0 or (rows[j].class_name == "InputLayer" and row.class_name == "InputLayer"):
        return None, ""
    if any(rows[j].line < at < row.line for at in elided):
        return None, ""  # rows were left out between them: the row above is not its input
    return rows[j].output_shape, "above"


def _parent(row: SummaryRow) -> str:
    """The nested model whose box the row sits in ("" at the top level)."""
    return str(getattr(row, "parent", "") or "")


def _alternatives(best: _Match, matches: Sequence[_Match]) -> list[_Match]:
    out: list[_Match] = []
    for m in matches:
        if m is best or m.shape_ok != best.shape_ok or m.cost > best.cost + _ALT_MARGIN:
            continue
        if m.expectation.weights and (m.knobs, m.class_name) not in [(a.knobs, a.class_name) for a in (best, *out)]:
            out.append(m)
    return out[:3]


def _describe(m: _Match, shown_class: str | None) -> str:
    text = ", ".join(m.knobs) or "the defaults"
    if shown_class != m.class_name:
        text = f"{m.class_name}: {text}"
    return text


def check_row(
    row: SummaryRow, inp: AnyShape | None, keras: str, supported: set[str], inp_from: str = "", certain: bool = False
) -> RowCheck:
    """One row against its formula.  ``inp_from``: where the input shape was read ("connections",
    "above" or ""); ``certain``: that input is the layer's (its connections, or the row above in a
    summary without connections)."""
    if row.unbuilt:
        return RowCheck(row, RowStatus.UNCHECKED, "not built: no count to check", row.class_name)
    if row.class_name == "InputLayer" or (row.class_name is None and re.match(r"^input(_layer)?(_\d+)?$", row.name)):
        if row.params in (0, None):
            return RowCheck(row, RowStatus.EXPLAINED, "an input: no weights", "InputLayer", 0)
        return RowCheck(row, RowStatus.UNEXPLAINED, f"{row.params:,} params on an InputLayer, which has no weights", "InputLayer")
    if row.class_name in ("Sequential", "Functional", "Model"):
        return RowCheck(
            row, RowStatus.UNCHECKED, f"a nested {row.class_name} model: its layers are not listed, not checked", row.class_name
        )
    if row.class_name in _TF_OPS and row.params is not None:
        # tf-keras wraps a TensorFlow function called on a Keras tensor in one of these: an op, no
        # weights of its own (the variables it reads belong to other layers).
        if row.params == 0:
            return RowCheck(row, RowStatus.EXPLAINED, "a TensorFlow op wrapped by Keras: no weights", row.class_name, 0)
        return RowCheck(
            row, RowStatus.UNEXPLAINED, f"{row.params:,} params on a {row.class_name}, which has no weights", row.class_name
        )
    if row.params is None:
        return RowCheck(row, RowStatus.UNCHECKED, "the count was cut by the console width, not checked", row.class_name)
    classes, how, guesses = _class_candidates(row, supported)
    if not classes:
        if row.params == 0:
            return RowCheck(
                row, RowStatus.UNCHECKED, f"{how}; 0 params: nothing to check, harmless to the totals", row.class_name, 0
            )
        return RowCheck(row, RowStatus.UNCHECKED, f"{how}: not checked", row.class_name)
    multiple = row.shape_note == "multiple"
    if multiple and inp is None and row.params:
        return RowCheck(
            row,
            RowStatus.UNCHECKED,
            "output shape 'multiple' (a layer called more than once, or a subclassed model) and no input to read: "
            "the row cannot be placed, not checked",
            row.class_name,
        )
    matches: list[_Match] = []
    tried: list[str] = []
    nearest: tuple[int, str] | None = None
    for cls in classes:
        found = _search_class(cls, row.output_shape, inp, row.params, keras, supported)
        matches.extend(found.matches)
        tried.append(found.tried)
        if found.nearest is not None and (nearest is None or abs(found.nearest[0] - row.params) < abs(nearest[0] - row.params)):
            nearest = (found.nearest[0], found.nearest[1] if len(classes) == 1 else f"{cls}, {found.nearest[1]}")
        if any(m.shape_ok and m.cost <= 1 for m in found.matches) and not row.class_cut:
            break  # a plain explanation by the likeliest class: the rest are less likely
    if matches:
        matches.sort(key=lambda m: (not m.shape_ok, m.cost))
        best = matches[0]
        e = best.expectation
        formula = next((d[len("total ") :] for d in e.derivation if d.startswith("total ")), "")
        if not e.weights and best.shape_ok:
            text = ", ".join(best.knobs) if best.knobs and "no weights" in best.knobs[0] else "no weights"
        else:
            text = "explained by " + (", ".join(best.knobs) or "the defaults") + (f": {formula}" if formula else "")
            alts = _alternatives(best, matches)
            if alts:
                text += "; also explained by " + " or ".join(_describe(a, best.class_name) for a in alts)
        if how and row.class_name != best.class_name:
            text = f"{how}, read as {best.class_name}; {text}"
        if not best.shape_ok:
            contradiction = (
                f"the formula's output shape {formulas.format_output_shape(e.output_shape)} contradicts the "
                f"row's {_shape_text(row.output_shape)}"
            )
            if certain and not how and not multiple:
                # The class and its input are known and every padding and stride was tried: the
                # count and the shape cannot both be right.
                return RowCheck(
                    row,
                    RowStatus.UNEXPLAINED,
                    f"{row.params:,} params: no values explain both the count and the output shape; the count alone is "
                    f"{text[0].lower() + text[1:]}, but {contradiction}",
                    best.class_name,
                )
            return RowCheck(row, RowStatus.UNCHECKED, f"{text}; but {contradiction}: not checked", best.class_name)
        if best.class_name in guesses and (best.cost > 2 or inp is None):
            return RowCheck(
                row,
                RowStatus.UNCHECKED,
                f"{text}; only a guess explains it (the type is not shown and the name does not say it): not checked",
                best.class_name,
            )
        return RowCheck(row, RowStatus.EXPLAINED, text, best.class_name, e.non_trainable, best.cost)
    if row.params == 0 and row.output_shape is None:
        return RowCheck(row, RowStatus.UNCHECKED, "0 params and no readable output shape: not checked", classes[0])
    near_text = f"; nearest: {nearest[0]:,} ({nearest[1]})" if nearest else ""
    tried_text = "; ".join(tried[:3]) + (f"; and {len(tried) - 3} other classes" if len(tried) > 3 else "")
    detail = f"{row.params:,} params: no values explain it; tried {tried_text}{near_text}"
    if nearest is None and not how and _always_weightless(classes[0]):
        return RowCheck(
            row,
            RowStatus.UNEXPLAINED,
            f"{row.params:,} params on a {formulas.family(classes[0])} layer, which has no weights in any config",
            classes[0],
        )
    if nearest is None and not how:
        # Not one evaluation went through: Keras's layer of that name refuses this input (or
        # needs settings no summary shows), so the row is probably a custom layer of that name.
        return RowCheck(
            row,
            RowStatus.UNCHECKED,
            f"Keras's {classes[0]} cannot be built on {_where(inp)} with any values tried (a custom layer of the same "
            "name?): not checked",
            classes[0],
        )
    if row.output_shape is None and not multiple:
        what = "cut by its column" if row.shape_note == "cut" else "not readable"
        return RowCheck(
            row, RowStatus.UNCHECKED, f"the output shape is {what}, so the search lacks it: {detail}; not checked", classes[0]
        )
    if multiple and inp_from != "connections":
        return RowCheck(
            row,
            RowStatus.UNCHECKED,
            f"output shape 'multiple', input taken from the row above: {detail}; the row cannot be placed, not checked",
            classes[0],
        )
    if classes[0] in guesses:
        return RowCheck(row, RowStatus.UNCHECKED, f"type not shown: {detail}; not checked", classes[0])
    if row.connected_to and inp_from == "above":
        return RowCheck(
            row,
            RowStatus.UNCHECKED,
            f"its connections ({', '.join(row.connected_to)}) are not among the rows above, so its input is a guess "
            f"(the row above): {detail}; not checked",
            classes[0],
        )
    return RowCheck(row, RowStatus.UNEXPLAINED, detail, classes[0])


#: The largest target :func:`_is_subset_sum` searches with a bitset (16 MiB of bits).
_SUBSET_BITS = 1 << 27
#: The most reachable sums it keeps past that.
_SUBSET_SUMS = 200_000


def _is_subset_sum(values: Sequence[int], target: int) -> bool:
    """Whether some of ``values`` add up to ``target`` (a bitset of the reachable sums up to it).
    Past :data:`_SUBSET_BITS` (a pasted count of 10^14 would ask for terabytes) the reachable sums
    are kept as a set, given up (False: not explained) past :data:`_SUBSET_SUMS` of them."""
    if target < 0:
        return False
    parts = [v for v in values if 0 < v <= target]
    if target and sum(parts) < target:
        return False
    if target > _SUBSET_BITS:
        sums = {0}
        for v in parts:
            sums |= {t + v for t in sums if t + v <= target}
            if target in sums:
                return True
            if len(sums) > _SUBSET_SUMS:
                return False
        return False
    mask = (1 << (target + 1)) - 1
    reach = 1
    for v in values:
        if 0 < v <= target:
            reach = (reach | (reach << v)) & mask
            if reach >> target & 1:
                return True
    return bool(reach >> target & 1)


def _split_only(
    total: SummaryTotal | None, trainable: SummaryTotal | None, frozen: SummaryTotal | None, why: str
) -> list[TotalCheck]:
    """The rows cannot be summed: only Trainable + Non-trainable = Total is checked."""
    out = [TotalCheck("total", True, why, total)]
    if total is None or trainable is None or frozen is None:
        return out
    if trainable.value + frozen.value == total.value:
        out.append(
            TotalCheck("trainable", True, f"{trainable.value:,} + {frozen.value:,} non-trainable = {total.value:,}", trainable)
        )
        return out
    detail = f"{trainable.value:,} + {frozen.value:,} = {trainable.value + frozen.value:,}, not the Total {total.value:,}: one of the three lines is wrong"
    return [
        TotalCheck("total", False, f"{why}; {detail}", total),
        TotalCheck("trainable", False, detail, trainable),
        TotalCheck("non_trainable", False, detail, frozen),
    ]


def check_totals(summary: Summary, rows: Sequence[RowCheck]) -> list[TotalCheck]:
    rows = [r for r in rows if not _parent(r.row)]  # a nested model's layers are in its own count
    total, trainable, frozen = summary.total("total"), summary.total("trainable"), summary.total("non_trainable")
    optimizer = summary.total("optimizer")
    out: list[TotalCheck] = []
    if total is None and trainable is None and frozen is None:
        return [TotalCheck("total", True, "no Total params line: totals not checked")]
    if summary.unbuilt:
        # Keras creates no weight before the model is built: every totals line says 0.
        lines = [t for t in (total, trainable, frozen) if t is not None]
        return [
            TotalCheck(
                t.kind, t.value == 0, "not built: no weights yet" + ("" if t.value == 0 else f", but it says {t.value:,}"), t
            )
            for t in lines
        ]
    if summary.elided:
        at = ", ".join(map(str, summary.elided))
        return _split_only(total, trainable, frozen, f"rows left out at line {at}: the totals cannot be compared with the rows")
    if any(r.row.params is None for r in rows):
        return _split_only(total, trainable, frozen, "a row's count was cut: the totals cannot be compared with the rows")
    row_sum = sum(r.row.params or 0 for r in rows) + (optimizer.value if optimizer else 0)
    with_opt = " and the optimizer line" if optimizer else ""
    if total is not None:
        if total.value == row_sum:
            out.append(TotalCheck("total", True, f"{total.value:,} = the sum of the rows{with_opt}", total))
        else:
            out.append(TotalCheck("total", False, f"{total.value:,} but the rows{with_opt} sum to {row_sum:,}", total))
    if trainable is None and frozen is None:
        return out
    grand = row_sum - (optimizer.value if optimizer else 0)
    if total is not None and total.value != row_sum and trainable is not None and frozen is not None:
        # One of the two is wrong: the rows (then the split is checked against the Total line) or
        # the Total line (then against the rows).
        if trainable.value + frozen.value != grand:
            grand = total.value - (optimizer.value if optimizer else 0)
    formula_nt = sum(r.non_trainable or 0 for r in rows if r.status is RowStatus.EXPLAINED)
    # A row with 0 params adds nothing, checked or not.
    unknown = any(r.status is not RowStatus.EXPLAINED and r.row.params != 0 for r in rows)
    # Whole layers may be frozen (trainable=False): their trainable weights count as non-trainable.
    trainable_parts = [(r.row.params or 0) - (r.non_trainable or 0) for r in rows]

    # show_trainable=True prints which layers are frozen: the non-trainable share is then exact.
    flagged = bool(rows) and all(r.row.trainable is not None or r.row.params == 0 for r in rows)
    frozen_rows = [r for r in rows if r.row.trainable is False]
    exact_nt = (
        sum(r.row.params or 0 for r in frozen_rows)
        + sum(r.non_trainable or 0 for r in rows if r.row.trainable is not False and r.status is RowStatus.EXPLAINED)
        if flagged and frozen_rows
        else None
    )

    def plausible_nt(nt: int) -> str | None:
        if exact_nt is not None and not any(
            r.status is not RowStatus.EXPLAINED and r.row.trainable is not False and r.row.params for r in rows
        ):
            if nt != exact_nt:
                return None
            return f"the {len(frozen_rows)} layer(s) marked N (frozen) and the formulas' non-trainable weights: {exact_nt:,}"
        extra = nt - formula_nt
        if extra == 0:
            return "the formulas' non-trainable weights (moving statistics)" if formula_nt else "no non-trainable weights"
        if unknown:
            return "not all rows are known: not checked" if 0 <= nt <= grand else None
        if extra > 0 and _is_subset_sum(trainable_parts, extra):
            return f"{formula_nt:,} from the formulas + {extra:,} of frozen layers (trainable=False)"
        return None

    t_val = None if trainable is None else trainable.value
    nt_val = None if frozen is None else frozen.value
    if t_val is not None and nt_val is not None:
        nt_why = plausible_nt(nt_val)
        t_why = plausible_nt(grand - t_val)
        if t_val + nt_val == grand and nt_why:
            out.append(
                TotalCheck(
                    "trainable", True, f"{t_val:,} + {nt_val:,} non-trainable = {grand:,}; non-trainable: {nt_why}", trainable
                )
            )
            out.append(TotalCheck("non_trainable", True, f"{nt_val:,}: {nt_why}", frozen))
            return out
        if nt_why and not t_why:
            out.append(
                TotalCheck(
                    "trainable", False, f"{t_val:,} but {grand:,} − {nt_val:,} non-trainable = {grand - nt_val:,}", trainable
                )
            )
            out.append(TotalCheck("non_trainable", True, f"{nt_val:,}: {nt_why}", frozen))
        elif t_why and not nt_why:
            out.append(
                TotalCheck("trainable", True, f"{t_val:,}: {grand:,} − {grand - t_val:,} non-trainable ({t_why})", trainable)
            )
            out.append(
                TotalCheck(
                    "non_trainable",
                    False,
                    f"{nt_val:,} but {grand:,} − {t_val:,} trainable = {grand - t_val:,} ({t_why})",
                    frozen,
                )
            )
        else:
            detail = f"{t_val:,} + {nt_val:,} = {t_val + nt_val:,}, the rows sum to {grand:,}; the formulas make {formula_nt:,} non-trainable"
            out.append(TotalCheck("trainable", False, detail, trainable))
            out.append(TotalCheck("non_trainable", False, detail, frozen))
        return out
    for line, nt in ((trainable, None if t_val is None else grand - t_val), (frozen, nt_val)):
        if line is None or nt is None:
            continue
        why = plausible_nt(nt)
        detail = (
            f"{line.value:,}: {why}"
            if why
            else f"{line.value:,} leaves {nt:,} non-trainable; the formulas make {formula_nt:,} non-trainable"
        )
        out.append(TotalCheck(line.kind, why is not None, detail, line))
    return out


def default_keras(summary: Summary) -> str:
    """Keras 3 for box tables, 2.15 (the last Keras 2, whose rules also hold for Keras 1's
    layers) otherwise."""
    return "3" if summary.format is SummaryFormat.KERAS3 else "2.15"


def check_summary(summary: Summary, keras: str | None = None) -> SummaryCheck:
    version = keras or default_keras(summary)
    supported = set(formulas.supported(version))
    checks: list[RowCheck] = []
    for i, printed in enumerate(summary.rows):
        options = _in_shapes(printed, i, summary.rows, summary.elided)
        row = _with_output_from_consumers(printed, summary.rows, options[0][0])
        tried: list[RowCheck] = []
        for inp, inp_from in options:
            certain = inp is not None and (inp_from == "connections" or (inp_from == "above" and not summary.has_connections))
            tried.append(check_row(row, inp, version, supported, inp_from, certain and len(options) == 1))
            if tried[-1].status is RowStatus.EXPLAINED:
                break
        chosen = next((c for c in tried if c.status is RowStatus.EXPLAINED), tried[0])
        if chosen.status is not RowStatus.EXPLAINED and len(options) > 1 and all(f == "connections" for _, f in options):
            # The input is one of these for certain (every call's connection was found), and
            # none explains the row.
            chosen = check_row(row, options[0][0], version, supported, options[0][1], True)
        if row is not printed:
            note = f" (its output channels, {row.output_shape[-1]}, read from the layers it feeds)"  # type: ignore[index]
            chosen = dataclasses.replace(chosen, row=printed, detail=chosen.detail + note)
        checks.append(chosen)
    checks = _check_nested(checks)
    totals = check_totals(summary, checks)
    hint = _suspect_row(summary, checks, version, supported)
    if hint:
        totals = [dataclasses.replace(t, detail=f"{t.detail}; {hint}") if t.kind == "total" and not t.ok else t for t in totals]
    return SummaryCheck(summary, version, tuple(checks), tuple(totals))


def _suspect_row(summary: Summary, checks: list[RowCheck], keras: str, supported: set[str]) -> str:
    """A Total line that disagrees with the rows by d says one count (or the Total) is off by d.
    When exactly one row's count minus d is explained by plainer values than its own (bias on
    where it needed bias off, ...), the Total line's report names it as the likely typo.  The row
    itself stays explained: its count is possible (a genuine bias-off layer reads the same), so it
    is a lead, never a verdict.  Nothing is said when a row is already WRONG, rows are left out or
    cut, or several rows could be it."""
    total = summary.total("total")
    optimizer = summary.total("optimizer")
    if (
        total is None
        or summary.elided
        or any(c.row.params is None for c in checks)
        or any(c.status is RowStatus.UNEXPLAINED for c in checks)  # the typo is already found
    ):
        return ""
    top = [c for c in checks if not _parent(c.row)]
    d = sum(c.row.params or 0 for c in top) + (optimizer.value if optimizer else 0) - total.value
    if d == 0:
        return ""
    suspects: list[tuple[RowCheck, RowCheck]] = []
    for i, c in enumerate(checks):
        if _parent(c.row) or c.status is not RowStatus.EXPLAINED or c.cost is None or (c.row.params or 0) - d < 0:
            continue
        fixed = dataclasses.replace(c.row, params=(c.row.params or 0) - d)
        inp, inp_from = _in_shapes(c.row, i, summary.rows, summary.elided)[0]
        other = check_row(fixed, inp, keras, supported, inp_from)
        if other.status is RowStatus.EXPLAINED and other.cost is not None and other.cost < c.cost:
            suspects.append((c, other))
    if len(suspects) != 1:
        return ""
    c, other = suspects[0]
    knobs = other.detail.removeprefix("explained by ").split(":")[0]
    return (
        f"if the Total is right, the typo is likely {c.row.name} (line {c.row.line}): "
        f"{(c.row.params or 0) - d:,} there would be explained by plainer values ({knobs})"
    )


#: Families whose layers keep the channels (last axis) of their input.
_KEEPS_CHANNELS = {"pooling", "activation", "regularization", "normalization"}


def _with_output_from_consumers(row: SummaryRow, rows: Sequence[SummaryRow], inp: AnyShape | None) -> SummaryRow:
    """A row printed 'multiple' (a shared layer) gets the output channels of the layers it feeds
    that keep them (a pooling, an activation, a normalization), when they all agree."""
    single = _single(inp)
    if row.shape_note != "multiple" or row.output_shape is not None or single is None:
        return row
    channels = set()
    for other in rows:
        cls = other.class_name or ""
        out = _single(other.output_shape)
        if row.name in other.connected_to and out and formulas.family(cls) in _KEEPS_CHANNELS:
            channels.add(out[-1])
    if len(channels) != 1 or None in channels:
        return row
    (c,) = channels
    return dataclasses.replace(row, output_shape=(*(None,) * (len(single) - 1), c))


def _check_nested(checks: list[RowCheck]) -> list[RowCheck]:
    """A nested model printed with its layers (expand_nested): its count is their sum."""
    out = list(checks)
    kids: dict[str, list[int]] = {}
    for i, c in enumerate(checks):
        if _parent(c.row):
            kids.setdefault(_parent(c.row), []).append(i)
    if not kids:
        return out
    # The deepest first: an inner nested model is known before the one that holds it.
    for i in sorted(range(len(checks)), key=lambda i: -getattr(checks[i].row, "depth", 0)):
        c = checks[i]
        children = [out[k] for k in kids.get(c.row.name, [])]
        if not children or c.row.params is None or any(k.row.params is None for k in children):
            continue
        total = sum(k.row.params or 0 for k in children)
        known = all(k.status is RowStatus.EXPLAINED for k in children)
        nt = sum(k.non_trainable or 0 for k in children) if known else None
        if total == c.row.params:
            detail = f"a nested {c.row.class_name} model: its {len(children)} layer(s) listed below sum to {total:,}"
            out[i] = RowCheck(c.row, RowStatus.EXPLAINED if known else RowStatus.UNCHECKED, detail, c.class_name, nt)
        else:
            detail = f"a nested {c.row.class_name} model of {c.row.params:,} params, but its {len(children)} layer(s) listed below sum to {total:,}"
            out[i] = RowCheck(c.row, RowStatus.UNEXPLAINED, detail, c.class_name)
    return out


def check_text(text: str, keras: str | None = None) -> SummaryCheck:
    """The first summary in ``text`` checked (see :func:`check_texts` for a paste holding several)."""
    return check_summary(parse_summary(text), keras)


def check_texts(text: str, keras: str | None = None) -> list[SummaryCheck]:
    """Every summary in ``text`` checked, in order (a paste may hold several tables)."""
    return [check_summary(summary, keras) for summary in _parse_all(text)]


# --- the command ----------------------------------------------------------------------------


def add_check_summary_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check-summary",
        help="audit a pasted model.summary(): every row's count against its formula, and the totals",
        description=(
            "Read a model.summary() printed by Keras 1, 2 or 3 and check every row's parameter count against the "
            "formula for its layer type, searching for the values the summary hides. No TensorFlow is imported."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the pasted summary, or - for standard input")
    parser.add_argument(
        "--keras",
        default=None,
        metavar="VERSION",
        help="the Keras whose rules apply (default: 3 for a box-drawn table, 2.15 otherwise)",
    )
    return parser


def render(check: SummaryCheck, source: str) -> Iterator[tuple[str, str]]:
    """(status word, text) lines of the report."""
    s = check.summary
    name = f' "{s.model_name}"' if s.model_name else ""
    notes = f" (read after undoing: {', '.join(s.notes)})" if s.notes else ""
    yield "", f"{source}: {s.format} summary{name}, {len(s.rows)} row(s), checked with the Keras {check.keras} formulas{notes}"
    if s.unbuilt:
        bad = [t for t in check.totals if not t.ok]
        for t in bad:
            yield "WRONG", f"{t.total.label if t.total else t.kind}: {t.detail}"
        yield (
            "",
            (
                "inconsistent: " + ", ".join(t.total.label if t.total else t.kind for t in bad)
                if bad
                else "not built: nothing to check (every row is '0 (unbuilt)': build the model, or call it on data, then print the summary)"
            ),
        )
        return
    if s.elided:
        yield (
            "",
            f"rows left out at line {', '.join(map(str, s.elided))}: the rows shown are checked; the totals cannot be compared with the rows",
        )
    width = max((len(f"{r.row.name} ({r.row.class_name or '?'})") for r in check.rows), default=10)
    nwidth = max((len(f"{r.row.params:,}") for r in check.rows if r.row.params is not None), default=1)
    for r in check.rows:
        label = f"{r.row.name} ({r.row.class_name or '?'})"
        count = "?" if r.row.params is None else f"{r.row.params:,}"
        word = {RowStatus.EXPLAINED: "ok", RowStatus.UNEXPLAINED: "WRONG", RowStatus.UNCHECKED: "skip"}[r.status]
        yield word, f"{label:<{width}} {count:>{nwidth}}  line {r.row.line}: {r.detail}"
    for t in check.totals:
        where = f"{t.total.label} (line {t.total.line})" if t.total else t.kind
        yield ("ok" if t.ok else "WRONG"), f"{where}: {t.detail}"
    bad_rows = [r for r in check.rows if r.status is RowStatus.UNEXPLAINED]
    bad_totals = [t for t in check.totals if not t.ok]
    skipped = sum(r.status is RowStatus.UNCHECKED for r in check.rows)
    if check.consistent:
        note = f" ({skipped} row(s) not checkable)" if skipped else ""
        yield "", f"consistent: every row and the totals are explained{note}"
    else:
        names = [r.row.name for r in bad_rows] + [t.total.label if t.total else t.kind for t in bad_totals]
        yield "", f"inconsistent: {', '.join(names)}"


def cmd_check_summary(args: argparse.Namespace, console: Any) -> int:
    from rich.markup import escape

    source = "stdin" if args.file == "-" else str(args.file)
    if args.keras:
        try:
            formulas.supported(args.keras)
        except ValueError as exc:  # an unknown --keras version
            console.print(f"paramproof: error: --keras {args.keras}: {exc}", markup=False, highlight=False)
            return EXIT_USAGE
    try:
        text = read_paste(args.file, source)
    except LimitError as exc:
        console.print(f"paramproof: error: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    except OSError as exc:
        console.print(f"paramproof: error: {source}: {exc.strerror or exc}", markup=False, highlight=False)
        return EXIT_USAGE
    try:
        summaries = _parse_all(text)
    except SummaryParseError as exc:
        console.print(f"paramproof: error: {source}: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    checks = [check_summary(summary, args.keras) for summary in summaries]
    colours = {"ok": "green", "WRONG": "bold red", "skip": "yellow"}
    for n, check in enumerate(checks, start=1):
        where = source if len(checks) == 1 else f"{source} (summary {n} of {len(checks)})"
        for word, line in render(check, where):
            if word:
                console.print(f"[{colours[word]}]{word:<5}[/] {escape(line)}", highlight=False)
            else:
                console.print(line, markup=False, highlight=False)
    return EXIT_OK if all(c.consistent for c in checks) else EXIT_DISCREPANCY


def read_paste(file: str | Path, source: str) -> str:
    """The text of a paste (``-``: standard input), at most ``MAX_SUMMARY_BYTES`` read: more is
    a :class:`LimitError` naming ``source`` (an endless stream is never read whole).  UTF-8 with
    bad bytes replaced (UTF-16 when it starts with its byte-order mark, as PowerShell's ``>``
    writes); newlines as text mode reads them."""
    if str(file) == "-":
        handle = getattr(sys.stdin, "buffer", None)
        if handle is None:  # a text stream put in place of stdin (tests)
            text = sys.stdin.read(MAX_SUMMARY_BYTES + 1)
            if len(text) > MAX_SUMMARY_BYTES:
                raise LimitError(
                    f"{source}: more than {MAX_SUMMARY_BYTES // (1024 * 1024)} MiB, over the limit for a pasted summary"
                )
            return text.replace("\r\n", "\n").replace("\r", "\n")
        raw = read_bounded(handle, MAX_SUMMARY_BYTES, source, "a pasted summary")
    else:
        raw = read_file_bounded(Path(file), MAX_SUMMARY_BYTES, "a pasted summary", source)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_all(text: str) -> list[Summary]:
    """Every summary table in the text (a paste may hold several), when the reader can split
    them; else the first."""
    from . import summary_parse

    many = getattr(summary_parse, "parse_summaries", None)
    if many is not None:
        found = list(many(text))
        if found:
            return found
    return [parse_summary(text)]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m verify.summary_check FILE`` (the same as ``paramproof check-summary FILE``)."""
    from rich.console import Console

    parser = argparse.ArgumentParser(prog="paramproof")
    sub = parser.add_subparsers(dest="command", required=True)
    add_check_summary_parser(sub)
    args = parser.parse_args(["check-summary", *(sys.argv[1:] if argv is None else argv)])
    return cmd_check_summary(args, Console(soft_wrap=True))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
