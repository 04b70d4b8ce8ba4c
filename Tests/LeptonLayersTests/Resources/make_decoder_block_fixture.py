"""PyTorch reference for Lepton's TransformerDecoderBlock (issue 11): writes transformer_decoder_block_pre.safetensors
and transformer_decoder_block_post.safetensors here.

A decoder-only block is PyTorch's nn.TransformerEncoderLayer(batch_first=True, dropout=0) called with a causal mask
(is_causal=True). Embed 8, 2 heads, feed-forward 16, GELU, batch 2, time 5; float64 computation from float32-exact
parameters and input; the backward is driven by an upstream gradient gy (loss = sum(y * gy)); results are named
grad.<input or parameter> with PyTorch's parameter names. Run: python make_decoder_block_fixture.py
(needs torch and safetensors).
"""
import os

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
D = torch.float64


def f32(t):
    return t.to(torch.float32).to(D)


for name, norm_first in (("pre", True), ("post", False)):
    torch.manual_seed(1100 + int(norm_first))
    layer = torch.nn.TransformerEncoderLayer(
        8, 2, dim_feedforward=16, dropout=0.0, activation="gelu", batch_first=True, norm_first=norm_first
    ).to(D)
    with torch.no_grad():
        for p in layer.parameters():
            # Non-trivial norms and biases, so every gradient is exercised.
            p.copy_(f32(p + 0.1 * torch.randn_like(p)))
    x = f32(torch.randn(2, 5, 8, dtype=D)).requires_grad_(True)
    gy = f32(torch.randn(2, 5, 8, dtype=D))
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=D)
    y = layer(x, src_mask=mask, is_causal=True)
    named = dict(layer.named_parameters())
    grads = torch.autograd.grad((y * gy).sum(), [x] + list(named.values()))
    out = {"x": x, "y": y, "gy": gy, "grad.x": grads[0]}
    for (k, v), g in zip(named.items(), grads[1:]):
        out[k] = v
        out["grad." + k] = g
    out = {k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}
    save_file(out, os.path.join(HERE, f"transformer_decoder_block_{name}.safetensors"))
    print(name, sorted(out))
