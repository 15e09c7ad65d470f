"""``paramproof check-summary``: audit a pasted ``model.summary()`` against the formulas.

Every row's count is compared with the formula for its layer type (``formulas.expect``), on the
output shape of the row above it (or of the rows it is ``Connected to``).  What the summary does
not show (kernel size, use_bias, depth_multiplier, the first layer's input channels, an
Embedding's vocabulary) is searched: candidate values are tried through the engine, simplest
first (the defaults, then small values), and the first that reproduces the row's count (and, where
the input is known, its output shape) is reported: "explained by kernel 3×3, bias on, 3 input
channels".  The Total / Trainable / Non-trainable lines are checked against the sum of the rows and
against the non-trainable share the formulas predict (BatchNormalization's moving statistics).

Standard library and ``formulas`` only: this never imports TensorFlow.

Exit codes: 0 consistent, 1 a row or totals line that no values explain, 2 unreadable text.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import formulas

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


# --- candidate configurations ---------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """One guess for a row: the layer config and input as functions of the input channels ``c``
    (used only when the summary does not show them), what it assumes, and how unusual it is."""

    class_name: str
    build: Callable[[int], tuple[dict[str, Any], Any]]
    knobs: tuple[str, ...]
    cost: float
    solve_channels: bool = False
    #: The same weights with another padding or stride: tried only when the count matches and the
    #: output shape does not (config changes, knob, extra cost).
    variants: tuple[tuple[dict[str, Any], str, float], ...] = ()


@dataclass(frozen=True)
class _Space:
    candidates: list[_Candidate]
    tried: str  # what the search covers, for the "no values explain it" message


def _kernel_choices(rank: int) -> list[tuple[tuple[int, ...], float]]:
    preferred = {3: 0.0, 1: 1.0, 5: 1.0, 7: 2.0}
    out: list[tuple[tuple[int, ...], float]] = []
    for k in range(1, 16):
        out.append(((k,) * rank, preferred.get(k, 3.0 + k / 4)))
    if rank == 2:
        for kh in range(1, 8):
            for kw in range(1, 8):
                if kh != kw:
                    out.append(((kh, kw), 5.0 + (kh + kw) / 4))
    return out


def _kernel_text(kernel: tuple[int, ...]) -> str:
    return "kernel " + "×".join(map(str, kernel))


def _bias_text(on: bool) -> str:
    return "bias on" if on else "bias off"


_CONV = re.compile(r"^(?:Conv|Convolution)(?P<rank>[123])D(?P<transpose>Transpose)?$")
_DEPTHWISE = re.compile(r"^DepthwiseConv(?P<rank>[12])D$")
_SEPARABLE = re.compile(r"^Separable(?:Conv|Convolution)(?P<rank>[12])D$")
_RNN = {"LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU"}
_NORMS = {"BatchNormalization", "LayerNormalization", "SyncBatchNormalization"}

#: Values for required arguments that do not change the weights, when a summary cannot show them.
_FILLERS: dict[str, Callable[[AnyShape], Any]] = {
    "activation": lambda out: "linear",
    "rate": lambda out: 0.5,
    "scale": lambda out: 1.0,
    "target_shape": lambda out: list(out[1:]),
    "n": lambda out: out[1],
    "dims": lambda out: list(range(1, len(out))),
    "function": lambda out: None,
}


def _single(shape: AnyShape | None) -> Shape | None:
    if shape is None or (shape and isinstance(shape[0], tuple)):
        return None
    return shape  # type: ignore[return-value]


def _space(cls: str, row: SummaryRow, inp: AnyShape | None) -> _Space:
    out = _single(row.output_shape)
    inp1 = _single(inp)
    known_in = inp is not None
    cands: list[_Candidate] = []

    def fixed(config: dict[str, Any], shape: Any) -> Callable[[int], tuple[dict[str, Any], Any]]:
        return lambda c: (config, shape)

    conv = _CONV.match(cls)
    depthwise = _DEPTHWISE.match(cls)
    separable = _SEPARABLE.match(cls)
    if out is not None and (conv or depthwise or separable):
        m = conv or depthwise or separable
        assert m is not None
        rank = int(m.group("rank"))
        formats = [("channels_last", 0.0)]
        if len(out) == rank + 2 and not (inp1 and len(inp1) != rank + 2):
            formats.append(("channels_first", 3.0))
        spatial_known = inp1 is not None and any(d is not None for d in inp1[1:])
        variants: tuple[tuple[dict[str, Any], str, float], ...] = ()
        if spatial_known:
            variants = tuple(
                ({"padding": p, "strides": st}, f"padding {p}" + (f", stride {st}" if st != 1 else ""), c)
                for p, st, c in (("same", 1, 0.5), ("valid", 2, 2.0), ("same", 2, 2.0))
            )
        for fmt, fmt_cost in formats:
            ch_axis = -1 if fmt == "channels_last" else 1
            filters = out[ch_axis]
            for kernel, k_cost in _kernel_choices(rank):
                for bias in (True, False):
                    base: dict[str, Any] = {"kernel_size": list(kernel), "use_bias": bias, "data_format": fmt}
                    knobs = [_kernel_text(kernel), _bias_text(bias)]
                    if fmt != "channels_last":
                        knobs.append(fmt)
                    cost = k_cost + (0 if bias else 1) + fmt_cost

                    def first_input(c: int, fmt: str = fmt) -> Shape:
                        assert out is not None
                        spatial = (None,) * rank
                        return (None, *spatial, c) if fmt == "channels_last" else (None, c, *spatial)

                    if depthwise:
                        in_c = None if inp1 is None else inp1[ch_axis]
                        if in_c is not None and filters is not None:
                            if filters % in_c:
                                continue
                            mult = filters // in_c
                            cfg = {**base, "depth_multiplier": mult}
                            cands.append(
                                _Candidate(cls, fixed(cfg, inp), (*knobs, f"depth multiplier {mult}"), cost, variants=variants)
                            )
                        elif filters is not None:
                            for in_c in _divisors(filters):
                                mult = filters // in_c
                                cfg = {**base, "depth_multiplier": mult}
                                knobs2 = (*knobs, f"depth multiplier {mult}", f"{in_c} input channels")
                                cands.append(
                                    _Candidate(
                                        cls, fixed(cfg, first_input(in_c)), knobs2, cost + (0 if mult == 1 else 0.5 + mult / 8)
                                    )
                                )
                        continue
                    cfg = {**base, "filters": filters}
                    mults = [(1, 0.0)] + [(d, 0.5 + d / 4) for d in range(2, 9)] if separable else [(1, 0.0)]
                    for mult, m_cost in mults:
                        cfg_m = {**cfg, "depth_multiplier": mult} if separable else cfg
                        knobs_m = (*knobs, f"depth multiplier {mult}") if separable else tuple(knobs)
                        if known_in:
                            cands.append(_Candidate(cls, fixed(cfg_m, inp), knobs_m, cost + m_cost, variants=variants))
                            if conv and not conv.group("transpose") and inp1 is not None and filters:
                                in_c = inp1[ch_axis]
                                for groups in _divisors(in_c or 1)[1:]:
                                    if filters % groups == 0:
                                        cands.append(
                                            _Candidate(
                                                cls,
                                                fixed({**cfg_m, "groups": groups}, inp),
                                                (*knobs_m, f"groups {groups}"),
                                                cost + 4,
                                                variants=variants,
                                            )
                                        )
                        else:
                            cands.append(
                                _Candidate(
                                    cls,
                                    lambda c, cfg_m=cfg_m, fi=first_input: (cfg_m, fi(c)),  # type: ignore[misc]
                                    knobs_m,
                                    cost + m_cost,
                                    solve_channels=True,
                                )
                            )
        where = _where(inp) if inp is not None else "any input channels"
        extra = ", depth multiplier 1…8" if separable else ", depth multiplier from the channels" if depthwise else ", groups"
        return _Space(cands, f"{cls} kernels 1…15 (and rectangular up to 7), bias on/off, padding/strides{extra}, on {where}")

    if out is not None and cls in ("Dense",):
        for bias in (True, False):
            cfg = {"units": out[-1], "use_bias": bias}
            if known_in:
                cands.append(_Candidate(cls, fixed(cfg, inp), (_bias_text(bias),), 0 if bias else 1))
            else:
                cands.append(
                    _Candidate(
                        cls, _channels_last(cfg, tuple(out[:-1])), (_bias_text(bias),), 0 if bias else 1, solve_channels=True
                    )
                )
        return _Space(cands, f"Dense(units={out[-1]}) with bias on/off on {_where(inp)}")

    if out is not None and cls == "Embedding":
        cfg_of: Callable[[int], dict[str, Any]] = lambda c: {"input_dim": c, "output_dim": out[-1]}  # noqa: E731
        in_shape = tuple(out[:-1]) if inp1 is None else inp1
        cands.append(_Candidate(cls, lambda c: (cfg_of(c), in_shape), (), 0, solve_channels=True))
        return _Space(cands, f"Embedding(output_dim={out[-1]}) with any vocabulary size")

    if out is not None and cls in _RNN | {"Bidirectional"}:
        inners = ["LSTM", "GRU", "SimpleRNN"] if cls == "Bidirectional" else [cls]
        seq = len(out) == 3
        for inner in inners:
            for merge, factor, m_cost in (("concat", 2, 0.0), ("sum", 1, 1.0)) if cls == "Bidirectional" else ((None, 1, 0.0),):
                if out[-1] is None or out[-1] % factor:
                    continue
                units = out[-1] // factor
                for bias in (True, False):
                    resets = (True, False) if inner in ("GRU",) else (None,)
                    for reset in resets:
                        inner_cfg: dict[str, Any] = {"units": units, "use_bias": bias, "return_sequences": seq}
                        knobs = [_bias_text(bias)]
                        cost = (0 if bias else 1) + m_cost
                        if reset is not None:
                            inner_cfg["reset_after"] = reset
                            knobs.append("reset_after on" if reset else "reset_after off (the Keras 1/2.x GRU)")
                            cost += 0 if reset else 1
                        if cls == "Bidirectional":
                            cfg = {"layer": {"class_name": inner, "config": inner_cfg}, "merge_mode": merge}
                            knobs.insert(0, f"{inner}, merge {merge}")
                        else:
                            cfg = inner_cfg
                        if inp1 is not None:
                            cands.append(_Candidate(cls, fixed(cfg, inp1), tuple(knobs), cost))
                        else:
                            steps = out[1] if seq else None
                            cands.append(
                                _Candidate(cls, _channels_last(cfg, (None, steps)), tuple(knobs), cost, solve_channels=True)
                            )
        return _Space(cands, f"{cls} with {out[-1]} outputs, bias on/off" + (", reset_after on/off" if "GRU" in inners else ""))

    if cls in _NORMS:
        shape = inp if inp is not None else row.output_shape
        for center in (True, False):
            for scale in (True, False):
                knobs = []
                if not center:
                    knobs.append("center off")
                if not scale:
                    knobs.append("scale off")
                cands.append(
                    _Candidate(cls, fixed({"center": center, "scale": scale}, shape), tuple(knobs), (not center) + (not scale))
                )
        return _Space(cands, f"{cls} with center/scale on/off on {_where(shape)}")

    # Everything else: the defaults, with the weightless required arguments filled in.
    shape = inp if inp is not None else row.output_shape
    cands.append(_Candidate(cls, fixed({}, shape), (), 0))
    return _Space(cands, f"{cls} with its defaults on {_where(shape)}")


def _channels_last(config: dict[str, Any], leading: Shape) -> Callable[[int], tuple[dict[str, Any], Any]]:
    """A first layer's guess: ``config`` on an input of ``leading`` dims and ``c`` channels."""
    return lambda c: (config, (*leading, c))


