"""The CUDA tests' models: aic.testing.models and the benchmark architectures at small sizes
(ResNet-, MobileNetV2-, BERT-, GPT-2-, ViT-, UNet- and LSTM-style), each built once."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the checkout: benchmarks/

from aic.testing import models as tm

from benchmarks import models as bm

MAKERS = {
    "resnet_cnn": tm.resnet_cnn,
    "mobilenet_block": tm.mobilenet_block,
    "resnet18_32px": lambda: bm.resnet(depth=18, image=16, classes=10),
    "bert_1layer": lambda: bm.bert(layers=1, seq=16, d=64, heads=2, ffn=128),
    "gpt2_1layer": lambda: bm.gpt2(layers=1, seq=16, d=64, heads=2),
    "vit_1layer": lambda: bm.vit(layers=1, image=32, patch=8, d=64, heads=2, classes=10),
    "unet_depth2": lambda: bm.unet(image=32, base=8, depth=2),
    "lstm_1layer": lambda: bm.lstm(layers=1, seq=4, features=16, hidden=32),
    "transformer_encoder": tm.transformer_encoder,
    "gpt_decoder": tm.gpt_decoder,
}


@functools.cache
def build(name: str):
    return MAKERS[name]()
