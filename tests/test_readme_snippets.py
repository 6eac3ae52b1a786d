"""Every per-paper snippet of the README runs, at a reduced size (the replacements below shrink only sizes)."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"

# snippet -> (text in the README, what the test runs instead); every text must occur in the snippet
REDUCTIONS = {
    "stcsae": [("grey_motion_clips(200", "grey_motion_clips(24"), ("epochs=8", "epochs=1"), ("epochs=5", "epochs=1")],
    "fstcn": [("frame_size=204", "frame_size=75"), ("generate(8)", "generate(2)"), ("batch_size=4", "batch_size=2"),
              ("build_fstcn(6)", "build_fstcn(6, input_size=75, fc_units=(8, 8), fusion_units=8, "
               "permuted_channels=4, lower_scls=__import__('keras_stvideo.models.fstcn', fromlist=['x'])"
               ".build_lower_scls((75, 75, 3), filters=(4, 4, 4, 4)))")],
    "shan2017": [("build_dcn_lenet()", "build_lenet()"), ("ScaledMNIST(x_digits, y_digits)",
                                                          "ScaledMNIST(x_digits[:64], y_digits[:64])"),
                 ("paper_protocol()", "paper_protocol(settings_per_class=1)"), ("trainer.fit(x, y)",
                                                                                 "trainer.fit(x, y, epochs=1)")],
    "tesnet": [("setting=1)", "setting=1, input_size=75)"), ("squeezed_frames=(16, 4))",
                                                              "squeezed_frames=(16, 4), input_size=75)"),
               ("segments=3)", "segments=3, input_size=75)")],
    "siamese_c3d": [("frame_size=112, num_frames=32).generate(10", "frame_size=32, num_frames=16).generate(4"),
                    ("np.random.default_rng(0), 10)", "np.random.default_rng(0), 4, volume_shape=(8, 32, 32))"),
                    ("build_siamese_c3d()", "build_siamese_c3d(input_shape=(8, 32, 32, 3))"),
                    ("batch_size=10", "batch_size=4"), ("build_c3d_classifier(51, ", "build_c3d_classifier(51, "
                                                                                    "input_shape=(8, 32, 32, 3), ")]}


def snippets():
    """{name: code} of every ```python block after a ``<!-- snippet: name -->`` line of the README."""
    found = re.findall(r"<!-- snippet: (\w+) -->\n```python\n(.*?)```", README.read_text(), flags=re.S)
    return dict(found)


def test_every_paper_has_a_snippet():
    assert sorted(snippets()) == sorted(REDUCTIONS)


SLOW = {"tesnet"}  # three Inception-ResNet-V2 builds


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in REDUCTIONS])
def test_snippet_runs_at_a_reduced_size(name, tmp_path, monkeypatch):
    code = snippets()[name]
    for text, reduced in REDUCTIONS[name]:
        assert text in code, f"the README's {name} snippet no longer contains {text!r}"
        code = code.replace(text, reduced)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERAS_STVIDEO_OFFLINE", "1")
    exec(compile(code, f"README snippet {name}", "exec"), {"__name__": f"readme_{name}"})