def _where(shape: Any) -> str:
    return "an unknown input" if shape is None else f"input {formulas.format_output_shape(shape)}"


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0] if n > 0 else [1]


# --- evaluation -----------------------------------------------------------------------------


def _expect(cls: str, config: dict[str, Any], shape: Any, keras: str, out: AnyShape | None) -> formulas.Expectation | None:
    config = dict(config)
    for _ in range(4):
        try:
            return formulas.expect({"class_name": cls, "config": config}, shape, keras=keras)
        except formulas.InvalidLayerError as exc:
            m = re.search(r"missing required argument '(\w+)'", str(exc))
            if not m or m.group(1) not in _FILLERS or m.group(1) in config or out is None:
                return None
            config[m.group(1)] = _FILLERS[m.group(1)](out)
        except (formulas.UnknownLayerError, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError):
            return None
    return None


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


@dataclass
class _Match:
    cost: float
    knobs: tuple[str, ...]
    expectation: formulas.Expectation
    shape_ok: bool
    alternatives: list[tuple[str, ...]] = field(default_factory=list)  # as simple, as good


def _channel_cost(c: int) -> float:
    return 0.0 if c in (1, 3) else 0.5 if c in (2, 4) else 1.0


def _search(space: _Space, row: SummaryRow, keras: str) -> tuple[_Match | None, tuple[int, str] | None]:
    """The cheapest candidate that reproduces ``row.params`` (shape-compatible ones first), and
    the nearest miss (count, knobs) for the message when none does."""
    assert row.params is not None
    target = row.params
    best: _Match | None = None
    nearest: tuple[int, str] | None = None
    for cand in sorted(space.candidates, key=lambda c: c.cost):
        if best is not None and cand.cost > best.cost:
            break
        tries: list[tuple[int | None, formulas.Expectation | None]] = []
        if cand.solve_channels:
            tries = _solve_channels(cand, target, keras, row.output_shape)
        else:
            cfg, shape = cand.build(0)
            tries = [(None, _expect(cand.class_name, cfg, shape, keras, row.output_shape))]
        for channels, e in tries:
            if e is None:
                continue
            knobs = cand.knobs + (_channels_text(cand.class_name, channels),) if channels else cand.knobs
            if e.total != target:
                if nearest is None or abs(e.total - target) < abs(nearest[0] - target):
                    nearest = (e.total, ", ".join(knobs) or "defaults")
                continue
            shape_ok = _compatible(e.output_shape, row.output_shape)
            extra = 0.0
            if not shape_ok and cand.variants:
                cfg, shape = cand.build(channels or 0)
                for change, knob, v_cost in cand.variants:
                    v = _expect(cand.class_name, {**cfg, **change}, shape, keras, row.output_shape)
                    if v is not None and v.total == target and _compatible(v.output_shape, row.output_shape):
                        e, shape_ok, knobs, extra = v, True, (*knobs, knob), v_cost
                        break
            cost = (
                extra
                + cand.cost
                + (_channel_cost(channels) if channels and cand.class_name != "Embedding" else 0)
                + (0 if shape_ok else 20)
            )
            if best is None or cost < best.cost:
                best = _Match(cost, knobs, e, shape_ok)
            elif cost == best.cost and knobs != best.knobs and knobs not in best.alternatives:
                best.alternatives.append(knobs)
    return best, nearest


