#!/usr/bin/env python3
"""PyTorch CPU peer of bench/job-bench.ts (issue 18): one complete record of work on the default checkpoint
models/tiny-gpt2, read from its safetensors (Hugging Face GPT-2 layout: Conv1D weights [in, out], tied head,
GELU tanh, LayerNorm eps from config.json). Per record of the job file that job-bench.ts wrote:
  1. the FT edit: Adam on h.{layer}.mlp.c_proj.weight (the engine's blocks.{layer}.mlp.W_out), loss = mean NLL
     of the new target's tokens after the rewrite prompt, for as many steps as editlab's run took (each step
     reads the loss back, as the early-stopping check does);
  2. the CounterFact scoring: every (prompt, continuation) pair editlab scored, right-padded in batches of 16,
     each continuation token's log-probability and rank;
  3. the fluency generations: every group of prompts editlab generated from, left-padded with an attention mask,
     KV cache, top-k 5 sampling, as many steps as editlab's longest output;
  4. the undo (the trained weight restored).
Prints one JSON line: {"job_ms": [...], "edit_ms": [...], "score_ms": [...], "gen_ms": [...], "loss0": [...], "torch",
"threads"}; loss0 is each record's target NLL before its edit, which bench/run.ts checks against editlab's.
Usage: torch_job.py <job.json> <threads|default>"""
import json, math, struct, sys, time
import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        assert h["dtype"] == "F32", name
        a, b = h["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(h["shape"])
    return out


class GPT2:
    def __init__(self, ckpt):
        cfg = json.load(open(f"{ckpt}/config.json"))
        self.w = load_safetensors(f"{ckpt}/model.safetensors")
        self.L, self.H, self.eps = cfg["n_layer"], cfg["n_head"], cfg["layer_norm_epsilon"]

    def ln(self, x, p):
        return F.layer_norm(x, x.shape[-1:], self.w[p + ".weight"], self.w[p + ".bias"], self.eps)

    def forward(self, ids, mask=None, caches=None, pos=None):
        """ids [B, T]; mask [B, S] (1 = real) over cache + new positions; caches: per layer dict or None."""
        w, B, T = self.w, ids.shape[0], ids.shape[1]
        past = 0 if caches is None or "k" not in caches[0] else caches[0]["k"].shape[2]
        S = past + T
        if pos is None:
            pos = torch.arange(past, S).expand(B, T)
        x = w["wte.weight"][ids] + w["wpe.weight"][pos]
        bias = torch.full((T, S), -1e9).triu(past + 1)
        if mask is not None:
            bias = bias + (1.0 - mask[:, None, None, :].float()) * -1e9
        D = x.shape[-1]
        Dh = D // self.H
        for i in range(self.L):
            p = f"h.{i}."
            h = self.ln(x, p + "ln_1")
            q, k, v = (h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]).split(D, -1)
            q, k, v = (t.view(B, T, self.H, Dh).transpose(1, 2) for t in (q, k, v))
            if caches is not None:
                c = caches[i]
                if "k" in c:
                    k, v = torch.cat([c["k"], k], 2), torch.cat([c["v"], v], 2)
                c["k"], c["v"] = k, v
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(Dh) + bias, -1)
            z = (att @ v).transpose(1, 2).reshape(B, T, D)
            x = x + z @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
            h = F.gelu(self.ln(x, p + "ln_2") @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"], approximate="tanh")
            x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        return self.ln(x, "ln_f") @ w["wte.weight"].t()


def edit(m, e, layer, lr):
    name = f"h.{layer}.mlp.c_proj.weight"
    w0 = m.w[name].clone()
    p = m.w[name].clone().requires_grad_(True)
    m.w[name] = p
    opt = torch.optim.Adam([p], lr=lr)
    ids = torch.tensor([e["prompt"] + e["target"]])
    P, n = len(e["prompt"]), len(e["target"])
    tgt = torch.tensor(e["target"])
    losses = []
    for _ in range(e["steps"]):
        logits = m.forward(ids)[0, P - 1 : P - 1 + n]
        loss = F.cross_entropy(logits, tgt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())  # the early-stopping check reads the loss
    m.w[name] = p.detach()
    return w0, losses


def score(m, pairs, batch=16):
    out = []
    for i in range(0, len(pairs), batch):
        chunk = pairs[i : i + batch]
        seqs = [p + c for p, c in chunk]
        T = max(len(s) for s in seqs)
        ids = torch.tensor([s + [1] * (T - len(s)) for s in seqs])
        rows, tgts = [], []
        for b, (p, c) in enumerate(chunk):
            for j, t in enumerate(c):
                rows.append(b * T + len(p) + j - 1)
                tgts.append(t)
        if not rows:
            out += [[] for _ in chunk]
            continue
        logits = m.forward(ids).reshape(len(seqs) * T, -1)[torch.tensor(rows)]
        tgt = torch.tensor(tgts)
        tl = logits.gather(1, tgt[:, None])
        lp = torch.log_softmax(logits, -1).gather(1, tgt[:, None])[:, 0]
        rank = (logits > tl).sum(1) + 1
        out.append((lp.tolist(), rank.tolist()))
    return out


def generate(m, prompts, new_tokens, top_k, gen):
    B, P = len(prompts), max(len(p) for p in prompts)
    ids = torch.tensor([[1] * (P - len(p)) + p for p in prompts])
    mask = torch.tensor([[0] * (P - len(p)) + [1] * len(p) for p in prompts])
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    caches = [{} for _ in range(m.L)]
    out = []
    for t in range(new_tokens):
        logits = m.forward(ids, mask, caches, pos)[:, -1]
        vals, idx = logits.topk(top_k, -1)
        nxt = idx.gather(1, torch.multinomial(torch.softmax(vals, -1), 1, generator=gen))
        out.append(nxt[:, 0].tolist())
        ids = nxt
        mask = torch.cat([mask, torch.ones(B, 1, dtype=mask.dtype)], 1)
        pos = pos[:, -1:] + 1
    return out


def main():
    job = json.load(open(sys.argv[1]))
    threads = sys.argv[2]
    if threads != "default":
        torch.set_num_threads(int(threads))
    m = GPT2(job["checkpoint"])
    gen = torch.Generator().manual_seed(0)
    res = {"job_ms": [], "edit_ms": [], "score_ms": [], "gen_ms": [], "loss0": []}
    recs = job["records"]
    for i, r in enumerate([recs[0]] + recs):  # the first record once more, as warm-up
        t0 = time.perf_counter()
        with torch.enable_grad():
            w0, losses = edit(m, r["edit"], job["layer"], job["lr"])
        t1 = time.perf_counter()
        with torch.no_grad():
            score(m, r["score"])
            t2 = time.perf_counter()
            for g in r["gen"]:
                generate(m, g["prompts"], g["newTokens"], job["topK"], gen)
        t3 = time.perf_counter()
        m.w[f"h.{job['layer']}.mlp.c_proj.weight"] = w0
        t4 = time.perf_counter()
        if i == 0:
            continue
        res["loss0"].append(losses[0])
        for k, a, b in (("job_ms", t0, t4), ("edit_ms", t0, t1), ("score_ms", t1, t2), ("gen_ms", t2, t3)):
            res[k].append((b - a) * 1000)
    print(json.dumps({**res, "torch": torch.__version__, "threads": threads}))


if __name__ == "__main__":
    main()
