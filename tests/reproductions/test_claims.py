"""``stvideo claims``: the verdict rule, the record schema, each claim's runner at a tiny size."""

import json

import pytest

from keras_stvideo.reproductions import claims


@pytest.mark.parametrize("method, control, expected", [
    ([60.0, 62.0, 61.0], [50.0, 51.0, 52.0], "supported"),  # d = 10, 11, 9: m 10, se 0.58
    ([50.0, 51.0, 52.0], [60.0, 62.0, 61.0], "not supported"),  # the control is better
    ([60.0, 40.0, 55.0], [50.0, 50.0, 50.0], "inconclusive"),  # d = 10, -10, 5: m 1.7, se 5.9
    ([55.0, 55.0, 55.0], [50.0, 50.0, 50.0], "supported"),  # se 0, m > 0
    ([50.0, 50.0, 50.0], [50.0, 50.0, 50.0], "inconclusive"),  # se 0, m 0
    ([70.0], [20.0], "inconclusive"),  # one seed: no standard error
    ([54.0, 50.0, 52.0], [50.0, 48.0, 50.0], "supported"),  # d = 4, 2, 2: m 2.67, se 0.67: 2.67 > 1.33
    ([53.0, 50.0, 50.0], [50.0, 50.0, 50.0], "inconclusive"),  # d = 3, 0, 0: m 1, se 1: 1 < 2
])
def test_verdict_rule(method, control, expected):
    assert claims.verdict(method, control) == expected


def test_paired_difference():
    mean, se = claims.paired_difference([60.0, 62.0, 61.0], [50.0, 51.0, 52.0])
    assert mean == pytest.approx(10.0)
    assert se == pytest.approx(1.0 / 3 ** 0.5)  # std(10, 11, 9; ddof 1) = 1
    with pytest.raises(ValueError, match="one control accuracy per method accuracy"):
        claims.paired_difference([1.0, 2.0], [1.0])


def _record(**changes):
    record = claims.make_record("Paper 2020", "an idea helps", "idea", "no idea", [60.0, 61.0, 62.0],
                                [50.0, 50.0, 51.0], (0, 1, 2), {"train_clips": 10}, 12.0)
    record.update(changes)
    return record


def test_record_schema():
    record = claims.check_record(_record())
    for field in claims.RECORD_FIELDS:
        assert field in record
    assert record["verdict"] == "supported"
    assert record["difference_mean"] == pytest.approx(32 / 3)  # d = 10, 11, 11
    assert record["seconds"] == 12.0 and "cores" in record["cpu"]
    json.dumps(record)  # JSON-ready
    with pytest.raises(ValueError, match="verdict must be one of"):
        claims.check_record(_record(verdict="maybe"))
    with pytest.raises(ValueError, match="one value per seed"):
        claims.check_record(_record(control_accuracy=[50.0]))
    with pytest.raises(ValueError, match="percentages"):
        claims.check_record(_record(method_accuracy=[0.6, 0.61, 1000.0]))
    bad = _record()
    del bad["settings"]
    with pytest.raises(ValueError, match="needs"):
        claims.check_record(bad)


def test_merge_replaces_the_same_claim_and_keeps_the_others():
    old = [_record(paper="A"), _record(paper="B")]
    new = _record(paper="B", method_accuracy=[70.0, 71.0, 72.0])
    merged = claims.merge_claims(old, [new, _record(paper="C")])
    assert [r["paper"] for r in merged] == ["A", "B", "C"]
    assert merged[1]["method_accuracy"] == [70.0, 71.0, 72.0]


def test_save_writes_json_markdown_and_chart(tmp_path):
    records = [_record(), _record(paper="Other 2019", verdict="inconclusive")]
    json_path, md_path, png_path = claims.save_claims(records, tmp_path)
    assert json.loads(json_path.read_text())[0]["paper"] == "Paper 2020"
    text = md_path.read_text()
    assert "| Paper 2020 | idea | no idea | 61.0 ± 1.0 (60.0, 61.0, 62.0) | 50.3 ± 0.6 (50.0, 50.0, 51.0) |" in text
    assert png_path.stat().st_size > 0


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="papers must be among"):
        claims.run_claims(["c3d"], seeds=(0,))