def _channels_text(class_name: str, channels: int) -> str:
    if class_name == "Embedding":
        return f"vocabulary {channels:,}"
    if class_name == "Dense" or class_name in _RNN or class_name == "Bidirectional":
        return f"{channels:,} inputs"
    return f"{channels:,} input channels"


def _solve_channels(
    cand: _Candidate, target: int, keras: str, out: AnyShape | None
) -> list[tuple[int | None, formulas.Expectation | None]]:
    """The count is affine in the input channels (or an Embedding's vocabulary) for every layer
    searched this way: two evaluations give the line, the target gives the value."""

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
        # No whole number of channels: report the nearest for the message.
        near = max(1, round((target - e1.total) / slope) + 1)
        return [(near, at(near))]
    return [(c + 1, at(c + 1))]


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


def _class_candidates(row: SummaryRow, supported: set[str]) -> tuple[list[str], str]:
    """Classes to try for a row and how they were chosen ("" when printed in full)."""
    cls = row.class_name
    if cls and cls in supported:
        return [cls], ""
    if cls:
        prefix = cls.rstrip(ELLIPSIS)
        matches = sorted((s for s in supported if s.startswith(prefix)), key=len)
        if matches:
            return matches, f"type cut to {cls!r}"
        return [], f"no formula for class {cls!r}"
    base = re.sub(r"(_\d+)+$", "", row.name.rstrip(ELLIPSIS))
    by_snake = {_snake(s): s for s in sorted(supported)}
    guessed = [by_snake[base]] if base in by_snake else []
    if not guessed and row.name.endswith(ELLIPSIS):
        guessed = sorted((s for n, s in by_snake.items() if n.startswith(base)), key=len)
    rest = [g for g in _GUESSES if g in supported and g not in guessed]
    return guessed + rest, "type not shown"


