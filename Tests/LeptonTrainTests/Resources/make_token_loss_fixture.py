"""PyTorch reference for Lepton's TokenCrossEntropy (issue 11): writes token_cross_entropy.safetensors here.

Logits [2, 5, 7] (float32-exact values), int64 targets [2, 5] with two positions set to the ignore index -100;
the loss is F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100) computed in float64,
and grad.logits its gradient. Run: python make_token_loss_fixture.py (needs torch and safetensors).
"""
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(11)
logits = (torch.randn(2, 5, 7) * 2).to(torch.float64).requires_grad_(True)
targets = torch.randint(0, 7, (2, 5))
targets[0, 3] = -100
targets[1, 4] = -100
loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100)
(grad,) = torch.autograd.grad(loss, [logits])
save_file(
    {
        "logits": logits.detach().to(torch.float32),
        "targets": targets,
        "loss": loss.detach().reshape(1).to(torch.float32),
        "grad.logits": grad.to(torch.float32),
    },
    os.path.join(HERE, "token_cross_entropy.safetensors"),
)
print("loss", loss.item())
