"""EinsumDense, and the LoRA and quantization weights shared by Dense, EinsumDense and Embedding.

Sources: ``keras/src/layers/core/einsum_dense.py`` (``_analyze_einsum_string``,
``_analyze_split_string``, ``_analyze_quantization_info``, ``enable_lora``, ``_int8_build``,
``_int4_build``, ``_float8_build``) and ``dense.py`` of Keras 3;
``tf_keras/src/layers/core/einsum_dense.py`` for Keras 2 (no LoRA, no quantization).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .._config import Config
from .._derivation import Axis, Derivation
from .._model import Dim, Shape
from .._registry import register
from .._version import describe_feature
from ._common import has, output_activation, single

#: ``layer.quantize(mode)`` modes that need calibration data or a config object: out of scope.
CALIBRATED_MODES = ("gptq", "awq")
#: Default ``Int4QuantizationConfig.block_size`` (from 3.14.0, ``int4-grouped``): int4 is grouped
#: along the reduced axis.  3.11–3.13 quantize int4 per channel (``int4_packed``).
INT4_BLOCK = 128
#: ``QuantizedFloat8DTypePolicy.default_amax_history_length``.
AMAX_HISTORY = 1024


def check_quantize_mode(cfg: Config, modes: tuple[str, ...]) -> str | None:
    """The quantization mode, refused where Keras refuses it (unknown, calibrated, unsupported)."""
    mode = cfg.quantize
    if mode is None:
        return None
    if mode in CALIBRATED_MODES:
        raise cfg.fail(f"quantize={mode!r} needs a {mode.upper()}Config with calibration data; out of scope")
    if mode not in ("int8", "int4", "float8"):
        raise cfg.fail(f"quantize={mode!r} is not one of 'int8', 'int4', 'float8', 'gptq', 'awq'")
    if not has(cfg, f"quantize-{mode}"):
        raise cfg.fail(
            f"quantize={mode!r}: Keras {cfg.keras} has no {mode} quantization ({describe_feature(f'quantize-{mode}', cfg.keras)})"
        )
    if mode not in modes:
        raise cfg.fail(f"quantize={mode!r}: {cfg.class_name} supports only {', '.join(repr(m) for m in modes)}")
    return mode


def lora_rank(cfg: Config, constraint_key: str) -> int | None:
    """``lora_rank`` (Keras 3): a truthy rank enables LoRA after the build; Keras 2 has no such key."""
    if not cfg.keras.is_keras3:
        for key in ("lora_rank", "lora_alpha"):
            if key in cfg.raw:
                raise cfg.fail(f"Keras {cfg.keras} has no argument {key!r}")
        return None
    if "lora_alpha" in cfg.raw and not has(cfg, "lora-alpha"):
        raise cfg.fail(f"Keras {cfg.keras} has no argument 'lora_alpha' ({describe_feature('lora-alpha', cfg.keras)})")
    if "lora_rank" in cfg.raw and not has(cfg, "lora-dense"):
        raise cfg.fail(f"Keras {cfg.keras} has no argument 'lora_rank'")
    value = cfg.raw.get("lora_rank")
    if not value:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise cfg.fail(f"lora_rank={value!r} is not an integer")
    if value < 0:
        raise cfg.fail(f"lora_rank={value} must not be negative")
    if cfg.has(constraint_key):
        raise cfg.fail(f"LoRA is incompatible with {constraint_key}={cfg.get(constraint_key)!r}")
    return value


def float8_weights(d: Derivation) -> None:
    """float8: a scale () and an amax history (1024,) for inputs, kernel and output gradients,
    all created trainable (Keras overwrites them with their gradients)."""
    for prefix in ("inputs", "kernel", "outputs_grad"):
        d.weight(f"{prefix}_scale", [])
        d.weight(f"{prefix}_amax_history", [("1024", AMAX_HISTORY)])


def int4_packed(axes: Sequence[Axis], axis: int) -> list[Axis]:
    """``axes`` with ``axes[axis]`` halved, rounded up: int4 values are stored two to an int8 byte
    along that axis."""
    symbol, size = axes[axis]
    packed = list(axes)
    packed[axis] = (f"⌈{symbol}/2⌉", None if size is None else (size + 1) // 2)
    return packed


def int4_grouped(cfg: Config, d: Derivation, prefix: str, rows: int, cols: int) -> None:
    """int4 from 3.14.0 (``int4-grouped``; 3.11–3.13 are per channel, see the layers), with the
    default block size 128: the kernel packed two values a byte along the columns,
    a scale and a zero point per (group of 128 rows, column), and a group index per row.  The zero
    point of a Dense/EinsumDense kernel is named ``kernel_zero`` up to 3.15 and ``zero_point``
    from keras-nightly 3.16.0.dev2026102704 on (``int4-zero-point-name``)."""
    groups = math.ceil(rows / INT4_BLOCK)
    zero = "zero_point" if has(cfg, "int4-zero-point-name") else f"{prefix}_zero"
    d.weight(prefix, int4_packed([("rows", rows), ("cols", cols)], 1), trainable=False)
    d.weight(f"{prefix}_scale", [("⌈rows/128⌉", groups), ("cols", cols)], trainable=False)
    d.weight(zero, [("⌈rows/128⌉", groups), ("cols", cols)], trainable=False)
    d.weight("g_idx", [("rows", rows)], trainable=False)


def refuse_lora_with(cfg: Config, mode: str | None, rank_: int | None) -> None:
    """keras-nightly 3.16.0.dev2026102704 refuses ``quantize('float8')`` on a layer with LoRA
    (``lora-float8-refused``); 3.15 builds the weights and fails only at the call."""
    if rank_ and mode == "float8" and has(cfg, "lora-float8-refused"):
        raise cfg.fail("quantize='float8' with lora_rank: lora is not currently supported with FLOAT8 quantization")


@dataclass(frozen=True)
class Einsum:
    """What ``_analyze_einsum_string`` derives, plus the output a real einsum produces."""

    input_spec: str
    weight_spec: str
    output_spec: str
    kernel: tuple[Dim, ...]
    bias: tuple[Dim, ...] | None
    bias_symbols: tuple[str, ...]
    keras_output: Shape  # Keras's own (symbolic) full output shape
    true_output: Shape | None  # what ops.einsum returns; None if it cannot run on this input
    elision: str | None = None  # the side the equation's '...' elides: "left", "right" or None


_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), None),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), "left"),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), "right"),
)


def analyze(cfg: Config, equation: object, bias_axes: object, x: Shape, partial: tuple[Dim, ...], *, what: str = "") -> Einsum:
    """Kernel, bias and output shapes of ``EinsumDense(equation, output_shape=partial)`` on ``x``.

    The kernel takes, for each weight letter, the output_shape entry when the letter is an output
    axis, else the input dim; the bias has the output dims from the first bias letter on (1 for
    the letters not in ``bias_axes``, and 1 for each right-elided axis)."""
    where = f"{what}: " if what else ""
    if not isinstance(equation, str):
        raise cfg.fail(f"{where}equation={equation!r} is not a string")
    text = re.sub(r"\.\.\.", "0", equation)
    m = None
    elision: str | None = None
    for pattern, form in _FORMS:
        m = pattern.match(text)  # re.match, unanchored at the end, as Keras does
        if m:
            elision = form
            break
    if m is None:
        raise cfg.fail(f"{where}equation={equation!r} is not of the form X,Y->Z, ...X,Y->...Z or X...,Y->Z...")
    input_spec, weight_spec, output_spec = m.group(1), m.group(2), m.group(3)
    left = elision == "left"
    rank = len(x)
    elided = rank - len(input_spec)
    out: list[Dim] = [x[0] if x else None, *partial]
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, x[i])  # Keras inserts each at 1: the elided axes come out reversed
    elif elided > 0:
        out.extend(x[rank - elided :])
    if left:
        in_map = {c: i + elided - rank for i, c in enumerate(input_spec)}
        out_map = {c: i + elided for i, c in enumerate(output_spec)}
    else:
        in_map = {c: i for i, c in enumerate(input_spec)}
        out_map = {c: i for i, c in enumerate(output_spec)}

    def at(seq: list[Dim] | Shape, i: int, name: str) -> Dim:
        try:
            return seq[i]
        except IndexError:
            raise cfg.fail(f"{where}equation={equation!r} does not fit input {x} (axis '{name}')") from None

    for c in input_spec:
        dim = at(x, in_map[c], c)
        if c in out_map:
            given = at(out, out_map[c], c)
            if given is not None and given != dim:
                raise cfg.fail(
                    f"{where}output_shape disagrees with the input at shared axis '{c}': input {dim}, output_shape {given}"
                )
    for c in output_spec:
        if c not in input_spec and c not in weight_spec:
            raise cfg.fail(f"{where}output axis '{c}' of {equation!r} is in neither the input nor the weight")
    kernel: list[Dim] = []
    for c in weight_spec:
        if c in out_map:
            kernel.append(at(out, out_map[c], c))
        elif c in in_map:
            kernel.append(at(x, in_map[c], c))
        else:
            raise cfg.fail(f"{where}weight axis '{c}' of {equation!r} is in neither the input nor the output")
    bias: list[Dim] | None = None
    bias_symbols: list[str] = []
    if bias_axes is not None:
        if not isinstance(bias_axes, str):
            raise cfg.fail(f"{where}bias_axes={bias_axes!r} is not a string")
        for c in bias_axes:
            if c not in output_spec:
                raise cfg.fail(f"{where}bias axis '{c}' is not in the output spec '{output_spec}'")
        if bias_axes:
            offset = elided if left else 0
            idx = {c: at(out, i + offset, c) for i, c in enumerate(output_spec)}
            first = min(output_spec.find(c) for c in bias_axes)
            bias = [idx[c] if c in bias_axes else 1 for c in output_spec[first:]]
            bias_symbols = [c if c in bias_axes else "1" for c in output_spec[first:]]
            if not left:
                bias.extend([1] * max(elided, 0))
                bias_symbols.extend(["1"] * max(elided, 0))
        else:
            raise cfg.fail(f"{where}bias_axes='' names no axis")
    # What the real einsum computes.
    true: Shape | None = None
    fits = elided >= 0 if elision else elided == 0
    if fits:
        size = dict(zip(weight_spec, kernel))
        for c in input_spec:
            size[c] = at(x, in_map[c], c)
        core: list[Dim] = [size[c] for c in output_spec]
        if left:
            true = (*x[:elided], *core)
        elif elision == "right":
            true = (*core, *x[rank - elided :])
        else:
            true = tuple(core)
    return Einsum(
        input_spec,
        weight_spec,
        output_spec,
        tuple(kernel),
        None if bias is None else tuple(bias),
        tuple(bias_symbols),
        tuple(out),
        true,
        elision,
    )


def partial_output_shape(cfg: Config, value: object) -> tuple[Dim, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, (list, tuple)):
        dims: list[Dim] = []
        for v in value:
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                raise cfg.fail(f"output_shape={value!r} holds {v!r}, not an integer or None")
            dims.append(v)
        return tuple(dims)
    raise cfg.fail(f"output_shape={value!r} is not an integer or a list")


def _need_defined(cfg: Config, name: str, shape: tuple[Dim, ...] | None, equation: str) -> None:
    if shape is not None and any(s is None for s in shape):
        raise cfg.fail(f"{name} shape {shape} of {equation!r} has an undefined dimension: give it in output_shape or the input")
    if shape is not None and any(s is not None and s < 0 for s in shape):
        raise cfg.fail(f"{name} shape {shape} of {equation!r} has a negative dimension")


def _spelled_out(e: Einsum, input_rank: int) -> tuple[str, str]:
    """The input and output specs with each elided axis given a label of its own, as
    ``EinsumAxes.from_equation`` does (keras-nightly ``einsum_dense.py``): the first unused ASCII
    letters, sorted, prepended for a left '...' and appended for a right one."""
    in_spec, out_spec = e.input_spec, e.output_spec
    if e.elision is None:
        return in_spec, out_spec
    used = set(in_spec + e.weight_spec + out_spec)
    unused = sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") - used)
    elided = "".join(unused[: max(input_rank - len(in_spec), 0)])
    if e.elision == "left":
        return elided + in_spec, elided + out_spec
    return in_spec + elided, out_spec + elided


def int8_scale_shape(e: Einsum, input_rank: int, *, squeeze_in_place: bool = False) -> list[int]:
    """``EinsumDense._get_kernel_scale_shape`` for per-channel int8, after
    ``_analyze_quantization_info``.  Up to 3.15 a reduced kernel axis with no expand axis left to
    take its place is put back at a leftover loop index (where the squeeze then drops a wrong
    axis); from keras-nightly 3.16.0.dev2026102704 on it stays at its own position
    (``squeeze_in_place``, ``einsum-int8-scale-squeeze-in-place``), and the elided axes of a
    '...' equation carry labels of their own (``_spelled_out``)."""
    in_spec, out_spec = _spelled_out(e, input_rank)
    w_spec = e.weight_spec
    index = -1
    in_reduced = [i for i, c in enumerate(in_spec) if out_spec.find(c) == -1]
    w_reduced = []
    for i, c in enumerate(w_spec):
        index = out_spec.find(c)
        if index == -1:
            w_reduced.append(i)
    in_expand = [i for i, c in enumerate(out_spec) if in_spec.find(c) == -1]
    w_expand = [i for i, c in enumerate(out_spec) if w_spec.find(c) == -1]
    in_transpose = [in_spec.find(c) for c in out_spec if in_spec.find(c) != -1]
    w_transpose = [w_spec.find(c) for c in out_spec if w_spec.find(c) != -1]
    w_squeeze = []
    for ori in in_reduced:
        if in_expand:
            index = in_expand.pop(0)
        elif squeeze_in_place:
            index = ori
        in_transpose.insert(index, ori)
    for ori in w_reduced:
        if w_expand:
            index = w_expand.pop(0)
        else:
            w_squeeze.append(ori)
            if squeeze_in_place:
                index = ori
        w_transpose.insert(index, ori)
    shape = [1 if i in w_reduced else int(s or 0) for i, s in enumerate(e.kernel)]
    shape = [shape[i] for i in w_transpose]
    for a in sorted(w_expand):
        shape.insert(a, 1)
    for a in sorted(w_squeeze, reverse=True):
        shape.pop(a)
    return shape


@register("EinsumDense", family="core", quantizable=True)
def einsum_dense(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """kernel: one axis per weight letter, sized by output_shape where the letter is an output
    axis, else by the input; bias over the output axes from the first ``bias_axes`` letter on.
    Params ∏kernel + ∏bias.  Keras 3: ``lora_rank`` r adds lora_kernel_a (kernel[:-1], r) and
    lora_kernel_b (r, kernel[-1]) and freezes the kernel; ``quantize`` int8 replaces the kernel by an
    int8 copy and a per-output-channel kernel_scale (3.1.x also freezes the bias), int4 packs it as
    (rows, ⌈cols/2⌉) with grouped scale/zero/g_idx (from 3.14.0; 3.11–3.13 halve the first reduced
    kernel axis and keep the int8 kernel_scale), float8 adds six scaling weights.  The output is
    what ``einsum`` returns: the left-elided axes keep their order (Keras 3's symbolic shape
    reverses them).

    keras-nightly 3.16.0.dev2026102704 (``versions.json``): int8/int4 quantize equations with
    '...' (``einsum-quantize-ellipsis``), an input whose rank does not fit the equation is refused
    at the build (``einsum-input-rank-checked``), float8 with LoRA is refused."""
    x = single(cfg, x)
    equation = cfg.get("equation")
    partial = partial_output_shape(cfg, cfg.get("output_shape"))
    bias_axes = cfg.raw.get("bias_axes")
    d.arg("equation", equation)
    d.arg("output_shape", partial if len(partial) != 1 else partial[0])
    if bias_axes:
        d.arg("bias_axes", bias_axes)
    rank_ = lora_rank(cfg, "kernel_constraint")
    mode = check_quantize_mode(cfg, ("int8", "int4", "float8"))
    e = analyze(cfg, equation, bias_axes, x, partial)
    _need_defined(cfg, "kernel", e.kernel, str(equation))
    _need_defined(cfg, "bias", e.bias, str(equation))
    if e.true_output is None:
        if not cfg.keras.is_keras3 or has(cfg, "einsum-input-rank-checked"):
            need = f"rank >= {len(e.input_spec)}" if e.elision else f"rank {len(e.input_spec)}"
            raise cfg.fail(f"input {x} has rank {len(x)}, but {equation!r} needs {need}")
        d.note("the einsum cannot run on this input rank; Keras 3 still builds the layer symbolically")
    refuse_lora_with(cfg, mode, rank_)
    kernel = [(c, int(s or 0)) for c, s in zip(e.weight_spec, e.kernel)]
    bias = None if e.bias is None else [(c, int(s or 0)) for c, s in zip(e.bias_symbols, e.bias)]
    if mode in ("int8", "int4") and "..." in str(equation) and not has(cfg, "einsum-quantize-ellipsis"):
        raise cfg.fail(f"quantize={mode!r}: Keras cannot quantize an EinsumDense whose equation has '...' ({equation!r})")
    if mode in ("int8", "int4"):
        if bias is not None:
            # 3.1.x's quantize also freezes the bias (``int8-bias-trainable``).
            d.weight("bias", bias, trainable=has(cfg, "int8-bias-trainable"))
        _lora(d, rank_, [s for _, s in kernel])
        reduced = [i for i, c in enumerate(e.weight_spec) if c not in e.output_spec]
        if mode == "int4" and has(cfg, "int4-grouped"):
            rows = math.prod(s for i, (_, s) in enumerate(kernel) if i in reduced)
            cols = math.prod(s for i, (_, s) in enumerate(kernel) if i not in reduced)
            int4_grouped(cfg, d, "kernel", rows, cols)
        else:
            # int8, and int4 in 3.11–3.13: per-channel kernel_scale; int4 packs the kernel along
            # its first reduced axis (axis 0 if none is reduced), ``_int4_pack_axis``.
            stored = kernel if mode == "int8" else int4_packed(kernel, reduced[0] if reduced else 0)
            d.weight("kernel", stored, trainable=False)
            scale = int8_scale_shape(e, len(x), squeeze_in_place=has(cfg, "einsum-int8-scale-squeeze-in-place"))
            d.weight("kernel_scale", [(str(s), s) for s in scale], trainable=False)
    else:
        d.weight("kernel", kernel, trainable=rank_ is None)
        if bias is not None:
            d.weight("bias", bias)
        _lora(d, rank_, [s for _, s in kernel])
        if mode == "float8":
            float8_weights(d)
    output = e.true_output if e.true_output is not None else e.keras_output
    d.output(output, "einsum output")
    output_activation(cfg, d)


def _lora(d: Derivation, rank_: int | None, kernel: list[int]) -> None:
    if rank_ is None:
        return
    d.arg("lora_rank", rank_)
    d.weight("lora_kernel_a", [*[(str(s), s) for s in kernel[:-1]], ("r", rank_)])
    d.weight("lora_kernel_b", [("r", rank_), (str(kernel[-1]), kernel[-1])])


__all__ = [
    "Einsum",
    "analyze",
    "check_quantize_mode",
    "float8_weights",
    "int4_grouped",
    "int4_packed",
    "lora_rank",
    "refuse_lora_with",
]