def _in_shape(row: SummaryRow, index: int, rows: Sequence[SummaryRow], checks: Sequence[RowCheck]) -> AnyShape | None:
    by_name = {r.name: r for r in rows[:index]}
    shapes: list[Any] = []
    for name in row.connected_to:
        source = by_name.get(name)
        if source is None and name.endswith(ELLIPSIS):
            found = [r for n, r in by_name.items() if n.startswith(name.rstrip(ELLIPSIS))]
            source = found[-1] if len(found) >= 1 else None
        if source is not None:
            shapes.append(source.output_shape)
    if row.connected_to and shapes and len(shapes) == len(row.connected_to):
        if any(s is None for s in shapes):
            return None
        return shapes[0] if len(shapes) == 1 else tuple(shapes)
    if index == 0 or (rows[index - 1].class_name == "InputLayer" and row.class_name == "InputLayer"):
        return None
    return rows[index - 1].output_shape


def check_row(row: SummaryRow, inp: AnyShape | None, keras: str, supported: set[str]) -> RowCheck:
    if row.class_name == "InputLayer" or (row.class_name is None and re.match(r"^input(_layer)?(_\d+)?$", row.name)):
        if row.params in (0, None):
            return RowCheck(row, RowStatus.EXPLAINED, "an input: no weights", "InputLayer", 0)
        return RowCheck(row, RowStatus.UNEXPLAINED, f"{row.params:,} params on an InputLayer, which has no weights", "InputLayer")
    if row.class_name in ("Sequential", "Functional", "Model"):
        return RowCheck(
            row, RowStatus.UNCHECKED, f"a nested {row.class_name} model: its layers are not listed, not checked", row.class_name
        )
    if row.params is None:
        return RowCheck(row, RowStatus.UNCHECKED, "the count was cut by the console width, not checked", row.class_name)
    classes, how = _class_candidates(row, supported)
    if not classes:
        return RowCheck(row, RowStatus.UNCHECKED, f"{how}: not checked", row.class_name)
    tried: list[str] = []
    nearest: tuple[int, str] | None = None
    for cls in classes:
        space = _space(cls, row, inp)
        match, near = _search(space, row, keras)
        if match is not None:
            e = match.expectation
            formula = next((d[len("total ") :] for d in e.derivation if d.startswith("total ")), "")
            if not e.weights:
                text = "no weights"
            else:
                knobs = ", ".join(match.knobs)
                text = f"explained by {knobs}" if knobs else "explained by the defaults"
                if match.alternatives:
                    text += " (or equally: " + "; ".join(", ".join(a) for a in match.alternatives[:2]) + ")"
                text += f": {formula}" if formula else ""
            if how and row.class_name != cls:
                text = f"{how}, read as {cls}; {text}"
            if not match.shape_ok:
                text += (
                    f" (the formula's output shape {formulas.format_output_shape(e.output_shape)} needs other padding or strides)"
                )
            return RowCheck(row, RowStatus.EXPLAINED, text, cls, e.non_trainable)
        tried.append(space.tried)
        if near is not None and (nearest is None or abs(near[0] - row.params) < abs(nearest[0] - row.params)):
            nearest = near
    if row.params == 0 and row.output_shape is None:
        return RowCheck(row, RowStatus.UNCHECKED, "0 params and no readable output shape: not checked", classes[0])
    near_text = f"; nearest: {nearest[0]:,} ({nearest[1]})" if nearest else ""
    tried_text = "; ".join(tried[:3]) + (f"; and {len(tried) - 3} other classes" if len(tried) > 3 else "")
    return RowCheck(
        row, RowStatus.UNEXPLAINED, f"{row.params:,} params: no values explain it; tried {tried_text}{near_text}", classes[0]
    )