def _check_tiny(records, count=1):
    assert len(records) == count
    for record in records:
        claims.check_record(record)
        assert len(record["method_accuracy"]) == 1 and record["verdict"] == "inconclusive"


def test_stcsae_claim_tiny():
    _check_tiny(claims.claim_stcsae(seeds=(0,), size=claims.SMOKE, log=lambda m: None))


@pytest.mark.slow
def test_fstcn_claims_tiny():
    records = claims.claim_fstcn(seeds=(0,), size=claims.SMOKE, log=lambda m: None)
    _check_tiny(records, 2)
    assert "views" in records[0]["settings"]


@pytest.mark.slow
def test_attention_lstm_claims_tiny():
    records = claims.claim_attention_lstm(seeds=(0,), size=claims.SMOKE, log=lambda m: None, encoders=("stn", "dcn"))
    _check_tiny(records, 2)
    assert [r["method"] for r in records] == ["DCN-LeNet-LSTM", "STN-LeNet-LSTM"]


@pytest.mark.slow
def test_siamese_c3d_claim_tiny():
    records = claims.claim_siamese_c3d(seeds=(0,), size=claims.SMOKE, log=lambda m: None)
    _check_tiny(records)
    assert records[0]["settings"]["labelled_clips"] == [8]  # 10% of 24 clips is under one batch of 8


@pytest.mark.slow
def test_tesnet_claim_tiny():
    _check_tiny(claims.claim_tesnet(seeds=(0,), size=claims.SMOKE, log=lambda m: None))


def test_tesnet_control_freezes_the_squeeze_at_block_means():
    import numpy as np

    from keras_stvideo.layers.temporal_squeeze import TemporalSqueeze
    from keras_stvideo.reproductions.tesnet import comparison as recipe
    from keras_stvideo.models.tesnet.tesnet_classifier import all_layers

    model = recipe.PRESET.build(num_classes=6, frames=6, frame_shape=(32, 32, 3), ts_basis="block")
    squeeze = [layer for layer in all_layers(model) if isinstance(layer, TemporalSqueeze)]
    assert len(squeeze) == 1
    clip = np.random.default_rng(0).random((1, 6, 4, 4, 3)).astype("float32")
    out = np.asarray(squeeze[0](clip))
    expected = clip.reshape(1, 3, 2, 4, 4, 3).mean(axis=2)  # the mean of each third of the frames
    np.testing.assert_allclose(out, expected, atol=1e-3)


def test_stcsae_raw_patch_encoder_is_the_centred_patch():
    import numpy as np

    from keras_stvideo.reproductions.stcsae import comparison as recipe

    settings = recipe.recipe_settings(5)
    encoder = recipe.raw_patch_encoder(settings)
    patch = np.random.default_rng(0).random((1,) + tuple(settings.patch_shape)).astype("float32")
    code = np.asarray(encoder(patch))[0]
    np.testing.assert_allclose(code, (patch - patch.mean()).reshape(-1), atol=1e-5)


@pytest.mark.slow
def test_claims_command_smoke(tmp_path, capsys):
    from keras_stvideo.cli import main

    assert main(["claims", "--paper", "stcsae", "--seeds", "0", "--smoke", "--out", str(tmp_path)]) == 0
    records = json.loads((tmp_path / "claims.json").read_text())
    assert [r["paper"] for r in records] == ["Baccouche et al. 2012"]
    assert "[stcsae] seed 0 method" in capsys.readouterr().out
    merged_out = tmp_path / "merged"
    assert main(["claims", "--paper", "stcsae", "--seeds", "1", "--smoke", "--out", str(merged_out),
                 "--merge", str(tmp_path / "claims.json")]) == 0
    merged = json.loads((merged_out / "claims.json").read_text())
    assert len(merged) == 1 and merged[0]["seeds"] == [1]
