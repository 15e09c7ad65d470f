"""How layers are called, in whole models, against real Keras on both lines.

Each model below is built in Keras 3 (in this process) and in Keras 2 (tf-keras, in one
subprocess with ``TF_USE_LEGACY_KERAS=1``).  Its ``to_json()`` goes through
:func:`formulas.expect_model` and every row (weights, output shape) and the totals are compared
with what that Keras built, and the model outputs with one eager call.  The conventions:

* RNN ``initial_state`` (seq2seq): Keras 3 keeps it in the node's kwargs (or as the second
  positional argument); Keras 2 folds the states into the inbound tensors
  (``[["dec_in", 0, 0, {}], ["enc", 0, 1, {}], ["enc", 0, 2, {}]]``).  ``return_state`` outputs
  used downstream.
* MultiHeadAttention with keyword tensors: Keras 2 stores ``mha(q, v)`` as
  ``[["q", 0, 0, {"value": ["v", 0, 0]}]]``; Keras 3 as ``{"args": [...], "kwargs": {...}}``,
  all by keyword when called so.  ``return_attention_scores`` adds an output.
* Other kwargs: ``inputs=`` by keyword, ``training=``, ``mask=`` tensors, count weights.
* Lookup layers: a vocabulary in the config, or adapted (``vocabulary: null`` and
  ``vocabulary_size``; the tokens are saved as an asset).

No expected number is typed in: every comparison is with the live Keras.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import formulas
from formulas import InvalidLayerError

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.keras]


# -- the models (each builder takes the keras module) -------------------------------------------


def _keras2(keras) -> bool:
    return not str(keras.__version__).startswith("3")


def seq2seq(keras):
    """Encoder LSTM with return_state; decoder LSTM on its states; the states also used downstream."""
    layers = keras.layers
    enc_in = keras.Input((None, 8), name="enc_in")
    dec_in = keras.Input((None, 6), name="dec_in")
    enc_out, h, c = layers.LSTM(16, return_state=True, name="encoder")(enc_in)
    dec = layers.LSTM(16, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    out = layers.Dense(5, name="out")(dec)
    both = layers.Concatenate(name="states")([h, c])
    side = layers.Dense(3, name="from_states")(both)
    return keras.Model([enc_in, dec_in], [out, side, enc_out], name="seq2seq")


def rnn_states(keras):
    """GRU with a positional state, SimpleRNN by keyword, RNN over stacked cells, Bidirectional
    with four states and Bidirectional return_state outputs used downstream."""
    layers = keras.layers
    x = keras.Input((7, 4), name="x")
    s3 = keras.Input((3,), name="s3")
    s5 = keras.Input((5,), name="s5")
    s6 = keras.Input((6,), name="s6")
    gru = layers.GRU(3, name="gru")(x, s3)
    simple = layers.SimpleRNN(5, return_sequences=True, name="simple")(x, initial_state=s5)
    stacked = layers.RNN([layers.GRUCell(3), layers.GRUCell(6)], name="stacked")(simple, initial_state=[s3, s6])
    cell = layers.RNN(layers.LSTMCell(6), name="cell")(x, initial_state=[s6, s6])
    bi = layers.Bidirectional(layers.LSTM(5), name="bi")(x, initial_state=[s5, s5, s5, s5])
    bi_out, forward_h, backward_h = layers.Bidirectional(layers.GRU(6, return_state=True), name="bi_state")(x)
    joined = layers.Concatenate(name="bi_states")([forward_h, backward_h])
    head = layers.Dense(2, name="head")(joined)
    return keras.Model([x, s3, s5, s6], [gru, stacked, cell, bi, bi_out, head], name="rnn_states")


def conv_lstm_state(keras):
    layers = keras.layers
    x = keras.Input((4, 10, 10, 3), name="frames")
    h = keras.Input((8, 8, 6), name="h")
    c = keras.Input((8, 8, 6), name="c")
    y = layers.ConvLSTM2D(6, 3, name="convlstm")(x, initial_state=[h, c])
    return keras.Model([x, h, c], y, name="conv_lstm_state")


def cells_called(keras):
    """RNN cells called on (inputs, states) in the graph: their new states are outputs too."""
    layers = keras.layers
    x = keras.Input((4,), name="x")
    h = keras.Input((3,), name="h")
    c = keras.Input((3,), name="c")
    out, (new_h, new_c) = layers.LSTMCell(3, name="lstm_cell")(x, [h, c])
    gru_out, gru_states = layers.GRUCell(3, name="gru_cell")(x, [h])
    bare_out, bare_state = layers.SimpleRNNCell(3, name="simple_cell")(x, h)
    head = layers.Dense(2, name="head")(new_c)
    outputs = [out, new_h, head, gru_out, *gru_states, bare_out, bare_state]
    return keras.Model([x, h, c], outputs, name="cells_called")


def attention_kwargs(keras):
    """MultiHeadAttention self-attention, by keyword, positional with a key, mixed, with an
    attention mask, a causal mask and the scores (equal lengths: Keras 3's symbolic scores shape is
    right only then); Attention and AdditiveAttention with masks and keyword inputs."""
    layers = keras.layers
    q = keras.Input((5, 8), name="q")
    v = keras.Input((7, 6), name="v")
    k = keras.Input((7, 4), name="k")
    m = keras.Input((5, 7), name="m")
    qm = keras.Input((5,), dtype="bool", name="qm")
    vm = keras.Input((7,), dtype="bool", name="vm")
    k8 = keras.Input((7, 8), name="k8")
    self_att = layers.MultiHeadAttention(2, 3, name="self_att")(q, q)
    cross = layers.MultiHeadAttention(2, 3, name="cross")(query=q, value=v, key=k)
    positional = layers.MultiHeadAttention(2, 4, value_dim=5, name="positional")(q, v, k)
    mixed = layers.MultiHeadAttention(3, 2, output_shape=(4,), name="mixed")(q, value=v, attention_mask=m)
    causal = layers.MultiHeadAttention(2, 3, name="causal")(q, q, use_causal_mask=True)
    scored, scores = layers.MultiHeadAttention(2, 3, name="scored")(q, q, return_attention_scores=True)
    dot, dot_scores = layers.Attention(use_scale=True, name="dot")([q, v, k8], mask=[qm, vm], return_attention_scores=True)
    additive = layers.AdditiveAttention(name="additive")(inputs=[q, q])
    after = layers.Dense(4, name="after")(cross)
    outputs = [self_att, positional, mixed, causal, scored, scores, dot, dot_scores, additive, after]
    return keras.Model([q, v, k, m, qm, vm, k8], outputs, name="attention_kwargs")


def misc_kwargs(keras):
    """A first argument by keyword, training flags, an explicit mask tensor, an Embedding mask,
    CategoryEncoding count weights."""
    layers = keras.layers
    x = keras.Input((7, 4), name="x")
    tok = keras.Input((7,), name="tok", dtype="int32")
    mask = keras.Input((7,), name="mask", dtype="bool")
    ids = keras.Input((3,), name="ids", dtype="int32")
    weights = keras.Input((3,), name="weights")
    by_keyword = layers.Dense(6, name="by_keyword")(inputs=x)
    trained = layers.Dense(5, name="trained")(x, training=True)
    dropped = layers.Dropout(0.5, name="dropped")(x, training=True)
    normed = layers.BatchNormalization(name="normed")(x, training=False)
    masked = layers.LSTM(3, name="masked")(x, mask=mask)
    embedded = layers.Embedding(10, 4, mask_zero=True, name="embedded")(tok)
    after_embedding = layers.GRU(2, name="after_embedding")(embedded)
    counted = layers.CategoryEncoding(6, output_mode="count", name="counted")(ids, count_weights=weights)
    outputs = [by_keyword, trained, dropped, normed, masked, after_embedding, counted]
    return keras.Model([x, tok, mask, ids, weights], outputs, name="misc_kwargs")


def tf_ops(keras):
    """Keras 2 only: TF functions on Keras tensors (TFOpLambda) with tensor and value kwargs."""
    import tensorflow as tf

    a = keras.Input((4, 3), name="a")
    b = keras.Input((5, 3), name="b")
    scores = tf.matmul(a, b, transpose_b=True)
    joined = tf.concat([a, a], axis=-1)
    out = keras.layers.Dense(2, name="dense")(joined)
    return keras.Model([a, b], [scores, out], name="tf_ops")


TEXTS = ["a b c", "a d", "e b"]


def lookups(keras):
    """Lookup layers with a vocabulary in the config, and adapted ones (the vocabulary saved as
    an asset; the config holds its size)."""
    import numpy as np

    layers = keras.layers
    words = keras.Input((1,), dtype="string", name="words")
    lines = keras.Input((), dtype="string", name="lines")
    numbers = keras.Input((1,), dtype="int64", name="numbers")
    given = layers.StringLookup(vocabulary=["x", "y", "z"], output_mode="multi_hot", name="given")
    adapted = layers.StringLookup(output_mode="one_hot", name="adapted")
    adapted.adapt(np.array([["x"], ["y"], ["w"], ["x"]]))
    masked = layers.StringLookup(mask_token="", output_mode="count", name="masked")
    masked.adapt(np.array([["x"], ["y"], ["z"]]))
    adapted_int = layers.StringLookup(name="adapted_int")
    adapted_int.adapt(np.array([["x"], ["y"]]))
    integers = layers.IntegerLookup(output_mode="multi_hot", name="integers")
    integers.adapt(np.array([[3], [4], [5], [6]]))
    text_given = layers.TextVectorization(vocabulary=["a", "b", "c"], output_mode="multi_hot", name="text_given")
    text_int = layers.TextVectorization(output_sequence_length=6, name="text_int")
    text_int.adapt(TEXTS)
    text_count = layers.TextVectorization(output_mode="count", name="text_count")
    text_count.adapt(TEXTS)
    text_padded = layers.TextVectorization(max_tokens=12, pad_to_max_tokens=True, output_mode="multi_hot", name="text_padded")
    text_padded.adapt(TEXTS)
    outputs = [
        given(words),
        adapted(words),
        masked(words),
        adapted_int(words),
        integers(numbers),
        text_given(lines),
        text_int(lines),
        text_count(lines),
        text_padded(lines),
    ]
    return keras.Model([words, lines, numbers], outputs, name="lookups")


BUILDERS = {f.__name__: f for f in (seq2seq, rnn_states, conv_lstm_state, cells_called, attention_kwargs, misc_kwargs, lookups)}
KERAS2_ONLY = {"tf_ops": tf_ops}


def scores_lengths(keras):
    """Query and value of different lengths: Keras 3's symbolic scores shape is (B, H, Tq, Tq)."""
    q = keras.Input((5, 8), name="q")
    v = keras.Input((7, 8), name="v")
    out, scores = keras.layers.MultiHeadAttention(2, 3, name="mha")(q, v, return_attention_scores=True)
    out2, scores2 = keras.layers.Attention(name="att")([q, v], return_attention_scores=True)
    return keras.Model([q, v], [out, scores, out2, scores2], name="scores_lengths")


