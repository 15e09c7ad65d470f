"""Layers and operations that appear only inside model graphs.

* Keras 2's ``TFOpLambda`` / ``SlicingOpLambda``: a TensorFlow function applied to a symbolic
  tensor (``x + y``, ``tf.reduce_mean(x, axis=1)``, ``x[:, 1:]``).  The layer config names the
  function (``"math.reduce_mean"``); the call's other arguments live in the node's kwargs.
  Source: ``tf_keras/src/layers/core/tf_op_layer.py``.
* Keras 3's operation nodes: ``keras.ops.*`` applied to symbolic tensors serialize as entries whose
  ``module`` is ``keras.src.ops.<file>`` and whose ``class_name`` is the operation class (``Add``,
  ``Mean``, ``Reshape``, ``GetItem`` …); the op's own arguments (``axis``, ``newshape``) are in its
  config, its operands in the node's ``args``.  ``model.layers`` does not list them.  Source:
  ``keras/src/ops/numpy.py``, ``nn.py``, ``core.py``.
* The Keras Applications' own layers: ConvNeXt's ``LayerScale`` and ``StochasticDepth``,
  InceptionResNetV2's ``CustomScaleLayer`` (``keras/src/applications/``, and the same files in Keras 2).
* ``Lambda`` with a declared ``output_shape`` (its function is never looked at).

None of the operations has weights.  Broadcasting follows numpy/TensorFlow (and Keras 3's
``broadcast_shapes``): right-aligned, batch axis included, a 1 stretches, and an unknown dim
against a known n > 1 is n (against 1 or None it stays unknown).

The application layers are kept in their own table (:data:`GRAPH_LAYERS`), not in the registry of
``keras.layers`` classes: they are not public Keras layers, so ``formulas.supported()``, the
coverage check and the sweep spaces do not list them.  :func:`lookup` finds both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._config import Config
from .._derivation import Derivation, check_output
from .._model import MAX_DIM, Dim, InvalidLayerError, OutputShape, Shape, UnknownLayerError, short
from .._registry import Entry, Formula
from .._registry import lookup as _registry_lookup
from .._version import KerasVersion
from ._common import single

# -- operands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tensor:
    """A symbolic tensor operand of an operation: its shape, batch axis included."""

    shape: Shape


@dataclass(frozen=True)
class OpCall:
    """One call of an operation: ``name`` (``"math.reduce_mean"`` for a TF op, ``"Mean"`` for a
    Keras 3 op), the positional operands (:class:`Tensor` or constants, lists may hold tensors) and
    the keyword arguments (Keras 2: the call's kwargs; Keras 3: the op's config)."""

    name: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    keras3: bool = True

    def fail(self, message: str) -> InvalidLayerError:
        return InvalidLayerError(f"{self.label}: {message}")

    @property
    def label(self) -> str:
        return self.name if self.keras3 else f"tf.{self.name}"

    def arg(self, index: int, *keys: str, default: Any = None) -> Any:
        """Positional argument ``index``, else the first of ``keys`` present in the kwargs."""
        if len(self.args) > index:
            return self.args[index]
        for key in keys:
            if key in self.kwargs:
                return self.kwargs[key]
        return default

    def tensor(self, index: int = 0, *keys: str) -> Shape:
        value = self.arg(index, *keys)
        return operand_shape(self, value)


def constant_shape(value: Any) -> Shape:
    """The shape of a Python constant: a scalar is (), a nested list its nesting."""
    if isinstance(value, (list, tuple)):
        if not value:
            return (0,)
        inner = {constant_shape(v) for v in value}
        if len(inner) != 1:
            raise InvalidLayerError(f"constant {value!r} is ragged")
        return (len(value), *inner.pop())
    return ()


def operand_shape(call: OpCall, value: Any) -> Shape:
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, (int, float, bool, list, tuple)) and not (isinstance(value, (list, tuple)) and _has_tensor(value)):
        return constant_shape(value)
    raise call.fail(f"operand {value!r} is neither a tensor nor a numeric constant")


def _has_tensor(value: Any) -> bool:
    if isinstance(value, Tensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_tensor(v) for v in value)
    return False


def broadcast(call: OpCall, *shapes: Shape) -> Shape:
    """numpy broadcasting of full shapes (batch axis included): right-aligned, 1 stretches, None
    against a known n != 1 is n.  Keras 3: ``keras/src/ops/operation_utils.broadcast_shapes``;
    TensorFlow's ``BroadcastBinaryOpOutputShapeFn`` agrees."""
    out: list[Dim] = []
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    for dims in zip(*padded):
        result: Dim = 1
        for dim in dims:
            if dim == 1:
                continue
            if dim is None:
                result = None if result == 1 else result
            elif result is None or result == 1:
                result = dim
            elif result != dim:
                raise call.fail(f"shapes {list(shapes)!r} cannot be broadcast together")
        out.append(result)
    return tuple(out)


