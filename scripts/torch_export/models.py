"""The models the suite exports. Each is a factory (seed -> eval-mode module) and the shape of
each input at batch 1; `module:factory` names a user's own factory instead (it returns a
module, or a (module, [input shapes]) pair)."""
import importlib

import torch
import torch.nn.functional as F
from torch import nn

from . import recipes


class ModelSpec:
    def __init__(self, name, factory, input_shapes, description, tags, compliance="qtol:16", quantized_types=None):
        self.quantized_types = quantized_types
        self.name, self.factory, self.input_shapes = name, factory, input_shapes
        self.description, self.tags = description, tags
        # End to end (per node stays exact / near-tie): one tie flip early in a deep random
        # network moves later layers' inputs, and the flips compound.
        self.compliance = compliance


def recipe_weights(model, seed):
    """Each conv / linear weight becomes q * s[c]: q the project's seeded uniform int8 recipe
    in [-127, 127], s[c] the channel's largest |w| of PyTorch's own init / 127. Wherever a
    channel reaches +-127 (almost surely at a fan-in of hundreds), the observer's symmetric
    scale is s[c] and the quantized weight is q again, so the exporter can write the seed
    instead of millions of values (it checks, and writes values otherwise)."""
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear))]
    seeds = []
    with torch.no_grad():
        for i, layer in enumerate(layers):
            w = layer.weight
            seeds.append(recipes.weight_seed(seed, i))
            q = torch.from_numpy(recipes.uniform(seeds[-1], w.numel())).reshape(w.shape).float()
            scale = w.abs().flatten(1).amax(dim=1).clamp(min=1e-6) / 127
            w.copy_(q * scale.reshape([-1] + [1] * (w.dim() - 1)))
    model.weight_recipe_seeds = seeds
    return model


def unit_variance_init(model, example, batch=8):
    """PyTorch's default init makes activations vanish over 12-52 random layers (qparams
    collapse to the observer's epsilon and every output is the zero point). Each conv and
    linear layer, in forward order, is rescaled until its output has unit standard deviation
    on a seeded batch (LSUV-style); batch-norm statistics are re-estimated on the same batch."""
    g = torch.Generator().manual_seed(12345)
    x = tuple(torch.randn(batch if batch else s[0], *s[1:], generator=g) for s in example)
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear))]
    for bn in (m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)):
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over the batches seen in train mode
    with torch.no_grad():
        model.train()
        model(*x)
        model.eval()
        for layer in layers:
            seen = {}

            def measure(module, inputs, output, seen=seen):
                seen["std"] = output.std().item()  # returns None: the output stays as it is
            hook = layer.register_forward_hook(measure)
            model(*x)
            hook.remove()
            if seen.get("std", 0) > 0:
                layer.weight /= seen["std"]
                if layer.bias is not None:
                    layer.bias /= seen["std"]
    return model


def _wav2letter(seed):
    import torchaudio
    torch.manual_seed(seed)
    model = torchaudio.models.Wav2Letter(num_classes=40, input_type="waveform", num_features=1)
    return unit_variance_init(recipe_weights(model, seed), [[1, 1, 640]])


def _mobilenet_v2(seed):
    import torchvision
    torch.manual_seed(seed)
    return unit_variance_init(recipe_weights(torchvision.models.mobilenet_v2(weights=None), seed), [[1, 3, 32, 32]])


class SileroVadLike(nn.Module):
    """lowering/models/silero_vad.cpp in torch: reflect pad, STFT conv1d 1 -> 2F (k256 s128, no
    bias), magnitude (split, square, add, sqrt), 4 conv1d k3 + relu (strides 1, 2, 2, 1), an LSTM
    cell in float, relu, conv1d to one channel, sigmoid, mean. Only the convolutions (and their
    relus) are quantized, as in the golden graph."""

    def __init__(self, bins=8, hidden=16, e1=16, e2=8):
        super().__init__()
        self.bins, self.hidden = bins, hidden
        self.stft = nn.Conv1d(1, 2 * bins, 256, stride=128, bias=False)
        layers = []
        for cin, cout, stride in [(bins, e1, 1), (e1, e2, 2), (e2, e2, 2), (e2, hidden, 1)]:
            layers += [nn.Conv1d(cin, cout, 3, stride=stride, padding=1), nn.ReLU()]
        self.encoder = nn.Sequential(*layers)
        self.lstm_ih = nn.Linear(hidden, 4 * hidden)
        self.lstm_hh = nn.Linear(hidden, 4 * hidden)
        self.decoder = nn.Conv1d(hidden, 1, 1)

    def forward(self, audio, h0, c0):
        x = F.pad(audio.view(1, 1, 512), (64, 64), mode="reflect")
        halves = torch.split(self.stft(x), self.bins, dim=1)  # indexed: FX cannot unpack
        re, im = halves[0], halves[1]
        magnitude = torch.sqrt(torch.pow(re, 2) + torch.pow(im, 2))
        features = self.encoder(magnitude).view(1, self.hidden)
        gates = self.lstm_ih(features) + self.lstm_hh(h0)
        parts = torch.split(gates, self.hidden, dim=1)
        i, f, g, o = parts[0], parts[1], parts[2], parts[3]
        c1 = torch.sigmoid(f) * c0 + torch.sigmoid(i) * torch.tanh(g)
        h1 = torch.sigmoid(o) * torch.tanh(c1)
        logit = self.decoder(F.relu(h1).view(1, self.hidden, 1))
        return torch.mean(torch.sigmoid(logit), dim=[2]), h1, c1


def _silero_vad_like(seed):
    torch.manual_seed(seed)
    return unit_variance_init(recipe_weights(SileroVadLike(), seed), [[1, 512], [1, 16], [1, 16]], batch=None)