def _subset_sums(values: Sequence[int], limit: int = 200_000) -> set[int] | None:
    sums = {0}
    for v in values:
        if v:
            sums |= {s + v for s in sums}
            if len(sums) > limit:
                return None
    return sums


def check_totals(summary: Summary, rows: Sequence[RowCheck]) -> list[TotalCheck]:
    total, trainable, frozen = summary.total("total"), summary.total("trainable"), summary.total("non_trainable")
    optimizer = summary.total("optimizer")
    out: list[TotalCheck] = []
    if total is None and trainable is None and frozen is None:
        return [TotalCheck("total", True, "no Total params line: totals not checked")]
    if any(r.row.params is None for r in rows):
        return [TotalCheck("total", True, "a row's count was cut: totals not checked", total)]
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
    unknown = any(r.status is not RowStatus.EXPLAINED for r in rows)
    # Whole layers may be frozen (trainable=False): their trainable weights count as non-trainable.
    trainable_parts = [(r.row.params or 0) - (r.non_trainable or 0) for r in rows]
    sums = _subset_sums(trainable_parts)

    def plausible_nt(nt: int) -> str | None:
        extra = nt - formula_nt
        if extra == 0:
            return "the formulas' non-trainable weights (moving statistics)" if formula_nt else "no non-trainable weights"
        if unknown or sums is None:
            return "not all rows are known: not checked" if 0 <= nt <= grand else None
        if extra > 0 and extra in sums:
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
    for i, row in enumerate(summary.rows):
        checks.append(check_row(row, _in_shape(row, i, summary.rows, checks), version, supported))
    return SummaryCheck(summary, version, tuple(checks), tuple(check_totals(summary, checks)))


def check_text(text: str, keras: str | None = None) -> SummaryCheck:
    return check_summary(parse_summary(text), keras)


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
    yield "", f"{source}: {s.format} summary{name}, {len(s.rows)} row(s), checked with the Keras {check.keras} formulas"
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
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        console.print(f"paramproof: error: {source}: {exc.strerror or exc}", markup=False, highlight=False)
        return EXIT_USAGE
    try:
        summary = parse_summary(text)
    except SummaryParseError as exc:
        console.print(f"paramproof: error: {source}: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    try:
        check = check_summary(summary, args.keras)
    except ValueError as exc:  # an unknown --keras version
        console.print(f"paramproof: error: --keras {args.keras}: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    colours = {"ok": "green", "WRONG": "bold red", "skip": "yellow"}
    for word, line in render(check, source):
        if word:
            console.print(f"[{colours[word]}]{word:<5}[/] {escape(line)}", highlight=False)
        else:
            console.print(line, markup=False, highlight=False)
    return EXIT_OK if check.consistent else EXIT_DISCREPANCY


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
