"""Walks the reference quantized FX graph (convert_to_reference_fx) and writes our graph
format: explicit quantize / dequantize around float operators, as ExecuTorch's quantizer
produces them, in edge-dialect op spelling.

Every FX node maps through one table entry; a node no entry covers is collected and the
export fails naming every such operator (nothing is skipped silently). Shapes come from
running the reference model once on the example input.
"""
import operator

import torch
import torch.nn.functional as F
from torch import nn
from torch.ao.nn.quantized import reference as qref
from torch.ao.nn import intrinsic as nni

from . import recipes
from .torch_outputs import ExportError, Recorder
from .quantization import UINT8_TO_INT8, WEIGHT_QMAX, WEIGHT_QMIN

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1


def _meta(shape, dtype, quant=None):
    meta = {"shape": [int(d) for d in shape], "dtype": dtype, "dim_order": list(range(len(shape)))}
    if quant is not None:
        meta["quant"] = quant
    return meta


def _scalar(value):
    return value.item() if isinstance(value, torch.Tensor) else value


def _float(value):
    return float(_scalar(value))


def _ints(value, rank):
    return [int(v) for v in (value if isinstance(value, (tuple, list)) else [value] * rank)]


class GraphWriter:
    def __init__(self, reference, example_inputs, name, weight_seeds=(), converted=None):
        self.module = reference
        self.name = name
        recorder = Recorder(reference)
        with torch.no_grad():
            recorder.run(*example_inputs)
        self.values = recorder.values
        self.nodes = []
        self.outputs = []
        self.alias = {}       # fx node -> our node standing for its value
        self.quantized = {}   # our quantize node -> (scale, int8 zero point)
        self.unsupported = []
        self.weight_seeds = list(weight_seeds)  # recipes the model's weights may have come from
        self.recipe_weights = 0
        # converted model's node name -> ((op, target), (scale, zero point, dtype)); see _quantize
        self.converted = converted or {}
        self.converted_notes = []  # each quantize whose parameters came from the converted model

    # --- emitting -------------------------------------------------------------------------
    def _add(self, node):
        self.nodes.append(node)
        return node["name"]

    def call(self, name, op, args, shape, dtype="float32", quant=None):
        return self._add({"name": name, "kind": "call", "op": op, "args": args, "meta": _meta(shape, dtype, quant)})

    def constant(self, name, values, shape, dtype):
        return self._add({"name": name, "kind": "constant", "meta": _meta(shape, dtype),
                          "data": {"values": [int(v) if dtype != "float32" else float(v) for v in values]}})

    def ref(self, fx_arg):
        if not isinstance(fx_arg, torch.fx.Node):
            raise ExportError(f"expected a tensor argument, got {fx_arg!r}")
        return {"node": self.alias.get(fx_arg.name, fx_arg.name)}

    def shape(self, fx_node):
        value = self.values[fx_node.name]
        return list(value.shape)

    # --- the walk ------------------------------------------------------------------------------
    def write(self):
        for n in self.module.graph.nodes:
            try:
                self._node(n)
            except ExportError as e:
                raise ExportError(f"node '{n.name}' ({n.op} {_target_name(n)}): {e}") from None
        if self.unsupported:
            names = sorted(set(self.unsupported))
            raise ExportError("unsupported operators (add them to scripts/torch_export/graph_writer.py and, "
                              "if new, to the op registry in lowering/src): " + ", ".join(names))
        return {"name": self.name, "nodes": self.nodes, "outputs": self.outputs}

    def _node(self, n):
        if n.op == "placeholder":
            self._add({"name": n.name, "kind": "placeholder", "meta": _meta(self.shape(n), "float32")})
        elif n.op == "get_attr":
            pass  # quantization parameters, read where they are used
        elif n.op == "output":
            results = n.args[0] if isinstance(n.args[0], (tuple, list)) else [n.args[0]]
            self.outputs = [self.ref(r)["node"] for r in results]
        elif n.op == "call_module":
            self._module(n, self.module.get_submodule(n.target))
        elif n.op == "call_function":
            self._function(n)
        elif n.op == "call_method":
            self._method(n)
        else:
            self.unsupported.append(f"{n.op} {n.target}")

    def _attr(self, arg):
        if isinstance(arg, torch.fx.Node):
            return self.values[arg.name]
        return arg

    def _quantize(self, n, x, scale, zero_point, dtype):
        """The reference form quantizes every float op's output with its observer, but an op
        that convert_fx runs on quantized tensors without a quantization argument (nearest
        interpolate, max pool: the input's; torch.cat: the first input's) ignores that
        observer. The same node of the converted model (same name, op and target: convert_fx
        kept it) says what PyTorch computes, and its parameters are written instead."""
        same_node = self.converted.get(x.name) if isinstance(x, torch.fx.Node) else None
        if same_node is not None and same_node[0] == (x.op, x.target):
            c_scale, c_zp, c_dtype = same_node[1]
            if (c_scale, c_zp, c_dtype) != (float(scale), int(zero_point), dtype):
                self.converted_notes.append(f"{n.name} (after {x.name}): scale {float(scale)!r} zero point "
                                            f"{int(zero_point)} -> {c_scale!r} {c_zp}, as the converted model's "
                                            f"{_target_name(x)} (zero points as PyTorch's {c_dtype})")
                scale, zero_point, dtype = c_scale, c_zp, c_dtype
        if dtype == torch.quint8:
            zp = int(zero_point) - UINT8_TO_INT8
        elif dtype == torch.qint8:
            zp = int(zero_point)
        else:
            raise ExportError(f"activation dtype {dtype} (only quint8 / qint8 map to int8)")
        self.quantized[n.name] = (float(scale), zp)
        self.call(n.name, "quantized_decomposed.quantize_per_tensor.default",
                  [self.ref(x), float(scale), zp, -128, 127, "int8"], self.shape(n), "int8",
                  {"scale": [float(scale)], "zero_point": [zp]})

    def _dequantize(self, n, x):
        source = self.alias.get(x.name, x.name)
        if source not in self.quantized:
            raise ExportError("dequantize of a value that no quantize_per_tensor produced")
        scale, zp = self.quantized[source]
        self.call(n.name, "quantized_decomposed.dequantize_per_tensor.default",
                  [{"node": source}, scale, zp, -128, 127, "int8"], self.shape(n))

    def _input_scale(self, x):
        """The scale of a dequantized activation (for the int32 bias), or None for a float input."""
        for node in self.nodes:
            if node["name"] == self.alias.get(x.name, x.name) and \
                    node.get("op") == "quantized_decomposed.dequantize_per_tensor.default":
                return node["args"][1]
        return None

    # --- modules -------------------------------------------------------------------------------
    def _module(self, n, m):
        x = n.args[0] if n.args else None
        if isinstance(m, (qref.Conv1d, qref.Conv2d)):
            self._conv(n, m, x, activation=None)
        elif isinstance(m, (nni.ConvReLU1d, nni.ConvReLU2d)) and isinstance(m[0], (qref.Conv1d, qref.Conv2d)):
            self._conv(n, m[0], x, activation="relu")
        elif isinstance(m, qref.Linear):
            self._linear(n, m, x, activation=None)
        elif isinstance(m, nni.LinearReLU) and isinstance(m[0], qref.Linear):
            self._linear(n, m[0], x, activation="relu")
        elif type(m) is nn.Linear:  # left in float by the quantization config
            self._float_linear(n, m, x)
        elif isinstance(m, (nn.Dropout, nn.Identity)):
            self.alias[n.name] = self.ref(x)["node"]  # identity in eval mode
        elif isinstance(m, nn.ReLU):
            self.call(n.name, "aten.relu.default", [self.ref(x)], self.shape(n))
        elif isinstance(m, nn.ReLU6):
            self.call(n.name, "aten.hardtanh.default", [self.ref(x), 0.0, 6.0], self.shape(n))
        elif isinstance(m, nn.Hardtanh):
            self.call(n.name, "aten.hardtanh.default", [self.ref(x), float(m.min_val), float(m.max_val)], self.shape(n))
        elif isinstance(m, (nn.Sigmoid, nn.Tanh, nn.SiLU, nn.Hardsigmoid)):
            op = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.SiLU: "silu", nn.Hardsigmoid: "hardsigmoid"}[type(m)]
            self.call(n.name, f"aten.{op}.default", [self.ref(x)], self.shape(n))
        elif isinstance(m, nn.AdaptiveAvgPool2d):
            self._global_mean(n, x, m.output_size)
        elif isinstance(m, nn.MaxPool2d):
            self._max_pool(n, x, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
        elif isinstance(m, nn.Flatten):
            self.call(n.name, "aten.view_copy.default", [self.ref(x), self.shape(n)], self.shape(n))
        else:
            self.unsupported.append(f"module {type(m).__module__}.{type(m).__name__}")

    def _weight(self, n, m):
        if m.weight_dtype != torch.qint8 or m.weight_qscheme not in (torch.per_channel_affine, torch.per_channel_symmetric):
            raise ExportError(f"weights {m.weight_dtype} {m.weight_qscheme} (expected per-channel qint8)")
        q = m.get_quantized_weight()
        scales = [float(s) for s in q.q_per_channel_scales().tolist()]
        zero_points = [int(z) for z in q.q_per_channel_zero_points().tolist()]
        axis = int(q.q_per_channel_axis())
        shape = list(q.shape)
        ints = q.int_repr().flatten().numpy()
        seed = self._recipe_seed(ints)
        if seed is None:
            w = self.constant(f"{n.name}_weight", ints.tolist(), shape, "int8")
        else:
            self.recipe_weights += 1
            w = self._add({"name": f"{n.name}_weight", "kind": "constant", "meta": _meta(shape, "int8"),
                           "data": {"recipe": recipes.recipe(seed)}})
        w_dq = self.call(f"{n.name}_weight_dq", "quantized_decomposed.dequantize_per_channel.default",
                         [{"node": w}, scales, zero_points, axis, WEIGHT_QMIN, WEIGHT_QMAX, "int8"], shape)
        return w_dq, q

    def _recipe_seed(self, ints):
        """The seed whose recipe reproduces these quantized weights exactly, if any."""
        for seed in self.weight_seeds:
            head = recipes.uniform(seed, min(16, ints.size))
            if (head == ints[:head.size]).all() and (recipes.uniform(seed, ints.size) == ints).all():
                return seed
        return None

    def _bias(self, n, m, x, q_weight):
        if m.bias is None:
            return None
        in_scale = self._input_scale(x)
        out_channels = m.bias.shape[0]
        if in_scale is None:
            b = self._add({"name": f"{n.name}_bias", "kind": "constant", "meta": _meta([out_channels], "float32"),
                           "data": {"values": [float(v) for v in m.bias.detach().float().tolist()]}})
            return {"node": b}
        # As PyTorch's quantized conv and linear do at run time: bias / (in_scale * w_scale[oc]),
        # rounded half to even into int32, with the per-channel scales in double.
        scales = q_weight.q_per_channel_scales().double() * in_scale
        zeros = torch.zeros(out_channels, dtype=torch.int64)
        q_bias = torch.quantize_per_channel(m.bias.detach().float(), scales, zeros, 0, torch.qint32)
        b = self.constant(f"{n.name}_bias", q_bias.int_repr().tolist(), [out_channels], "int32")
        b_dq = self.call(f"{n.name}_bias_dq", "quantized_decomposed.dequantize_per_channel.default",
                         [{"node": b}, [float(s) for s in scales.tolist()], [0] * out_channels, 0, INT32_MIN, INT32_MAX,
                          "int32"], [out_channels])
        return {"node": b_dq}

    def _conv(self, n, m, x, activation):
        if m.padding_mode != "zeros" or isinstance(m.padding, str):
            raise ExportError(f"padding {m.padding!r} mode {m.padding_mode} (only explicit zero padding)")
        rank = 1 if isinstance(m, qref.Conv1d) else 2
        w_dq, q = self._weight(n, m)
        bias = self._bias(n, m, x, q)
        conv = n.name if activation is None else f"{n.name}_conv"
        self.call(conv, "aten.convolution.default",
                  [self.ref(x), {"node": w_dq}, bias, _ints(m.stride, rank), _ints(m.padding, rank),
                   _ints(m.dilation, rank), False, [0] * rank, int(m.groups)], self.shape(n))
        if activation is not None:
            self.call(n.name, f"aten.{activation}.default", [{"node": conv}], self.shape(n))

    def _linear(self, n, m, x, activation):
        w_dq, q = self._weight(n, m)
        bias = self._bias(n, m, x, q)
        linear = n.name if activation is None else f"{n.name}_linear"
        self.call(linear, "aten.linear.default", [self.ref(x), {"node": w_dq}, bias], self.shape(n))
        if activation is not None:
            self.call(n.name, f"aten.{activation}.default", [{"node": linear}], self.shape(n))

    def _float_linear(self, n, m, x):
        w = self._add({"name": f"{n.name}_weight", "kind": "constant", "meta": _meta(list(m.weight.shape), "float32"),
                       "data": {"values": [float(v) for v in m.weight.detach().flatten().tolist()]}})
        bias = None
        if m.bias is not None:
            bias = {"node": self._add({"name": f"{n.name}_bias", "kind": "constant",
                                       "meta": _meta(list(m.bias.shape), "float32"),
                                       "data": {"values": [float(v) for v in m.bias.detach().tolist()]}})}
        self.call(n.name, "aten.linear.default", [self.ref(x), {"node": w}, bias], self.shape(n))

    def _global_mean(self, n, x, output_size):
        size = _ints(output_size, 2)
        if size != [1, 1]:
            raise ExportError(f"adaptive_avg_pool2d to {size} (only (1, 1), written as mean.dim)")
        rank = len(self.shape(n))
        self.call(n.name, "aten.mean.dim", [self.ref(x), [rank - 2, rank - 1], True], self.shape(n))

    def _max_pool(self, n, x, kernel, stride, padding, dilation, ceil_mode):
        self.call(n.name, "aten.max_pool2d.default",
                  [self.ref(x), _ints(kernel, 2), _ints(stride if stride else kernel, 2), _ints(padding, 2),
                   _ints(dilation, 2), bool(ceil_mode)], self.shape(n))

    # --- functions and methods --------------------------------------------------------------
    def _function(self, n):
        f, a, kw = n.target, n.args, n.kwargs
        if f is torch.quantize_per_tensor:
            self._quantize(n, a[0], _float(self._attr(a[1])), _scalar(self._attr(a[2])), a[3])
        elif f in (operator.add, torch.add) and all(isinstance(v, torch.fx.Node) for v in a[:2]) and not kw:
            self.call(n.name, "aten.add.Tensor", [self.ref(a[0]), self.ref(a[1])], self.shape(n))
        elif f in (operator.mul, torch.mul) and all(isinstance(v, torch.fx.Node) for v in a[:2]) and not kw:
            self.call(n.name, "aten.mul.Tensor", [self.ref(a[0]), self.ref(a[1])], self.shape(n))
        elif f in (F.relu, torch.relu):
            self.call(n.name, "aten.relu.default", [self.ref(a[0])], self.shape(n))
        elif f in (torch.sigmoid, F.silu, torch.tanh, torch.sqrt):
            op = {torch.sigmoid: "sigmoid", F.silu: "silu", torch.tanh: "tanh", torch.sqrt: "sqrt"}[f]
            self.call(n.name, f"aten.{op}.default", [self.ref(a[0])], self.shape(n))
        elif f is F.log_softmax:
            dim = kw.get("dim", a[1] if len(a) > 1 else None)
            if dim is None or kw.get("dtype") is not None:
                raise ExportError("log_softmax needs an explicit dim and no dtype")
            self.call(n.name, "aten._log_softmax.default", [self.ref(a[0]), int(dim), False], self.shape(n))
        elif f is torch.flatten:
            self.call(n.name, "aten.view_copy.default", [self.ref(a[0]), self.shape(n)], self.shape(n))
        elif f is F.adaptive_avg_pool2d:
            self._global_mean(n, a[0], a[1] if len(a) > 1 else kw["output_size"])
        elif f is F.pad and kw.get("mode", a[2] if len(a) > 2 else "constant") == "reflect":
            pad = [int(p) for p in (a[1] if len(a) > 1 else kw["pad"])]
            op = {2: "aten.reflection_pad1d.default", 4: "aten.reflection_pad2d.default"}.get(len(pad))
            if op is None:
                raise ExportError(f"reflect padding {pad}")
            self.call(n.name, op, [self.ref(a[0]), pad], self.shape(n))
        elif f is torch.cat:
            tensors = a[0]
            dim = int(kw.get("dim", a[1] if len(a) > 1 else 0))
            self.call(n.name, "aten.cat.default", [{"nodes": [self.ref(t)["node"] for t in tensors]}, dim], self.shape(n))
        elif f is F.max_pool2d:
            get = lambda i, key, default: kw.get(key, a[i] if len(a) > i else default)  # noqa: E731
            self._max_pool(n, a[0], get(1, "kernel_size", None), get(2, "stride", None), get(3, "padding", 0),
                           get(4, "dilation", 1), get(5, "ceil_mode", False))
        elif f is F.interpolate and kw.get("mode", "nearest") == "nearest" and kw.get("scale_factor") is not None:
            scale = kw["scale_factor"]
            scales = [float(s) for s in (scale if isinstance(scale, (tuple, list)) else [scale, scale])]
            self.call(n.name, "aten.upsample_nearest2d.vec", [self.ref(a[0]), None, scales], self.shape(n))
        elif f is torch.mean:
            dims = a[1] if len(a) > 1 else kw["dim"]
            keep = bool(kw.get("keepdim", a[2] if len(a) > 2 else False))
            self.call(n.name, "aten.mean.dim", [self.ref(a[0]), _ints(dims, 1), keep], self.shape(n))
        elif f is torch.pow and isinstance(a[1], (int, float)):
            self.call(n.name, "aten.pow.Tensor_Scalar", [self.ref(a[0]), float(a[1])], self.shape(n))
        elif f is torch.split:
            self._split(n, a[0], a[1], int(kw.get("dim", a[2] if len(a) > 2 else 0)))
        elif f is operator.getitem and isinstance(a[1], int):
            self.call(n.name, "getitem", [self.ref(a[0]), int(a[1])], self.shape(n))
        else:
            self.unsupported.append(f"function {_target_name(n)}")

    def _split(self, n, x, sizes, dim):
        total = self.shape(x)[dim]
        if isinstance(sizes, int):
            sizes = [min(sizes, total - start) for start in range(0, total, sizes)]
        pieces = self.values[n.name]
        node = {"name": n.name, "kind": "call", "op": "aten.split_with_sizes_copy.default",
                "args": [self.ref(x), [int(s) for s in sizes], dim],
                "meta": [_meta(list(p.shape), "float32") for p in pieces]}
        self._add(node)

    def _method(self, n):
        a = n.args
        if n.target == "dequantize":
            self._dequantize(n, a[0])
        elif n.target in ("view", "reshape", "flatten"):
            self.call(n.name, "aten.view_copy.default", [self.ref(a[0]), self.shape(n)], self.shape(n))
        elif n.target in ("relu", "sigmoid", "tanh", "sqrt"):
            self.call(n.name, f"aten.{n.target}.default", [self.ref(a[0])], self.shape(n))
        else:
            self.unsupported.append(f"method Tensor.{n.target}")


def _target_name(n):
    t = n.target
    if isinstance(t, str):
        return t
    return f"{getattr(t, '__module__', '') or ''}.{getattr(t, '__name__', repr(t))}".lstrip(".")