def _axes(call: OpCall, raw: Any, rank: int) -> tuple[int, ...] | None:
    """An axis argument (int, list or None) as sorted non-negative axes; None means all."""
    if raw is None:
        return None
    if not isinstance(raw, (int, list, tuple)):
        raise call.fail(f"axis={short(raw)} is not an int or a list of ints")
    items = [raw] if isinstance(raw, int) else list(raw)
    out = set()
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int) or not -rank <= a < rank:
            raise call.fail(f"axis={raw!r} is out of range for rank {rank}")
        out.add(a % rank)
    return tuple(sorted(out))


# -- operation formulas -----------------------------------------------------------------------

OpFormula = Callable[[OpCall], OutputShape]


def _same(call: OpCall) -> OutputShape:
    """Elementwise on one tensor (activations, cast, identity, clip …): the input shape."""
    return call.tensor(0, "x", "features", "input", "t", "logits", "tensor")


def _binary(call: OpCall) -> OutputShape:
    """Elementwise on two operands (tensors or constants): the two shapes broadcast together."""
    first = call.arg(0, "x", "x1", "a")
    second = call.arg(1, "y", "x2", "b")
    if second is None:
        raise call.fail("needs two operands")
    return broadcast(call, operand_shape(call, first), operand_shape(call, second))


def _reduce(call: OpCall) -> OutputShape:
    """A reduction over ``axis`` (None: every axis); ``keepdims`` keeps them as 1."""
    x = call.tensor(0, "x", "input_tensor", "input")
    axes = _axes(call, call.kwargs.get("axis", call.kwargs.get("reduction_indices")), len(x))
    keep = bool(call.kwargs.get("keepdims", call.kwargs.get("keep_dims", False)))
    kept = range(len(x)) if axes is None else axes
    if keep:
        return tuple(1 if i in kept else d for i, d in enumerate(x))
    return tuple(d for i, d in enumerate(x) if i not in kept)


