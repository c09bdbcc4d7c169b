"""A model with an operator the exporter has no mapping for (GELU), to see it named."""
import torch
import torch.nn.functional as F


class ConvGelu(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        return F.gelu(self.conv(x))


def make():
    return ConvGelu()
