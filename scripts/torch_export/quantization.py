"""Post-training quantization as a PyTorch user does it: FX graph mode, calibrated on seeded
inputs, per-channel symmetric int8 weights and per-tensor affine activations.

PyTorch's quantized CPU kernels (qnnpack, the only engine of Debian's build besides onednn)
take quint8 activations; our graph format is int8. The two are the same arithmetic shifted
by 128 (value and zero point), so the exporter writes quint8 q as q - 128 and zp as zp - 128.
"""
import copy

import torch
from torch.ao.quantization import QConfig, QConfigMapping
from torch.ao.quantization.observer import MinMaxObserver, PerChannelMinMaxObserver
from torch.ao.quantization.quantize_fx import convert_fx, convert_to_reference_fx, prepare_fx

ENGINE = "qnnpack"
WEIGHT_QMIN, WEIGHT_QMAX = -127, 127  # symmetric: zero point 0, -128 unused (as ExecuTorch)
UINT8_TO_INT8 = 128


def qconfig():
    return QConfig(
        activation=MinMaxObserver.with_args(dtype=torch.quint8, qscheme=torch.per_tensor_affine),
        weight=PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                                  quant_min=WEIGHT_QMIN, quant_max=WEIGHT_QMAX))


class Quantized:
    """The same calibrated model in its two converted forms."""

    def __init__(self, reference, actual):
        self.reference = reference  # explicit quantize/dequantize around float ops (what we export)
        self.actual = actual        # PyTorch's quantized kernels (what we compare against)


def without_dropout(model):
    """Dropout is the identity in eval mode, but FX observes its output separately: the
    reference graph then requantizes where PyTorch's quantized model passes the tensor
    through unchanged. Removing it first keeps the two forms the same computation."""
    traced = torch.fx.symbolic_trace(model)
    for node in list(traced.graph.nodes):
        if node.op == "call_module" and isinstance(traced.get_submodule(node.target), torch.nn.Dropout):
            node.replace_all_uses_with(node.args[0])
            traced.graph.erase_node(node)
    traced.graph.lint()
    traced.recompile()
    return traced


def quantize(model, calibration_inputs, quantized_types=None):
    """prepare_fx, calibrate on every input, convert to the reference form and to the real one.
    quantized_types: quantize only these module types (the rest stays float, as in a model
    whose LSTM runs in float); None quantizes everything PyTorch can."""
    if ENGINE not in torch.backends.quantized.supported_engines:
        raise RuntimeError(f"this PyTorch has no {ENGINE} engine (has {torch.backends.quantized.supported_engines})")
    torch.backends.quantized.engine = ENGINE
    torch.set_num_threads(1)  # a shared 2-core machine; results do not depend on it
    model = without_dropout(model.eval())
    if quantized_types is None:
        mapping = QConfigMapping().set_global(qconfig())
    else:
        mapping = QConfigMapping()
        for t in quantized_types:
            mapping.set_object_type(t, qconfig())
    prepared = prepare_fx(model, mapping, calibration_inputs[0])
    with torch.no_grad():
        for example in calibration_inputs:
            prepared(*example)
    reference = convert_to_reference_fx(copy.deepcopy(prepared))
    actual = convert_fx(copy.deepcopy(prepared))
    return Quantized(reference, actual)
