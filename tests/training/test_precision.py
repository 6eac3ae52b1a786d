import warnings

import pytest

from keras_stvideo.training.precision import check_mixed_precision_hardware, cpu_has_bfloat16

AVX2_ONLY = ("processor\t: 0\nflags\t\t: fpu sse sse2 avx avx2 fma\n\n"
             "processor\t: 1\nflags\t\t: fpu sse sse2 avx avx2 fma\n")
ZEN4 = "flags\t\t: fpu avx2 fma avx512f avx512_bf16 avx512_vnni\n"
SAPPHIRE_RAPIDS = "flags\t\t: avx2 fma avx512f amx_tile amx_bf16 amx_int8\n"
ARM = "Features\t: fp asimd evtstrm aes sha2 bf16 i8mm\n"


@pytest.mark.parametrize("text, expected", [(AVX2_ONLY, False), (ZEN4, True), (SAPPHIRE_RAPIDS, True),
                                            (ARM, True), ("model name : x\n", None)])
def test_cpu_has_bfloat16_reads_the_flags(tmp_path, text, expected):
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    assert cpu_has_bfloat16(str(path)) is expected


def test_cpu_has_bfloat16_is_none_without_cpuinfo(tmp_path):
    assert cpu_has_bfloat16(str(tmp_path / "missing")) is None


def test_warns_before_bfloat16_on_a_cpu_without_it(tmp_path):
    path = tmp_path / "cpuinfo"
    path.write_text(AVX2_ONLY)
    logged = []
    with pytest.warns(RuntimeWarning, match="without bfloat16 instructions.*slower"):
        message = check_mixed_precision_hardware(str(path), accelerator=False, log=logged.append)
    assert logged == [f"warning: {message}"]


@pytest.mark.parametrize("text, accelerator", [(ZEN4, False), (AVX2_ONLY, True), ("", False)])
def test_silent_where_bfloat16_is_native_or_unknown(tmp_path, text, accelerator):
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_mixed_precision_hardware(str(path), accelerator=accelerator) is None
