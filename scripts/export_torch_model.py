#!/usr/bin/python3
"""Export a PyTorch model, quantized the way a PyTorch user quantizes it, into the suite's graph
format, with PyTorch's own quantized outputs beside it.

    /usr/bin/python3 scripts/export_torch_model.py wav2letter --out w.json --torch-outputs w.torch.json
    /usr/bin/python3 scripts/export_torch_model.py mypkg.models:make_net --input-shape 1,3,64,64 --out net.json

Then: build/tools/conformance graph check w.json  (our pipeline and every lowering check), and
build/suites/torch/torch_model_check --graph w.json --torch w.torch.json  (our executor against PyTorch).
Needs Debian's python3-torch (and python3-torchaudio / python3-torchvision for the built-in models).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def parse_shape(text):
    return [int(v) for v in text.replace("x", ",").split(",") if v]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="wav2letter, mobilenet_v2, or module:factory for your own model")
    ap.add_argument("--seed", type=int, default=1, help="weights, calibration and test inputs (default 1)")
    ap.add_argument("--batch", type=int, default=None, help="batch size of every input (default: the model's)")
    ap.add_argument("--input-shape", action="append", default=None,
                    help="shape of an input, e.g. 1,3,32,32 (repeat for several inputs)")
    ap.add_argument("--calibration", type=int, default=4, help="seeded calibration batches (default 4)")
    ap.add_argument("--compliance", default=None,
                    help="end-to-end mode stored in the graph (default: the model's, qtol:16 for your own)")
    ap.add_argument("--out", required=True, help="graph file to write")
    ap.add_argument("--torch-outputs", help="file for PyTorch's own quantized values per node")
    args = ap.parse_args()

    try:
        import torch  # noqa: F401  (only to say what to install)
    except ImportError:
        sys.exit("PyTorch is missing: apt-get install python3-torch python3-torchaudio python3-torchvision "
                 "(and run this with /usr/bin/python3)")
    from torch_export import export
    from torch_export.graph_writer import ExportError
    from torch_export.models import model_spec

    spec = model_spec(args.model)
    shapes = [parse_shape(s) for s in args.input_shape] if args.input_shape else spec.input_shapes
    if not shapes:
        sys.exit(f"{args.model}: give the input shape(s) with --input-shape")
    if args.batch is not None:
        shapes = [[args.batch] + s[1:] for s in shapes]
    try:
        document, torch_values, summary = export.export(spec, shapes, args.seed, args.calibration,
                                                          args.compliance or spec.compliance)
    except ExportError as e:
        sys.exit(f"{args.model}: cannot export: {e}")
    export.write_json(args.out, document)
    if args.torch_outputs:
        export.write_json(args.torch_outputs, torch_values)
    print(f"wrote {args.out}: {summary}; inputs {shapes}, seed {args.seed}")

if __name__ == "__main__":
    main()