class ConvSiLU(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1, groups=1):
        super().__init__(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups), nn.SiLU())


class YoloLike(nn.Module):
    """lowering/models/yolo.cpp in torch (its small size): conv + SiLU blocks with stride-2
    downsampling, a C2f block (1x1 conv, split, bottleneck with a residual add, concat), SPPF
    (three 5x5 max pools, concat), nearest upsample + concat, and two heads of depthwise 3x3
    and pointwise convolutions: 21 convolutions, 4 of them depthwise."""

    def __init__(self, w=8, outputs=8):
        super().__init__()
        self.w = w
        self.stem = nn.Sequential(ConvSiLU(3, w, 3, 2), ConvSiLU(w, 2 * w, 3, 2))
        self.c2f_cv1 = ConvSiLU(2 * w, 2 * w, 1)
        self.c2f_m = nn.Sequential(ConvSiLU(w, w, 3), ConvSiLU(w, w, 3))
        self.c2f_cv2 = ConvSiLU(3 * w, 2 * w, 1)
        self.down1 = ConvSiLU(2 * w, 4 * w, 3, 2)
        self.sppf_cv1 = ConvSiLU(4 * w, 2 * w, 1)
        self.sppf_pool = nn.MaxPool2d(5, stride=1, padding=2)
        self.sppf_cv2 = ConvSiLU(8 * w, 4 * w, 1)
        self.neck_cv = ConvSiLU(6 * w, 2 * w, 1)
        self.neck_down = ConvSiLU(2 * w, 4 * w, 3, 2)
        self.head_a = self._head(2 * w, outputs)
        self.head_b = self._head(8 * w, outputs)

    @staticmethod
    def _head(c, outputs):
        return nn.Sequential(ConvSiLU(c, c, 3, groups=c), ConvSiLU(c, c, 1), ConvSiLU(c, c, 3, groups=c),
                             ConvSiLU(c, c, 1), nn.Conv2d(c, outputs, 1))

    def forward(self, image):
        c = self.c2f_cv1(self.stem(image))
        halves = torch.split(c, self.w, dim=1)  # indexed: FX cannot unpack
        a, b = halves[0], halves[1]
        residual = b + self.c2f_m(b)
        c2f = self.c2f_cv2(torch.cat([a, b, residual], 1))
        p0 = self.sppf_cv1(self.down1(c2f))
        p1 = self.sppf_pool(p0)
        p2 = self.sppf_pool(p1)
        p3 = self.sppf_pool(p2)
        sppf = self.sppf_cv2(torch.cat([p0, p1, p2, p3], 1))
        up = F.interpolate(sppf, scale_factor=2.0, mode="nearest")
        neck = self.neck_cv(torch.cat([up, c2f], 1))
        boxes_b = self.head_b(torch.cat([self.neck_down(neck), sppf], 1))
        return self.head_a(neck), boxes_b


def _yolo_like(seed):
    torch.manual_seed(seed)
    return unit_variance_init(recipe_weights(YoloLike(), seed), [[1, 3, 32, 32]])


MODELS = {
    # 640 samples: 4 frames after the 250-tap stride-160 front end, 2 or more at every layer
    # (320 samples runs layers 3-9 at length 1, which lowers to the same 1 _clone_dim_order);
    # the full 250 / 2000 channels, 26M weights, at a PR-budget cost.
    "wav2letter": ModelSpec("wav2letter", _wav2letter, [[1, 1, 640]],
                            "torchaudio.models.Wav2Letter(num_classes=40, input_type='waveform'): 12 conv1d + relu, "
                            "log_softmax", ["torch", "model", "conv1d"]),
    # 32x32: every stage still runs (the last at 1x1), 52 convolutions, 17 of them depthwise.
    "mobilenet_v2": ModelSpec("mobilenet_v2", _mobilenet_v2, [[1, 3, 32, 32]],
                              "torchvision.models.mobilenet_v2(): 52 conv2d (17 depthwise) with folded batch norm, "
                              "relu6, residual adds, global average pool, linear", ["torch", "model", "conv2d", "depthwise"],
                              # measured: single tie flips grow to 42 LSB by the last blocks
                              compliance="qtol:64"),
    "silero_vad_like": ModelSpec("silero_vad_like", _silero_vad_like, [[1, 512], [1, 16], [1, 16]],
                                 "Silero-VAD-like (lowering/models/silero_vad.cpp in torch): STFT conv1d, magnitude, "
                                 "4 conv1d + relu, LSTM cell in float, conv1d decoder; batch 1",
                                 ["torch", "model", "conv1d", "depthwise", "lstm"],
                                 quantized_types=[nn.Conv1d, nn.ReLU]),
    # The golden graph's small size (32x32, 8 base channels); 21 conv2d, 4 depthwise.
    "yolo_like": ModelSpec("yolo_like", _yolo_like, [[1, 3, 32, 32]],
                           "YOLO-like (lowering/models/yolo.cpp in torch): conv + SiLU, C2f (split, bottleneck, residual "
                           "add, concat), SPPF (3 max pools, concat), nearest upsample + concat, two heads with "
                           "depthwise 3x3; 21 conv2d, 4 depthwise", ["torch", "model", "conv2d", "depthwise"]),
}


def model_spec(name):
    if name in MODELS:
        return MODELS[name]
    if ":" in name:
        module_name, factory_name = name.split(":", 1)
        factory = getattr(importlib.import_module(module_name), factory_name)

        def build(seed):
            torch.manual_seed(seed)
            return factory()
        return ModelSpec(name, build, None, f"user model {name}", ["torch", "model", "user"])
    raise SystemExit(f"unknown model '{name}': use one of {', '.join(sorted(MODELS))} or module:factory")
