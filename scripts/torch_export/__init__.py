"""Export quantized PyTorch models into the suite's graph format ("conv-conformance-graph" v1).

quantization.py  the post-training quantization flow (FX graph mode, qnnpack)
graph_writer.py  the reference quantized FX graph -> our nodes (edge-dialect spelling)
torch_outputs.py what PyTorch's own quantized model computes, per quantized node
models.py        the models the suite exports (and `module:factory` for a user's own)
recipes.py       the project's seeded data recipes, so wide weights are written as a seed
export.py        one export: model, calibration, conversion, the two documents
"""
