"""PyTorch reference for Lepton's masked LSTM/GRU and Bidirectional (issue 11): writes
packed_bidirectional_{lstm,gru}.safetensors here.

nn.LSTM / nn.GRU(input_size=3, hidden_size=4, batch_first=True, bidirectional=True) over x [3, 6, 3] whose rows
have 6, 4 and 1 real steps (the rest is padding, filled with random values that must not matter), run as a packed
sequence (pack_padded_sequence(enforce_sorted=False), pad_packed_sequence(total_length=6): padded outputs are 0).
Saved: x, mask [3, 6], the parameters under PyTorch's names, y = the padded output [3, 6, 8], h = cat(h_n[0],
h_n[1]) [3, 8] (the final forward and backward hidden states), upstream gradients gy and gh, and the gradients of
sum(y * gy) (grad.seq.<name>) and of sum(h * gh) (grad.state.<name>) for x and every parameter. Float64
computation from float32-exact values. Run: python make_packed_recurrent_fixture.py (needs torch, safetensors).
"""
import os

import torch
from safetensors.torch import save_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
D = torch.float64
lengths = torch.tensor([6, 4, 1])


def f32(t):
    return t.to(torch.float32).to(D)


for name, kind in (("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU)):
    torch.manual_seed(211 if name == "lstm" else 212)
    rnn = kind(3, 4, batch_first=True, bidirectional=True).to(D)
    with torch.no_grad():
        for p in rnn.parameters():
            p.copy_(f32(p))
    x = f32(torch.randn(3, 6, 3, dtype=D)).requires_grad_(True)
    mask = (torch.arange(6)[None, :] < lengths[:, None]).to(D)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, state = rnn(packed)
    y, _ = pad_packed_sequence(out, batch_first=True, total_length=6)
    h_n = state[0] if name == "lstm" else state
    h = torch.cat([h_n[0], h_n[1]], dim=1)
    gy = f32(torch.randn_like(y))
    gh = f32(torch.randn_like(h))
    named = dict(rnn.named_parameters())
    leaves = [x] + list(named.values())
    seq = torch.autograd.grad((y * gy).sum(), leaves, retain_graph=True)
    fin = torch.autograd.grad((h * gh).sum(), leaves)
    out = {"x": x, "mask": mask, "y": y, "h": h, "gy": gy, "gh": gh, "grad.seq.x": seq[0], "grad.state.x": fin[0]}
    for (k, v), a, b in zip(named.items(), seq[1:], fin[1:]):
        out[k] = v
        out["grad.seq." + k] = a
        out["grad.state." + k] = b
    out = {k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}
    save_file(out, os.path.join(HERE, f"packed_bidirectional_{name}.safetensors"))
    print(name, len(out), "tensors")
