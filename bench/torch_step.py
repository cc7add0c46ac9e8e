#!/usr/bin/env python3
"""PyTorch CPU peer of bench/proxy-gpt2.ts: the same GPT-2-style model, shapes, dtype and protocol
(docs/engine-backend.md §1). Prints one JSON line:
{"size", "threads", "step_ms": [...], "gen_ms": [...], "loss0", "sgemm_gflops"}.
Usage: torch_step.py <a|b|c|tiny|tiny-v2> <steps> <warmup> <threads|default> [--no-gen]"""
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

SIZES = {"a": (2048, 128, 4, 4, 32, 32), "b": (4096, 256, 4, 8, 48, 32), "c": (8192, 384, 6, 6, 64, 16),
         # the GPT-2-style default model's pretraining step, version 1 and 2 (bench/sizes.ts TINY)
         "tiny": (2048, 128, 4, 4, 64, 32), "tiny-v2": (2048, 128, 4, 4, 128, 16)}
PROMPTS, PROMPT_LEN, NEW_TOKENS = 8, 16, 32
GEN_WARMUP, GEN_RUNS = 2, 8  # as bench/sizes.ts GEN


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.fc_in, self.fc_out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, mask, cache=None):
        B, T, D = x.shape
        H, Dh = self.h, D // self.h
        h = self.ln1(x)
        split = lambda t: t.view(B, T, H, Dh).transpose(1, 2)  # (B, H, T, Dh)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        if cache is not None:
            if cache.get("k") is not None:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(Dh) + mask, -1)
        z = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.o(z)
        return x + self.fc_out(F.gelu(self.fc_in(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, V, d, L, H, T):
        super().__init__()
        self.wte = nn.Embedding(V, d)
        self.wpe = nn.Embedding(T + PROMPT_LEN + NEW_TOKENS, d)
        self.blocks = nn.ModuleList(Block(d, H) for _ in range(L))
        self.lnf = nn.LayerNorm(d)
        for mod in self.modules():  # GPT-2 init, as in proxy-gpt2.ts
            if isinstance(mod, (nn.Linear, nn.Embedding)):
                nn.init.normal_(mod.weight, 0.0, 0.02)
            if isinstance(mod, nn.Linear):
                nn.init.zeros_(mod.bias)
        nn.init.normal_(self.wpe.weight, 0.0, 0.01)

    def forward(self, ids, pos0=0, caches=None):
        T = ids.shape[1]
        S = pos0 + T
        mask = torch.full((T, S), -1e9).triu(pos0 + 1)  # causal, queries at pos0..S-1
        x = self.wte(ids) + self.wpe(torch.arange(pos0, S))
        for i, b in enumerate(self.blocks):
            x = b(x, mask, None if caches is None else caches[i])
        return self.lnf(x) @ self.wte.weight.t()  # tied head


def main():
    size, steps, warmup, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    if threads != "default":
        torch.set_num_threads(int(threads))
    V, d, L, H, T, B = SIZES[size]
    torch.manual_seed(0)
    m = GPT(V, d, L, H, T)
    opt = torch.optim.Adam(m.parameters(), lr=3e-4)
    data = torch.randint(0, V, (B, T + 1))
    ids, tgt = data[:, :-1], data[:, 1:].reshape(-1)
    lmask = torch.tensor([0.0 if i % 8 == 0 else 1.0 for i in range(B * T)])
    times, loss0 = [], None
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        logits = m(ids).reshape(B * T, V)
        nll = F.cross_entropy(logits, tgt, reduction="none")
        loss = (nll * lmask).sum() / lmask.sum().clamp(min=1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        val = loss.item()  # sync point
        if loss0 is None:
            loss0 = val
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    gen = []
    if "--no-gen" not in sys.argv:
        prompts = torch.randint(0, V, (PROMPTS, PROMPT_LEN))
        with torch.no_grad():
            for i in range(GEN_WARMUP + GEN_RUNS):
                t0 = time.perf_counter()
                caches = [{} for _ in range(L)]
                nxt = m(prompts, 0, caches)[:, -1].argmax(-1)
                for t in range(NEW_TOKENS - 1):
                    nxt = m(nxt.view(PROMPTS, 1), PROMPT_LEN + t, caches)[:, -1].argmax(-1)
                nxt.tolist()
                if i >= GEN_WARMUP:
                    gen.append((time.perf_counter() - t0) * 1000)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    mm = []
    for _ in range(7):
        t0 = time.perf_counter()
        (a @ b).sum().item()
        mm.append(time.perf_counter() - t0)
    mm.sort()
    print(json.dumps({"size": size, "threads": threads, "step_ms": times, "gen_ms": gen, "loss0": loss0,
                      "sgemm_gflops": 2 * 1024 ** 3 / mm[3] / 1e9, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
