"""The import hook that keeps a module's start-up writes to descriptor 2 off the terminal."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys, importlib
    sys.path.insert(0, sys.argv[1])
    from keras_stvideo.utils import quiet
    quiet.silence_import(sys.argv[2])
    try:
        importlib.import_module(sys.argv[2])
    except RuntimeError as error:
        print("raised:", error)
    import os
    os.write(2, b"after the import\\n")
""")


def _run(tmp_path, module_source, name):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(module_source))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), name], capture_output=True, text=True,
                          env=env, timeout=120)


def test_writes_during_the_import_are_hidden_and_later_ones_shown(tmp_path):
    result = _run(tmp_path, """
        import os
        os.write(2, b"I0000 noisy start-up line\\n")
    """, "noisy_module")
    assert result.returncode == 0
    assert result.stderr == "after the import\n"


def test_a_failed_import_replays_what_it_wrote(tmp_path):
    result = _run(tmp_path, """
        import os
        os.write(2, b"E0000 why it failed\\n")
        raise RuntimeError("broken")
    """, "broken_module")
    assert "raised: broken" in result.stdout
    assert result.stderr.startswith("E0000 why it failed\n")


def test_quiet_tensorflow_keeps_only_errors_of_tensorflows_python_logger():
    import logging

    from keras_stvideo.utils.quiet import quiet_tensorflow

    logger = logging.getLogger("tensorflow")
    before = logger.level
    try:
        quiet_tensorflow()
        assert logger.level == logging.ERROR  # retracing warnings and the like stay off the terminal
    finally:
        logger.setLevel(before)