# -- observing (the same code on both lines) --------------------------------------------------


def _concrete(spec, dtype):
    import numpy as np

    shape = [2 if i == 0 else (3 if d is None else d) for i, d in enumerate(spec)]
    if "string" in str(dtype):
        return np.full(shape, "a b", dtype=object)
    if "bool" in str(dtype):
        return np.ones(shape, dtype=bool)
    if "int" in str(dtype):
        return np.ones(shape, dtype="int64")
    return np.random.default_rng(0).random(shape).astype("float32")


def _eager_shapes(model):
    inputs = [_concrete(tuple(t.shape), t.dtype) for t in model.inputs]
    outputs = model(inputs, training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [list(o.shape) for o in outputs]


def _observation_json(obs):
    def layer(o):
        return {
            "name": o.name,
            "class_name": o.class_name,
            "weights": [[w.name, list(w.shape), w.trainable] for w in o.weights],
            "count_params": o.count_params,
            "output_shape": _jsonable(o.output_shape),
            "layers": [layer(i) for i in o.layers],
        }

    return {
        "name": obs.name,
        "class_name": obs.class_name,
        "layers": [layer(o) for o in obs.layers],
        "count_params": obs.count_params,
        "trainable": obs.trainable,
        "non_trainable": obs.non_trainable,
    }


def _jsonable(shape):
    if shape is None:
        return None
    return [_jsonable(s) for s in shape] if shape and isinstance(shape[0], tuple) else list(shape)


def _shape(value):
    if value is None:
        return None
    if value and isinstance(value[0], list):
        return tuple(_shape(v) for v in value)
    return tuple(value)


def _observation(data):
    from verify.models import LayerObservation, ModelObservation

    def layer(o):
        return LayerObservation(
            name=o["name"],
            class_name=o["class_name"],
            weights=tuple(formulas.Weight(n, tuple(s), t) for n, s, t in o["weights"]),
            count_params=o["count_params"],
            output_shape=_shape(o["output_shape"]),
            layers=tuple(layer(i) for i in o["layers"]),
        )

    return ModelObservation(
        name=data["name"],
        class_name=data["class_name"],
        layers=tuple(layer(o) for o in data["layers"]),
        count_params=data["count_params"],
        trainable=data["trainable"],
        non_trainable=data["non_trainable"],
    )


def _node_output_shape(layer, model):
    """The output shapes of the layer's first call in ``model``, flattened as the model's
    ``keras_history`` indexes them (a cell's ``(output, [h, c])`` is three tensors)."""
    import tensorflow as tf

    from verify.harness import _dims

    nodes = list(layer._inbound_nodes)
    keys = getattr(model, "_network_nodes", None)
    member = next((n for i, n in enumerate(nodes) if keys is not None and f"{layer.name}_ib-{i}" in keys), nodes[0])
    outputs = getattr(member, "output_tensors", None)
    if outputs is None:
        outputs = member.outputs
    shapes = [_dims(t.shape) for t in tf.nest.flatten(outputs)]
    return shapes[0] if len(shapes) == 1 else tuple(shapes)


def _observe_model(env, model):
    """``verify.models.observe_model``, or where it cannot read what tf-keras built, the same
    observation done here: tf-keras lists a lookup layer's vocabulary handler (a
    ``VocabWeightHandler``, no name, no shape) among its weights, and a cell's call outputs are
    nested (``(h, [h, c])``)."""
    from verify import models
    from verify.harness import _dims, normalise_weight_name

    try:
        return models.observe_model(env, model)
    except AttributeError:
        pass
    trainable = {id(w) for w in model.trainable_weights}

    def variables(weights):
        return [w for w in weights if hasattr(w, "name") and hasattr(w, "shape")]

    def size(weights):
        return sum(math.prod(d or 0 for d in _dims(w.shape)) for w in {id(w): w for w in variables(weights)}.values())

    layers = tuple(
        models.LayerObservation(
            name=layer.name,
            class_name=type(layer).__name__,
            weights=tuple(
                formulas.Weight(normalise_weight_name(w.name), _dims(w.shape), id(w) in trainable)
                for w in variables(layer.weights)
            ),
            count_params=size(layer.weights),
            output_shape=_node_output_shape(layer, model),
        )
        for layer in model.layers
    )
    return models.ModelObservation(
        model.name,
        type(model).__name__,
        layers,
        size(model.weights),
        size(model.trainable_weights),
        size(model.non_trainable_weights),
    )


def observe(env, model):
    """What Keras built, as JSON: the config, every layer's weights and output shape, the totals
    and the output shapes of one eager call."""
    return {
        "version": env.version,
        "config": json.loads(model.to_json()),
        "observation": _observation_json(_observe_model(env, model)),
        "eager": _eager_shapes(model),
    }


def _state_input_refused(keras, config):
    """Rebuild ``config`` with Keras: None when it builds, else Keras's message."""
    try:
        keras.models.model_from_json(json.dumps(config))
    except Exception as exc:  # noqa: BLE001 - Keras's refusal is the observation
        return f"{type(exc).__name__}: {exc}"
    return None


def bad_state_config(config, keras3):
    """seq2seq's config with the decoder's second state made 8 wide instead of 16: rewire the
    decoder's ``c`` state to a new 8-wide input."""
    config = json.loads(json.dumps(config))
    layers = config["config"]["layers"]
    extra = json.loads(json.dumps(next(e for e in layers if e["name"] == "enc_in")))
    extra["name"] = extra["config"]["name"] = "narrow"
    key = "batch_shape" if keras3 else "batch_input_shape"
    extra["config"][key] = [None, 8]
    layers.insert(0, extra)
    config["config"]["input_layers"].append(["narrow", 0, 0])
    decoder = next(e for e in layers if e["name"] == "decoder")
    node = decoder["inbound_nodes"][0]
    if keras3:
        node["kwargs"]["initial_state"][1]["config"]["keras_history"] = ["narrow", 0, 0]
    else:
        node[2][0:3] = ["narrow", 0, 0]
    return config


def keras2_main(out_path):
    """Run in the Keras 2 subprocess: every model observed, into ``out_path`` as JSON."""
    from verify.harness import KerasEnv

    env = KerasEnv()
    keras = env.keras
    data = {}
    for name, build in {**BUILDERS, **KERAS2_ONLY, "scores_lengths": scores_lengths}.items():
        keras.backend.clear_session()
        model = build(keras)
        data[name] = observe(env, model)
        if name == "lookups":
            path = Path(out_path).with_suffix(".keras")
            model.save(path)
            with zipfile.ZipFile(path) as archive:
                data[name]["keras_file"] = json.loads(archive.read("config.json"))
                data[name]["assets"] = sorted(n for n in archive.namelist() if n.startswith("assets/"))
    bad = bad_state_config(data["seq2seq"]["config"], keras3=False)
    data["bad_state"] = {"config": bad, "refused": _state_input_refused(keras, bad)}
    Path(out_path).write_text(json.dumps(data))


@pytest.fixture(scope="session")
def keras2(tmp_path_factory):
    """Every model built once in tf-keras (a subprocess with TF_USE_LEGACY_KERAS=1)."""
    pytest.importorskip("tf_keras")
    out = tmp_path_factory.mktemp("keras2") / "observed.json"
    code = f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]; import test_call_conventions as t; t.keras2_main({str(out)!r})"
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text())


