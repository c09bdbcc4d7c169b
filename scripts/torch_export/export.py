"""One export: build the model, calibrate, convert, write the graph document and PyTorch's values."""
import json
import os

import torch

from . import graph_writer, quantization, torch_outputs

FORMAT, TORCH_FORMAT = "conv-conformance-graph", "conv-conformance-torch-outputs"


def seeded_inputs(shapes, seed):
    """Normal samples on a 1/64 grid (exactly representable), from a generator of their own."""
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.round(torch.randn(*s, generator=g) * 64) / 64 for s in shapes)


def export(spec, shapes, seed, calibration_batches, compliance):
    model = spec.factory(seed).eval()
    weight_seeds = getattr(model, "weight_recipe_seeds", [])
    calibration = [seeded_inputs(shapes, seed * 1000 + i) for i in range(calibration_batches)]
    test_input = seeded_inputs(shapes, seed * 1000 + 999)
    quantized = quantization.quantize(model, calibration, spec.quantized_types)
    name = spec.name.replace(":", "_").replace(".", "_")
    converted = torch_outputs.run_converted(quantized, test_input)
    writer = graph_writer.GraphWriter(quantized.reference, test_input, name, weight_seeds,
                                      torch_outputs.converted_quantization(quantized.actual, converted))
    graph = writer.write()
    placeholders = [n["name"] for n in graph["nodes"] if n["kind"] == "placeholder"]
    document = {
        "format": FORMAT, "version": 1,
        "description": f"{spec.description}; exported from PyTorch {torch.__version__} FX post-training quantization "
                       f"(per-channel symmetric int8 weights, per-tensor affine activations, {quantization.ENGINE}), "
                       f"seed {seed}, inputs {shapes}",
        "tags": spec.tags,
        "compliance": compliance,
        "inputs": {p: {"values": [float(v) for v in x.flatten().tolist()]} for p, x in zip(placeholders, test_input)},
        "graph": graph,
    }
    values = torch_outputs.record(quantized, converted, writer.quantized, quantized.reference.graph,
                                  writer.values)
    values["converted_quantization"] = writer.converted_notes
    torch_values = {"format": TORCH_FORMAT, "version": 1, "model": spec.name, "seed": seed,
                    "engine": quantization.ENGINE, "torch_version": torch.__version__, **values}
    weights = sum(1 for n in graph["nodes"] if n["kind"] == "constant" and n["meta"]["dtype"] == "int8")
    summary = (f"{len(graph['nodes'])} nodes, {graph_histogram(graph).get('aten.convolution.default', 0)} convolutions, "
               f"{writer.recipe_weights} of {weights} weight tensors as seeds, {len(values['nodes'])} quantized values "
               f"from PyTorch, {len(writer.converted_notes)} quantization(s) taken from the converted model")
    return document, torch_values, summary


def graph_histogram(graph):
    counts = {}
    for n in graph["nodes"]:
        counts[n.get("op", n["kind"])] = counts.get(n.get("op", n["kind"]), 0) + 1
    return counts


def write_json(path, document):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(document, f, separators=(",", ":"))
    os.replace(tmp, path)