def _reshape(call: OpCall) -> OutputShape:
    """numpy reshape: at most one -1, inferred from the element count when every input dim is
    known, else unknown (``operation_utils.compute_reshape_output_shape``; TensorFlow agrees for
    a -1 that stands for the batch)."""
    x = call.tensor(0, "tensor", "x")
    raw = call.kwargs.get("shape", call.kwargs.get("newshape", call.kwargs.get("new_shape")))
    if raw is None and len(call.args) > 1:
        raw = call.args[1]
    if isinstance(raw, int):
        raw = [raw]
    if not isinstance(raw, (list, tuple)) or any(d is not None and (isinstance(d, bool) or not isinstance(d, int)) for d in raw):
        raise call.fail(f"shape={raw!r} is not a list of ints")
    target: list[int | None] = [None if d is None else int(d) for d in raw]
    if target.count(-1) > 1:
        raise call.fail(f"shape={raw!r} has more than one -1")
    if None in x or None in target:
        return tuple(None if d in (-1, None) else d for d in target)
    size = math.prod(d for d in x if d is not None)
    known = math.prod(d for d in target if d is not None and d != -1)
    if -1 not in target:
        if known != size:
            raise call.fail(f"cannot reshape {x} ({size} elements) to {tuple(target)}")
        return tuple(target)
    if known == 0 or size % known:
        raise call.fail(f"cannot reshape {x} ({size} elements) to {tuple(target)}")
    return tuple(size // known if d == -1 else d for d in target)


def _concat(call: OpCall) -> OutputShape:
    """Sizes along ``axis`` summed (None if any is unknown); Keras 3 takes the other dims from the
    first operand, TensorFlow from the first that knows them."""
    values = call.arg(0, "values", "xs")
    if not isinstance(values, (list, tuple)) or not values:
        raise call.fail(f"needs a list of tensors, got {values!r}")
    shapes = [operand_shape(call, v) for v in values]
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        raise call.fail(f"operands must have the same rank, got {shapes!r}")
    axis = call.kwargs.get("axis", 0)
    if not isinstance(axis, int):
        raise call.fail(f"axis={short(axis)} is not an int")
    (a,) = _axes(call, axis, rank) or (0,)
    out = list(shapes[0])
    for s in shapes[1:]:
        for i in range(rank):
            if i != a and s[i] is not None and out[i] is not None and s[i] != out[i]:
                raise call.fail(f"operands must match except along axis {axis}, got {shapes!r}")
            if i != a and out[i] is None and not call.keras3:
                out[i] = s[i]
    sizes = [s[a] for s in shapes]
    out[a] = None if None in sizes else sum(d for d in sizes if d is not None)
    return tuple(out)


def _transpose(call: OpCall) -> OutputShape:
    """Axes permuted by ``perm`` / ``axes`` (default: reversed)."""
    x = call.tensor(0, "a", "x")
    perm = call.kwargs.get("perm", call.kwargs.get("axes"))
    if perm is None:
        return tuple(reversed(x))
    if (
        not isinstance(perm, (list, tuple))
        or any(isinstance(p, bool) or not isinstance(p, int) or not -len(x) <= p < len(x) for p in perm)
        or sorted(p % len(x) for p in perm) != list(range(len(x)))
    ):
        raise call.fail(f"perm={perm!r} is not a permutation of the {len(x)} axes of {x}")
    return tuple(x[p] for p in perm)


def _expand_dims(call: OpCall) -> OutputShape:
    """A 1 inserted at ``axis`` (negative axes count in the output's rank)."""
    x = call.tensor(0, "input", "x")
    raw = call.kwargs.get("axis", call.kwargs.get("dim"))
    if raw is not None and not isinstance(raw, (int, list, tuple)):
        raise call.fail(f"axis={short(raw)} is not an int or a list of ints")
    axes = [raw] if isinstance(raw, int) else list(raw or [])
    if not axes:
        raise call.fail("needs an axis")
    rank = len(x) + len(axes)
    where = _axes(call, axes, rank) or ()
    it = iter(x)
    return tuple(1 if i in where else next(it) for i in range(rank))


def _squeeze(call: OpCall) -> OutputShape:
    """The size-1 axes named by ``axis`` removed (each must be 1); without ``axis``, every axis
    known to be 1 (Keras 3; TensorFlow gives an unknown rank when a dim is unknown)."""
    x = call.tensor(0, "input", "x")
    raw = call.kwargs.get("axis", call.kwargs.get("squeeze_dims"))
    if raw is None or raw == []:
        if not call.keras3 and None in x:
            # TensorFlow cannot tell whether an unknown dim is 1: the result has an unknown rank.
            raise UnknownLayerError(f"no formula for {call.label} without axis on {x}: TensorFlow gives it an unknown rank")
        return tuple(d for d in x if d != 1)
    axes = _axes(call, raw, len(x)) or ()
    for a in axes:
        if x[a] not in (1, None):
            raise call.fail(f"cannot squeeze axis {a} of {x}: its size is {x[a]}")
    return tuple(d for i, d in enumerate(x) if i not in axes)


def _slice_length(n: Dim, start: Any, stop: Any, step: Any) -> Dim:
    if n is None:
        return None
    return len(range(*slice(start, stop, step).indices(n)))


def _getitem(call: OpCall) -> OutputShape:
    """numpy basic indexing: an int drops its axis, a slice keeps ``len(range(start, stop,
    step))`` of a known dim, ``...`` fills the axes not named, ``None`` inserts a 1.  Keras 2's
    ``slice_spec`` and Keras 3's ``__slice__``/``__ellipsis__`` entries."""
    x = call.tensor(0, "tensor", "x")
    key = call.arg(1, "slice_spec", "key")
    items = list(key) if isinstance(key, (list, tuple)) else [key]
    parsed: list[Any] = []
    for item in items:
        if isinstance(item, dict) and item.get("class_name") == "__ellipsis__":
            parsed.append(Ellipsis)
        elif isinstance(item, dict) and item.get("class_name") == "__slice__":
            c = item.get("config")
            parsed.append(_slice(call, c if isinstance(c, dict) else {}))
        elif isinstance(item, dict) and {"start", "stop", "step"} >= set(item):
            parsed.append(_slice(call, item))
        elif item is None or (isinstance(item, int) and not isinstance(item, bool)):
            parsed.append(item)
        else:
            raise call.fail(f"index {item!r} is not an int, a slice, ... or None (tensor indices have no formula)")
    if parsed.count(Ellipsis) > 1:
        raise call.fail("an index can hold only one ellipsis")
    named = sum(1 for p in parsed if p is not None and p is not Ellipsis)
    if named > len(x):
        raise call.fail(f"too many indices ({named}) for {x}")
    if Ellipsis in parsed:
        at = parsed.index(Ellipsis)
        parsed[at : at + 1] = [slice(None)] * (len(x) - named)
    else:
        parsed += [slice(None)] * (len(x) - named)
    out: list[Dim] = []
    axis = 0
    for p in parsed:
        if p is None:
            out.append(1)
            continue
        n = x[axis]
        axis += 1
        if isinstance(p, slice):
            out.append(_slice_length(n, p.start, p.stop, p.step))
        elif n is not None and not -n <= p < n:
            raise call.fail(f"index {p} is out of bounds for axis {axis - 1} of {x}")
    return tuple(out)


def _slice(call: OpCall, spec: Mapping[str, Any]) -> slice:
    """``{"start": ..., "stop": ..., "step": ...}`` as a slice: ints or None, a step other than 0."""
    parts = [spec.get(k) for k in ("start", "stop", "step")]
    if any(p is not None and (isinstance(p, bool) or not isinstance(p, int)) for p in parts) or parts[2] == 0:
        raise call.fail(f"slice {short(dict(spec))} needs int or None start, stop and step, and a step other than 0")
    return slice(*parts)


def _matmul(call: OpCall) -> OutputShape:
    """(…, n, k) @ (…, k, m) → (broadcast(…), n, m); ``transpose_a``/``transpose_b`` swap the
    last two axes first (TensorFlow)."""
    a = call.tensor(0, "a", "x1")
    b = call.tensor(1, "b", "x2")
    if len(a) < 2 or len(b) < 2:
        raise call.fail(f"operands of rank < 2 have no formula here: {a} and {b}")
    if call.kwargs.get("transpose_a") or call.kwargs.get("adjoint_a"):
        a = (*a[:-2], a[-1], a[-2])
    if call.kwargs.get("transpose_b") or call.kwargs.get("adjoint_b"):
        b = (*b[:-2], b[-1], b[-2])
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise call.fail(f"inner dimensions differ: {a} @ {b}")
    return (*broadcast(call, a[:-2], b[:-2]), a[-2], b[-1])


_UNARY_TF = (
    "identity cast stop_gradient clip_by_value nn.bias_add nn.dropout "
    "nn.relu nn.relu6 nn.elu nn.selu nn.gelu nn.silu nn.swish nn.sigmoid nn.tanh nn.softplus nn.softsign "
    "nn.leaky_relu nn.crelu_ nn.softmax nn.log_softmax nn.l2_normalize "
    "math.abs math.exp math.log math.log1p math.expm1 math.sqrt math.rsqrt math.square math.negative "
    "math.sigmoid math.tanh math.sin math.cos math.tan math.reciprocal math.sign math.floor math.ceil "
    "math.round math.erf math.softplus math.logical_not math.is_nan math.is_inf math.l2_normalize "
    "math.reduce_euclidean_norm_ math.softmax math.log_softmax math.sinh math.cosh math.atan math.acos math.asin "
    "compat.v1.nn.softmax"
).split()
_BINARY_TF = (
    "__operators__.add math.add math.add_n_ math.multiply math.subtract math.truediv math.divide "
    "math.floordiv math.floormod math.maximum math.minimum math.pow math.squared_difference "
    "math.divide_no_nan math.multiply_no_nan math.equal math.not_equal math.greater math.greater_equal "
    "math.less math.less_equal math.logical_and math.logical_or __operators__.eq __operators__.ne "
    "__operators__.ge __operators__.gt __operators__.le __operators__.lt"
).split()
_REDUCE_TF = "reduce_mean reduce_sum reduce_max reduce_min reduce_prod reduce_any reduce_all reduce_std reduce_variance reduce_logsumexp reduce_euclidean_norm".split()

#: Keras 2 ``TFOpLambda`` functions (the config's ``function``, i.e. the TF symbol without ``tf.``).
TF_OPS: dict[str, OpFormula] = {
    **{name: _same for name in _UNARY_TF if not name.endswith("_")},
    **{name: _binary for name in _BINARY_TF if not name.endswith("_")},
    **{f"math.{name}": _reduce for name in _REDUCE_TF},
    "reshape": _reshape,
    "concat": _concat,
    "transpose": _transpose,
    "expand_dims": _expand_dims,
    "squeeze": _squeeze,
    "__operators__.getitem": _getitem,
    "linalg.matmul": _matmul,
}

_UNARY_K3 = (
    "Abs Absolute Exp Log Log1p Expm1 Sqrt Rsqrt Square Negative Sign Floor Ceil Round Tanh Sin Cos "
    "Reciprocal Cast Clip Copy StopGradient Erf LogicalNot IsNan IsInf Sinh Cosh Arctan "
    "Relu Relu6 Sigmoid Silu Swish Gelu Elu Selu Celu Softplus Softsign LeakyRelu HardSigmoid HardSilu "
    "HardSwish Mish LogSigmoid Softmax LogSoftmax Normalize"
).split()
_BINARY_K3 = (
    "Add Subtract Multiply Divide TrueDivide FloorDivide Mod Maximum Minimum Power Equal NotEqual "
    "Greater GreaterEqual Less LessEqual LogicalAnd LogicalOr DivideNoNan"
).split()

#: Keras 3 operation classes (the config's ``class_name`` of an entry whose module is ``keras.src.ops.*``).
KERAS3_OPS: dict[str, OpFormula] = {
    **{name: _same for name in _UNARY_K3},
    **{name: _binary for name in _BINARY_K3},
    **{name: _reduce for name in "Mean Sum Max Min Prod Std Var Any All Amax Amin Logsumexp".split()},
    "Reshape": _reshape,
    "Concatenate": _concat,
    "Transpose": _transpose,
    "ExpandDims": _expand_dims,
    "Squeeze": _squeeze,
    "GetItem": _getitem,
    "Matmul": _matmul,
}


def describe_op(call: OpCall) -> OutputShape:
    """The output shape of one operation call.  Raises :class:`UnknownLayerError` for an
    operation without a formula (naming it) and :class:`InvalidLayerError` where the operands do
    not fit."""
    table = KERAS3_OPS if call.keras3 else TF_OPS
    name = call.name
    if not call.keras3 and name not in table and name.startswith("compat.v1."):
        name = name[len("compat.v1.") :]
    if not call.keras3 and name not in table and f"math.{name}" in table:
        name = f"math.{name}"  # tf.reduce_mean is tf.math.reduce_mean, tf.add is tf.math.add
    formula = table.get(name)
    if formula is None:
        kind = "Keras 3 operation" if call.keras3 else "TF op"
        raise UnknownLayerError(f"no formula for {kind} {call.label}")
    out = formula(call)
    check_output(call.label, out)
    return out


# -- layers that only appear in model graphs --------------------------------------------------

#: The name Keras 3 gives a variable created without one (``auto_name("variable")``); the n-th
#: such variable of a session is ``variable_n`` (the first has no suffix).
AUTO_NAME = "variable"

#: Classes that are not public ``keras.layers`` layers but appear in model configs.
GRAPH_LAYERS: dict[str, Entry] = {}


def graph_register(*names: str, family: str, keras2: bool = True, keras3: bool = True) -> Callable[[Formula], Formula]:
    """Like :func:`formulas._registry.register`, into :data:`GRAPH_LAYERS`."""

    def deco(formula: Formula) -> Formula:
        for name in names:
            if name in GRAPH_LAYERS:
                raise RuntimeError(f"duplicate graph-layer registration for {name!r}")
            GRAPH_LAYERS[name] = Entry(name, formula, family, keras2=keras2, keras3=keras3)
        return formula

    return deco


def lookup(class_name: str, version: KerasVersion) -> Entry:
    """The formula for a public layer (the registry) or a graph-only layer (this module)."""
    entry = GRAPH_LAYERS.get(class_name)
    if entry is None:
        return _registry_lookup(class_name, version)
    why = entry.missing_from(version)
    if why:
        raise UnknownLayerError(why, absent_from_version=True)
    return entry


def _shapes_of(cfg: Config, x: Shape | tuple[Shape, ...]) -> tuple[Shape, ...]:
    if x and isinstance(x[0], tuple):
        return x
    raise cfg.fail(f"takes a list of inputs, got one shape {x!r}")


@graph_register("TFOpLambda", "SlicingOpLambda", family="ops", keras3=False)
def tf_op_lambda(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights.  The output shape of the TF function named by ``function`` (see
    :data:`TF_OPS`) applied to the input; the call's other arguments may be given as the config's
    ``call_kwargs`` (a model graph passes the node's kwargs, tensors included)."""
    function = cfg.get("function")
    if not isinstance(function, str):
        raise cfg.fail(f"function={function!r} is not the name of a TF function")
    kwargs = cfg.raw.get("call_kwargs") or {}
    if not isinstance(kwargs, Mapping):
        raise cfg.fail(f"call_kwargs={short(kwargs)} is not a mapping of the call's arguments")
    first: Any = Tensor(x) if not (x and isinstance(x[0], tuple)) else [Tensor(s) for s in x]  # type: ignore[arg-type]
    d.arg("function", f"tf.{function}")
    d.output(describe_op(OpCall(function, (first,), kwargs, keras3=False)), f"tf.{function}(input)")


@graph_register("LayerScale", family="applications")
def layer_scale(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """gamma (projection_dim,): projection_dim weights; the output is ``x * gamma``, the input
    broadcast with (projection_dim,).  ConvNeXt, ``applications/convnext.py``.

    Keras 3's LayerScale calls ``add_weight`` without a name, so its variable is auto-named
    (``variable``, ``variable_1`` … in creation order within a Keras session; a model graph numbers
    them); Keras 2 names it ``gamma``."""
    x = single(cfg, x_in)
    dim = cfg.integer("projection_dim", minimum=0)
    d.arg("projection_dim", dim)
    d.weight(AUTO_NAME if cfg.keras.is_keras3 else "gamma", [("P", dim)])
    d.total("P", P=dim)
    d.output(broadcast(OpCall("LayerScale", (), keras3=cfg.keras.is_keras3), x, (dim,)), "broadcast(input, (P,))")


@graph_register("CustomScaleLayer", "Custom>CustomScaleLayer", family="applications")
def custom_scale_layer(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; ``inputs[0] + inputs[1] * scale``: the two shapes broadcast together.
    InceptionResNetV2, ``applications/inception_resnet_v2.py``."""
    shapes = _shapes_of(cfg, x_in)
    if len(shapes) != 2:
        raise cfg.fail(f"takes two inputs, got {len(shapes)}")
    d.output(broadcast(OpCall("CustomScaleLayer", (), keras3=cfg.keras.is_keras3), *shapes), "broadcast(x, residual)")


@graph_register("StochasticDepth", family="applications")
def stochastic_depth(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; drops the residual path while training: the input shape.  ConvNeXt."""
    d.output(single(cfg, x_in), "input shape")


def lambda_output(config: Mapping[str, Any], input_shape: Shape | tuple[Shape, ...] | None) -> OutputShape:
    """A ``Lambda``'s declared ``output_shape`` (batch axis excluded) with the batch of its first
    input in front — never its function.  Keras 3 ``Lambda.compute_output_shape``; Keras 2's
    ``output_shape_type == "raw"``.  Raises :class:`UnknownLayerError` without a literal
    ``output_shape`` (then only the function could tell)."""
    raw = config.get("output_shape")
    kind = config.get("output_shape_type", "raw")
    if raw is None or kind != "raw" or isinstance(raw, dict) or not isinstance(raw, (list, tuple)):
        raise UnknownLayerError("no formula for Lambda without a literal output_shape: only its function could tell")
    batch: Dim = None
    first: Any = input_shape
    while isinstance(first, tuple) and first and isinstance(first[0], tuple):
        first = first[0]
    if isinstance(first, tuple) and first:
        batch = first[0]

    def one(shape: Sequence[Any]) -> Shape:
        for dim in shape:
            if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int) or not 0 <= dim <= MAX_DIM):
                raise InvalidLayerError(f"Lambda: output_shape={raw!r} is not a list of dims")
        return (batch, *shape)

    if raw and all(isinstance(s, (list, tuple)) for s in raw):
        return tuple(one(s) for s in raw)
    return one(raw)
