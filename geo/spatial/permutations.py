"""The conditional permutations of :mod:`geo.spatial.inference`, compiled (numba).

Why compiled
    Every village draws ``permutations`` sets of ``k_i`` other villages: on Jawa Timur, 9,999
    permutations are about 550 million draws. In NumPy each draw costs a bounded random
    integer, a collision test, an index shift and a gather, each a pass over a temporary array
    (about 10 ns a draw; 8–9 s per run, the largest stage of ``rank``). Compiled, a draw is a
    few instructions on values kept in registers (about 2 ns), and the villages split over
    the cores. numba is the field's compiler for this (esda's own permutation kernel uses it).

Why our own generator
    A village's draws must not depend on which thread runs it, or on how the villages are
    split, so each village needs a stream of its own, addressable by (key, village). NumPy's
    ``Generator`` objects are sequential streams: one per village would cost thousands of
    objects and cannot be driven from a compiled loop without the GIL. So each village's
    stream is SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of NumPy's own
    ``SeedSequence`` family and of xoshiro) started at ``mix(key ^ mix(village + γ))``, with
    ``key`` from NumPy's ``SeedSequence(seed)``. Bounded integers use Lemire's multiply-shift
    with rejection (2019), so each of ``m`` values is exactly equally likely; sets are drawn
    by Floyd's algorithm (each subset of ``k`` others equally likely, exactly ``k`` bounded
    draws, no rejection of sets).

Same seed, same draws, on any machine and any number of threads.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from geo.common.cores import usable_cores

GAMMA = np.uint64(0x9E3779B97F4A7C15)  # SplitMix64's increment (2^64 / golden ratio)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
LOW32 = np.uint64(0xFFFFFFFF)
TWO32 = np.uint64(0x100000000)

#: Villages per task handed to a thread at most (small enough to balance two cores).
CHUNK = 256
#: Tasks per thread at least: the second stage tests a few hundred villages with ten times
#: the permutations each, which in chunks of 256 left one thread doing all of it.
TASKS_PER_THREAD = 8


@njit(inline="always")
def _mix(x):
    x = (x ^ (x >> np.uint64(30))) * MIX1
    x = (x ^ (x >> np.uint64(27))) * MIX2
    return x ^ (x >> np.uint64(31))


@njit(inline="always")
def _start(key, village):
    return _mix(np.uint64(key) ^ _mix(np.uint64(village) + GAMMA))


@njit(inline="always")
def _limits(others, size):
    """Per Floyd step: the bound (m - k + step + 1) and Lemire's rejection threshold."""
    bounds = np.empty(size, np.uint64)
    limits = np.empty(size, np.uint64)
    for step in range(size):
        b = np.uint64(others - size + step + 1)
        bounds[step] = b
        limits[step] = (TWO32 - b) % b
    return bounds, limits


@njit(inline="always")
def _draw_sum(z, village, size, bounds, limits, chosen, state):
    """One set of ``size`` other villages (Floyd), returned as (new state, sum of their z)."""
    total = 0.0
    for step in range(size):
        b = bounds[step]
        while True:  # Lemire: a 32-bit uniform times b; reject the few biased low parts
            state += GAMMA
            m = (_mix(state) >> np.uint64(32)) * b
            if (m & LOW32) >= limits[step]:
                break
        t = np.int64(m >> np.uint64(32))
        for earlier in range(step):
            if chosen[earlier] == t:
                t = np.int64(b) - 1  # Floyd: taken already, so take the step's top value
                break
        chosen[step] = t
        total += z[t + np.int64(t >= village)]  # others -> village position, without a branch
    return state, total


@njit(nogil=True, cache=True)
def _counts(z, k, s_obs, rows, permutations, key, scale, total_z, at_least, at_most, mean, sd):
    """For each village in ``rows``: permutations at least as high / at most as low as the
    observed neighbour sum (within the tie tolerance), and their mean and standard deviation."""
    others = z.shape[0] - 1
    for i in rows:
        size = k[i]
        tol = scale * size
        obs = s_obs[i]
        bounds, limits = _limits(others, size)
        chosen = np.empty(size, np.int64)
        state = _start(key, i)
        centre = size * (total_z - z[i]) / others  # the permutations' expected sum
        high = 0
        low = 0
        s1 = 0.0
        s2 = 0.0
        for _ in range(permutations):
            state, total = _draw_sum(z, i, size, bounds, limits, chosen, state)
            if total >= obs - tol:
                high += 1
            if total <= obs + tol:
                low += 1
            d = total - centre  # shifted sums keep the variance exact in float64
            s1 += d
            s2 += d * d
        at_least[i] = high
        at_most[i] = low
        mean[i] = centre + s1 / permutations
        spread = np.sqrt(max(s2 / permutations - (s1 / permutations) ** 2, 0.0))
        sd[i] = 0.0 if spread <= tol else spread


@njit(nogil=True, cache=True)
def _sums(z, village, size, permutations, key):
    """The permutation sums of one village, as :func:`_counts` draws them (for the tests)."""
    bounds, limits = _limits(z.shape[0] - 1, size)
    chosen = np.empty(size, np.int64)
    state = _start(key, village)
    out = np.empty(permutations)
    for p in range(permutations):
        state, out[p] = _draw_sum(z, village, size, bounds, limits, chosen, state)
    return out


def stream_key(seed) -> int:
    """The 64-bit key of a seed (an int, a sequence of ints or a ``SeedSequence``)."""
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


_compiling = threading.Lock()


def permutation_counts(z: np.ndarray, k: np.ndarray, s_obs: np.ndarray, permutations: int,
                       seed, tolerance_scale: float, only: np.ndarray | None = None):
    """``(at_least, at_most, mean, sd)`` per village (zeros outside ``only`` when given):
    ``permutations`` random sets of ``k_i`` other villages' ``z`` per village, compared with
    the observed sum ``s_obs`` within ``tolerance_scale * k_i``; ``seed`` chooses the draws."""
    z = np.ascontiguousarray(z, dtype=np.float64)
    k = np.ascontiguousarray(k, dtype=np.int64)
    s_obs = np.ascontiguousarray(s_obs, dtype=np.float64)
    n = len(z)
    rows = np.arange(n, dtype=np.int64) if only is None else np.asarray(only, dtype=np.int64)
    out = [np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n), np.zeros(n)]
    key = np.uint64(stream_key(seed))
    args = (z, k, s_obs)
    rest = (int(permutations), key, float(tolerance_scale), float(z.sum()), *out)
    with _compiling:  # the first call compiles (or loads the cache) once, not once per thread
        _counts(*args, rows[:1], *rest)
    threads = usable_cores()
    size = max(1, min(CHUNK, -(-(len(rows) - 1) // (TASKS_PER_THREAD * threads))))
    chunks = [rows[s:s + size] for s in range(1, len(rows), size)]
    workers = min(threads, len(chunks))
    if workers <= 1:
        for chunk in chunks:
            _counts(*args, chunk, *rest)
    else:  # the kernel releases the GIL; each village writes only its own entries
        with ThreadPoolExecutor(workers, thread_name_prefix="permutations") as pool:
            list(pool.map(lambda chunk: _counts(*args, chunk, *rest), chunks))
    return tuple(out)


def neighbour_sums(z: np.ndarray, village: int, size: int, permutations: int, seed) -> np.ndarray:
    """The ``permutations`` random neighbour sums of ``village`` (as drawn for the p-values)."""
    return _sums(np.ascontiguousarray(z, dtype=np.float64), int(village), int(size),
                 int(permutations), np.uint64(stream_key(seed)))