def _keras3(keras_env, build):
    if not keras_env.is_keras3:
        pytest.skip("Keras 3 is not the installed keras")
    keras_env.clear()
    model = build(keras_env.keras)
    return model, observe(keras_env, model)


# -- comparing -------------------------------------------------------------------------------


def _fits(expected, eager):
    """An engine shape (None for unknown dims) against an eager one."""
    return len(expected) == len(eager) and all(e is None or e == o for e, o in zip(expected, eager))


def assert_matches(observed, *, symbolic_shape_wrong=(), vocabularies=None, config=None):
    """Every row, the totals and the eager outputs agree.  ``symbolic_shape_wrong``: layers whose
    symbolic output shape Keras gets wrong; their shape is checked against the eager call."""
    from verify import models

    version = observed["version"]
    expected = formulas.expect_model(config or observed["config"], keras=version, vocabularies=vocabularies)
    keras_built = _observation(observed["observation"])
    check = models.compare_model("m", expected, keras_built, version, "tensorflow")
    bad = []
    for row in check.rows:
        if row.status.value == "match":
            continue
        only_shape = all(p.strip().startswith("output shape:") for p in row.detail.split(";"))
        if row.name in symbolic_shape_wrong and only_shape:
            continue
        bad.append((row.name, row.status.value, row.detail))
    assert not bad, bad
    assert (expected.total, expected.trainable, expected.non_trainable) == (
        keras_built.count_params,
        keras_built.trainable,
        keras_built.non_trainable,
    )
    assert expected.complete
    eager = observed["eager"]
    assert len(expected.output_shapes) == len(eager)
    for e, o in zip(expected.output_shapes, eager):
        assert _fits(e, o), (expected.output_shapes, eager)
    return expected


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_keras3_model_matches(keras_env, name):
    _, observed = _keras3(keras_env, BUILDERS[name])
    assert_matches(observed)


