#!/usr/bin/env python3
"""Models data-parallel scaling of a training step from measured inputs, with the alpha-beta cost of ring allreduce.

Usage:
  python3 Scripts/scaling_model.py --summary RUN.json [--alpha-us 25] [--nodes 8 32 128] [--gbits 10 100]
  python3 Scripts/scaling_model.py --compute-seconds 0.30 --gradient-bytes 1388584 --local-batch 32

RUN.json is the last line `mnist-cnn-distributed --no-mpi --threads T --batch-size B` prints (one process, so its
`seconds_per_step` is pure compute for a per-node batch of B); it gives the per-step compute, the gradient size and
the batch. The model (no overlap of communication with backward, as Lepton's trainer reduces after backward):

  ring allreduce of n bytes on p nodes:  T_comm(p) = 2 (p-1)/p * n * beta + 2 (p-1) * alpha
  beta = 8 / (link bits per second)  [seconds per byte], alpha = per-message latency
  step time:                             T_step(p) = T_compute + T_comm(p)
  throughput:                            p * local_batch / T_step(p)  samples/s (weak scaling, batch per node fixed)
  efficiency:                            T_compute / T_step(p)

Prints a Markdown table.
"""

import argparse
import json
import sys


def ring_allreduce_seconds(nodes, size_bytes, bits_per_second, alpha_seconds):
    beta = 8.0 / bits_per_second
    return 2.0 * (nodes - 1) / nodes * size_bytes * beta + 2.0 * (nodes - 1) * alpha_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--summary", help="JSON summary line of a one-process mnist-cnn-distributed run")
    parser.add_argument("--compute-seconds", type=float, help="measured compute per step on one node")
    parser.add_argument("--gradient-bytes", type=int, help="bytes all-reduced per step (4 x trainable parameters)")
    parser.add_argument("--local-batch", type=int, help="samples per node per step")
    parser.add_argument("--alpha-us", type=float, default=25.0,
                        help="per-message latency in microseconds (default 25: TCP over Ethernet)")
    parser.add_argument("--nodes", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--gbits", type=float, nargs="+", default=[10.0, 100.0])
    args = parser.parse_args()

    compute, size, batch = args.compute_seconds, args.gradient_bytes, args.local_batch
    if args.summary:
        with open(args.summary) as handle:
            lines = [line for line in handle.read().splitlines() if line.startswith("{")]
        if not lines:
            sys.exit(f"{args.summary}: no JSON summary line")
        summary = json.loads(lines[-1])
        if summary.get("ranks", 1) != 1:
            sys.exit(f"{args.summary}: a run on {summary['ranks']} ranks; the compute must come from one process")
        compute = compute if compute is not None else summary["seconds_per_step"]
        size = size if size is not None else summary["gradient_bytes"]
        batch = batch if batch is not None else summary["global_batch"]
    missing = [name for name, value in [("compute seconds", compute), ("gradient bytes", size),
                                        ("local batch", batch)] if value is None]
    if missing:
        sys.exit("missing inputs: " + ", ".join(missing) + " (give --summary or the values)")
    if compute <= 0 or size <= 0 or batch <= 0 or args.alpha_us < 0 or min(args.nodes) < 1 or min(args.gbits) <= 0:
        sys.exit("inputs must be positive (alpha may be 0)")

    alpha = args.alpha_us * 1e-6
    print(f"Inputs: compute {compute * 1e3:.1f} ms/step for {batch} samples per node, gradient "
          f"{size / 1e6:.3f} MB ({size // 4} floats), alpha {args.alpha_us:g} us; ring allreduce "
          f"T = 2(p-1)/p n beta + 2(p-1) alpha\n")
    print("| nodes | link | allreduce | step | samples/s | speed-up | efficiency |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    single = batch / compute
    print(f"| 1 | - | 0 ms | {compute * 1e3:.1f} ms | {single:,.0f} | 1.0 | 100% |")
    for gbits in args.gbits:
        for nodes in args.nodes:
            comm = ring_allreduce_seconds(nodes, size, gbits * 1e9, alpha)
            step = compute + comm
            throughput = nodes * batch / step
            print(f"| {nodes} | {gbits:g} Gbit/s | {comm * 1e3:.2f} ms | {step * 1e3:.1f} ms | {throughput:,.0f} | "
                  f"{throughput / single:.1f} | {compute / step:.0%} |")


if __name__ == "__main__":
    main()
