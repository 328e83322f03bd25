"""mulberry32, a line-by-line port of lib/runtime/rng.ts.

The oracle regenerates the course's seeded datasets with this port, so a test
can confirm the TypeScript generator gives the same data on every machine.
"""


class Rng:
    def __init__(self, seed: int):
        self.state = seed & 0xFFFFFFFF

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.next()


def _imul(a: int, b: int) -> int:
    """Math.imul: the low 32 bits of the product, as an unsigned int here."""
    return (a * b) & 0xFFFFFFFF