@pytest.mark.parametrize("name", sorted({*BUILDERS, *KERAS2_ONLY}))
def test_keras2_model_matches(keras2, name):
    assert_matches(keras2[name])


def test_keras2_serializes_states_and_values_as_further_tensors(keras2):
    """What the engine reads: the states in the decoder's inbound tensors, MHA's value and key in
    the node's kwargs."""
    layers = {e["name"]: e for e in keras2["seq2seq"]["config"]["config"]["layers"]}
    node = layers["decoder"]["inbound_nodes"][0]
    assert [leaf[:3] for leaf in node] == [["dec_in", 0, 0], ["encoder", 0, 1], ["encoder", 0, 2]]
    mha = {e["name"]: e for e in keras2["attention_kwargs"]["config"]["config"]["layers"]}
    [[query]] = mha["cross"]["inbound_nodes"]
    assert query[:3] == ["q", 0, 0] and query[3]["value"] == ["v", 0, 0] and query[3]["key"] == ["k", 0, 0]


def test_keras3_keyword_only_call_has_no_positional_args(keras_env):
    _, observed = _keras3(keras_env, attention_kwargs)
    layers = {e["name"]: e for e in observed["config"]["config"]["layers"]}
    node = layers["cross"]["inbound_nodes"][0]
    assert node["args"] == [] and set(node["kwargs"]) == {"query", "value", "key"}
    rows = {r.name: r for r in assert_matches(observed).layers}
    assert [w.shape for w in rows["cross"].weights][2] == (4, 2, 3)  # the key projection reads the key's 4 features


