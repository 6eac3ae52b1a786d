"""The presets: every builder takes its preset's config, the paper presets are the builders' defaults, the reduced
presets build the recipes' models, and the preset modules are plain data."""

import importlib
import inspect
import subprocess
import sys

import pytest

from keras_stvideo.models.presets import get_preset, list_presets

METHODS = ("attention_lstm", "fstcn", "siamese_c3d", "stcsae", "tesnet")


def _builder(preset):
    module_name, function_name = preset.builder.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), function_name)


def test_every_method_has_a_paper_and_a_compare_preset():
    for method in METHODS:
        names = list_presets(method)
        assert f"{method}_compare" in names
        assert any(name.endswith("_paper") for name in names), method
    assert "tesnet_pyramid_paper" in list_presets("tesnet")


def test_every_config_key_is_a_builder_parameter():
    for name in list_presets():
        preset = get_preset(name)
        parameters = inspect.signature(_builder(preset)).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        assert takes_any or set(preset.config) <= set(parameters), (name, set(preset.config) - set(parameters))
        assert preset.method in METHODS and preset.description


def test_paper_presets_are_the_builders_defaults():
    for name in list_presets():
        if not name.endswith("_paper"):
            continue
        preset = get_preset(name)
        parameters = inspect.signature(_builder(preset)).parameters
        defaults = {key: parameters[key].default for key in preset.config}
        if name == "tesnet_pyramid_paper":  # Table 2's pyramid: the builder's defaults are Table 1's
            defaults.update(frames=64, setting=5, squeezed_frames=(16, 4))
        assert defaults == dict(preset.config), name


def test_the_pyramid_trains_at_batch_8_and_is_table2s():
    from keras_stvideo.models.tesnet.tesnet_classifier import TABLE2_PYRAMID

    pyramid = get_preset("tesnet_pyramid_paper")
    assert pyramid.training["batch_size"] == 8 and get_preset("tesnet_paper").training["batch_size"] == 32
    assert {key: pyramid.config[key] for key in TABLE2_PYRAMID} == TABLE2_PYRAMID


def test_recipes_read_their_presets():
    from keras_stvideo.reproductions.attention_lstm import comparison as attention_lstm
    from keras_stvideo.reproductions.fstcn import comparison as fstcn
    from keras_stvideo.reproductions.siamese_c3d import comparison as siamese_c3d
    from keras_stvideo.reproductions.stcsae import comparison as stcsae
    from keras_stvideo.reproductions.tesnet import comparison as tesnet

    for method, recipe in (("attention_lstm", attention_lstm), ("fstcn", fstcn), ("siamese_c3d", siamese_c3d),
                           ("stcsae", stcsae), ("tesnet", tesnet)):
        assert recipe.PRESET is get_preset(f"{method}_compare") and recipe.REDUCED == recipe.PRESET.description


def test_quick_presets_are_the_quick_settings():
    from keras_stvideo.reproductions.attention_lstm.settings import ReproductionSettings
    from keras_stvideo.reproductions.stcsae.settings import STCSAESettings
    from keras_stvideo.reproductions.tesnet.settings import TesnetSettings

    quick = STCSAESettings.quick()
    preset = get_preset("stcsae_quick")
    assert (quick.patch_shape, quick.code_units) == (preset.config["patch_shape"], preset.config["code_units"])
    assert ReproductionSettings.quick(False).lstm_units == get_preset("attention_lstm_quick").config["lstm_units"]
    assert TesnetSettings.quick_run().batch_size == get_preset("tesnet_quick").training["batch_size"]
    assert TesnetSettings().batch_size == get_preset("tesnet_paper").training["batch_size"]


def test_compare_and_quick_presets_build_the_recipes_models():
    from keras_stvideo.models.presets import build_from_preset
    from keras_stvideo.models.stcsae.stcsae_autoencoder import build_stcsae
    from keras_stvideo.reproductions.attention_lstm import comparison as attention_lstm
    from keras_stvideo.reproductions.fstcn import comparison as fstcn
    from keras_stvideo.reproductions.siamese_c3d.experiment import SiameseSettings
    from keras_stvideo.reproductions.stcsae.comparison import recipe_settings
    from keras_stvideo.reproductions.tesnet import comparison as tesnet

    clip = (16, 32, 32, 3)
    assert build_from_preset("attention_lstm_compare", num_classes=6).count_params() == \
        attention_lstm.build_model(clip, 6).count_params()
    from keras_stvideo.models.fstcn.fstcn_classifier import build_fstcn, build_lower_scls

    lower = build_lower_scls((fstcn.INPUT_SIZE, fstcn.INPUT_SIZE, 3), filters=fstcn.LOWER_FILTERS)
    assert build_from_preset("fstcn_compare", num_classes=6).count_params() == build_fstcn(
        6, input_size=fstcn.INPUT_SIZE, clip_length=fstcn.CLIP_LENGTH, fc_units=(256, 128), fusion_units=128,
        lower_scls=lower).count_params()
    quick = SiameseSettings.quick()
    for name in ("siamese_c3d_compare", "siamese_c3d_quick"):
        assert build_from_preset(name).count_params() == quick.build_tower().count_params()
    settings = recipe_settings(16)
    assert build_from_preset("stcsae_compare").count_params() == build_stcsae(
        settings.patch_shape, settings.code_units, beta=settings.beta, grid_stride=settings.grid_stride,
        centre_patches=settings.centre_patches).count_params()
    for name in ("tesnet_compare", "tesnet_quick"):
        assert build_from_preset(name, num_classes=6).count_params() == \
            tesnet.build_recipe_model(6, clip).count_params()


@pytest.mark.parametrize("call, bad", [(lambda: get_preset("fstcn_papr"), "fstcn_papr"),
                                       (lambda: list_presets("c3d"), "c3d")])
def test_errors_name_the_bad_value(call, bad):
    with pytest.raises(ValueError, match=repr(bad)):
        call()


def test_preset_modules_import_no_keras():
    modules = "; ".join(f"import keras_stvideo.models.{m}.{m}_presets" for m in METHODS)
    code = (f"import sys; {modules}; import keras_stvideo; keras_stvideo.list_presets(); "
            "assert 'keras' not in sys.modules, sorted(m for m in sys.modules if 'keras' == m.split('.')[0])")
    subprocess.run([sys.executable, "-c", code], check=True)
