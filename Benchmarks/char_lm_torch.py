"""PyTorch peer of Lepton's `char-lm` example (issue 11): the same character-level decoder-only Transformer,
data, split, configuration and reporting, for comparing validation loss and tokens per second.

Model (as char-lm builds it): token embedding 128 + learned position embedding (block 64) -> 4 x
nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=512, dropout=0, gelu, norm_first=True,
batch_first=True) run with a causal mask -> LayerNorm -> Linear(128, vocab). Training: AdamW(lr 1e-3,
betas (0.9, 0.99), eps 1e-8, weight_decay 0.1 on every parameter), linear warm-up over 100 iterations then cosine
decay to 1e-4 at the last iteration, global gradient-norm clipping at 1.0, batch 12 random windows of the first 90%
of the text, 2000 iterations. Evaluation every --eval-interval iterations and at the end: mean loss over
--eval-windows random batches of each split. Initial weights and random windows come from PyTorch's generator
seeded with --seed, so they differ from Lepton's (the seed policy is the same, the streams are not).
tokens_per_second = iterations * batch * block / training seconds (evaluation excluded).

  python Benchmarks/char_lm_torch.py [--data FILE] [--iterations N] [--threads N] [--seed N] ...

The last line is JSON with val_loss, train_loss, iterations, tokens_per_second, train_seconds, threads.
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "Sources", "char-lm", "Resources", "shakespeare", "shakespeare_excerpt.txt")


class CharLM(nn.Module):
    def __init__(self, vocab, layers, heads, embed, block, dropout):
        super().__init__()
        self.token = nn.Embedding(vocab, embed)
        self.position = nn.Parameter(torch.randn(block, embed) * 0.02)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(
                embed, heads, 4 * embed, dropout=dropout, activation="gelu", batch_first=True, norm_first=True
            )
            for _ in range(layers)
        )
        self.norm = nn.LayerNorm(embed)
        self.head = nn.Linear(embed, vocab)

    def forward(self, x):
        t = x.shape[1]
        h = self.token(x) + self.position[:t]
        mask = nn.Transformer.generate_square_subsequent_mask(t)
        for block in self.blocks:
            h = block(h, src_mask=mask, is_causal=True)
        return self.head(self.norm(h))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=DEFAULT_DATA)
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--eval-interval", type=int, default=250)
    p.add_argument("--eval-windows", type=int, default=20)
    p.add_argument("--sample-length", type=int, default=200)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--top-k", type=int, default=200)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    layers, heads, embed, block, batch, dropout = 4, 4, 128, 64, 12, 0.0
    lr, min_lr, warmup, decay, clip = 1e-3, 1e-4, 100, 0.1, 1.0

    text = open(a.data, encoding="utf-8").read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    cut = len(ids) * 9 // 10
    train, val = ids[:cut], ids[cut:]
    print(f"data: {len(ids)} characters, vocabulary {len(chars)}, train {len(train)}, validation {len(val)}")

    model = CharLM(len(chars), layers, heads, embed, block, dropout)
    print(f"model: {sum(q.numel() for q in model.parameters())} parameters, {a.threads} threads")
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.99), eps=1e-8, weight_decay=decay)

    def rate(it):
        w = min(warmup, a.iterations)
        if it < w:
            return lr * it / w
        t = min(it - w, max(a.iterations - w, 1)) / max(a.iterations - w, 1)
        return lr * ((1 - min_lr / lr) * 0.5 * (1 + math.cos(math.pi * t)) + min_lr / lr)

    def windows(data, gen):
        starts = torch.randint(len(data) - block, (batch,), generator=gen)
        x = torch.stack([data[s : s + block] for s in starts])
        y = torch.stack([data[s + 1 : s + 1 + block] for s in starts])
        return x, y

    train_gen = torch.Generator().manual_seed(a.seed)
    eval_gen = torch.Generator().manual_seed(a.seed + 1)

    @torch.no_grad()
    def evaluate():
        model.eval()
        out = []
        for data in (train, val):
            total = 0.0
            for _ in range(a.eval_windows):
                x, y = windows(data, eval_gen)
                total += F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
            out.append(total / a.eval_windows)
        model.train()
        return out

    seconds = 0.0
    last = (float("nan"), float("nan"))
    for it in range(a.iterations + 1):
        if it % a.eval_interval == 0 or it == a.iterations:
            last = evaluate()
            print(f"step {it}: train loss {last[0]:.4f}, val loss {last[1]:.4f} ({seconds:.1f} s training)")
        if it == a.iterations:
            break
        started = time.perf_counter()
        for group in opt.param_groups:
            group["lr"] = rate(it)
        x, y = windows(train, train_gen)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        seconds += time.perf_counter() - started

    model.eval()
    gen = torch.Generator().manual_seed(a.seed + 2)
    context = [index.get("\n", 0)]
    with torch.no_grad():
        for _ in range(a.sample_length):
            logits = model(torch.tensor([context[-block:]]))[0, -1] / a.temperature
            k = min(a.top_k, logits.numel())
            threshold = torch.topk(logits, k).values[-1]
            logits[logits < threshold] = -float("inf")
            context.append(int(torch.multinomial(F.softmax(logits, -1), 1, generator=gen)))
    print("sample:\n" + "".join(chars[i] for i in context[1:]))
    tokens = a.iterations * batch * block
    print(
        json.dumps(
            {
                "val_loss": last[1],
                "train_loss": last[0],
                "iterations": a.iterations,
                "tokens_per_second": tokens / seconds if seconds > 0 else 0,
                "train_seconds": seconds,
                "threads": a.threads,
            },
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    main()