def test_scores_of_different_lengths_keras3_eager(keras_env):
    """Keras 3's symbolic scores are (B, H, Tq, Tq); the eager call (and the engine) say (B, H, Tq, Tv)."""
    _, observed = _keras3(keras_env, scores_lengths)
    assert_matches(observed, symbolic_shape_wrong={"mha"})


def test_scores_of_different_lengths_keras2(keras2):
    assert_matches(keras2["scores_lengths"])


def test_keras2_refuses_a_state_that_does_not_fit_and_so_does_the_engine(keras2):
    refused = keras2["bad_state"]["refused"]
    assert refused is not None and "initial_state" in refused
    e = formulas.expect_model(keras2["bad_state"]["config"], keras=keras2["seq2seq"]["version"])
    row = next(r for r in e.layers if r.name == "decoder")
    assert row.error is not None and not row.no_formula and "initial_state" in row.error
    assert "(None, 8)" in row.error  # names the state that does not fit


def test_keras3_accepts_a_state_that_does_not_fit_and_so_does_the_engine(keras_env):
    model, observed = _keras3(keras_env, seq2seq)
    bad = bad_state_config(observed["config"], keras3=True)
    assert _state_input_refused(keras_env.keras, bad) is None
    e = formulas.expect_model(bad, keras=observed["version"])
    row = next(r for r in e.layers if r.name == "decoder")
    assert row.error is None
    assert row.output_shape == tuple(model.get_layer("decoder").output.shape)


