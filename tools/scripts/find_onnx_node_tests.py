#!/usr/bin/env python3
"""Prints the directory of ONNX's backend node tests (<test>/model.onnx and
<test>/test_data_set_N/{input,output}_N.pb), or nothing when the onnx package
is not installed (the node-test runner then skips).

Usage: find_onnx_node_tests.py [CACHE_DIR]

Older onnx wheels ship the data in onnx/backend/test/data/node. Newer ones
(e.g. 1.23) ship only the Python test cases; the data is then generated from
them once into CACHE_DIR/onnx-node-<onnx version> (default: the current
directory) and that path is printed. Generation takes a few seconds.
"""
import os
import sys


def main():
    try:
        import onnx
    except ImportError:
        return 0
    shipped = os.path.join(os.path.dirname(onnx.__file__), "backend", "test",
                           "data", "node")
    if os.path.isfile(os.path.join(shipped, "test_add", "model.onnx")):
        print(shipped)
        return 0
    cache = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    out = os.path.join(cache, "onnx-node-" + onnx.__version__)
    stamp = os.path.join(out, ".complete")
    if not os.path.isfile(stamp):
        import argparse
        import shutil
        import tempfile
        import warnings

        import onnx.backend.test.case.node as node_cases
        from onnx.backend.test import cmd_tools

        os.makedirs(cache, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".onnx-node-", dir=cache)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # Reuse onnx's own serializer (it handles sequence/optional/
                # map data) on the node cases only.
                cmd_tools.model_test.collect_testcases = (
                    lambda: node_cases.collect_testcases(None))
                cmd_tools.generate_data(argparse.Namespace(output=tmp))
            gen = os.path.join(tmp, "node")
            if not os.path.isdir(gen):
                return 0
            open(os.path.join(gen, ".complete"), "w").close()
            shutil.rmtree(out, ignore_errors=True)
            os.replace(gen, out)
        except Exception as e:  # no data: the runner skips, loudly
            print("find_onnx_node_tests: cannot generate node tests: %s" % e,
                  file=sys.stderr)
            return 0
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
