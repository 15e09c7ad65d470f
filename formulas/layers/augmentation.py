"""Image augmentation layers.  None has weights: a Keras 3 random layer owns a SeedGenerator whose
state is in ``layer.variables`` but not in ``layer.weights``.

Every layer takes one image (rank 3) or a batch (rank 4) and, except for the crops and Keras 2's
RandomHeight/RandomWidth, returns the input shape.  Keras 3 builds other ranks symbolically, but
its eager call refuses them.  ``data_format`` is a Keras 3 argument; Keras 2 refuses it.
Sources: ``keras/src/layers/preprocessing/image_preprocessing`` (Keras 3),
``tf_keras/src/layers/preprocessing/image_preprocessing.py`` (Keras 2).
"""

from __future__ import annotations

from .._config import Config
from .._derivation import Derivation
from .._model import Shape
from .._registry import register
from ._common import single
from .preprocessing import hw_axes, image_data_format, image_rank

#: Keras 3 classes (which release added each: formulas/versions.json) and the
#: constructor arguments they require.
_K3_ONLY: dict[str, tuple[str, ...]] = {
    "AugMix": (),
    "AutoContrast": (),
    "ContrastLimitedAdaptiveHistogramEqualization": (),
    "CutMix": (),
    "Equalization": (),
    "MaxNumBoundingBoxes": ("max_number",),
    "MixUp": (),
    "RandAugment": (),
    "RandomColorDegeneration": ("factor",),
    "RandomColorJitter": (),
    "RandomElasticTransform": (),
    "RandomErasing": (),
    "RandomGaussianBlur": (),
    "RandomGrayscale": (),
    "RandomHue": ("factor",),
    "RandomInvert": (),
    "RandomPerspective": (),
    "RandomPosterization": ("factor",),
    "RandomSaturation": ("factor",),
    "RandomSharpness": ("factor",),
    "RandomShear": (),
    "Solarization": (),
}
#: Classes of both lines and their required arguments.
_BOTH: dict[str, tuple[str, ...]] = {
    "RandomBrightness": ("factor",),
    "RandomContrast": ("factor",),
    "RandomFlip": (),
    "RandomRotation": ("factor",),
    "RandomTranslation": ("height_factor", "width_factor"),
    "RandomZoom": ("height_factor",),
}
#: Hue and saturation convert RGB to HSV: the eager call needs exactly 3 channels; color
#: degeneration blends with grayscale and checks for 3 channels in compute_output_shape.
_RGB_ONLY = frozenset({"RandomHue", "RandomSaturation", "RandomColorDegeneration"})


def _same_shape(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; the output has the input's shape (an image of rank 3 or a batch of rank 4)."""
    x = single(cfg, x_in)
    for key in _K3_ONLY.get(cfg.class_name, _BOTH.get(cfg.class_name, ())):
        if not cfg.has(key):
            raise cfg.fail(f"missing required argument {key!r}")
    data_format = image_data_format(cfg)
    if cfg.class_name == "RandomFlip" and not cfg.keras.is_keras3:  # Keras 3 takes any mode
        cfg.choice("mode", ("horizontal", "vertical", "horizontal_and_vertical"), "horizontal_and_vertical")
    image_rank(cfg, x)
    if cfg.class_name in _RGB_ONLY:
        channels = x[-1] if data_format == "channels_last" else x[-3]
        if channels is not None and channels != 3:
            raise cfg.fail(f"needs RGB images (3 channels), got {channels} in {x}")
    d.output(x, "input shape")


for _name in _K3_ONLY:
    register(_name, family="augmentation")(_same_shape)
for _name in _BOTH:
    register(_name, family="augmentation")(_same_shape)


@register("RandomCrop", family="augmentation")
def random_crop(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; (H, W) → (height, width) (a target larger than the image is reached by
    resizing).  Source: ``image_preprocessing/random_crop.py``."""
    x = single(cfg, x_in)
    data_format = image_data_format(cfg)
    height = cfg.integer("height", minimum=1)
    width = cfg.integer("width", minimum=1)
    d.arg("height", height)
    d.arg("width", width)
    image_rank(cfg, x)
    h, w = hw_axes(x, data_format)
    out = list(x)
    out[h], out[w] = height, width
    d.output(tuple(out), "input with (H, W) := (height, width)")


def _random_side(axis_from_end: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        """Keras 2 only.  No weights; the resized axis is random, so its size is None (the
        other axes are kept)."""
        x = single(cfg, x_in)
        if not cfg.has("factor"):
            raise cfg.fail("missing required argument 'factor'")
        if "data_format" in cfg.raw:
            raise cfg.fail("Keras 2 has no argument 'data_format' for this layer")
        image_rank(cfg, x)
        out = list(x)
        out[len(x) + axis_from_end] = None
        d.output(tuple(out), "input with the random axis := None")

    return formula


register("RandomHeight", family="augmentation")(_random_side(-3))
register("RandomWidth", family="augmentation")(_random_side(-2))