# -- lookup vocabularies ---------------------------------------------------------------------


def _without_vocabulary_size(config):
    config = json.loads(json.dumps(config))
    for entry in config["config"]["layers"]:
        entry["config"].pop("vocabulary_size", None)
    return config


def _check_vocabulary_sources(observed):
    """An adapted lookup's config holds no vocabulary but its size; without the size (older
    files) its encoding depth is unknown (no_formula, saying why) unless the caller passes the
    asset's tokens; int output and padded output need neither."""
    layers = {e["name"]: e["config"] for e in observed["config"]["config"]["layers"]}
    assert layers["given"]["vocabulary"] == ["x", "y", "z"]
    assert layers["adapted"]["vocabulary"] is None and isinstance(layers["adapted"]["vocabulary_size"], int)
    bare = _without_vocabulary_size(observed["config"])
    e = formulas.expect_model(bare, keras=observed["version"])
    rows = {r.name: r for r in e.layers}
    unknown = {"adapted", "masked", "integers", "text_count"}
    for name in unknown:
        assert rows[name].error is not None and rows[name].no_formula, rows[name]
        assert "saved as an asset" in rows[name].error
    for name in ("given", "adapted_int", "text_given", "text_int", "text_padded"):
        assert rows[name].error is None, rows[name]
    # The asset's tokens (special tokens included, as Keras writes vocabulary.txt) describe them.
    sizes = {o["name"]: o for o in observed["observation"]["layers"]}
    tokens = {name: ["tok"] * sizes[name]["output_shape"][-1] for name in unknown}
    assert_matches(observed, config=bare, vocabularies=tokens)


def test_keras3_lookup_vocabularies(keras_env, tmp_path):
    model, observed = _keras3(keras_env, lookups)
    _check_vocabulary_sources(observed)
    # A .keras file: the adapted vocabularies are assets, the config is the same.
    path = tmp_path / "lookups.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert any(n.endswith("vocabulary.txt") for n in archive.namelist())
    assert_matches(observed, config=formulas.load_model_config(path))


def test_keras2_lookup_vocabularies(keras2):
    observed = keras2["lookups"]
    _check_vocabulary_sources(observed)
    assert any(n.endswith("vocabulary.txt") for n in observed["assets"])
    assert_matches(observed, config=observed["keras_file"])


def test_a_single_lookup_layer_without_vocabulary_is_still_refused():
    """``formulas.expect`` of one layer: Keras's eager call of a lookup without a vocabulary fails."""
    with pytest.raises(InvalidLayerError, match="adapt"):
        formulas.expect({"class_name": "StringLookup", "config": {"output_mode": "multi_hot", "vocabulary_size": 4}}, (None, 1))
