"""What PyTorch's own quantized model (convert_fx, qnnpack kernels) computes on the same input,
for every quantized value the exported graph names, so the suite compares our executor with
PyTorch rather than with its own float simulation.
"""
import torch
from torch import nn
from torch.fx import Interpreter

from .quantization import UINT8_TO_INT8


class ExportError(Exception):
    """The model cannot be exported faithfully; the message says why (the CLI prints it)."""


# PyTorch 1.13's quantized relu6 / hardtanh computes wrong values on a channels-last
# quantized tensor, which is what its qnnpack convolution returns (seen here: MobileNetV2's
# ReLU6 after every conv; a contiguous copy of the same tensor gives the right values). The
# recorder feeds those ops a contiguous copy and lists every such node in the outputs file.
_LAYOUT_SENSITIVE = (nn.ReLU6, nn.Hardtanh)


class Recorder(Interpreter):
    """Runs an FX graph and keeps a copy of every node's value."""

    def __init__(self, module):
        super().__init__(module)
        self.values = {}
        self.workarounds = []

    def call_module(self, target, args, kwargs):
        if isinstance(self.module.get_submodule(target), _LAYOUT_SENSITIVE) and args and \
                isinstance(args[0], torch.Tensor) and args[0].is_quantized and not args[0].is_contiguous():
            self.workarounds.append(target)
            args = (args[0].contiguous(),) + tuple(args[1:])
        return super().call_module(target, args, kwargs)

    def run_node(self, n):
        result = super().run_node(n)
        # A copy: in-place ops downstream (ReLU6(inplace=True) in MobileNetV2) would
        # otherwise rewrite the recorded value.
        self.values[n.name] = result.clone() if isinstance(result, torch.Tensor) else result
        return result


def _as_int8(value):
    if value.dtype == torch.quint8:
        return (value.int_repr().to(torch.int32) - UINT8_TO_INT8), value.q_zero_point() - UINT8_TO_INT8
    if value.dtype == torch.qint8:
        return value.int_repr().to(torch.int32), value.q_zero_point()
    return None, None


def run_converted(quantized, example_inputs):
    """PyTorch's quantized model on the input, every node's value kept (and its final output)."""
    recorder = Recorder(quantized.actual)
    with torch.no_grad():
        recorder.final = recorder.run(*example_inputs)
    return recorder


def converted_quantization(actual, recorder):
    """For each node of the converted model that returns a per-tensor quantized tensor: its
    (op, target) and the (scale, zero point, dtype) its kernel produced. Ops that keep their
    input's quantization (nearest interpolate, max pool, torch.cat: the first input's) ignore
    the observer FX placed after them, so these, not the reference form's, are what PyTorch
    computes."""
    result = {}
    for n in actual.graph.nodes:
        value = recorder.values.get(n.name)
        if isinstance(value, torch.Tensor) and value.is_quantized and value.qscheme() == torch.per_tensor_affine:
            result[n.name] = ((n.op, n.target), (value.q_scale(), value.q_zero_point(), value.dtype))
    return result


def record(quantized, recorder, exported_quantizes, reference_graph, reference_values):
    """recorder: run_converted's; exported_quantizes: our quantize node name -> (scale, int8 zero
    point); reference_values: the reference graph's values (for shapes). Returns PyTorch's int8
    value for each of them."""
    final = recorder.final
    # convert_fx renames some nodes (add -> add_10), so values are matched in graph order:
    # the k-th exported quantize is the next quantized value of PyTorch's graph with its
    # scale, zero point and shape (both graphs come from one prepared graph, in one order).
    produced = [(n.name, recorder.values[n.name]) for n in quantized.actual.graph.nodes
                if isinstance(recorder.values.get(n.name), torch.Tensor) and recorder.values[n.name].is_quantized
                and recorder.values[n.name].qscheme() == torch.per_tensor_affine]
    ordered = [n.name for n in reference_graph.nodes if n.name in exported_quantizes]
    nodes, position = {}, 0
    for name in ordered:
        scale, zp = exported_quantizes[name]
        shape = list(reference_values[name].shape)
        for i in range(position, len(produced)):
            candidate, value = produced[i]
            ints, value_zp = _as_int8(value)
            if ints is None or list(ints.shape) != shape or value_zp != zp or abs(value.q_scale() - scale) > 1e-12 * scale:
                continue
            nodes[name] = {"torch_node": candidate, "shape": shape, "values": ints.flatten().tolist()}
            position = i + 1
            break
        else:
            raise ExportError(f"no value of PyTorch's quantized model matches exported quantize '{name}' "
                               f"(scale {scale}, zero point {zp}, shape {shape})"
                               f"{' after ' + repr(produced[position - 1][0]) if position else ''}: "
                               "the exported graph requantizes where PyTorch's converted model does not, or with "
                               "other parameters, and the exporter could not take the converted model's own")
    finals = final if isinstance(final, (tuple, list)) else [final]
    outputs = [{"shape": list(t.shape), "values": [float(v) for v in t.detach().float().flatten().tolist()]}
               for t in finals]
    workarounds = [f"{target}: PyTorch's quantized {type(quantized.actual.get_submodule(target)).__name__} gives wrong "
                   "values on a channels-last input; fed a contiguous copy" for target in recorder.workarounds]
    return {"nodes": nodes, "outputs": outputs, "workarounds": workarounds}
