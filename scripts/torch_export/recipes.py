"""The project's seeded data recipes (harness/src/recipe.cpp: SplitMix64, `uniform` = lo +
next() % span), vectorized, so large weights are written as a seed instead of values and the
suite regenerates them at load time."""
import numpy as np

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
WEIGHT_MIN, WEIGHT_MAX = -127, 127


def uniform(seed, count, lo=WEIGHT_MIN, hi=WEIGHT_MAX):
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + _GAMMA * np.arange(1, count + 1, dtype=np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (lo + (z % np.uint64(hi - lo + 1)).astype(np.int64)).astype(np.int64)


def recipe(seed):
    return {"seed": int(seed), "distribution": "uniform", "min": WEIGHT_MIN, "max": WEIGHT_MAX}


def weight_seed(model_seed, layer_index):
    return model_seed * 100003 + 7919 * (layer_index + 1)
